"""Shared fixtures: the repository, the built CLI, and the seed units."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cli():
    """Runs the CLI built by `cargo build --release` (or $STANCE_BIN) in the repository."""
    binary = Path(os.environ.get("STANCE_BIN", ROOT / "target" / "release" / "stance"))
    assert binary.exists(), f"{binary} is missing: run `cargo build --release` first"

    def run(*args: str) -> None:
        subprocess.run([str(binary), *args], cwd=ROOT, check=True, capture_output=True)

    return run


def read_jsonl(path: Path) -> list:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def seed_units(cli, tmp_path_factory) -> list:
    """The seed articles as units, as `stance ingest` splits them."""
    out = tmp_path_factory.mktemp("units") / "units.jsonl"
    cli("ingest", "seeds/", "-o", str(out))
    units = read_jsonl(out)
    assert len(units) > 100
    return units


@pytest.fixture(scope="session")
def cluster_data(cli, tmp_path_factory):
    """The generated units of the cluster tests (python/tests/cluster_data.py),
    as a Parquet folder, with the CLI's scores, rejections and report."""
    import cluster_data

    binary = Path(os.environ.get("STANCE_BIN", ROOT / "target" / "release" / "stance"))
    data = cluster_data.make(tmp_path_factory.mktemp("cluster"), binary)
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in data.seconds.items())
    print(f"\ncluster data: {data.n} units; {timings}")
    return data

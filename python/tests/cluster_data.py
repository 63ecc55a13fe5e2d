"""The data the Dask and Spark tests score, and what the CLI makes of it.

``STANCE_CLUSTER_UNITS`` units (default 1,000,000) from
``benches/gen_units.py`` (the units ``benches/cli.sh`` scores), with a
``line`` number, a ``kind`` (a title every 50 lines, three paragraphs
after it, else none: comments) and a few texts the CLI rejects (blank,
whitespace, null). Written as a Parquet folder (10 files, row groups of
25,000, so Spark splits them into many tasks) and as JSON lines for
``stance score``, whose scores, rejections and ``stance report --format
json`` the tests compare with.
"""

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benches"))
import gen_units  # noqa: E402

UNITS = int(os.environ.get("STANCE_CLUSTER_UNITS", "1000000"))
FILES = 10
MODEL = ROOT / "models" / "default.model"


def require(what: str, why: str) -> None:
    """Skips the test for a missing ``what``, or fails when the run must
    have it (``STANCE_REQUIRE_CLUSTER=1``, as in CI)."""
    if os.environ.get("STANCE_REQUIRE_CLUSTER") == "1":
        pytest.fail(f"STANCE_REQUIRE_CLUSTER=1 but {what} is missing: {why}")
    pytest.skip(
        f"{what} is missing ({why}): pip install -r python/requirements-cluster.txt, "
        "or set STANCE_REQUIRE_CLUSTER=1 to fail instead"
    )


def rows(n: int) -> Iterator[dict]:
    """The units with their line, kind and the rejected texts."""
    for i, u in enumerate(gen_units.units(n)):
        u["line"] = i
        k = i % 50
        u["kind"] = "title" if k == 0 else "paragraph" if k <= 3 else None
        if i % 100_000 == 99_999:
            u["text"] = ""
        elif i % 100_000 == 49_999:
            u["text"] = " \t "
        elif i % 250_000 == 12_345:
            u["text"] = None
        yield u



def cli_round(p) -> np.ndarray:
    """The CLI's rounding (src/score/output/mod.rs `round4`), bit for bit."""
    x = np.asarray(p, dtype=np.float32) * np.float32(10000)
    r = np.floor(x.astype(np.float64) + 0.5).astype(np.float32)
    return r / np.float32(10000)


def bits(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32).view(np.uint32)


@dataclass
class ClusterData:
    units: Path  # the Parquet folder
    n: int
    cli: pa.Table  # the CLI's scores, one row per unit and actor
    rejected: List[Tuple[int, str]]  # (line, reason) of the CLI's rejections
    report: str  # stance report --format json
    seconds: Dict[str, float]


def make(folder: Path, binary: Path) -> ClusterData:
    seconds = {}
    started = time.perf_counter()
    units = folder / "units"
    units.mkdir()
    jsonl = folder / "units.jsonl"
    schema = pa.schema(
        [("doc_id", pa.string()), ("unit_id", pa.string()), ("kind", pa.string()),
         ("line", pa.int64()), ("text", pa.string())]
    )  # fmt: skip
    columns: Dict[str, list] = {name: [] for name in schema.names}
    for u in rows(UNITS):
        for name, values in columns.items():
            values.append(u[name])
    table = pa.table(columns, schema=schema)
    per_file = -(-UNITS // FILES)
    for i in range(FILES):
        part = table.slice(i * per_file, per_file)
        pq.write_table(part, units / f"part-{i:03d}.parquet", row_group_size=25_000)
    # JSON lines for the CLI (nulls as null: a null kind is a comment, a
    # null text is rejected, as the Parquet nulls are).
    frame = table.drop_columns(["line"]).to_pandas()
    frame.to_json(jsonl, orient="records", lines=True, force_ascii=False)
    del frame, columns
    seconds["generate"] = time.perf_counter() - started

    started = time.perf_counter()
    scores = folder / "scores.jsonl"
    run = subprocess.run(
        [str(binary), "score", "--model", str(MODEL), str(jsonl), "-o", str(scores)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    seconds["cli score"] = time.perf_counter() - started
    rejected = []
    for line in run.stderr.splitlines():
        m = re.match(r"rejected: .*:(\d+): (.*)$", line)
        if m:
            rejected.append((int(m.group(1)) - 1, m.group(2)))

    started = time.perf_counter()
    report = subprocess.run(
        # --corpus: quotes centred in the full texts, as the workers do.
        [str(binary), "report", "--scores", str(scores), "--corpus", str(jsonl), "--model", str(MODEL),
         "--format", "json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    seconds["cli report"] = time.perf_counter() - started

    started = time.perf_counter()
    cli = flatten(pj.read_json(scores))
    scores.unlink()
    seconds["read cli scores"] = time.perf_counter() - started
    return ClusterData(units, UNITS, cli, rejected, report, seconds)


def flatten(records: pa.Table) -> pa.Table:
    """One row per unit and actor from the CLI's score records."""
    actors = records.column("actors")
    n = pc.list_value_length(actors).to_numpy()
    parent = np.repeat(np.arange(records.num_rows), n)
    flat = pc.list_flatten(actors)
    probs = pc.struct_field(flat, "probs")
    sprobs = records.column("sentiment_probs")
    take = lambda col: pc.take(col, pa.array(parent))  # noqa: E731
    cols = {
        "doc_id": take(records.column("doc_id")),
        "unit_id": take(records.column("unit_id")),
        "actor": pc.struct_field(flat, "actor"),
        "stance": pc.struct_field(flat, "stance"),
        "mentioned": pc.struct_field(flat, "mentioned"),
        "sentiment": take(records.column("sentiment")),
    }
    for name in ("pro", "anti", "none"):
        cols[f"prob_{name}"] = pc.struct_field(probs, name)
    for name in ("positive", "negative", "neutral"):
        cols[f"prob_{name}"] = take(pc.struct_field(sprobs, name))
    return pa.table(cols)


def assert_same_scores(got: pa.Table, data: ClusterData, actors: List[str]) -> None:
    """``got`` (a cluster's scores with the kept columns) holds the CLI's
    scores row for row: same units, actors, labels and mentions, and
    probabilities that round to the CLI's bits."""
    got = got.take(pc.sort_indices(got, [("line", "ascending")]))  # stable
    want = data.cli
    assert got.num_rows == want.num_rows == (data.n - len(data.rejected)) * len(actors)
    for name in ("doc_id", "unit_id", "actor", "stance", "mentioned", "sentiment"):
        a, b = got.column(name), want.column(name)
        if pa.types.is_dictionary(a.type):
            a = a.cast(a.type.value_type)
        if a.type != b.type:
            a, b = a.cast(pa.large_string()), b.cast(pa.large_string())
        if not a.equals(b):
            differ = pc.not_equal(a, b).to_numpy(zero_copy_only=False)
            i = int(np.argmax(differ))
            raise AssertionError(f"{name} differs at row {i}: {a[i]} != {b[i]} (CLI)")
    for name in ("pro", "anti", "none", "positive", "negative", "neutral"):
        g = bits(cli_round(got.column(f"prob_{name}").to_numpy()))
        w = bits(want.column(f"prob_{name}").to_numpy())
        assert np.array_equal(g, w), f"prob_{name}: {np.count_nonzero(g != w)} rows differ"


def assert_rows_add_up(scored_rows: int, rejected: pa.Table, data: ClusterData, actors) -> None:
    """Rows in = texts scored + rows rejected, and the rejected rows are
    the CLI's, for the same reasons."""
    assert scored_rows % len(actors) == 0
    assert scored_rows // len(actors) + rejected.num_rows == data.n
    got = sorted(zip(rejected.column("line").to_pylist(), rejected.column("reason").to_pylist()))
    assert got == sorted(data.rejected)
    assert len(got) > 0 or data.n < 100_000


def java() -> Optional[str]:
    from shutil import which

    return which("java")

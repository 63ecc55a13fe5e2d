"""`stance.ingest`, `stance.train`, `stance.evaluate` and
`stance.report.build` give what the CLI's `ingest`, `train`, `eval --json`
and `report` give, run in the same folder on the same data."""

import json
import subprocess

import pytest

import stance
import stance.report
from conftest import read_jsonl

FIXTURE = "tests/fixtures/stance_small.jsonl"


def run(root, *args) -> str:
    binary = str(root / "target" / "release" / "stance")
    out = subprocess.run([binary, *args], cwd=root, check=True, capture_output=True, text=True)
    return out.stdout


@pytest.fixture(scope="module")
def default_model(root):
    return stance.Model.load(root / "models" / "default.model")


def test_ingest_is_the_cli_ingest(root, seed_units, monkeypatch):
    monkeypatch.chdir(root)
    df = stance.ingest("seeds/")
    assert list(df.columns) == ["doc_id", "unit_id", "kind", "author", "posted_at", "text"]
    assert df.attrs["rejected"] == []
    got = [{k: v for k, v in row.items() if v is not None} for row in df.to_dict("records")]
    want = [{k: u[k] for k in df.columns if u.get(k) is not None} for u in seed_units]
    assert got == want


def test_ingest_lists_rejected_rows_with_file_and_line(tmp_path):
    bad = tmp_path / "units.jsonl"
    bad.write_text(
        '{"doc_id": "d", "unit_id": "1", "text": "We trust Russia"}\n{"doc_id": "d"}\n'
    )
    df = stance.ingest([bad])
    assert len(df) == 1
    (r,) = df.attrs["rejected"]
    assert r["file"].endswith("units.jsonl") and r["line"] == 2 and r["reason"]
    with pytest.raises(stance.StanceError):
        stance.ingest(tmp_path / "missing.jsonl")


@pytest.mark.parametrize(
    "flags,kwargs",
    [([], {}), (["--model-kind", "logistic", "--c", "1", "--pooled"],
                {"kind": "logistic", "c": 1.0, "pooled": True})],
)  # fmt: skip
def test_train_gives_the_cli_model_bytes(root, tmp_path, monkeypatch, flags, kwargs):
    out = tmp_path / "m.model"
    run(root, "train", "--data", FIXTURE, *flags, "-o", str(out))
    monkeypatch.chdir(root)
    model = stance.train(FIXTURE, **kwargs)
    assert model.to_bytes() == out.read_bytes()
    saved = tmp_path / "py.model"
    model.save(saved)
    assert saved.read_bytes() == out.read_bytes()
    assert (tmp_path / "py.meta.json").read_text() == (tmp_path / "m.meta.json").read_text()


def test_train_errors_are_stance_errors(tmp_path, monkeypatch, root):
    monkeypatch.chdir(root)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "target": "Russia", "label": "maybe"}\n')
    with pytest.raises(stance.StanceError) as e:
        stance.train(bad, strict=True)
    assert e.value.file.endswith("bad.jsonl") and e.value.line == 1
    with pytest.raises(ValueError):
        stance.train(FIXTURE, kind="forest")


def test_evaluate_is_the_cli_eval_json(root, monkeypatch, default_model):
    want = json.loads(run(root, "eval", "--model", "models/default.model", "--data", FIXTURE,
                          "--json", "--bootstrap", "50"))  # fmt: skip
    monkeypatch.chdir(root)
    assert stance.evaluate(default_model, FIXTURE, bootstrap=50) == want


def test_report_of_cli_scores_is_the_cli_report(root, tmp_path, monkeypatch, default_model):
    scores = tmp_path / "scores.jsonl"
    run(root, "score", "--model", "models/default.model", "seeds/", "-o", str(scores))
    model = ["--model", "models/default.model"]
    monkeypatch.chdir(root)
    for fmt in ("json", "table", "csv"):
        want = run(root, "report", "--scores", str(scores), *model, "--format", fmt)
        got = stance.report.build(scores, model=default_model, format=fmt)
        assert got == want, fmt
    parsed = stance.report.build(read_jsonl(scores), model=default_model)
    assert parsed == json.loads(want_json(root, scores))
    units = stance.ingest("seeds/")
    want_run = run(root, "run", *model, "seeds/", "--format", "json")
    assert stance.report.build(units=units, model=default_model) == json.loads(want_run)


def want_json(root, scores):
    return run(root, "report", "--scores", str(scores), "--model", "models/default.model",
               "--format", "json")  # fmt: skip

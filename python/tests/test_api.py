"""The Python API beyond the numbers: Arrow in and out, errors, the GIL,
and `python -m stance score` on Parquet."""

import subprocess
import sys
import threading
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import stance


@pytest.fixture(scope="module")
def model():
    return stance.Model.default()


def test_score_arrow_equals_score_and_keeps_ids(model, seed_units):
    units = seed_units[:300]
    batch = pa.record_batch(
        {
            "doc_id": [u["doc_id"] for u in units],
            "unit_id": [u["unit_id"] for u in units],
            "text": [u["text"] for u in units],
        }
    )
    out = model.score_arrow(batch, keep=["doc_id", "unit_id"])
    assert isinstance(out, pa.RecordBatch)
    df = out.to_pandas()
    want = model.score(batch.column("text").to_pylist())
    assert df.drop(columns=["doc_id", "unit_id"]).equals(want)
    n = len(model.actors)
    assert list(df["unit_id"]) == [u["unit_id"] for u in units for _ in range(n)]


def test_a_table_of_several_batches_numbers_rows_across_them(model):
    texts = ["We trust Russia", "We blame Pakistan", "Officials met today", "China helps"]
    table = pa.Table.from_batches(
        [pa.record_batch({"text": texts[:3]}), pa.record_batch({"text": texts[3:]})]
    )
    out = model.score_arrow(table, first_row=10)
    assert isinstance(out, pa.Table)
    n = len(model.actors)
    assert out.column("row").to_pylist() == [10 + i for i in range(4) for _ in range(n)]
    assert out.to_pandas().drop(columns="row").equals(
        model.score(texts).drop(columns="row")
    )


def test_large_and_view_strings_are_read_too(model):
    texts = ["We trust Russia", "We blame Pakistan"]
    want = model.score(texts)
    for kind in (pa.large_string(), pa.string_view()):
        batch = pa.record_batch({"body": pa.array(texts, type=kind)})
        assert model.score_arrow(batch, text="body").to_pandas().equals(want)


def test_target_column(model):
    batch = pa.record_batch({"text": ["We trust Pakistan again"], "who": ["Pakistan"]})
    df = model.score_arrow(batch, target="who").to_pandas()
    assert list(df["actor"].astype(str)) == ["Pakistan"]
    assert df.loc[0, "stance"] == "pro"
    assert bool(df.loc[0, "mentioned"])


def test_errors_name_the_file_or_the_row(model, tmp_path):
    with pytest.raises(stance.StanceError) as e:
        stance.Model.load(tmp_path / "missing.model")
    assert e.value.file == str(tmp_path / "missing.model")
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"not a model at all, just some bytes")
    with pytest.raises(stance.StanceError, match="bad magic bytes") as e:
        stance.Model.load(bad)
    assert e.value.file == str(bad)
    with pytest.raises(ValueError, match="1 targets for 2 texts"):
        model.score(["a", "b"], targets=["Russia"])
    with pytest.raises(ValueError, match='"text" is null at row 11'):
        model.score_arrow(pa.record_batch({"text": ["a", None]}), first_row=10)
    with pytest.raises(ValueError, match='no column "body"'):
        model.score_arrow(pa.record_batch({"text": ["a"]}), text="body")
    with pytest.raises(ValueError, match="not a string column"):
        model.score_arrow(pa.record_batch({"text": [1, 2]}))
    with pytest.raises(ValueError, match='cannot keep column "stance"'):
        model.score_arrow(pa.record_batch({"text": ["a"], "stance": ["x"]}), keep=["stance"])
    with pytest.raises(TypeError):
        model.score("a single string is not a list of texts")


def test_scoring_releases_the_gil(model, seed_units):
    texts = [u["text"] for u in seed_units] * 40
    started = time.perf_counter()
    model.score(texts)
    alone = time.perf_counter() - started
    assert alone > 0.2, f"too little work to see the GIL: {alone:.3f} s"
    gaps = []
    worker = threading.Thread(target=model.score, args=(texts,))
    last = time.perf_counter()
    worker.start()
    while worker.is_alive():
        time.sleep(0.001)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    worker.join()
    # Holding the GIL, the scoring would stall this loop for its whole run.
    assert max(gaps) < alone / 2, f"longest stall {max(gaps):.3f} s of {alone:.3f} s"


def test_python_m_stance_score_on_parquet(model, seed_units, tmp_path):
    units = pa.Table.from_pylist(
        [{"doc_id": u["doc_id"], "unit_id": u["unit_id"], "text": u["text"]} for u in seed_units]
    )
    source, out = tmp_path / "units.parquet", tmp_path / "scores.parquet"
    pq.write_table(units, source)
    subprocess.run(
        [sys.executable, "-m", "stance", "score", str(source), "-o", str(out), "--batch-size", "100"],
        check=True,
    )
    got = pq.read_table(out)
    want = model.score_arrow(units, keep=["doc_id", "unit_id"])
    assert got.num_rows == len(seed_units) * len(model.actors)
    assert got.to_pandas().equals(want.to_pandas())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.parquet", "units.parquet"]


def test_docstring_examples_run(root, monkeypatch):
    import doctest

    import pyarrow

    monkeypatch.chdir(root)
    model = stance.Model.default()
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(verbose=False)
    docs = {"Model": stance.Model.__doc__}
    methods = ("load", "default", "from_bytes", "to_bytes", "save", "score", "score_arrow",
               "count_arrow")  # fmt: skip
    for name in methods:
        docs[name] = getattr(stance.Model, name).__doc__
    from stance import _stance

    for name in ("rejected_arrow", "merge_counts", "init_threads"):
        docs[name] = getattr(_stance, name).__doc__
    for name in ("ingest", "train", "evaluate"):
        docs[name] = getattr(stance, name).__doc__
    docs["report.build"] = stance.report.build.__doc__
    for name, doc in docs.items():
        assert ">>>" in doc, f"{name} has no example"
        globs = {"stance": stance, "model": model, "pa": pyarrow}
        runner.run(parser.get_doctest(doc, globs, name, None, 0))
    failed, tried = runner.summarize(verbose=False)
    assert failed == 0 and tried >= 30

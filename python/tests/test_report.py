"""Reports from counts (`stance.report`), rejected rows, and models as
bytes: the pieces the Dask and Spark adapters are made of, on one machine."""

import json
import subprocess

import pyarrow as pa
import pytest

import stance
import stance.report


@pytest.fixture(scope="module")
def model(root):
    return stance.Model.load(root / "models" / "default.model")


@pytest.fixture(scope="module")
def units(seed_units):
    """The seed units (titles, paragraphs, comments) with their line."""
    return pa.Table.from_pylist(
        [
            {"doc_id": u["doc_id"], "unit_id": u["unit_id"], "kind": u["kind"], "line": i,
             "text": u["text"]}
            for i, u in enumerate(seed_units)
        ]
    )  # fmt: skip


def cli_report(root, tmp_path, seed_units, fmt="json") -> str:
    source, scores = tmp_path / "units.jsonl", tmp_path / "scores.jsonl"
    source.write_text("".join(json.dumps(u) + "\n" for u in seed_units), encoding="utf-8")
    binary = str(root / "target" / "release" / "stance")
    model = ["--model", "models/default.model"]
    subprocess.run([binary, "score", *model, str(source), "-o", str(scores)], cwd=root, check=True)
    out = subprocess.run(
        # --corpus: quotes are centred in the units' full texts, as the
        # workers centre them.
        [binary, "report", "--scores", str(scores), "--corpus", str(source), *model,
         "--format", fmt],
        cwd=root, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout


def test_report_from_counts_is_the_cli_report(root, model, units, seed_units, tmp_path):
    kinds = set(units.column("kind").to_pylist())
    assert kinds == {"title", "paragraph", "comment"}
    counts = stance.report.counts(units, model=model, order="line")
    for fmt in ("json", "table", "csv"):
        want = cli_report(root, tmp_path, seed_units, fmt)
        assert stance.report.from_counts(counts, model=model, format=fmt) == want, fmt
    report = stance.report.from_counts(counts, model=model)
    assert [r["doc_id"] for r in report] == list(dict.fromkeys(u["doc_id"] for u in seed_units))


def test_counts_of_parts_add_up(model, units):
    whole = stance.report.counts(units, model=model, order="line")
    parts = [stance.report.counts(units.slice(i, 50), model=model, order="line")
             for i in range(0, units.num_rows, 50)]  # fmt: skip
    merged = stance.report.merge_counts(pa.concat_tables(parts))
    assert merged.num_rows == whole.num_rows < sum(p.num_rows for p in parts)
    assert stance.report.from_counts(merged, model) == stance.report.from_counts(whole, model)
    # Unmerged rows are merged by from_counts itself, and a pandas frame will do.
    both = pa.concat_tables(parts).to_pandas()
    assert stance.report.from_counts(both, model) == stance.report.from_counts(whole, model)


def test_methods_that_need_probabilities_are_refused(model, units):
    counts = stance.report.counts(units, model=model)
    for method in ("pcc", "acc", "pacc", "em"):
        with pytest.raises(ValueError, match="needs every unit's probabilities"):
            stance.report.from_counts(counts, model, method=method)
    with pytest.raises(ValueError, match="unknown method"):
        stance.report.from_counts(counts, model, method="mean")
    bad = counts.set_column(1, "part", pa.array(["sidebar"] * counts.num_rows))
    with pytest.raises(ValueError, match='has part "sidebar"'):
        stance.report.from_counts(bad, model)


def test_rejected_rows_are_the_clis(model, tmp_path, root):
    texts = ["We trust Russia", "", " \t", None, "x" * ((4 << 20) + 1), "We blame Pakistan"]
    batch = pa.record_batch({"id": list("abcdef"), "text": texts})
    scores = model.score_arrow(batch, keep=["id"], skip_rejected=True)
    rejected = stance.rejected_arrow(batch, keep=["id"])
    assert scores.num_rows == 2 * len(model.actors)
    assert sorted(set(scores.column("row").to_pylist())) == [0, 5]
    assert rejected.column("id").to_pylist() == ["b", "c", "d", "e"]
    assert rejected.column("row").to_pylist() == [1, 2, 3, 4]
    reasons = rejected.column("reason").to_pylist()
    assert reasons[:3] == ["field `text` is empty"] * 2 + ["missing field `text`"]
    assert reasons[3].startswith("field `text` is 4194305 bytes, longer than the longest line")
    # The CLI says the same of the same rows.
    source = tmp_path / "units.jsonl"
    with open(source, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts[:4]):
            f.write(json.dumps({"doc_id": "d", "unit_id": str(i), "text": t}) + "\n")
    run = subprocess.run(
        [str(root / "target" / "release" / "stance"), "score", str(source), "-o", "/dev/null"],
        cwd=root, capture_output=True, text=True, check=True,
    )  # fmt: skip
    cli = [line.split(": ", 2)[2] for line in run.stderr.splitlines() if "rejected: " in line]
    assert cli == reasons[:3]


def test_units_the_cli_rejects_are_not_counted(model):
    batch = pa.record_batch(
        {
            "doc_id": ["d", "d", " ", "d", "d"],
            "unit_id": ["1", None, "3", "4", "5"],
            "kind": ["title", "comment", None, "sidebar", "Paragraph"],
            "text": ["We trust Russia", "We trust Russia", "a", "b", "We blame China"],
        }
    )
    rejected = stance.rejected_arrow(batch, doc="doc_id", unit="unit_id", kind="kind")
    assert rejected.column("reason").to_pylist() == [
        "missing field `unit_id`",
        "field `doc_id` is empty",
        'unknown kind "sidebar" (expected title, paragraph or comment)',
    ]
    counts = stance.report.counts(batch, model=model)
    assert sum(counts.column("units").to_pylist()) == 2 * len(model.actors)
    # The title is counted in no part; its rows carry the headline.
    assert set(counts.column("part").to_pylist()) == {"paragraphs", "title"}


def test_models_as_bytes(model, root):
    data = model.to_bytes()
    assert data == (root / "models" / "default.model").read_bytes()
    assert stance.Model.default().to_bytes() == data
    copy = stance.Model.from_bytes(data, origin="shipped")
    texts = ["We trust Russia", "We blame Pakistan"]
    assert copy.score(texts).equals(model.score(texts))
    with pytest.raises(stance.StanceError) as e:
        stance.Model.from_bytes(data[:100], origin="cut")
    assert e.value.file == "cut"
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(model)  # shipped as bytes by the adapters, never pickled per task


def test_threads_are_set_before_scoring_only(model):
    model.score(["We trust Russia"])
    assert stance.init_threads(1) is False


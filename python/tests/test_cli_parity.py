"""Python scores are `stance score`'s, field by field.

The CLI writes probabilities rounded to 4 decimals (in float32:
`(p * 10000).round() / 10000`); Python returns the model's float32 values
whole. The test rounds Python's values exactly as the CLI does (float32
multiply and divide, round half away from zero) and compares the float32
bit patterns: equal bits mean the unrounded values went through the same
code. (The unrounded values themselves are checked bit for bit against
the per-record library calls in the Rust test tests/score_columns.rs.)
"""

import json

import numpy as np

import stance
from conftest import read_jsonl


def cli_round(p) -> np.ndarray:
    """The CLI's rounding (src/score/output/mod.rs `round`), bit for bit."""
    x = np.asarray(p, dtype=np.float32) * np.float32(10000)
    # x >= 0 and has 24 significant bits, so x + 0.5 is exact in float64
    # and floor(x + 0.5) is Rust's round-half-away-from-zero.
    r = np.floor(x.astype(np.float64) + 0.5).astype(np.float32)
    return r / np.float32(10000)


def bits(values) -> list:
    return np.asarray(values, dtype=np.float32).view(np.uint32).tolist()


def cli_scores(cli, tmp_path, source: str) -> list:
    out = tmp_path / "scores.jsonl"
    cli("score", "--model", "models/default.model", source, "-o", str(out))
    return read_jsonl(out)


def test_seed_units_match_the_cli(root, cli, seed_units, tmp_path):
    units = tmp_path / "units.jsonl"
    units.write_text("".join(json.dumps(u) + "\n" for u in seed_units), encoding="utf-8")
    want = cli_scores(cli, tmp_path, str(units))
    model = stance.Model.load(root / "models" / "default.model")
    got = model.score([u["text"] for u in seed_units])
    actors = model.actors
    assert len(want) == len(seed_units)
    assert len(got) == len(seed_units) * len(actors)
    assert list(got["row"]) == [i for i in range(len(seed_units)) for _ in actors]
    assert list(got["actor"].astype(str)) == actors * len(seed_units)

    rows = [(rec, a) for rec in want for a in rec["actors"]]
    assert [a["actor"] for _, a in rows] == list(got["actor"].astype(str))
    assert [a["stance"] for _, a in rows] == list(got["stance"].astype(str))
    assert [a["mentioned"] for _, a in rows] == list(got["mentioned"])
    for name in ("pro", "anti", "none"):
        assert bits(cli_round(got[f"prob_{name}"])) == bits([a["probs"][name] for _, a in rows])
    assert [rec["sentiment"] for rec, _ in rows] == list(got["sentiment"].astype(str))
    for name in ("positive", "negative", "neutral"):
        want_p = [rec["sentiment_probs"][name] for rec, _ in rows]
        assert bits(cli_round(got[f"prob_{name}"])) == bits(want_p)


def test_fixture_targets_match_the_cli(root, cli, tmp_path):
    source = "tests/fixtures/stance_small.jsonl"
    lines = read_jsonl(root / source)
    want = cli_scores(cli, tmp_path, source)
    got = stance.Model.default().score(
        [x["text"] for x in lines], targets=[x["target"] for x in lines]
    )
    assert len(want) == len(lines) == len(got)
    assert [w["id"] for w in want] == [x["id"] for x in lines]
    scores = [w["actors"][0] for w in want]
    assert [s["actor"] for s in scores] == list(got["actor"].astype(str))
    assert [s["stance"] for s in scores] == list(got["stance"].astype(str))
    assert [s["mentioned"] for s in scores] == list(got["mentioned"])
    for name in ("pro", "anti", "none"):
        assert bits(cli_round(got[f"prob_{name}"])) == bits([s["probs"][name] for s in scores])


def test_the_embedded_default_is_the_shipped_file(root, seed_units):
    texts = [u["text"] for u in seed_units[:200]]
    embedded = stance.Model.default().score(texts)
    loaded = stance.Model.load(str(root / "models" / "default.model")).score(texts)
    assert embedded.equals(loaded)


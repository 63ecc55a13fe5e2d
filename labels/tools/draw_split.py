#!/usr/bin/env python3
"""Draws the evaluation / training assignment of the comment pool, once.

Run before any model scored the pool (it was: 2026-11-29, no model had seen
it). The draw reads only ids and, for the top-up, which actors a unit names
(mentions found by `stance actors --json`, not labels): it chooses *units*,
never labels. It writes labels/records/splits.csv; rerunning it reproduces the file.

    stance actors --json ../shared/data/comments/pool.jsonl > /tmp/mentions.jsonl
    python3 labels/tools/draw_split.py ../shared/data/comments/pool.jsonl /tmp/mentions.jsonl

1. Evaluation: 330 units drawn uniformly at random within each source
   (doc_id), in proportion to its size (seed 20261129).
2. Training: the next 360 of the same shuffled order, also in proportion.
3. Top-up (training only): while RUS, CHN or AFG is named by fewer than 50
   training units, the next unit of the shuffled remainder naming it is added.
4. Second pass: every other evaluation unit in drawn order (165) is labelled
   again by an independent annotator (the `second` column).
The seed paragraphs and comments keep their roles (paragraphs train, comments
evaluate) and are listed too, so every split comes from this one file.
"""
import csv
import json
import random
import sys

SEED = 20261129
N_EVAL, N_TRAIN, MIN_SUPPORT = 330, 360, 50
TOPUP = ["RUS", "CHN", "AFG"]


def seed_units():
    """The seeds' labelled units (ids only), in file order."""
    import glob
    out = []
    for path in sorted(glob.glob("labels/0*_*.csv")):
        for row in csv.DictReader(open(path, encoding="utf-8")):
            k = (row["doc_id"], row["unit_id"])
            if k not in out:
                out.append(k)
    return out


def main(pool_path, mentions_path, out_path="labels/records/splits.csv"):
    units = [json.loads(line) for line in open(pool_path, encoding="utf-8")]
    named = {}
    for line in open(mentions_path, encoding="utf-8"):
        m = json.loads(line)
        named[(m["doc_id"], m["unit_id"])] = {x["actor"] for x in m["mentions"]}
    by_source = {}
    for u in units:
        by_source.setdefault(u["doc_id"], []).append(u["unit_id"])
    rng = random.Random(SEED)
    total = len(units)
    eval_ids, train_ids, rest = [], [], []
    for source in sorted(by_source):
        ids = sorted(by_source[source])
        rng.shuffle(ids)
        n_e = round(N_EVAL * len(ids) / total)
        n_t = round(N_TRAIN * len(ids) / total)
        eval_ids += [(source, i) for i in ids[:n_e]]
        train_ids += [(source, i) for i in ids[n_e : n_e + n_t]]
        rest += [(source, i) for i in ids[n_e + n_t :]]
    rng.shuffle(rest)
    topup = []
    for actor in TOPUP:
        have = sum(actor in named.get(k, ()) for k in train_ids + topup)
        for k in rest:
            if have >= MIN_SUPPORT:
                break
            if actor in named.get(k, ()) and k not in topup:
                topup.append(k)
                have += 1
    # The second pass takes every other unit of the drawn evaluation order.
    second = set(eval_ids[0::2])
    seeds = seed_units()
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["doc_id", "unit_id", "split", "second", "why"])
        for k in sorted(eval_ids):
            w.writerow([k[0], k[1], "eval", "yes" if k in second else "no", "random"])
        for k in sorted(train_ids):
            w.writerow([k[0], k[1], "train", "no", "random"])
        for doc, unit in seeds:
            split = "eval" if unit.startswith("c") else "train"
            w.writerow([doc, unit, split, "no", "seed " + ("comment" if split == "eval" else "paragraph")])
        for k in sorted(topup):
            w.writerow([k[0], k[1], "train", "no", "topup:" + "+".join(
                a for a in TOPUP if a in named.get(k, ()))])
    print(f"eval {len(eval_ids)} (second pass {len(second)}), train {len(train_ids)} "
          f"+ top-up {len(topup)}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])

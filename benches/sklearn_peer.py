#!/usr/bin/env python3
"""The scikit-learn peer of `stance score` (issue 15): what a user would
build instead. It trains a TF-IDF (word 1-2-grams, sublinear tf) + logistic
regression pipeline on NewsMTSC train, target-aware the usual cheap way
(the sentence with the target's span replaced by a marker), then scores a
NewsMTSC-format JSON-lines file end to end, one thread: parse each line,
predict probabilities, write one JSON record per line, as `stance score`
does for the same file.

    python3 benches/sklearn_peer.py TRAIN.jsonl INPUT.jsonl OUTPUT.jsonl

Prints the training time and the scoring time, lines and lines/s to
stderr. Run it under `/usr/bin/time -v` for CPU seconds and peak RSS, and
with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 for one thread.
"""

import json
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

LABELS = {-1: "anti", 0: "none", 1: "pro"}
BATCH = 10_000


def masked(rec: dict) -> str:
    s, a, b = rec["sentence"], rec.get("from"), rec.get("to")
    if isinstance(a, int) and isinstance(b, int) and 0 <= a <= b <= len(s):
        return s[:a] + " TARGET " + s[b:]
    return s


def main() -> None:
    train, inp, out = sys.argv[1:4]
    started = time.perf_counter()
    recs = [json.loads(line) for line in open(train, encoding="utf-8") if line.strip()]
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
        LogisticRegression(C=1.0, max_iter=1000, class_weight="balanced"),
    )
    model.fit([masked(r) for r in recs], [r["polarity"] for r in recs])
    classes = [LABELS[c] for c in model.classes_]
    print(f"trained on {len(recs)} lines in {time.perf_counter() - started:.2f} s", file=sys.stderr)

    started = time.perf_counter()
    n = 0
    with open(inp, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
        batch: list = []

        def flush() -> None:
            probs = model.predict_proba([masked(r) for r in batch])
            for r, p in zip(batch, probs):
                best = max(range(len(classes)), key=lambda k: p[k])
                w.write(json.dumps({
                    "id": r.get("id"),
                    "target": r.get("mention"),
                    "stance": classes[best],
                    "probs": {c: round(float(x), 4) for c, x in zip(classes, p)},
                }))
                w.write("\n")
            batch.clear()

        for line in f:
            if not line.strip():
                continue
            batch.append(json.loads(line))
            n += 1
            if len(batch) == BATCH:
                flush()
        if batch:
            flush()
    secs = time.perf_counter() - started
    print(f"scored {n} lines in {secs:.2f} s: {n / secs:,.0f} lines/s", file=sys.stderr)


if __name__ == "__main__":
    main()

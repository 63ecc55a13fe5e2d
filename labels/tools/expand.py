#!/usr/bin/env python3
"""Formats annotators' one-line-per-unit sheets into the label store's rows.

An annotator writes `doc_id,unit_id,PAK,RUS,CHN,USA,IND,AFG,sentiment,note`
by hand, one line per unit; this script only reshapes each line into six
`doc_id,unit_id,actor,stance,sentiment,note` rows (the note on the first)
and checks the values. It assigns no label. The rows then go into the store
through `stance labels add`, which validates them against the corpus.

    python3 labels/tools/expand.py sheet.csv [sheet.csv ...] > rows.csv
"""
import csv
import sys

ACTORS = ["PAK", "RUS", "CHN", "USA", "IND", "AFG"]
STANCES = {"pro", "anti", "none"}
SENTIMENTS = {"positive", "negative", "neutral"}


def main(paths):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["doc_id", "unit_id", "actor", "stance", "sentiment", "note"])
    bad = 0
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                values = [row.get(a, "").strip() for a in ACTORS]
                sentiment = (row.get("sentiment") or "").strip()
                if any(v not in STANCES for v in values) or sentiment not in SENTIMENTS:
                    print(f"{path}:{line}: bad value in {row}", file=sys.stderr)
                    bad += 1
                    continue
                note = (row.get("note") or "").strip()
                for i, (actor, stance) in enumerate(zip(ACTORS, values)):
                    out.writerow([row["doc_id"].strip(), row["unit_id"].strip(), actor,
                                  stance, sentiment, note if i == 0 else ""])
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv[1:])

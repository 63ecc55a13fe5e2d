"""Comment-like units for benchmarks and the cluster tests, the same on every run.

Text is sampled with ``random.Random(20240601)`` from the seed pages
(``seeds/*.txt``): 60% one to three whole sentences, 30% 5-40 random
words, 10% a cut-off sentence (about 200 characters on average).
``unit_id`` is ``c<line>``; ``doc_id`` changes every 50 lines, and about
10% of lines take the id of a random other document, so documents are
mostly but not strictly contiguous.

    python3 benches/gen_units.py OUT.jsonl N      # what benches/cli.sh scores

``units(n)`` yields the same units as dicts, for writers of other formats
(python/tests/conftest.py writes them as a Parquet folder).
"""

import json
import random
import re
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Optional

ROOT = Path(__file__).resolve().parents[1]
BLOCK = 50


def _pages(pages: Optional[List[str]]) -> List[str]:
    return sorted(pages) if pages else sorted(str(p) for p in (ROOT / "seeds").glob("*.txt"))


def units(n: int, pages: Optional[List[str]] = None) -> Iterator[Dict[str, str]]:
    """The first ``n`` units, in order, from the seed pages (or ``pages``)."""
    sentences, words = [], []
    for p in _pages(pages):
        with open(p, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                sentences += [s for s in re.split(r"(?<=[.!?])\s+", line) if len(s) > 3]
                words += line.split()
    rng = random.Random(20240601)
    for i in range(n):
        # A document's comments come in runs of 50 lines; ~10% of the lines
        # of each run belong to some other document, so ids are mostly but
        # not strictly grouped.
        doc = i // BLOCK
        if rng.random() < 0.10:
            doc = rng.randrange(max(1, n // BLOCK))
        r = rng.random()
        if r < 0.6:
            text = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 3)))
        elif r < 0.9:
            text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 40)))
        else:
            text = rng.choice(sentences)[: rng.randint(10, 60)]
        yield {"doc_id": f"doc{doc:06d}", "unit_id": f"c{i}", "text": text}


def write_jsonl(path: str, n: int, pages: Optional[List[str]] = None) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for u in units(n, pages):
            f.write(json.dumps(u, ensure_ascii=False))
            f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: gen_units.py OUT.jsonl N [PAGE...]")
    write_jsonl(sys.argv[1], int(sys.argv[2]), sys.argv[3:] or None)

"""``python -m stance score in.parquet -o out.parquet``: Parquet in, Parquet out.

For users who keep comments as Parquet and prefer not to convert them to
JSON lines for the CLI. Reads the input a batch at a time and writes each
scored batch as it goes, so memory stays flat however large the file is.
"""

import argparse
import os
import sys
import tempfile

from . import Model, StanceError


def _score(args: argparse.Namespace) -> int:
    import pyarrow.parquet as pq

    model = Model.load(args.model) if args.model else Model.default()
    source = pq.ParquetFile(args.input)
    names = source.schema_arrow.names
    used = {args.text, args.target}
    keep = args.keep.split(",") if args.keep is not None else [n for n in names if n not in used]
    keep = [k for k in keep if k]
    # Written beside the output and renamed at the end, as the CLI writes:
    # the file appears whole or not at all.
    folder = os.path.dirname(os.path.abspath(args.output))
    fd, partial = tempfile.mkstemp(prefix=".stance-", suffix=".parquet", dir=folder)
    os.close(fd)
    rows = scored = 0
    try:
        writer = None
        try:
            for batch in source.iter_batches(batch_size=args.batch_size):
                out = model.score_arrow(
                    batch, text=args.text, target=args.target, keep=keep, first_row=rows
                )
                if writer is None:
                    writer = pq.ParquetWriter(partial, out.schema)
                writer.write_batch(out)
                rows += batch.num_rows
                scored += out.num_rows
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            # An empty input still gets an output with the score columns.
            empty = source.schema_arrow.empty_table()
            pq.write_table(
                model.score_arrow(empty, text=args.text, target=args.target, keep=keep), partial
            )
        os.replace(partial, args.output)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    print(f"score: read {rows} texts, wrote {scored} rows to {args.output}", file=sys.stderr)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stance", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser(
        "score",
        help="score the text column of a Parquet file",
        description="Example: python -m stance score comments.parquet -o scores.parquet",
    )
    score.add_argument("input", help="a Parquet file with a text column")
    score.add_argument("-o", "--output", required=True, help="the Parquet file to write")
    score.add_argument("--model", help="a model file (default: the shipped default model)")
    score.add_argument("--text", default="text", help="the text column (default: text)")
    score.add_argument("--target", help="a column of targets: one row per text toward it")
    score.add_argument(
        "--keep",
        help="comma-separated input columns to copy into each output row "
        "(default: every column but the text and target)",
    )
    score.add_argument("--batch-size", type=int, default=65536, help="rows read at a time")
    args = parser.parse_args(argv)
    try:
        return _score(args)
    except (StanceError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

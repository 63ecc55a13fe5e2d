"""Scores and reports on a Spark cluster: ``stance.spark.score(df)``,
``stance.spark.report(df)``.

Each partition's Arrow batches are scored by the native module in a
Python worker of its executor (``mapInArrow``), under a declared output
schema. The model's bytes go to the executors once, as a broadcast
variable (each executor fetches it once and its Python workers, which
Spark reuses across tasks, read it once); each Python worker process
loads the model the first time a task needs it and keeps it
(``stance._cluster``). Scoring in a worker uses ``spark.task.cpus``
threads, so the Python workers of an executor share its cores.

Example::

    from pyspark.sql import SparkSession
    import stance.spark

    spark = SparkSession.builder.getOrCreate()
    units = spark.read.parquet("units/")
    scored = stance.spark.score(units, model="models/default.model")
    scored.scores.write.parquet("scores/")
    report = stance.spark.report(units, model="models/default.model")
"""

from typing import Any, Callable, Iterator, List, NamedTuple, Optional, Union

import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema
from pyspark.sql.types import StructType

from . import _cluster
from . import report as _report
from ._stance import merge_counts

__all__ = ["Scored", "score", "counts", "report"]


class Scored(NamedTuple):
    """What ``score`` returns: the scores (one row per text and actor, or
    per text toward its target) and the rows that were not scored, with
    why. Rows in = texts scored + rows rejected."""

    scores: DataFrame
    rejected: DataFrame


def _plain(schema: pa.Schema) -> pa.Schema:
    """Dictionary-encoded label columns as plain strings: Spark has no
    categorical type."""
    return pa.schema(
        [
            f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
            for f in schema
        ]
    )


class _Out:
    """A declared output: its Spark schema, and the Arrow schema each
    batch is cast to (what Spark reads back for that Spark schema)."""

    def __init__(self, df: DataFrame, arrow: pa.Schema):
        self.spark: StructType = from_arrow_schema(_plain(arrow))
        large = df.sparkSession.conf.get("spark.sql.execution.arrow.useLargeVarTypes", "false")
        if large.lower() == "true":
            self.arrow = to_arrow_schema(self.spark, prefers_large_types=True)
        else:
            self.arrow = to_arrow_schema(self.spark)

    def cast(self, out: Union[pa.RecordBatch, pa.Table]) -> List[pa.RecordBatch]:
        table = out if isinstance(out, pa.Table) else pa.Table.from_batches([out])
        return table.cast(self.arrow).to_batches()


def _empty(df: DataFrame) -> pa.Table:
    """An empty Arrow table of ``df``'s schema."""
    return to_arrow_schema(df.schema).empty_table()


def _ship(df: DataFrame, ref: _cluster.ModelRef) -> Callable[[], Any]:
    """How a task gets the model's data: the bytes as a broadcast variable
    (sent to each executor once), or the path or None as they are. On
    Spark Connect, which has no broadcast variables, the bytes go with
    the function instead."""
    if not isinstance(ref.data, bytes):
        data = ref.data
        return lambda: data
    try:
        broadcast = df.sparkSession.sparkContext.broadcast(ref.data)
    except Exception:  # Spark Connect: no SparkContext
        data = ref.data
        return lambda: data
    return lambda: broadcast.value


def _threads(df: DataFrame, threads: Optional[int]) -> int:
    if threads is not None:
        return threads
    return int(df.sparkSession.conf.get("spark.task.cpus", "1"))


def score(
    df: DataFrame,
    text: str = "text",
    model: _cluster.ModelLike = None,
    target: Optional[str] = None,
    keep: Optional[List[str]] = None,
    threads: Optional[int] = None,
) -> Scored:
    """Scores the ``text`` column of a Spark DataFrame with ``mapInArrow``.

    ``model``: a ``stance.Model``, the bytes of a model file, a path that
    the driver and every executor can read, or None for the default
    model. ``target``, ``keep``: as in ``Model.score_arrow``; ``keep``
    defaults to every column but the text and the target. ``threads``:
    scoring threads per Python worker (default: ``spark.task.cpus``).
    Returns ``Scored(scores, rejected)``, both lazy: ``scores`` has the
    columns of ``Model.score_arrow`` (label columns as strings, ``row``
    numbering the text within its partition), ``rejected`` the kept
    columns, ``row`` and ``reason`` of each row that ``stance score`` would
    reject (a null, blank or overlong text, a null or blank target).

    Example::

        scored = stance.spark.score(spark.read.parquet("units/"))
        scored.scores.write.parquet("scores/")
    """
    ref = _cluster.model_ref(model)
    keep = _cluster.keep_columns(df.columns, text, target, keep)
    empty = _empty(df)
    local = _cluster.worker_model(ref.key, ref.data)
    out = _Out(df, local.score_arrow(empty, text=text, target=target, keep=keep).schema)
    rejects = _Out(df, _cluster.rejected_table(empty, text, target, keep).schema)
    data, key, threads = _ship(df, ref), ref.key, _threads(df, threads)

    def score_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        row = 0
        for batch in batches:
            scored = _cluster.score_table(batch, key, data(), text, target, keep, threads, row)
            row += batch.num_rows
            yield from out.cast(scored)

    def reject_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        row = 0
        for batch in batches:
            yield from rejects.cast(_cluster.rejected_table(batch, text, target, keep, row))
            row += batch.num_rows

    return Scored(
        df.mapInArrow(score_batches, out.spark), df.mapInArrow(reject_batches, rejects.spark)
    )


def counts(
    df: DataFrame,
    model: _cluster.ModelLike = None,
    text: str = "text",
    doc: str = "doc_id",
    unit: str = "unit_id",
    kind: Optional[str] = "kind",
    order: Optional[str] = None,
    threads: Optional[int] = None,
) -> DataFrame:
    """The report counts of a Spark DataFrame of units (lazy): each
    partition scored and counted in its Python worker, the counts added
    up by Spark (``groupBy`` with sums, minima and maxima: the rules of
    ``stance.report.merge_counts``). Arguments as ``report``;
    ``stance.report.from_counts`` makes the report."""
    ref = _cluster.model_ref(model)
    kind = _cluster.kind_column(df.columns, kind)
    local = _cluster.worker_model(ref.key, ref.data)
    empty = local.count_arrow(_empty(df), text=text, doc=doc, unit=unit, kind=kind, order=order)
    out = _Out(df, empty.schema)
    data, key, threads = _ship(df, ref), ref.key, _threads(df, threads)

    def count_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        # The partition's batches counted, then added up: one table per task.
        parts = [
            _cluster.count_table(b, key, data(), text, doc, unit, kind, order, threads)
            for b in batches
        ]
        if parts:
            yield from out.cast(merge_counts(pa.Table.from_batches(parts)))

    partial = df.mapInArrow(count_batches, out.spark)
    sums = ["units", "pro", "anti", "none", "mentioned", "positive", "negative", "neutral"]

    def strongest(stance: str):
        # The highest probability, then the smallest unit id: the least
        # (-p, unit) (struct fields compare in order; nulls are skipped).
        unit, p, excerpt, context, start, end = (
            F.col(f"{stance}_{c}")
            for c in ("unit", "p", "excerpt", "context", "mention_start", "mention_end")
        )
        quoted = F.struct(
            (-p).alias("k"),
            unit.alias("u"),
            excerpt.alias("e"),
            context.alias("c"),
            start.alias("s"),
            end.alias("n"),
        )
        return F.min(F.when(unit.isNotNull(), quoted)).alias(f"_{stance}")

    # The headline: the last title by position, then unit id (nulls first).
    title = F.struct("title_at", "title_unit", "title", "title_stance", "title_p")
    has_title = F.col("title_unit").isNotNull() | F.col("title").isNotNull()
    total = partial.groupBy("doc_id", "part", "actor").agg(
        *[F.sum(c).alias(c) for c in sums],
        strongest("pro"),
        strongest("anti"),
        F.min("first").alias("first"),
        F.max(F.when(has_title, title)).alias("_title"),
    )
    columns = {c: F.col(c) for c in ["doc_id", "part", "actor", *sums, "first"]}
    for stance in ("pro", "anti"):
        columns[f"{stance}_unit"] = F.col(f"_{stance}.u")
        columns[f"{stance}_p"] = -F.col(f"_{stance}.k")
        columns[f"{stance}_excerpt"] = F.col(f"_{stance}.e")
        columns[f"{stance}_context"] = F.col(f"_{stance}.c")
        columns[f"{stance}_mention_start"] = F.col(f"_{stance}.s")
        columns[f"{stance}_mention_end"] = F.col(f"_{stance}.n")
    for c in ("title_at", "title_unit", "title", "title_stance", "title_p"):
        columns[c] = F.col(f"_title.{c}")
    return total.select(*[columns[c].alias(c) for c in empty.schema.names])


def report(
    df: DataFrame,
    model: _cluster.ModelLike = None,
    text: str = "text",
    doc: str = "doc_id",
    unit: str = "unit_id",
    kind: Optional[str] = "kind",
    order: Optional[str] = None,
    method: str = "cc",
    format: Optional[str] = None,
    threads: Optional[int] = None,
) -> Union[List[dict], str]:
    """The per-article report of a Spark DataFrame of units: what ``stance
    report --format json`` gives for ``stance score`` of the same units.

    ``doc``, ``unit``, ``kind``: the columns of document ids, unit ids and
    kinds (title, paragraph, comment; used if present, else every unit
    is a comment). ``order``: a column of positions (such as line numbers)
    to list articles in the order of their first unit, as ``stance
    report`` does; without it articles come by id. ``method``: ``cc``
    (counts support only it, see ``stance.report.from_counts``);
    ``format``: as ``from_counts``. Units that ``stance score`` would
    reject are not counted; a unit id repeated in a document is counted
    each time (the CLI keeps the first), so deduplicate first if the data
    may repeat units. The counts (one row per document, part and actor)
    are collected to the driver.

    Example::

        report = stance.spark.report(spark.read.parquet("units/"), order="line")
    """
    ref = _cluster.model_ref(model)
    total = counts(df, model, text, doc, unit, kind, order, threads)
    # toArrow is Spark 4's; Spark 3.5 goes through pandas.
    total = total.toArrow() if hasattr(total, "toArrow") else total.toPandas()
    local = _cluster.worker_model(ref.key, ref.data)
    return _report.from_counts(total, local, method=method, format=format)


def workers(df: DataFrame) -> List[dict]:
    """What the Python workers that run the tasks of ``df``'s partitions
    hold: per task, its worker's process id, how many times that process
    loaded each model and its peak resident memory
    (``stance._cluster.worker_info``). For tests and benchmarks: after
    scoring, each worker has loaded the model once, however many tasks
    it ran."""
    import json

    def report(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for _ in batches:
            pass
        yield pa.RecordBatch.from_pylist([{"info": json.dumps(_cluster.worker_info())}])

    return [json.loads(r.info) for r in df.mapInArrow(report, "info string").collect()]

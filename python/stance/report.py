"""Per-article reports from counts, as ``stance report`` makes them from scores.

A report's classify-and-count shares, Wilson intervals, mention counts,
sentiment split and quoted units all follow from counts per document,
part and actor, which add up. So a cluster counts its units where they
are (``stance.dask.report``, ``stance.spark.report``, or ``counts`` here
on one machine), adds the counts up, and ``from_counts`` makes the report
with the library code ``stance report`` runs: the same report, number for
number, as ``stance report --format json`` on the scores of the same units.

Example::

    import pyarrow.parquet as pq
    import stance.report
    units = pq.read_table("units.parquet")
    counts = stance.report.counts(units)
    report = stance.report.from_counts(counts)   # list of articles, as JSON
"""

import json
from typing import Any, List, Optional, Union

import pyarrow as pa

from . import _cluster
from ._stance import Model, merge_counts as _merge_counts, report_from_counts

#: The columns of a counts table (``Model.count_arrow``).
COUNT_COLUMNS = [
    "doc_id", "part", "actor",
    "units", "pro", "anti", "none", "mentioned", "positive", "negative", "neutral",
    "pro_unit", "pro_p", "pro_excerpt", "pro_context", "pro_mention_start", "pro_mention_end",
    "anti_unit", "anti_p", "anti_excerpt", "anti_context", "anti_mention_start",
    "anti_mention_end",
    "first", "title_at", "title_unit", "title", "title_stance", "title_p",
]  # fmt: skip


def _arrow(data: Any) -> Any:
    """Arrow data as it is; a pandas DataFrame converted to an Arrow table."""
    try:
        import pandas
    except ImportError:  # pragma: no cover - pandas is a dependency
        return data
    if isinstance(data, pandas.DataFrame):
        return pa.Table.from_pandas(data, preserve_index=False)
    return data


def counts(
    data: Any,
    model: Optional[Model] = None,
    text: str = "text",
    doc: str = "doc_id",
    unit: str = "unit_id",
    kind: Optional[str] = "kind",
    order: Optional[str] = None,
) -> pa.Table:
    """Scores the units of ``data`` (an Arrow table or batch, or a pandas
    DataFrame) and counts them for a report, on this machine.

    One row per document, part and actor (``COUNT_COLUMNS``). ``kind``
    names the column of unit kinds (used if the data has it; units
    without a kind are comments); ``order`` a column of positions (such as
    line numbers) that lists articles in the order of their first unit,
    as ``stance report`` lists them in the order it reads them. Units that
    ``stance score`` would reject are not counted.

    Example::

        counts = stance.report.counts(units, order="line")
    """
    model = model if model is not None else Model.default()
    data = _arrow(data)
    kind = _cluster.kind_column(data.schema.names, kind)
    out = model.count_arrow(data, text=text, doc=doc, unit=unit, kind=kind, order=order)
    return pa.table(out) if isinstance(out, pa.RecordBatch) else out


def merge_counts(counts: Any) -> pa.Table:
    """Adds up the rows of ``counts`` that share a document, part and
    actor: the counts of several parts of the data (such as the tables of
    several workers) become the counts of all of it.

    Example::

        both = stance.report.merge_counts(pa.concat_tables([counts_a, counts_b]))
    """
    return _merge_counts(_arrow(counts))


def from_counts(
    counts: Any,
    model: Optional[Model] = None,
    method: str = "cc",
    format: Optional[str] = None,
) -> Union[List[dict], str]:
    """The per-article report of ``counts`` (an Arrow table or a pandas
    DataFrame with ``COUNT_COLUMNS``; rows of the same key are added up).

    ``model`` is the model that made the counts (default: the package's
    default model): its actors order the rows, and its out-of-fold data
    gives the measured error the report names. ``method`` is the
    quantification method; counts support ``cc`` (classify and count,
    ``stance report``'s default). Other methods need every unit's
    probabilities and are a ValueError (run ``stance report --method`` on
    the scores). Returns the report as ``stance report --format json``
    writes it, parsed (a list of articles), or with ``format`` one of
    json, table, csv or html, that output as a string.

    Example::

        report = stance.report.from_counts(counts)
        report[0]["sections"][0]["actors"][0]["pro_share"]
    """
    model = model if model is not None else Model.default()
    text = report_from_counts(_arrow(counts), model, method=method, format=format or "json")
    return json.loads(text) if format is None else text

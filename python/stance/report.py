"""Per-article reports, as ``stance report`` makes them.

``build`` is ``stance report`` itself: the report of score records (the
files ``stance score`` writes, or the records as dicts), or of units (such
as ``stance.ingest``'s DataFrame) that it scores first, as ``stance run``
does; with hand labels beside them if asked. It returns the report as
``--format json`` writes it, parsed (a list of articles), or the table,
CSV or HTML text::

    import stance, stance.report
    report = stance.report.build(units=stance.ingest("seeds/"))
    html = stance.report.build(scores="scores.jsonl", format="html")

The rest of the module makes reports from counts, for data too big for one
machine.

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
import os
from typing import Any, List, Optional, Union

import pyarrow as pa

from . import _cluster
from ._stance import Model, merge_counts as _merge_counts, report_from_counts, report_text

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


def build(
    scores: Any = None,
    *,
    units: Any = None,
    model: Optional[Model] = None,
    labels: Any = None,
    corpus: Any = None,
    actors: Any = None,
    method: Optional[str] = None,
    bootstrap: int = 1000,
    seed: int = 42,
    format: Optional[str] = None,
) -> Union[List[dict], str]:
    """The per-article report ``stance report`` makes, number for number.

    Give ``scores`` (a path or paths of score records as ``stance score``
    writes them, or the records as a list of dicts) or ``units`` (a pandas
    DataFrame with doc_id, unit_id, kind and text, such as
    ``stance.ingest``'s, or a list of unit dicts), which ``model`` scores
    first as ``stance run`` does; ``labels`` (label CSVs or folders) to
    show hand labels side by side, with ``corpus`` (pages or unit files
    they refer to, also used to centre quotes in the units' full texts).
    ``model`` is the model that made the scores (default: the package's
    default model): its out-of-fold data corrects the shares by ``method``
    (cc, pcc, acc, pacc or em; default ``stance report``'s) with
    ``bootstrap`` rounds from ``seed``. Returns the report as ``stance
    report --format json`` writes it, parsed (a list of articles), or with
    ``format`` one of json, table, csv or html, that output as a string.
    An unreadable score record or label row is a StanceError naming its
    file and line.

    Example:
        >>> import stance.report
        >>> units = stance.ingest("seeds/")
        >>> report = stance.report.build(units=units, model=model)
        >>> report[0]["doc_id"] == units.doc_id[0]
        True
    """
    model = model if model is not None else Model.default()

    def paths(p: Any) -> Optional[List[str]]:
        if p is None:
            return None
        if isinstance(p, (str, os.PathLike)):
            return [os.fspath(p)]
        return [os.fspath(x) for x in p]

    score_paths = score_lines = unit_lines = None
    if scores is not None:
        if isinstance(scores, (str, os.PathLike)) or (
            len(scores) and isinstance(scores[0], (str, os.PathLike))
        ):
            score_paths = paths(scores)
        else:
            score_lines = [json.dumps(r) for r in scores]
    if units is not None:
        try:
            import pandas
        except ImportError:  # pragma: no cover - pandas is a dependency
            pandas = None
        if pandas is not None and isinstance(units, pandas.DataFrame):
            text = units.to_json(orient="records", lines=True, force_ascii=False)
            unit_lines = [line for line in text.split("\n") if line]
        else:
            unit_lines = [json.dumps(u) for u in units]
    text = report_text(
        model, score_paths=score_paths, score_lines=score_lines, unit_lines=unit_lines,
        labels=paths(labels), corpus=paths(corpus),
        actors=os.fspath(actors) if actors is not None else None, method=method,
        bootstrap=bootstrap, seed=seed, format=format or "json",
    )  # fmt: skip
    return json.loads(text) if format is None else text

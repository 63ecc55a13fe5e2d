"""Scores and reports on a Dask cluster: ``stance.dask.score(ddf)``,
``stance.dask.report(ddf)``.

Each partition is scored by the native module in the worker that holds
it (``map_partitions``). The model reaches each worker once: with a
``distributed`` client, its bytes are scattered to every worker and the
tasks refer to them; each worker process loads the model the first time a
task needs it and keeps it (``stance._cluster``). Scoring in a worker uses
as many threads as the worker has (``threads_per_worker``), so worker
processes on one machine share its cores rather than each using all.

Example::

    import dask.dataframe as dd
    import stance.dask
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster):
        units = dd.read_parquet("units/")
        scored = stance.dask.score(units, model="models/default.model")
        scored.scores.to_parquet("scores/")
        print(len(scored.rejected), "rows rejected")
        report = stance.dask.report(units, model="models/default.model")
"""

from typing import Any, List, NamedTuple, Optional, Union

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from . import _cluster
from . import report as _report
from ._stance import Model, merge_counts

__all__ = ["Scored", "score", "counts", "report"]


class Scored(NamedTuple):
    """What ``score`` returns: the scores (one row per text and actor, or
    per text toward its target) and the rows that were not scored, with
    why. Rows in = texts scored + rows rejected."""

    scores: dd.DataFrame
    rejected: dd.DataFrame


def _client():
    try:
        from distributed import default_client

        return default_client()
    except (ImportError, ValueError):
        return None


def _ship(ref: _cluster.ModelRef) -> Any:
    """What the tasks get as the model's data: the bytes scattered to every
    worker (a future the tasks share) under a distributed client, else the
    bytes or path themselves (one process: nothing to ship)."""
    client = _client()
    if client is None or not isinstance(ref.data, bytes):
        return ref.data
    return client.scatter(ref.data, broadcast=True, hash=True)


def _threads(threads: Optional[int]) -> Optional[int]:
    """Threads for scoring in this worker: ``threads``, else the worker's."""
    if threads is not None:
        return threads
    try:
        from distributed import get_worker

        return get_worker().state.nthreads
    except (ImportError, ValueError, AttributeError):
        return None


def _table(df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(df, preserve_index=False)


def _score_part(df, key, data, text, target, keep, threads):
    out = _cluster.score_table(_table(df), key, data, text, target, keep, _threads(threads))
    return out.to_pandas()


def _reject_part(df, text, target, keep):
    return _cluster.rejected_table(_table(df), text, target, keep).to_pandas()


def _count_part(df, key, data, text, doc, unit, kind, order, threads):
    threads = _threads(threads)
    out = _cluster.count_table(_table(df), key, data, text, doc, unit, kind, order, threads)
    return out.to_pandas(types_mapper=pd.ArrowDtype)


def _merge_parts(df: pd.DataFrame) -> pd.DataFrame:
    return merge_counts(_table(df)).to_pandas(types_mapper=pd.ArrowDtype)


def _local_model(ref: _cluster.ModelRef) -> Model:
    """The model on the driver (for the output's actors and the report)."""
    return _cluster.worker_model(ref.key, ref.data)


def score(
    ddf: dd.DataFrame,
    text: str = "text",
    model: _cluster.ModelLike = None,
    target: Optional[str] = None,
    keep: Optional[List[str]] = None,
    threads: Optional[int] = None,
) -> Scored:
    """Scores the ``text`` column of a Dask DataFrame, partition by partition.

    ``model``: a ``stance.Model``, the bytes of a model file, a path that
    the driver and every worker can read, or None for the default model.
    ``target``, ``keep``: as in ``Model.score_arrow``; ``keep`` defaults to
    every column but the text and the target (ids, to tell rows apart).
    ``threads``: scoring threads per worker process (default: the worker's
    threads). Returns ``Scored(scores, rejected)``, both lazy:
    ``scores`` has the columns and dtypes of ``Model.score_arrow`` (``row``
    numbers the text within its partition), ``rejected`` the kept columns,
    ``row`` and ``reason`` of each row that ``stance score`` would reject
    (a null, blank or overlong text, a null or blank target).

    Example::

        scored = stance.dask.score(dd.read_parquet("units/"))
        scored.scores.to_parquet("scores/")
    """
    ref = _cluster.model_ref(model)
    keep = _cluster.keep_columns(list(ddf.columns), text, target, keep)
    local = _local_model(ref)
    # The scores of one made-up row, emptied: an empty table would have no
    # labels to make the categories of.
    from dask.dataframe.utils import meta_nonempty

    one = meta_nonempty(ddf._meta).iloc[:1].copy()
    one[text] = "x"
    if target is not None:
        one[target] = "x"
    meta = local.score_arrow(_table(one), text=text, target=target, keep=keep).to_pandas()
    meta = meta.iloc[:0]
    if target is not None:
        # The targets, and so the actor categories, differ by partition.
        from dask.dataframe.utils import clear_known_categories

        meta = clear_known_categories(meta, cols=["actor"])
    rejected_meta = _cluster.rejected_table(_table(ddf._meta), text, target, keep).to_pandas()
    data = _ship(ref)
    scores = ddf.map_partitions(
        _score_part, ref.key, data, text, target, keep, threads, meta=meta, align_dataframes=False
    )
    rejected = ddf.map_partitions(
        _reject_part, text, target, keep, meta=rejected_meta, align_dataframes=False
    )
    return Scored(scores, rejected)


def counts(
    ddf: dd.DataFrame,
    model: _cluster.ModelLike = None,
    text: str = "text",
    doc: str = "doc_id",
    unit: str = "unit_id",
    kind: Optional[str] = "kind",
    order: Optional[str] = None,
    threads: Optional[int] = None,
    split_every: Optional[int] = None,
) -> dd.DataFrame:
    """The report counts of a Dask DataFrame of units (lazy): each
    partition scored and counted in its worker, the counts added up by a
    tree reduction (``split_every`` partitions at a time). Arguments as
    ``report``; ``stance.report.from_counts`` makes the report."""
    ref = _cluster.model_ref(model)
    kind = _cluster.kind_column(list(ddf.columns), kind)
    # An empty count table, from the native module: the columns are checked
    # here, before any task runs.
    empty = _local_model(ref).count_arrow(
        _table(ddf._meta), text=text, doc=doc, unit=unit, kind=kind, order=order
    )
    meta = empty.to_pandas(types_mapper=pd.ArrowDtype)
    parts = ddf.map_partitions(
        _count_part,
        ref.key,
        _ship(ref),
        text,
        doc,
        unit,
        kind,
        order,
        threads,
        meta=meta,
        align_dataframes=False,
    )
    return parts.reduction(
        chunk=_merge_parts,
        combine=_merge_parts,
        aggregate=_merge_parts,
        meta=meta,
        split_every=split_every,
    )


def report(
    ddf: dd.DataFrame,
    model: _cluster.ModelLike = None,
    text: str = "text",
    doc: str = "doc_id",
    unit: str = "unit_id",
    kind: Optional[str] = "kind",
    order: Optional[str] = None,
    method: str = "cc",
    format: Optional[str] = None,
    threads: Optional[int] = None,
    split_every: Optional[int] = None,
) -> Union[List[dict], str]:
    """The per-article report of a Dask DataFrame of units: what ``stance
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
    may repeat units.

    Example::

        report = stance.dask.report(dd.read_parquet("units/"), order="line")
    """
    ref = _cluster.model_ref(model)
    total = counts(ddf, model, text, doc, unit, kind, order, threads, split_every).compute()
    return _report.from_counts(total, _local_model(ref), method=method, format=format)

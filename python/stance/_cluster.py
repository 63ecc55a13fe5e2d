"""What the Dask and Spark adapters share: the model shipped to worker
processes and loaded there once, and the work each task does on its part
of the data (all of it in the native module).

A worker process keeps the models it loaded in a module-level cache,
keyed by the SHA-256 of the model file's bytes (or by the path the
workers read it from, or ``default`` for the model inside the wheel), so
that every task after the first finds the model loaded. The bytes reach
each worker once by the engine's own means (a Dask future scattered to
every worker, a Spark broadcast variable), not once per task.
"""

import hashlib
import os
import threading
from typing import Dict, List, NamedTuple, Optional, Sequence, Union

import pyarrow as pa

from ._stance import Model, init_threads, rejected_arrow

ModelLike = Union[Model, bytes, str, "os.PathLike[str]", None]


class ModelRef(NamedTuple):
    """How workers find the model: ``key`` names it in their cache;
    ``data`` is the model file's bytes, a path that the workers can read,
    or None for the default model inside the package."""

    key: str
    data: Union[bytes, str, None]


def model_ref(model: ModelLike) -> ModelRef:
    """The reference to ship for ``model``: a ``stance.Model`` (its bytes),
    the bytes of a model file, a path (read by each worker; it must exist
    there and on the driver), or None (the default model, nothing shipped)."""
    if model is None:
        return ModelRef("default", None)
    if isinstance(model, Model):
        data = model.to_bytes()
    elif isinstance(model, (bytes, bytearray, memoryview)):
        data = bytes(model)
    elif isinstance(model, (str, os.PathLike)):
        path = os.path.abspath(os.fspath(model))
        return ModelRef("path:" + path, path)
    else:
        raise TypeError(
            f"model must be a stance.Model, bytes, a path or None, not {type(model).__name__}"
        )
    return ModelRef("sha256:" + hashlib.sha256(data).hexdigest(), data)


_models: Dict[str, Model] = {}
_loads: Dict[str, int] = {}
_threads_set = False
_lock = threading.Lock()


def worker_model(key: str, data: Union[bytes, str, None], threads: Optional[int] = None) -> Model:
    """The model named ``key``, loaded from ``data`` the first time this
    process asks for it. ``threads`` sets the scoring threads of the
    process before its first scoring (see ``stance.init_threads``)."""
    global _threads_set
    model = _models.get(key)
    if model is not None:
        return model
    with _lock:
        if threads and not _threads_set:
            init_threads(threads)
            _threads_set = True
        model = _models.get(key)
        if model is None:
            if data is None:
                model = Model.default()
            elif isinstance(data, str):
                model = Model.load(data)
            else:
                model = Model.from_bytes(data, origin=key)
            _models[key] = model
            _loads[key] = _loads.get(key, 0) + 1
    return model


def loads() -> Dict[str, int]:
    """How many times this process loaded each model (by key): 1 each
    however many tasks it ran. For tests and diagnostics."""
    return dict(_loads)


def worker_info() -> Dict[str, object]:
    """This worker process: its id, the models it loaded (``loads``) and
    its peak resident memory in MB. For tests and benchmarks."""
    import resource

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"pid": os.getpid(), "loads": loads(), "peak_rss_mb": round(peak_kb / 1024, 1)}


def keep_columns(
    names: Sequence[str], text: str, target: Optional[str], keep: Optional[Sequence[str]]
) -> List[str]:
    """The input columns carried into each output row: ``keep``, or every
    column but the text and the target (as ``python -m stance score``)."""
    if keep is not None:
        return list(keep)
    return [n for n in names if n not in (text, target)]


def kind_column(names: Sequence[str], kind: Optional[str]) -> Optional[str]:
    """The kind column to use: ``kind`` itself, except that the default
    ``"kind"`` is used only where the data has it (units without a kind
    are comments, as in the CLI)."""
    if kind == "kind" and kind not in names:
        return None
    return kind


def score_table(
    table: pa.Table,
    key: str,
    data: Union[bytes, str, None],
    text: str,
    target: Optional[str],
    keep: List[str],
    threads: Optional[int],
    first_row: int = 0,
):
    """A task's scores: rows that ``stance score`` rejects left out."""
    model = worker_model(key, data, threads)
    return model.score_arrow(
        table, text=text, target=target, keep=keep, first_row=first_row, skip_rejected=True
    )


def rejected_table(table, text: str, target: Optional[str], keep: List[str], first_row: int = 0):
    """A task's rejected rows, with the reason."""
    return rejected_arrow(table, text=text, target=target, keep=keep, first_row=first_row)


def count_table(
    table,
    key: str,
    data: Union[bytes, str, None],
    text: str,
    doc: str,
    unit: str,
    kind: Optional[str],
    order: Optional[str],
    threads: Optional[int],
):
    """A task's report counts."""
    model = worker_model(key, data, threads)
    return model.count_arrow(table, text=text, doc=doc, unit=unit, kind=kind, order=order)

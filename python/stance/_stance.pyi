"""Type stubs of the native module (python/src/lib.rs)."""

from os import PathLike
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import pandas
import pyarrow

__version__: str

class StanceError(Exception):
    """An error of the stance library; ``file`` and ``line`` say where."""

    file: Optional[str]
    line: Optional[int]

_Path = Union[str, "PathLike[str]"]

class Model:
    """A stance and sentiment model, ready to score.

    Example::

        model = stance.Model.default()
        df = model.score(["Russia is our true friend"])
    """

    @staticmethod
    def load(path: Union[str, "PathLike[str]"]) -> "Model":
        """Loads a model file written by ``stance train``.

        Raises StanceError (with ``file``) when it cannot be read.
        """

    def save(self, path: _Path) -> None:
        """Writes the model and ``<model>.meta.json`` as ``stance train -o PATH`` does (atomically)."""

    @staticmethod
    def default() -> "Model":
        """The model shipped with this package (``models/default.model``)."""

    @staticmethod
    def from_bytes(data: bytes, origin: str = "<bytes>") -> "Model":
        """A model from the bytes of a model file (``to_bytes`` of another).

        Raises StanceError (with ``file`` = ``origin``) for bytes that are
        not a model of this version.
        """

    def to_bytes(self) -> bytes:
        """The bytes of the model file, to ship to other processes."""

    @property
    def actors(self) -> list[str]:
        """The codes of the model's actors, in the order rows list them."""

    def score(
        self, texts: Sequence[str], targets: Optional[Sequence[str]] = None
    ) -> pandas.DataFrame:
        """Scores texts: one row per text and actor, or per text toward its target.

        Columns: row, actor, stance, prob_pro, prob_anti, prob_none,
        mentioned, sentiment, prob_positive, prob_negative, prob_neutral
        (float32 probabilities, unrounded).

        Example::

            df = model.score(["We trust Pakistan again"], targets=["Pakistan"])
            df.loc[0, "stance"]  # 'pro'
        """

    def score_arrow(
        self,
        data: Union[pyarrow.RecordBatch, pyarrow.Table, Any],
        text: str = "text",
        target: Optional[str] = None,
        keep: Optional[Sequence[str]] = None,
        first_row: int = 0,
        skip_rejected: bool = False,
    ) -> Union[pyarrow.RecordBatch, pyarrow.Table]:
        """Scores the ``text`` column of an Arrow batch or table, read in place.

        Returns a RecordBatch for a RecordBatch, a Table otherwise; ``keep``
        carries input columns (ids) into each output row. A null text is a
        ValueError; with ``skip_rejected`` the rows ``stance score`` rejects
        (null, blank or overlong text, null or blank target) are left out.

        Example::

            batch = pa.record_batch({"id": ["a"], "text": ["We trust Russia"]})
            model.score_arrow(batch, keep=["id"])
        """

    def count_arrow(
        self,
        data: Union[pyarrow.RecordBatch, pyarrow.Table, Any],
        text: str = "text",
        doc: str = "doc_id",
        unit: str = "unit_id",
        kind: Optional[str] = None,
        order: Optional[str] = None,
    ) -> Union[pyarrow.RecordBatch, pyarrow.Table]:
        """Scores units and counts them for a report: one row per document,
        part and actor (``stance.report.COUNT_COLUMNS``).

        Rows ``stance score`` would reject are not counted. Counts add up
        (``stance.report.merge_counts``); ``stance.report.from_counts``
        makes the report.
        """

def rejected_arrow(
    data: Union[pyarrow.RecordBatch, pyarrow.Table, Any],
    text: str = "text",
    target: Optional[str] = None,
    keep: Optional[Sequence[str]] = None,
    doc: Optional[str] = None,
    unit: Optional[str] = None,
    kind: Optional[str] = None,
    first_row: int = 0,
) -> Union[pyarrow.RecordBatch, pyarrow.Table]:
    """The rows ``stance score`` would reject: the ``keep`` columns, ``row``
    and ``reason`` (the CLI's message)."""

def merge_counts(data: Union[pyarrow.RecordBatch, pyarrow.Table, Any]) -> pyarrow.Table:
    """Adds up the count rows of the same document, part and actor."""

def report_from_counts(
    data: Union[pyarrow.RecordBatch, pyarrow.Table, Any],
    model: Model,
    method: str = "cc",
    format: str = "json",
) -> str:
    """The report of counts, as ``stance report --format FORMAT`` prints it."""

def init_threads(threads: int) -> bool:
    """Sets the scoring threads of this process, if nothing was scored in it yet."""

def ingest_columns(
    inputs: Sequence[str],
    id_col: Optional[str] = None,
    doc_col: Optional[str] = None,
    text_col: Optional[str] = None,
    delimiter: Optional[str] = None,
    lines: bool = False,
) -> Tuple[Dict[str, List[Optional[str]]], List[Dict[str, Any]]]:
    """The unit columns of ``stance ingest INPUTS`` and the rejected records
    (file, line, reason); ``stance.ingest`` makes the DataFrame."""

def train(
    data: Sequence[str],
    *,
    kind: str = "svm",
    c: Optional[float] = None,
    sentiment_c: Optional[float] = None,
    class_weight: str = "balanced",
    word_ngrams: Optional[int] = None,
    char_ngrams: Optional[Tuple[int, int]] = (2, 5),
    window: Optional[int] = None,
    mask: bool = True,
    target_identity: bool = True,
    lexicon: bool = True,
    lexicon_weight: Optional[float] = None,
    min_df: Optional[int] = None,
    pooled: bool = False,
    source_weights: Optional[Sequence[Tuple[str, float]]] = None,
    augment: bool = False,
    domain: Optional[str] = "labels",
    max_iter: Optional[int] = None,
    oof_folds: Optional[int] = None,
    seed: int = 42,
    sources: Optional[Sequence[Tuple[str, str]]] = None,
    units: Optional[str] = None,
    corpus: Optional[Sequence[str]] = None,
    actors: Optional[str] = None,
    split: Optional[str] = None,
    unit_kind: Optional[str] = None,
    strict: bool = False,
) -> Model:
    """Trains as ``stance train --data DATA`` does (``stance.train`` wraps it)."""

def evaluate_json(
    model: Model,
    data: Sequence[str],
    *,
    include_train: bool = False,
    bootstrap: int = 0,
    seed: int = 42,
    units: Optional[str] = None,
    corpus: Optional[Sequence[str]] = None,
    actors: Optional[str] = None,
    split: Optional[str] = None,
    unit_kind: Optional[str] = None,
) -> str:
    """What ``stance eval --model MODEL --data DATA --json`` prints."""

def report_text(
    model: Model,
    *,
    score_paths: Optional[Sequence[str]] = None,
    score_lines: Optional[Sequence[str]] = None,
    unit_lines: Optional[Sequence[str]] = None,
    labels: Optional[Sequence[str]] = None,
    corpus: Optional[Sequence[str]] = None,
    actors: Optional[str] = None,
    method: Optional[str] = None,
    bootstrap: int = 1000,
    seed: int = 42,
    format: str = "json",
) -> str:
    """What ``stance report --format FORMAT`` prints for these scores (or
    units, scored first); ``stance.report.build`` wraps it."""

"""Type stubs of the native module (python/src/lib.rs)."""

from os import PathLike
from typing import Any, Optional, Sequence, Union

import pandas
import pyarrow

__version__: str

class StanceError(Exception):
    """An error of the stance library; ``file`` and ``line`` say where."""

    file: Optional[str]
    line: Optional[int]

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

    @staticmethod
    def default() -> "Model":
        """The model shipped with this package (``models/default.model``)."""

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
    ) -> Union[pyarrow.RecordBatch, pyarrow.Table]:
        """Scores the ``text`` column of an Arrow batch or table, read in place.

        Returns a RecordBatch for a RecordBatch, a Table otherwise; ``keep``
        carries input columns (ids) into each output row.

        Example::

            batch = pa.record_batch({"id": ["a"], "text": ["We trust Russia"]})
            model.score_arrow(batch, keep=["id"])
        """

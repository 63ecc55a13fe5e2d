"""stance: who is for and who is against whom in the news.

Actor-level stance (pro / anti / none) and sentiment for news articles and
reader comments, scored by the same Rust library as the ``stance`` CLI.

Example::

    import stance
    model = stance.Model.default()
    print(model.score(["Russia is our true friend"]))

The CLI's commands as functions: ``stance.ingest`` (units as a
DataFrame), ``stance.train`` (a Model), ``stance.evaluate`` (the figures of
``stance eval --json``) and ``stance.report.build`` (``stance report``).

Submodules: ``stance.report`` (reports of scores or units, and from
counts; imported with the package), ``stance.dask`` and ``stance.spark`` (scoring and reports on a
cluster; they need dask[distributed] or pyspark).
"""

from ._stance import Model, StanceError, __version__, init_threads, rejected_arrow
from ._api import evaluate, ingest, train
from . import report

__all__ = [
    "Model", "StanceError", "__version__", "evaluate", "ingest", "init_threads",
    "rejected_arrow", "report", "train",
]  # fmt: skip

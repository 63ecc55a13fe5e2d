"""stance: who is for and who is against whom in the news.

Actor-level stance (pro / anti / none) and sentiment for news articles and
reader comments, scored by the same Rust library as the ``stance`` CLI.

Example::

    import stance
    model = stance.Model.default()
    print(model.score(["Russia is our true friend"]))

Submodules, imported on their own: ``stance.report`` (reports from
counts), ``stance.dask`` and ``stance.spark`` (scoring and reports on a
cluster; they need dask[distributed] or pyspark).
"""

from ._stance import Model, StanceError, __version__, init_threads, rejected_arrow

__all__ = ["Model", "StanceError", "__version__", "init_threads", "rejected_arrow"]

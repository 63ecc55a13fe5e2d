"""stance: who is for and who is against whom in the news.

Actor-level stance (pro / anti / none) and sentiment for news articles and
reader comments, scored by the same Rust library as the ``stance`` CLI.

Example::

    import stance
    model = stance.Model.default()
    print(model.score(["Russia is our true friend"]))
"""

from ._stance import Model, StanceError, __version__

__all__ = ["Model", "StanceError", "__version__"]

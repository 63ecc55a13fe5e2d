"""``stance.ingest``, ``stance.train`` and ``stance.evaluate``: the CLI's
``ingest``, ``train`` and ``eval --json`` as functions, calling the same
library code (the native module releases the GIL while it works)."""

import json
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _stance
from ._stance import Model

PathLike = Union[str, "os.PathLike[str]"]

#: The columns of ``stance.ingest``'s DataFrame, in order.
UNIT_COLUMNS = ["doc_id", "unit_id", "kind", "author", "posted_at", "text"]


def _paths(data: Union[PathLike, Sequence[PathLike]]) -> List[str]:
    if isinstance(data, (str, os.PathLike)):
        return [os.fspath(data)]
    return [os.fspath(p) for p in data]


def ingest(
    inputs: Union[PathLike, Sequence[PathLike]],
    *,
    id_col: Optional[str] = None,
    doc_col: Optional[str] = None,
    text_col: Optional[str] = None,
    delimiter: Optional[str] = None,
    lines: bool = False,
) -> Any:
    """The units of ``inputs`` (article pages, folders, JSON lines, CSV),
    as ``stance ingest INPUTS`` splits them, as a pandas DataFrame with
    the columns doc_id, unit_id, kind, author, posted_at and text.

    The keywords are the flags of ``stance ingest`` (``--id-col``,
    ``--doc-col``, ``--text-col``, ``--delimiter``, ``--lines``). The
    records ``stance ingest`` rejects (and lists on stderr) are in
    ``df.attrs["rejected"]``: a list of dicts with file, line (None when
    the whole file was rejected) and reason. A missing input is a
    StanceError, as it stops the CLI.

    Example:
        >>> units = stance.ingest("seeds/")
        >>> list(units.columns)
        ['doc_id', 'unit_id', 'kind', 'author', 'posted_at', 'text']
        >>> units.attrs["rejected"]
        []
    """
    import pandas

    cols, rejected = _stance.ingest_columns(
        _paths(inputs), id_col=id_col, doc_col=doc_col, text_col=text_col,
        delimiter=delimiter, lines=lines,
    )  # fmt: skip
    # object columns: a missing author or time stays None, as in the JSON.
    df = pandas.DataFrame(
        {c: pandas.Series(cols[c], dtype=object) for c in UNIT_COLUMNS}, columns=UNIT_COLUMNS
    )
    df.attrs["rejected"] = rejected
    return df


def train(
    data: Union[PathLike, Sequence[PathLike]],
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
    source_weights: Optional[Dict[str, float]] = None,
    augment: bool = False,
    domain: Optional[str] = "labels",
    max_iter: Optional[int] = None,
    oof_folds: Optional[int] = None,
    seed: int = 42,
    sources: Optional[Sequence[Tuple[str, PathLike]]] = None,
    units: Optional[PathLike] = None,
    corpus: Optional[Sequence[PathLike]] = None,
    actors: Optional[PathLike] = None,
    split: Optional[str] = None,
    unit_kind: Optional[str] = None,
    strict: bool = False,
) -> Model:
    """Trains a model on ``data`` (label CSVs or folders of them, stance
    JSON lines, NewsMTSC lines) as ``stance train --data DATA`` does: the
    same model, byte for byte, as the CLI run in the same folder with the
    same settings.

    The defaults are those of ``stance train`` without flags: ``kind``
    "svm" (or "logistic"), ``c`` 0.1, ``sentiment_c`` 1, word 1-2 and
    char 2-5 n-grams (``char_ngrams=None``: none), ``window`` 10, one
    head per target (``pooled=True``: one pooled head), lexicon features
    on, ``min_df`` 1, ``max_iter`` 200, and ``oof_folds`` 5 out-of-fold
    folds (skipped when the data has fewer units; 0 = off) whose scores
    calibrate the probabilities and give ``stance.report`` its error
    rates; ``seed`` 42. ``sources`` are (name, path) pairs (``--source
    NAME=PATH``), ``source_weights`` a {name: weight} dict; ``units``,
    ``corpus`` and ``actors`` the units, corpus and actors file label
    CSVs refer to (default: the project's, found from the working folder
    as the CLI finds it); ``split`` (train, eval, all; default train) and
    ``unit_kind`` (paragraph, comment, all) choose label rows. Rejected
    rows are skipped (``strict=True``: a StanceError naming the file and
    line of the first).

    Example:
        >>> m = stance.train("tests/fixtures/stance_small.jsonl", oof_folds=0)
        >>> m.score(["We trust Pakistan again"], targets=["Pakistan"]).loc[0, "stance"] in ("pro", "anti", "none")
        True
    """
    return _stance.train(
        _paths(data), kind=kind, c=c, sentiment_c=sentiment_c, class_weight=class_weight,
        word_ngrams=word_ngrams, char_ngrams=char_ngrams, window=window, mask=mask,
        target_identity=target_identity, lexicon=lexicon, lexicon_weight=lexicon_weight,
        min_df=min_df, pooled=pooled,
        source_weights=list((source_weights or {}).items()) or None, augment=augment,
        domain=domain, max_iter=max_iter, oof_folds=oof_folds, seed=seed,
        sources=[(n, os.fspath(p)) for n, p in sources] if sources else None,
        units=os.fspath(units) if units is not None else None,
        corpus=_paths(corpus) if corpus is not None else None,
        actors=os.fspath(actors) if actors is not None else None,
        split=split, unit_kind=unit_kind, strict=strict,
    )  # fmt: skip


def evaluate(
    model: Model,
    data: Union[PathLike, Sequence[PathLike]],
    *,
    include_train: bool = False,
    bootstrap: int = 0,
    seed: int = 42,
    units: Optional[PathLike] = None,
    corpus: Optional[Sequence[PathLike]] = None,
    actors: Optional[PathLike] = None,
    split: Optional[str] = None,
    unit_kind: Optional[str] = None,
) -> Dict[str, Any]:
    """Scores ``model`` on the labelled ``data``: the object ``stance eval
    --model MODEL --data DATA --json`` prints, parsed: keys n, accuracy,
    macro_f1, f_avg, per_class, confusion, calibration, per_target (and
    per_type, sentiment with its own calibration, when present).

    As the CLI, the units the model was trained on are left out
    (``include_train=True`` keeps them); label CSVs give their eval split
    (``split``: train, eval or all); ``bootstrap`` rounds give 95 %
    intervals. ``units``, ``corpus``, ``actors`` and ``unit_kind`` are
    those of ``stance.train``.

    Example:
        >>> r = stance.evaluate(model, "tests/fixtures/stance_small.jsonl")
        >>> 0 <= r["accuracy"] <= 1
        True
    """
    text = _stance.evaluate_json(
        model, _paths(data), include_train=include_train, bootstrap=bootstrap, seed=seed,
        units=os.fspath(units) if units is not None else None,
        corpus=_paths(corpus) if corpus is not None else None,
        actors=os.fspath(actors) if actors is not None else None,
        split=split, unit_kind=unit_kind,
    )  # fmt: skip
    return json.loads(text)

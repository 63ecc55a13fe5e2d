"""Dask: a LocalCluster of 2 worker processes (1 thread each) scores a
Parquet folder of generated units (cluster_data.py: 1,000,000 by default)
as `stance score` scores them, row for row, and reports on them as
`stance report --format json` does, byte for byte. The model reaches the
workers once and each worker process loads it once.

Without dask[distributed] these tests are skipped, unless
STANCE_REQUIRE_CLUSTER=1 (as in CI), where that is a failure.
"""

import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import stance
from cluster_data import MODEL, assert_rows_add_up, assert_same_scores, require
from stance import _cluster

try:
    import dask
    import dask.dataframe as dd
    from dask.dataframe.utils import has_known_categories
    from distributed import Client, LocalCluster

    import stance.dask

    missing = None
except ImportError as e:
    missing = str(e)


@pytest.fixture(scope="module")
def client():
    if missing:
        require("dask[distributed]", missing)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, Client(cluster) as c:
        yield c


def test_dask_scores_a_parquet_folder_as_the_cli(client, cluster_data, tmp_path):
    model = stance.Model.load(MODEL)
    units = dd.read_parquet(cluster_data.units)
    assert units.npartitions == 10
    scored = stance.dask.score(units, model=model)
    out = tmp_path / "scores"
    started = time.perf_counter()
    scored.scores.to_parquet(out, name_function=lambda i: f"part-{i:05d}.parquet")
    seconds = time.perf_counter() - started
    rejected = pa.Table.from_pandas(scored.rejected.compute(), preserve_index=False)
    got = pq.read_table(out)
    print(f"\ndask: scored {cluster_data.n} units on 2 workers in {seconds:.1f} s")
    assert_rows_add_up(got.num_rows, rejected, cluster_data, model.actors)
    assert_same_scores(got, cluster_data, model.actors)
    # The bytes were scattered once; each worker process loaded them once,
    # for the 10 tasks between them.
    key = _cluster.model_ref(model).key
    loads = client.run(_cluster.loads)
    assert sorted(w.get(key, 0) for w in loads.values()) == [1, 1], loads


def test_dask_report_is_the_cli_report(client, cluster_data):
    units = dd.read_parquet(cluster_data.units)
    started = time.perf_counter()
    # The model as a path that every worker reads.
    report = stance.dask.report(units, model=MODEL, order="line", format="json")
    seconds = time.perf_counter() - started
    print(f"\ndask: report on {cluster_data.n} units on 2 workers in {seconds:.1f} s")
    assert report == cluster_data.report
    loads = client.run(_cluster.loads)
    key = _cluster.model_ref(MODEL).key
    assert sorted(w.get(key, 0) for w in loads.values()) == [1, 1], loads


def test_declared_dtypes_are_the_partitions(seed_units):
    """`meta` (what dask believes before computing) is what partitions
    give, for scores and rejects, with and without targets."""
    if missing:
        require("dask[distributed]", missing)
    frame = pd.DataFrame(
        {
            "doc_id": [u["doc_id"] for u in seed_units],
            "unit_id": [u["unit_id"] for u in seed_units],
            "text": [u["text"] if i % 40 else " " for i, u in enumerate(seed_units)],
            "who": [("Pakistan", "Russia", "China")[i % 3] for i in range(len(seed_units))],
        }
    )
    units = dd.from_pandas(frame, npartitions=3)
    with dask.config.set(scheduler="sync"):
        for target, keep in ((None, ["doc_id", "unit_id", "who"]), ("who", ["unit_id"])):
            scored = stance.dask.score(units, target=target, keep=keep if target else None)
            got = scored.scores.compute()
            meta = scored.scores._meta
            if target:
                # Targets differ by partition: the categories are unknown.
                assert not has_known_categories(meta["actor"])
                assert isinstance(got["actor"].dtype, pd.CategoricalDtype)
                got, meta = got.drop(columns="actor"), meta.drop(columns="actor")
            assert dict(got.dtypes) == dict(meta.dtypes)
            rejected = scored.rejected.compute()
            assert dict(rejected.dtypes) == dict(scored.rejected._meta.dtypes)
            per_text = 1 if target else len(stance.Model.default().actors)
            assert len(got) // per_text + len(rejected) == len(frame)
            assert set(rejected["reason"]) == {"field `text` is empty"}

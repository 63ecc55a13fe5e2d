"""Spark: a local cluster of 2 executors (`local-cluster[2,1,1024]`: two
executor JVMs of one core and 1 GB each, as on a real cluster) scores a
Parquet folder of generated units (cluster_data.py: 1,000,000 by
default) as `stance score` scores them, row for row, and reports on them
as `stance report --format json` does, byte for byte. The model is
broadcast and each Python worker process loads it once.

Without pyspark or Java these tests are skipped, unless
STANCE_REQUIRE_CLUSTER=1 (as in CI), where that is a failure.
"""

import os
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import stance
from cluster_data import MODEL, assert_rows_add_up, assert_same_scores, java, require
from stance import _cluster

try:
    import pyspark
    from pyspark.sql import SparkSession

    import stance.spark

    missing = None
except ImportError as e:
    missing = str(e)


@pytest.fixture(scope="module")
def spark():
    if missing:
        require("pyspark", missing)
    if java() is None:
        require("java", "apt-get install openjdk-17-jre-headless")
    # The executors start Python workers with this interpreter (where
    # stance is installed), from the Spark that pip installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_HOME", os.path.dirname(pyspark.__file__))
    session = (
        SparkSession.builder.master("local-cluster[2,1,1024]")
        .appName("stance-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        # 8 MB splits: the 10 files become 20 tasks, 10 per worker.
        .config("spark.sql.files.maxPartitionBytes", str(8 << 20))
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_scores_a_parquet_folder_as_the_cli(spark, cluster_data, tmp_path):
    model = stance.Model.load(MODEL)
    units = spark.read.parquet(str(cluster_data.units))
    tasks = units.rdd.getNumPartitions()
    assert tasks > 2  # more tasks than Python workers
    scored = stance.spark.score(units, model=model)
    out = tmp_path / "scores"
    started = time.perf_counter()
    scored.scores.write.parquet(str(out))
    seconds = time.perf_counter() - started
    print(f"\nspark: scored {cluster_data.n} units in {tasks} tasks, 2 executors, {seconds:.1f} s")
    # The Python workers that ran the tasks: each loaded the model once.
    key = _cluster.model_ref(model).key
    loads = [w["loads"].get(key, 0) for w in stance.spark.workers(units)]
    assert max(loads) == 1 and len(loads) == tasks, loads
    rejected = scored.rejected.toArrow()
    got = pq.read_table(out)
    assert_rows_add_up(got.num_rows, rejected, cluster_data, model.actors)
    assert_same_scores(got, cluster_data, model.actors)
    # The declared schema is the one written.
    assert [f.name for f in got.schema] == scored.scores.columns


def test_spark_report_is_the_cli_report(spark, cluster_data):
    units = spark.read.parquet(str(cluster_data.units))
    started = time.perf_counter()
    report = stance.spark.report(units, model=stance.Model.load(MODEL), order="line", format="json")
    seconds = time.perf_counter() - started
    print(f"\nspark: report on {cluster_data.n} units in {seconds:.1f} s")
    assert report == cluster_data.report


def test_spark_targets_and_rejects(spark, seed_units):
    rows = [
        {"id": i, "text": u["text"] if i % 30 else "", "who": ["Pakistan", "Russia"][i % 2]}
        for i, u in enumerate(seed_units)
    ]
    frame = spark.createDataFrame(pa.Table.from_pylist(rows).to_pandas()).repartition(3)
    scored = stance.spark.score(frame, target="who")
    got = scored.scores.toArrow()
    rejected = scored.rejected.toArrow()
    assert got.num_rows + rejected.num_rows == len(rows)
    assert set(rejected.column("reason").to_pylist()) == {"field `text` is empty"}
    want = stance.Model.default().score_arrow(
        pa.Table.from_pylist(rows), target="who", keep=["id"], skip_rejected=True
    )
    got = got.sort_by("id").select(want.schema.names)
    for name in want.schema.names:
        if name == "row":
            continue  # the row within its partition
        w = want.column(name)
        if pa.types.is_dictionary(w.type):
            w = w.cast(w.type.value_type)
        assert got.column(name).to_pylist() == w.to_pylist(), name

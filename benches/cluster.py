"""The Python package against the CLI, and on Dask and Spark (benches/README.md).

    python3 benches/cluster.py                 # about 10 minutes on 2 cores, plus Spark's start
    python3 benches/cluster.py --units 200000 --skip spark

Needs `cargo build --release` (the CLI), the package (`pip install
./python`), GNU time (`apt-get install time`) and, for the cluster
figures, `pip install -r python/requirements-cluster.txt` and Java 17.
Generates the units of benches/cli.sh (benches/gen_units.py) into a
temporary folder as JSON lines, one Parquet file and a Parquet folder of
10 files, then measures, each in a fresh process:

- cli: `stance score --model models/default.model units.jsonl -o /dev/null`
  (JSON lines in and out, what benches/cli.sh times);
- python score_arrow: `Model.score_arrow` over the 1M texts of the Parquet
  file read into memory (the scoring call alone is timed: the package's
  own overhead over the native scoring);
- python -m stance score: Parquet file in, Parquet file out, end to end;
- dask 1 and 2 workers: `LocalCluster(n_workers=N, threads_per_worker=1)`,
  `stance.dask.score` of the Parquet folder written with `to_parquet`,
  then `stance.dask.report`;
- spark: `local-cluster[2,1,1024]`, `stance.spark.score` written with
  `write.parquet`, then `stance.spark.report`.

Each with 1 scoring thread and with all cores where that applies. Wall
time, units/s, CPU time (user + system of the process and its children,
from GNU time) and peak RSS of the process; for the clusters, the peak
RSS of each worker process (`stance._cluster.worker_info`). Prints a
Markdown table; the load average before each run is shown, since the
machine may be shared.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benches"))
import gen_units  # noqa: E402

MODEL = ROOT / "models" / "default.model"
BIN = ROOT / "target" / "release" / "stance"

# The measured parts run in fresh interpreters, so that each peak RSS is
# its own; each prints one JSON line of what it measured inside.
IN_PROCESS = r"""
import json, sys, time, resource
import pyarrow.parquet as pq
import stance
table = pq.read_table(sys.argv[1])
model = stance.Model.load(sys.argv[2])
t0, c0 = time.perf_counter(), time.process_time()
out = model.score_arrow(table, keep=["doc_id", "unit_id"])
print(json.dumps({"rows": out.num_rows, "call_s": time.perf_counter() - t0,
                  "call_cpu_s": time.process_time() - c0}))
"""

DASK = r"""
import json, sys, time
import dask.dataframe as dd
from distributed import Client, LocalCluster
import stance, stance.dask
from stance import _cluster
folder, out, workers, model = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                  dashboard_address=None) as cluster, Client(cluster) as client:
    units = dd.read_parquet(folder)
    m = stance.Model.load(model)
    t0 = time.perf_counter()
    stance.dask.score(units, model=m).scores.to_parquet(out)
    score_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    stance.dask.report(units, model=m)
    report_s = time.perf_counter() - t0
    info = list(client.run(_cluster.worker_info).values())
print(json.dumps({"score_s": score_s, "report_s": report_s,
                  "worker_rss_mb": [w["peak_rss_mb"] for w in info]}))
"""

SPARK = r"""
import json, os, sys, time
import pyspark
os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ.setdefault("SPARK_HOME", os.path.dirname(pyspark.__file__))
from pyspark.sql import SparkSession
import stance, stance.spark
folder, out, model = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
spark = (SparkSession.builder.master("local-cluster[2,1,1024]")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.memory", "2g")
         .config("spark.sql.files.maxPartitionBytes", str(8 << 20)).getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
start_s = time.perf_counter() - t0
units = spark.read.parquet(folder)
m = stance.Model.load(model)
t0 = time.perf_counter()
stance.spark.score(units, model=m).scores.write.parquet(out)
score_s = time.perf_counter() - t0
t0 = time.perf_counter()
stance.spark.report(units, model=m)
report_s = time.perf_counter() - t0
workers = {w["pid"]: w["peak_rss_mb"] for w in stance.spark.workers(units)}
tasks = units.rdd.getNumPartitions()
spark.stop()
print(json.dumps({"start_s": start_s, "score_s": score_s, "report_s": report_s,
                  "tasks": tasks, "worker_rss_mb": sorted(workers.values())}))
"""


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed(cmd, env=None) -> dict:
    """Runs ``cmd`` under GNU time; wall, CPU and peak RSS, and the JSON
    line it printed last (if any)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as log:
        started = time.perf_counter()
        run = subprocess.run(
            ["/usr/bin/time", "-v", "-o", log.name, *map(str, cmd)],
            cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True,
        )  # fmt: skip
        wall = time.perf_counter() - started
        if run.returncode != 0:
            sys.exit(f"failed: {' '.join(map(str, cmd))}\n{run.stderr[-3000:]}")
        stats = {}
        for line in log.read().splitlines():
            key, _, value = line.strip().rpartition(": ")
            stats[key] = value
    out = {
        "wall_s": wall,
        "cpu_s": float(stats["User time (seconds)"]) + float(stats["System time (seconds)"]),
        "rss_mb": int(stats["Maximum resident set size (kbytes)"]) / 1024,
    }
    lines = [x for x in run.stdout.splitlines() if x.startswith("{")]
    if lines:
        out.update(json.loads(lines[-1]))
    return out


def generate(folder: Path, n: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    gen_units.write_jsonl(str(folder / "units.jsonl"), n)
    table = pa.Table.from_pylist(list(gen_units.units(n)))
    pq.write_table(table, folder / "units.parquet", row_group_size=65_536)
    parts = folder / "units"
    parts.mkdir()
    size = -(-n // 10)
    for i in range(10):
        pq.write_table(table.slice(i * size, size), parts / f"part-{i:03d}.parquet",
                       row_group_size=25_000)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--skip", action="append", default=[], choices=["python", "dask", "spark"])
    args = parser.parse_args()
    n = args.units
    rows = []

    def row(what, threads, r, seconds=None, extra=""):
        s = seconds if seconds is not None else r["wall_s"]
        # Spark's executors are JVMs that GNU time does not see end: no CPU.
        cpu = f"{r['cpu_s']:.1f}" if "spark" not in what else "—"
        rows.append(
            f"| {what} | {threads} | {s:.1f} | {n / s / 1000:.1f} k | {cpu} "
            f"| {r['rss_mb']:.0f} MB | {extra} | {r['load']} |"
        )  # fmt: skip
        print(rows[-1], file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="stance-cluster-bench.") as tmp:
        tmp = Path(tmp)
        print(f"== generating {n} units", file=sys.stderr)
        generate(tmp, n)
        py = sys.executable
        for threads in ("1", "all"):
            env = {"RAYON_NUM_THREADS": "1"} if threads == "1" else {}
            before = load()
            r = timed([BIN, "score", "--model", MODEL, tmp / "units.jsonl", "-o", "/dev/null"], env)
            r["load"] = before
            row("cli `stance score` (JSON lines → /dev/null)", threads, r)
            if "python" in args.skip:
                continue
            before = load()
            r = timed([py, "-c", IN_PROCESS, tmp / "units.parquet", MODEL], env)
            r["load"] = before
            row("python `score_arrow` (in memory; the call)", threads, r, r["call_s"],
                f"call CPU {r['call_cpu_s']:.1f} s")  # fmt: skip
            before = load()
            out = tmp / "scores.parquet"
            r = timed([py, "-m", "stance", "score", tmp / "units.parquet", "-o", out], env)
            r["load"] = before
            row("`python -m stance score` (Parquet → Parquet)", threads, r)
            out.unlink()
        if "dask" not in args.skip:
            for workers in (1, 2):
                before = load()
                out = tmp / f"dask-{workers}"
                r = timed([py, "-c", DASK, tmp / "units", out, workers, MODEL])
                r["load"] = before
                rss = ", ".join(f"{x:.0f}" for x in r["worker_rss_mb"])
                row(f"dask, {workers} worker(s): score → Parquet", f"{workers}×1", r, r["score_s"],
                    f"workers' peak RSS {rss} MB; report {r['report_s']:.1f} s")  # fmt: skip
        if "spark" not in args.skip:
            before = load()
            r = timed([py, "-c", SPARK, tmp / "units", tmp / "spark", MODEL])
            r["load"] = before
            rss = ", ".join(f"{x:.0f}" for x in r["worker_rss_mb"])
            row("spark local-cluster[2,1,1024]: score → Parquet", "2×1", r, r["score_s"],
                f"{r['tasks']} tasks; Python workers' peak RSS {rss} MB; "
                f"report {r['report_s']:.1f} s; start {r['start_s']:.1f} s")  # fmt: skip

    print(f"\n{n} units, {os.cpu_count()} CPUs; columns: wall s, units/s, CPU s (process and "
          "children), peak RSS of the measured process, notes, load average before the run")
    print("| what | threads | wall s | units/s | CPU s | peak RSS | notes | load before |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()

"""Python benchmarks (issue 7), one workload per process so that peak memory is
the workload's own:

    python_bench.py WORKLOAD [args]

Workloads print one JSON line: {"workload", "seconds" (the operation alone, after
imports), "rows"}.
  to_arrow TABLE            quire.Table(TABLE).to_arrow()
  to_pandas TABLE           quire.Table(TABLE).to_pandas()
  write_pandas FILE TABLE   read FILE into pandas (not timed), then write_table
  read_write FILE TABLE     read_parquet + write_table, both timed (the CLI's work)
  dask TABLE WORKERS [K]    dask read_table (K files a partition, default 1), sum of
                            a column and the row count, on a LocalCluster (WORKERS
                            processes of 1 thread; 0: the synchronous scheduler)
  single TABLE              the same sum from Table.to_pandas() in this process
"""

import json
import sys
import time


def main():
    workload = sys.argv[1]
    import quire
    if workload in ("to_arrow", "to_pandas"):
        t0 = time.perf_counter()
        table = quire.Table(sys.argv[2])
        data = table.to_arrow() if workload == "to_arrow" else table.to_pandas()
        seconds = time.perf_counter() - t0
        rows = len(data)
    elif workload == "write_pandas":
        df = quire.read_parquet(sys.argv[2])
        t0 = time.perf_counter()
        quire.write_table(sys.argv[3], df)
        seconds = time.perf_counter() - t0
        rows = len(df)
    elif workload == "read_write":
        t0 = time.perf_counter()
        df = quire.read_parquet(sys.argv[2])
        quire.write_table(sys.argv[3], df)
        seconds = time.perf_counter() - t0
        rows = len(df)
    elif workload == "single":
        t0 = time.perf_counter()
        df = quire.Table(sys.argv[2]).to_pandas(columns=["value", "event_type"])
        total = float(df["value"].sum())
        seconds = time.perf_counter() - t0
        rows = len(df)
        print(json.dumps({"check": total}), file=sys.stderr)
    elif workload == "dask":
        import dask
        import quire.dask
        workers = int(sys.argv[3])
        per_partition = int(sys.argv[4]) if len(sys.argv) > 4 else 1
        client = None
        if workers > 0:
            import distributed
            cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                               processes=True, dashboard_address=None,
                                               silence_logs=40)
            client = distributed.Client(cluster)
            client.run(lambda: __import__("quire"))  # workers import quire before timing
        t0 = time.perf_counter()
        ddf = quire.dask.read_table(sys.argv[2], columns=["value", "event_type"],
                                    files_per_partition=per_partition)
        if workers > 0:
            total, rows = dask.compute(ddf["value"].sum(), ddf.index.size)
        else:
            total, rows = dask.compute(ddf["value"].sum(), ddf.index.size,
                                       scheduler="synchronous")
        seconds = time.perf_counter() - t0
        print(json.dumps({"check": float(total)}), file=sys.stderr)
        if client is not None:
            client.close()
            cluster.close()
    else:
        raise SystemExit(f"unknown workload {workload}")
    print(json.dumps({"workload": workload, "seconds": round(seconds, 4), "rows": int(rows)}))


if __name__ == "__main__":
    main()

"""A 1,000-scenario critical-elements sweep, serial versus a Dask LocalCluster (docs/benchmarks.md).

    target/py/bin/python bench/python/sweep_scaling.py [SCENARIOS] [WORKERS]

Scenarios: the first SCENARIOS pairs of the built-in network's links and border crossings closed
together (`critical_scenarios(pairs=True)`), each answered for the same OD pairs by rail. The
serial run is `silkroute.dask.serial` in this process; the distributed one `sweep(...).compute()` on
`LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True)`, started before timing.
Both answers are compared row by row.
"""

import sys
import time

import pandas as pd

from silkroute.dask import critical_scenarios, serial, sweep

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
WORKERS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
OD = [("xian", "tashkent"), ("urumqi", "almaty"), ("kashgar", "andijan"), ("chongqing", "almaty")]


def norm(df):
    df = df.astype({"scenario": object, "from": object, "to": object})
    return df.sort_values(["scenario", "from", "to"]).reset_index(drop=True)


if __name__ == "__main__":
    from dask.distributed import Client, LocalCluster

    scenarios = critical_scenarios(None, pairs=True)[:N]
    t = time.perf_counter()
    one = serial(None, scenarios, OD, modes="rail")
    serial_s = time.perf_counter() - t

    cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    t = time.perf_counter()
    many = sweep(None, scenarios, OD, modes="rail", partition_size=len(OD)).compute()
    dist_s = time.perf_counter() - t
    client.close()
    cluster.close()

    pd.testing.assert_frame_equal(norm(one), norm(many))
    rows = len(one)
    print(f"{len(scenarios)} scenarios × {len(OD)} OD pairs = {rows} rows, equal row by row")
    print(f"serial (one process):                 {serial_s:7.1f} s  ({serial_s / len(scenarios) * 1e3:6.1f} ms per scenario)")
    print(f"LocalCluster, {WORKERS} worker processes:   {dist_s:7.1f} s  ({dist_s / len(scenarios) * 1e3:6.1f} ms per scenario)")
    print(f"speed-up: {serial_s / dist_s:.2f}×")

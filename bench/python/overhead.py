"""Python overhead per route and per matrix cell against the CLI (docs/benchmarks.md).

    target/py/bin/python bench/python/overhead.py [REPEATS]

Times, on the built-in network: the Python call (`net.route`, `net.matrix`), the raw engine call
without JSON decoding and frames (`net._engine.route`), and the same query through the CLI
(`target/release/silkroute ... --json`, one process per query, as a shell script would).
"""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import silkroute as sr

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "target" / "release" / "silkroute"
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200


def timed(f, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        out.append(time.perf_counter() - t)
    return statistics.median(out) * 1e6


net = sr.Network.builtin()
route_kw = dict(modes="rail", depart="2026-12-08T09:00")
params = json.dumps({"from": "xian", "to": "tashkent", "modes": ["rail"], "depart": "2026-12-08T09:00"})
terminals = net.places()
terminals = terminals[terminals["kind"] == "rail_terminal"]["id"].tolist()[:20]

rows = [
    ("route Xi'an → Tashkent, rail, dated: Python net.route", timed(lambda: net.route("xian", "tashkent", **route_kw), N)),
    ("  the engine alone (JSON in and out, no frames)", timed(lambda: net._engine.route(params), N)),
    ("  the same through the CLI (one process per query)",
     timed(lambda: subprocess.run([str(CLI), "route", "xian", "tashkent", "--modes", "rail", "--depart",
                                   "2026-12-08T09:00", "--json"], capture_output=True, check=True), max(N // 10, 5))),
]
cells = len(terminals) * (len(terminals) - 1)
m_py = timed(lambda: net.matrix(terminals, terminals, modes="rail"), max(N // 20, 5))
m_cli = timed(lambda: subprocess.run([str(CLI), "matrix", "--from", ",".join(terminals), "--modes", "rail", "--json"],
                                     capture_output=True, check=True), max(N // 40, 3))
rows += [
    (f"matrix {len(terminals)}×{len(terminals)} rail terminals ({cells} cells): Python net.matrix, per cell", m_py / cells),
    ("  the same through the CLI, per cell", m_cli / cells),
]
for name, us in rows:
    print(f"{name:<95} {us:>12,.1f} µs")

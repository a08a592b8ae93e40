#!/usr/bin/env python3
"""silkroute vs networkx and igraph on the same graph, in one run.

Exports the compiled built-in graph with `silkroute export graph-csv` (virtual `from:X` boarding
and `to:X` arrival nodes, so a plain shortest-path library answers the same question), then times:
  - one route (Xi'an -> Tashkent by typical time): silkroute Dijkstra vs networkx
    `single_source_dijkstra` (stopping at the target) and igraph `distances`;
  - the full terminal-to-terminal matrix: silkroute `matrix` (one-to-all per origin, rayon) vs
    networkx `single_source_dijkstra_path_length` per origin and igraph `distances` (all at once);
  - the Pareto menu (time, cost, CO2e): silkroute only; networkx/igraph have no multi-criteria
    search, so their single-criterion route is the nearest comparison.
Every peer's answers are checked against silkroute's (matrix values equal within 1e-9).

Usage: python3 bench/peers.py [FROM] [TO]   (creates bench/.work/venv on first run)
Writes bench/results/peers-<date>.json and prints a table.
"""
import json, os, subprocess, sys, time, statistics, datetime, platform, venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", ".work")
VENV = os.path.join(WORK, "venv")


def ensure_venv():
    py = os.path.join(VENV, "bin", "python")
    if sys.executable != py:
        if not os.path.exists(py):
            venv.create(VENV, with_pip=True)
            subprocess.check_call([py, "-m", "pip", "install", "-q", "networkx", "igraph"])
        os.execv(py, [py] + sys.argv)


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ensure_venv()
    import networkx as nx
    import igraph as ig

    origin = sys.argv[1] if len(sys.argv) > 1 else "xian"
    dest = sys.argv[2] if len(sys.argv) > 2 else "tashkent"
    os.makedirs(WORK, exist_ok=True)
    subprocess.check_call(["cargo", "build", "-q", "--release", "-p", "silkroute"], cwd=ROOT)
    subprocess.check_call(["cargo", "build", "-q", "--release", "-p", "silkroute-route", "--example", "time_queries"], cwd=ROOT)
    edges_csv = os.path.join(WORK, "graph.csv")
    subprocess.check_call([os.path.join(ROOT, "target/release/silkroute"), "export", "graph-csv", "-o", edges_csv], cwd=ROOT)
    ours = json.loads(subprocess.check_output([os.path.join(ROOT, "target/release/examples/time_queries"), origin, dest, "300"], cwd=ROOT))

    import csv
    rows = list(csv.DictReader(open(edges_csv)))
    G = nx.DiGraph()
    for r in rows:
        w = float(r["time_p50_h"])
        # keep the cheapest of parallel edges (a DiGraph holds one edge per pair)
        if G.has_edge(r["tail"], r["head"]) and G[r["tail"]][r["head"]]["w"] <= w:
            continue
        G.add_edge(r["tail"], r["head"], w=w)
    names = list(G.nodes)
    index = {n: i for i, n in enumerate(names)}
    H = ig.Graph(n=len(names), edges=[(index[u], index[v]) for u, v in G.edges], directed=True)
    H.es["w"] = [G[u][v]["w"] for u, v in G.edges]

    s, t = f"from:{origin}", f"to:{dest}"
    nx_route = median_time(lambda: nx.single_source_dijkstra(G, s, t, weight="w"), 300)
    nx_value = nx.single_source_dijkstra(G, s, t, weight="w")[0]
    ig_route = median_time(lambda: H.distances(index[s], index[t], weights="w"), 300)
    ig_value = H.distances(index[s], index[t], weights="w")[0][0]
    assert abs(nx_value - ours["route_value_h"]) < 1e-9, (nx_value, ours["route_value_h"])
    assert abs(ig_value - ours["route_value_h"]) < 1e-9, (ig_value, ours["route_value_h"])

    pairs = ours["matrix_values"]
    terminals = sorted({p[0] for p in pairs} | {p[1] for p in pairs})
    srcs = [f"from:{p}" for p in terminals]
    dsts = [f"to:{p}" for p in terminals]

    def nx_matrix():
        out = {}
        for o in terminals:
            if f"from:{o}" not in G:  # a place no open element reaches (e.g. planned CKU stations)
                for x in terminals:
                    if x != o:
                        out[(o, x)] = None
                continue
            d = nx.single_source_dijkstra_path_length(G, f"from:{o}", weight="w")
            for x in terminals:
                if x != o:
                    out[(o, x)] = d.get(f"to:{x}")
        return out

    def ig_matrix():
        return H.distances([index[x] for x in srcs if x in index], [index[x] for x in dsts if x in index], weights="w")

    nx_m = median_time(nx_matrix, 5)
    ig_m = median_time(ig_matrix, 5)
    m = nx_matrix()
    checked = 0
    for o, d, v in pairs:
        pv = m.get((o, d))
        if v is None:
            assert pv is None, (o, d, pv)
        else:
            assert pv is not None and abs(pv - v) < 1e-9, (o, d, v, pv)
            checked += 1

    machine = {
        "cpu": subprocess.run("lscpu | grep 'Model name' | sed 's/.*: *//'", shell=True, capture_output=True, text=True).stdout.strip(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "networkx": nx.__version__,
        "igraph": ig.__version__,
        "rustc": subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip(),
    }
    result = {
        "date": datetime.date.today().isoformat(), "machine": machine,
        "graph": {"nodes": ours["nodes"], "edges": ours["edges"], "terminals": ours["terminals"]},
        "route": {"from": origin, "to": dest, "silkroute_s": ours["route_median_s"], "networkx_s": nx_route, "igraph_s": ig_route, "value_h": ours["route_value_h"]},
        "pareto": {"silkroute_s": ours["pareto_median_s"], "options": ours["pareto_options"]},
        "matrix": {"cells": len(pairs), "checked_equal": checked, "silkroute_s": ours["matrix_median_s"], "networkx_s": nx_m, "igraph_s": ig_m},
    }
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    out = os.path.join(ROOT, "bench", "results", f"peers-{result['date']}.json")
    json.dump(result, open(out, "w"), indent=2)
    ms = lambda x: f"{x * 1000:.3f} ms"
    print(f"graph: {ours['nodes']} nodes, {ours['edges']} edges, {ours['terminals']} terminals; {machine['cpu']}, {machine['cores']} cores")
    print(f"{'query':<34}{'silkroute':>14}{'networkx':>14}{'igraph':>14}")
    print(f"{'route ' + origin + '->' + dest:<34}{ms(ours['route_median_s']):>14}{ms(nx_route):>14}{ms(ig_route):>14}")
    print(f"{'pareto menu (' + str(ours['pareto_options']) + ' options)':<34}{ms(ours['pareto_median_s']):>14}{'n/a':>14}{'n/a':>14}")
    print(f"{'matrix ' + str(len(pairs)) + ' cells':<34}{ms(ours['matrix_median_s']):>14}{ms(nx_m):>14}{ms(ig_m):>14}")
    print(f"matrix values checked equal to networkx: {checked}; wrote {out}")


if __name__ == "__main__":
    main()

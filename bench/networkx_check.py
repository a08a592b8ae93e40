"""Checks silkroute's hierarchy answers against networkx on the same edges.

Usage: python3 bench/networkx_check.py edges.csv answers.csv
edges.csv (id,source,target,cost) and answers.csv (source,target,distance; empty = no path)
are written by bench/ch-peers. Prints a JSON line; exits 1 on any difference.
"""
import csv
import json
import sys
import time

import networkx as nx

g = nx.DiGraph()
with open(sys.argv[1]) as f:
    for r in csv.DictReader(f):
        a, b, w = int(r["source"]), int(r["target"]), int(r["cost"])
        if a == b:
            continue
        if g.has_edge(a, b):
            w = min(w, g[a][b]["weight"])
        g.add_edge(a, b, weight=w)
rows = list(csv.DictReader(open(sys.argv[2])))
t = time.perf_counter()
by_source = {}
differ = 0
for r in rows:
    s, d = int(r["source"]), int(r["target"])
    if s not in by_source:
        by_source[s] = nx.single_source_dijkstra_path_length(g, s, weight="weight") if s in g else {}
    expect = by_source[s].get(d)
    got = int(r["distance"]) if r["distance"] else None
    if s == d:
        expect = 0
    if expect != got:
        differ += 1
print(json.dumps({"queries": len(rows), "differ": differ, "networkx_s": round(time.perf_counter() - t, 2)}))
sys.exit(1 if differ else 0)

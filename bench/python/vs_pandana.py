"""The same N×N travel-time matrix on the generated 250,000-node grid in silkroute (Python
package, graph file with its contraction hierarchy) and in pandana (its own contraction
hierarchy on the same edges), docs/benchmarks.md.

    silkroute gen --nodes 250000 --seed 1 --out grid
    silkroute build grid -o grid.srg --metrics time
    python bench/python/vs_pandana.py silkroute grid grid.srg N      # in silkroute's venv
    python bench/python/vs_pandana.py pandana grid N                 # in a venv with pandana

Both draw the same N places (seed 1) and print JSON: preparation seconds, matrix seconds,
and the times of the first 20 cells (hours), to compare. Edge weights: hours = length_km /
speed_kmh of links.csv, both directions (the generated links are two-way). silkroute's cell
time includes the truck booking at the origin (modes.csv road default_wait_p50_h, 12 h), which
the comparison subtracts.
"""

import json
import random
import sys
import time

import pandas as pd


def sample(grid: str, n: int):
    places = pd.read_csv(f"{grid}/places.csv", usecols=["id", "lat", "lon"])
    rng = random.Random(1)
    return places, rng.sample(places["id"].tolist(), n)


def run_silkroute(grid: str, srg: str, n: int):
    import silkroute as sr

    _, ids = sample(grid, n)
    t = time.perf_counter()
    net = sr.Network.load(srg)
    prep = time.perf_counter() - t
    t = time.perf_counter()
    m = net.matrix(ids, ids, by="time")
    took = time.perf_counter() - t
    cells = {(a, b): h for a, b, h in zip(m["from"], m["to"], m["time_sum_p50_h"])}
    first = [cells.get((a, b)) for a in ids[:5] for b in ids[:5] if a != b][:20]
    return {"peer": "silkroute", "open_s": prep, "matrix_s": took, "cells": len(m), "first_h": first}


def run_pandana(grid: str, n: int):
    import pandana

    places, ids = sample(grid, n)
    links = pd.read_csv(f"{grid}/links.csv", usecols=["from", "to", "length_km", "speed_kmh"])
    index = {p: i for i, p in enumerate(places["id"])}
    nodes = pd.DataFrame({"x": places["lon"].values, "y": places["lat"].values}, index=range(len(places)))
    edges = pd.DataFrame({
        "from": links["from"].map(index).values,
        "to": links["to"].map(index).values,
        "hours": (links["length_km"] / links["speed_kmh"]).values,
    })
    t = time.perf_counter()
    net = pandana.Network(nodes["x"], nodes["y"], edges["from"], edges["to"], edges[["hours"]], twoway=True)
    prep = time.perf_counter() - t
    orig = [index[a] for a in ids for b in ids if a != b]
    dest = [index[b] for a in ids for b in ids if a != b]
    t = time.perf_counter()
    d = net.shortest_path_lengths(orig, dest, imp_name="hours")
    took = time.perf_counter() - t
    cells = {(a, b): h for (a, b), h in zip([(a, b) for a in ids for b in ids if a != b], d)}
    first = [cells.get((a, b)) for a in ids[:5] for b in ids[:5] if a != b][:20]
    return {"peer": "pandana " + pandana.__version__, "prepare_s": prep, "matrix_s": took, "cells": len(d), "first_h": first}


if __name__ == "__main__":
    if sys.argv[1] == "silkroute":
        print(json.dumps(run_silkroute(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        print(json.dumps(run_pandana(sys.argv[2], int(sys.argv[3]))))

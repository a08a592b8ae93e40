#!/usr/bin/env python3
"""TNTP networks (Anaheim, Chicago Sketch): silkroute's equilibrium assignment vs aequilibrae's bfw
and the published best-known flows.

Data: the TransportationNetworks collection (github.com/bstabler/TransportationNetworks, commit
d1639b4ef218), kept read-only in ../shared/data/tntp beside the repository (its README.md; never copied into the repo):
`*_net.tntp` (links), `*_trips.tntp` (trip table), `*_flow.tntp` (best-known equilibrium flows).

The script converts a network and its demand to a silkroute feed (bench/.work/<net>-feed), runs
`silkroute assign` (the binary target/release/silkroute as it is: the script does not build it)
and aequilibrae (bi-conjugate Frank-Wolfe, its Graph built in memory from the TNTP links) to the
same relative gap, three times each, and compares both with the best-known flows: relative
differences per link, the flow-weighted difference, Beckmann's objective, and a relative gap that
this script computes the same way for all three flow vectors (scipy's Dijkstra).

Modelling choices (also written into the JSON):
- TNTP links are one-way: one links.csv row each with `oneway` = yes.
- Link cost = BPR(fft, capacity, b = 0.15, power = 4) + distance factor × length. The distance
  factor is 0.04 min/mile for Chicago Sketch (TransportationNetworks' Chicago-Sketch README: toll
  factor 0.02, distance factor 0.04; the costs in ChicagoSketch_flow.tntp are exactly that), 0 for
  Anaheim. The script checks that reading against the costs of the *_flow.tntp file. Tolls must
  be 0 and every link must have b = 0.15, power = 4 (silkroute's BPR); otherwise it exits.
- Units: free-flow minutes are written as duration_h with value of time 1 (the unit does not
  change the equilibrium). The distance term is money: length_km = the length in miles and road
  usd_per_feu_km = 20 × factor (silkroute charges USD per FEU / 20 t per tonne). Capacity veh/h is
  written as capacity × 365 t_per_year (silkroute divides by 365 for tonnes per day); trips per
  day × 365 as tonnes_per_year.
- silkroute refuses duration_h below 0.001 (`validate`: "0 is out of range"). A link with a zero
  free-flow time (Chicago's 774 centroid connectors) has no congestion in TNTP (BPR of 0 is 0), so
  it is written with duration_h = 0.001 and no capacity (a constant time), and its length is
  shortened by 0.001 / factor so that the money term absorbs the 0.001: its cost stays exactly
  factor × length. Without a distance factor the 0.001 would remain (and the JSON would say so).
  aequilibrae refuses a zero free-flow time as well: 1e-6 there, taken off its fixed distance cost.
- Zones below <FIRST THRU NODE> cannot be passed through (TNTP semantics, which the best-known
  flows respect): such a zone node z becomes an origin place `o<z>` (z's outgoing links) and a
  destination place `d<z>` (its incoming links). aequilibrae gets blocked centroid flows then.
- Places sit on a grid (not the real coordinates); country US with the network's time zone.

Needs Debian's python3 (/usr/bin/python3) with python3-venv: the script re-runs itself in the venv
bench/.work/venv-aeq-sys (created with aequilibrae from PyPI if missing; shared with sioux_falls.py).

Usage: python3 bench/tntp.py NETWORK GAP METHOD     NETWORK: anaheim | chicago; GAP: e.g. 1e-4;
       METHOD: a `silkroute assign --method` value (aon, fw, cfw, bfw, ...), passed through unchanged.
Results: bench/results/tntp-<net>-<date>-gap<GAP>-<METHOD>.json (also printed).
"""
import csv, datetime, json, os, platform, re, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", ".work")
VENV = os.path.join(WORK, "venv-aeq-sys")
DATA = os.path.join(os.path.dirname(ROOT), "shared", "data", "tntp")  # ../shared beside the repo
EXE = os.path.join(ROOT, "target", "release", "silkroute")
RUNS = 3
AEQ_MAX_ITER = int(os.environ.get("AEQ_MAX_ITER", "10000"))  # aequilibrae's bfw can stall at small gaps: cap it (env AEQ_MAX_ITER) and record what it reached
SR_MAX_ITER = 100_000
EPS_H = 0.001  # silkroute's least duration_h
AEQ_EPS = 1e-6  # aequilibrae's stand-in for a zero free-flow time (it refuses 0)
# name: (file prefix, distance factor (min/mile), TNTP length unit per mile, time zone, grid origin lat/lon)
NETWORKS = {
    "anaheim": ("Anaheim", 0.0, 5280.0, "America/Los_Angeles", (33.80, -117.95)),  # lengths in feet
    "chicago": ("ChicagoSketch", 0.04, 1.0, "America/Chicago", (41.60, -88.20)),  # lengths in miles
}
BPR_B, BPR_POWER = 0.15, 4.0  # silkroute's BPR (docs/assignment.md)

if len(sys.argv) != 4 or sys.argv[1] not in NETWORKS:
    sys.exit(__doc__)
NET, GAP, METHOD = sys.argv[1], float(sys.argv[2]), sys.argv[3]
PREFIX, DIST_FACTOR, PER_MILE, TIMEZONE, (LAT0, LON0) = NETWORKS[NET]


def busy_cpu_s():
    """CPU seconds spent by the whole machine (/proc/stat) and by this process with its children."""
    v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    t = os.times()
    return (sum(v) - v[3] - v[4]) / hz, t.user + t.system + t.children_user + t.children_system


def sh(*cmd, **kw):
    return subprocess.check_call(list(cmd), **kw)


def bootstrap():
    """Re-run this script inside a venv of Debian's python3 with aequilibrae installed."""
    py = os.path.join(VENV, "bin", "python")
    if sys.executable == py:
        return
    if not os.path.exists("/usr/lib/python3.11/venv"):
        sh("apt-get", "update", "-qq")
        sh("apt-get", "install", "-y", "-qq", "python3-venv", env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if not os.path.exists(py):
        sh("/usr/bin/python3", "-m", "venv", VENV)
    if subprocess.call([py, "-c", "import aequilibrae, scipy"], stderr=subprocess.DEVNULL) != 0:
        sh(py, "-m", "pip", "install", "-q", "aequilibrae", "scipy")
    os.execv(py, [py] + sys.argv)


# ---------------------------------------------------------------- TNTP files

def read_net(path):
    """Returns ({metadata key: value}, [link dicts]) of a *_net.tntp file; lengths in miles."""
    meta, links, body = {}, [], False
    for line in open(path):
        m = re.match(r"\s*<([^>]+)>\s*(.*)", line)
        if m and not body:
            meta[m.group(1)] = m.group(2).strip()
            continue
        if line.lstrip().startswith("~"):
            body = True  # the column header: rows follow
            continue
        if body and line.strip():
            v = line.replace(";", " ").split()
            links.append(dict(a=int(v[0]), b=int(v[1]), capacity=float(v[2]), length=float(v[3]) / PER_MILE, fft=float(v[4]),
                              b_coef=float(v[5]), power=float(v[6]), toll=float(v[8]), link_type=int(v[9])))
    assert len(links) == int(meta["NUMBER OF LINKS"]), "link count differs from the metadata"
    return meta, links


def read_trips(path):
    """Returns {(origin, destination): trips} of a *_trips.tntp file, intrazonal trips left out."""
    trips, origin = {}, None
    text = open(path).read().split("<END OF METADATA>", 1)[1]
    for line in text.splitlines():
        if line.lstrip().startswith("~"):
            continue
        m = re.match(r"\s*Origin\s+(\d+)", line)
        if m:
            origin = int(m.group(1))
            continue
        for dest, value in re.findall(r"(\d+)\s*:\s*([-+0-9.eE]+)\s*;", line):
            if int(dest) != origin and float(value) > 0:
                trips[(origin, int(dest))] = trips.get((origin, int(dest)), 0.0) + float(value)
    return trips


def read_flows(path):
    """Returns {(from, to): (volume, cost)} of a *_flow.tntp file (best-known solution)."""
    out = {}
    for line in open(path):
        v = line.split()
        if len(v) >= 4 and v[0].isdigit():
            out[(int(v[0]), int(v[1]))] = (float(v[2]), float(v[3]))
    return out


def check(links, best):
    """Exits unless silkroute's cost function can express the TNTP one; returns the worst
    difference between the flow file's costs and our reading of the cost at those flows."""
    bad = [l for l in links if abs(l["b_coef"] - BPR_B) > 1e-12 or abs(l["power"] - BPR_POWER) > 1e-12]
    if bad:
        sys.exit(f"{len(bad)} links have BPR b/power other than {BPR_B}/{BPR_POWER} (first: {bad[0]}); silkroute's BPR is fixed")
    if any(l["toll"] != 0 for l in links):
        sys.exit("the network has tolls: not converted")
    if any(l["capacity"] <= 0 for l in links):
        sys.exit("a link has no capacity")
    if len({(l["a"], l["b"]) for l in links}) != len(links):
        sys.exit("parallel links: the comparison keys links by (from, to)")
    worst = 0.0
    for l in links:
        vol, cost = best[(l["a"], l["b"])]
        worst = max(worst, abs(cost - link_cost(l, vol)))
    if worst > 1e-6:
        sys.exit(f"the best-known costs are not BPR + {DIST_FACTOR} × length (worst difference {worst:g})")
    return worst


def link_cost(l, v):
    return l["fft"] * (1 + BPR_B * (v / l["capacity"]) ** BPR_POWER) + DIST_FACTOR * l["length"]


def beckmann(links, flows):
    """Σ_a ∫_0^v_a cost_a, with the TNTP parameters (flows: a list parallel to links)."""
    return sum(l["fft"] * (v + BPR_B / (BPR_POWER + 1) * v * (v / l["capacity"]) ** BPR_POWER) + DIST_FACTOR * l["length"] * v
               for l, v in zip(links, flows))


# ---------------------------------------------------------------- the silkroute feed

def place_at(node, head, first_thru):
    """Place id of a TNTP node as a link's tail (head=False) or head (head=True)."""
    if node < first_thru:
        return f"d{node}" if head else f"o{node}"
    return f"n{node}"


def convert(links, trips, first_thru):
    """Writes the feed and the demand file; returns (feed dir, demand path, notes)."""
    feed = os.path.join(WORK, f"{NET}-feed")
    os.makedirs(feed, exist_ok=True)
    src = f"TransportationNetworks {PREFIX} (commit d1639b4ef218)"
    w = lambda name, header, rows: csv.writer(open(os.path.join(feed, name), "w", newline="")).writerows([header] + rows)
    ids = sorted({place_at(l["a"], False, first_thru) for l in links} | {place_at(l["b"], True, first_thru) for l in links},
                 key=lambda p: (int(p[1:]), p[0]))
    places = []
    for i, p in enumerate(ids):
        n = int(p[1:])
        # a grid of about 500 m steps, 40 nodes a row; the o/d halves of a zone side by side
        lat, lon = LAT0 + (n % 40) * 0.005 + (0.001 if p[0] == "d" else 0), LON0 + (n // 40) * 0.005
        places.append([p, f"{PREFIX} node {n}" + {"o": " (origin)", "d": " (destination)", "n": ""}[p[0]], "US",
                       round(lat, 6), round(lon, 6), "city", TIMEZONE, f"{src}; coordinates: a grid, not the real ones"])
    w("places.csv", ["id", "name_en", "country", "lat", "lon", "kind", "timezone", "source"], places)
    rows, eps_left = [], 0
    for l in links:
        fft, length, cap, unit = l["fft"], l["length"], l["capacity"] * 365, "t_per_year"
        note = f"{src}: capacity {l['capacity']:g} veh/h × 365, free-flow time {l['fft']:g} min as hours"
        if fft <= 0:
            fft, cap, unit = EPS_H, "", ""  # TNTP: BPR of a zero time is zero at any flow, so no capacity
            if DIST_FACTOR > 0 and length - EPS_H / DIST_FACTOR >= 0.001:
                length -= EPS_H / DIST_FACTOR  # money absorbs the 0.001 h: the cost stays factor × length
                note += f"; zero free-flow time: duration_h {EPS_H} (silkroute's least) with length shortened by {EPS_H / DIST_FACTOR:g} to keep the cost"
            else:
                eps_left += 1
                note += f"; zero free-flow time written as {EPS_H} (silkroute's least)"
        rows.append([f"l{l['a']}-{l['b']}", place_at(l["a"], False, first_thru), place_at(l["b"], True, first_thru), "road",
                     max(length, 0.001), fft, cap, unit, "open", "yes", note])
    w("links.csv", ["id", "from", "to", "mode", "length_km", "duration_h", "capacity", "capacity_unit", "status", "oneway", "source"], rows)
    w("modes.csv", ["mode", "default_speed_kmh", "run_p90_factor", "default_wait_p50_h", "default_wait_p90_h", "min_connection_h", "default_energy", "source"],
      [["road", 50, 1, 0, 0, 0, "diesel", "benchmark: no waits"]])
    w("cost_factors.csv", ["mode", "country", "usd_per_feu_km", "source"],
      [["road", "*", DIST_FACTOR * 20, f"benchmark: TNTP distance factor {DIST_FACTOR} min/mile × 20 t per FEU (length_km holds miles)"]])
    w("emission_factors.csv", ["mode", "energy", "ttw_g_per_tkm", "wtw_g_per_tkm", "source"], [["road", "diesel", 0, 0, "benchmark"]])
    dpath = os.path.join(WORK, f"{NET}-demand.csv")
    drows = [[place_at(o, False, first_thru), place_at(d, True, first_thru), "trips", v * 365, f"{src} trips (per day × 365)"]
             for (o, d), v in sorted(trips.items())]
    csv.writer(open(dpath, "w", newline="")).writerows([["origin", "destination", "commodity", "tonnes_per_year", "source"]] + drows)
    return feed, dpath, eps_left


def run_silkroute(feed, dpath, links):
    """RUNS runs of `silkroute assign`; returns (flows parallel to links, summary dict)."""
    cmd = [EXE, "--feed", feed, "assign", "-q", "--json", "--demand", dpath, "--gap", repr(GAP), "--value-of-time", "1",
           "--method", METHOD, "--max-iterations", str(SR_MAX_ITER)]
    wall, inner, out = [], [], None
    for _ in range(RUNS):
        t = time.perf_counter()
        raw = subprocess.check_output(cmd)
        wall.append(time.perf_counter() - t)
        out = json.loads(raw)
        inner.append(out["seconds"])
    by_id = {}
    for e in out["edges"]:
        by_id[e["element"]] = by_id.get(e["element"], 0.0) + e["tonnes_per_day"]
    return [by_id.get(f"l{l['a']}-{l['b']}", 0.0) for l in links], {
        "algorithm": METHOD, "iterations": out["iterations"], "relative_gap": out["relative_gap"],
        "assign_seconds": inner, "assign_median_s": statistics.median(inner),
        "process_wall_s": wall, "process_wall_median_s": statistics.median(wall),
        "stranded_t_per_day": out["stranded_t_per_day"], "json_output_mb": round(len(raw) / 1e6, 2),
        "command": " ".join(cmd),
    }


# ---------------------------------------------------------------- aequilibrae

def run_aequilibrae(links, trips, zones, first_thru):
    """RUNS runs of aequilibrae's bfw on a Graph built from the TNTP links; returns (flows, summary)."""
    import numpy as np
    import pandas as pd
    from aequilibrae.matrix import AequilibraeMatrix
    from aequilibrae.paths import Graph, TrafficAssignment, TrafficClass

    # aequilibrae refuses a zero free-flow time too: AEQ_EPS there, taken off the fixed cost when
    # there is one (what remains is AEQ_EPS × 0.15 (v/c)^4, below 1e-8 minutes on Chicago)
    fft = [l["fft"] if l["fft"] > 0 else AEQ_EPS for l in links]
    net = pd.DataFrame({
        "link_id": np.arange(1, len(links) + 1), "a_node": [l["a"] for l in links], "b_node": [l["b"] for l in links],
        "direction": 1, "free_flow_time": fft, "capacity": [l["capacity"] for l in links],
        "b": [l["b_coef"] for l in links], "power": [l["power"] for l in links],
        "distance_cost": [max(DIST_FACTOR * l["length"] - (f - l["fft"]), 0.0) for l, f in zip(links, fft)],
    })
    zidx = {z: i for i, z in enumerate(zones)}
    exec_s, total_s, res = [], [], None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        g = Graph()
        g.network = net.copy()
        g.prepare_graph(np.array(zones, dtype=np.int64))
        g.set_graph("free_flow_time")
        g.set_skimming([])
        # TNTP: nodes below FIRST THRU NODE may not be passed through (all zones here, or none)
        g.set_blocked_centroid_flows(first_thru > 1)
        m = AequilibraeMatrix()
        m.create_empty(zones=len(zones), matrix_names=["matrix"], memory_only=True)
        m.index[:] = np.array(zones)
        m.matrices[:, :, 0] = 0.0
        for (o, d), v in trips.items():
            m.matrices[zidx[o], zidx[d], 0] = v
        m.computational_view(["matrix"])
        c = TrafficClass(name="car", graph=g, matrix=m)
        if DIST_FACTOR > 0:
            c.set_fixed_cost("distance_cost")  # cost = congested time + distance_cost / vot (vot 1)
        a = TrafficAssignment()
        a.add_class(c)
        a.set_vdf("BPR")
        a.set_vdf_parameters({"alpha": "b", "beta": "power"})
        a.set_capacity_field("capacity")
        a.set_time_field("free_flow_time")
        a.set_algorithm("bfw")
        a.max_iter = AEQ_MAX_ITER
        a.rgap_target = GAP
        quiet = open(os.devnull, "w")
        saved, sys.stderr = sys.stderr, quiet  # progress bars write to stderr
        t1 = time.perf_counter()
        a.execute()
        t2 = time.perf_counter()
        sys.stderr = saved
        exec_s.append(t2 - t1)
        total_s.append(t2 - t0)
        res = (a.results(), float(a.assignment.rgap), int(a.assignment.iter))
    table, gap, iters = res
    col = "matrix_ab" if "matrix_ab" in table.columns else "PCE_AB"
    flows = [float(table.loc[i + 1, col]) for i in range(len(links))]
    from importlib.metadata import version
    return flows, {
        "algorithm": "bfw", "version": version("aequilibrae"), "iterations": iters, "relative_gap": gap,
        "reached_gap": gap <= GAP, "max_iterations": AEQ_MAX_ITER,
        "execute_seconds": exec_s, "execute_median_s": statistics.median(exec_s), "with_graph_build_median_s": statistics.median(total_s),
    }


# ---------------------------------------------------------------- comparisons

def compare(links, flows, ref):
    """Differences of a flow vector to a reference over the links with reference flow > 1."""
    rel = [(abs(x - r) / r, l, x, r) for l, x, r in zip(links, flows, ref) if r > 1]
    worst = max(rel, key=lambda t: t[0])
    return {"links_compared": len(rel), "max_rel_diff": worst[0], "mean_rel_diff": sum(t[0] for t in rel) / len(rel),
            "flow_weighted_abs_diff": sum(abs(x - r) for x, r in zip(flows, ref)) / sum(ref),
            # the largest relative differences are on lightly loaded links: which one, and its flows
            "max_rel_diff_link": {"link": f"{worst[1]['a']}-{worst[1]['b']}", "flow": worst[2], "reference": worst[3]}}


def relative_gap(links, flows, trips, first_thru):
    """(Σ cost × flow − Σ demand × shortest cost) / Σ cost × flow at these flows, with scipy."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    ids = {}
    node = lambda p: ids.setdefault(p, len(ids))
    tails = [node(place_at(l["a"], False, first_thru)) for l in links]
    heads = [node(place_at(l["b"], True, first_thru)) for l in links]
    costs = [link_cost(l, v) for l, v in zip(links, flows)]
    # scipy drops zero entries of a sparse matrix: a tiny floor keeps zero-cost links
    g = csr_matrix((np.maximum(costs, 1e-12), (tails, heads)), shape=(len(ids), len(ids)))
    origins = sorted({o for o, _ in trips})
    rows = [ids[place_at(o, False, first_thru)] for o in origins]
    dist = dijkstra(g, directed=True, indices=rows)
    k = {o: i for i, o in enumerate(origins)}
    sptt = sum(v * dist[k[o], ids[place_at(d, True, first_thru)]] for (o, d), v in trips.items())
    tstt = sum(c * v for c, v in zip(costs, flows))
    return (tstt - sptt) / tstt


def main():
    bootstrap()
    meta, links = read_net(os.path.join(DATA, f"{PREFIX}_net.tntp"))
    trips = read_trips(os.path.join(DATA, f"{PREFIX}_trips.tntp"))
    best_by_pair = read_flows(os.path.join(DATA, f"{PREFIX}_flow.tntp"))
    zones_n, first_thru = int(meta["NUMBER OF ZONES"]), int(meta["FIRST THRU NODE"])
    if first_thru not in (1, zones_n + 1):
        sys.exit(f"FIRST THRU NODE {first_thru}: only 1 (all zones passable) or zones + 1 (none) are handled")
    busy_start, wall_start = busy_cpu_s(), time.perf_counter()
    cost_check = check(links, best_by_pair)
    best = [best_by_pair[(l["a"], l["b"])][0] for l in links]
    nodes = sorted({l["a"] for l in links} | {l["b"] for l in links})
    zones = list(range(1, zones_n + 1))

    feed, dpath, eps_left = convert(links, trips, first_thru)
    while not os.path.exists(EXE):  # someone else builds it: never build here
        print(f"waiting for {EXE}", file=sys.stderr)
        time.sleep(60)
    t = time.perf_counter()
    valid = subprocess.run([EXE, "validate", feed], capture_output=True, text=True)
    validate_s = time.perf_counter() - t
    if valid.returncode != 0:
        sys.exit(f"silkroute refuses the feed:\n{valid.stdout}{valid.stderr}")

    ours, sr = run_silkroute(feed, dpath, links)
    sr["validate_wall_s"] = validate_s
    # the grid coordinates make validate warn that lengths differ from great-circle distances
    m = re.search(r"(\d+) error\(s\), (\d+) warning\(s\)", valid.stdout + valid.stderr)
    sr["validate_warnings"] = int(m.group(2)) if m else None
    aeq, ae = run_aequilibrae(links, trips, zones, first_thru)

    busy_end = busy_cpu_s()
    res = {
        "network": PREFIX, "date": datetime.date.today().isoformat(), "gap": GAP,
        "sizes": {"zones": zones_n, "nodes": len(nodes), "links": len(links), "od_pairs": len(trips), "trips": sum(trips.values()),
                  "first_thru_node": first_thru},
        "model": {
            "cost": f"fft × (1 + 0.15 (v/c)^4) + {DIST_FACTOR} × length",
            "best_known_cost_check_max_abs_diff": cost_check,
            "zero_fft_links": sum(l["fft"] == 0 for l in links),
            "zero_fft_links_with_eps_cost": eps_left,
            "zero_fft_handling": f"duration_h {EPS_H} (silkroute refuses 0), no capacity; length shortened by {EPS_H}/factor so the cost is exact"
            if DIST_FACTOR > 0 else f"duration_h {EPS_H} (silkroute refuses 0)",
            "aequilibrae_zero_fft": f"free_flow_time {AEQ_EPS} (aequilibrae refuses 0), taken off the distance cost" if DIST_FACTOR > 0
            else f"free_flow_time {AEQ_EPS} (aequilibrae refuses 0)",
            "zones_split": first_thru > 1,
        },
        "silkroute_binary": {"path": EXE, "modified": datetime.datetime.fromtimestamp(os.path.getmtime(EXE)).isoformat(timespec="seconds"),
                             "git_head": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()},
        # other work on the machine (2 cores) skews the times: CPU seconds others used meanwhile
        "other_processes_cpu_s": round((busy_end[0] - busy_start[0]) - (busy_end[1] - busy_start[1]), 1),
        "wall_s": round(time.perf_counter() - wall_start, 1),
        "machine": {"cores": os.cpu_count(), "cpu": subprocess.run("lscpu | sed -n 's/^Model name: *//p'", shell=True, capture_output=True, text=True).stdout.strip(),
                    "python": platform.python_version(), "rustc": subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()},
        "silkroute": sr,
        "aequilibrae": ae,
        "vs_best_known": {"silkroute": compare(links, ours, best), "aequilibrae": compare(links, aeq, best)},
        "silkroute_vs_aequilibrae": compare(links, ours, aeq),
        "beckmann": {"best_known": beckmann(links, best), "silkroute": beckmann(links, ours), "aequilibrae": beckmann(links, aeq)},
        "relative_gap_recomputed": {"best_known": relative_gap(links, best, trips, first_thru),
                                    "silkroute": relative_gap(links, ours, trips, first_thru),
                                    "aequilibrae": relative_gap(links, aeq, trips, first_thru)},
    }
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    path = os.path.join(ROOT, "bench", "results", f"tntp-{NET}-{res['date']}-gap{GAP:g}-{METHOD}.json")
    json.dump(res, open(path, "w"), indent=2)
    print(json.dumps(res, indent=2))
    print(f"speed-up (aequilibrae execute / silkroute assign): {ae['execute_median_s'] / sr['assign_median_s']:.1f}x; wrote {path}")


if __name__ == "__main__":
    main()

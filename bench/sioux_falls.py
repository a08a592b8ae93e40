#!/usr/bin/env python3
"""Sioux Falls: silkroute's equilibrium assignment vs aequilibrae's bfw, same network, same gap.

Downloads the aequilibrae wheel from PyPI (never committed), takes its reference project
aequilibrae/reference_files/sioux_falls.zip, converts the network and demand to a silkroute feed
(bench/.work/sioux-falls-feed), runs aequilibrae (bi-conjugate Frank-Wolfe, BPR with the
project's alpha/beta) and `silkroute assign` (conjugate Frank-Wolfe) to the same relative gap,
compares link flows and prints both wall times. Needs Debian's python3 (its sqlite3 can load
extensions) and libsqlite3-mod-spatialite; the script installs them with apt-get if missing.

Usage: python3 bench/sioux_falls.py [GAP=1e-4] [METHOD=bfw|cfw|fw]   Results: bench/results/sioux-falls-<date>-gap<GAP>-<METHOD>.json
"""
import csv, datetime, glob, json, os, platform, shutil, sqlite3, statistics, subprocess, sys, time, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", ".work")
VENV = os.path.join(WORK, "venv-aeq-sys")
GAP = float(sys.argv[1]) if len(sys.argv) > 1 else 1e-4
METHOD = sys.argv[2] if len(sys.argv) > 2 else "bfw"
RUNS = 3


def sh(*cmd, **kw):
    return subprocess.check_call(list(cmd), **kw)


def bootstrap():
    """Re-run this script inside a venv of Debian's python3 with aequilibrae installed."""
    py = os.path.join(VENV, "bin", "python")
    if sys.executable == py:
        return
    if not os.path.exists("/usr/lib/x86_64-linux-gnu/mod_spatialite.so") or not os.path.exists("/usr/lib/python3.11/venv"):
        sh("apt-get", "update", "-qq")
        sh("apt-get", "install", "-y", "-qq", "libsqlite3-mod-spatialite", "python3-venv", env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if not os.path.exists(py):
        sh("/usr/bin/python3", "-m", "venv", VENV)
        sh(py, "-m", "pip", "install", "-q", "aequilibrae")
    os.execv(py, [py] + sys.argv)


def project_folder():
    folder = os.path.join(WORK, "sioux-falls-project")
    if not os.path.exists(os.path.join(folder, "project_database.sqlite")):
        dl = os.path.join(WORK, "aeq-wheel")
        os.makedirs(dl, exist_ok=True)
        sh(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "aequilibrae", "-d", dl)
        wheel = sorted(glob.glob(os.path.join(dl, "aequilibrae-*.whl")))[-1]
        with zipfile.ZipFile(wheel) as w:
            data = w.read("aequilibrae/reference_files/sioux_falls.zip")
        zpath = os.path.join(WORK, "sioux_falls.zip")
        open(zpath, "wb").write(data)
        shutil.rmtree(folder, ignore_errors=True)
        zipfile.ZipFile(zpath).extractall(folder)
    return folder


def convert(folder, demand):
    """Writes a silkroute feed and demand file; returns {(a, b): link_id}."""
    con = sqlite3.connect(os.path.join(folder, "project_database.sqlite"))
    links = list(con.execute("select link_id, a_node, b_node, distance, capacity_ab, free_flow_time, b, power from links where direction = 1"))
    nodes = [r[0] for r in con.execute("select node_id from nodes order by node_id")]
    by_pair = {(a, b): (lid, dist, cap, fft, alpha, beta) for lid, a, b, dist, cap, fft, alpha, beta in links}
    assert all(abs(l[6] - 0.15) < 1e-12 and abs(l[7] - 4) < 1e-12 for l in links), "silkroute uses BPR alpha 0.15, beta 4"
    feed = os.path.join(WORK, "sioux-falls-feed")
    os.makedirs(feed, exist_ok=True)
    w = lambda name, header, rows: csv.writer(open(os.path.join(feed, name), "w", newline="")).writerows([header] + rows)
    w("places.csv", ["id", "name_en", "country", "lat", "lon", "kind", "timezone", "source"],
      [[f"n{n}", f"node {n}", "US", 43.5 + (n % 5) * 0.01, -96.7 + (n // 5) * 0.01, "city", "America/Chicago", "aequilibrae reference_files/sioux_falls.zip (coordinates: a grid, not the real ones)"] for n in nodes])
    rows, done = [], set()
    for (a, b), (lid, dist, cap, fft, _, _) in sorted(by_pair.items()):
        if (b, a) in done:
            continue
        back = by_pair.get((b, a))
        if back is None or abs(back[2] - cap) > 1e-6 or abs(back[3] - fft) > 1e-9:
            sys.exit(f"link {a}->{b} has no identical reverse link: silkroute links are two-way")
        done.add((a, b))
        rows.append([f"l{a}-{b}", f"n{a}", f"n{b}", "road", max(dist / 1000, 0.01), fft, cap * 365, "t_per_year", "open", "aequilibrae Sioux Falls (free-flow time taken as hours)"])
    w("links.csv", ["id", "from", "to", "mode", "length_km", "duration_h", "capacity", "capacity_unit", "status", "source"], rows)
    w("modes.csv", ["mode", "default_speed_kmh", "run_p90_factor", "default_wait_p50_h", "default_wait_p90_h", "default_energy", "source"], [["road", 50, 1, 0, 0, "diesel", "benchmark: no waits"]])
    w("cost_factors.csv", ["mode", "country", "usd_per_feu_km", "source"], [["road", "*", 0, "benchmark: time only"]])
    w("emission_factors.csv", ["mode", "energy", "ttw_g_per_tkm", "wtw_g_per_tkm", "source"], [["road", "diesel", 0, 0, "benchmark"]])
    zones, trips = demand
    drows = [[f"n{zones[i]}", f"n{zones[j]}", "trips", float(trips[i][j]) * 365, "aequilibrae Sioux Falls demand (trips/day × 365)"]
             for i in range(len(zones)) for j in range(len(zones)) if i != j and trips[i][j] > 0]
    dpath = os.path.join(WORK, "sioux-falls-demand.csv")
    csv.writer(open(dpath, "w", newline="")).writerows([["origin", "destination", "commodity", "tonnes_per_year", "source"]] + drows)
    return feed, dpath, {k: v[0] for k, v in by_pair.items()}


def main():
    bootstrap()
    from aequilibrae import Project
    from aequilibrae.paths import TrafficAssignment, TrafficClass
    import numpy as np

    folder = project_folder()
    project = Project()
    project.open(folder)
    aeq_total, aeq_exec, result = [], [], None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        project.network.build_graphs()
        g = project.network.graphs["c"]
        g.set_graph("free_flow_time")
        g.set_skimming(["free_flow_time"])
        g.set_blocked_centroid_flows(False)  # silkroute lets flows pass through any place
        m = project.matrices.get_matrix("demand_omx")
        m.computational_view(["matrix"])
        a = TrafficAssignment()
        a.add_class(TrafficClass(name="car", graph=g, matrix=m))
        a.set_vdf("BPR")
        a.set_vdf_parameters({"alpha": "b", "beta": "power"})
        a.set_capacity_field("capacity")
        a.set_time_field("free_flow_time")
        a.set_algorithm("bfw")
        a.max_iter = 10000
        a.rgap_target = GAP
        quiet = open(os.devnull, "w")
        saved, sys.stderr = sys.stderr, quiet  # aequilibrae's progress bars write to stderr
        t1 = time.perf_counter()
        a.execute()
        t2 = time.perf_counter()
        sys.stderr = saved
        aeq_exec.append(t2 - t1)
        aeq_total.append(t2 - t0)
        view = np.array(m.matrix_view)
        if view.ndim == 3:
            view = view[:, :, 0]
        result = (a.results(), a.assignment.rgap, a.assignment.iter, (list(int(z) for z in m.index), view))
    flows, aeq_gap, aeq_iter, demand = result
    project.close()

    feed, dpath, link_ids = convert(folder, demand)
    sh("cargo", "build", "-q", "--release", "-p", "silkroute", cwd=ROOT)
    exe = os.path.join(ROOT, "target", "release", "silkroute")
    sr_wall, sr_inner, out = [], [], None
    for _ in range(RUNS):
        t = time.perf_counter()
        out = json.loads(subprocess.check_output([exe, "--feed", feed, "assign", "-q", "--json", "--demand", dpath, "--gap", str(GAP), "--value-of-time", "1", "--method", METHOD]))
        sr_wall.append(time.perf_counter() - t)
        sr_inner.append(out["seconds"])
    ours = {}
    for e in out["edges"]:
        a_node, b_node = int(e["from"][1:]), int(e["to"][1:])
        ours[(a_node, b_node)] = ours.get((a_node, b_node), 0) + e["tonnes_per_day"]
    diffs = []
    for (a_node, b_node), lid in link_ids.items():
        theirs = float(flows.loc[lid, "matrix_ab"])
        mine = ours.get((a_node, b_node), 0.0)
        if theirs > 1:
            diffs.append(abs(mine - theirs) / theirs)
    res = {
        "date": datetime.date.today().isoformat(),
        "gap": GAP,
        "machine": {"cores": os.cpu_count(), "cpu": subprocess.run("lscpu | sed -n 's/^Model name: *//p'", shell=True, capture_output=True, text=True).stdout.strip(),
                    "python": platform.python_version(), "rustc": subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()},
        "aequilibrae": {"algorithm": "bfw", "iterations": int(aeq_iter), "relative_gap": float(aeq_gap), "execute_median_s": statistics.median(aeq_exec), "with_graph_build_median_s": statistics.median(aeq_total)},
        "silkroute": {"algorithm": METHOD, "iterations": out["iterations"], "relative_gap": out["relative_gap"], "assign_median_s": statistics.median(sr_inner), "process_wall_median_s": statistics.median(sr_wall)},
        "links_compared": len(diffs), "max_rel_diff": max(diffs), "mean_rel_diff": sum(diffs) / len(diffs),
    }
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    path = os.path.join(ROOT, "bench", "results", f"sioux-falls-{res['date']}-gap{GAP:g}-{METHOD}.json")
    json.dump(res, open(path, "w"), indent=2)
    print(json.dumps(res, indent=2))
    print(f"speed-up (aequilibrae execute / silkroute assign): {res['aequilibrae']['execute_median_s'] / res['silkroute']['assign_median_s']:.1f}x; wrote {path}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Load and fault tests of `silkroute serve` on loopback (issue 17, item 3). Not run in CI.

    python3 bench/faults.py soak [SECONDS=600]     wrk soak: errors, RSS every 10 s
    python3 bench/faults.py overload               wrk at several times capacity: 503 +
                                                   Retry-After counts, /health latency
    python3 bench/faults.py slowloris [N=2000]     N connections sending a header line every
                                                   5 s: closed by the header-read timeout,
                                                   normal requests meanwhile
    python3 bench/faults.py drain                  SIGTERM with requests in flight: answered,
                                                   then exit 0, then connections refused
    python3 bench/faults.py replace                the graph file replaced by atomic rename
                                                   while serving under load: answers unchanged
    python3 bench/faults.py all

Uses the release binary (built here), wrk (Debian package) and the standard library only.
Prints the figures docs/reliability.md records, with the machine.
"""

import http.client
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "silkroute")
ROUTE = "/v1/route?from=xian&to=tashkent&modes=rail,road"
# A query that takes tens of milliseconds: ten alternatives on the services.
HEAVY = "/v1/route?from=xian&to=baku&alternatives=10&by=p90"


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {model}, {platform.system()} {platform.release()}"


def build():
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "silkroute"], cwd=ROOT, check=True)
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


class Server:
    """`silkroute serve` on a free loopback port."""

    def __init__(self, *args, serve_args=()):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.log = tempfile.NamedTemporaryFile(prefix="silkroute-serve-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [BIN, *args, "serve", "--addr", f"127.0.0.1:{self.port}", *serve_args],
            stdout=self.log, stderr=self.log, env={**os.environ, "RUST_LOG": "warn"},
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if get(self.port, "/health", timeout=1)[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the server did not start")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(next(l.split()[1] for l in f if l.startswith("VmRSS")))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)


def get(port, path, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    headers = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, headers, body


def wrk(url, seconds, connections, threads=2, script=None):
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "20s"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [url], capture_output=True, text=True).stdout
    fig = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    fig["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    fig["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    fig["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    for p in ("50", "90", "99"):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        if m:
            v = float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
            fig[f"p{p}_ms"] = round(v, 2)
    return fig, out


def soak(seconds=600):
    build()
    srv = Server()
    try:
        get(srv.port, ROUTE)
        samples = [(0, srv.rss_kb())]
        result = {}

        def run():
            result["wrk"] = wrk(srv.url(ROUTE), seconds, 64)

        t = threading.Thread(target=run)
        t.start()
        start = time.time()
        while t.is_alive():
            time.sleep(10)
            if t.is_alive():
                samples.append((round(time.time() - start), srv.rss_kb()))
        fig, _ = result["wrk"]
        rss = [kb for _, kb in samples]
        first_minute = [kb for s, kb in samples if 0 < s <= 60] or rss
        report = {
            "test": "soak", "machine": machine(), "seconds": seconds, "connections": 64,
            **fig, "rss_kb_start": rss[0], "rss_kb_after_1_min": max(first_minute),
            "rss_kb_end": rss[-1], "rss_kb_max": max(rss), "rss_samples": len(rss),
            "server_alive": srv.proc.poll() is None,
        }
        print(json.dumps(report, indent=1))
        return report
    finally:
        srv.stop()


def overload():
    """Routes (about 10 ms of computing each) from 1, 4, 16 and 64 connections per core, with
    one computation per core and 16 waiting; /health timed from a separate client meanwhile."""
    build()
    srv = Server(serve_args=("--queued", "16"))
    try:
        get(srv.port, ROUTE)
        cores = os.cpu_count() or 2
        reports = []
        for factor in (1, 4, 16, 64):
            conns = cores * factor
            health, routes = [], {}
            stop = threading.Event()

            def probe():
                while not stop.is_set():
                    t0 = time.perf_counter()
                    status, _, _ = get(srv.port, "/health", timeout=30)
                    health.append(((time.perf_counter() - t0) * 1e3, status))
                    # a route from the same client: its status and Retry-After
                    status, headers, _ = get(srv.port, ROUTE, timeout=30)
                    key = f"{status}" + (" Retry-After " + headers["retry-after"]
                                         if "retry-after" in headers else "")
                    routes[key] = routes.get(key, 0) + 1
                    time.sleep(0.05)

            p = threading.Thread(target=probe)
            p.start()
            fig, out = wrk(srv.url(ROUTE), 20, conns)
            stop.set()
            p.join()
            lat = sorted(ms for ms, _ in health)
            reports.append({
                "connections": conns, **fig,
                "probe_route_statuses": routes,
                "health_probes": len(lat),
                "health_ok": sum(1 for _, s in health if s == 200),
                "health_p50_ms": round(statistics.median(lat), 2),
                "health_max_ms": round(lat[-1], 2),
                "rss_kb": srv.rss_kb(),
                "server_alive": srv.proc.poll() is None,
            })
            print(json.dumps(reports[-1]))
        report = {"test": "overload", "machine": machine(), "running": cores, "queued": 16,
                  "query": ROUTE, "runs": reports}
        print(json.dumps(report, indent=1))
        return report
    finally:
        srv.stop()


def slowloris(n=2000):
    build()
    srv = Server()
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 256)), hard))
        socks, not_connected = [], 0
        t0 = time.time()
        # a normal client every half second from the start, while the slow ones pile up
        ok_during, stop = [], threading.Event()

        def normal():
            while not stop.is_set() and time.time() - t0 < 25:
                t = time.perf_counter()
                sent_at = round(time.time() - t0, 1)
                try:
                    status = get(srv.port, ROUTE, timeout=60)[0]
                except OSError as e:
                    status = str(e)
                # (status, sent at s after the first slow connection, took ms)
                ok_during.append((status, sent_at, round((time.perf_counter() - t) * 1e3, 1)))
                time.sleep(0.5)

        normal_client = threading.Thread(target=normal)
        normal_client.start()
        for _ in range(n):
            try:
                s = socket.create_connection(("127.0.0.1", srv.port), timeout=0.2)
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
                socks.append(s)
            except OSError:
                not_connected += 1
        n = len(socks)
        connected_after = time.time() - t0
        # keep trickling a header line every 5 s; count when the server closes each
        closed_at = {}
        while time.time() - t0 < 40 and len(closed_at) < n:
            for i, s in enumerate(socks):
                if i in closed_at:
                    continue
                try:
                    s.sendall(b"X-a: b\r\n")
                    s.settimeout(0.001)
                    if s.recv(1024) == b"":
                        closed_at[i] = time.time() - t0
                except (socket.timeout, BlockingIOError):
                    pass
                except OSError:
                    closed_at[i] = time.time() - t0
            time.sleep(5)
        stop.set()
        normal_client.join()
        after = get(srv.port, ROUTE, timeout=60)[0]
        waits = [ms for status, _, ms in ok_during if status == 200]
        times = sorted(closed_at.values())
        report = {
            "test": "slowloris", "machine": machine(), "connections": n,
            "connections_not_accepted_within_0_2_s": not_connected,
            "connecting_took_s": round(connected_after, 1),
            "normal_requests": len(ok_during),
            "normal_requests_ok": len(waits),
            "normal_request_ms_median": round(statistics.median(waits), 1) if waits else None,
            "normal_request_ms_max": max(waits) if waits else None,
            "normal_requests_during": ok_during,
            "closed_by_server": len(closed_at),
            "closed_after_s_min": round(times[0], 1) if times else None,
            "closed_after_s_max": round(times[-1], 1) if times else None,
            "normal_request_after": after, "rss_kb": srv.rss_kb(),
            "server_alive": srv.proc.poll() is None,
        }
        for s in socks:
            s.close()
        print(json.dumps(report, indent=1))
        return report
    finally:
        srv.stop()


def drain():
    """Requests in flight when SIGTERM arrives are answered; then the process exits 0."""
    build()
    srv = Server()
    try:
        results = []

        def one():
            t = time.perf_counter()
            try:
                status, _, body = get(srv.port, HEAVY, timeout=60)
                results.append((status, len(body), round(time.perf_counter() - t, 3)))
            except OSError as e:
                results.append((str(e), 0, 0))

        threads = [threading.Thread(target=one) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(0.05)
        sent = time.time()
        srv.proc.send_signal(signal.SIGTERM)
        for t in threads:
            t.join()
        code = srv.proc.wait(timeout=60)
        exited_after = round(time.time() - sent, 3)
        try:
            get(srv.port, "/health", timeout=2)
            refused = False
        except OSError:
            refused = True
        report = {
            "test": "drain", "machine": machine(), "in_flight": len(threads),
            "answers": results, "all_200": all(r[0] == 200 for r in results),
            "exit_code": code, "exited_after_sigterm_s": exited_after,
            "new_connections_refused": refused,
        }
        print(json.dumps(report, indent=1))
        return report
    finally:
        srv.stop()


def replace():
    """A graph file replaced by atomic rename (`build -o` over it, for 20 s) while the server
    answers from it under load: the server keeps the network it read at start (the file is ignored
    until a restart), every answer is 200 and equal to the one before."""
    build()
    work = tempfile.mkdtemp(prefix="silkroute-replace-")
    srg = os.path.join(work, "net.srg")
    subprocess.run([BIN, "build", "-o", srg], check=True, capture_output=True)
    srv = Server("--feed", srg)
    try:
        path = "/v1/route?from=xian&to=almaty&modes=rail,road"
        before = get(srv.port, path)[2]
        statuses, same = {}, [0, 0]
        stop = threading.Event()

        def client():
            while not stop.is_set():
                status, _, body = get(srv.port, path)
                statuses[status] = statuses.get(status, 0) + 1
                same[0 if body == before else 1] += 1

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        rebuilt = 0
        until = time.time() + 20
        while time.time() < until:
            # another network (a scenario, then the baseline) written over the file the
            # server opened
            scenario = ["--scenario", "khorgos-closed"] if rebuilt % 2 == 0 else []
            subprocess.run([BIN, "build", *scenario, "-o", srg], check=True, capture_output=True)
            rebuilt += 1
        stop.set()
        for t in threads:
            t.join()
        report = {
            "test": "replace", "machine": machine(), "rebuilds_while_serving": rebuilt,
            "statuses": statuses, "answers_equal_to_before": same[0],
            "answers_different": same[1], "server_alive": srv.proc.poll() is None,
        }
        print(json.dumps(report, indent=1))
        return report
    finally:
        srv.stop()


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    arg = [int(a) for a in sys.argv[2:]]
    tests = {"soak": soak, "overload": overload, "slowloris": slowloris, "drain": drain,
             "replace": replace}
    if what == "all":
        for name in ("drain", "replace", "slowloris", "overload", "soak"):
            tests[name]()
    elif what in tests:
        tests[what](*arg)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""GET /api/v3/movie latency and server memory with a 10,000-movie library (a benchmark, not a test).

Usage: cargo build --release && python3 scripts/bench-library.py [movies] [requests]
Starts the release binary on a fresh temp data dir (no TMDB configured, so every add keeps the
client's title and year), adds the movies through POST /api/v3/movie from 4 threads, restarts the
server, then times the full list (sequential and 4 concurrent clients), GET /movie/{id} and
GET /movie?tmdbId=, and reads VmRSS/VmHWM from /proc after seeding, after the restart and after
the list requests. The server log is kept in the data dir and printed if something fails.
"""
import http.client, json, os, random, re, shutil, socket, subprocess, sys, tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor

BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "reelarr")
MOVIES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
REQUESTS = int(sys.argv[2]) if len(sys.argv) > 2 else 50
SEED_THREADS, CLIENTS, WARMUP, SINGLE = 4, 4, 3, 300


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, data_dir):
        self.dir, self.port = data_dir, free_port()
        self.log = open(os.path.join(data_dir, "server.log"), "ab")
        env = {"PATH": os.environ.get("PATH", ""), "HOME": data_dir, "REELARR_LOG": "warn"}
        self.p = subprocess.Popen([BIN, "serve", "--data-dir", data_dir, "--bind", f"127.0.0.1:{self.port}"],
                                  env=env, stdout=self.log, stderr=subprocess.STDOUT)
        t0 = time.perf_counter()
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/ping")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.01)
            if self.p.poll() is not None or time.perf_counter() - t0 > 20:
                fail(self, "server did not answer /ping")
        cfg = open(os.path.join(data_dir, "config.toml")).read()
        self.key = re.search(r'^\s*api_key\s*=\s*"([^"]+)"', cfg.split("[server]", 1)[1], re.M).group(1)

    def mem(self):
        st = open(f"/proc/{self.p.pid}/status").read()
        kb = lambda k: int(re.search(rf"^{k}:\s+(\d+) kB", st, re.M).group(1))
        return kb("VmRSS") / 1024, kb("VmHWM") / 1024

    def stop(self):
        self.p.terminate()
        self.p.wait()
        self.log.close()


def fail(server, why):
    server.p.kill()
    sys.stderr.write(f"{why}\n--- server log (tail) ---\n")
    sys.stderr.write(open(os.path.join(server.dir, "server.log"), errors="replace").read()[-4000:])
    raise SystemExit(1)


class Client:
    """One keep-alive connection; returns (status, body bytes, seconds)."""

    def __init__(self, server):
        self.s = server
        self.c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)

    def call(self, method, path, body=None):
        h = {"X-Api-Key": self.s.key}
        if body is not None:
            body = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        self.c.request(method, path, body=body, headers=h)
        r = self.c.getresponse()
        data = r.read()
        return r.status, data, time.perf_counter() - t0


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]


def row(name, secs, extra=""):
    ms = [s * 1000 for s in secs]
    print(f"{name:<38} {pct(ms, 50):>8.2f} {pct(ms, 95):>8.2f} {pct(ms, 99):>8.2f} {max(ms):>8.2f} {len(ms):>6}  {extra}")


def seed(server, root):
    c = Client(server)
    st, body, _ = c.call("POST", "/api/v3/rootfolder", {"path": root})
    if st not in (200, 201):
        fail(server, f"rootfolder: {st} {body[:300]!r}")
    st, body, _ = c.call("GET", "/api/v3/qualityprofile")
    profile = json.loads(body)[0]["id"]
    local = threading.local()
    errors = []

    def add(i):
        if not hasattr(local, "c"):
            local.c = Client(server)
        st, body, secs = local.c.call("POST", "/api/v3/movie", {
            "tmdbId": i, "title": f"Benchmark Movie {i:05d}", "year": 1950 + i % 75,
            "qualityProfileId": profile, "rootFolderPath": root, "monitored": True})
        if st != 201:
            errors.append(f"{i}: {st} {body[:200]!r}")
        return secs

    t0 = time.perf_counter()
    with ThreadPoolExecutor(SEED_THREADS) as ex:
        lat = list(ex.map(add, range(1, MOVIES + 1)))
    took = time.perf_counter() - t0
    if errors:
        fail(server, f"{len(errors)} adds failed, first: {errors[0]}")
    return took, lat


def main():
    if not os.path.exists(BIN):
        raise SystemExit("build first: cargo build --release")
    d = tempfile.mkdtemp(prefix="reelarr-bench-lib-")
    root = os.path.join(d, "movies")
    os.mkdir(root)
    mem = {}
    try:
        s = Server(d)
        took, add_lat = seed(s, root)
        mem["after seeding"] = s.mem()
        s.stop()

        s = Server(d)  # cold-ish: new process, empty snapshot, SQLite page cache only from the OS
        mem["after restart, idle"] = s.mem()
        c = Client(s)
        st, body, first = c.call("GET", "/api/v3/movie")
        if st != 200 or len(json.loads(body)) != MOVIES:
            fail(s, f"list: {st}, {len(body)} bytes")
        size = len(body)
        for _ in range(WARMUP - 1):
            c.call("GET", "/api/v3/movie")
        seq = [c.call("GET", "/api/v3/movie")[2] for _ in range(REQUESTS)]
        mem["after sequential list"] = s.mem()

        def client(_):
            cc = Client(s)
            return [cc.call("GET", "/api/v3/movie")[2] for _ in range(REQUESTS)]

        t0 = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as ex:
            conc = [x for xs in ex.map(client, range(CLIENTS)) for x in xs]
        conc_wall = time.perf_counter() - t0
        mem["after concurrent list"] = s.mem()

        ids = [m["id"] for m in json.loads(body)]
        one = [c.call("GET", f"/api/v3/movie/{random.choice(ids)}")[2] for _ in range(SINGLE)]
        by_tmdb = [c.call("GET", f"/api/v3/movie?tmdbId={random.randint(1, MOVIES)}")[2] for _ in range(SINGLE)]
        mem["end"] = s.mem()
        s.stop()
    finally:
        shutil.rmtree(d, ignore_errors=True)

    print(f"\nreelarr, {MOVIES:,} movies, {os.cpu_count()} CPUs, load average at end {os.getloadavg()[0]:.1f}")
    print(f"seeding: {MOVIES:,} POST /api/v3/movie from {SEED_THREADS} threads in {took:.1f} s "
          f"= {MOVIES / took:,.0f} movies/s (per add p50 {pct(add_lat, 50) * 1000:.1f} ms, "
          f"p99 {pct(add_lat, 99) * 1000:.1f} ms)")
    print(f"GET /api/v3/movie response: {size:,} bytes ({size / MOVIES:.0f} bytes/movie); "
          f"first request after restart {first * 1000:.1f} ms\n")
    print(f"{'request (ms)':<38} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'n':>6}")
    row("GET /api/v3/movie, 1 client", seq)
    row(f"GET /api/v3/movie, {CLIENTS} clients", conc, f"{len(conc) / conc_wall:.1f} req/s")
    row("GET /api/v3/movie/{id}", one)
    row("GET /api/v3/movie?tmdbId=", by_tmdb)
    print(f"\n{'memory (MB)':<38} {'VmRSS':>8} {'VmHWM':>8}")
    for k, (rss, hwm) in mem.items():
        print(f"{k:<38} {rss:>8.1f} {hwm:>8.1f}")


if __name__ == "__main__":
    main()

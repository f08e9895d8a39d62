#!/usr/bin/env python3
"""GET /api/v3/movie latency and server memory with a 10,000-movie library (a benchmark, not a test).

Usage: cargo build --release && python3 scripts/bench-library.py [figure]
  figures (issue 16's table; load from `wrk` in a second process, RSS from /proc):
    idle-empty   RSS of a server with an empty library, idle
    restart-rss  RSS with 10,000 movies right after a restart (and after its first full list)
    list-1       full GET /api/v3/movie at 1 connection for 10 s (p50/p99, req/s)
    list-32      the same at 32 connections
    load-rss     RSS after 10 s of 32-connection full lists, and 10 s later
    health-32    GET /health at 32 connections for 10 s
    table        every figure above, one after the other (the default)
    classic [movies] [requests]   the older run: seeding rate, sequential and 4-client lists
                 timed from Python, GET /movie/{id} and ?tmdbId=
  REELARR_BIN picks another binary (default target/release/reelarr); BENCH_SECONDS the wrk
  duration (default 10). The seeded library (10,000 movies added through POST /api/v3/movie from 4
  threads, no TMDB configured so each keeps the client's title and year) is kept in
  $TMPDIR/reelarr-bench-library-<movies> and copied for every run, so figures from two binaries
  start from the same database. The server log is printed if something fails.
"""
import http.client, json, os, random, re, shutil, socket, subprocess, sys, tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("REELARR_BIN") or os.path.join(HERE, "..", "target", "release", "reelarr")
CLASSIC = len(sys.argv) > 1 and (sys.argv[1] == "classic" or sys.argv[1].isdigit())
ARGS = sys.argv[2:] if len(sys.argv) > 1 and sys.argv[1] == "classic" else sys.argv[1:]
MOVIES = int(ARGS[0]) if CLASSIC and len(ARGS) > 0 else 10_000
REQUESTS = int(ARGS[1]) if CLASSIC and len(ARGS) > 1 else 50
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
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

    def split(self):
        """RSS as 'anonymous (heap, stacks) + file-backed (the binary's pages)' in MB."""
        st = open(f"/proc/{self.p.pid}/status").read()
        kb = lambda k: int(re.search(rf"^{k}:\s+(\d+) kB", st, re.M).group(1))
        return f"anon {kb('RssAnon') / 1024:.1f} + file {kb('RssFile') / 1024:.1f} MB"

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


def classic():
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


def seeded_library():
    """A data dir holding MOVIES movies, seeded once and kept for later runs."""
    cache = os.path.join(tempfile.gettempdir(), f"reelarr-bench-library-{MOVIES}")
    if not os.path.exists(os.path.join(cache, "seeded")):
        shutil.rmtree(cache, ignore_errors=True)
        os.makedirs(os.path.join(cache, "movies"))
        s = Server(cache)
        took, _ = seed(s, os.path.join(cache, "movies"))
        s.stop()
        open(os.path.join(cache, "seeded"), "w").write(f"{took:.1f} s\n")
    return cache


def fresh_copy(src):
    d = tempfile.mkdtemp(prefix="reelarr-bench-lib-")
    if src:
        for name in os.listdir(src):
            if name.startswith("reelarr.db") or name == "config.toml":
                shutil.copy(os.path.join(src, name), d)
    return d


def wrk(server, path, conns, secs=None):
    """wrk from a second process; returns (req/s, p50 ms, p99 ms, transfer summary)."""
    secs = secs or SECONDS
    out = subprocess.run(["wrk", f"-t{min(conns, 2)}", f"-c{conns}", f"-d{secs}s", "--latency", "--timeout", "10s",
                          "-H", f"X-Api-Key: {server.key}", f"http://127.0.0.1:{server.port}{path}"],
                         capture_output=True, text=True, check=True).stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def lat(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * unit[m.group(2)]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, lat(50), lat(99), (errors.group(0) if errors else "")


def load_row(name, r):
    rps, p50, p99, err = r
    print(f"{name:<48} {rps:>10,.1f} req/s   p50 {p50:>8.2f} ms   p99 {p99:>8.2f} ms  {err}")


def figures(which):
    if not os.path.exists(BIN):
        raise SystemExit("build first: cargo build --release (or set REELARR_BIN)")
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    print(f"reelarr {BIN}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, wrk {SECONDS} s")
    if which in ("idle-empty", "table"):
        d = fresh_copy(None)
        try:
            s = Server(d)
            time.sleep(2)
            print(f"{'idle RSS, empty library':<48} {s.mem()[0]:>8.1f} MB ({s.split()})")
            s.stop()
        finally:
            shutil.rmtree(d, ignore_errors=True)
    if which == "idle-empty":
        return
    src = seeded_library()
    d = fresh_copy(src)
    try:
        s = Server(d)
        time.sleep(2)
        print(f"{f'RSS with {MOVIES:,} movies after restart':<48} {s.mem()[0]:>8.1f} MB ({s.split()})")
        st, body, secs = Client(s).call("GET", "/api/v3/movie")
        if st != 200 or len(json.loads(body)) != MOVIES:
            fail(s, f"list: {st}, {len(body)} bytes")
        print(f"{'  first full list after restart':<48} {secs * 1000:>8.1f} ms, {len(body):,} bytes")
        time.sleep(1)
        print(f"{'  RSS after that first list':<48} {s.mem()[0]:>8.1f} MB ({s.split()})")
        if which in ("list-1", "table"):
            load_row(f"full list ({MOVIES:,}), 1 connection", wrk(s, "/api/v3/movie", 1))
        if which in ("list-32", "load-rss", "table"):
            before = s.mem()[0]
            load_row(f"full list ({MOVIES:,}), 32 connections", wrk(s, "/api/v3/movie", 32))
            rss, hwm = s.mem()
            time.sleep(10)
            print(f"{'RSS before → after 10 s of 32 connections':<48} {before:>8.1f} → {rss:.1f} MB (peak {hwm:.1f} MB)")
            print(f"{'  10 s later':<48} {s.mem()[0]:>8.1f} MB ({s.split()})")
        if which in ("health-32", "table"):
            load_row("/health, 32 connections", wrk(s, "/health", 32))
        s.stop()
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    if CLASSIC:
        classic()
    else:
        which = sys.argv[1] if len(sys.argv) > 1 else "table"
        if which not in ("idle-empty", "restart-rss", "list-1", "list-32", "load-rss", "health-32", "table"):
            raise SystemExit(__doc__)
        figures(which)

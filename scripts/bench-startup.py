#!/usr/bin/env python3
"""Start-up time of reelarr to its first /health answer, with an empty library.

Usage: cargo build --release && python3 scripts/bench-startup.py [runs]
Each run uses a fresh data dir for the first start (creates config, database, admin user) and then
restarts on the same data dir (the normal case); prints median and p90 of both. REELARR_BIN picks
another binary (default target/release/reelarr).
"""
import os, shutil, socket, subprocess, sys, tempfile, time, urllib.request

BIN = os.environ.get("REELARR_BIN") or os.path.join(os.path.dirname(__file__), "..", "target", "release", "reelarr")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def one(data_dir):
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": data_dir, "REELARR_DATA_DIR": data_dir, "REELARR_LOG": "warn"}
    t0 = time.perf_counter()
    p = subprocess.Popen([BIN, "serve", "--bind", f"127.0.0.1:{port}"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    if r.status == 200:
                        return (time.perf_counter() - t0) * 1000
            except OSError:
                time.sleep(0.001)
            if time.perf_counter() - t0 > 10:
                raise SystemExit("no /health answer within 10 s")
    finally:
        p.terminate()
        p.wait()


def stats(xs):
    xs = sorted(xs)
    return f"median {xs[len(xs) // 2]:.1f} ms, p90 {xs[int(len(xs) * 0.9) - 1]:.1f} ms, min {xs[0]:.1f} ms"


first, again = [], []
for _ in range(RUNS):
    d = tempfile.mkdtemp(prefix="reelarr-bench-")
    try:
        first.append(one(d))
        again.append(one(d))
    finally:
        shutil.rmtree(d)
print(f"first start (creates everything): {stats(first)}")
print(f"restart (existing data dir):      {stats(again)}")

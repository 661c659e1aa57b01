"""Signing a petition under load, through the full middleware stack on a real WSGI server,
beside a bare Django view doing one INSERT on the same server and database.

Needs PostgreSQL (DATABASE_URL) and, for the task queue and cache, Redis (REDIS_URL), as in
production; prints the rates, the ratio, p50/p99 latencies and checks that every 2xx answer
left exactly one row. Also compares the petition page served from the page cache with the same
page rendered each time.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from _setup import ServerDidNotStart, free_port, started, stop

ROOT = Path(__file__).resolve().parent.parent
DURATION = float(os.environ.get("BENCH_SECONDS", "20"))
# Unmeasured load first, the same for both servers: every worker process and thread has
# opened its connections and filled its caches (templates, URL resolvers, translations).
WARMUP = float(os.environ.get("BENCH_WARMUP_SECONDS", "5"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
# The same WSGI server settings for both sides; "sync" (threads ignored) is what the operators'
# guide runs.
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "gthread")
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))


def serve(app: str, port: int, env: dict) -> subprocess.Popen:
    """The WSGI server of ``app``, once one of its workers answers HTTP (the measure must not
    start while the workers still load the application)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--worker-class", WORKER_CLASS, "--threads", str(THREADS), "--log-level", "warning", "--chdir", str(ROOT)],
        env=env, start_new_session=True,
    )
    return started(process, port, app)


def client_loop(args) -> tuple[int, int, list[float]]:
    port, path, prefix, csrf, deadline = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": "localhost"}
    token = ""
    if csrf:
        conn.request("GET", path, headers={"Host": "localhost"})
        response = conn.getresponse()
        body = response.read().decode()
        cookie = response.getheader("Set-Cookie", "")
        headers["Cookie"] = cookie.split(";")[0]
        headers["Referer"] = f"http://localhost:{port}{path}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    ok = failed = 0
    latencies = []
    i = 0
    while time.monotonic() < deadline:
        i += 1
        form = {"name": f"Signataire {prefix}-{i}", "email": f"s{prefix}-{i}@example.org", "consent": "on"}
        if csrf:
            form["csrfmiddlewaretoken"] = token
        start = time.perf_counter()
        try:
            conn.request("POST", path, body=urllib.parse.urlencode(form), headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            failed += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        latencies.append(time.perf_counter() - start)
        if 200 <= response.status < 300:
            ok += 1
        else:
            failed += 1
    return ok, failed, latencies


def load(port: int, path: str, csrf: bool, seconds: float = DURATION) -> dict:
    deadline = time.monotonic() + seconds
    with multiprocessing.Pool(CLIENTS) as pool:
        # Addresses unique to this run and this phase (warm-up, measure): a repeated one would
        # answer 200 with no new row (a pending signature gets a fresh link).
        tag = f"{os.getpid()}x{time.monotonic_ns()}"
        results = pool.map(client_loop, [(port, path, f"{tag}x{n}", csrf, deadline) for n in range(CLIENTS)])
    return {"ok": sum(r[0] for r in results), "failed": sum(r[1] for r in results), "seconds": seconds,
            "latencies": [x for r in results for x in r[2]]}


def merged(parts: list[dict]) -> dict:
    """Rate, p50 and p99 of one or more load phases taken as one."""
    ok, seconds = sum(p["ok"] for p in parts), sum(p["seconds"] for p in parts)
    latencies = sorted(x for p in parts for x in p["latencies"])
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")  # noqa: E731
    return {"ok": ok, "failed": sum(p["failed"] for p in parts), "rate": ok / seconds, "p50": pick(0.50), "p99": pick(0.99)}


def page_rate(port: int, paths: list[str], seconds: float = 5.0) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    done, deadline, i = 0, time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        conn.request("GET", paths[i % len(paths)], headers={"Host": "localhost"})
        i += 1
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        done += 1
    return done / seconds


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("petitions_sign needs DATABASE_URL=postgres://... (and REDIS_URL), as in production")
    env = {**os.environ, "PARVIS_MODE": "production", "DJANGO_SECRET_KEY": "bench-" + "x" * 40,
           "DJANGO_ALLOWED_HOSTS": "localhost", "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
           "PARVIS_HTTPS": "0", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "core.cli", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([sys.executable, "-m", "core.cli", "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    setup = subprocess.run([sys.executable, str(ROOT / "bench" / "_petition_fixture.py")], env=env, check=True,
                           cwd=ROOT, capture_output=True, text=True)
    petition_id = int(setup.stdout.strip().splitlines()[-1])
    count_rows = lambda: int(subprocess.run(  # noqa: E731
        [sys.executable, str(ROOT / "bench" / "_petition_fixture.py"), "--count", str(petition_id)],
        env=env, check=True, cwd=ROOT, capture_output=True, text=True).stdout.split()[-1])

    bare_env = {**env, "DJANGO_SETTINGS_MODULE": ""}
    subprocess.run([sys.executable, str(ROOT / "bench" / "_petition_fixture.py"), "--bare-table"], env=env, check=True, cwd=ROOT)
    sign_port, bare_port = free_port(), free_port()
    sign_path = f"/petitions/{petition_id}/sign/"
    servers = [serve("core.wsgi:application", sign_port, env)]
    try:
        servers.append(serve("bench.bare_site:application", bare_port, bare_env))
        load(sign_port, sign_path, csrf=True, seconds=WARMUP)
        load(bare_port, "/insert/", csrf=False, seconds=WARMUP)
        # Both servers run side by side and take the load in turns, ROUNDS times each: a
        # slower or faster spell of the machine weighs on both sides alike.
        before = count_rows()
        rounds = []
        for _ in range(ROUNDS):
            rounds.append((load(sign_port, sign_path, csrf=True, seconds=DURATION / ROUNDS),
                           load(bare_port, "/insert/", csrf=False, seconds=DURATION / ROUNDS)))
        rows = count_rows() - before
        cached = page_rate(sign_port, [f"/petitions/{petition_id}/"])
        uncached = page_rate(sign_port, [f"/petitions/{petition_id}/?v={i}" for i in range(100_000)])
    finally:
        for server in servers:
            stop(server)
    signing, bare = merged([r[0] for r in rounds]), merged([r[1] for r in rounds])
    signing["rows"] = rows

    print(f"both servers: gunicorn, {WORKERS} workers, {WORKER_CLASS} x {THREADS} threads; {CLIENTS} clients; "
          f"{WARMUP:g} s warm-up, {DURATION:g} s measured each in {ROUNDS} alternating rounds")
    print(f"sign endpoint (full stack): {signing['rate']:.0f}/s, p50 {signing['p50']:.1f} ms, p99 {signing['p99']:.1f} ms, "
          f"2xx {signing['ok']}, errors {signing['failed']}, new rows {signing['rows']}")
    print(f"bare Django INSERT view:    {bare['rate']:.0f}/s, p50 {bare['p50']:.1f} ms, p99 {bare['p99']:.1f} ms, "
          f"errors {bare['failed']}")
    each = ", ".join(f"{r[0]['ok'] / r[1]['ok']:.2f} ({r[0]['ok']}/{r[1]['ok']})" for r in rounds)
    print(f"ratio sign/bare: {signing['rate'] / bare['rate']:.2f}x (target >= 0.5x; rounds: {each}); "
          f"rows == 2xx: {signing['rows'] == signing['ok']}")
    print(f"petition page: cached {cached:.0f}/s, uncached {uncached:.0f}/s, ratio {cached / uncached:.1f}x (target >= 3x)")


if __name__ == "__main__":
    try:
        main()
    except ServerDidNotStart as exc:
        sys.exit(f"petitions_sign: {exc}")

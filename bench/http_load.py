"""HTTP load figures: each public and downstream endpoint against a bare Django view, same run.

What it does:

1. creates a scratch PostgreSQL database (default `hardening_bench_http`), migrates it and runs
   `manage.py bootstrap` (bundled GVL v106 + demo site with every vendor enabled), creates a
   downstream API key (`manage.py create_api_key`), and empties its Redis db (`--redis-url`, default db 5);
2. starts gunicorn (sync workers, `--workers`, default 2 x cores: the views wait on PostgreSQL
   and Redis, so one extra worker per core keeps the CPUs busy) with DEBUG off, Redis as cache and
   rate-limit store (limits raised far above the offered load, so they are counted on every request
   but never refuse one), and `CMP_BENCH_BARE_VIEW=1`, which routes `/bench/bare`: a plain Django view
   behind the same middleware, the framework's floor;
3. drives every endpoint with `wrk` (one thread, `--connections` keep-alive connections,
   `--duration` seconds, `--latency`), endpoints interleaved, `--runs` times; reports the median
   requests/s, p50 and p99 of the runs and the ratio of the median to the bare view's median;
4. measures, over the same interleaved runs, the CPU time (user + system) per request of the web
   worker (the gunicorn master and its workers) and of PostgreSQL (the backends connected to the
   bench database, from pg_stat_activity: the server is shared, so its whole process tree would
   count other databases' work), with psutil, and reports both against the bare view's: on two
   cores shared by wrk, gunicorn and PostgreSQL they move far less than throughput;
5. approximates "the load that gives 80% of peak": wrk is closed-loop (each connection sends its
   next request when the previous one is answered), so the offered load is set by the number of
   connections. For each endpoint it runs 1, 2, 3, ... connections and takes the first count whose
   throughput reaches 80% of that endpoint's peak, and reports the p99 there;
6. stops gunicorn, drops the database, and writes the "HTTP load" section of docs/PERFORMANCE.md.

Usage: .venv/bin/python bench/http_load.py [--duration 10] [--runs 3] [--no-write] [--note TEXT]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.perf_doc import machine_line, publish  # noqa: E402
from bench.scratch_db import add_admin_url, database_url, drop_database, recreate_database  # noqa: E402
from bench.servers import free_port, manage, wait_for_url  # noqa: E402

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SITE = "demo"
# The demo site's first allowed origin (sites/setup.py DEMO_ORIGINS).
DEMO_ORIGIN = "http://127.0.0.1:8000"

POST_SCRIPT = """
-- Cycles through the bodies a banner sends: accept all, reject all, a custom choice, a returning
-- visitor's. wrk.format uses only the headers it is given, so the -H headers (Origin) are copied.
local bodies = %(bodies)s
local headers = {["Content-Type"] = "application/json"}
for name, value in pairs(wrk.headers) do headers[name] = value end
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, headers, bodies[(n %% #bodies) + 1])
end
"""


@dataclass
class Endpoint:
    name: str
    label: str
    path: str
    method: str = "GET"
    bodies: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()


@dataclass
class WrkResult:
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers plus socket errors
    worker_cpu_us: float = 0.0  # CPU time per request: the gunicorn tree
    postgres_cpu_us: float = 0.0  # CPU time per request: the bench database's backends


class CpuMeter:
    """CPU seconds (user + system) used by the gunicorn tree and by the PostgreSQL backends of the
    bench database, per process id, so that a run's share is the difference of two samples."""

    def __init__(self, gunicorn: subprocess.Popen, admin_url: str, database: str) -> None:
        import psutil
        import psycopg

        self.psutil = psutil
        self.master = psutil.Process(gunicorn.pid)
        self.database = database
        self.connection = psycopg.connect(admin_url, autocommit=True)

    def _times(self, processes: list) -> dict[int, float]:
        times = {}
        for process in processes:
            try:
                cpu = process.cpu_times()
            except self.psutil.NoSuchProcess:
                continue
            times[process.pid] = cpu.user + cpu.system
        return times

    def sample(self) -> tuple[dict[int, float], dict[int, float]]:
        rows = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
            (self.database,),
        ).fetchall()
        backends = []
        for (pid,) in rows:
            try:
                backends.append(self.psutil.Process(pid))
            except self.psutil.NoSuchProcess:
                continue
        return self._times([self.master, *self.master.children(recursive=True)]), self._times(backends)

    @staticmethod
    def used(before: dict[int, float], after: dict[int, float]) -> float:
        """Seconds used between the samples; a process that started meanwhile counts from zero."""
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())

    def close(self) -> None:
        self.connection.close()


def http(
    method: str, url: str, body: dict | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_duration(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str, connections: int) -> WrkResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = parse_duration(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
    p99 = parse_duration(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    return WrkResult(connections, rps, p50, p99, requests, errors)


def run_wrk(
    base_url: str, endpoint: Endpoint, connections: int, duration: int, script_dir: Path
) -> WrkResult:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for header in endpoint.headers:
        command += ["-H", header]
    if endpoint.method == "POST":
        script = script_dir / f"{endpoint.name}.lua"
        bodies = "{" + ", ".join(json.dumps(body) for body in endpoint.bodies) + "}"
        script.write_text(POST_SCRIPT % {"bodies": bodies})
        command += ["-s", str(script)]
    command.append(base_url + endpoint.path)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output, connections)


def prepare(admin_url: str, database: str, redis_url: str) -> tuple[dict[str, str], str]:
    recreate_database(admin_url, database)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DEBUG": "0",
        "SECRET_KEY": "bench-secret-key-" + "k" * 40,
        "CMP_CONSENT_HMAC_KEY": "bench-consent-hmac-key-of-at-least-32-bytes",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(admin_url, database),
        "REDIS_URL": redis_url,
        "CMP_BENCH_BARE_VIEW": "1",
        "CMP_RATE_LIMIT_PER_IP": "1000000000",
        "CMP_RATE_LIMIT_PER_SITE": "1000000000",
        "CMP_LOG_LEVEL": "WARNING",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "bootstrap")
    output = manage(env, "create_api_key", SITE, "--name", "bench")
    key = extract_api_key(output)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return env, key


def extract_api_key(output: str) -> str:
    """The key is the longest token printed by create_api_key (it prints it once, with a label)."""
    tokens = re.findall(r"[A-Za-z0-9_\-.]{24,}", output)
    if not tokens:
        raise SystemExit(f"create_api_key printed no key:\n{output}")
    return max(tokens, key=len)


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    worker_class = (
        ["--worker-class", "gthread", "--threads", str(threads)]
        if threads > 1
        else ["--worker-class", "sync"]
    )
    process = subprocess.Popen(
        [GUNICORN, "cmp.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), *worker_class,
         "--backlog", "2048", "--access-logfile", "/dev/null"],
        cwd=REPO_ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_for_url(f"http://127.0.0.1:{port}/bench/bare")
    return process


def endpoints_for(base_url: str, api_key: str) -> list[Endpoint]:
    # From the demo page's origin, as the banner posts (the origin check runs on every POST).
    origin = {"Origin": DEMO_ORIGIN}
    status, first = http("POST", f"{base_url}/api/v1/sites/{SITE}/consents", {"action": "accept_all"}, origin)
    if status != 201:
        raise SystemExit(f"consent POST answered {status}: {first}")
    user_id, tc_string = first["user_id"], first["tc_string"]
    # The returning visitor of the POST mix is another visitor than the one the downstream reads
    # ask about: the POST run gives it thousands of records a second, several hundred of them in
    # the same instant (created_at), a history no visitor has, which the newest-record query would
    # then have to sort; the reads are of a visitor with an ordinary history.
    _, again = http("POST", f"{base_url}/api/v1/sites/{SITE}/consents", {"action": "reject_all"}, origin)
    returning = {"user_id": again["user_id"], "write_token": again["write_token"]}
    auth = f"Authorization: Api-Key {api_key}"
    _, banner = http("GET", f"{base_url}/api/v1/sites/{SITE}/banner?lang=en")
    purposes = [p["id"] for p in banner.get("purposes", [])][:5] or [1]
    _, vendors = http("GET", f"{base_url}/api/v1/sites/{SITE}/vendors?lang=en")
    vendor_ids = [v["id"] for v in vendors.get("vendors", [])][:30]
    bodies = (
        json.dumps({"action": "accept_all", "language": "en"}),
        json.dumps({"action": "reject_all", "language": "en"}),
        json.dumps(
            {
                "action": "custom",
                "language": "en",
                "categories": {"analytics": True},
                "purposes": purposes,
                "vendors": vendor_ids,
            }
        ),
        # A returning visitor's choice: its write token is checked.
        json.dumps({"action": "reject_all", "language": "en", **returning}),
    )
    check_vendor = vendor_ids[0] if vendor_ids else 755
    return [
        Endpoint("bare", "bare Django view (`/bench/bare`)", "/bench/bare"),
        Endpoint("banner", "banner config GET", f"/api/v1/sites/{SITE}/banner?lang=en"),
        Endpoint("consent_post", "consent POST (accept / reject / custom / returning visitor)",
                 f"/api/v1/sites/{SITE}/consents", "POST", bodies, headers=(f"Origin: {DEMO_ORIGIN}",)),
        Endpoint("consent_get", "downstream consent GET", f"/api/v1/sites/{SITE}/users/{user_id}/consent",
                 headers=(auth,)),
        Endpoint("consent_check", "downstream consent check",
                 f"/api/v1/sites/{SITE}/users/{user_id}/consent/check?vendor={check_vendor}&purpose=1",
                 headers=(auth,)),
        Endpoint("decode", "TC string decode POST", "/api/v1/tcf/decode", "POST",
                 (json.dumps({"tc_string": tc_string}),)),
    ]  # fmt: skip


def smoke(base_url: str, endpoints: list[Endpoint]) -> None:
    for endpoint in endpoints:
        headers = dict(h.split(": ", 1) for h in endpoint.headers)
        body = json.loads(endpoint.bodies[-1]) if endpoint.bodies else None
        status, answer = http(endpoint.method, base_url + endpoint.path, body, headers)
        if status >= 300:
            raise SystemExit(f"{endpoint.method} {endpoint.path} answered {status}: {answer}")


def measure(args: argparse.Namespace) -> dict[str, object]:
    redis_url = args.redis_url
    env, api_key = prepare(args.admin_url, args.database, redis_url)
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="cmp-http-load-"))
    process = start_gunicorn(env, port, args.workers, args.threads, workdir / "gunicorn.log")
    base_url = f"http://127.0.0.1:{port}"
    try:
        endpoints = endpoints_for(base_url, api_key)
        smoke(base_url, endpoints)
        for endpoint in endpoints:  # warm every worker's caches and connections
            run_wrk(base_url, endpoint, args.connections, 2, workdir)
        load_start = os.getloadavg()
        meter = CpuMeter(process, args.admin_url, args.database)
        peaks: dict[str, list[WrkResult]] = {e.name: [] for e in endpoints}
        for run in range(args.runs):
            for endpoint in endpoints:
                workers_before, postgres_before = meter.sample()
                result = run_wrk(base_url, endpoint, args.connections, args.duration, workdir)
                workers_after, postgres_after = meter.sample()
                answered = max(result.requests, 1)
                result.worker_cpu_us = CpuMeter.used(workers_before, workers_after) / answered * 1e6
                result.postgres_cpu_us = CpuMeter.used(postgres_before, postgres_after) / answered * 1e6
                peaks[endpoint.name].append(result)
                print(f"run {run + 1} {endpoint.name}: {result}", flush=True)
        sweeps: dict[str, list[WrkResult]] = {}
        for endpoint in endpoints:
            peak = statistics.median(r.rps for r in peaks[endpoint.name])
            sweep = []
            for connections in range(1, args.connections + 1):
                result = run_wrk(base_url, endpoint, connections, args.sweep_duration, workdir)
                sweep.append(result)
                print(f"sweep {endpoint.name} c={connections}: {result}", flush=True)
                if result.rps >= 0.8 * peak:
                    break
            sweeps[endpoint.name] = sweep
        meter.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        drop_database(args.admin_url, args.database)
        shutil.rmtree(workdir, ignore_errors=True)
    return {"endpoints": endpoints, "peaks": peaks, "sweeps": sweeps, "load": (load_start, os.getloadavg())}


def render(result: dict[str, object], args: argparse.Namespace) -> str:
    endpoints: list[Endpoint] = result["endpoints"]
    peaks: dict[str, list[WrkResult]] = result["peaks"]
    sweeps: dict[str, list[WrkResult]] = result["sweeps"]
    bare = statistics.median(r.rps for r in peaks["bare"])
    rows = []
    for endpoint in endpoints:
        runs = peaks[endpoint.name]
        rps = statistics.median(r.rps for r in runs)
        p50 = statistics.median(r.p50_ms for r in runs)
        p99 = statistics.median(r.p99_ms for r in runs)
        errors = sum(r.errors for r in runs)
        at80 = sweeps[endpoint.name][-1]
        rows.append(
            f"| {endpoint.label} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | **{rps / bare:.0%}** "
            f"| {at80.connections} | {at80.rps:,.0f} ({at80.rps / rps:.0%}) | {at80.p99_ms:.1f} | {errors} |"
        )
    table = "\n".join(rows)
    cpu = {
        e.name: (
            statistics.median(r.worker_cpu_us for r in peaks[e.name]),
            statistics.median(r.postgres_cpu_us for r in peaks[e.name]),
        )
        for e in endpoints
    }
    bare_cpu = sum(cpu["bare"])
    # As the throughput ratio: the bare view's CPU per request over the endpoint's (100% = as cheap).
    cpu_ratio = {name: bare_cpu / max(sum(times), 1e-9) for name, times in cpu.items()}
    cpu_rows = "\n".join(
        f"| {e.name} | {cpu[e.name][0]:,.0f} | {cpu[e.name][1]:,.0f} | {sum(cpu[e.name]):,.0f} "
        f"| {cpu[e.name][0] / max(cpu['bare'][0], 1e-9):.2f}x | **{cpu_ratio[e.name]:.0%}** |"
        for e in endpoints
    )
    ratio = {e.name: statistics.median(r.rps for r in peaks[e.name]) / bare for e in endpoints}
    p99_at80 = {e.name: sweeps[e.name][-1].p99_ms for e in endpoints}
    verdicts = [
        f"downstream consent GET at {ratio['consent_get']:.0%} of the bare view (target >= 60%): "
        f"{'met' if ratio['consent_get'] >= 0.6 else 'MISSED'}",
        f"consent POST at {ratio['consent_post']:.0%} (target >= 35%): "
        f"{'met' if ratio['consent_post'] >= 0.35 else 'MISSED'}",
        f"by CPU time per request (worker + PostgreSQL), downstream consent GET at "
        f"{cpu_ratio['consent_get']:.0%} of the bare view's (target >= 60%): "
        f"{'met' if cpu_ratio['consent_get'] >= 0.6 else 'MISSED'}; consent POST at "
        f"{cpu_ratio['consent_post']:.0%} (target >= 35%): "
        f"{'met' if cpu_ratio['consent_post'] >= 0.35 else 'MISSED'}",
        f"p99 at ~80% of peak: consent GET {p99_at80['consent_get']:.1f} ms, consent POST "
        f"{p99_at80['consent_post']:.1f} ms (target < 50 ms): "
        f"{'met' if max(p99_at80['consent_get'], p99_at80['consent_post']) < 50 else 'MISSED'}",
    ]
    verdict_lines = "\n".join(f"- {line}" for line in verdicts)
    load_start, load_end = (", ".join(f"{x:.1f}" for x in load) for load in result["load"])
    note = f"\n{args.note}" if args.note else ""
    return f"""Measured by `bench/http_load.py` on {machine_line()}: gunicorn {args.workers} sync workers
(DEBUG off), PostgreSQL 15 on this machine (scratch database, migrated, bundled GVL v106 and the demo
site with every vendor enabled), Redis ({args.redis_url}) as cache and rate-limit store (limits
counted on every request and sent to Redis in batches, set high enough never to refuse). Load generator:
`wrk -t1 -c{args.connections} -d{args.duration}s --latency` on the same 2 cores (gunicorn's sync
workers close every connection after its answer, so wrk connects anew for each request, to every
endpoint alike), endpoints interleaved, {args.runs} runs;
the table shows the median of the runs. The reference is a bare Django view (`/bench/bare`, only with
`CMP_BENCH_BARE_VIEW=1`) behind the same middleware, workers and server, measured in the same run.

| endpoint | req/s | p50 ms | p99 ms | ratio to bare | conns at ~80% | req/s there | p99 ms there | errors |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
{table}

CPU time per request over the same runs (median of the runs, microseconds of user + system time):
the web worker is the gunicorn master and its workers, PostgreSQL the backends connected to the
bench database (`pg_stat_activity`; the server is shared with other databases, and its background
writers are left out), both read with psutil before and after each wrk run and divided by the
requests wrk counted. The last column compares as the throughput ratio does: the bare view's CPU per
request over the endpoint's. It moves far less with the machine's other load than throughput.

| endpoint | worker us/req | PostgreSQL us/req | total us/req | worker vs bare | bare's CPU / endpoint's |
|---|---:|---:|---:|---:|---:|
{cpu_rows}

"~80% of peak": wrk is closed-loop and wrk2 is not in Debian, so the offered load is set by the
number of connections. After the peak runs the script tries 1, 2, 3, ... connections
({args.sweep_duration} s each) and stops at the first count whose throughput reaches 80% of that
endpoint's peak; the p99 shown is the one measured there. Because it is closed-loop, this p99 leaves
out the queueing an open-loop generator at the same rate would see, so it is a lower bound at that
rate; at peak (16 connections, queueing included) the p99 is the one in the fourth column.

The consent POST mixes accept all, reject all and a custom choice (30 vendors, 5 purposes); every
POST is a synchronous INSERT of a new signed record. The downstream GET and check read the user's
latest record with an API key.

The machine is shared: load average (1, 5, 15 min) was {load_start} when the runs started and
{load_end} at the end of the sweeps, against 2 cores, so other processes took part of the CPU during
the runs and the figures move by tens of percent from one run of the script to the next. The ratios
compare endpoints measured interleaved in the same run, which cancels most, not all, of that.{note}

Acceptance:
{verdict_lines}

### What was profiled and changed

Profiled in-process (Django test client against a scratch PostgreSQL database, `cProfile` and
timers, by hand; not part of the script). The first wrk run of this script, before any change,
gave the downstream GET 150 req/s (8% of a bare view at 1,983) and the consent POST 93 req/s (5%).
Per request, the GET then cost ~8.7 ms and the POST ~13.8 ms, mostly in configuration reads
repeated on every request: the API key lookup, the site, two queries for the newest GVL, the
site's vendor and ATP sets (a Redis round trip of ~900 ids) and their hash.

1. `cmp/memo.py`: those configuration reads are memoised per worker (invalidated in-process by any
   save of a configuration model, and after `CMP_CONFIG_CACHE_SECONDS` elsewhere). GET 8.7 -> 4.0
   ms, POST 13.8 -> 9.3 ms in-process; wrk: GET 736 req/s, POST 552 req/s in the next run.
2. `consent/services.py`: the current record is read with one query written out once instead of
   being compiled by the ORM on every read (that step 1.15 -> 0.62 ms); GVL snapshots by version are
   memoised too. GET ~1.4 ms in-process against ~0.35-0.5 ms for a bare view. A run of this script
   at the start of the next round (load average 1.6 -> 5.8, other benches and test suites running):
   bare 1,836 req/s, downstream GET 474 (26%), check 589 (32%), consent POST 225 (12%).
3. Downstream GET and check (`consent/views.py`, `consent/services.py`, `consent/check.py`): a GET
   with a valid key of the site, a well-formed user id and an Accept that JSON satisfies skips DRF's
   request wrapping, negotiation and rendering and writes the same bytes (a test compares both paths
   byte for byte, headers included; errors of authentication, other methods and `?format=` still go
   through DRF). The newest record is found by one query that reads only id, action and consent id
   over the (site, user, id) index; the rendered current state is kept per worker (bounded LRU of
   2,048) under the record's consent id plus the site's policy version, the GVL policy version and
   the disclosed-vendors hash, so the large row is read and serialised once per record. Which record
   is current is never cached: the database answers that on every read. The check reads only the
   columns its question needs (categories, ATPs, or TC string and GVL version). In-process (Django
   WSGI handler, no HTTP): GET ~520-540 us against ~110-120 us for the bare view; ~350 us of the GET
   is the one PostgreSQL round trip (about 65 us of backend CPU and 50 us of psycopg, the rest
   waiting); the framework around it costs ~30 us more than the bare view.

The next round (2026-12-01) started from GET 52% and POST 18% of the bare view (a run of this script
on an idle machine). Each step below was measured with wrk against the bare view in the same run (two
5 s runs per endpoint, medians), with `perf record -a` and `py-spy` on the workers under load and a
CPU-time breakdown in-process:

4. Prepared statements. `CMP_DB_PREPARE_THRESHOLD` (default 2) turns on psycopg's server-side binding
   and prepared statements for every query (`cmp/settings.py`): PostgreSQL no longer parses and plans
   the newest-record query on every read. GET 50% -> 56%.
5. The consent POST without DRF's request wrapping, negotiation and rendering, as the GETs before it
   (`consent/views.py`, same bytes and headers: `tests/consent/test_consent_post_answers_the_same_on_
   the_fast_path.py`), and its INSERT written once instead of compiled by the ORM per record: POST
   18% -> 23%.
6. Batched rate-limit counts (`cmp/ratelimit.py`, docs/SECURITY.md): the limiter's Redis round trip
   cost as much CPU under load as a bare request's framework work; a worker now sends its hits in
   batches. POST 23% -> 25% (banner GET 41% -> 49%).
7. Record templates, first version: records of one choice on one day share everything but their
   ids, times and hashes, so the signals, the insert parameters and the MAC's canonical line (cut
   around the per-record values, `evidence.RecordMacTemplate`) are built once per choice and kept.
   The downstream read ran on psycopg's connection without Django's cursor wrapper. POST 25% -> 29%,
   GET 56% -> 59%.
8. The record row. Experiments with throw-away views behind the same middleware, measured against
   the bare view in one run, showed where a POST's floor was: a POST that parses its body and runs
   `SELECT 1` reached 64-66% of the bare view; one that INSERTs a 2-column row 47-49%; one that
   INSERTs the 25-column consent record of that time (8 JSON columns, precomputed values) 37-38%;
   an 11-column row of plain types 46%. A synchronous INSERT of the old record was thus within 3
   points of the 35% target before any work of ours. Size did not matter (a reject-all's 3 KB and a
   100-byte version of the same columns measured the same); the number and kind of columns did. So
   what a choice resolved to and signalled moved to `RecordedChoice`, one row per site, day and
   choice, shared by its records (`consent/models.py`, migration 0002, MACs unchanged); a record is
   now 11 plain columns. POST 29% -> 32%; stored bytes per record 6,886 -> 918 and the purge of a
   million records 19.1 s -> 3.8 s ("Storage and retention" below).
9. Templates keyed by the request and the site's catalogue object, so a repeated choice skips its
   validation too (`consent/record_template.py`); a first-layer body (no user id yet) parsed once;
   the consent routes matched before the others. POST 32% -> 37%, GET 59% -> 60%.
10. The two statements on the request path (the newest record of a user, the record INSERT) through
   libpq's prepared-statement calls, parameters and results as text (`cmp/prepared.py`): psycopg's
   cursor machinery around one round trip (query conversion, adapters, a transformer and loaders per
   cursor) cost ~60 us of worker CPU per request in-process. GET 60% -> 64%, POST 37% -> 39%. API
   keys are memoised by the key as sent, so a read hashes it only on a memo miss.

What is left: each consent POST is one synchronous INSERT and commit (the choice is never queued),
each downstream GET one indexed read; on this 2-core virtual machine a database round trip costs the
worker and PostgreSQL about as much CPU as a bare request, which sets the ceiling measured in step 8.
The downstream check and the TC decode POST have no target and still go through more Python than
the GET (the check reads the TC string and decodes it).
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_admin_url(parser)
    parser.add_argument("--database", default="hardening_bench_http")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (>1: gthread workers)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--sweep-duration", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print, do not edit docs/PERFORMANCE.md")
    parser.add_argument("--note", help="a sentence about this run for the doc (what else ran)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian package wrk; `make system-deps`).")
    result = measure(args)
    text = render(result, args)
    publish("HTTP load", text, write=not args.no_write)


if __name__ == "__main__":
    main()

"""The list page over real HTTP against the floor and the Django peer of SPEC §12, and under a
sign-in flood.

    uv run --group bench python -m bench.serve       # the reference set: ~10 minutes
    uv run --group bench python -m bench.serve --users 50 --tasks-per-user 200 --heavy 20000

Starts a throwaway PostgreSQL 15 cluster, fills it with `python -m app seed` (users ×
tasks-per-user, plus heavy@example.com), runs `VACUUM ANALYZE`, then serves Taskwise
(`uvicorn app.main:app`), the floor (`uvicorn bench.floor:app`) and the idiomatic Django peer
(`uvicorn bench.django_peer.asgi:app`, Django from the `bench` dependency group) side by
side, one worker each. Each is first checked to show the same 20 task ids, in the same order,
as SQL for both users; then each is measured with `wrk -t1 -c16` (needs Debian's wrk) in
interleaved rounds: requests per second, p95, non-2xx answers. Prints medians and the ratios
SPEC §12 targets, then the list's p95 alone and during a flood of 16 clients posting wrong
passwords (random emails from random forwarded addresses, as a distributed attacker would),
and the workers' memory. Figures go to docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg2

from tests.conftest import ROOT
from tests.pg_cluster import free_port, running_cluster

WRK = shutil.which("wrk") or "/usr/bin/wrk"
SECRET = "bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - a throwaway cluster
REPORT = """
done = function(summary, latency, requests)
  local failures = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format("BENCH rps=%.1f p95_ms=%.2f non2xx=%d failures=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(95) / 1000,
    summary.errors.status, failures))
end
"""
FLOOD = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "{cookie}"
counter = 0
request = function()
  counter = counter + 1
  local who = math.random(1, 1000000000)
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", who % 250,
    math.floor(who / 250) % 250, math.floor(who / 62500) % 250)
  local body = string.format("_csrf_token={token}&email=nobody%d@example.com&password=wrong-%d",
    who, counter)
  return wrk.format(nil, "/signin", nil, body)
end
"""


@dataclass
class Run:
    rps: float
    p95_ms: float
    non2xx: int
    failures: int


def wrk(url: str, cookie: str, *, seconds: int, connections: int, script: Path) -> Run:
    out = subprocess.run(  # noqa: S603 - our own arguments
        [
            WRK,
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",  # a stalled answer is measured, not dropped as a timeout
            "-s",
            str(script),
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"BENCH rps=([\d.]+) p95_ms=([\d.]+) non2xx=(\d+) failures=(\d+)", out)
    if not match:
        raise RuntimeError(f"wrk printed no figures:\n{out}")
    rps, p95, non2xx, failures = match.groups()
    return Run(float(rps), float(p95), int(non2xx), int(failures))


@contextmanager
def server(
    module: str, port: int, env: dict[str, str], log: Path, cwd: Path = ROOT
) -> Iterator[int]:
    """uvicorn serving `module` on the port; yields the worker's pid."""
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "uvicorn",
                module,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=cwd,
            env=env | {"PYTHONPATH": str(cwd)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/health/db", timeout=1)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(log.read_text()[-2000:]) from None
                    time.sleep(0.2)
            yield process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # stuck (the flood of an older version)
                process.kill()
                process.wait()


def sign_in(base: str, email: str) -> str:
    """The session cookie of a fresh sign-in (valid on both servers: same database and key)."""
    with httpx.Client(base_url=base) as client:
        page = client.get("/signin").text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page)
        if token is None:
            raise RuntimeError("no CSRF field on /signin")
        client.post(
            "/signin",
            data={"_csrf_token": token.group(1), "email": email, "password": "password-1234"},
        )
        cookie = client.cookies.get("taskwise_session")
        if not cookie:
            raise RuntimeError(f"sign-in as {email} failed")
        return f"taskwise_session={cookie}"


def anonymous_form(base: str) -> tuple[str, str]:
    with httpx.Client(base_url=base) as client:
        page = client.get("/signin").text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page)
        if token is None:
            raise RuntimeError("no CSRF field on /signin")
        return f"taskwise_anon={client.cookies.get('taskwise_anon')}", token.group(1)


TASK_ID = re.compile(
    r'<li id="task-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"'
)
EXPECTED_PAGE = """
    SELECT tasks.id::text FROM tasks JOIN users ON users.id = tasks.user_id
    WHERE users.email = %s AND tasks.deleted_at IS NULL AND tasks.status = 'pending'
    ORDER BY tasks.due_date ASC NULLS LAST, tasks.due_time ASC NULLS LAST, tasks.id ASC
    LIMIT 20
"""


def check_same_rows(database_url: str, emails: dict[str, str], servers: dict[str, str]) -> None:
    """Every server shows the default view's 20 task ids, in SQL's order, for every user."""
    conn = psycopg2.connect(database_url)
    try:
        for email, cookie in emails.items():
            with conn.cursor() as cur:
                cur.execute(EXPECTED_PAGE, (email,))
                expected = [row[0] for row in cur.fetchall()]
            if len(expected) != 20:
                raise RuntimeError(f"{email} has {len(expected)} pending tasks, not 20 or more")
            for name, base in servers.items():
                answer = httpx.get(f"{base}/tasks", headers={"Cookie": cookie}, timeout=30)
                shown = TASK_ID.findall(answer.text)
                if answer.status_code != 200 or shown != expected:
                    raise RuntimeError(
                        f"{name} shows other rows than SQL for {email} "
                        f"(status {answer.status_code}, {len(shown)} rows)"
                    )
    finally:
        conn.close()
    print(f"same rows as SQL: {', '.join(servers)} for {', '.join(emails)}")


def settle(base: str, seconds: float = 60) -> None:
    """Wait until the server answers quickly again (a stall can outlive the flood), then 2 s."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health/db", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    time.sleep(2)


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--tasks-per-user", type=int, default=1000)
    parser.add_argument("--heavy", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="serve (and migrate with) another checkout, e.g. an older commit, for a before/after",
    )
    parser.add_argument("--only", choices=["all", "list", "flood"], default="all")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench.serve needs wrk (apt-get install wrk)")
    if importlib.util.find_spec("django") is None:
        sys.exit("bench.serve needs Django: uv run --group bench python -m bench.serve")

    work = Path(tempfile.mkdtemp(prefix="taskwise-bench-"))
    report, flood_script = work / "report.lua", work / "flood.lua"
    report.write_text(REPORT)
    with running_cluster() as cluster:
        url = cluster.create_database("bench")
        env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": SECRET, "DEBUG": "false"}
        app_dir = args.app_dir.resolve()
        subprocess.run(  # noqa: S603 - that checkout's own migrations
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=app_dir,
            env=env | {"PYTHONPATH": str(app_dir)},
            check=True,
            capture_output=True,
        )
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "app",
                "seed",
                "--users",
                str(args.users),
                "--tasks-per-user",
                str(args.tasks_per_user),
                "--heavy-user-tasks",
                str(args.heavy),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(f"seeded in {time.perf_counter() - started:.0f} s")
        conn = psycopg2.connect(url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        conn.close()

        app_port, floor_port, django_port = free_port(), free_port(), free_port()
        app_env = env | {"BASE_URL": f"http://127.0.0.1:{app_port}"}
        django_env = env | {"DJANGO_SETTINGS_MODULE": "bench.django_peer.settings"}
        with (
            server("app.main:app", app_port, app_env, work / "app.log", app_dir) as app_pid,
            server("bench.floor:app", floor_port, env, work / "floor.log"),
            server(
                "bench.django_peer.asgi:app", django_port, django_env, work / "django.log"
            ) as django_pid,
        ):
            app_url, floor_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{floor_port}"
            django_url = f"http://127.0.0.1:{django_port}"
            servers = {"taskwise": app_url, "floor": floor_url, "django": django_url}
            emails = {
                f"{args.tasks_per_user:,} tasks": "user1@example.com",
                f"{args.heavy:,} tasks": "heavy@example.com",
            }
            cookies = {who: sign_in(app_url, email) for who, email in emails.items()}
            light, heavy = cookies.values()
            check_same_rows(url, {emails[who]: cookie for who, cookie in cookies.items()}, servers)

            def measure(url: str, cookie: str) -> Run:
                return wrk(
                    url, cookie, seconds=args.seconds, connections=args.connections, script=report
                )

            if args.only in ("all", "list"):
                results: dict[tuple[str, str], list[Run]] = {}
                views = {
                    "default": "/tasks",
                    "page 1000": "/tasks?page=1000",
                    "search": "/tasks?status=all&q=plumber",
                    "sort=priority": "/tasks?sort=priority",
                    "sort=title": "/tasks?sort=title",
                }
                for round_ in range(args.rounds):
                    for who, cookie in cookies.items():
                        for name, base in servers.items():
                            results.setdefault((who, name), []).append(
                                measure(f"{base}/tasks", cookie)
                            )
                    for view, path in views.items():
                        results.setdefault(("heavy", view), []).append(
                            measure(app_url + path, heavy)
                        )
                    print(f"round {round_ + 1}/{args.rounds} done", flush=True)

                def median(key: tuple[str, str], field: str) -> float:
                    return statistics.median(getattr(run, field) for run in results[key])

                print(
                    "\n| list page, default view | Taskwise req/s | floor req/s | Django req/s"
                    " | Taskwise/floor (≥ 0.5) | Taskwise/Django (≥ 3) | non-2xx |"
                )
                print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
                for who in cookies:
                    ours, floor, django = (median((who, name), "rps") for name in servers)
                    bad = sum(
                        r.non2xx + r.failures for name in servers for r in results[(who, name)]
                    )
                    print(
                        f"| user with {who} | {ours:.0f} | {floor:.0f} | {django:.0f}"
                        f" | {ours / floor:.2f} | {ours / django:.2f} | {bad} |"
                    )
                base_rps = median(("heavy", "default"), "rps")
                print("\n| heavy user, view | req/s | cost vs default page 1 |")
                print("| --- | ---: | ---: |")
                for view in views:
                    rps = median(("heavy", view), "rps")
                    print(f"| {view} | {rps:.0f} | {base_rps / rps:.2f}x |")

            if args.only in ("all", "flood"):
                anon_cookie, token = anonymous_form(app_url)
                flood_script.write_text(FLOOD.format(cookie=anon_cookie, token=token))
                alone, during = [], []
                for _ in range(args.rounds):
                    alone.append(measure(f"{app_url}/tasks", light))
                    flood = subprocess.Popen(  # noqa: S603
                        [
                            WRK,
                            "-t1",
                            "-c16",
                            f"-d{args.seconds + 2}s",
                            "-s",
                            str(flood_script),
                            app_url,
                        ],
                        stdout=subprocess.PIPE,
                        text=True,
                    )
                    time.sleep(1)
                    during.append(measure(f"{app_url}/tasks", light))
                    flood_out = flood.communicate()[0]
                    settle(app_url)
                p95_alone = statistics.median(r.p95_ms for r in alone)
                p95_flood = statistics.median(r.p95_ms for r in during)
                bad = sum(r.non2xx + r.failures for r in during)
                served = sum(r.rps for r in during) / len(during)
                print(f"(list during the flood: {served:.0f} req/s served, {bad} non-2xx/failed)")
                print("\n| list p95 | alone | during a 16-client sign-in flood | ratio | non-2xx |")
                print("| --- | ---: | ---: | ---: | ---: |")
                ratio = p95_flood / p95_alone if p95_alone else float("nan")
                print(f"| ms | {p95_alone:.1f} | {p95_flood:.1f} | {ratio:.2f} | {bad} |")
                print("last flood run (sign-ins):", " ".join(flood_out.split()[-12:]))
            print(f"\nTaskwise worker RSS after the runs: {rss_mb(app_pid):.0f} MB")
            print(f"Django worker RSS after the runs: {rss_mb(django_pid):.0f} MB")


if __name__ == "__main__":
    main()

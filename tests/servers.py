"""Real server processes for tests: the app under the commands the README and DEPLOY.md give,
and a throwaway PgBouncer in transaction mode in front of the test cluster."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import ROOT, TEST_SECRET
from tests.pg_cluster import free_port

PGBOUNCER = "/usr/sbin/pgbouncer"


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: object = field(repr=False)

    def output(self) -> str:
        """Everything the server wrote so far (stdout and stderr)."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()  # type: ignore[attr-defined]
        return self.output()


def uvicorn_command(port: int, *extra: str) -> list[str]:
    """The documented production command: `uvicorn app.main:app --host H --port P`."""
    host = ["--host", "127.0.0.1", "--port", str(port)]
    return [sys.executable, "-m", "uvicorn", "app.main:app", *host, *extra]


def serve_command(port: int) -> list[str]:
    """`python -m app serve` (what `make serve` runs)."""
    return [sys.executable, "-m", "app", "serve", "--port", str(port)]


def server_env(database_url: str, port: int, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "MAIL_", "SMTP_"))}
    return env | {
        "BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "DEBUG": "false",
        "PYTHONPATH": str(ROOT),
        **{name.upper(): value for name, value in settings.items()},
    }


def start_app(
    database_url: str,
    log_dir: Path,
    *,
    command: Sequence[str] | None = None,
    port: int | None = None,
    ready: int | None = 200,
    **settings: str,
) -> AppServer:
    """Start the app in its own process and wait until /health/db answers `ready` (any
    answer when None). The working directory is the repository, as the docs say."""
    port = port or free_port()
    argv = list(command or uvicorn_command(port))
    log_path = log_dir / f"server-{port}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        argv,
        cwd=ROOT,
        env=server_env(database_url, port, **settings),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = AppServer(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path, _log=log)
    deadline = time.monotonic() + 40
    while True:
        try:
            status = httpx.get(f"{server.url}/health/db", timeout=2).status_code
            if ready is None or status == ready:
                return server
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = server.stop()
            raise RuntimeError(f"{argv} did not start: {output[-3000:]}")
        time.sleep(0.1)


@contextmanager
def running_app(database_url: str, log_dir: Path, **kwargs: object) -> Iterator[AppServer]:
    server = start_app(database_url, log_dir, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()


# --- a real browser-like client ------------------------------------------------------------

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_of(client: httpx.Client, page: str) -> str:
    match = CSRF.search(client.get(page).text)
    assert match, f"{page} has no CSRF field"
    return match.group(1)


def post_form(
    client: httpx.Client, page: str, action: str, fields: dict[str, str]
) -> httpx.Response:
    """GET `page` for its CSRF token, then POST the form to `action`."""
    return client.post(action, data={"_csrf_token": csrf_of(client, page), **fields})


# --- PgBouncer ------------------------------------------------------------------------------


class PgBouncerUnavailable(RuntimeError):
    pass


@dataclass
class PgBouncer:
    """PgBouncer in transaction mode on a free port, forwarding to the test cluster."""

    root: Path
    port: int
    server_port: int
    run_as: str | None
    process: subprocess.Popen[bytes] | None = None

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def write_config(self, pool_size: int) -> Path:
        (self.root / "users.txt").write_text('"postgres" ""\n')
        ini = self.root / "pgbouncer.ini"
        ini.write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={self.server_port}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {self.root / 'users.txt'}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {pool_size}\n"
            "max_client_conn = 500\n"
            f"logfile = {self.root / 'pgbouncer.log'}\n"
        )
        return ini

    def start(self) -> None:
        argv = [PGBOUNCER, str(self.root / "pgbouncer.ini")]
        if self.run_as:  # PgBouncer refuses to run as root
            argv = ["runuser", "-u", self.run_as, "--", *argv]
        self.process = subprocess.Popen(  # noqa: S603
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PgBouncerUnavailable(self.log()[-2000:])
            try:
                import psycopg2

                psycopg2.connect(self.url("postgres"), connect_timeout=1).close()
                return
            except psycopg2.OperationalError:
                time.sleep(0.1)
        raise PgBouncerUnavailable(f"pgbouncer did not answer: {self.log()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # immediate shutdown: clients are cut off
            self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        path = self.root / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def running_pgbouncer(server_port: int, *, pool_size: int = 5) -> Iterator[PgBouncer]:
    if not Path(PGBOUNCER).exists():
        raise PgBouncerUnavailable(f"{PGBOUNCER} is not installed")
    run_as = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="taskwise-pgbouncer-"))
    if run_as:
        entry = pwd.getpwnam(run_as)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    bouncer = PgBouncer(root=root, port=free_port(), server_port=server_port, run_as=run_as)
    bouncer.write_config(pool_size)
    try:
        bouncer.start()
        yield bouncer
    finally:
        bouncer.stop()
        shutil.rmtree(root, ignore_errors=True)


# --- traffic: signed-in browsers creating tasks ---------------------------------------------

BROWSER_PASSWORD = "a long password for traffic"


@dataclass
class Browser:
    """A signed-in httpx client and the CSRF token of its session."""

    client: httpx.Client
    csrf: str

    def clone(self) -> Browser:
        """Another connection with the same session (one httpx.Client per thread)."""
        client = httpx.Client(
            base_url=str(self.client.base_url),
            timeout=self.client.timeout,
            cookies=self.client.cookies,
        )
        return Browser(client=client, csrf=self.csrf)

    def create(self, title: str) -> httpx.Response:
        return self.client.post("/tasks", data={"_csrf_token": self.csrf, "title": title})


def signed_up(url: str, email: str, *, timeout: float = 30) -> Browser:
    client = httpx.Client(base_url=url, timeout=timeout, follow_redirects=False)
    form = {"email": email, "password": BROWSER_PASSWORD, "timezone": "UTC"}
    response = post_form(client, "/signup", "/signup", form)
    assert response.status_code == 303, response.text[-500:]
    return Browser(client=client, csrf=csrf_of(client, "/tasks"))


@dataclass
class Answer:
    title: str
    status: int  # 0: no HTTP answer (connection refused or cut)
    retry_after: str | None
    seconds: float
    finished: float  # time.monotonic() when the answer came


ACKNOWLEDGED = frozenset({200, 201, 303})


class CreateStream:
    """One thread per browser posting creates (unique titles) until stopped."""

    def __init__(self, browsers: Sequence[Browser], prefix: str) -> None:
        self.prefix = prefix
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._run, args=(n, browser), daemon=True)
            for n, browser in enumerate(browsers)
        ]

    def __enter__(self) -> CreateStream:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        assert not any(t.is_alive() for t in self._threads), "a client hung"

    def count(self, statuses: Collection[int]) -> int:
        with self._lock:
            return sum(answer.status in statuses for answer in self.answers)

    def _run(self, number: int, browser: Browser) -> None:
        sent = 0
        while not self._stop.is_set():
            title = f"{self.prefix}-{number}-{sent}"
            sent += 1
            started = time.monotonic()
            try:
                response = browser.create(title)
                status, retry_after = response.status_code, response.headers.get("retry-after")
            except httpx.TransportError:
                status, retry_after = 0, None
            if status not in ACKNOWLEDGED:
                time.sleep(0.05)  # a person would not retry at once either: do not spin
            with self._lock:
                now = time.monotonic()
                self.answers.append(Answer(title, status, retry_after, now - started, now))

    def first_success_after(self, moment: float) -> float | None:
        with self._lock:
            finished = [
                a.finished for a in self.answers if a.status in ACKNOWLEDGED and a.finished > moment
            ]
        return min(finished, default=None)

    def acknowledged(self) -> set[str]:
        return {a.title for a in self.answers if a.status in ACKNOWLEDGED}


def titles_in_database(database_url: str, prefix: str) -> set[str]:
    import psycopg2

    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT title FROM tasks WHERE title LIKE %s", (prefix + "-%",))
            return {row[0] for row in cur.fetchall()}
    finally:
        conn.close()

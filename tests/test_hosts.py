"""BASE_URL and ALLOWED_HOSTS (SPEC §2): absolute links never come from a request's headers."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from app.config import Settings
from app.hosts import host_without_port
from app.main import create_app
from tests.conftest import LiveServer, make_settings
from tests.web import create_account, csrf_token, sign_in, submit

Client = TestClient[Litestar]


def mails(outbox: Path) -> list[str]:
    bodies = []
    for path in sorted(outbox.glob("*.eml")):
        mail = message_from_bytes(path.read_bytes(), policy=default_policy)
        bodies.append(mail.get_content())  # type: ignore[attr-defined]
    return bodies


def links_in(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


def test_a_reset_requested_with_a_forged_host_mails_no_link_to_that_host(
    db_url: str, outbox: Path
) -> None:
    app = create_app(make_settings(db_url, mail_outbox_dir=str(outbox)))
    create_account(app.state.engine, "victim@example.com")
    with TestClient(app=app) as client:
        token = csrf_token(client.get("/password/forgot").text)
        forged = client.post(
            "/password/forgot",
            data={"_csrf_token": token, "email": "victim@example.com"},
            headers={"Host": "attacker.example"},
        )
        assert forged.status_code == 400
        assert not mails(outbox)

        # An allowed Host, but forwarded headers naming the attacker: the link is BASE_URL's.
        spoofed = client.post(
            "/password/forgot",
            data={"_csrf_token": token, "email": "victim@example.com"},
            headers={
                "X-Forwarded-Host": "attacker.example",
                "X-Forwarded-Proto": "https",
                "Forwarded": "host=attacker.example;proto=https",
            },
        )
    assert spoofed.status_code == 200
    [body] = mails(outbox)
    [link] = links_in(body)
    assert link.startswith("http://testserver.local/password/reset/")


def test_links_in_mails_and_the_calendar_url_come_from_base_url(db_url: str, outbox: Path) -> None:
    settings = make_settings(
        db_url, base_url="https://tasks.example.com/", mail_outbox_dir=str(outbox)
    )
    app = create_app(settings)
    create_account(app.state.engine, "me@example.com")
    with TestClient(app=app, base_url="https://tasks.example.com") as client:
        submit(client, "/password/forgot", "/password/forgot", {"email": "me@example.com"})
        sign_in(client, "me@example.com")
        submit(client, "/account", "/account/calendar", {"action": "on"})
        account = client.get("/account", headers={"Host": "localhost:8443"}).text
    [link] = links_in(mails(outbox)[0])
    assert link.startswith("https://tasks.example.com/password/reset/")
    assert re.search(r"https://tasks\.example\.com/calendar/[^\s\"<]+\.ics", account)
    assert "localhost:8443" not in account


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("testserver.local", 200),
        ("testserver.local:8443", 200),  # ports aside
        ("TestServer.Local", 200),
        ("localhost:8000", 200),
        ("127.0.0.1", 200),
        ("attacker.example", 400),
        ("attacker.example:80", 400),
        ("testserver.local.attacker.example", 400),
        ("attacker.example#testserver.local", 400),
        ("testserver.local:not-a-port", 400),
    ],
)
def test_only_allowed_hosts_are_answered(client: Client, host: str, status: int) -> None:
    assert client.get("/signin", headers={"Host": host}).status_code == status


def test_allowed_hosts_replaces_the_defaults_when_set(db_url: str) -> None:
    app = create_app(make_settings(db_url, allowed_hosts=" tasks.example.com, Other.Example "))
    with TestClient(app=app) as client:
        assert client.get("/signin", headers={"Host": "tasks.example.com"}).status_code == 200
        assert client.get("/signin", headers={"Host": "other.example:81"}).status_code == 200
        assert client.get("/signin", headers={"Host": "localhost"}).status_code == 400


def test_default_allowed_hosts_are_base_url_host_and_loopback() -> None:
    settings = Settings(_env_file=None, base_url="https://Tasks.Example.com:8443/app")
    assert settings.allowed_host_names == ["127.0.0.1", "localhost", "tasks.example.com"]
    assert settings.absolute_url("/x") == "https://Tasks.Example.com:8443/app/x"


@pytest.mark.parametrize(
    "value", ["tasks.example.com", "ftp://x.example", "https://", "http://a/?q=1"]
)
def test_a_base_url_that_is_not_an_address_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="BASE_URL"):
        Settings(_env_file=None, base_url=value)


@pytest.mark.parametrize(
    ("raw", "bare"),
    [
        ("example.com", "example.com"),
        ("Example.com:8000", "example.com"),
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("a:b:c", None),
        ("host:123456", None),
        ("", None),
    ],
)
def test_host_without_port(raw: str, bare: str | None) -> None:
    assert host_without_port(raw) == bare


def test_a_real_server_refuses_a_forged_host(live_server: LiveServer) -> None:
    """Over real HTTP, as `uvicorn app.main:app` serves it: the port in Host is fine."""
    assert httpx.get(f"{live_server.url}/signin").status_code == 200
    forged = httpx.get(f"{live_server.url}/signin", headers={"Host": "attacker.example"})
    assert forged.status_code == 400


def test_ipv6_hosts_match_base_url(db_url: str) -> None:
    app = create_app(make_settings(db_url, base_url="http://[::1]:8000"))
    with TestClient(app=app) as client:
        assert client.get("/signin", headers={"Host": "[::1]:8000"}).status_code == 200
        assert client.get("/signin", headers={"Host": "[::1]"}).status_code == 200
        assert client.get("/signin", headers={"Host": "[::2]:8000"}).status_code == 400


def test_forms_work_behind_a_proxy_that_passes_its_own_host(db_url: str) -> None:
    """The browser's Origin is BASE_URL; the Host the app sees is the proxy's upstream name."""
    settings = make_settings(
        db_url, base_url="https://tasks.example.com", allowed_hosts="app-internal"
    )
    app = create_app(settings)
    create_account(app.state.engine, "me@example.com")
    proxied = {"Host": "app-internal:8000"}
    with TestClient(app=app) as client:
        token = csrf_token(client.get("/signin", headers=proxied).text)
        form = {
            "_csrf_token": token,
            "email": "me@example.com",
            "password": "correct horse battery staple",
        }
        ok = client.post(
            "/signin",
            data=form,
            headers=proxied | {"Origin": "https://tasks.example.com"},
            follow_redirects=False,
        )
        assert ok.status_code == 303
        evil = client.post(
            "/signin", data=form, headers=proxied | {"Origin": "https://evil.example"}
        )
        assert evil.status_code == 403


def test_health_answers_probes_that_name_no_allowed_host(live_server: LiveServer) -> None:
    """Load balancers probe with the machine's own address, or over HTTP/1.0 with no Host."""
    port = int(live_server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET /health/db HTTP/1.0\r\n\r\n")
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
    probe = httpx.get(f"{live_server.url}/health/db", headers={"Host": "10.0.0.5:8000"})
    assert probe.status_code == 200
    assert httpx.get(f"{live_server.url}/signin", headers={"Host": "10.0.0.5"}).status_code == 400

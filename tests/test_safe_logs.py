"""No log line holds a password, a cookie, a reset token or a calendar key (SPEC §10): the
one redaction rule, and a real server's whole output under each documented command."""

from __future__ import annotations

import email
import re
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from app.mail import send_mail
from app.redact import REDACTED, redact_path, redact_target
from tests.conftest import make_settings
from tests.servers import post_form, running_app, serve_command, uvicorn_command


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        ("/password/reset/abc.DEF-123", "/password/reset/[redacted]"),
        ("/calendar/eyJ1.Zz.ics", "/calendar/[redacted].ics"),
        ("//Password//RESET/tok?x=1", "//Password//RESET/[redacted]?x=[redacted]"),
        ("/calendar/k.ics/extra", "/calendar/[redacted].ics/extra"),
        ("/signin?next=/tasks%3Fq%3Dmine", "/signin?next=[redacted]"),
        (
            "/tasks?page=2&sort=title&q=salary&tag=doctor",
            "/tasks?page=2&sort=title&q=[redacted]&tag=[redacted]",
        ),
        ("/x?token=s3cr3t&key=k3y&code=c0de", "/x?token=[redacted]&key=[redacted]&code=[redacted]"),
        ("/x?s3cr3t-bare-value", "/x?[redacted]"),
        (
            "/tasks/0190c6d2-aaaa-7bbb-8ccc-123456789abc/edit",
            "/tasks/0190c6d2-aaaa-7bbb-8ccc-123456789abc/edit",
        ),
        ("/health/db", "/health/db"),
    ],
)
def test_one_rule_redacts_secret_segments_and_query_values(target: str, logged: str) -> None:
    assert redact_target(target) == logged


def test_every_text_path_parameter_of_every_route_is_redacted(tmp_path: Path) -> None:
    """A new route taking a secret in its path must be added to the rule, or this fails."""
    from app.main import create_app

    app: Litestar = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}"))
    checked = 0
    for route in app.routes:
        if route.path.startswith(("/schema", "/static/")):
            continue  # Litestar's own: the OpenAPI pages, static file names
        for parameter in route.path_parameters.values():
            if parameter.type is str:
                path = route.path_format.replace("{" + parameter.name + "}", "SECRETVALUE")
                assert "SECRETVALUE" not in redact_path(path), route.path
                checked += 1
    assert checked >= 2  # the reset page and the calendar feed at least


def test_mail_written_to_the_log_keeps_its_links_out(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="taskwise.mail")
    body = "Choose a new one:\nhttp://tasks.example.com/password/reset/TOKEN.xyz-123\n"
    send_mail(make_settings("sqlite://"), "a@example.com", "Reset", body)
    assert "TOKEN.xyz-123" not in caplog.text
    assert f"http://tasks.example.com/password/reset/{REDACTED}" in caplog.text


# --- a real server, its whole output ---------------------------------------------------------

PASSWORD = "first Password 4 logs"
NEW_PASSWORD = "second Password 4 logs"
LOGGED_RESET = re.compile(r'"path": "/password/reset/\[redacted\]", "status": 303')


def wait_for_mail(outbox: Path) -> Path:
    """The mail goes out after the response (a background task): wait for it."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if mails := sorted(outbox.glob("*.eml")):
            return mails[0]
        time.sleep(0.1)
    raise AssertionError("no reset mail in the outbox")


def drive_secrets(url: str, outbox: Path) -> list[str]:
    """Sign up, open the calendar feed, reset the password by mail, sign in with a `next`;
    return every secret the app minted or was given on the way."""
    secrets = [PASSWORD, NEW_PASSWORD]
    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as client:
        signup = {"email": "logs@example.com", "password": PASSWORD, "timezone": "UTC"}
        assert post_form(client, "/signup", "/signup", signup).status_code == 303
        secrets += [c.value for c in client.cookies.jar]
        on = post_form(client, "/account", "/account/calendar", {"action": "on"})
        assert on.status_code == 303
        account = client.get("/account").text
        feed = re.search(r'id="feed-url"[^>]*value="[^"]*(/calendar/([^"/]+)\.ics)"', account)
        assert feed, "no calendar URL on the account page"
        secrets.append(feed.group(2))
        assert client.get(feed.group(1)).status_code == 200
        secrets += re.findall(r'name="_csrf_token" value="([^"]+)"', account)

    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as client:
        forgot = post_form(
            client, "/password/forgot", "/password/forgot", {"email": "logs@example.com"}
        )
        assert forgot.status_code == 200
        mail = wait_for_mail(outbox)
        body = email.message_from_bytes(mail.read_bytes()).get_payload(decode=True).decode()
        link = re.search(r"(/password/reset/(\S+))", body)
        assert link, body
        token = link.group(2)
        secrets.append(token)
        reset = post_form(client, link.group(1), link.group(1), {"new_password": NEW_PASSWORD})
        assert reset.status_code == 303, reset.text
        next_secret = "/tasks?q=next-secret-words"
        assert client.get("/signin", params={"next": next_secret}).status_code == 200
        signin = {"email": "logs@example.com", "password": NEW_PASSWORD, "next": next_secret}
        assert post_form(client, "/signin", "/signin", signin).status_code == 303
        secrets += [c.value for c in client.cookies.jar]
        assert client.get("/tasks", params={"token": "query-token-value"}).status_code == 200
        secrets += ["next-secret-words", "query-token-value"]
    return [s for s in secrets if s]


@pytest.mark.parametrize(
    "command",
    [
        uvicorn_command,
        lambda port: uvicorn_command(port, "--workers", "2"),
        serve_command,
    ],
    ids=["uvicorn app.main:app", "uvicorn --workers 2", "python -m app serve"],
)
def test_a_real_server_never_logs_a_secret_it_minted(
    command: Callable[[int], list[str]], sqlite_template: Path, tmp_path: Path
) -> None:
    from tests.pg_cluster import free_port

    database = tmp_path / "logs.db"
    database.write_bytes(sqlite_template.read_bytes())
    outbox = tmp_path / "outbox"
    port = free_port()
    with running_app(
        f"sqlite:///{database}",
        tmp_path,
        command=command(port),
        port=port,
        mail_outbox_dir=str(outbox),
    ) as server:
        secrets = drive_secrets(server.url, outbox)
    output = server.output()
    assert LOGGED_RESET.search(output), output[-3000:]  # the request was logged, redacted
    assert "/calendar/[redacted].ics" in output
    if "uvicorn" in " ".join(command(port)):  # its own access log is on and redacted too
        assert '"POST /password/reset/[redacted] HTTP/1.1" 303' in output
        assert "/signin?next=[redacted]" in output
    assert len(secrets) >= 8
    leaked = [secret for secret in secrets if secret in output]
    assert not leaked, f"secrets in the server's output: {leaked}"

"""TLS to PostgreSQL as DEPLOY.md sets it up for Neon: `sslmode=verify-full` with a root
certificate checks the server's name, and nothing weakens a mode the URL asks for."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.db import create_db_engine
from tests.conftest import make_settings
from tests.pg_cluster import Cluster, running_cluster

NEON = "postgresql://alex:pw@ep-cool-name-123456.eu-central-1.aws.neon.tech/neondb"


def test_the_urls_own_sslmode_is_never_weakened() -> None:
    assert Settings(_env_file=None, database_url=NEON).sslmode == "require"
    verified = Settings(_env_file=None, database_url=f"{NEON}?sslmode=verify-full")
    assert verified.sslmode is None  # so psycopg2 takes verify-full from the URL
    assert verified.sqlalchemy_url.query["sslmode"] == "verify-full"
    assert Settings(_env_file=None, database_url=NEON, db_sslmode="verify-full").sslmode == (
        "verify-full"
    )


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)  # noqa: S603, S607


@pytest.fixture(scope="module")
def tls_cluster() -> Iterator[tuple[Cluster, Path]]:
    """A cluster whose certificate, signed by a CA of our own, names `localhost` only."""
    certs = Path(tempfile.mkdtemp(prefix="taskwise-tls-"))  # pytest's own is root's only
    certs.chmod(0o755)
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Taskwise test CA",
        "-keyout",
        "ca.key",
        "-out",
        "root.crt",
        cwd=certs,
    )
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        cwd=certs,
    )
    (certs / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "root.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.crt",
        cwd=certs,
    )
    (certs / "server.key").chmod(0o600)
    if os.geteuid() == 0:  # the server runs as postgres and must own its key
        entry = pwd.getpwnam("postgres")
        os.chown(certs / "server.key", entry.pw_uid, entry.pw_gid)
    options = f"-c ssl=on -c ssl_cert_file={certs}/server.crt -c ssl_key_file={certs}/server.key"
    try:
        with running_cluster(options=options) as cluster:
            yield cluster, certs / "root.crt"
    finally:
        shutil.rmtree(certs, ignore_errors=True)


def connects(url: str) -> bool:
    engine = create_db_engine(make_settings(url, db_connect_timeout=3))
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                ).scalar()
            )
    finally:
        engine.dispose()


def test_verify_full_with_a_root_certificate(tls_cluster: tuple[Cluster, Path]) -> None:
    cluster, root = tls_cluster
    query = f"sslmode=verify-full&sslrootcert={root}"
    assert connects(f"postgresql://postgres@localhost:{cluster.port}/postgres?{query}")
    # The certificate does not name 127.0.0.1: verify-full refuses, where require would not.
    with pytest.raises(OperationalError, match="does not match|certificate"):
        connects(f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres?{query}")
    assert connects(f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres?sslmode=require")

"""Settings read from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Self
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url

# Values copied from .env.example that must never sign anything in production.
_PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev"})


class ConfigurationError(Exception):
    """Start-up cannot continue; the message is one sentence an operator can act on."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./taskwise.db"
    secret_key: str | None = None
    # The public address: every absolute link (reset mails, the calendar URL) is built from it.
    base_url: str = "http://127.0.0.1:8000"
    # Comma-separated host names the app answers to; unset: BASE_URL's host, localhost, 127.0.0.1.
    allowed_hosts: str | None = None
    debug: bool = False
    db_pool_min: int = Field(default=5, ge=1)
    db_pool_max: int = Field(default=20, ge=1)
    db_pool_recycle: int = Field(default=3600, ge=1)
    db_connect_timeout: int = Field(default=10, ge=1)
    # Seconds a request waits for a free pooled connection before it is answered 503.
    db_pool_timeout: float = Field(default=5, gt=0)
    db_query_timeout: int = Field(default=30, ge=1)
    db_sslmode: str | None = None
    # A pooler in transaction mode (PgBouncer, Neon's -pooler host); unset: guessed from the host.
    db_transaction_pooler: bool | None = None
    session_max_age: int = Field(default=14 * 24 * 3600, ge=60)
    secure_cookies: bool = False
    smtp_url: str | None = None
    mail_outbox_dir: str | None = None

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(
                "BASE_URL must be an http:// or https:// address, e.g. https://tasks.example.com"
            )
        if parts.query or parts.fragment:
            raise ValueError("BASE_URL must not carry a query or fragment")
        return value.strip().rstrip("/")

    @field_validator("db_transaction_pooler", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.db_pool_max < self.db_pool_min:
            raise ValueError("DB_POOL_MAX must be at least DB_POOL_MIN")
        return self

    @property
    def sqlalchemy_url(self) -> URL:
        """The URL with PostgreSQL pinned to psycopg2 (SQLAlchemy 2.1 would pick psycopg 3)."""
        url = make_url(self.database_url)
        if url.drivername in {"postgres", "postgresql"}:
            url = url.set(drivername="postgresql+psycopg2")
        return url

    @property
    def allowed_host_names(self) -> list[str]:
        """Host names (ports aside) requests may name; anything else is answered with 400."""
        if self.allowed_hosts and self.allowed_hosts.strip():
            names = [name.strip().strip("[]").lower() for name in self.allowed_hosts.split(",")]
            return sorted({name for name in names if name})
        base_host = urlsplit(self.base_url).hostname or ""
        return sorted({base_host.lower(), "localhost", "127.0.0.1"} - {""})

    def absolute_url(self, path: str) -> str:
        """An absolute link for mails and feeds: BASE_URL plus a path, never the request's Host."""
        return self.base_url + path

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.get_backend_name() == "sqlite"

    @property
    def sslmode(self) -> str | None:
        """DB_SSLMODE, else the URL's own `?sslmode=` (e.g. verify-full, which must not be
        weakened), else `require` for Neon's hosts."""
        if self.db_sslmode:
            return self.db_sslmode
        if "sslmode" in self.sqlalchemy_url.query:
            return None  # psycopg2 reads it from the URL
        host = self.sqlalchemy_url.host or ""
        return "require" if host.endswith(".neon.tech") else None

    @property
    def uses_transaction_pooler(self) -> bool:
        """DB_TRANSACTION_POOLER, else true for Neon's `-pooler` host (PgBouncer in transaction
        mode): no startup options, no session state, the timeout set per transaction."""
        if self.db_transaction_pooler is not None:
            return self.db_transaction_pooler
        host = self.sqlalchemy_url.host or ""
        return "-pooler" in host.split(".", 1)[0]


def load_settings() -> Settings:
    """Read the settings; raise ConfigurationError, one clear sentence, if they are unusable."""
    try:
        settings = Settings()
    except ValueError as exc:
        raise ConfigurationError(f"Invalid configuration: {exc}") from exc
    try:
        settings.sqlalchemy_url  # noqa: B018 - parse now so a bad URL fails at start-up
    except Exception as exc:
        raise ConfigurationError("DATABASE_URL is not a valid database URL.") from exc
    if not settings.secret_key or settings.secret_key.strip().lower() in _PLACEHOLDER_SECRETS:
        if not settings.debug:
            raise ConfigurationError(
                "SECRET_KEY is not set: set it to a long random value "
                '(python -c "import secrets; print(secrets.token_urlsafe(48))") '
                "or set DEBUG=true for a throwaway development key."
            )
        settings.secret_key = secrets.token_urlsafe(48)
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()

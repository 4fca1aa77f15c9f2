"""Settings, read from the environment (prefix ``DPAUDIT_``) or a ``.env`` file.

Every setting is documented in README.md; keep the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"  # noqa: S105 - the value we refuse outside development


def default_database_url() -> str:
    return f"sqlite:///{Path('var') / 'dpaudit.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Point postgres URLs at psycopg 3, whatever spelling the operator used."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DPAUDIT_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL. Default: a SQLite file under ./var/. "
        "postgres:// and postgresql:// URLs are used through psycopg 3.",
    )
    env: Literal["development", "test", "production"] = Field(
        default="development", description="development, test or production."
    )
    secret_key: str = Field(
        default=PLACEHOLDER_SECRET,
        description="Mixed into API-key hashes. Must be changed outside development.",
    )
    max_body_bytes: int = Field(
        default=1 * 1024 * 1024, description="Largest JSON request body accepted, in bytes."
    )
    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024, description="Largest uploaded file accepted, in bytes."
    )
    max_upload_rows: int = Field(
        default=200_000, description="Most rows (transactions or timesheet entries) in one file."
    )
    contingency_weeks: int = Field(
        default=8, ge=0, le=52, description="Default weeks of plan value a person may keep."
    )
    first_review_weeks: int = Field(
        default=12, ge=1, le=26, description="Default weeks from first payment to first review."
    )
    review_interval_months: int = Field(
        default=12, ge=1, le=12, description="Default months between reviews (at most 12)."
    )
    idempotency_lease_seconds: int = Field(
        default=30, ge=3, le=3600,
        description="How long a request holding an Idempotency-Key keeps it without renewing; "
        "it renews every third of this while it runs, so a retry after a crash waits at most this.",
    )
    log_level: str = Field(default="INFO", description="Python logging level name.")
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The address people use to reach the web pages; links in emails start with it.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60,
        description="A web session ends after this many minutes without a request.",
    )
    session_max_hours: int = Field(
        default=12, ge=1, le=24 * 7, description="A web session ends this many hours after sign-in."
    )
    smtp_host: str = Field(
        default="", description="Mail server for invitations and password resets. "
        "Empty: links are written to the log instead (development only).",
    )
    smtp_port: int = Field(default=587, description="Mail server port.")
    smtp_username: str = Field(default="", description="Mail server user name, if it needs one.")
    smtp_password: str = Field(default="", description="Mail server password, if it needs one.")
    smtp_starttls: bool = Field(default=True, description="Use STARTTLS with the mail server.")
    mail_from: str = Field(
        default="dpaudit@localhost", description="The From address of invitations and resets."
    )
    max_load_bytes: int = Field(
        default=64 * 1024 * 1024, ge=1,
        description="Largest onboarding document `dpaudit load` reads, in bytes.",
    )
    metrics_token: str = Field(
        default="",
        description="Bearer token that opens GET /metrics (Prometheus); unset, /metrics is off (404).",
    )
    trusted_proxies: str = Field(
        default="127.0.0.1,::1",
        description="Comma-separated addresses or networks of the reverse proxies whose "
        "X-Forwarded-Proto is believed (TLS ends there). Empty: believe nobody.",
    )
    public_docs: bool | None = Field(
        default=None,
        description="Whether /openapi.json, /docs and /redoc are open to anyone. "
        "Default: open in development and test, closed in production.",
    )

    jobs_chunk_size: int = Field(
        default=50, ge=1, le=1000,
        description="People in each part of a council-wide audit run; the parts are shared out "
        "among the workers (PostgreSQL).",
    )
    jobs_letter_processes: int = Field(
        default=2, ge=1, le=64, description="Processes a letter run renders its PDF letters with.",
    )
    jobs_max_retries: int = Field(
        default=5, ge=0, le=50,
        description="How many times a failed part of a job is tried again (PostgreSQL), waiting "
        "DPAUDIT_JOBS_RETRY_BASE_SECONDS to the power of the try (2, 4, 8... seconds).",
    )
    jobs_retry_base_seconds: int = Field(
        default=2, ge=1, le=60, description="The base of the wait before a job is tried again.",
    )
    jobs_heartbeat_seconds: float = Field(
        default=10.0, gt=0, le=600, description="How often a `dpaudit worker` says it is alive.",
    )
    jobs_stalled_seconds: float = Field(
        default=30.0, gt=0, le=3600,
        description="A worker silent for this long is taken for dead, and the work it held is "
        "tried again by another worker.",
    )
    jobs_in_process: bool = Field(
        default=True,
        description="On SQLite, run jobs in a thread of `dpaudit serve` (there is no worker there).",
    )
    jobs_letter_zip_days: int = Field(
        default=30, ge=1, le=3650,
        description="Days a letter run's zip of letters is kept; then the retention run and the "
        "job runners' housekeeping delete it (erasing a person whose letter it holds deletes it "
        "at once).",
    )

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_database_url(value.strip() or default_database_url())

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: str) -> str:
        for part in _parts(value):
            try:
                ip_network(part, strict=False)
            except ValueError as exc:
                raise ValueError(f"{part!r} is not an IP address or network") from exc
        return value

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.env != "development" and self.secret_key in (PLACEHOLDER_SECRET, ""):
            raise ValueError(
                "DPAUDIT_SECRET_KEY must be set to a long random value outside development"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(ip_network(part, strict=False) for part in _parts(self.trusted_proxies))

    @property
    def docs_are_public(self) -> bool:
        return self.public_docs if self.public_docs is not None else self.env != "production"


def _parts(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()

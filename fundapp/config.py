"""Configuration: defaults, overridden by FUNDAPP_* environment variables, then by a mapping.

Every setting can be set as an environment variable with the FUNDAPP_ prefix
(FUNDAPP_DATABASE_URL, FUNDAPP_SECRET_KEY, ...). Tests pass a mapping to
create_app(), which wins over both.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from fundapp.money import to_decimal

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-secret-key"

DEFAULTS: dict[str, Any] = {
    "ENV": "development",  # "production" enforces a real secret key and Secure cookies
    "DATABASE_URL": f"sqlite:///{ROOT / 'instance' / 'fundapp.sqlite3'}",
    "SECRET_KEY": DEV_SECRET_KEY,
    "MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
    "MAX_UNCOMPRESSED_UPLOAD_BYTES": 200 * 1024 * 1024,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    "LOGIN_ADDRESS_MAX_FAILURES": 100,  # in 15 minutes, from one address, whatever accounts
    "LOGIN_ACCOUNT_ADDRESS_MAX_FAILURES": 20,  # in a day, from one address, on one account
    "TRUSTED_PROXIES": 0,  # proxies in front whose X-Forwarded-For is believed
    "SESSION_IDLE_HOURS": 12,
    "PASSWORD_MIN_LENGTH": 10,
    "API_TOKEN_DAYS": 90,
    "INVITATION_DAYS": 7,  # an invitation link works this long, once
    "PASSWORD_RESET_MINUTES": 15,  # a password reset link works this long, once
    "BASE_URL": "http://127.0.0.1:5000",  # where mailed links point: the address people open fundapp at
    "CLAIM_DUAL_APPROVAL_ABOVE": Decimal("25000.00"),
    "DEFAULT_LOCALE": "nl",
    "PAGE_SIZE": 25,
    "SQL_ECHO": False,
    "FILES_DIR": "",  # uploaded files, by content; empty: instance/files (older name of STORAGE_DIR)
    "STORAGE_DIR": "",
    "S3_URL": "",  # s3://bucket[/prefix] or https://host/bucket[/prefix]: files in a bucket instead
    "MAX_DOCUMENT_BYTES": 20 * 1024 * 1024,
    "SMTP_URL": "",  # smtp://user:pass@host:587 or smtps://…; empty: mails go to OUTBOX_DIR as .eml files
    "MAIL_FROM": "fundapp <noreply@fundapp.localhost>",
    "OUTBOX_DIR": "",  # empty: instance/outbox
    "REDIS_URL": "",  # redis://host:6379/0: the job queue on Redis, shared by machines; empty: a SQLite file
    "JOBS_QUEUE": "fundapp",  # the queue's name: apps that share one Redis server each take their own
    "JOBS_FILE": "",  # the job queue's SQLite file; empty: beside the SQLite database, or instance/jobs.sqlite3
    # A fund with more investees gets its report's PDF and workbook from the background job only (reports/background).
    "REPORT_FILES_IN_REQUEST_INVESTEES": 1000,
    # Whole answers of the pages that show only the database's rows, kept per process (fundapp/kept_answers.py).
    "ANSWER_CACHE_BYTES": 32 * 1024 * 1024,
    # An API token's "last used" is written at most this often per process, all uses meanwhile at once
    # (fundapp/auth/token_uses.py); 0: with each request.
    "TOKEN_USE_WRITE_SECONDS": 60,
}

_INT_KEYS = {
    "MAX_UPLOAD_BYTES",
    "MAX_UNCOMPRESSED_UPLOAD_BYTES",
    "LOGIN_MAX_FAILURES",
    "LOGIN_LOCKOUT_MINUTES",
    "LOGIN_ADDRESS_MAX_FAILURES",
    "LOGIN_ACCOUNT_ADDRESS_MAX_FAILURES",
    "TRUSTED_PROXIES",
    "SESSION_IDLE_HOURS",
    "PASSWORD_MIN_LENGTH",
    "API_TOKEN_DAYS",
    "INVITATION_DAYS",
    "PASSWORD_RESET_MINUTES",
    "PAGE_SIZE",
    "MAX_DOCUMENT_BYTES",
    "REPORT_FILES_IN_REQUEST_INVESTEES",
    "ANSWER_CACHE_BYTES",
    "TOKEN_USE_WRITE_SECONDS",
}
_DECIMAL_KEYS = {"CLAIM_DUAL_APPROVAL_ABOVE"}
_BOOL_KEYS = {"SQL_ECHO"}


class ConfigError(RuntimeError):
    """The configuration cannot be used (e.g. production without a secret key)."""


def _coerce(key: str, raw: str) -> Any:
    if key in _INT_KEYS:
        return int(raw)
    if key in _DECIMAL_KEYS:
        return to_decimal(raw.strip())  # plain decimal text: not 1e5, NaN or other digits
    if key in _BOOL_KEYS:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    config = dict(DEFAULTS)
    for key in DEFAULTS:
        raw = os.environ.get(f"FUNDAPP_{key}")
        if raw is not None:
            config[key] = _coerce(key, raw)
    if overrides:
        config.update(overrides)
    check_config(config)
    return config


def check_config(config: Mapping[str, Any]) -> None:
    if config["ENV"] == "production":
        secret = config.get("SECRET_KEY") or ""
        if secret == DEV_SECRET_KEY or len(secret) < 32:
            raise ConfigError(
                "FUNDAPP_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
            )

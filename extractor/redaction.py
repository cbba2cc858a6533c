"""Keeping secrets (the API key, a password in --base-url) out of every string this tool writes.

An endpoint can echo a request's headers back in an error page, so the key can
arrive inside text we did not write. Secrets are registered once, when a client
is built, and scrubbed at the few places text leaves the process: error
messages and warnings on result lines, user-facing messages, and log records
(a record factory, so every logger and handler is covered), tracebacks and
stack text included.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

REDACTED = "[REDACTED]"

# Keys shorter than this are placeholders ("x", "EMPTY", "sk-no-key-required"
# is longer but harmless to hide): scrubbing a one-letter key would mangle text.
_MIN_SECRET_CHARS = 6

_lock = threading.Lock()
_secrets: set[str] = set()
_factory_installed = False


def url_passwords(url: str) -> tuple[str, ...]:
    """The password in `url` as written (percent-encoded) and as sent (decoded): either may be echoed."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return ()
    if not password:
        return ()
    return tuple(sorted({password, unquote(password)}))


def display_url(url: str) -> str:
    """The URL with any user:password replaced, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact(url)
    if parts.password is None and parts.username is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, f"{REDACTED}@{host}", parts.path, parts.query, parts.fragment))


def register_secrets(*values: str | None) -> None:
    """Remember secrets to scrub from now on (for the life of the process)."""
    global _factory_installed
    found = {v for v in values if v and len(v) >= _MIN_SECRET_CHARS}
    if not found:
        return
    with _lock:
        _secrets.update(found)
        if not _factory_installed:
            _install_log_scrubber()
            _factory_installed = True


def redact(text: str, extra: Iterable[str | None] = ()) -> str:
    """`text` with every registered secret (and `extra`) replaced by [REDACTED]."""
    with _lock:
        secrets = set(_secrets)
    secrets.update(v for v in extra if v and len(v) >= _MIN_SECRET_CHARS)
    # Longest first, so a secret that contains another is replaced whole.
    for secret in sorted(secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_bytes(data: bytes, extra: Iterable[str | None] = ()) -> bytes:
    with _lock:
        secrets = set(_secrets)
    secrets.update(v for v in extra if v and len(v) >= _MIN_SECRET_CHARS)
    for secret in sorted(secrets, key=len, reverse=True):
        data = data.replace(secret.encode(), REDACTED.encode())
    return data


_TRACEBACKS = logging.Formatter()


def _install_log_scrubber() -> None:
    previous = logging.getLogRecordFactory()

    def scrubbing_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error path
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        # A traceback is formatted later, by each handler's formatter, from the exception
        # itself (an openai error carries the endpoint's body, which may echo the key).
        # Formatted and scrubbed here, it is what every standard formatter then prints:
        # logging.Formatter reuses a record's exc_text instead of formatting it again.
        if isinstance(record.exc_info, tuple) and not record.exc_text:
            record.exc_text = redact(_TRACEBACKS.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    logging.setLogRecordFactory(scrubbing_factory)

"""One exception hierarchy, split by whose fault it is, so a caller can catch what it can fix.

- `UserError`: bad input or configuration (the CLI's exit 2, with a one-line message).
- `ArticleError`: an article that cannot be read (`error.kind` "input").
- `ModelError`: the model's answer was unusable: cut off, not JSON ("model"), or
  `AnswerInvalid`, invalid after every re-ask ("validation").
- `TransportError`: the endpoint could not be reached or kept failing after every retry ("transport").
- `RequestRefused`: the endpoint refused the request itself, e.g. a 400 or 401 ("request").
- `InternalError`: a bug in this package ("internal").

In a batch none of these but `UserError` escapes: each is recorded on its article's
result line (`ErrorInfo.kind`) and the batch goes on. `extractor.extract()` raises the
one that matches a failed line (`error_for_kind`), carrying the line as `.result`.
"""

from __future__ import annotations

import asyncio
from typing import Any


class ExtractorError(Exception):
    """Base class of every error this package raises on purpose."""

    kind = "error"

    def __init__(self, message: str = "", *, result: Any = None) -> None:
        super().__init__(message)
        # The failed `ArticleResult` (usage, warnings, the answer key), when there is one.
        self.result = result


class UserError(ExtractorError):
    """Bad input or configuration; the message names the fix."""

    kind = "user"


class ArticleError(ExtractorError):
    """An article that cannot be read (empty, binary, undecodable, too long)."""

    kind = "input"


class ModelError(ExtractorError):
    """The model answered, but not usably: cut off at the token limit, or not JSON."""

    kind = "model"


class AnswerInvalid(ModelError):
    """The answer still failed the schema after every re-ask."""

    kind = "validation"


class TransportError(ExtractorError):
    """429s, 5xx, timeouts or dropped connections, after every retry."""

    kind = "transport"


class RequestRefused(ExtractorError):
    """The endpoint refused the request (bad request, authentication, unknown model)."""

    kind = "request"


class InternalError(ExtractorError):
    """A bug in this package; it costs one article, never the batch."""

    kind = "internal"


_BY_KIND: dict[str, type[ExtractorError]] = {
    cls.kind: cls for cls in (ArticleError, ModelError, AnswerInvalid, TransportError, RequestRefused, InternalError)
}


def error_for_kind(kind: str, message: str, *, result: Any = None) -> ExtractorError:
    """The exception class a result line's `error.kind` stands for."""
    return _BY_KIND.get(kind, ExtractorError)(message, result=result)


def refuse_running_loop(call: str, instead: str) -> None:
    """A blocking call made inside a running event loop (a notebook, a web handler) cannot
    start its own: say which async twin to use instead of asyncio's RuntimeError."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise UserError(f"{call} blocks, and an event loop is already running here; use {instead}")

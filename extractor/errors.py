"""One exception hierarchy, split by whose fault it is.

The CLI maps `UserError` to exit code 2 with a one-line message. Model and
transport faults never escape an article: they are recorded on its result line
(`schemas.ErrorInfo.kind`), and so is an `ArticleError`.
"""

from __future__ import annotations


class ExtractorError(Exception):
    """Base class of every error this package raises on purpose."""

    kind = "error"


class UserError(ExtractorError):
    """Bad input or configuration; the message names the fix."""

    kind = "user"


class ArticleError(ExtractorError):
    """An article that cannot be read (empty, binary, undecodable)."""

    kind = "input"

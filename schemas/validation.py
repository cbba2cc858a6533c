"""The one place that turns a pydantic `ValidationError` into text people (and models) read.

Pydantic's own `str(exc)` carries documentation URLs and dumps of the input,
which would bloat a result line and leak article text into messages; every
caller wants the same short "where: what" lines instead.
"""

from __future__ import annotations

from pydantic import ValidationError


def error_lines(exc: ValidationError, *, whole: str = "line") -> list[str]:
    """One "where: what" line per error; `whole` names the place when the error is about the whole input."""
    return [f"{'.'.join(map(str, error['loc'])) or whole}: {error['msg']}" for error in exc.errors()]

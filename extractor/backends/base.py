"""What every model backend provides: an OpenAI-compatible endpoint to talk to.

A backend's only job is to produce an `Endpoint` (and, for the embedded model,
to start and stop the server behind it). Everything after that, instructor,
re-asks, transport retries, usage accounting, is shared by all backends.
"""

from __future__ import annotations

import abc
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import ClassVar

import instructor


@dataclass(frozen=True)
class BackendOptions:
    """What the user chose on the command line; None means "backend default"."""

    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    mode: str | None = None


@dataclass(frozen=True)
class Endpoint:
    backend: str
    base_url: str
    api_key: str
    model: str
    mode: instructor.Mode
    # Articles in flight when the user does not say: a local llama.cpp server
    # answers one request at a time, so queueing more only courts timeouts.
    concurrency: int = 4
    # Seconds per request when the user does not say; a CPU-bound local model
    # on a busy machine needs far longer than a hosted API.
    timeout: float = 300.0
    # What, besides the model name, tells one model's answers from another's in the
    # cache: the server by default (two servers may both call their model "default").
    served_by: str = ""

    @property
    def identity(self) -> str:
        return self.served_by or self.base_url


class Backend(abc.ABC):
    name: ClassVar[str]

    @abc.abstractmethod
    def endpoint(self, options: BackendOptions) -> AbstractContextManager[Endpoint]:
        """Yield a ready endpoint; raise `UserError` when it cannot be had."""


def parse_mode(value: str | None, default: instructor.Mode) -> instructor.Mode:
    from extractor.errors import UserError

    if value is None:
        return default
    try:
        return instructor.Mode(value)
    except ValueError:
        common = (instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA, instructor.Mode.JSON, instructor.Mode.MD_JSON)
        known = ", ".join(m.value for m in common)
        raise UserError(f"--mode {value!r} is not an instructor mode; use one of {known}") from None

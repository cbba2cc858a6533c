"""What every backend provides: an `Endpoint` saying where answers come from.

A backend's only job is to produce an `Endpoint` (and, for the embedded model,
to start and stop the server behind it). Most endpoints are OpenAI-compatible
URLs: instructor, re-asks, transport retries and usage accounting are then
shared by all of them (`ModelClient`). A backend that answers in this process
(the rules coder) instead sets `Endpoint.answerer`, a picklable factory of an
`Answerer`; `ModelClient` is the `Answerer` of every URL. The pipeline asks
either the same way, so grounding, repair and dedup run identically on every
backend's answer.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

import instructor

if TYPE_CHECKING:  # the answerer's types import this module's package
    from extractor.model_client import GenerationSettings, Outcome
    from extractor.prompting import Prompt
    from extractor.reader import Article


class Answerer(Protocol):
    """Whatever answers an article: a model behind a URL, or an in-process coder."""

    endpoint: Endpoint
    settings: GenerationSettings
    # False for answers that cost nothing to recompute: they stay out of the answer cache
    # (their lines still carry an answer key, for --resume and diff).
    cacheable: bool

    async def answer(
        self, article: Article, prompt: Prompt, quote_check: Callable[[str], bool] | None = None
    ) -> Outcome: ...

    async def aclose(self) -> None: ...


class AnswererFactory(Protocol):
    """Builds an in-process answerer where the run happens (this process or a Ray worker),
    so an `Endpoint` stays plain, picklable data."""

    def __call__(self, endpoint: Endpoint, settings: GenerationSettings) -> Answerer: ...


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
    # Set by in-process backends: the URL, key and mode are then unused, and no
    # preflight request is made.
    answerer: AnswererFactory | None = field(default=None, compare=False)

    @property
    def in_process(self) -> bool:
        return self.answerer is not None

    @property
    def identity(self) -> str:
        return self.served_by or self.base_url


class Backend(abc.ABC):
    name: ClassVar[str]

    @abc.abstractmethod
    def endpoint(self, options: BackendOptions) -> AbstractContextManager[Endpoint]:
        """Yield a ready endpoint; raise `UserError` when it cannot be had."""

    def check(self, options: BackendOptions) -> None:  # noqa: B027 (optional hook, not abstract)
        """Refuse options this backend cannot use, before anything is opened or written."""


def parse_mode(value: str | None, default: instructor.Mode) -> instructor.Mode:
    from extractor.errors import UserError
    from extractor.modes import MODES, parse_mode_name

    if value is None:
        return default
    mode = parse_mode_name(value)
    if mode is None:
        raise UserError(f"--mode {value!r} is not a mode this tool knows; use one of {', '.join(MODES)}")
    return mode

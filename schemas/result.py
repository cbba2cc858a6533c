"""The per-article result: one JSON line per input article, ok or failed."""

from __future__ import annotations

from datetime import date
from typing import Any, Final, Literal

from extractor.schemas.events import Event
from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION: Final = "1"


class Source(BaseModel):
    path: str
    sha256: str | None = Field(None, description="Of the file's bytes; null if it could not be read")
    language: str | None = Field(None, description="ISO 639-1 code of the article's language")
    published: date | None = Field(None, description="From the scraper header line, if any")


ErrorKind = Literal["input", "validation", "model", "transport", "request", "internal"]


class ErrorInfo(BaseModel):
    kind: ErrorKind = Field(
        description="input: the file could not be read; validation: the answer failed the schema after "
        "every re-ask; model: cut off or not JSON; transport: the endpoint kept failing; request: the "
        "endpoint refused the request; internal: a bug in this tool (please report it)"
    )
    message: str


class ModelInfo(BaseModel):
    backend: str
    name: str


class Usage(BaseModel):
    """Summed over every HTTP attempt: failed ones, transport retries and re-asks included."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasks: int = 0
    transport_retries: int = 0

    def add(self, other: Usage) -> Usage:
        return Usage(**{k: getattr(self, k) + getattr(other, k) for k in Usage.model_fields})


class RejectedEvent(BaseModel):
    """An event the model gave that the text does not support, kept so nothing is hidden."""

    reason: str
    event: dict[str, Any]
    errors: list[str] = Field(default_factory=list, description="The field errors, for an event that failed validation")


class ArticleResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1"] = SCHEMA_VERSION
    article_id: str
    source: Source
    status: Literal["ok", "failed"]
    error: ErrorInfo | None = None
    events: list[Event] = Field(default_factory=list)
    rejected: list[RejectedEvent] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list, description="What went wrong without failing the article")
    model: ModelInfo | None = None
    prompt_version: str | None = None
    prompt_sha256: str | None = None
    answer_key: str | None = Field(
        None,
        description="Hash of all that decides this line: the model's answer (article, prompt, answer "
        "schema, backend, model, server, generation settings) and how the article was read (chunk budget "
        "and overlap, passes, --keep-ungrounded, --prefilter, --cross-check); --resume compares it",
    )
    usage: Usage = Field(default_factory=Usage)
    cached: bool = Field(False, description="True when the model answer came from the cache")
    prefiltered: bool = Field(
        False,
        description="True when --prefilter rules found no event trigger in the article, so it was "
        "not sent to the model (status ok, no events, no request)",
    )
    partial: bool = Field(
        False,
        description="True when part of the article failed while the rest was read (a chunk of a long "
        "article, or extraction pass 2 or later): the events found are kept, warnings name each failed "
        "part, and events in those parts may be missing. --resume reads the article again (the cache "
        "answers the parts that succeeded)",
    )
    candidates: list[Event] = Field(
        default_factory=list,
        description="With --cross-check rules: events the rules coder found that match no model "
        "event, for a reviewer (not counted as events)",
    )

    @model_validator(mode="after")
    def _status_matches_error(self) -> ArticleResult:
        if (self.status == "failed") != (self.error is not None):
            raise ValueError("a failed result needs an error, and an ok result must not have one")
        return self

"""Pydantic models of the events and of the per-article result line."""

from __future__ import annotations

import json
from typing import Any

from extractor.schemas.events import (
    ANSWER_TYPES,
    EVENT_FIELDS,
    EVENT_TYPES,
    QUOTE_CHECK,
    Agreement,
    ArticleEvents,
    Correction,
    Event,
    Evidence,
    InvestmentFigure,
    Location,
    Person,
    StrategicDialogue,
    Visit,
    checking_quotes,
    fields_class,
)
from extractor.schemas.result import (
    SCHEMA_VERSION,
    ArticleResult,
    ErrorInfo,
    ModelInfo,
    RejectedEvent,
    Source,
    Usage,
)
from extractor.schemas.validation import error_lines


def result_json_schema() -> dict[str, Any]:
    """The JSON Schema of one result line, as `extractor schema` prints it."""
    schema = ArticleResult.model_json_schema()
    schema["title"] = f"ArticleResult (schema_version {SCHEMA_VERSION})"
    return schema


def result_json_schema_text() -> str:
    return json.dumps(result_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


__all__ = [
    "ANSWER_TYPES",
    "EVENT_FIELDS",
    "EVENT_TYPES",
    "QUOTE_CHECK",
    "SCHEMA_VERSION",
    "Agreement",
    "ArticleEvents",
    "ArticleResult",
    "Correction",
    "ErrorInfo",
    "Event",
    "Evidence",
    "InvestmentFigure",
    "Location",
    "ModelInfo",
    "Person",
    "RejectedEvent",
    "Source",
    "StrategicDialogue",
    "Usage",
    "Visit",
    "checking_quotes",
    "error_lines",
    "fields_class",
    "result_json_schema",
    "result_json_schema_text",
]

"""Multilingual structured-event extractor: news articles in, grounded JSON events out.

    import extractor

    result = extractor.extract("text of an article ...", backend="openai", base_url=..., model=...)
    for result in extractor.extract_batch(["articles/"], output="results.jsonl", resume=True):
        print(result.article_id, result.status, len(result.events))

The names below are loaded on first use, so `import extractor` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # running
    "extract": "extractor.api",
    "aextract": "extractor.api",
    "extract_batch": "extractor.api",
    "aextract_batch": "extractor.api",
    "Batch": "extractor.batch",
    "Options": "extractor.options",
    "default_backend": "extractor.options",
    # tools over results
    "load_results": "extractor.api",
    "evaluate": "extractor.api",
    "diff": "extractor.api",
    "merge": "extractor.api",
    "report": "extractor.api",
    "export": "extractor.api",
    "validate": "extractor.api",
    "read_results": "extractor.results_io",
    # domain types and schemas
    "Article": "extractor.article",
    "ArticleResult": "extractor.schemas",
    "ArticleEvents": "extractor.schemas",
    "Event": "extractor.schemas",
    "Evidence": "extractor.schemas",
    "StrategicDialogue": "extractor.schemas",
    "Agreement": "extractor.schemas",
    "InvestmentFigure": "extractor.schemas",
    "Visit": "extractor.schemas",
    "ErrorInfo": "extractor.schemas",
    "Usage": "extractor.schemas",
    # errors, by whose fault
    "ExtractorError": "extractor.errors",
    "UserError": "extractor.errors",
    "ArticleError": "extractor.errors",
    "ModelError": "extractor.errors",
    "AnswerInvalid": "extractor.errors",
    "TransportError": "extractor.errors",
    "RequestRefused": "extractor.errors",
    "InternalError": "extractor.errors",
}

__all__ = [
    "__version__",
    "extract",
    "aextract",
    "extract_batch",
    "aextract_batch",
    "Batch",
    "Options",
    "default_backend",
    "load_results",
    "evaluate",
    "diff",
    "merge",
    "report",
    "export",
    "validate",
    "read_results",
    "Article",
    "ArticleResult",
    "ArticleEvents",
    "Event",
    "Evidence",
    "StrategicDialogue",
    "Agreement",
    "InvestmentFigure",
    "Visit",
    "ErrorInfo",
    "Usage",
    "ExtractorError",
    "UserError",
    "ArticleError",
    "ModelError",
    "AnswerInvalid",
    "TransportError",
    "RequestRefused",
    "InternalError",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'extractor' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from extractor.api import (
        aextract,
        aextract_batch,
        diff,
        evaluate,
        export,
        extract,
        extract_batch,
        load_results,
        merge,
        report,
        validate,
    )
    from extractor.article import Article
    from extractor.batch import Batch
    from extractor.errors import (
        AnswerInvalid,
        ArticleError,
        ExtractorError,
        InternalError,
        ModelError,
        RequestRefused,
        TransportError,
        UserError,
    )
    from extractor.options import Options, default_backend
    from extractor.results_io import read_results
    from extractor.schemas import (
        Agreement,
        ArticleEvents,
        ArticleResult,
        ErrorInfo,
        Event,
        Evidence,
        InvestmentFigure,
        StrategicDialogue,
        Usage,
        Visit,
    )

"""An in-process backend: entry point `event_extractor.backends: sanction-rules = ...:SanctionRulesBackend`.

It answers every article without a model: each sentence that speaks of
sanctions and names two known countries becomes a `sanction` event quoting that
sentence, the first country named imposing the measures on the second.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import instructor
from extractor.schemas import ArticleEvents, Usage

from extractor.backends.base import Backend, BackendOptions, Endpoint
from extractor.model_client import GenerationSettings, Outcome
from extractor.prompting import Prompt
from extractor.reader import Article

COUNTRIES = {"United States": "USA", "Iran": "IRN", "North Korea": "PRK", "Britain": "GBR", "France": "FRA"}
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]")


def sanction_events(text: str) -> list[dict[str, Any]]:
    events = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        if "sanction" not in sentence.lower():
            continue
        named = sorted((sentence.find(name), code) for name, code in COUNTRIES.items() if name in sentence)
        if len(named) < 2:
            continue
        imposer, target = named[0][1], named[1][1]
        events.append(
            {
                "type": "sanction",
                "status": "occurred",
                "summary_en": sentence,
                "parties": sorted({imposer, target}),
                "target_country_iso3": target,
                "measures": ["sanctions"],
                "evidence": [sentence],
            }
        )
    return events


class SanctionAnswerer:
    cacheable = False  # costs nothing to recompute

    def __init__(self, endpoint: Endpoint, settings: GenerationSettings) -> None:
        self.endpoint = endpoint
        self.settings = settings

    async def answer(
        self, article: Article, prompt: Prompt, quote_check: Callable[[str], bool] | None = None
    ) -> Outcome:
        answer = ArticleEvents.model_validate({"events": sanction_events(article.text)})
        return Outcome(answer, Usage())

    async def aclose(self) -> None:
        return None


class SanctionRulesBackend(Backend):
    @contextmanager
    def endpoint(self, options: BackendOptions) -> Iterator[Endpoint]:
        yield Endpoint(
            backend=self.name,
            base_url="in-process",
            api_key="",
            model=options.model or "sanction-rules",
            mode=instructor.Mode.TOOLS,
            answerer=SanctionAnswerer,
        )

"""The default backend: the rules coder (extractor.rules), in this process.

No model, no key, no server: every article is coded from trigger lexicons and
the mention layer in milliseconds, and its answer goes through the same
grounding and repair as a model's. Answers are not cached (recomputing one costs
less than looking it up), but lines carry an answer key for --resume and diff.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import instructor

from extractor.backends import register
from extractor.backends.base import Backend, BackendOptions, Endpoint
from extractor.errors import UserError
from extractor.model_client import GenerationSettings, Outcome
from extractor.prompting import Prompt
from extractor.reader import Article
from extractor.schemas import Usage

# Bumped when the coder's code changes what it answers (the lexicons have their own version
# and hash): it enters the answer key, so --resume recodes articles after an upgrade.
CODER_VERSION = "1"


class RulesAnswerer:
    cacheable = False

    def __init__(self, endpoint: Endpoint, settings: GenerationSettings) -> None:
        self.endpoint = endpoint
        self.settings = settings

    async def answer(
        self, article: Article, prompt: Prompt, quote_check: Callable[[str], bool] | None = None
    ) -> Outcome:
        from extractor.rules import code_article

        return Outcome(code_article(article), Usage())

    async def aclose(self) -> None:
        pass


@dataclass(frozen=True)
class RulesAnswererFactory:
    """Picklable, so a Ray worker builds its own coder."""

    def __call__(self, endpoint: Endpoint, settings: GenerationSettings) -> RulesAnswerer:
        return RulesAnswerer(endpoint, settings)


def rules_endpoint() -> Endpoint:
    from extractor.rules import lexicon_sha256, lexicon_version

    return Endpoint(
        backend="rules",
        base_url="in-process",
        api_key="",
        model=f"rules-{lexicon_version()}",
        mode=instructor.Mode.TOOLS,  # unused: nothing is sent anywhere
        concurrency=4,
        timeout=60.0,
        served_by=f"rules coder {CODER_VERSION}, lexicons {lexicon_sha256()}",
        answerer=RulesAnswererFactory(),
    )


@register("rules")
class RulesBackend(Backend):
    def check(self, options: BackendOptions) -> None:
        for flag, value in (("--base-url", options.base_url), ("--model", options.model), ("--mode", options.mode)):
            if value:
                raise UserError(
                    f"{flag} is for a model backend; add --backend openai (or --backend local), "
                    "or drop it to use the rules coder"
                )

    @contextmanager
    def endpoint(self, options: BackendOptions) -> Iterator[Endpoint]:
        self.check(options)
        yield rules_endpoint()

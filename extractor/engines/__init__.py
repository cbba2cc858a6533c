"""Where articles are processed: this process (asyncio) or a Ray cluster. One module each.

An engine takes the inputs and a `RunConfig`, and yields every `ArticleResult` on
the driver, so output, resume and the summary (extractor.batch) work the same way
whatever the engine.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from typing import Protocol

from extractor.config import RunConfig
from extractor.errors import UserError
from extractor.reader import Input
from extractor.schemas import ArticleResult

# Says whether an input already has a finished line (resume): (source path, sha256) -> bool.
SkipCheck = Callable[[str, str], bool]


class Engine(Protocol):
    def results(
        self,
        inputs: list[Input],
        config: RunConfig,
        *,
        concurrency: int,
        ordered: bool,
        skip: SkipCheck | None = None,
    ) -> Iterator[ArticleResult]: ...


_ENGINES: dict[str, Callable[[], Engine]] = {}


def register(name: str) -> Callable[[Callable[[], Engine]], Callable[[], Engine]]:
    def add(factory: Callable[[], Engine]) -> Callable[[], Engine]:
        _ENGINES[name] = factory
        return factory

    return add


def engine_names() -> list[str]:
    _load_builtin_engines()
    return sorted(_ENGINES)


def get_engine(name: str) -> Engine:
    _load_builtin_engines()
    try:
        return _ENGINES[name]()
    except KeyError:
        raise UserError(f"--engine {name!r} is unknown; use one of: {', '.join(sorted(_ENGINES))}") from None


def _load_builtin_engines() -> None:
    # Every module of this package registers itself on import, so a new engine is
    # one new file. Ray's module imports ray only when that engine runs.
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")

"""Registry of model backends: each module registers itself; no provider if-chains."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from extractor.backends.base import Answerer, AnswererFactory, Backend, BackendOptions, Endpoint
from extractor.errors import UserError

_REGISTRY: dict[str, type[Backend]] = {}


def register(name: str) -> Callable[[type[Backend]], type[Backend]]:
    def add(cls: type[Backend]) -> type[Backend]:
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return add


def get_backend(name: str) -> Backend:
    _load_builtin_backends()
    try:
        return _REGISTRY[name]()
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UserError(f"--backend {name!r} is unknown; use one of: {known}") from None


def backend_names() -> list[str]:
    _load_builtin_backends()
    return sorted(_REGISTRY)


def _load_builtin_backends() -> None:
    # Every module of this package registers itself on import, so a new backend
    # is one new file. Imported lazily: `import extractor` stays cheap, and each
    # backend touches its heavy optional dependency only when it runs.
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")


__all__ = [
    "Answerer",
    "AnswererFactory",
    "Backend",
    "BackendOptions",
    "Endpoint",
    "backend_names",
    "get_backend",
    "register",
]

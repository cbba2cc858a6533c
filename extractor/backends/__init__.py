"""Registry of model backends: each module registers itself; no provider if-chains."""

from __future__ import annotations

from collections.abc import Callable

from extractor.backends.base import Backend, BackendOptions, Endpoint
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
    # Imported lazily so that `import extractor` stays cheap and so that the
    # local backend's heavy optional dependency is touched only when chosen.
    from extractor.backends import local, openai_compat  # noqa: F401


__all__ = ["Backend", "BackendOptions", "Endpoint", "backend_names", "get_backend", "register"]

"""Registry of model backends: each module registers itself, plugins by entry point; no provider if-chains."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from importlib.metadata import entry_points

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


BACKENDS_GROUP = "event_extractor.backends"
_loaded = False


def _load_builtin_backends() -> None:
    global _loaded
    if _loaded:
        return
    # Every module of this package registers itself on import, so a new backend
    # is one new file. Imported lazily: `import extractor` stays cheap, and each
    # backend touches its heavy optional dependency only when it runs.
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    # Then other installed packages' backends, by entry point (as `llm` finds its
    # plugins): `[project.entry-points."event_extractor.backends"] name = "pkg.mod:BackendClass"`.
    builtin = set(_REGISTRY)
    for point in sorted(entry_points(group=BACKENDS_GROUP), key=lambda p: p.name):
        origin = f"plugin package {point.dist.name if point.dist else '?'} ({point.value})"
        if point.name in builtin:
            raise UserError(f"{origin} adds backend {point.name!r}, which is built in; rename its entry point")
        try:
            cls = point.load()
        except Exception as exc:
            raise UserError(
                f"{origin}: cannot load backend {point.name!r} ({type(exc).__name__}: {exc}); "
                "fix or uninstall that package"
            ) from exc
        if not (isinstance(cls, type) and issubclass(cls, Backend)):
            raise UserError(f"{origin}: entry point {point.name!r} must name a Backend subclass")
        register(point.name)(cls)
    _loaded = True


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

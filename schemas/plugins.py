"""Event types from other installed packages, found by entry point (as `llm` finds its plugins).

A package adds an event type without touching this repository by declaring, in
its own pyproject.toml,

    [project.entry-points."event_extractor.event_types"]
    sanction = "my_package.sanction:SANCTION"

where `SANCTION = EventTypePlugin(fields=SanctionFields, prompts={"v1": "..."})`:
the type's `*Fields` class (a subclass of `extractor.schemas.events.EventFields`
whose `type` is `Literal["sanction"]`, the entry point's name) and the text of
its section of the system prompt, per prompt version. The answer and stored
variants are derived from the Fields class unless the plugin gives its own.

Plugins are loaded when `extractor.schemas.events` is imported, after the
built-in types and before the discriminated unions of an answer and of a result
line are built, so every model, prompt, export and report sees them. That is
why a plugin module must import only `extractor.schemas.events` (and
`extractor.schemas.codes`), never `extractor.schemas` itself, which is still
being imported when the plugin loads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extractor.schemas.events import EventFields

EVENT_TYPES_GROUP = "event_extractor.event_types"


class PluginError(Exception):
    """An installed plugin is broken; the message names the package and the fix."""


@dataclass(frozen=True)
class EventTypePlugin:
    fields: type[EventFields]
    # Prompt version (e.g. "v1") -> the text of this type's section of the system
    # prompt. A version's own `events/<type>.txt` file, if there is one, wins.
    prompts: Mapping[str, str] = field(default_factory=dict)
    # The answer (quotes) and stored (offsets) variants; derived when not given.
    answer: type[EventFields] | None = None
    stored: type[EventFields] | None = None


def installed_event_types(type_name: Callable[[type[EventFields]], str]) -> list[EventTypePlugin]:
    """Every plugin of the entry-point group, in name order so the unions are the same on every run."""
    plugins = []
    for point in sorted(entry_points(group=EVENT_TYPES_GROUP), key=lambda p: p.name):
        plugin = _load(point)
        if type_name(plugin.fields) != point.name:
            raise PluginError(
                f"{_origin(point)}: entry point {point.name!r} names a type whose `type` is "
                f"{type_name(plugin.fields)!r}; give both the same name"
            )
        plugins.append(plugin)
    return plugins


def _load(point: EntryPoint) -> EventTypePlugin:
    try:
        plugin = point.load()
    except Exception as exc:
        raise PluginError(
            f"{_origin(point)}: cannot load event type {point.name!r} ({type(exc).__name__}: {exc}); "
            "fix or uninstall that package"
        ) from exc
    if not isinstance(plugin, EventTypePlugin):
        raise PluginError(
            f"{_origin(point)}: entry point {point.name!r} must name an EventTypePlugin, not {type(plugin).__name__}"
        )
    return plugin


def _origin(point: EntryPoint) -> str:
    dist = point.dist
    return f"plugin package {dist.name if dist else '?'} ({point.value})"

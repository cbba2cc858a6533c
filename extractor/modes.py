"""The names `--mode` accepts, and the instructor mode each one means.

The documented names are the short ones (`tools`, `json_schema`, `json`,
`md_json`); instructor's own enum names (`TOOLS`, `MD_JSON`) and values
(`tool_call`, `json_schema_mode`, `json_mode`, `markdown_json_mode`) are
accepted as aliases, so a value copied from instructor's documentation works.
"""

from __future__ import annotations

import instructor

__all__ = ["MODES", "mode_name", "parse_mode_name"]

MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}


def _aliases() -> dict[str, instructor.Mode]:
    table: dict[str, instructor.Mode] = {}
    for mode in MODES.values():
        table[mode.name.lower()] = mode
        table[mode.value.lower()] = mode
    return table | MODES


def parse_mode_name(value: str) -> instructor.Mode | None:
    """The mode a name means (case and '-' vs '_' ignored); None for an unknown name."""
    return _aliases().get(value.strip().lower().replace("-", "_"))


def mode_name(mode: instructor.Mode) -> str:
    """The documented name of a mode (instructor's value for a mode without one)."""
    return next((name for name, known in MODES.items() if known == mode), mode.value)

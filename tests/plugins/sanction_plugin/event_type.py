"""The `sanction` event type: entry point `event_extractor.event_types: sanction = ...:SANCTION`."""

from __future__ import annotations

from typing import Literal

# Only `extractor.schemas.events` and `.codes`: the plugin loads while `extractor.schemas` imports.
from extractor.schemas.codes import CountryCode
from extractor.schemas.events import EventFields, Person
from extractor.schemas.plugins import EventTypePlugin
from pydantic import Field


class SanctionFields(EventFields):
    """Restrictive measures one country imposes on another."""

    subkind = "target_country_iso3"
    scored_fields = ("target_country_iso3",)

    type: Literal["sanction"]
    target_country_iso3: CountryCode
    measures: list[str] = Field(default_factory=list, description="Short English phrases")
    joined_by: list[CountryCode] = Field(default_factory=list, description="Other countries imposing them")
    announced_by: Person | None = None


PROMPT_V1 = """\
- sanction: restrictive measures (export bans, asset freezes, travel bans) that one
  country imposes on another. target_country_iso3 is the country sanctioned;
  measures are short English phrases; joined_by lists other countries imposing them."""

SANCTION = EventTypePlugin(fields=SanctionFields, prompts={"v1": PROMPT_V1})

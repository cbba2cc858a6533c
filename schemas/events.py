"""The event types, defined once.

Each type is a `*Fields` class: the fields a model fills in. Each has two
variants, written out below as classes (the evidence mixin plus the type's
fields), so they never drift apart:

- the *answer* variant (`VisitAnswer`), what the model is asked for: evidence
  is a list of verbatim quotes (models cannot count characters);
- the *stored* variant (`Visit`), what a result line holds: evidence carries
  character offsets into the article and how the quote was matched, plus any
  corrections the grounding step made.

Adding a fifth event type: write its `*Fields` class and its two variants here
(setting the class variables below where the defaults do not fit), add them to
`ANSWER_TYPES` and `EVENT_TYPES` (and the Fields class to `EVENT_FIELDS`), and
add its prompt text under `prompts/<version>/events/`. Nothing else: repair,
export, eval, diff, merge and the report read everything type-specific from
these classes (see `fields_class`). A separate installed package can add a type
without touching this repository (see `extractor.schemas.plugins`).

Per-type behaviour, as class variables on `EventFields` (not model fields:
they are not in the schema or in result lines):

- `subkind`: the field (dotted path into a nested object, e.g.
  "visitor.name_en") whose equal values break ties when matching or merging
  events of this type; None for no tie-break.
- `identity`: further fields (besides `subkind`) that name what the event is
  about; two events of one article whose values differ are two events, not a
  duplicate (an agreement's title).
- `must_agree`: fields that, when two events both give them, must be equal for
  the two to be merged as one event (a dialogue's round).
- `money_figure`: the event is a money figure with `amount`, `currency`,
  `qualifier` and `amount_text`; it is matched by currency and amount (not by
  parties), and repair checks it against the money mentions near its evidence.
- `fills_parties_from_evidence`: repair adds countries named inside the
  evidence spans to `parties`.
- `scored_fields`: fields `extractor eval` scores on matched pairs, where the
  gold event has them.
- `key_facts`: fields the HTML report shows on an event's card, in order;
  empty means every field of the type's own that is set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from extractor.schemas.codes import CountryCode, CurrencyCode
from extractor.schemas.plugins import EventTypePlugin, PluginError, installed_event_types
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

Status = Literal["occurred", "planned", "ongoing"]
MatchKind = Literal["exact", "normalized", "fuzzy"]

# A callable that says whether a quote can be found in the article, given either
# as pydantic validation context under this key or through `checking_quotes`.
# Without one, quotes are not checked.
QUOTE_CHECK = "quote_in_article"
_quote_check: ContextVar[Callable[[str], bool] | None] = ContextVar("quote_check", default=None)


@contextmanager
def checking_quotes(check: Callable[[str], bool] | None) -> Iterator[None]:
    """Check quotes with `check` for validations inside this block (and this asyncio task).

    A context variable rather than instructor's `context=`: given a context,
    instructor renders every message as a Jinja2 template, which would break on
    (or evaluate) braces in article text.
    """
    token = _quote_check.set(check)
    try:
        yield
    finally:
        _quote_check.reset(token)


class Location(BaseModel):
    name_en: str | None = Field(None, description="Place name in English, e.g. 'Beijing'")
    country_iso3: CountryCode | None = None


class Person(BaseModel):
    name_en: str = Field(description="The person's name in English")
    title_en: str | None = Field(None, description="Office in English, e.g. 'Foreign Minister'")
    country_iso3: CountryCode | None = None


# Bounds that keep hostile numbers (1e308, 5e-324, a 32-digit round) out of repair, the cache
# and Parquet: validation errors the model is re-asked with, never crashes later. Checked by
# validators, not Field(lt=...), so the answer schema the model sees (and its hash) is unchanged.
MAX_AMOUNT = 1e16  # above the world's GDP in any currency's units
MIN_AMOUNT = 0.01
MAX_ROUND = 999
YEARS = range(1900, 2101)


def _positive_amount(value: float) -> float:
    if not MIN_AMOUNT <= value < MAX_AMOUNT:
        raise ValueError(
            f"amount must be a positive number from {MIN_AMOUNT} to below {MAX_AMOUNT:.0e}, written out in units "
            "(30 billion is 30000000000); put the words of the article in amount_text"
        )
    return value


def _sane_round(value: int | None) -> int | None:
    if value is not None and value > MAX_ROUND:
        raise ValueError(f"round must be at most {MAX_ROUND}; give the round number the article states, or null")
    return value


def _year_in_range(value: date | None) -> date | None:
    if value is not None and value.year not in YEARS:
        raise ValueError(
            f"the year {value.year} is out of range ({YEARS.start}-{YEARS.stop - 1}); use the article's date or null"
        )
    return value


SaneDate = Annotated[date | None, AfterValidator(_year_in_range)]


class EventFields(BaseModel):
    """Fields every event has."""

    model_config = ConfigDict(extra="ignore")

    # Per-type behaviour (see the module docstring); the defaults suit a type
    # between countries, matched by its parties.
    subkind: ClassVar[str | None] = None
    identity: ClassVar[tuple[str, ...]] = ()
    must_agree: ClassVar[tuple[str, ...]] = ()
    money_figure: ClassVar[bool] = False
    fills_parties_from_evidence: ClassVar[bool] = True
    scored_fields: ClassVar[tuple[str, ...]] = ()
    key_facts: ClassVar[tuple[str, ...]] = ()

    type: str
    status: Status = Field(description="occurred, planned or ongoing, as the article reports it")
    summary_en: str = Field(description="One English sentence saying what happened")
    date_start: SaneDate = Field(None, description="YYYY-MM-DD, only if the article gives it")
    date_end: SaneDate = Field(None, description="YYYY-MM-DD for multi-day events, else null")
    parties: list[CountryCode] = Field(
        default_factory=list,
        description="ISO 3166-1 alpha-3 codes of the countries involved (a visit: visitor's and host's)",
    )
    location: Location | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> EventFields:
        if self.date_start and self.date_end and self.date_end < self.date_start:
            raise ValueError(
                f"date_end {self.date_end} is before date_start {self.date_start}; swap them or leave date_end null"
            )
        return self


class StrategicDialogueFields(EventFields):
    """A round of structured talks between governments (e.g. a foreign ministers' strategic dialogue)."""

    subkind = "round"
    must_agree = ("round",)
    scored_fields = ("round",)
    key_facts = ("round",)

    type: Literal["strategic_dialogue"]
    round: Annotated[int | None, AfterValidator(_sane_round)] = Field(
        None, ge=1, description="Round number, e.g. 7 for the seventh round"
    )
    participants: list[Person] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list, description="Short English phrases")
    outcomes: list[str] = Field(default_factory=list, description="Short English phrases")


class AgreementFields(EventFields):
    """An agreement, memorandum, action plan, joint statement or trade plan."""

    subkind = "kind"
    identity = ("title_en",)
    scored_fields = ("kind", "agreement_status")
    key_facts = ("kind", "agreement_status", "title_en")

    type: Literal["agreement"]
    kind: Literal["agreement", "mou", "action_plan", "joint_statement", "trade_plan", "other"]
    agreement_status: Literal["signed", "agreed", "planned", "proposed"]
    title_en: str | None = Field(None, description="The document's title in English")
    sectors: list[str] = Field(default_factory=list, description="Short English phrases")


class InvestmentFields(EventFields):
    """A money figure: investment, loan, aid, trade volume or target, project cost."""

    subkind = "figure_kind"
    money_figure = True
    fills_parties_from_evidence = False
    scored_fields = ("amount", "currency", "qualifier")
    key_facts = ("figure_kind", "qualifier", "amount")

    type: Literal["investment"]
    amount: Annotated[float, AfterValidator(_positive_amount)] = Field(
        description="The number in units: 30 billion is 30000000000", allow_inf_nan=False
    )
    currency: CurrencyCode = Field(description="ISO 4217 code, e.g. USD, CNY")
    amount_text: str = Field(description="The amount exactly as written in the article")
    qualifier: Literal["exact", "more_than", "less_than", "about", "up_to"] = "exact"
    figure_kind: Literal["investment", "loan", "aid", "trade_volume", "trade_target", "project_cost", "other"]
    investor: str | None = Field(None, description="Who puts the money in, in English")
    recipient: str | None = Field(None, description="Who receives it, in English")
    project: str | None = Field(None, description="The project, in English")

    @field_serializer("amount")
    def _whole_amounts_as_integers(self, amount: float) -> float | int:
        return int(amount) if amount.is_integer() else amount


class VisitFields(EventFields):
    """An official visit of a person to another country."""

    subkind = "visitor.name_en"
    key_facts = ("purpose", "visitor")

    type: Literal["visit"]
    visitor: Person
    host_country_iso3: CountryCode
    purpose: str | None = Field(None, description="Short English phrase")


EVENT_FIELDS: tuple[type[EventFields], ...] = (
    StrategicDialogueFields,
    AgreementFields,
    InvestmentFields,
    VisitFields,
)


def type_name(fields: type[EventFields]) -> str:
    """The value of the `type` field of a `*Fields` class."""
    return fields.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]


def fields_class(event_type: str) -> type[EventFields]:
    """The `*Fields` class of a type name; `EventFields` (the defaults) for an unknown type.

    Looked up in `EVENT_FIELDS` at call time. Stored and answer variants
    inherit the class variables, so given an event model, `type(event)` works too.
    """
    for fields in EVENT_FIELDS:
        if type_name(fields) == event_type:
            return fields
    return EventFields


# --- evidence, as the model gives it and as it is stored ----------------------------


class Correction(BaseModel):
    """A value the tool changed: the text contradicted it, or it was coerced to its right form (`text_value`)."""

    field: str
    model_value: Any
    text_value: Any


class QuotedEvidence(BaseModel):
    """Mixin for the answer variant: verbatim quotes, checked against the article if asked."""

    evidence: list[str] = Field(
        min_length=1,
        description="Sentences or phrases copied word for word from the article, "
        "in its original language, that state this event",
    )
    # What the tool changed in the model's values before validation (extractor.coerce);
    # kept out of the JSON schema so the model is never asked for it, and carried
    # into the stored event by grounding.
    corrections: SkipJsonSchema[list[Correction]] = Field(default_factory=list)

    @field_validator("evidence")
    @classmethod
    def _quotes_in_article(cls, quotes: list[str], info: ValidationInfo) -> list[str]:
        check: Callable[[str], bool] | None = (info.context or {}).get(QUOTE_CHECK) or _quote_check.get()
        if check is None:
            return quotes
        missing = [q for q in quotes if not check(q)]
        if missing:
            raise ValueError(
                f"these quotes are not in the article: {missing}; copy the article's exact "
                "words in its original language, do not translate or paraphrase"
            )
        return quotes


class Evidence(BaseModel):
    quote: str = Field(description="Verbatim words of the article, original language")
    start: int | None = Field(None, ge=0, description="Code-point offset in the file as read")
    end: int | None = Field(None, ge=0)
    match: MatchKind | None = Field(None, description="How the quote was found; null if not found")

    @model_validator(mode="after")
    def _span_is_consistent(self) -> Evidence:
        located = self.start is not None and self.end is not None
        backwards = self.start is not None and self.end is not None and self.end < self.start
        if located != (self.match is not None) or backwards:
            raise ValueError("evidence needs start <= end and a match kind, or none of the three")
        return self


class GroundedEvidence(BaseModel):
    """Mixin for the stored variant."""

    evidence: list[Evidence] = Field(min_length=1)
    grounded: bool = Field(True, description="False only for events kept with --keep-ungrounded")
    corrections: list[Correction] = Field(default_factory=list)
    cross_check: Literal["agreed", "model_only"] | None = Field(
        None,
        description="With --cross-check rules: whether the rules coder found a matching event "
        "(agreed) or not (model_only); null without a cross-check",
    )


# --- the answer and stored variant of each type -----------------------------------
#
# Each variant is its evidence mixin followed by the type's `*Fields` class, so it
# inherits the fields and the class variables of its type. No docstrings: a
# variant's JSON schema carries no description, and the answer schema is hashed
# into every cache key (see `extractor.cache`).


class StrategicDialogueAnswer(QuotedEvidence, StrategicDialogueFields):
    pass


class StrategicDialogue(GroundedEvidence, StrategicDialogueFields):
    pass


class AgreementAnswer(QuotedEvidence, AgreementFields):
    pass


class Agreement(GroundedEvidence, AgreementFields):
    pass


class InvestmentAnswer(QuotedEvidence, InvestmentFields):
    pass


class Investment(GroundedEvidence, InvestmentFields):
    pass


# The public name; the class keeps the name its JSON schema has always had.
InvestmentFigure = Investment


class VisitAnswer(QuotedEvidence, VisitFields):
    pass


class Visit(GroundedEvidence, VisitFields):
    pass


# --- the registries: type name -> class, in the order prompts and exports list them ---

ANSWER_TYPES: dict[str, type[EventFields]] = {
    "strategic_dialogue": StrategicDialogueAnswer,
    "agreement": AgreementAnswer,
    "investment": InvestmentAnswer,
    "visit": VisitAnswer,
}
EVENT_TYPES: dict[str, type[EventFields]] = {
    "strategic_dialogue": StrategicDialogue,
    "agreement": Agreement,
    "investment": Investment,
    "visit": Visit,
}


def variants(fields: type[EventFields]) -> tuple[type[EventFields], type[EventFields]]:
    """The answer and stored variants of a `*Fields` class, for a type not written out above.

    Named like the static ones (`SanctionFields` gives `SanctionAnswer` and
    `Sanction`), built the same way: the evidence mixin, then the fields.
    """
    name = fields.__name__.removesuffix("Fields")
    answer = create_model(f"{name}Answer", __base__=(QuotedEvidence, fields), __module__=fields.__module__)
    stored = create_model(name, __base__=(GroundedEvidence, fields), __module__=fields.__module__)
    return answer, stored  # type: ignore[return-value]


# Prompt texts that plugin types bring along: type name -> prompt version -> text.
PLUGIN_PROMPTS: dict[str, Mapping[str, str]] = {}


def _add_plugin(plugin: EventTypePlugin) -> None:
    global EVENT_FIELDS
    name = type_name(plugin.fields)
    if name in EVENT_TYPES:
        raise PluginError(f"a plugin adds event type {name!r}, which is already defined; rename one of them")
    answer, stored = (plugin.answer, plugin.stored) if plugin.answer and plugin.stored else variants(plugin.fields)
    EVENT_FIELDS = (*EVENT_FIELDS, plugin.fields)
    ANSWER_TYPES[name] = answer
    EVENT_TYPES[name] = stored
    PLUGIN_PROMPTS[name] = plugin.prompts


# Installed plugins join now: after the built-in types, before the unions below.
for _plugin in installed_event_types(type_name):
    _add_plugin(_plugin)


if TYPE_CHECKING:
    # What a type checker sees: the four built-in types.
    AnswerEvent = Annotated[
        StrategicDialogueAnswer | AgreementAnswer | InvestmentAnswer | VisitAnswer, Field(discriminator="type")
    ]
    Event = Annotated[StrategicDialogue | Agreement | Investment | Visit, Field(discriminator="type")]
else:
    # At run time: every registered type, built-in or not.
    AnswerEvent = Annotated[Union[tuple(ANSWER_TYPES.values())], Field(discriminator="type")]  # noqa: UP007
    Event = Annotated[Union[tuple(EVENT_TYPES.values())], Field(discriminator="type")]  # noqa: UP007


class ArticleEvents(BaseModel):
    """Every event the article reports. Return an empty list when it reports none."""

    events: list[AnswerEvent] = Field(default_factory=list)

"""Checking the model's grounded events against the mentions found in the text.

The model reads the article; the mention layer (`extractor.mentions`) parses
money, dates and countries out of it deterministically.  Where the two
disagree, the text wins: the field is set to the text's value and the model's
value is kept on the event as a `Correction(field, model_value, text_value)`.
Nothing is silently dropped: an event the text cannot support at all goes to
`rejected`, with its full dump and a reason.

"Near the evidence": a mention is near an evidence span when it overlaps the
span, lies in the same sentence as the span, or lies within `WINDOW`
characters of it on the same line (paragraph).  Only evidence that was located
in the article (has offsets) counts; an event kept with ``--keep-ungrounded``
and no located quote gets only the article-wide checks (invented dates,
unsupported parties) and the digit normalization.

Rules, in the order they run:

1. Money figures (investments; `money_figure` on the type): amount, currency
   and qualifier are checked against a money mention near the evidence.  The
   mention chosen is, in order of preference: one whose amount equals the
   model's (relative tolerance `AMOUNT_TOLERANCE`), one that differs only by a
   power of ten (a scale slip: 30e6 for 30e9), then the one closest in amount
   (log ratio); ties go to the nearest, then the first in the text.
   Only a mention of the same amount or a scale slip contradicts the model:
   another number near the evidence is as often another figure, so with none
   the event is left as given (with a warning).  With one, the amount takes the
   mention's; the currency only when the article names the model's currency
   nowhere and the two are not of one family ('Rs' read as PKR may be INR,
   '元' read as CNY may be TWD); the qualifier only when the text has a
   qualifier word ('more than', 'up to'): no word next to a number is no
   evidence that a figure is exact.  ``amount_text`` is replaced by the
   mention's text only when the model's ``amount_text`` is not in the article
   (exact or normalized match).  A money figure with no money mention near its
   evidence is rejected, unless its ``amount_text`` is there (the money layer
   did not read it; kept, with a warning).
2. Dates (every event type), for date_start and date_end separately. Date
   mentions are ranked by closeness to the evidence: inside a quote, then in a
   quote's sentence, then near (`WINDOW`); a closer rank decides before a farther
   one, so a date in the quote beats any date elsewhere in the article.
   a. A mention *states* a model date when it is the same day, or the start
      (for date_start) or end (for date_end) of a stated range; a day inside a
      range is accepted unless a single day at least as near says otherwise. A
      whole month ('in March 2025') never states a day and never decides. A
      mention whose year could not be inferred states the same month and day,
      but is never used as a replacement. For date_end only ranges count: a
      single day near the evidence is a day of the event, not its end.
   b. The first rank holding a day or range decides: if nothing there states
      the model's date, it is set to the nearest mention's date (its start for
      date_start, its end, which may be null, for date_end). When the nearest
      mentions disagree among themselves, the model's date is left as given
      (with a warning): a guess between them could turn a right value wrong.
   c. With no day or range near the evidence, a model date that no date
      mention anywhere in the article states, and that is not the published
      date, is kept with a warning: unstated is not contradicted (it may come
      from a duration or a phrase the date layer does not read).
   A mention whose year was inferred, not written, states the month and day
   only: it supports a model date of any year, and when it replaces one the
   model's year is kept.
   d. A null date is never filled in: at most a warning names the date the
      quotes state (it could belong to another event).
   e. A bare weekday ('lundi', 'يوم الأحد') is read forward (the next such day)
      for a planned event and backward for the others; a weekday next to an
      explicit date is that date (the mention layer resolves it).
   If a correction leaves date_end before date_start, date_end becomes null
   (recorded).
3. Parties: a party the model gave is never removed because the country layer
   finds no mention of it (the layer may not know the word the article uses:
   'the Islamic Republic', a ministry, a city); it is kept, with a warning
   naming it.  For types with `fills_parties_from_evidence` (strategic dialogues,
   agreements and visits), countries named inside the evidence spans
   themselves fill an empty list; a list the model gave is not added to (the
   quote may name a bystander), a warning names them.  The list is kept sorted and
   unique (reordering alone is not recorded).  Nested fields are left alone:
   a visit's host_country_iso3, visitor and location are not touched.
4. Digits of other scripts (Persian, Arabic-Indic, full-width, ...) in every
   free-text string of the event become ASCII digits, without a correction
   record.  ``amount_text`` is exempt (it must match the article), and so are
   the evidence quotes and earlier corrections.

summary_en is not checked for language and never translated: a summary in the
article's language is left as the model wrote it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from babel.numbers import get_currency_name
from pydantic import BaseModel

from extractor.mentions import DateMention, Mentions, MoneyMention
from extractor.mentions._terms import alternation, fold_term
from extractor.mentions.currencies import currency_table
from extractor.reader import Article
from extractor.schemas import Correction, RejectedEvent
from extractor.text.align import ArticleAligner

__all__ = ["AMOUNT_TOLERANCE", "WINDOW", "Repaired", "ascii_digits", "repair"]

# Two amounts are equal when they differ by at most this fraction of the larger.
AMOUNT_TOLERANCE = 0.005
# How far (in characters, on the same line) a mention may lie from an evidence span.
WINDOW = 80
# Keys never touched by digit normalization.
_DIGITS_EXEMPT = frozenset({"amount_text", "evidence", "corrections", "type"})
# Values without text in them: digit normalization passes them over.
_NOT_TEXT = frozenset({int, float, bool, date})
# A minimum quote length no quote reaches: turns fuzzy matching off.
_NEVER = 1 << 30
NO_MONEY = "no money amount in the text near the evidence"

# Sentence ends: a full stop only when followed by space or the end (not '16.2').
_SENTENCE_END = re.compile(r"\.(?=\s|$)|[!?\n\u061f\u06d4\u3002\uff01\uff1f]")

Span = tuple[int, int]


@dataclass
class Repaired:
    events: list[BaseModel]
    rejected: list[RejectedEvent]
    # What the text suggests but the rules do not change (a date for a null date,
    # a party the country layer does not find): for a reader, not applied.
    warnings: list[str] = field(default_factory=list)


def repair(events: list[BaseModel], mentions: Mentions, article: Article) -> Repaired:
    """Check each grounded event against the mentions; correct, or reject, as the text says."""
    context = _Context(article, mentions)
    kept: list[BaseModel] = []
    rejected: list[RejectedEvent] = []
    warnings: list[str] = []
    for event in events:
        notes: list[str] = []
        outcome = _repair_one(event, context, notes)
        if isinstance(outcome, RejectedEvent):
            rejected.append(outcome)
        else:
            kept.append(outcome)
            label = f"{event.type} event {event.summary_en[:60]!r}"  # type: ignore[attr-defined]
            warnings += [f"{label}: {note}" for note in notes]
    return Repaired(kept, rejected, warnings)


def ascii_digits(text: str) -> str:
    """Replace decimal digits of any script by ASCII digits; everything else unchanged."""
    if text.isascii():
        return text
    return "".join(
        str(unicodedata.decimal(ch)) if not ch.isascii() and unicodedata.category(ch) == "Nd" else ch for ch in text
    )


# --- per article --------------------------------------------------------------------


class _Context:
    def __init__(self, article: Article, mentions: Mentions) -> None:
        self.article = article
        self.text = article.text
        self.mentions = mentions
        self.countries = frozenset(c.iso3 for c in mentions.countries)
        self._currencies: frozenset[str] | None = None
        self._aligner: ArticleAligner | None = None
        self._ends: list[int] | None = None
        # Country mentions by start, for those inside an evidence span.
        self._countries = sorted(((c.start, c.end, c.iso3) for c in mentions.countries), key=lambda c: c[0])
        self._country_starts = [start for start, _end, _iso3 in self._countries]

    @property
    def currencies(self) -> frozenset[str]:
        """Currencies of the money mentions anywhere in the article."""
        if self._currencies is None:
            self._currencies = frozenset(m.currency for m in self.mentions.money)
        return self._currencies

    def in_article(self, phrase: str) -> bool:
        """Exact or normalized (folded) match in the body; never fuzzy."""
        return self._locate(phrase) is not None

    def near(self, phrase: str, areas: list[Span]) -> bool:
        """Whether the phrase (exact or normalized) lies in one of the areas."""
        found = self._locate(phrase)
        return found is not None and any(found[0] < end and start < found[1] for start, end in areas)

    def _locate(self, phrase: str) -> Span | None:
        if self._aligner is None:
            self._aligner = ArticleAligner(self.article.body)
        found = self._aligner.align(phrase, min_fuzzy_chars=_NEVER)
        if found is None:
            return None
        return found.start + self.article.body_start, found.end + self.article.body_start

    def countries_inside(self, spans: list[Span]) -> set[str]:
        """Countries named by a mention that lies inside one of the spans."""
        named: set[str] = set()
        for start, end in spans:
            for k in range(bisect_left(self._country_starts, start), bisect_right(self._country_starts, end)):
                if self._countries[k][1] <= end:
                    named.add(self._countries[k][2])
        return named

    def neighbourhoods(self, spans: list[Span]) -> list[Span]:
        """For each evidence span, the stretch of text a mention must touch to be 'near'."""
        out: list[Span] = []
        for start, end in spans:
            s_start, s_end = self.sentence(start, end)
            line_start = self.text.rfind("\n", 0, start) + 1
            line_end = self.text.find("\n", end)
            line_end = len(self.text) if line_end < 0 else line_end
            w_start = max(start - WINDOW, line_start)
            w_end = min(end + WINDOW, line_end)
            out.append((min(s_start, w_start), max(s_end, w_end)))
        return out

    def sentence(self, start: int, end: int) -> Span:
        first = max(self.article.body_start, 0)
        ahead = max(start, end - 1)
        if ahead < first:  # not in the body: look the way the scan below would not
            found = _SENTENCE_END.search(self.text, ahead)
            return first, found.end() if found else len(self.text)
        ends = self._sentence_ends()
        # The last sentence end before `start`; a full stop right before it counts too,
        # as it did when the text was scanned only up to `start` (where `$` matched).
        before = bisect_left(ends, start)
        s_start = ends[before - 1] + 1 if before else first
        if start - 1 >= first and self.text[start - 1] == ".":
            s_start = start
        after = bisect_left(ends, ahead)
        return s_start, ends[after] + 1 if after < len(ends) else len(self.text)

    def _sentence_ends(self) -> list[int]:
        """Where the body's sentence ends are (each a single character), found once per article."""
        if self._ends is None:
            first = max(self.article.body_start, 0)
            self._ends = [match.start() for match in _SENTENCE_END.finditer(self.text, first)]
        return self._ends


def _repair_one(event: BaseModel, ctx: _Context, warnings: list[str]) -> BaseModel | RejectedEvent:
    data = event.model_dump()  # changed below, a field at a time (nested values are never changed in place)
    original = dict(data)
    corrections: list[Correction] = []
    spans = [(e.start, e.end) for e in event.evidence if e.start is not None and e.end is not None]  # type: ignore[attr-defined]
    near = ctx.neighbourhoods(spans)

    kind = type(event)  # the stored variant inherits the type's class variables
    if getattr(kind, "money_figure", False) and spans:
        money = [m for m in ctx.mentions.money if m.amount > 0 and _touches(m, near)]
        if not money and not ctx.near(data["amount_text"], near):
            return RejectedEvent(reason=NO_MONEY, event=event.model_dump(mode="json"))
        if money:
            _repair_money(data, money, spans, ctx, corrections, warnings)
        else:  # the article has the model's words for the amount; the money layer did not read them
            warnings.append(f"no money mention read near the evidence; {data['amount_text']!r} kept as given")

    _repair_dates(data, spans, near, ctx, corrections, warnings)
    _repair_parties(data, spans, ctx, corrections, warnings, fill=getattr(kind, "fills_parties_from_evidence", False))
    normalized = _digits_in(data)

    if not corrections and normalized == original:
        return event
    normalized["corrections"] = [*data["corrections"], *(c.model_dump() for c in corrections)]
    return type(event).model_validate(normalized)


# --- money ---------------------------------------------------------------------------


def _same_amount(a: float, b: float) -> bool:
    return abs(a - b) <= AMOUNT_TOLERANCE * max(abs(a), abs(b))


def _scale_slip(a: float, b: float) -> bool:
    """True when a and b differ only by a power of ten (30e6 vs 30e9)."""
    power = round(math.log10(a / b))
    return power != 0 and _same_amount(a, b * 10**power)


def _pick_money(amount: float, money: list[MoneyMention], spans: list[Span]) -> MoneyMention:
    def key(m: MoneyMention) -> tuple[int, float, int, int]:
        tier = 0 if _same_amount(amount, m.amount) else 1 if _scale_slip(amount, m.amount) else 2
        closeness = abs(math.log(amount / m.amount)) if tier == 2 else 0.0
        return tier, closeness, _distance(m, spans), m.start

    return min(money, key=key)


def _repair_money(
    data: dict[str, Any],
    money: list[MoneyMention],
    spans: list[Span],
    ctx: _Context,
    out: list[Correction],
    notes: list[str],
) -> None:
    mention = _pick_money(data["amount"], money, spans)
    if not (_same_amount(data["amount"], mention.amount) or _scale_slip(data["amount"], mention.amount)):
        # Another number near the evidence is another figure as often as it is this
        # one; without the same digits it does not contradict the model.
        notes.append(f"amount {_plain(data['amount'])} is not among the amounts read near its evidence; left as given")
        return
    if not _same_amount(data["amount"], mention.amount):
        _set(data, "amount", mention.amount, out)
    if data["currency"] != mention.currency and _currency_contradicted(data["currency"], mention, ctx):
        _set(data, "currency", mention.currency, out)
    # No qualifier word next to a number is no evidence that the figure is exact:
    # only a word the text has ('more than', 'up to') contradicts the model.
    if mention.qualifier != "exact" and data["qualifier"] != mention.qualifier:
        _set(data, "qualifier", mention.qualifier, out)
    if not ctx.in_article(data["amount_text"]):
        _set(data, "amount_text", mention.text, out)


def _currency_contradicted(given: str, mention: MoneyMention, ctx: _Context) -> bool:
    """Whether the text contradicts the model's currency, given the mention read for its amount.

    Not when the mention's own words name no currency (the money layer carried
    one over from an earlier figure: '(Euro 7 billion)' after 'Rs 64,000 crore'),
    when the article names the model's currency anywhere (a converted figure, a
    second currency), nor when both are of one family ('Rs' is read as PKR and
    may be INR; '元' as CNY and may be TWD): the word the text uses cannot tell.
    """
    read = mention.currency
    if given in ctx.currencies or not _names_a_currency(mention.text, ctx.mentions.language):
        return False
    return _family(given) != _family(read) and not {given, read} <= _YUAN_WORDS


def _names_a_currency(text: str, lang: str | None) -> bool:
    return _currency_words(lang).search(fold_term(text)) is not None


@lru_cache(maxsize=8)
def _currency_words(lang: str | None) -> re.Pattern[str]:
    """Any currency word, symbol or code of the language, on folded text; built once per language."""
    terms = sorted(currency_table(lang), key=len, reverse=True)
    return re.compile(alternation(terms))


@lru_cache(maxsize=512)
def _family(code: str) -> str:
    """The currency's kind in English: 'Dollar', 'Rupee', 'Riyal' (babel's CLDR name, last word)."""
    try:
        return get_currency_name(code, locale="en").split()[-1].casefold()
    except (ValueError, LookupError):  # an unknown code is its own family
        return code


# '元' is the unit word of the yuan and of the Taiwan, Hong Kong and Macau dollars.
_YUAN_WORDS = frozenset({"CNY", "TWD", "HKD", "MOP"})


# --- dates ---------------------------------------------------------------------------


def _repair_dates(
    data: dict[str, Any], spans: list[Span], near: list[Span], ctx: _Context, out: list[Correction], notes: list[str]
) -> None:
    """Rule 2 (see the module doc); what it suggests but does not change goes to ``notes``."""
    dates = ctx.mentions.dates
    planned = data.get("status") == "planned"
    tiers = _date_tiers(dates, spans, [ctx.sentence(s, e) for s, e in spans], near)

    if data["date_start"] is None and data["date_end"] is None:
        inside = {_reading(d, planned) for d in tiers[0] if _specific(d)}
        if len(inside) == 1:
            start, end = inside.pop()
            stated = start if end is None else f"{start} to {end}"
            notes.append(f"the event has no date; its evidence states {stated} (not filled in: the model gave none)")
        return

    for which in ("date_start", "date_end"):
        value: date | None = data[which]
        if value is None:
            continue
        verdict = _date_verdict(which, value, data, tiers, spans, planned)
        if verdict is _KEEP:
            continue
        if verdict is _AMBIGUOUS:
            notes.append(f"{which} {value} is not among the dates its evidence states, which disagree; left as given")
            continue
        if verdict is _UNSTATED:
            if not any(_supports(d, value, which, planned) for d in dates) and value != ctx.article.published:
                # Unstated is not contradicted: the model may have it from a weekday,
                # a duration or a phrase the date layer does not read. Kept.
                notes.append(f"{which} {value} is not stated in the article as far as the date layer reads; kept")
            continue
        assert isinstance(verdict, DateMention)
        text_value = _text_value(verdict, which, planned)
        _set(data, which, _in_models_year(text_value, verdict, value), out)

    if data["date_start"] and data["date_end"] and data["date_end"] < data["date_start"]:
        _set(data, "date_end", None, out)


_KEEP, _UNSTATED, _AMBIGUOUS = object(), object(), object()


def _date_tiers(
    dates: list[DateMention], spans: list[Span], sentences: list[Span], near: list[Span]
) -> list[list[DateMention]]:
    """Date mentions by closeness to the evidence: in a quote, in a quote's sentence, near (rule 2)."""
    tiers: list[list[DateMention]] = [[], [], []]
    for mention in dates:
        for rank, areas in enumerate((spans, sentences, near)):
            if _touches(mention, areas):
                tiers[rank].append(mention)
                break
    for tier in tiers:
        tier.sort(key=lambda d: (_distance(d, spans), d.start))
    return tiers


def _date_verdict(
    which: str, value: date, data: dict[str, Any], tiers: list[list[DateMention]], spans: list[Span], planned: bool
) -> object:
    """_KEEP, _UNSTATED (nothing near states a day), _AMBIGUOUS, or the mention whose date replaces the model's."""
    for tier in tiers:
        if any(_supports(d, value, which, planned, strict=True) for d in tier):
            return _KEEP
        specific = [d for d in tier if _specific(d)]
        if which == "date_end":
            # A single day near the evidence is a day of the event (its start, a
            # meeting on its second day), not its end: only ranges speak of the end.
            specific = [d for d in specific if d.date_end]
        if not specific:
            continue  # months and year-less days do not decide: look further out
        for mention in specific:
            if mention.kind == "range" and _supports(mention, value, which, planned):
                # Inside a range: kept unless a single day at least as near says otherwise.
                reach = _distance(mention, spans)
                if not any(d.date_end is None and _distance(d, spans) <= reach for d in specific):
                    return _KEEP
        nearest = _distance(specific[0], spans)
        candidates = {_text_value(d, which, planned) for d in specific if _distance(d, spans) == nearest}
        return specific[0] if len(candidates) == 1 else _AMBIGUOUS
    return _UNSTATED


def _text_value(mention: DateMention, which: str, planned: bool) -> str | None:
    start, end = _reading(mention, planned)
    return start if which == "date_start" else end


def _in_models_year(text_value: str | None, mention: DateMention, value: date) -> date | None:
    """The mention's date; with the model's year when the text gave none (the layer guessed it)."""
    if text_value is None:
        return None
    found = date.fromisoformat(text_value)
    if mention.year_given:
        return found
    try:
        return found.replace(year=value.year)
    except ValueError:  # 29 February in another year
        return found


def _specific(mention: DateMention) -> bool:
    """States a day or a range of days (a whole month does not)."""
    return mention.date_start is not None and mention.kind != "month"


def _reading(mention: DateMention, planned: bool) -> tuple[str, str | None]:
    """The mention's dates; a bare weekday is read forward for a planned event."""
    assert mention.date_start is not None
    if planned and mention.ahead:
        return mention.ahead, None
    return mention.date_start, mention.date_end


def _supports(mention: DateMention, value: date, which: str, planned: bool, *, strict: bool = False) -> bool:
    """Whether the mention states this value for this which.

    Strictly: the same day, or the range's start (date_start) or end (date_end).
    Otherwise also a day inside a range. A month never supports a day; a mention
    whose year is unknown supports the same month and day.
    """
    if mention.date_start is None:
        return mention.month is not None and (mention.month, mention.day) == (value.month, value.day)
    if mention.kind == "month":
        return False
    start, end = _reading(mention, planned)
    if not mention.year_given:  # the text gave the month and day only: compare those
        try:
            value = value.replace(year=int(start[:4]))
        except ValueError:
            return False
    iso = value.isoformat()
    if end is None:
        return iso == start
    if iso == (start if which == "date_start" else end):
        return True
    return not strict and start < iso < end


def _same_day(mention: DateMention, value: date | None, planned: bool) -> bool:
    """Whether a single-day mention names this day (month and day only when its year was guessed)."""
    if value is None:
        return False
    day = date.fromisoformat(_reading(mention, planned)[0])
    return day == value if mention.year_given else (day.month, day.day) == (value.month, value.day)


# --- parties -------------------------------------------------------------------------


def _repair_parties(
    data: dict[str, Any], spans: list[Span], ctx: _Context, out: list[Correction], notes: list[str], *, fill: bool
) -> None:
    given: list[str] = data["parties"]
    parties = set(given)
    unseen = sorted(parties - ctx.countries)
    if unseen:
        # Absence from the mentions is the layer's ignorance, not the text's word: kept.
        notes.append(f"parties {', '.join(unseen)} are not named in the article as far as the country layer sees; kept")
    named = ctx.countries_inside(spans)
    if fill and not given:
        # Only an empty list is filled: a party the model left out of a list it gave
        # may be a bystander its quote names ('in the presence of Italy's premier').
        parties |= named
    elif fill and named - parties:
        notes.append(f"the evidence also names {', '.join(sorted(named - parties))}; not added")
    if parties != set(given):
        _set(data, "parties", sorted(parties), out)
    else:
        data["parties"] = sorted(parties)  # order and duplicates only: not a correction


# --- helpers -------------------------------------------------------------------------


def _set(data: dict[str, Any], field: str, value: Any, out: list[Correction]) -> None:
    old = data[field]
    out.append(Correction(field=field, model_value=_plain(old), text_value=_plain(value)))
    data[field] = value


def _plain(value: Any) -> Any:
    """JSON-ready value for a correction record."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return list(value)
    return value


def _touches(mention: Any, areas: list[Span]) -> bool:
    return any(mention.start < end and start < mention.end for start, end in areas)


def _distance(mention: Any, spans: list[Span]) -> int:
    return min(max(start - mention.end, mention.start - end, 0) for start, end in spans)


def _digits_in(value: Any, key: str | None = None) -> Any:
    """The value with ASCII digits in its strings; the value itself (not a copy) where nothing changes."""
    if key in _DIGITS_EXEMPT:
        return value
    if isinstance(value, str):
        return ascii_digits(value)
    if isinstance(value, dict):
        changed = {k: new for k, v in value.items() if not _plain_leaf(v) and (new := _digits_in(v, k)) is not v}
        return {**value, **changed} if changed else value
    if isinstance(value, list):
        if all(_plain_leaf(v) for v in value):
            return value
        items = [_digits_in(v) for v in value]
        return items if any(new is not v for new, v in zip(items, value, strict=True)) else value
    return value


def _plain_leaf(value: Any) -> bool:
    """A value digit normalization leaves as it is (checked inline: most of an event's values are)."""
    return value is None or (type(value) is str and value.isascii()) or type(value) in _NOT_TEXT

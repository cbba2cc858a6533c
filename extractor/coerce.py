"""Deterministic coercion of a model's event before validation (issue 9, item 2).

A model that writes a party as ``CN`` or ``Saudi Arabia``, a date as
``July 31, 2023``, a currency as ``dollars`` or an amount as ``7.5 billion``
said something exact in the wrong form. Re-asking costs a request and, when
the model repeats itself, used to cost the event; the form is fixed here
instead, and every change is recorded as a `Correction` (the model's value
next to the coerced one). Only what cannot be coerced unambiguously is left
for validation to report and the model to be re-asked about: an ambiguous
``03/04/2023`` stays as given.

Which fields get which coercer is a registry keyed by field name
(`COERCERS`), applied at any depth (``location.country_iso3``,
``participants.0.country_iso3``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

import dateparser
import pycountry

from extractor.mentions._terms import fold_term
from extractor.mentions.countries import find_countries
from extractor.mentions.currencies import currency_table
from extractor.schemas import Correction

__all__ = ["COERCERS", "coerce_event", "to_amount", "to_country", "to_currency", "to_date"]

Coercer = Callable[[Any], Any]


def ascii_digits(text: str) -> str:
    """Decimal digits of any script as ASCII digits (the folding the mention layer does)."""
    if text.isascii():
        return text
    return "".join(
        str(unicodedata.decimal(ch)) if not ch.isascii() and unicodedata.category(ch) == "Nd" else ch for ch in text
    )


# --- countries -----------------------------------------------------------------------------


@cache
def _alpha3() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


def to_country(value: Any) -> Any:
    """ISO 3166-1 alpha-3 for an alpha-2 code, a name, an adjective or a capital; else the value unchanged."""
    if not isinstance(value, str) or not value.strip():
        return value
    text = value.strip()
    if text.upper() in _alpha3():
        return value  # already a code; upper-casing is validation's job, not a correction
    if len(text) == 2 and text.isascii() and text.isalpha():
        found = pycountry.countries.get(alpha_2=text.upper())
        if found is not None:
            return found.alpha_3
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        pass
    # Names, adjectives, demonyms and capitals in the six languages, as the mention layer reads them.
    codes = {m.iso3 for m in find_countries(text)}
    return codes.pop() if len(codes) == 1 else value


# --- dates -------------------------------------------------------------------------------------

_ISO_LOOSE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_DATEPARSER_SETTINGS = {
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def to_date(value: Any) -> Any:
    """An ISO date string for the common written forms; else the value unchanged.

    ``2023-7-31``, ``2023/07/31``, a datetime, ``31/07/2023`` (day first when
    the numbers say so: a pair like 03/04 is ambiguous and left alone), and
    ``July 31, 2023`` / ``31 July 2023``, in digits of any script.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return value
    text = ascii_digits(value.strip())
    if match := _ISO_LOOSE.fullmatch(text):
        return _iso(int(match[1]), int(match[2]), int(match[3]), value)
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if first == second or (first > 12 and second <= 12):
            return _iso(year, second, first, value)
        if second > 12 and first <= 12:
            return _iso(year, first, second, value)
        return value
    if any(ch.isalpha() for ch in text) and re.search(r"\d{4}", text):
        parsed = dateparser.parse(text, languages=["en"], settings=_DATEPARSER_SETTINGS)
        if parsed is not None:
            return parsed.date().isoformat()
    return value


def _iso(year: int, month: int, day: int, fallback: Any) -> Any:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return fallback


# --- currencies ----------------------------------------------------------------------------------


@cache
def _currency_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def to_currency(value: Any) -> Any:
    """ISO 4217 for a currency name, symbol or local word ('dollars', '$', 'یوان'); else unchanged."""
    if not isinstance(value, str) or not value.strip():
        return value
    text = value.strip()
    if text.upper() in _currency_codes():
        return value
    found = currency_table(None).get(fold_term(text))
    # A factor (the toman is 10 rials) would change the amount too: not a form fix.
    if found is not None and found.factor == 1:
        return found.code
    try:
        return pycountry.currencies.lookup(text).alpha_3
    except LookupError:
        return value


# --- amounts -------------------------------------------------------------------------------------

_SCALES = {
    "thousand": 10**3,
    "k": 10**3,
    "lakh": 10**5,
    "lakhs": 10**5,
    "million": 10**6,
    "millions": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "mio": 10**6,
    "crore": 10**7,
    "crores": 10**7,
    "billion": 10**9,
    "billions": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "milliard": 10**9,
    "milliards": 10**9,
    "md": 10**9,
    "mds": 10**9,
    "trillion": 10**12,
    "trillions": 10**12,
    "tn": 10**12,
}
_AMOUNT = re.compile(
    r"(?P<prefix>[^\d\s]{1,3}\s?)?(?P<number>\d{1,3}(?:[,.\s\u202f\u00a0']\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"\s*(?P<scale>[A-Za-z]+)?\.?"
)


def to_amount(value: Any) -> Any:
    """A number for '7,500,000,000', '7.5 billion', '$30 bn', '1 200 000'; else the value unchanged."""
    if not isinstance(value, str) or not value.strip():
        return value
    text = ascii_digits(value.strip())
    try:
        float(text)
        return value  # validation reads a plain number (or rejects 'inf') by itself
    except ValueError:
        pass
    match = _AMOUNT.fullmatch(text)
    if match is None:
        return value
    prefix, scale_word = match["prefix"], match["scale"]
    if prefix is not None and to_currency(prefix.strip()) == prefix.strip():
        return value  # something other than a currency sign before the number
    scale = 1
    if scale_word is not None:
        if scale_word.lower() not in _SCALES:
            return value
        scale = _SCALES[scale_word.lower()]
    number = _plain_number(match["number"])
    if number is None or number <= 0:
        return value
    amount = number * scale
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _plain_number(text: str) -> Decimal | None:
    """'7,500,000' -> 7500000; '7,5' -> 7.5; '1.234.567,8' -> 1234567.8; '7.500' -> 7500 (a thousands group)."""
    compact = re.sub(r"[\s\u202f\u00a0']", "", text)
    separators = [ch for ch in compact if ch in ",."]
    if separators:
        last = separators[-1]
        head, _, tail = compact.rpartition(last)
        if len(set(separators)) == 1 and (len(separators) > 1 or len(tail) == 3):
            compact = compact.replace(last, "")  # one kind, in groups of three: thousands
        else:
            compact = head.replace(",", "").replace(".", "") + "." + tail
    try:
        return Decimal(compact)
    except InvalidOperation:
        return None


# --- the registry, applied to an event ---------------------------------------------------


def _country_field(name: str) -> bool:
    return name == "parties" or name.endswith("_iso3")


COERCERS: tuple[tuple[Callable[[str], bool], Coercer], ...] = (
    (_country_field, to_country),
    (lambda name: name in ("date_start", "date_end"), to_date),
    (lambda name: name == "currency", to_currency),
    (lambda name: name == "amount", to_amount),
)


def _coercer(name: str) -> Coercer | None:
    return _coercer_in(COERCERS, name)


@lru_cache(maxsize=512)  # bounded: the names come from the model's answer
def _coercer_in(registry: tuple[tuple[Callable[[str], bool], Coercer], ...], name: str) -> Coercer | None:
    """The registry's coercer for a field name, looked up once per name (and per registry)."""
    return next((coerce for wanted, coerce in registry if wanted(name)), None)


def coerce_event(event: dict[str, Any]) -> tuple[dict[str, Any], list[Correction]]:
    """The event with every coercible value in its right form, and a correction per changed field."""
    corrections: list[Correction] = []
    return _walk(event, "", corrections), corrections


def _walk(data: dict[str, Any], prefix: str, corrections: list[Correction]) -> dict[str, Any]:
    out = dict(data)
    for name, value in data.items():
        if name in _NOT_COERCED:
            continue
        if isinstance(value, dict):
            out[name] = _walk(value, f"{prefix}{name}.", corrections)
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out[name] = [_walk(v, f"{prefix}{name}.{i}.", corrections) for i, v in enumerate(value)]
            continue
        coerce = _coercer(name)
        if coerce is None:
            continue
        new = [coerce(v) for v in value] if isinstance(value, list) else coerce(value)
        if new != value:
            out[name] = new
            corrections.append(Correction(field=f"{prefix}{name}", model_value=value, text_value=new))
    return out


_NOT_COERCED = frozenset({"evidence", "corrections", "type"})

"""Country words derived from maintained data packages, for every country.

- English demonyms ('Spanish') and capitals ('Madrid') from countryinfo, plus
  its longer English alternative names ('Kingdom of Spain');
- capitals in fa, ar, ur, zh, fr and en from CLDR (babel): a capital that is a
  time-zone exemplar city ('Europe/Madrid') has its name in every locale
  ('مدريد', 'مادرید', 'میڈرڈ', '马德里').

A word that names two countries ('Dominican', 'Congolese') is left out: it
cannot say which. So are the capitals of countries under a million people:
'Victoria', 'Douglas', 'Hamilton', 'The Valley' are far more often a name or a
place elsewhere than a metonym for a small state. Built once per process
(about 0.2 s), on first use.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import countryinfo
from babel.dates import get_timezone_location

from extractor.mentions.currencies import LANGUAGES

# Time-zone areas whose last part is never a city.
_NOT_CITIES = ("Etc/", "SystemV/", "US/", "posix/", "right/")
# Capitals of smaller countries are not used as metonyms (see the module doc).
MIN_POPULATION_FOR_CAPITAL = 1_000_000


def _capitals_of(info: Mapping[str, Any]) -> list[str]:
    population = info.get("population")
    if not isinstance(population, int) or population < MIN_POPULATION_FOR_CAPITAL:
        return []
    return _as_list(info.get("capital"))


@lru_cache(maxsize=1)
def english_words() -> dict[str, str]:
    """Demonym, capital or long English name -> alpha-3, unambiguous ones only."""
    found: dict[str, set[str]] = defaultdict(set)
    for country in countryinfo.all_countries():
        info = country.info()
        iso3 = (info.get("ISO") or {}).get("alpha3")
        if not iso3:
            continue
        # 'Antiguan,Barbudan': one demonym per part.
        words = [*(info.get("demonym") or "").split(","), *_capitals_of(info)]
        # Codes ('ES', 'ESP') are not words of an article; long names are.
        words += [w for w in info.get("altSpellings") or () if " " in w]
        for word in words:
            if word.strip():
                found[word.strip()].add(iso3)
    return {word: next(iter(codes)) for word, codes in found.items() if len(codes) == 1}


@lru_cache(maxsize=1)
def capitals() -> dict[str, str]:
    """Capital names in the six languages and English -> alpha-3, from CLDR time-zone cities."""
    by_capital: dict[str, set[str]] = defaultdict(set)
    for country in countryinfo.all_countries():
        info = country.info()
        iso3 = (info.get("ISO") or {}).get("alpha3")
        for capital in _capitals_of(info):
            if iso3 and capital:
                by_capital[capital].add(iso3)
    found: dict[str, set[str]] = defaultdict(set)
    for zone in sorted(zoneinfo.available_timezones()):
        if "/" not in zone or zone.startswith(_NOT_CITIES):
            continue
        codes = by_capital.get(_city(zone, "en") or "")
        if not codes or len(codes) != 1:
            continue
        for lang in (*LANGUAGES, "en"):
            name = _city(zone, lang)
            if name:
                found[name].update(codes)
    return {name: next(iter(codes)) for name, codes in found.items() if len(codes) == 1}


def _city(zone: str, lang: str) -> str | None:
    try:
        return get_timezone_location(zone, locale=lang, return_city=True)
    except (LookupError, ValueError):  # a zone babel or the system does not know
        return None


def _as_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return [value] if isinstance(value, str) else []

"""Curated country aliases that no package gives: French adjectives, short
forms, irregular adjectives, capitals that are no CLDR time-zone city, Chinese
'side' words ('中方', '巴方'). The words live in `data/country_aliases.json`;
CLDR covers the country names and `country_words` the English demonyms and
the capitals in every language.

Arabic/Persian/Urdu nisba adjectives ('چینی', 'الصيني', 'الصينية') need no entry:
`countries` strips those suffixes and the Arabic article before lookup.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def _load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("extractor.mentions").joinpath("data/country_aliases.json").read_text("utf-8")
    )
    return data


_DATA = _load()
# The hand-kept words, as data (data/country_aliases.json says what belongs there).
ALIASES: dict[str, tuple[str, ...]] = {iso3: tuple(words) for iso3, words in _DATA["aliases"].items()}
# Places whose names contain a country's name ('Maryland', '马里兰'): each is read as one
# phrase that names no country, so the longest match keeps 'Mali' out of 'Maryland'.
NOT_COUNTRIES: tuple[str, ...] = tuple(_DATA.get("not_countries", ()))

# Aliases that are ordinary words in lower case ('us', 'sino'): only in capitals.
CASE_SENSITIVE = frozenset({"PRC", "UAE", "US", "U.S.", "UK"})
EXTRA_CASE_SENSITIVE: dict[str, str] = {"US": "USA", "U.S.": "USA", "UK": "GBR", "U.K.": "GBR"}

# Chinese abbreviations in compounds: '中巴' (China-Pakistan), '中美', '中俄'.
# The first character is China; the second names the partner.
ZH_PARTNERS: dict[str, str] = {
    "巴": "PAK",
    "美": "USA",
    "俄": "RUS",
    "印": "IND",
    "伊": "IRN",
    "阿": "AFG",
    "日": "JPN",
    "英": "GBR",
    "法": "FRA",
    "土": "TUR",
    "沙": "SAU",
}
# ... except where the pair starts a common unrelated word.
ZH_NOT_AFTER_PAIR = "洲东车漠"  # 中美洲 Central America, 中东 Middle East, 中巴车 minibus, 中沙漠 (desert)

"""Currency vocabulary: babel's CLDR names and symbols plus a small curated table.

CLDR gives full names ('dollar des États-Unis', 'دولار أمريكي', 'روپیهٔ پاکستان')
and symbols ('US$', 'CN¥', '€'); news prose mostly uses the bare words
('dollars', 'دلار', 'ڈالرز', '美元', 'یوان') that only the curated table has.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pycountry
from babel import Locale

from extractor.mentions._terms import fold_term

LANGUAGES = ("fa", "ar", "ur", "zh", "fr", "en")


@dataclass(frozen=True)
class Currency:
    code: str
    # Multiply amounts by this: a Persian toman is 10 Iranian rials (IRR).
    factor: int = 1
    # May stand before the number ('$30', 'USD 5 billion', 'Rs 10 crore').
    prefix: bool = False
    # ISO codes only count when written in capitals ('USD', not 'usd' in prose).
    upper: bool = False
    # Written before the number by convention (symbols, codes, 'Rs'): a number
    # right after it owns it, even when a number stands before it ('2026 $5bn').
    # Chinese names may also precede ('人民币100亿元') but usually follow
    # ('10亿美元'), so they do not lead.
    leads: bool = False
    # A bare unit ('元') that takes the currency named before the number:
    # '新台币1兆元' is TWD; alone, '100亿元' is CNY.
    unit: bool = False
    # Words shared by several currencies ('Rs', 'rupees', 'روپے': INR, PKR,
    # LKR, NPR), resolved from the article (see money.rupee_code); ``code``
    # is the reading when nothing in the article decides.
    family: str | None = None


RUPEE = "rupee"


# (terms, code, languages or None for all, prefix, factor)
_CURATED: list[tuple[tuple[str, ...], str, tuple[str, ...] | None, bool, int]] = [
    (("$", "us$", "$us", "u.s.$"), "USD", None, True, 1),
    (
        ("dollar", "dollars", "us dollar", "us dollars", "u.s. dollars", "u.s. dollar", "american dollars"),
        "USD",
        ("en",),
        False,
        1,
    ),
    (("dollar", "dollars", "dollar américain", "dollars américains"), "USD", ("fr",), False, 1),
    (("دلار", "دلار آمریکا", "دلار امریکا", "دلار آمریکایی"), "USD", ("fa",), False, 1),
    (("دولار", "دولارات", "دولاراً", "دولار أمريكي", "دولارات أمريكية"), "USD", ("ar",), False, 1),
    (("ڈالر", "ڈالرز", "امریکی ڈالر"), "USD", ("ur",), False, 1),
    (("美元", "美金"), "USD", ("zh",), True, 1),
    (("€",), "EUR", None, True, 1),
    (("euro", "euros"), "EUR", ("en", "fr"), False, 1),
    (("یورو",), "EUR", ("fa", "ur"), False, 1),
    (("يورو",), "EUR", ("ar",), False, 1),
    (("欧元",), "EUR", ("zh",), True, 1),
    (("新台币", "台币", "新台币元"), "TWD", ("zh",), True, 1),
    (("港币", "港元"), "HKD", ("zh",), True, 1),
    (("令吉", "林吉特", "马币"), "MYR", ("zh",), True, 1),
    (("英镑",), "GBP", ("zh",), True, 1),
    (("rmb",), "CNY", None, True, 1),
    (("yuan", "yuans", "renminbi"), "CNY", ("en", "fr"), False, 1),
    (("یوان", "یوآن", "یوان چین"), "CNY", ("fa", "ur"), False, 1),
    (("يوان", "يوان صيني"), "CNY", ("ar",), False, 1),
    (("人民币", "人民币元", "元人民币"), "CNY", ("zh",), True, 1),
    (("元", "圆"), "CNY", ("zh",), False, 1),  # a unit: see _UNITS
    (("¥",), "CNY", ("zh",), True, 1),
    (("¥",), "JPY", ("en", "fr", "fa", "ar", "ur"), True, 1),
    (("rs", "rs."), "PKR", None, True, 1),
    (("rupee", "rupees", "roupie", "roupies"), "PKR", ("en", "fr"), False, 1),
    (("روپے", "روپیہ", "روپیے", "روپوں", "روپیوں"), "PKR", ("ur",), False, 1),
    (("روپیه",), "PKR", ("fa",), False, 1),
    (("روبية", "روبيات"), "PKR", ("ar",), False, 1),
    (("卢比",), "PKR", ("zh",), True, 1),
    (("£",), "GBP", None, True, 1),
    (("pound sterling", "pounds sterling", "livre sterling", "livres sterling"), "GBP", None, False, 1),
    (("rial", "rials"), "IRR", ("en", "fr"), False, 1),
    (("ریال",), "IRR", ("fa",), False, 1),
    # The toman is not an ISO currency: amounts are converted to rials.
    (("تومان",), "IRR", ("fa",), False, 10),
    (("riyal", "riyals"), "SAR", ("en", "fr"), False, 1),
    (("ريال",), "SAR", ("ar",), False, 1),
    (("yen",), "JPY", ("en", "fr"), False, 1),
    (("日元", "日圆"), "JPY", ("zh",), True, 1),
    (("ruble", "rubles", "rouble", "roubles"), "RUB", ("en", "fr"), False, 1),
]


# Symbols and codes lead their number; Chinese names only may ('人民币100亿元').
_LEADING = {"$", "us$", "$us", "u.s.$", "€", "rmb", "¥", "rs", "rs.", "£"}
_UNITS = {"元", "圆"}
_RUPEE_CODES = {"PKR", "INR", "LKR", "NPR"}


def _babel_entries(lang: str) -> dict[str, Currency]:
    """Full names (and plurals) of current currencies, and unambiguous symbols."""
    current = {c.alpha_3 for c in pycountry.currencies}
    locale = Locale.parse(lang)
    table: dict[str, Currency] = {}
    for code, name in locale.currencies.items():
        if code in current:
            # Chinese writes a currency name before the number too ('新台币1兆').
            table[fold_term(name)] = Currency(code, prefix=lang == "zh")
    for code, forms in locale._data["currency_names_plural"].items():
        if code in current:
            for name in forms.values():
                table[fold_term(name)] = Currency(code)
    by_symbol: dict[str, set[str]] = {}
    for code, symbol in locale.currency_symbols.items():
        if code in current and not symbol.isalpha():  # 'US$', 'CN¥', '€', not 'PKR'
            by_symbol.setdefault(fold_term(symbol), set()).add(code)
    for symbol, codes in by_symbol.items():
        if len(codes) == 1 and symbol:
            table[symbol] = Currency(codes.pop(), prefix=True, leads=True)
    return table


@lru_cache(maxsize=8)
def currency_table(lang: str | None) -> dict[str, Currency]:
    """Folded term -> currency, for one language (or all six when unknown)."""
    langs = LANGUAGES if lang not in LANGUAGES else (lang,)
    table: dict[str, Currency] = {}
    for code in sorted(c.alpha_3 for c in pycountry.currencies):
        table[code.lower()] = Currency(code, prefix=True, upper=True, leads=True)
    for each in langs:
        table.update(_babel_entries(each))
    # Curated entries win over babel.  With an unknown language, a term shared
    # by several languages keeps the meaning listed first ('ریال' -> IRR,
    # '¥' -> CNY).
    curated: set[str] = set()
    for terms, code, only, prefix, factor in _CURATED:
        if only is not None and not set(only) & set(langs):
            continue
        for term in terms:
            folded = fold_term(term)
            if folded in curated:
                continue
            curated.add(folded)
            table[folded] = Currency(
                code,
                factor=factor,
                prefix=prefix,
                leads=term in _LEADING,
                unit=term in _UNITS,
                family=RUPEE if code in _RUPEE_CODES else None,
            )
    table.pop("", None)
    return table

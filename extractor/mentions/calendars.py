"""Calendar vocabulary: month, weekday and ordinal words per language.

Gregorian month and weekday names come from CLDR via babel; Solar Hijri month
names from jdatetime and lunar Hijri ones from hijridate.  The curated part is
limited to what those libraries lack: Levantine/Maghrebi month names, Chinese
weekday short forms, ordinal day words, and words meaning today/yesterday.
"""

from __future__ import annotations

from functools import lru_cache

import hijridate
import jdatetime
from babel import Locale

from extractor.mentions.currencies import LANGUAGES
from extractor.mentions.numerals import CARDINALS

_EXTRA_MONTHS: dict[str, dict[str, int]] = {
    "en": {"sept": 9},
    # Colloquial Persian "می" (May) is left out: it is also the verb prefix.
    "fa": {"جولای": 7, "آگوست": 8, "ژوئیه": 7},
    "ar": {
        # Levantine and Iraqi names
        "كانون الثاني": 1,
        "شباط": 2,
        "آذار": 3,
        "نيسان": 4,
        "أيار": 5,
        "حزيران": 6,
        "تموز": 7,
        "آب": 8,
        "أيلول": 9,
        "تشرين الأول": 10,
        "تشرين الثاني": 11,
        "كانون الأول": 12,
        # Maghrebi names
        "جانفي": 1,
        "فيفري": 2,
        "أفريل": 4,
        "ماي": 5,
        "جوان": 6,
        "جويلية": 7,
        "أوت": 8,
        "ابريل": 4,
        "إبريل": 4,
    },
}
# Abbreviations collide with words in fa/ar/ur/zh, so only en and fr use them.
_ABBREVIATED = {"en", "fr"}

_HIJRI_EXTRA = {"ربيع الآخر": 4, "جمادى الأول": 5, "جمادى الثانية": 6, "ذي القعدة": 11, "ذي الحجة": 12}


@lru_cache(maxsize=8)
def gregorian_months(lang: str) -> dict[str, int]:
    locale = Locale.parse(lang)
    names: dict[str, int] = {}
    widths = ("wide", "abbreviated") if lang in _ABBREVIATED else ("wide",)
    for context in ("format", "stand-alone"):
        for width in widths:
            for number, name in locale.months[context][width].items():
                if not name[0].isdigit():  # zh abbreviations are '1月'
                    names[name] = number
                    names[name.rstrip(".")] = number
    names.update(_EXTRA_MONTHS.get(lang, {}))
    return names


def solar_months() -> dict[str, int]:
    names = {name: number for number, name in enumerate(jdatetime.date.j_months_fa, 1)}
    names["امرداد"] = 5
    return names


def hijri_months() -> dict[str, int]:
    names = {hijridate.Hijri(1447, m, 1).month_name("ar"): m for m in range(1, 13)}
    names.update(_HIJRI_EXTRA)
    return names


_ZH_WEEKDAYS = {f"{prefix}{day}": i for prefix in ("星期", "周", "礼拜") for i, day in enumerate("一二三四五六日")}
_ZH_WEEKDAYS.update({"星期天": 6, "礼拜天": 6})


@lru_cache(maxsize=8)
def weekdays(lang: str) -> dict[str, int]:
    """Weekday name -> Python weekday (Monday = 0)."""
    names = {name: number for number, name in Locale.parse(lang).days["format"]["wide"].items()}
    if lang == "zh":
        names.update(_ZH_WEEKDAYS)
    if lang == "fa":
        names["یک شنبه"] = 6
        names["سه شنبه"] = 1
        names["چهار شنبه"] = 2
        names["پنج شنبه"] = 3
    return names


# Words before a weekday that say nothing about direction: 'on Monday', 'يوم الاثنين'.
WEEKDAY_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": ("on",),
    "fr": ("le",),
    "fa": ("روز", "در روز"),
    "ar": ("يوم", "اليوم", "في يوم"),
    "ur": ("بروز",),
    "zh": (),
}
# Direction words around a weekday: -1 last, +1 next.
WEEKDAY_MODIFIERS_BEFORE: dict[str, dict[str, int]] = {
    "en": {"last": -1, "next": 1, "this": 0},
    "fr": {},
    "fa": {},
    "ar": {},
    "ur": {},
    "zh": {"上": -1, "下": 1, "本": 0, "这": 0},
}
WEEKDAY_MODIFIERS_AFTER: dict[str, dict[str, int]] = {
    "en": {},
    "fr": {"dernier": -1, "prochain": 1},
    "fa": {"گذشته": -1, "پیش": -1, "قبل": -1, "آینده": 1, "بعد": 1},
    "ar": {"الماضي": -1, "المنصرم": -1, "الفائت": -1, "المقبل": 1, "القادم": 1},
    "ur": {"گزشتہ": -1, "آئندہ": 1},
    "zh": {},
}

# today / yesterday / tomorrow, as day offsets from the publication date.
DAY_WORDS: dict[str, dict[str, int]] = {
    "en": {"today": 0, "yesterday": -1, "tomorrow": 1},
    "fr": {"aujourd'hui": 0, "hier": -1, "demain": 1, "avant-hier": -2, "après-demain": 2},
    "fa": {"امروز": 0, "دیروز": -1, "فردا": 1, "پریروز": -2, "پس فردا": 2},
    "ar": {"اليوم": 0, "أمس": -1, "الأمس": -1, "البارحة": -1, "غدا": 1, "غداً": 1},
    "ur": {"آج": 0},  # Urdu 'کل' is both yesterday and tomorrow: left out.
    "zh": {"今天": 0, "昨天": -1, "明天": 1, "前天": -2, "后天": 2, "今日": 0, "昨日": -1},
}

_EN_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]


def _persian_ordinal(n: int) -> list[str]:
    special = {1: ["یکم", "اول", "نخست"], 2: ["دوم"], 3: ["سوم"], 30: ["سیام", "سی ام"]}
    if n in special:
        return special[n]
    words = {v: w for w, v in CARDINALS["fa"].items() if isinstance(v, int)}
    if n in words:
        return [words[n] + "م"]
    tens, unit = divmod(n, 10)
    return [f"{words[tens * 10]} و {_persian_ordinal(unit)[0]}"]


@lru_cache(maxsize=8)
def ordinals(lang: str) -> dict[str, int]:
    """Day ordinal words: 'سوم' 3, 'third' 3, 'premier' 1, 'الأول' 1."""
    table: dict[str, int] = {}
    if lang == "fa":
        for n in range(1, 32):
            table.update(dict.fromkeys(_persian_ordinal(n), n))
    elif lang == "en":
        table.update({w: i for i, w in enumerate(_EN_ORDINALS, 1)})
        for i, w in enumerate(_EN_ORDINALS[:9], 1):
            table[f"twenty-{w}"] = 20 + i
            table[f"twenty {w}"] = 20 + i
        table.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})
    elif lang == "fr":
        table["premier"] = 1
    elif lang == "ar":
        arabic = [
            "الأول",
            "الثاني",
            "الثالث",
            "الرابع",
            "الخامس",
            "السادس",
            "السابع",
            "الثامن",
            "التاسع",
            "العاشر",
        ]
        table.update({w: i for i, w in enumerate(arabic, 1)})
    return table


def all_languages(lang: str | None) -> tuple[str, ...]:
    return (lang,) if lang in LANGUAGES else LANGUAGES

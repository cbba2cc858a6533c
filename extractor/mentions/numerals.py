"""Number words, scale words and numeral parsing for the six languages.

Data is written in natural spelling and folded at lookup time (see `_terms`).
Values are `Decimal` so that '16.2亿' is exactly 1620000000.
"""

from __future__ import annotations

import re
from decimal import Decimal

# --- cardinal number words ---------------------------------------------------

_EN = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_FR = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
]

CARDINALS: dict[str, dict[str, float]] = {
    "en": {
        **{w: i for i, w in enumerate(_EN)},
        **{w: 20 + 10 * i for i, w in enumerate(_EN_TENS)},
    },
    "fr": {
        **{w: i for i, w in enumerate(_FR)},
        "une": 1,
        "vingt": 20,
        "vingts": 20,
        "trente": 30,
        "quarante": 40,
        "cinquante": 50,
        "soixante": 60,
        # French 70/80/90 are not additive ('soixante-dix' = 60 + 10 collides on the tens).
        "soixante-dix": 70,
        "soixante dix": 70,
        "quatre-vingt": 80,
        "quatre-vingts": 80,
        "quatre-vingt-dix": 90,
    },
    "fa": {
        "یک": 1,
        "دو": 2,
        "سه": 3,
        "چهار": 4,
        "پنج": 5,
        "شش": 6,
        "هفت": 7,
        "هشت": 8,
        "نه": 9,
        "ده": 10,
        "یازده": 11,
        "دوازده": 12,
        "سیزده": 13,
        "چهارده": 14,
        "پانزده": 15,
        "شانزده": 16,
        "هفده": 17,
        "هجده": 18,
        "هیجده": 18,
        "نوزده": 19,
        "بیست": 20,
        "سی": 30,
        "چهل": 40,
        "پنجاه": 50,
        "شصت": 60,
        "هفتاد": 70,
        "هشتاد": 80,
        "نود": 90,
        "یکصد": 100,
        "دویست": 200,
        "سیصد": 300,
        "چهارصد": 400,
        "پانصد": 500,
        "ششصد": 600,
        "هفتصد": 700,
        "هشتصد": 800,
        "نهصد": 900,
    },
    "ar": {
        "واحد": 1,
        "واحدة": 1,
        "اثنان": 2,
        "اثنين": 2,
        "اثنتان": 2,
        "اثنتين": 2,
        "ثلاث": 3,
        "ثلاثة": 3,
        "أربع": 4,
        "أربعة": 4,
        "خمس": 5,
        "خمسة": 5,
        "ست": 6,
        "ستة": 6,
        "سبع": 7,
        "سبعة": 7,
        "ثمان": 8,
        "ثماني": 8,
        "ثمانية": 8,
        "تسع": 9,
        "تسعة": 9,
        "عشر": 10,
        "عشرة": 10,
        "أحد عشر": 11,
        "إحدى عشرة": 11,
        "اثنا عشر": 12,
        "اثني عشر": 12,
        "عشرون": 20,
        "عشرين": 20,
        "ثلاثون": 30,
        "ثلاثين": 30,
        "أربعون": 40,
        "أربعين": 40,
        "خمسون": 50,
        "خمسين": 50,
        "ستون": 60,
        "ستين": 60,
        "سبعون": 70,
        "سبعين": 70,
        "ثمانون": 80,
        "ثمانين": 80,
        "تسعون": 90,
        "تسعين": 90,
        "مئتان": 200,
        "مئتين": 200,
        "مائتان": 200,
        "مائتين": 200,
        "ثلاثمئة": 300,
        "ثلاثمائة": 300,
        "أربعمئة": 400,
        "أربعمائة": 400,
        "خمسمئة": 500,
        "خمسمائة": 500,
        "ستمئة": 600,
        "ستمائة": 600,
        "سبعمئة": 700,
        "سبعمائة": 700,
        "ثمانمئة": 800,
        "ثمانمائة": 800,
        "تسعمئة": 900,
        "تسعمائة": 900,
    },
    "ur": {
        "ایک": 1,
        "دو": 2,
        "تین": 3,
        "چار": 4,
        "پانچ": 5,
        "چھ": 6,
        "چھے": 6,
        "سات": 7,
        "آٹھ": 8,
        "نو": 9,
        "دس": 10,
        "گیارہ": 11,
        "بارہ": 12,
        "تیرہ": 13,
        "چودہ": 14,
        "پندرہ": 15,
        "سولہ": 16,
        "سترہ": 17,
        "اٹھارہ": 18,
        "انیس": 19,
        "بیس": 20,
        "پچیس": 25,
        "تیس": 30,
        "پینتیس": 35,
        "چالیس": 40,
        "پچاس": 50,
        "ساٹھ": 60,
        "ستر": 70,
        "اسی": 80,
        "نوے": 90,
        # Fractional words used before scales: 'ڈیڑھ ارب' = 1.5 billion.
        "ڈیڑھ": 1.5,
        "ڈھائی": 2.5,
    },
}
# Arabic writes 'and' glued to the next number: 'خمسة وعشرون'.
for _word, _value in list(CARDINALS["ar"].items()):
    if _value >= 20 and _value % 10 == 0 and _value < 100:
        CARDINALS["ar"]["و" + _word] = _value

# Words that multiply the number before them by 100 (or mean 100 alone).
HUNDREDS: dict[str, set[str]] = {
    "en": {"hundred"},
    "fr": {"cent", "cents"},
    "fa": {"صد"},
    "ar": {"مئة", "مائة"},
    "ur": {"سو"},
}

# 'a billion dollars': the article counts as 1, but only right before a scale.
ONE_BEFORE_SCALE: dict[str, set[str]] = {"en": {"a", "an"}}

# --- scale words ---------------------------------------------------------------
# value, and whether the word may stand without a number ('مليار دولار' is one
# billion; 'ملياري' is the dual, two billion).  Plural forms ('billions',
# 'میلیاردها', 'مليارات' without a number) are vague and never stand alone.

BARE = "bare"
DUAL = "dual"

SCALES: dict[str, dict[str, tuple[float, str | None]]] = {
    "en": {
        "thousand": (1e3, None),
        "million": (1e6, None),
        "billion": (1e9, None),
        "trillion": (1e12, None),
        "k": (1e3, None),
        "m": (1e6, None),
        "mn": (1e6, None),
        "mln": (1e6, None),
        "b": (1e9, None),
        "bn": (1e9, None),
        "tn": (1e12, None),
        "trn": (1e12, None),
        "lakh": (1e5, None),
        "lakhs": (1e5, None),
        "crore": (1e7, None),
        "crores": (1e7, None),
    },
    "fr": {
        "mille": (1e3, BARE),
        "million": (1e6, None),
        "millions": (1e6, None),
        "milliard": (1e9, None),
        "milliards": (1e9, None),
        # A French 'billion' is 10^12 (long scale).
        "billion": (1e12, None),
        "billions": (1e12, None),
        "md": (1e9, None),
        "mds": (1e9, None),
        "mrd": (1e9, None),
        "m": (1e6, None),
        "k": (1e3, None),
    },
    "fa": {
        "هزار": (1e3, BARE),
        "میلیون": (1e6, None),
        "ملیون": (1e6, None),
        "میلیارد": (1e9, None),
        "ملیارد": (1e9, None),
        "بیلیون": (1e9, None),
        "تریلیون": (1e12, None),
    },
    "ar": {
        "ألف": (1e3, BARE),
        "آلاف": (1e3, None),
        "ألفا": (1e3, None),
        "ألفان": (1e3, DUAL),
        "ألفين": (1e3, DUAL),
        "ألفي": (1e3, DUAL),
        "مليون": (1e6, BARE),
        "ملايين": (1e6, None),
        "مليونا": (1e6, None),
        "مليونان": (1e6, DUAL),
        "مليونين": (1e6, DUAL),
        "مليوني": (1e6, DUAL),
        "مليار": (1e9, BARE),
        "مليارات": (1e9, None),
        "مليارا": (1e9, None),
        "ملياران": (1e9, DUAL),
        "مليارين": (1e9, DUAL),
        "ملياري": (1e9, DUAL),
        "بليون": (1e9, BARE),
        "بلايين": (1e9, None),
        "تريليون": (1e12, BARE),
        "تريليونات": (1e12, None),
    },
    "ur": {
        "ہزار": (1e3, None),
        "لاکھ": (1e5, None),
        "کروڑ": (1e7, None),
        "ارب": (1e9, None),
        "کھرب": (1e11, None),
        "ملین": (1e6, None),
        "بلین": (1e9, None),
        "ٹریلین": (1e12, None),
    },
    # 兆 is 10^12 in money amounts ('新台币1兆6,200亿元', Taiwan and Japan usage).
    "zh": {"千": (1e3, None), "万": (1e4, None), "亿": (1e8, None), "兆": (1e12, None)},
}

# Words joining parts of one number: 'twenty-five', 'سی و پنج', 'یک میلیارد و ۲۰۰ میلیون'.
JOINERS: dict[str, set[str]] = {
    "en": {"-", "and"},
    "fr": {"-", "et"},
    "fa": {"و"},
    "ar": {"و"},
    "ur": {"و"},
    "zh": set(),
}

# Chinese: '30多亿' / '30余亿' = more than 3 billion.
MORE_INSIDE: dict[str, set[str]] = {"zh": {"多", "余"}}

# --- parsing -------------------------------------------------------------------

# Text is folded first, so traditional forms (億, 萬, 兩) arrive simplified.
ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,  # a white circle often stands for 〇 ('二○二六')
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
ZH_BIG = {"万": 10**4, "亿": 10**8, "兆": 10**12}
ZH_NUMERAL = re.compile("[" + "".join([*ZH_DIGITS, *ZH_UNITS, *ZH_BIG]) + "]+")


def parse_digits(token: str) -> Decimal:
    """Parse ASCII digits with ',' '.' or ' ' separators (already folded).

    One separator kind occurring once and followed by exactly three digits is a
    thousands separator ('1,500', '1.500'); otherwise a single separator is a
    decimal mark ('16.2', '1,5').  With both kinds, the last one is decimal.
    """
    token = token.replace(" ", "")
    commas, dots = token.count(","), token.count(".")
    if commas and dots:
        decimal_mark = "," if token.rfind(",") > token.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        return Decimal(token.replace(thousands, "").replace(decimal_mark, "."))
    for mark, count in ((",", commas), (".", dots)):
        if count > 1:
            return Decimal(token.replace(mark, ""))
        if count == 1:
            head, tail = token.split(mark)
            if len(tail) == 3 and 1 <= len(head) <= 3 and head != "0":
                return Decimal(head + tail)
            return Decimal(head + "." + tail)
    return Decimal(token)


def parse_chinese(numeral: str) -> int:
    """Parse a Chinese numeral such as '三十', '一万亿', '三亿五千万', '一兆六千二百亿'.

    A big unit (万, 亿, 兆) multiplies everything written since the last
    bigger unit: '一万亿' = 10^4 * 10^8, while in '一兆六千二百亿' the 亿 only
    scales 六千二百 and the 兆 group is kept whole.
    """
    groups: list[tuple[int, int]] = []  # (value, big unit) in writing order
    section = number = 0
    for char in numeral:
        if char in ZH_DIGITS:
            # Digits written one after another are positional: '二〇〇亿' = 200亿.
            number = number * 10 + ZH_DIGITS[char]
        elif char in ZH_UNITS:
            section += (number or 1) * ZH_UNITS[char]
            number = 0
        else:
            unit = ZH_BIG[char]
            chunk = section + number
            while groups and groups[-1][1] < unit:
                chunk += groups.pop()[0]
            groups.append(((chunk or 1) * unit, unit))
            section = number = 0
    return sum(value for value, _ in groups) + section + number


def places_disjoint(a: float, b: float) -> bool:
    """True when two number words can be added ('twenty'+'five', 'خمسة'+'عشرون').

    Words combine only when they fill different decimal places; teens fill both
    the units and the tens, so 'twenty' + 'thirty' or 'ten' + 'twenty' never add.
    """

    def places(value: float) -> set[int]:
        n = int(value)
        if n != value:
            return {0, 1, 2}
        if 10 < n % 100 < 20:
            return {0, 1} | ({2} if n >= 100 else set())
        return {i for i, digit in enumerate(reversed(str(n))) if digit != "0"}

    return not places(a) & places(b)

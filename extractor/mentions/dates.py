"""Date mentions in fa, ar, ur, zh, fr and en, resolved to ISO dates.

Covered: day-month(-year) in the Gregorian, Solar Hijri (jdatetime) and lunar
Hijri (hijridate) calendars, with digits or ordinal words ('سوم', 'third',
'premier'); ranges ('from 3 to 5 January', 'از سوم تا پنجم ژانویه ۲۰۲۶',
'من 3 إلى 5 يناير', '1月3日至5日'); month-year; ISO and Chinese dates;
weekdays; today/yesterday/tomorrow; 'N days ago' (resolved by dateparser).

Rules (the tests pin each of them down):
  * A single day has ``date_end = None``; a range or a month has both ends.
  * A bare year ('۲۰۲۶', '2025–2029') is NOT a date mention: it is too often a
    plan name, a count or a period, and the record has no field to say 'only
    the year is known'.  Years in phrases such as 'عام 2026' still serve as
    context (next rule).
  * Missing year: with a publication date, the year that puts the date
    nearest to it (a December article's '5 January' is next year).  Without
    one, the year written elsewhere in the article ('في عام 2026', or the year
    of a full date), if exactly one distinct year is written that way; else the
    mention is kept with ``date_start = None`` (``month``/``day`` still set).
  * A weekday next to an explicit day ('on Sunday, January 4', 'الأحد 4
    يناير', '1月4日（周日）') is that day, whatever the reference date says.
  * Other weekdays: the most recent such weekday on or before the reference date
    ('last' / 'الماضي' = strictly before, 'next' / 'المقبل' = strictly after).
    A bare weekday (no 'last'/'next') also carries ``ahead``, the first such
    weekday on or after the reference: repair reads a planned event's weekday
    forward.
    The reference is the publication date, or else the latest day-precise date
    the article itself mentions (an article is written after what it reports).
    Arabic 'الاثنين' alone also means 'the two', so it needs 'يوم' before it.
  * today/yesterday/tomorrow and 'N days ago' need the publication date.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from itertools import compress

import dateparser
import hijridate
import jdatetime

from extractor.mentions import calendars as C
from extractor.mentions._terms import LETTER, PhraseTable, fold_term, is_cjk, pieces, tokenize
from extractor.mentions.numerals import CARDINALS, ZH_NUMERAL, parse_chinese
from extractor.text.fold import Folded, fold


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int
    end: int
    date_start: str | None
    date_end: str | None
    # Known parts when the year could not be inferred (date_start is None).
    month: int | None = field(default=None, compare=False)
    day: int | None = field(default=None, compare=False)
    # What was written: "day", "range", "month" (a whole month: it never confirms
    # a single day), "weekday" or "relative" (today, 3 days ago).
    kind: str = field(default="day", compare=False)
    # A bare weekday read forward (on or after the reference date); None otherwise.
    ahead: str | None = field(default=None, compare=False)
    # False when the year was not written but inferred (from the publication date
    # or the article's other years): only the month and day are the text's.
    year_given: bool = field(default=True, compare=False)


_GREGORIAN, _SOLAR, _HIJRI = "gregorian", "solar", "hijri"
_YEAR_RANGE = {_GREGORIAN: (1900, 2199), _SOLAR: (1300, 1499), _HIJRI: (1350, 1500)}

_CONNECTORS = [
    "-",
    "to",
    "through",
    "until",
    "till",
    "and",
    "au",
    "et",
    "jusqu'au",
    "تا",
    "الی",
    "إلى",
    "حتى",
    "و",
    "سے",
    "至",
    "到",
    "~",
]
_STARTERS = ["from", "between", "du", "entre", "از", "من", "بين", "بین"]
_YEAR_WORDS = ["سال", "عام", "العام", "سنة", "year", "in", "en", "l'an", "année", "برس", "سن"]

# Window around each anchor: longer than any date expression on either side.
_WINDOW = 100
# Anchors of 'N days ago'; the numeric dates (ISO, d/m/y, Chinese) are anchored by a
# digit next to '-', '/' or a date sign ('年月日号天'), see `_digit_anchors`.
_ANCHOR_EXTRA = ["ago", "jours", "روز", "أيام", "يوما", "يومين", "دن", "天前"]
# A day number; Arabic glues 'و' (and) to it: 'بين 3 و5 يناير'.
_DAYNUM = r"(?<![\d.,_])(?<![^\W\dو])(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|er|re|eme|e)?(?!\w)"
_YEAR = r"(?<![\w.,])\d{4}(?!\d)(?: ?(?:م|ه|ش|ق)(?![^\W\d_]))?"
# What may stand between a weekday and the explicit day it names: 'Sunday, January 4',
# 'الأحد، 4 يناير', '1月4日（周日）', 'dimanche le 4 janvier'.
_WEEKDAY_GLUE = re.compile(r"[\s,،.()（）\[\]-]*(?:(?:the|le) ?)?[\s,،()（）]*")


def _compact_alternation(terms: Iterable[str]) -> str:
    """The regex of `_terms.alternation`, with each word boundary written once per
    run of consecutive terms that need the same ones instead of once per term.

    Same alternatives in the same order, so the same matches: a lookaround depends
    only on the position, and backtracking into ``(?:a|b)`` tries ``b`` where
    ``a|b`` would.  It compiles about three times faster, and compiling the
    patterns is most of what a language's first article costs.
    """
    unique = sorted({t for t in terms if t}, key=lambda t: (-len(t), t))
    runs: list[tuple[tuple[bool, bool], list[str]]] = []
    for term in unique:
        edges = (_needs_boundary(term[0]), _needs_boundary(term[-1]))
        if runs and runs[-1][0] == edges:
            runs[-1][1].append(term)
        else:
            runs.append((edges, [term]))
    parts = []
    for (before, after), run in runs:
        body = "|".join(map(re.escape, run))
        if len(run) > 1 and (before or after):
            body = f"(?:{body})"
        parts.append(f"{f'(?<!{LETTER})' if before else ''}{body}{f'(?!{LETTER})' if after else ''}")
    return "|".join(parts) or "(?!)"


def _needs_boundary(char: str) -> bool:
    # As `_terms.term_pattern` decides.
    return char.isalpha() and not is_cjk(char)


# --- where a pattern can start ------------------------------------------------
# Trying each long date regex at every character of the anchor windows cost
# milliseconds per article.  Every match starts at a word of a known list (a month
# name, a weekday, 'from', an ordinal...), at the first digit of a run, or in a
# digit run right before '月' / '天前'; so each pattern is tried only at such
# positions.  These are a superset of where `finditer` could match, and trying
# them left to right, skipping those inside the previous match, yields exactly
# what `finditer` yields (tests/mentions/test_dates.py checks it on generated text).


@dataclass(frozen=True, eq=False)  # compared by identity: cheap to look up per article
class _Starts:
    # First tokens of the words a match may begin with.  A folded word that starts
    # with a letter has a word boundary before it in the regex (`term_pattern`), or
    # is a CJK character, a token of its own; either way it begins a token, and
    # that token is the word's own first token.
    words: frozenset[str] = frozenset()
    digits: bool = False  # the first digit of a run (the patterns refuse a digit before)
    # Each occurrence of `before`, and the positions in the run of `run` characters
    # (at most `reach` of them; None: any) right before it: '2026年1月' may start
    # 7 characters before '月'.
    before: str = ""
    run: str = ""
    reach: int | None = None
    everywhere: bool = False  # no such rule: try every position


_EVERYWHERE = _Starts(everywhere=True)
_DIGITS = "0123456789"  # folding turns every script's digits into these


def _starts(*parts: _Starts) -> _Starts:
    """Where a match of optional parts followed by a required one starts: any part's start."""
    if any(s.everywhere for s in parts):
        return _EVERYWHERE
    return _Starts(frozenset().union(*(s.words for s in parts)), any(s.digits for s in parts))


def _words(terms: Iterable[str]) -> _Starts:
    terms = list(terms)
    if not all(term[:1].isalpha() for term in terms):
        return _EVERYWHERE  # a word boundary is only put before a letter
    return _Starts(frozenset(tokenize(term)[0].text for term in terms))


def _folded_words(terms: Iterable[str]) -> _Starts:
    return _words(fold_term(t) for t in terms)


_DIGIT_START = _Starts(digits=True)


@dataclass(frozen=True, eq=False)
class _Pattern:
    kind: str
    cal: str
    source: str
    starts: _Starts
    # Words of which every match contains one (a month name of its calendar): a
    # window without any is skipped.
    needs: _Starts | None = None

    @cached_property
    def regex(self) -> re.Pattern[str]:
        # Compiled on first use: a language's patterns take tens of milliseconds to
        # compile, and most articles need only a few of them.
        return re.compile(self.source)


@dataclass(frozen=True)
class _Grammar:
    patterns: list[_Pattern]
    months: dict[str, dict[str, int]]  # calendar -> folded name -> month
    days: dict[str, int]  # folded ordinal word -> day
    weekdays: dict[str, int]
    before: dict[str, int]
    after: dict[str, int]
    day_words: dict[str, int]
    year_context: _Pattern
    anchors: PhraseTable[bool]  # words every date pattern needs: month, weekday, ...
    anchor_firsts: frozenset[str]  # the first tokens of the anchor words
    first_words: frozenset[str]  # every pattern's `_Starts.words`


def _folded_map(table: dict[str, int]) -> dict[str, int]:
    return {fold_term(k): v for k, v in table.items()}


@lru_cache(maxsize=8)
def _grammar(lang: str | None) -> _Grammar:
    return _build_grammar(lang, _compact_alternation)


def _build_grammar(lang: str | None, alternation: Callable[[Iterable[str]], str]) -> _Grammar:
    """The patterns and tables for ``lang``, with ``alternation`` writing the word lists."""

    def folded_alt(terms: Iterable[str]) -> str:
        return alternation(fold_term(t) for t in terms)

    langs = C.all_languages(lang)
    months = {_GREGORIAN: {}, _SOLAR: {}, _HIJRI: {}}  # type: dict[str, dict[str, int]]
    for each in langs:
        months[_GREGORIAN].update(_folded_map(C.gregorian_months(each)))
    if lang in ("fa", None):
        months[_SOLAR] = _folded_map(C.solar_months())
    if lang in ("fa", "ar", "ur", None):
        months[_HIJRI] = _folded_map(C.hijri_months())
    days: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    day_words: dict[str, int] = {}
    prefixes: list[str] = []
    for each in langs:
        days.update(_folded_map(C.ordinals(each)))
        weekdays.update(_folded_map(C.weekdays(each)))
        before.update(_folded_map(C.WEEKDAY_MODIFIERS_BEFORE[each]))
        after.update(_folded_map(C.WEEKDAY_MODIFIERS_AFTER[each]))
        day_words.update(_folded_map(C.DAY_WORDS[each]))
        prefixes.extend(C.WEEKDAY_PREFIXES[each])

    day = f"(?:{_DAYNUM}|{alternation(days)})" if days else _DAYNUM
    conn = folded_alt(_CONNECTORS)
    start = folded_alt(_STARTERS)
    of = r"(?:(?:of|de|من) )?"
    day_starts = _starts(_folded_words(_STARTERS), _DIGIT_START, _words(days))
    bare_day_starts = _starts(_DIGIT_START, _words(days))
    patterns: list[_Pattern] = []
    for cal, names in months.items():
        if not names:
            continue
        month = alternation(names)
        name_starts = _words(names)
        month_starts = _starts(_folded_words(_STARTERS), name_starts)
        y1 = rf"(?:,? (?P<y1>{_YEAR}))?"
        y2 = rf"(?:,? (?P<y2>{_YEAR}))?"
        patterns += [
            _Pattern(
                "range",
                cal,
                (
                    rf"(?:(?:{start}) )?(?P<d1>{day}) (?P<m1>{month}){y1}"
                    rf" ?(?:{conn}) ?(?P<d2>{day}) (?P<m2>{month}){y2}"
                ),
                day_starts,
                name_starts,
            ),
            _Pattern(
                "range",
                cal,
                rf"(?:(?:{start}) )?(?P<d1>{day}) ?(?:{conn}) ?(?P<d2>{day}) {of}(?P<m2>{month}){y2}",
                day_starts,
                name_starts,
            ),
            _Pattern(
                "range",
                cal,
                rf"(?:(?:{start}) )?(?P<m2>{month}) (?P<d1>{_DAYNUM}) ?(?:{conn}) ?(?P<d2>{_DAYNUM}){y2}",
                month_starts,
            ),
            _Pattern("day", cal, rf"(?P<d1>{day}) {of}(?P<m1>{month}){y1}", bare_day_starts, name_starts),
            _Pattern("day", cal, rf"(?P<m1>{month}) (?P<d1>{_DAYNUM}){y1}", name_starts),
            _Pattern("month", cal, rf"(?P<m1>{month}),? (?P<y1>{_YEAR})", name_starts),
        ]
    # '2026年1月5日' starts at most 7 characters before its first '月'.
    before_yue = _Starts(before="月", run=_DIGITS + "年", reach=7)
    patterns += [
        _Pattern(
            "day",
            _GREGORIAN,
            r"(?<![\d-])(?P<y1>\d{4})-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})(?![\d-])",
            _DIGIT_START,
        ),
        _Pattern(
            "day",
            _GREGORIAN,
            r"(?<![\d/])(?P<d1>\d{1,2})/(?P<m1>\d{1,2})/(?P<y1>\d{4})(?![\d/])",
            _DIGIT_START,
        ),
        _Pattern(
            "range",
            _GREGORIAN,
            (
                r"(?:(?P<y2>\d{4})年)?(?P<m1>\d{1,2})月(?P<d1>\d{1,2})[日号]?(?:至|到|-|~)(?:(?P<m2>\d{1,2})月)?(?P<d2>\d{1,2})[日号]"
            ),
            before_yue,
        ),
        _Pattern("day", _GREGORIAN, r"(?:(?P<y1>\d{4})年)?(?P<m1>\d{1,2})月(?P<d1>\d{1,2})[日号]", before_yue),
        _Pattern("month", _GREGORIAN, r"(?P<y1>\d{4})年(?P<m1>\d{1,2})月(?!\d)", before_yue),
    ]
    weekday = (
        rf"(?:(?P<pre>{folded_alt(prefixes)}) )?(?:(?P<before>{alternation(before)}) ?)?"
        rf"(?P<wd>{alternation(weekdays)})(?: (?P<after>{alternation(after)}))?(?P<ko> کو)?"
    )
    patterns.append(
        _Pattern(
            "weekday",
            _GREGORIAN,
            weekday,
            _starts(_folded_words(prefixes), _words(before), _words(weekdays)),
        )
    )
    patterns.append(_Pattern("dayword", _GREGORIAN, f"(?P<word>{alternation(day_words)})", _words(day_words)))
    patterns += _ago_patterns(langs)
    year_context = _Pattern(
        "year",
        _GREGORIAN,
        rf"(?:{folded_alt(_YEAR_WORDS)}) (\d{{4}})(?!\d)|(\d{{4}})年",
        # '2026年' starts 4 characters before '年'.
        _Starts(_folded_words(_YEAR_WORDS).words, before="年", run=_DIGITS, reach=4),
    )
    anchor_words = [*months[_GREGORIAN], *months[_SOLAR], *months[_HIJRI], *weekdays, *day_words]
    anchor_words += [fold_term(w) for w in _ANCHOR_EXTRA]
    anchors = PhraseTable(dict.fromkeys(anchor_words, True))
    anchor_firsts = frozenset(tokens[0].text for tokens in map(tokenize, anchor_words) if tokens)
    first_words = frozenset().union(*(p.starts.words for p in (*patterns, year_context)))
    return _Grammar(
        patterns, months, days, weekdays, before, after, day_words, year_context, anchors, anchor_firsts, first_words
    )


def _ago_patterns(langs: tuple[str, ...]) -> list[_Pattern]:
    words = sorted(
        {
            fold_term(w)
            for each in langs
            for w, v in CARDINALS.get(each, {}).items()
            if isinstance(v, int) and 1 <= v <= 31
        },
        key=len,
        reverse=True,
    )
    num = rf"(?P<n>\d{{1,2}}|{'|'.join(map(re.escape, words))})"
    # The spelled-out counts are followed by a space in every pattern, so in the
    # text too they begin with their own first token.  Without any (zh), the count
    # group may be empty, and a match start at the space after it.
    count = _starts(_DIGIT_START, _words(words)) if words else _Starts(digits=True, before=" ")
    patterns = [
        (rf"(?<!\w){num} days? ago(?!\w)", count),
        (rf"(?<!\w)il y a {num} jours?(?!\w)", _words(["il"])),
        (rf"(?<!\w)(?:منذ|قبل) (?:{num} (?:ایام|یوما)|(?P<two>یومین))(?!\w)", _words(["منذ", "قبل"])),
        (rf"(?<!\w){num} (?:روز|دن) (?:پیش|قبل|پهلے)(?!\w)", count),
        (
            r"(?P<n>\d{1,2}|[一二三四五六七八九十两]+)天前",
            _Starts(before="天前", run=_DIGITS + "一二三四五六七八九十两"),
        ),
    ]
    return [_Pattern("ago", _GREGORIAN, source, starts) for source, starts in patterns]


# --- matching -------------------------------------------------------------------


@dataclass
class _Candidate:
    kind: str
    cal: str
    fstart: int
    fend: int
    parts: dict[str, str | None]


def find_dates(
    text: str, start: int = 0, end: int | None = None, lang: str | None = None, published: date | None = None
) -> list[DateMention]:
    """Date mentions in ``text[start:end]`` with offsets into ``text``, sorted by start."""
    end = len(text) if end is None else end
    folded = fold(text[start:end])
    grammar = _grammar(lang)
    index = _StartIndex(folded.text, grammar)
    candidates = _non_overlapping(_candidates(folded.text, grammar, index))
    resolver = _Resolver(grammar, published, lambda: _context_years(folded.text, grammar, candidates, index))
    mentions: list[DateMention] = []
    absolute: list[_Candidate] = []
    for cand in candidates:
        resolved = _unless_out_of_range(resolver.absolute, cand)
        if resolved is not None:
            mentions.append(_mention(resolved, cand, folded, text, start))
            absolute.append(cand)
    for cand in candidates:
        if cand.kind == "ago":  # dateparser wants the original wording
            s, e = folded.span_to_original(cand.fstart, cand.fend)
            cand.parts["_original"] = text[start + s : start + e]
    # Weekdays use the latest resolved date as reference when there is no publication date.
    days = [date.fromisoformat(m.date_end or m.date_start) for m in mentions if m.date_start]
    reference = published or (max(days) if days else None)
    explicit = [(c, m) for c, m in zip(absolute, mentions, strict=True) if c.kind == "day"]
    for cand in candidates:
        if cand.kind not in ("weekday", "dayword", "ago"):
            continue
        named = _named_day(cand, explicit, folded.text) if cand.kind == "weekday" else None
        if named is not None:
            mentions.append(_mention(named, cand, folded, text, start))
            continue
        resolved = _unless_out_of_range(resolver.relative, cand, reference, lang)
        if resolved is not None:
            ahead = resolver.ahead(cand, reference) if cand.kind == "weekday" else None
            mentions.append(_mention(resolved, cand, folded, text, start, ahead))
    return sorted(mentions, key=lambda m: m.start)


def _named_day(cand: _Candidate, explicit: list[tuple[_Candidate, DateMention]], folded: str) -> _Resolved | None:
    """The explicit day right before or after a weekday, when there is one ('Sunday, January 4')."""
    for other, mention in explicit:
        if mention.date_start is None:
            continue
        if other.fstart >= cand.fend:
            gap = folded[cand.fend : other.fstart]
        elif other.fend <= cand.fstart:
            gap = folded[other.fend : cand.fstart]
        else:
            continue
        if len(gap) <= 6 and _WEEKDAY_GLUE.fullmatch(gap):
            return mention.date_start, None, None, None
    return None


def _unless_out_of_range(resolve: Callable[..., _Resolved | None], *args: object) -> _Resolved | None:
    """A date the calendars cannot convert (year 9999, Hijri outside 1924-2077) is no mention."""
    try:
        return resolve(*args)
    except (OverflowError, ValueError):
        return None


def _windows(folded: str, grammar: _Grammar, index: _StartIndex) -> list[tuple[int, int]]:
    """Stretches of text around anchors, merged.

    Every pattern contains an anchor (a month or weekday name, a day word, a
    digit before '-', '/', '年', ...), so the patterns only run near one.
    """
    return _merged(_anchor_spans(folded, grammar) + _digit_anchors(folded, index.digit_runs()), len(folded))


def _merged(spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        a, b = max(0, a - _WINDOW), min(size, b + _WINDOW)
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _anchor_spans(folded: str, grammar: _Grammar) -> list[tuple[int, int]]:
    """What `grammar.anchors.scan` finds over `tokenize(folded)`, read off the
    text's cached pieces (tokens and single spaces: no `Token` made per word),
    and looked up only at tokens that begin an anchor word."""
    texts, offsets = pieces(folded)
    table = grammar.anchors
    spans = []
    after = 0
    for index in compress(range(len(texts)), map(grammar.anchor_firsts.__contains__, texts)):
        if index < after:
            continue
        end = _phrase_end(table, texts, index)
        if end is not None:
            spans.append((offsets[index], offsets[end]))
            after = end
    return spans


def _phrase_end(table: PhraseTable[bool], texts: tuple[str, ...], index: int) -> int | None:
    """`PhraseTable.match_at` over pieces: the end piece of the longest phrase
    starting at piece ``index``; its tokens are joined by nothing or one space."""
    phrase = texts[index]
    end = index + 1 if phrase in table.entries else None
    last = index
    for _ in range(table.max_tokens - 1):
        following = last + 1
        gap = ""
        if following < len(texts) and texts[following] == " ":
            following += 1
            gap = " "
        if following >= len(texts) or texts[following].isspace():
            break
        phrase += gap + texts[following]
        last = following
        if phrase in table.entries:
            end = last + 1
    return end


_DATE_SIGNS = "年月日号天"


def _digit_anchors(folded: str, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """What ``re.finditer(r"\\d[-/]\\d|\\d[年月日号天]|[年月日号天]\\d", folded)`` finds, read
    off the digit runs: a run's last digit before '-' or '/' and a digit, or before a
    date sign; a date sign before a run."""
    size = len(folded)
    spans = []
    after = 0
    for start, end in runs:
        if start > 0 and start - 1 >= after and folded[start - 1] in _DATE_SIGNS:
            spans.append((start - 1, start + 1))
            after = start + 1
        if end - 1 < after or end == size:
            continue
        if folded[end] in _DATE_SIGNS:
            after = end + 1
        elif folded[end] in "-/" and end + 1 < size and folded[end + 1].isdecimal():
            after = end + 2
        else:
            continue
        spans.append((end - 1, after))
    return spans


class _StartIndex:
    """One article's positions where each `_Starts` lets a match begin."""

    def __init__(self, folded: str, grammar: _Grammar) -> None:
        self.folded = folded
        self.grammar = grammar
        self._by_word: dict[str, list[int]] | None = None
        self._digit_runs: list[tuple[int, int]] | None = None
        self._found: dict[_Starts, list[int]] = {}

    def digit_runs(self) -> list[tuple[int, int]]:
        if self._digit_runs is None:
            self._digit_runs = [m.span() for m in _DIGIT_RUN.finditer(self.folded)]
        return self._digit_runs

    def positions(self, starts: _Starts) -> list[int] | None:
        """Sorted positions, or None for every position."""
        if starts.everywhere:
            return None
        found = self._found.get(starts)
        if found is None:
            found = self._found[starts] = sorted(set(self._collect(starts)))
        return found

    def _collect(self, starts: _Starts) -> list[int]:
        if self._by_word is None:
            self._by_word = _tokens_by_word(*pieces(self.folded), self.grammar.first_words)
        found = [at for word, where in self._by_word.items() if word in starts.words for at in where]
        if starts.digits:
            found += [start for start, _ in self.digit_runs()]
        if starts.before:
            found += _run_before(self.folded, starts)
        return found


_DIGIT_RUN = re.compile(r"\d+")


def _tokens_by_word(texts: tuple[str, ...], offsets: tuple[int, ...], words: frozenset[str]) -> dict[str, list[int]]:
    """Where each token of ``words`` starts, from the text's pieces."""
    by_word: dict[str, list[int]] = {}
    for index in compress(range(len(texts)), map(words.__contains__, texts)):
        by_word.setdefault(texts[index], []).append(offsets[index])
    return by_word


def _run_before(folded: str, starts: _Starts) -> list[int]:
    found = []
    at = folded.find(starts.before)
    while at != -1:
        position = at
        found.append(position)
        while (
            position > 0
            and folded[position - 1] in starts.run
            and (starts.reach is None or at - position < starts.reach)
        ):
            position -= 1
            found.append(position)
        at = folded.find(starts.before, at + 1)
    return found


def _finditer(
    regex: re.Pattern[str], folded: str, lo: int, hi: int, positions: list[int] | None
) -> Iterator[re.Match[str]]:
    """``regex.finditer(folded, lo, hi)`` when its matches can only start at ``positions``.

    `finditer` tries every position left to right and goes on after each match's
    end; trying only the possible starts (none of these patterns matches empty)
    gives the same matches.
    """
    if positions is None:
        yield from regex.finditer(folded, lo, hi)
        return
    after = lo
    for index in range(bisect_left(positions, lo), len(positions)):
        position = positions[index]
        if position >= hi:
            break
        if position < after:
            continue
        match = regex.match(folded, position, hi)
        if match is not None:
            yield match
            after = match.end()


def _matches(folded: str, grammar: _Grammar, index: _StartIndex) -> Iterator[tuple[_Pattern, re.Match[str]]]:
    """Every pattern's matches in the anchor windows, pattern by pattern."""
    windows = _windows(folded, grammar, index)
    if not windows:
        return
    for pattern in grammar.patterns:
        positions = index.positions(pattern.starts)
        if positions == []:
            continue
        needed = None if pattern.needs is None else index.positions(pattern.needs)
        for lo, hi in windows:
            if needed is None or _any_within(needed, lo, hi):
                for match in _finditer(pattern.regex, folded, lo, hi, positions):
                    yield pattern, match


def _any_within(positions: list[int], lo: int, hi: int) -> bool:
    index = bisect_left(positions, lo)
    return index < len(positions) and positions[index] < hi


def _candidates(folded: str, grammar: _Grammar, index: _StartIndex) -> list[_Candidate]:
    found: list[_Candidate] = []
    for pattern, match in _matches(folded, grammar, index):
        parts = match.groupdict()
        if pattern.kind == "weekday" and not _weekday_ok(parts, grammar):
            continue
        found.append(_Candidate(pattern.kind, pattern.cal, match.start(), match.end(), parts))
    return found


_ARABIC_MONDAY = fold_term("الاثنين")
_URDU_WEEKDAYS = {fold_term(w) for w in C.weekdays("ur")}
_ARABIC_DAY = {fold_term("يوم"), fold_term("في يوم"), fold_term("اليوم")}


def _weekday_ok(parts: dict[str, str | None], grammar: _Grammar) -> bool:
    wd = parts["wd"]
    if wd == _ARABIC_MONDAY and parts["pre"] not in _ARABIC_DAY:
        return False  # 'الاثنين' alone is 'the two'
    # Urdu 'ہفتہ' is also 'week', 'پیر' also 'saint': require 'کو' or 'بروز'.
    return not (wd in _URDU_WEEKDAYS and wd not in _persian_weekdays() and not (parts["ko"] or parts["pre"]))


@lru_cache(maxsize=1)
def _persian_weekdays() -> frozenset[str]:
    return frozenset(fold_term(w) for w in C.weekdays("fa"))


def _non_overlapping(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the longest match where matches overlap ('از سوم تا پنجم ژانویه' over 'پنجم ژانویه')."""
    chosen: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: (-(c.fend - c.fstart), c.fstart)):
        if all(cand.fend <= c.fstart or cand.fstart >= c.fend for c in chosen):
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c.fstart)


def _context_years(
    folded: str, grammar: _Grammar, candidates: list[_Candidate], index: _StartIndex
) -> dict[str, set[int]]:
    years: dict[str, set[int]] = {_GREGORIAN: set(), _SOLAR: set(), _HIJRI: set()}
    context = grammar.year_context
    for match in _finditer(context.regex, folded, 0, len(folded), index.positions(context.starts)):
        value = int(match.group(1) or match.group(2))
        for cal, (low, high) in _YEAR_RANGE.items():
            if low <= value <= high:
                years[cal].add(value)
    for cand in candidates:
        for key in ("y1", "y2"):
            if cand.parts.get(key):
                years[cand.cal].add(_year_digits(cand.parts[key]))
    return years


def _year_digits(raw: str | None) -> int:
    return int((raw or "")[:4])


def _mention(
    resolved: tuple[str | None, str | None, int | None, int | None],
    cand: _Candidate,
    folded: Folded,
    text: str,
    offset: int,
    ahead: str | None = None,
) -> DateMention:
    s, e = folded.span_to_original(cand.fstart, cand.fend)
    date_start, date_end, month, day = resolved
    return DateMention(
        text[offset + s : offset + e],
        offset + s,
        offset + e,
        date_start,
        date_end,
        month if date_start is None else None,
        day if date_start is None else None,
        kind=_KINDS.get(cand.kind, "relative"),
        ahead=ahead if ahead != date_start else None,
        year_given=not cand.parts.get("_inferred_year"),
    )


_KINDS = {"day": "day", "range": "range", "month": "month", "weekday": "weekday"}


# --- resolution -----------------------------------------------------------------

_Resolved = tuple[str | None, str | None, int | None, int | None]


class _Resolver:
    def __init__(self, grammar: _Grammar, published: date | None, context: Callable[[], dict[str, set[int]]]) -> None:
        self.grammar = grammar
        self.published = published
        # The years written in the article: only needed to infer a missing year
        # without a publication date, so only computed then.
        self._context = context
        self._years: dict[str, set[int]] | None = None

    def _month(self, cal: str, raw: str | None) -> int | None:
        if raw is None:
            return None
        return int(raw) if raw.isdigit() else self.grammar.months[cal].get(raw)

    def _day(self, raw: str | None) -> int | None:
        if raw is None:
            return None
        digits = re.match(r"\d+", raw)
        return int(digits.group()) if digits else self.grammar.days.get(raw)

    def absolute(self, cand: _Candidate) -> _Resolved | None:
        if cand.kind not in ("day", "range", "month"):
            return None
        p, cal = cand.parts, cand.cal
        m2 = self._month(cal, p.get("m2"))
        m1 = self._month(cal, p.get("m1")) or m2
        d1, d2 = self._day(p.get("d1")), self._day(p.get("d2"))
        y2 = _year_digits(p["y2"]) if p.get("y2") else None
        y1 = _year_digits(p["y1"]) if p.get("y1") else None
        if m1 is None or not 1 <= m1 <= 12:
            return None
        low, high = _YEAR_RANGE[cal]
        if any(y is not None and not low <= y <= high for y in (y1, y2)):
            return None
        if cand.kind == "month":
            assert y1 is not None
            first = _to_gregorian(cal, y1, m1, 1)
            last = _to_gregorian(cal, y1, m1, _month_length(cal, y1, m1))
            return (first.isoformat(), last.isoformat(), None, None) if first and last else None
        if d1 is None:
            return None
        if cand.kind == "range":
            m2 = m2 or m1
            if y1 is None and y2 is not None:
                y1 = y2 - 1 if (m1, d1) > (m2, d2 or 0) else y2
            if y1 is None:
                y1 = self._infer_year(cal, m1, d1)
                cand.parts["_inferred_year"] = "yes"
            if y2 is None and y1 is not None:
                y2 = y1 + 1 if (m1, d1) > (m2, d2 or 0) else y1
            if y1 is None or y2 is None or d2 is None:
                return (None, None, m1, d1)
            first, last = _to_gregorian(cal, y1, m1, d1), _to_gregorian(cal, y2, m2, d2)
            if first is None or last is None or last < first:
                return None
            return first.isoformat(), last.isoformat(), None, None
        if y1 is None:
            cand.parts["_inferred_year"] = "yes"
        year = y1 if y1 is not None else self._infer_year(cal, m1, d1)
        if year is None:
            return (
                (None, None, m1, d1) if _to_gregorian(cal, 2000 if cal == _GREGORIAN else low + 100, m1, d1) else None
            )
        day = _to_gregorian(cal, year, m1, d1)
        return (day.isoformat(), None, None, None) if day else None

    def _infer_year(self, cal: str, month: int, day: int) -> int | None:
        if self.published is not None:
            base = _year_of(cal, self.published)
            options = [(y, _to_gregorian(cal, y, month, day)) for y in (base - 1, base, base + 1)]
            valid = [(abs((d - self.published).days), -d.toordinal(), y) for y, d in options if d]
            return min(valid)[2] if valid else None
        if self._years is None:
            self._years = self._context()
        years = self._years[cal]
        return next(iter(years)) if len(years) == 1 else None

    def ahead(self, cand: _Candidate, reference: date | None) -> str | None:
        """A bare weekday read forward: the first such weekday on or after the reference."""
        p = cand.parts
        if reference is None or p.get("before") or p.get("after"):
            return None
        target = self.grammar.weekdays[p["wd"] or ""]
        return (reference + timedelta(days=(target - reference.weekday()) % 7)).isoformat()

    def relative(self, cand: _Candidate, reference: date | None, lang: str | None) -> _Resolved | None:
        p = cand.parts
        if cand.kind == "weekday":
            if reference is None:
                return (None, None, None, None)
            target = self.grammar.weekdays[p["wd"] or ""]
            direction = self.grammar.before.get(p.get("before") or "", self.grammar.after.get(p.get("after") or "", 0))
            return _weekday(reference, target, direction).isoformat(), None, None, None
        if self.published is None:
            return (None, None, None, None)
        if cand.kind == "dayword":
            offset = self.grammar.day_words[p["word"] or ""]
            return (self.published + timedelta(days=offset)).isoformat(), None, None, None
        return self._ago(cand, lang)

    def _ago(self, cand: _Candidate, lang: str | None) -> _Resolved | None:
        """'N days ago': our layer reads the number (also spelled out, which
        dateparser cannot: 'دو روز پیش'), dateparser does the calendar arithmetic
        in the article's language."""
        assert self.published is not None
        raw = cand.parts.get("n")
        count = 2 if cand.parts.get("two") else _count(raw)
        if count is None or raw is None and not cand.parts.get("two"):
            return None
        # dateparser gets the ORIGINAL wording (folding breaks e.g. Urdu 'پہلے')
        # with the count written in ASCII digits.
        phrase = _with_ascii_count(cand.parts["_original"] or "", count)
        base = datetime(self.published.year, self.published.month, self.published.day)
        parsed = dateparser.parse(
            phrase,
            languages=[lang] if lang else None,
            settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"},
        )
        return (parsed.date().isoformat(), None, None, None) if parsed else None


def _with_ascii_count(phrase: str, count: int) -> str:
    """Replace the first number (digits of any script, a Chinese numeral or a
    spelled-out word) in ``phrase`` by ASCII digits."""
    digits = re.search(r"\d+", phrase)
    if digits:
        return phrase[: digits.start()] + str(count) + phrase[digits.end() :]
    chinese = ZH_NUMERAL.search(phrase)
    if chinese:
        return phrase[: chinese.start()] + str(count) + phrase[chinese.end() :]
    words = phrase.split(" ")
    for index, word in enumerate(words):
        if _count(fold_term(word)) == count:
            words[index] = str(count)
            break
    return " ".join(words)


def _count(raw: str | None) -> int | None:
    if raw is None:
        return None
    if raw.isdigit():
        return int(raw)
    if ZH_NUMERAL.fullmatch(raw):
        return parse_chinese(raw)
    for each in C.LANGUAGES:
        for word, value in CARDINALS.get(each, {}).items():
            if fold_term(word) == raw and isinstance(value, int):
                return value
    return None


def _weekday(reference: date, target: int, direction: int) -> date:
    back = (reference.weekday() - target) % 7
    if direction < 0:
        return reference - timedelta(days=back or 7)
    if direction > 0:
        return reference + timedelta(days=(target - reference.weekday()) % 7 or 7)
    return reference - timedelta(days=back)


def _year_of(cal: str, day: date) -> int:
    if cal == _SOLAR:
        return jdatetime.date.fromgregorian(date=day).year
    if cal == _HIJRI:
        return hijridate.Gregorian(day.year, day.month, day.day).to_hijri().year
    return day.year


def _to_gregorian(cal: str, year: int, month: int, day: int) -> date | None:
    try:
        if cal == _SOLAR:
            return jdatetime.date(year, month, day).togregorian()
        if cal == _HIJRI:
            g = hijridate.Hijri(year, month, day).to_gregorian()
            return date(g.year, g.month, g.day)
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _month_length(cal: str, year: int, month: int) -> int:
    if cal == _SOLAR:
        return 31 if month <= 6 else 30 if month < 12 or jdatetime.date(year, 1, 1).isleap() else 29
    if cal == _HIJRI:
        return hijridate.Hijri(year, month, 1).month_length()
    return calendar.monthrange(year, month)[1]

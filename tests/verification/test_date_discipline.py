"""Date discipline in repair (issue 9, item 4), on sentences written for these tests.

Every test where the old rules would have turned a right date wrong says so.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from extractor.schemas import EVENT_TYPES, Evidence
from pydantic import BaseModel

from extractor.mentions import find_dates, find_mentions
from extractor.reader import Article, parse_article
from extractor.repair import Repaired, repair


def article(body: str, published: str | None = None, lang: str = "xx") -> Article:
    header = f" date {published}\n" if published else ""
    return parse_article((header + body).encode("utf-8"), path=f"{lang}.txt", article_id=lang)


def event(source: Article, quote: str, **fields: Any) -> BaseModel:
    start = source.text.find(quote)
    assert start >= 0, quote
    fields.setdefault("type", "strategic_dialogue")
    fields.setdefault("status", "occurred")
    fields.setdefault("summary_en", "s")
    fields.setdefault("parties", [])
    quoted = Evidence(quote=quote, start=start, end=start + len(quote), match="exact")
    return EVENT_TYPES[fields["type"]](**fields, evidence=[quoted])


def run(source: Article, model: BaseModel) -> tuple[BaseModel, Repaired]:
    result = repair([model], find_mentions(source), source)
    [fixed] = result.events
    return fixed, result


def fixes(event: BaseModel) -> dict[str, tuple[Any, Any]]:
    """The date corrections (parties named in these sentences may be filled in too)."""
    found = {c.field: (c.model_value, c.text_value) for c in event.corrections}  # type: ignore[attr-defined]
    return {name: values for name, values in found.items() if name.startswith("date")}


def unchanged(source: Article, model: BaseModel) -> bool:
    fixed, _ = run(source, model)
    same = (fixed.date_start, fixed.date_end) == (model.date_start, model.date_end)  # type: ignore[attr-defined]
    return same and fixes(fixed) == {}


# --- a date in the quote beats a date elsewhere --------------------------------------

QUOTE_BEATS = {
    "en": (
        "The two ministers arrived in Nairobi on 10 March 2025.\nThe agreement was signed on 12 March 2025 by both.",
        "The agreement was signed on 12 March 2025",
    ),
    "fr": (
        "Les ministres sont arrivés à Rabat le 10 mars 2025.\nL'accord a été signé le 12 mars 2025 au palais.",
        "L'accord a été signé le 12 mars 2025",
    ),
    "ar": (
        "وصل الوزيران إلى القاهرة في 10 مارس 2025.\nوتم توقيع الاتفاق في 12 مارس 2025 في القصر.",
        "وتم توقيع الاتفاق في 12 مارس 2025",
    ),
    "fa": (
        "وزیران در ۱۰ مارس ۲۰۲۵ به تهران رسیدند.\nتوافقنامه در ۱۲ مارس ۲۰۲۵ امضا شد.",
        "توافقنامه در ۱۲ مارس ۲۰۲۵ امضا شد",
    ),
    "ur": (
        "وزرائے خارجہ 10 مارچ 2025 کو اسلام آباد پہنچے۔\nمعاہدے پر 12 مارچ 2025 کو دستخط ہوئے۔",
        "معاہدے پر 12 مارچ 2025 کو دستخط ہوئے",
    ),
    "zh": ("两国外长于2025年3月10日抵达北京。\n协议于2025年3月12日签署。", "协议于2025年3月12日签署"),
}


@pytest.mark.parametrize("lang", sorted(QUOTE_BEATS))
def test_date_in_the_quote_beats_a_date_elsewhere(lang: str) -> None:
    text, quote = QUOTE_BEATS[lang]
    source = article(text, lang=lang)
    # 10 March is stated in the article, but not for this event: the quote says 12 March.
    wrong = event(source, quote, type="agreement", kind="agreement", agreement_status="signed", date_start="2025-03-10")
    fixed, _ = run(source, wrong)
    assert fixed.date_start == date(2025, 3, 12)  # type: ignore[attr-defined]
    assert fixes(fixed) == {"date_start": ("2025-03-10", "2025-03-12")}


@pytest.mark.parametrize("lang", sorted(QUOTE_BEATS))
def test_right_date_in_the_quote_is_kept(lang: str) -> None:
    text, quote = QUOTE_BEATS[lang]
    source = article(text, lang=lang)
    right = event(source, quote, type="agreement", kind="agreement", agreement_status="signed", date_start="2025-03-12")
    assert unchanged(source, right)


# --- what states a day -----------------------------------------------------------------


def test_month_never_confirms_a_day() -> None:
    source = article("Les deux pays ont signé un accord en mars 2025 à Paris.", lang="fr")
    model = event(source, "Les deux pays ont signé un accord en mars 2025", date_start="2025-03-17")
    fixed, result = run(source, model)
    # Not confirmed (a warning says so), and not contradicted either: kept.
    assert fixes(fixed) == {}
    assert "2025-03-17 is not stated" in result.warnings[0]


def test_month_in_the_quote_does_not_hide_the_day_stated_elsewhere() -> None:
    # Would-be harm: the month in the quote must not decide against the day the article states.
    source = article(
        "La cérémonie a eu lieu le 17 mars 2025 à Paris.\nLes deux pays ont signé un accord en mars 2025.", lang="fr"
    )
    model = event(source, "Les deux pays ont signé un accord en mars 2025", date_start="2025-03-17")
    assert unchanged(source, model)


def test_range_end_does_not_state_a_start() -> None:
    source = article("وزیر خارجه از سوم تا پنجم ژانویه ۲۰۲۶ به چین سفر کرد.", lang="fa")
    quote = "از سوم تا پنجم ژانویه ۲۰۲۶ به چین سفر کرد"
    fixed, _ = run(source, event(source, quote, date_start="2026-01-05"))
    assert fixes(fixed) == {"date_start": ("2026-01-05", "2026-01-03")}
    fixed, _ = run(source, event(source, quote, date_start="2026-01-03", date_end="2026-01-06"))
    assert fixes(fixed) == {"date_end": ("2026-01-06", "2026-01-05")}
    assert unchanged(source, event(source, quote, date_start="2026-01-03", date_end="2026-01-05"))


def test_range_does_not_confirm_a_day_a_nearer_mention_contradicts() -> None:
    source = article(
        "The minister visited Beijing from 3 to 7 May 2025.\nThe strategic dialogue itself was held on 5 May.",
        published="2025-05-09",
        lang="en",
    )
    model = event(source, "The strategic dialogue itself was held on 5 May", date_start="2025-05-04")
    fixed, _ = run(source, model)
    assert fixes(fixed) == {"date_start": ("2025-05-04", "2025-05-05")}


def test_day_inside_a_range_with_no_nearer_day_is_kept() -> None:
    # Would-be harm: the old rules kept it too; the new 'start of a range' rule must not break it.
    source = article("وزار الوزير بكين من 3 إلى 7 مايو 2025 وعقد الحوار الاستراتيجي هناك.", lang="ar")
    model = event(source, "وعقد الحوار الاستراتيجي هناك", date_start="2025-05-05")
    assert unchanged(source, model)


def test_disagreeing_dates_in_the_quote_are_not_guessed_between() -> None:
    source = article("During the visit from 3 to 7 May 2025 the two sides signed a pact on 5 May.", lang="en")
    model = event(
        source, "During the visit from 3 to 7 May 2025 the two sides signed a pact on 5 May", date_start="2025-05-04"
    )
    fixed, result = run(source, model)
    assert fixed is model
    assert "left as given" in result.warnings[0]


def test_date_end_is_not_refuted_by_the_start_day() -> None:
    # Would-be harm: the old rules set date_end to null because the quote names only the first day.
    source = article("中国外长3月3日抵达伊斯兰堡开始访问。\n访问持续到3月5日结束。", published="2025-03-06", lang="zh")
    model = event(source, "中国外长3月3日抵达伊斯兰堡开始访问", date_start="2025-03-03", date_end="2025-03-05")
    assert unchanged(source, model)


# --- null dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "quote", "stated"),
    [
        (
            "ar",
            "وقع البلدان مذكرة تفاهم في 4 يناير 2026 في الرياض.",
            "وقع البلدان مذكرة تفاهم في 4 يناير 2026",
            "2026-01-04",
        ),
        ("zh", "两国于2026年1月4日在利雅得签署谅解备忘录。", "两国于2026年1月4日在利雅得签署谅解备忘录", "2026-01-04"),
        (
            "ur",
            "دونوں ممالک نے 4 جنوری 2026 کو مفاہمت کی یادداشت پر دستخط کیے۔",
            "دونوں ممالک نے 4 جنوری 2026 کو",
            "2026-01-04",
        ),
    ],
)
def test_null_date_is_never_filled(lang: str, text: str, quote: str, stated: str) -> None:
    # Would-be harm: the date in the quote may be another event's (the old rules filled it in).
    source = article(text, lang=lang)
    model = event(source, quote)
    fixed, result = run(source, model)
    assert fixed.date_start is None and fixes(fixed) == {}  # type: ignore[attr-defined]
    assert stated in result.warnings[0]


# --- weekdays ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The talks were held on Sunday, January 4 in Beijing."),
        ("ar", "عقدت المحادثات يوم الأحد 4 يناير في بكين."),
        ("fa", "گفتگوها روز یکشنبه ۴ ژانویه در پکن برگزار شد."),
        ("zh", "会谈于1月4日（周日）在北京举行。"),
        ("fr", "Les entretiens ont eu lieu dimanche 4 janvier à Pékin."),
    ],
)
def test_weekday_next_to_an_explicit_date_is_that_date(lang: str, text: str) -> None:
    # Published on a Tuesday two weeks later: the Sunday before publication is 18 January.
    weekdays = [d for d in find_dates(text, lang=lang, published=date(2026, 1, 20)) if d.kind == "weekday"]
    assert [d.date_start for d in weekdays] == ["2026-01-04"]


def test_weekday_next_to_a_date_keeps_the_right_date_in_repair() -> None:
    source = article("The talks were held on Sunday, January 4 in Beijing.", published="2026-01-20", lang="en")
    model = event(source, "The talks were held on Sunday", date_start="2026-01-04")
    assert unchanged(source, model)


@pytest.mark.parametrize(
    ("lang", "text", "quote"),
    [
        ("fr", "Le ministre se rendra à Pékin lundi pour des entretiens.", "Le ministre se rendra à Pékin lundi"),
        ("ar", "ويزور الوزير بكين يوم الاثنين لإجراء محادثات.", "ويزور الوزير بكين يوم الاثنين"),
        ("fa", "وزیر خارجه روز دوشنبه به پکن سفر خواهد کرد.", "وزیر خارجه روز دوشنبه به پکن سفر خواهد کرد"),
        ("ur", "وزیر خارجہ پیر کو بیجنگ کا دورہ کریں گے۔", "وزیر خارجہ پیر کو بیجنگ کا دورہ کریں گے"),
    ],
)
def test_bare_weekday_of_a_planned_event_is_read_forward(lang: str, text: str, quote: str) -> None:
    # Published Wednesday 7 January 2026: the next Monday is the 12th, the last one the 5th.
    source = article(text, published="2026-01-07", lang=lang)
    right = event(
        source,
        quote,
        type="visit",
        status="planned",
        visitor={"name_en": "x"},
        host_country_iso3="CHN",
        date_start="2026-01-12",
    )
    assert unchanged(source, right)  # would-be harm: the old rules set it to the 5th
    wrong = event(
        source,
        quote,
        type="visit",
        status="planned",
        visitor={"name_en": "x"},
        host_country_iso3="CHN",
        date_start="2026-01-05",
    )
    assert fixes(run(source, wrong)[0]) == {"date_start": ("2026-01-05", "2026-01-12")}


def test_bare_weekday_of_a_past_event_is_read_backward() -> None:
    source = article("Le ministre s'est rendu à Pékin lundi pour des entretiens.", published="2026-01-07", lang="fr")
    quote = "Le ministre s'est rendu à Pékin lundi"
    right = event(source, quote, date_start="2026-01-05")
    assert unchanged(source, right)
    wrong = event(source, quote, date_start="2026-01-12")
    assert fixes(run(source, wrong)[0]) == {"date_start": ("2026-01-12", "2026-01-05")}


def test_a_single_day_near_the_evidence_does_not_end_an_event() -> None:
    # Would-be harm: a visit that began on the 15th and met on the 16th is not over on the 16th.
    text = "The king arrived on 15 March 2017 for a three-day state visit and met the president on 16 March."
    source = article(text, published="2017-03-17", lang="en")
    model = event(source, text.rstrip("."), date_start="2017-03-15", date_end="2017-03-17")
    assert unchanged(source, model)


def test_inferred_year_keeps_the_models_year() -> None:
    # Would-be harm: 'on 14 February' without a year; the layer's guessed year must not replace the model's.
    # Published in January 2024, so the layer guesses 2024 for '14 February'; the model says 2023.
    source = article(
        "The president began a visit to Beijing on 14 February, his first in years.", published="2024-01-10", lang="en"
    )
    right = event(source, "began a visit to Beijing on 14 February", date_start="2023-02-14")
    assert unchanged(source, right)
    off = event(source, "began a visit to Beijing on 14 February", date_start="2023-02-15")
    assert fixes(run(source, off)[0]) == {"date_start": ("2023-02-15", "2023-02-14")}

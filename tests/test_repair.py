"""The repair step: grounded events checked against the mentions the text yields."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from extractor.schemas import EVENT_TYPES, ArticleResult, Evidence, Source
from pydantic import BaseModel

from extractor.mentions import Mentions, find_mentions
from extractor.reader import Article, parse_article
from extractor.repair import NO_MONEY, Repaired, ascii_digits, repair

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PERSIAN = "000_c22ab6cdf68cea9e"
ARABIC = "001_8da5f88bb0eafb19"
B = 1_000_000_000

ENGLISH = (
    "China and Pakistan held their strategic dialogue in Beijing on 12 March 2025. "
    "China will invest more than $5 billion in the Gwadar port, officials said.\n"
    "The ministers also discussed regional security and people-to-people exchanges "
    "across the whole region in some considerable detail.\n"
    "China pledged $2 billion. The money goes to the port.\n"
)
ENGLISH_NO_DATE = (
    "Pakistan's foreign minister Ishaq Dar visited China for talks with Wang Yi in Beijing.\n"
    "Both sides praised their friendship.\n"
)
FRENCH = (
    "La Chine et le Pakistan ont signé un accord à Pékin. "
    "La Chine investira environ 28 milliards de dollars dans le corridor.\n"
)
CHINESE = "中国和巴基斯坦在北京举行会谈。中国将向瓜达尔港投资16.2亿美元。\n"
URDU = "پاکستان اور چین نے بیجنگ میں معاہدے پر دستخط کیے۔ چین گوادر بندرگاہ میں 5 ارب ڈالر کی سرمایہ کاری کرے گا۔\n"

PERSIAN_MONEY_SENTENCE = "سرمایهگذاری چین در قالب آن بیش از ۳۰ میلیارد دلار تا پیش از آغاز فاز دوم بوده است"
PERSIAN_NO_MONEY_SENTENCE = "چین و پاکستان همچنین اعلام کردند که از سال ۲۰۲۶ برنامههای گرامیداشت"
PERSIAN_DIALOGUE = "هفتمین گفت و گوی راهبردی وزرای خارجه چین و پاکستان در پکن"
PERSIAN_VISIT = "برای حضور در آن از سوم تا پنجم ژانویه ۲۰۲۶ به چین سفر کرد"
PERSIAN_PLAN = "برنامه اقدام جامعه چین و پاکستان با آینده مشترک برای دوره ۲۰۲۵ تا ۲۰۲۹"
ARABIC_DIALOGUE = "وترأس الجولة السابعة من الحوار الاستراتيجي بين وزيري خارجية باكستان والصين في بكين، في 4 يناير"
ARABIC_VISIT = "الذي زار الصين من 3 إلى 5 يناير بدعوة من وانغ يي"


# --- building blocks -----------------------------------------------------------------


def seed(stem: str) -> Article:
    path = SEEDS / f"{stem}.txt"
    return parse_article(path.read_bytes(), path=str(path), article_id=stem)


def synthetic(text: str, article_id: str) -> Article:
    return parse_article(text.encode("utf-8"), path=f"{article_id}.txt", article_id=article_id)


def evidence(article: Article, quote: str) -> Evidence:
    start = article.text.find(quote)
    assert start >= 0, f"test quote not in article: {quote!r}"
    return Evidence(quote=quote, start=start, end=start + len(quote), match="exact")


def event(event_type: str, article: Article, *quotes: str, **fields: Any) -> BaseModel:
    fields.setdefault("status", "occurred")
    fields.setdefault("summary_en", "Something happened.")
    return EVENT_TYPES[event_type](type=event_type, **fields, evidence=[evidence(article, q) for q in quotes])


def investment(article: Article, quote: str, **fields: Any) -> BaseModel:
    fields.setdefault("figure_kind", "investment")
    return event("investment", article, quote, **fields)


def dialogue(article: Article, *quotes: str, **fields: Any) -> BaseModel:
    return event("strategic_dialogue", article, *quotes, **fields)


def visit(article: Article, *quotes: str, **fields: Any) -> BaseModel:
    fields.setdefault("visitor", {"name_en": "Ishaq Dar", "title_en": "Foreign Minister", "country_iso3": "PAK"})
    fields.setdefault("host_country_iso3", "CHN")
    fields.setdefault("parties", ["CHN", "PAK"])
    return event("visit", article, *quotes, **fields)


def run(article: Article, *events: BaseModel) -> Repaired:
    result = repair(list(events), find_mentions(article), article)
    assert len(result.events) + len(result.rejected) == len(events), "an event was silently dropped"
    return result


def only(result: Repaired) -> BaseModel:
    assert not result.rejected, result.rejected
    assert len(result.events) == 1
    return result.events[0]


def corrections(repaired: BaseModel) -> dict[str, tuple[Any, Any]]:
    found = {c.field: (c.model_value, c.text_value) for c in repaired.corrections}  # type: ignore[attr-defined]
    assert len(found) == len(repaired.corrections), "one field corrected twice"  # type: ignore[attr-defined]
    return found


@pytest.fixture(scope="module")
def persian() -> Article:
    return seed(PERSIAN)


@pytest.fixture(scope="module")
def arabic() -> Article:
    return seed(ARABIC)


# --- investments ---------------------------------------------------------------------


def test_persian_wrong_scale_and_dropped_qualifier_are_corrected(persian: Article) -> None:
    model = investment(
        persian, PERSIAN_MONEY_SENTENCE, amount=30e6, currency="USD", amount_text="بیش از ۳۰ میلیارد دلار"
    )
    fixed = only(run(persian, model))
    assert fixed.amount == 30_000_000_000
    assert fixed.qualifier == "more_than"
    assert fixed.currency == "USD"
    assert fixed.amount_text == "بیش از ۳۰ میلیارد دلار"
    assert corrections(fixed) == {
        "amount": (30_000_000, 30_000_000_000),
        "qualifier": ("exact", "more_than"),
    }
    # The stored amount serializes as a whole number, the model's value is kept.
    dumped = fixed.model_dump(mode="json")
    assert dumped["amount"] == 30_000_000_000
    assert dumped["corrections"][0] == {"field": "amount", "model_value": 30_000_000, "text_value": 30_000_000_000}


def test_persian_guessed_currency_is_corrected(persian: Article) -> None:
    model = investment(
        persian,
        PERSIAN_MONEY_SENTENCE,
        amount=30 * B,
        currency="EUR",
        qualifier="more_than",
        amount_text="بیش از ۳۰ میلیارد دلار",
    )
    fixed = only(run(persian, model))
    assert fixed.currency == "USD"
    assert corrections(fixed) == {"currency": ("EUR", "USD")}


def test_investment_without_money_near_its_evidence_is_rejected(persian: Article) -> None:
    model = investment(persian, PERSIAN_NO_MONEY_SENTENCE, amount=75e6, currency="USD", amount_text="75 million")
    result = run(persian, model)
    assert result.events == []
    [rejected] = result.rejected
    assert rejected.reason == NO_MONEY
    assert rejected.event["amount"] == 75_000_000
    assert rejected.event["evidence"][0]["quote"] == PERSIAN_NO_MONEY_SENTENCE
    assert rejected.event == model.model_dump(mode="json")


def test_rejection_does_not_touch_the_other_events(persian: Article) -> None:
    bad = investment(persian, PERSIAN_NO_MONEY_SENTENCE, amount=75e6, currency="USD", amount_text="75 million")
    good = dialogue(persian, PERSIAN_DIALOGUE, parties=["CHN", "PAK"], round=7)
    result = run(persian, bad, good)
    assert result.events == [good]
    assert [r.reason for r in result.rejected] == [NO_MONEY]


def test_english_amount_text_not_in_article_is_replaced() -> None:
    article = synthetic(ENGLISH, "en")
    model = investment(
        article,
        "China will invest more than $5 billion in the Gwadar port",
        amount=5 * B,
        currency="USD",
        amount_text="5 billion dollars",
    )
    fixed = only(run(article, model))
    assert fixed.amount_text == "more than $5 billion"
    assert corrections(fixed) == {
        "qualifier": ("exact", "more_than"),
        "amount_text": ("5 billion dollars", "more than $5 billion"),
    }


def test_amount_text_in_another_digit_script_counts_as_in_the_article(persian: Article) -> None:
    model = investment(
        persian,
        PERSIAN_MONEY_SENTENCE,
        amount=30 * B,
        currency="USD",
        qualifier="more_than",
        amount_text="بیش از 30 میلیارد دلار",
    )
    result = run(persian, model)
    assert result.events == [model]
    assert only(result).amount_text == "بیش از 30 میلیارد دلار"  # exempt from digit folding too


def test_money_in_the_neighbouring_sentence_counts_as_near() -> None:
    article = synthetic(ENGLISH, "en")
    model = investment(article, "The money goes to the port.", amount=2e6, currency="CNY", amount_text="$2 billion")
    fixed = only(run(article, model))
    assert (fixed.amount, fixed.currency) == (2 * B, "USD")
    assert corrections(fixed) == {"amount": (2_000_000, 2 * B), "currency": ("CNY", "USD")}


def test_money_in_another_paragraph_is_not_near() -> None:
    article = synthetic(ENGLISH, "en")
    model = investment(article, "people-to-people exchanges", amount=5 * B, currency="USD", amount_text="$5 billion")
    assert [r.reason for r in run(article, model).rejected] == [NO_MONEY]


def test_the_mention_closest_to_the_models_amount_is_chosen() -> None:
    text = "The bank lent $3 billion and the fund added another $40 million to the same project.\n"
    article = synthetic(text, "two")
    quote = text.strip()
    lent = investment(article, quote, amount=3e9, currency="USD", amount_text="$3 billion")
    added = investment(article, quote, amount=40e9, currency="USD", amount_text="$40 million")
    result = run(article, lent, added)
    assert result.events[0] is lent
    assert result.events[1].amount == 40_000_000
    assert corrections(result.events[1]) == {"amount": (40 * B, 40_000_000)}


def test_french_about_and_currency() -> None:
    article = synthetic(FRENCH, "fr")
    model = investment(
        article,
        "La Chine investira environ 28 milliards de dollars",
        amount=28 * B,
        currency="EUR",
        amount_text="environ 28 milliards de dollars",
    )
    fixed = only(run(article, model))
    assert (fixed.currency, fixed.qualifier) == ("USD", "about")
    assert corrections(fixed) == {"currency": ("EUR", "USD"), "qualifier": ("exact", "about")}


def test_chinese_scale_slip() -> None:
    article = synthetic(CHINESE, "zh")
    model = investment(
        article, "中国将向瓜达尔港投资16.2亿美元", amount=162e6, currency="USD", amount_text="16.2亿美元"
    )
    fixed = only(run(article, model))
    assert fixed.amount == 1_620_000_000
    assert corrections(fixed) == {"amount": (162_000_000, 1_620_000_000)}


def test_urdu_scale_slip() -> None:
    article = synthetic(URDU, "ur")
    model = investment(
        article, "چین گوادر بندرگاہ میں 5 ارب ڈالر کی سرمایہ کاری", amount=5e8, currency="USD", amount_text="5 ارب ڈالر"
    )
    fixed = only(run(article, model))
    assert fixed.amount == 5 * B
    assert corrections(fixed) == {"amount": (500_000_000, 5 * B)}


def test_amount_within_half_a_percent_is_equal(persian: Article) -> None:
    model = investment(
        persian,
        PERSIAN_MONEY_SENTENCE,
        amount=30.1e9,
        currency="USD",
        qualifier="more_than",
        amount_text="بیش از ۳۰ میلیارد دلار",
    )
    assert only(run(persian, model)) is model


def test_ungrounded_investment_is_left_to_the_grounding_flag(persian: Article) -> None:
    model = EVENT_TYPES["investment"](
        type="investment",
        status="occurred",
        summary_en="China invested.",
        amount=75e6,
        currency="USD",
        amount_text="75 million",
        figure_kind="investment",
        evidence=[Evidence(quote="not in the article")],
        grounded=False,
    )
    assert only(run(persian, model)) is model


# --- dates ---------------------------------------------------------------------------


def test_arabic_dialogue_date_contradicting_the_text_is_corrected(arabic: Article) -> None:
    model = dialogue(arabic, ARABIC_DIALOGUE, parties=["CHN", "PAK"], date_start="2026-01-14", round=7)
    fixed = only(run(arabic, model))
    assert fixed.date_start == date(2026, 1, 4)
    assert corrections(fixed) == {"date_start": ("2026-01-14", "2026-01-04")}


def test_date_inside_a_range_is_supported(arabic: Article) -> None:
    model = visit(arabic, ARABIC_VISIT, date_start="2026-01-04", date_end="2026-01-05")
    assert only(run(arabic, model)) is model


def test_persian_visit_with_the_right_dates_is_kept(persian: Article) -> None:
    model = visit(persian, PERSIAN_VISIT, date_start="2026-01-03", date_end="2026-01-05")
    assert only(run(persian, model)) is model


def test_wrong_date_end_is_corrected_to_the_range_end(persian: Article) -> None:
    model = visit(persian, PERSIAN_VISIT, date_start="2026-01-03", date_end="2026-01-15")
    fixed = only(run(persian, model))
    assert (fixed.date_start, fixed.date_end) == (date(2026, 1, 3), date(2026, 1, 5))
    assert corrections(fixed) == {"date_end": ("2026-01-15", "2026-01-05")}


def test_visit_date_in_an_article_without_dates_is_kept_with_a_warning() -> None:
    # Issue 9: unstated is not contradicted (a weekday or duration the layer does not read).
    article = synthetic(ENGLISH_NO_DATE, "nodate")
    assert find_mentions(article).dates == []
    model = visit(article, "visited China for talks with Wang Yi", date_start="2025-03-01")
    result = run(article, model)
    assert only(result).date_start == date(2025, 3, 1)
    assert "date_start" not in corrections(only(result))
    assert "2025-03-01 is not stated" in result.warnings[0]


def test_date_stated_elsewhere_in_the_article_is_kept(persian: Article) -> None:
    # No date near the evidence, but the article states 3-5 January elsewhere.
    model = dialogue(persian, PERSIAN_DIALOGUE, parties=["CHN", "PAK"], date_start="2026-01-04")
    assert only(run(persian, model)) is model


def test_published_date_supports_a_date(persian: Article) -> None:
    assert persian.published == date(2026, 1, 5)
    model = investment(
        persian,
        PERSIAN_MONEY_SENTENCE,
        amount=30 * B,
        currency="USD",
        qualifier="more_than",
        amount_text="بیش از ۳۰ میلیارد دلار",
        date_start="2026-01-05",
    )
    assert only(run(persian, model)) is model


def test_unsupported_date_far_from_any_date_mention_is_kept_with_a_warning(persian: Article) -> None:
    model = dialogue(persian, PERSIAN_DIALOGUE, parties=["CHN", "PAK"], date_start="2026-02-01")
    result = run(persian, model)
    assert only(result) is model
    assert "kept" in result.warnings[0]


def test_missing_date_is_not_filled_but_suggested() -> None:
    # Issue 9: a null date the model gave is never filled in; a warning names the candidate.
    article = synthetic(ENGLISH, "en")
    model = dialogue(
        article, "China and Pakistan held their strategic dialogue in Beijing on 12 March 2025", parties=["CHN", "PAK"]
    )
    result = run(article, model)
    assert only(result) is model
    [warning] = result.warnings
    assert "2025-03-12" in warning and "not filled in" in warning


def test_missing_range_is_not_filled_but_suggested(persian: Article) -> None:
    model = visit(persian, PERSIAN_VISIT)
    result = run(persian, model)
    assert only(result) is model
    assert "2026-01-03 to 2026-01-05" in result.warnings[0]


def test_several_dates_in_the_evidence_are_not_guessed_between(arabic: Article) -> None:
    sentence = (
        ARABIC_DIALOGUE
        + "، وزير الخارجية الصيني وانغ يي ونائب رئيس الوزراء ووزير الخارجية الباكستاني محمد إسحاق دار، "
        + ARABIC_VISIT
    )
    model = dialogue(arabic, sentence, parties=["CHN", "PAK"])
    assert only(run(arabic, model)) is model


def test_date_near_evidence_but_not_inside_is_not_filled() -> None:
    article = synthetic(ENGLISH, "en")
    model = dialogue(article, "China and Pakistan held their strategic dialogue in Beijing", parties=["CHN", "PAK"])
    assert only(run(article, model)) is model


# --- parties -------------------------------------------------------------------------


def test_party_never_mentioned_is_kept_with_a_warning(persian: Article) -> None:
    # Issue 9: a party is not removed because the country layer did not find it.
    model = dialogue(persian, PERSIAN_DIALOGUE, parties=["CHN", "PAK", "USA"])
    result = run(persian, model)
    assert only(result) is model
    assert "USA" in result.warnings[0] and "kept" in result.warnings[0]


def test_visit_nested_country_fields_are_left_alone(persian: Article) -> None:
    model = visit(persian, PERSIAN_VISIT, host_country_iso3="USA", parties=["PAK", "USA"], date_start="2026-01-03")
    fixed = only(run(persian, model))
    assert fixed.host_country_iso3 == "USA"
    assert fixed.visitor == model.visitor
    # USA kept (not found, but not contradicted); China, named by the evidence, is not
    # added to a list the model gave (only an empty list is filled).
    assert fixed.parties == ["PAK", "USA"]
    assert corrections(fixed) == {}


def test_countries_named_in_the_evidence_are_added_to_a_dialogue(persian: Article) -> None:
    fixed = only(run(persian, dialogue(persian, PERSIAN_DIALOGUE)))
    assert fixed.parties == ["CHN", "PAK"]
    assert corrections(fixed) == {"parties": ([], ["CHN", "PAK"])}


def test_countries_are_not_added_to_an_investment(persian: Article) -> None:
    model = investment(
        persian,
        PERSIAN_MONEY_SENTENCE,
        amount=30 * B,
        currency="USD",
        qualifier="more_than",
        amount_text="بیش از ۳۰ میلیارد دلار",
    )
    fixed = only(run(persian, model))
    assert fixed is model
    assert fixed.parties == []


def test_parties_order_and_duplicates_are_normalized_silently(arabic: Article) -> None:
    model = dialogue(arabic, ARABIC_DIALOGUE, parties=["PAK", "CHN", "PAK"], date_start="2026-01-04")
    fixed = only(run(arabic, model))
    assert fixed.parties == ["CHN", "PAK"]
    assert fixed.corrections == []


# --- digits and pass-through ---------------------------------------------------------


def test_persian_digits_in_free_text_become_ascii(persian: Article) -> None:
    model = event(
        "agreement",
        persian,
        PERSIAN_PLAN,
        kind="action_plan",
        agreement_status="agreed",
        title_en="Action Plan ۲۰۲۵–۲۰۲۹",
        summary_en="China and Pakistan reaffirmed the plan for ۲۰۲۵ to ۲۰۲۹.",
        sectors=["CPEC phase ٢"],
        parties=["CHN", "PAK"],
    )
    fixed = only(run(persian, model))
    assert fixed.title_en == "Action Plan 2025–2029"
    assert fixed.summary_en == "China and Pakistan reaffirmed the plan for 2025 to 2029."
    assert fixed.sectors == ["CPEC phase 2"]
    assert fixed.evidence == model.evidence  # quotes keep the article's digits
    assert fixed.corrections == []


def test_digits_in_nested_fields_become_ascii(arabic: Article) -> None:
    model = visit(
        arabic,
        ARABIC_VISIT,
        date_start="2026-01-03",
        date_end="2026-01-05",
        visitor={"name_en": "Ishaq Dar", "title_en": "Minister ٣", "country_iso3": "PAK"},
        purpose="Round ٧ talks",
    )
    fixed = only(run(arabic, model))
    assert fixed.visitor.title_en == "Minister 3"
    assert fixed.purpose == "Round 7 talks"


def test_ascii_digits() -> None:
    assert ascii_digits("۱۴۰۴ ٤٥٦ ０９ abc 12") == "1404 456 09 abc 12"
    assert ascii_digits("no digits") == "no digits"


def test_correct_event_passes_through_unchanged(arabic: Article) -> None:
    model = dialogue(
        arabic,
        ARABIC_DIALOGUE,
        parties=["CHN", "PAK"],
        date_start="2026-01-04",
        round=7,
        summary_en="China and Pakistan held the seventh round of their strategic dialogue in Beijing.",
        participants=[{"name_en": "Wang Yi", "country_iso3": "CHN"}],
    )
    result = run(arabic, model)
    assert result.events == [model]
    assert result.events[0] is model
    assert result.events[0].corrections == []


def test_repaired_events_fit_a_result_line(persian: Article) -> None:
    events = [
        investment(persian, PERSIAN_MONEY_SENTENCE, amount=30e6, currency="EUR", amount_text="30 million"),
        investment(persian, PERSIAN_NO_MONEY_SENTENCE, amount=75e6, currency="USD", amount_text="75 million"),
        dialogue(persian, PERSIAN_DIALOGUE, parties=["USA"], date_start="2030-01-01"),
    ]
    result = run(persian, *events)
    line = ArticleResult(
        article_id=PERSIAN,
        source=Source(path="seed.txt"),
        status="ok",
        events=result.events,
        rejected=result.rejected,
    )
    again = ArticleResult.model_validate_json(line.model_dump_json())
    assert len(again.events) == 2 and len(again.rejected) == 1
    money = again.events[0]
    assert {c.field for c in money.corrections} == {"amount", "currency", "qualifier", "amount_text"}
    assert money.amount_text == "بیش از ۳۰ میلیارد دلار"
    talks = again.events[1]
    assert talks.parties == ["USA"]  # kept (not contradicted), nothing added to a list the model gave
    assert talks.date_start == date(2030, 1, 1)  # not stated, not contradicted: kept with a warning


def test_repair_is_deterministic(persian: Article) -> None:
    def build() -> list[BaseModel]:
        return [
            investment(persian, PERSIAN_MONEY_SENTENCE, amount=30e6, currency="EUR", amount_text="30 million"),
            dialogue(persian, PERSIAN_DIALOGUE, parties=["USA", "PAK"], summary_en="Round ۷"),
        ]

    mentions: Mentions = find_mentions(persian)
    first = repair(build(), mentions, persian)
    second = repair(build(), mentions, persian)
    assert [e.model_dump() for e in first.events] == [e.model_dump() for e in second.events]


def test_currency_carried_over_by_the_money_layer_does_not_contradict() -> None:
    # Would-be harm: '(Euro 7 billion)' is read with the currency of the figure before it.
    article = synthetic("The deal is worth Rs 64,000 crore (Euro 7 billion), officials said.\n", "carry")
    model = investment(article, "(Euro 7 billion)", amount=7 * B, currency="EUR", amount_text="Euro 7 billion")
    assert only(run(article, model)) is model


def test_currency_of_one_family_is_not_corrected() -> None:
    # 'Rs' is read as PKR; an Indian article's INR is of the same family (rupee).
    article = synthetic("India will spend Rs 500 crore on the port, the minister said.\n", "rupee")
    model = investment(
        article, "India will spend Rs 500 crore on the port", amount=5e9, currency="INR", amount_text="Rs 500 crore"
    )
    assert only(run(article, model)) is model


def test_a_different_number_near_the_evidence_is_not_this_figure() -> None:
    article = synthetic("Exports rose to $8 billion while imports reached $5 billion last year.\n", "two-figures")
    model = investment(
        article, "Exports rose to $8 billion", amount=8 * B, currency="USD", amount_text="8 billion dollars"
    )
    result = run(article, model)
    assert only(result).amount == 8 * B
    # Written differently in the article, but the same number: only amount_text is replaced.
    assert corrections(only(result)) == {"amount_text": ("8 billion dollars", "$8 billion")}


def test_no_qualifier_word_is_no_evidence_of_exact() -> None:
    # Would-be harm: the model's 'about' from a word the money layer does not read.
    article = synthetic("China pledged some $3 billion in aid, officials said.\n", "some")
    model = investment(
        article,
        "China pledged some $3 billion in aid",
        amount=3 * B,
        currency="USD",
        qualifier="about",
        amount_text="$3 billion",
    )
    assert only(run(article, model)) is model

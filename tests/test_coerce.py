"""Coercion before validation: right forms in, right values out, and a right value is never changed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pycountry
import pytest
from babel import Locale
from hypothesis import given
from hypothesis import strategies as st

from extractor.coerce import coerce_event, to_amount, to_country, to_currency, to_date

COUNTRIES = sorted(pycountry.countries, key=lambda c: c.alpha_3)
LANGUAGES = ("fa", "ar", "ur", "zh", "fr", "en")
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


# --- countries ---------------------------------------------------------------------------


@given(st.sampled_from(COUNTRIES))
def test_alpha2_becomes_alpha3_and_alpha3_is_left_alone(country: object) -> None:
    assert to_country(country.alpha_2) == country.alpha_3  # type: ignore[attr-defined]
    assert to_country(country.alpha_2.lower()) == country.alpha_3  # type: ignore[attr-defined]
    assert to_country(country.alpha_3) == country.alpha_3  # type: ignore[attr-defined]


@given(st.sampled_from(COUNTRIES), st.sampled_from(LANGUAGES))
def test_a_country_name_in_each_language_becomes_its_code(country: object, lang: str) -> None:
    name = Locale(lang).territories.get(country.alpha_2)  # type: ignore[attr-defined]
    if name is not None:
        assert to_country(name) == country.alpha_3  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("given_", "code"),
    [
        ("Saudi", "SAU"),
        ("Chinese", "CHN"),
        ("Beijing", "CHN"),
        ("Britain", "GBR"),
        ("الصين", "CHN"),
        ("پاکستان", "PAK"),
        ("چین", "CHN"),
        ("中国", "CHN"),
        ("沙特", "SAU"),
        ("Chine", "CHN"),
    ],
)
def test_adjectives_capitals_and_names_the_mention_layer_knows(given_: str, code: str) -> None:
    assert to_country(given_) == code


@pytest.mark.parametrize("unknown", ["Atlantis", "XX", "Pakistan and China", "", 7, None])
def test_what_is_not_one_country_is_left_for_validation(unknown: object) -> None:
    assert to_country(unknown) == unknown


# --- dates -------------------------------------------------------------------------------


@given(DATES)
def test_written_forms_of_a_date_become_iso(day: date) -> None:
    iso = day.isoformat()
    for form in (
        iso,
        f"{day.year}-{day.month}-{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day:%B} {day.day}, {day.year}",
        f"{day.day} {day:%B} {day.year}",
        f"{iso}T13:45:00Z",
        iso.translate(PERSIAN_DIGITS),
        iso.translate(ARABIC_INDIC_DIGITS),
    ):
        assert to_date(form) == iso, form
    assert to_date(datetime(day.year, day.month, day.day, 9, 30)) == iso


@given(DATES)
def test_day_month_year_only_when_unambiguous(day: date) -> None:
    written = f"{day.day:02d}/{day.month:02d}/{day.year}"
    if day.day > 12 or day.day == day.month:
        assert to_date(written) == day.isoformat()
    else:  # 03/04/2023 could be either: the model is asked
        assert to_date(written) == written


@pytest.mark.parametrize("vague", ["July 2023", "2023", "last Monday", "2023-02-30", "soon"])
def test_a_date_without_a_day_or_impossible_is_left_for_validation(vague: str) -> None:
    assert to_date(vague) == vague


# --- currencies --------------------------------------------------------------------------


@given(st.sampled_from(sorted(c.alpha_3 for c in pycountry.currencies)))
def test_currency_codes_are_left_alone(code: str) -> None:
    assert to_currency(code) == code


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("dollars", "USD"),
        ("US dollar", "USD"),
        ("$", "USD"),
        ("€", "EUR"),
        ("euros", "EUR"),
        ("یوان", "CNY"),
        ("人民币", "CNY"),
        ("روپے", "PKR"),
        ("Pakistani rupee", "PKR"),
        ("دولار أمريكي", "USD"),
    ],
)
def test_currency_words_and_symbols_become_iso_4217(word: str, code: str) -> None:
    assert to_currency(word) == code


def test_the_toman_is_not_coerced_because_its_amount_would_change_too() -> None:
    assert to_currency("تومان") == "تومان"


# --- amounts -----------------------------------------------------------------------------


@given(st.integers(min_value=1000, max_value=10**15))
def test_thousands_separators_are_read(n: int) -> None:
    assert to_amount(f"{n:,}") == n
    assert to_amount(f"{n:,}".replace(",", " ")) == n
    assert to_amount(f"{n:,}".translate(PERSIAN_DIGITS)) == n


@given(
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal("999.9"), places=1),
    st.sampled_from(["million", "billion", "bn", "trillion"]),
)
def test_scale_words_multiply(number: Decimal, word: str) -> None:
    scale = {"million": 10**6, "billion": 10**9, "bn": 10**9, "trillion": 10**12}[word]
    assert to_amount(f"{number} {word}") == int(number * scale)
    assert to_amount(f"${number} {word}") == int(number * scale)


@given(st.one_of(st.integers(min_value=1), st.floats(min_value=0.01, max_value=1e15, allow_nan=False)))
def test_a_number_is_never_changed(n: float) -> None:
    assert to_amount(n) == n
    assert to_amount(str(n)) == str(n)  # validation reads a plain number string itself


@pytest.mark.parametrize("odd", ["about 5", "5 bananas", "Infinity", "-3", "0", "many"])
def test_what_is_not_one_positive_amount_is_left_for_validation(odd: str) -> None:
    assert to_amount(odd) == odd


# --- whole events ------------------------------------------------------------------------


def test_every_coerced_field_is_recorded_with_the_models_value() -> None:
    event = {
        "type": "visit",
        "parties": ["CN", "Pakistan"],
        "date_start": "July 31, 2023",
        "date_end": None,
        "visitor": {"name_en": "Ishaq Dar", "country_iso3": "PK"},
        "host_country_iso3": "CHN",
        "location": {"name_en": "Beijing", "country_iso3": "China"},
        "evidence": ["CN"],
    }
    coerced, corrections = coerce_event(event)
    assert coerced["parties"] == ["CHN", "PAK"]
    assert coerced["date_start"] == "2023-07-31"
    assert coerced["visitor"]["country_iso3"] == "PAK"
    assert coerced["location"]["country_iso3"] == "CHN"
    assert coerced["evidence"] == ["CN"]  # quotes are the article's words, never coerced
    recorded = {c.field: (c.model_value, c.text_value) for c in corrections}
    assert recorded == {
        "parties": (["CN", "Pakistan"], ["CHN", "PAK"]),
        "date_start": ("July 31, 2023", "2023-07-31"),
        "visitor.country_iso3": ("PK", "PAK"),
        "location.country_iso3": ("China", "CHN"),
    }


def test_an_event_in_right_form_gets_no_correction() -> None:
    event = {
        "type": "investment",
        "parties": ["CHN", "PAK"],
        "date_start": "2023-07-31",
        "amount": 30_000_000_000,
        "currency": "USD",
        "evidence": ["x"],
    }
    assert coerce_event(event) == (event, [])

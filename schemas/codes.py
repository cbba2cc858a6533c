"""ISO code types shared by every event: countries (3166-1 alpha-3) and currencies (4217).

The error messages are written for a model being re-asked: they say what was
wrong and what a right value looks like.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BeforeValidator


@cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def check_country(code: str) -> str:
    if code not in country_codes():
        raise ValueError(
            f"{code!r} is not an ISO 3166-1 alpha-3 country code; "
            "use three capital letters such as CHN (China), PAK (Pakistan), IRN (Iran)"
        )
    return code


def check_currency(code: str) -> str:
    if code not in currency_codes():
        raise ValueError(
            f"{code!r} is not an ISO 4217 currency code; use three capital letters such as USD, CNY, EUR, PKR, IRR"
        )
    return code


CountryCode = Annotated[str, BeforeValidator(_upper), AfterValidator(check_country)]
CurrencyCode = Annotated[str, BeforeValidator(_upper), AfterValidator(check_currency)]

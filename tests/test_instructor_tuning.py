from __future__ import annotations

import importlib

import pytest
from extractor.schemas import ArticleEvents
from instructor.v2.validation.async_validators import async_field_validator
from pydantic import BaseModel

import extractor.model_client  # noqa: F401  (applies the tuning on import)


class WithAsyncValidator(BaseModel):
    name: str

    @async_field_validator("name")
    async def _check(self, value: str) -> str:
        return value


@pytest.mark.parametrize("module", ["instructor.v2.validation.async_validators", "instructor.v2.core.patch"])
def test_checks_are_remembered_but_still_reject_async_validators(module: str) -> None:
    check = importlib.import_module(module).reject_async_validators
    assert getattr(check, "remembers", False)
    check(ArticleEvents)
    check(ArticleEvents)  # remembered: no second walk, and still no error
    for _ in range(2):  # a rejected model is never remembered as fine
        with pytest.raises(ValueError, match="async validators"):
            check(WithAsyncValidator)

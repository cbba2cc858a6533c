"""Fixtures for the mention tests: the seed articles and a slicing check."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.reader import Article, read_one

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def load_seed(stem: str) -> Article:
    article = read_one(str(SEEDS / f"{stem}.txt"))
    assert isinstance(article, Article)
    return article


@pytest.fixture(scope="session")
def persian_seed() -> Article:
    return load_seed("000_c22ab6cdf68cea9e")


@pytest.fixture(scope="session")
def arabic_seed() -> Article:
    return load_seed("001_8da5f88bb0eafb19")


def assert_slices(text: str, mentions: list) -> None:
    """Every mention's offsets slice its text out of the original exactly."""
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text

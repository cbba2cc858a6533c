from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extractor.errors import ArticleError, UserError
from extractor.reader import Unreadable, expand_paths, parse_article, read_one
from tests.conftest import SEEDS


def test_header_line_gives_the_date_and_is_kept_out_of_the_body() -> None:
    raw = (SEEDS / "000_c22ab6cdf68cea9e.txt").read_bytes()
    article = parse_article(raw, path="x.txt", article_id="x")
    assert article.published == date(2026, 1, 5)
    assert article.text.startswith(" date 2026-01-05")
    assert article.body.startswith("در جریان هفتمین")
    assert article.text[article.body_start :] == article.body
    assert "date 2026" not in article.body


def test_article_without_header_starts_at_zero() -> None:
    article = read_one(str(SEEDS / "001_8da5f88bb0eafb19.txt"))
    assert not isinstance(article, Unreadable)
    assert article.published is None
    assert article.body_start == 0
    assert article.article_id == "001_8da5f88bb0eafb19"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
        (b" date 2026-01-05 header only\n", "only a header"),
    ],
)
def test_unreadable_articles_get_a_clear_error(raw: bytes, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        parse_article(raw, path="x.txt", article_id="x")


def test_read_one_turns_a_bad_file_into_an_unreadable_item(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    item = read_one(str(bad))
    assert isinstance(item, Unreadable)
    assert item.article_id == "bad"
    assert item.error.kind == "input"


def test_folders_expand_to_sorted_txt_files(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("b", encoding="utf-8")
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    assert expand_paths([str(tmp_path), "-"]) == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-"]


def test_missing_path_is_a_user_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="nope.txt: no such file"):
        expand_paths([str(tmp_path / "nope.txt")])


def test_empty_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no .txt files"):
        expand_paths([str(tmp_path)])


def test_marks_without_text_are_an_empty_article() -> None:
    with pytest.raises(ArticleError, match="empty"):
        parse_article("\ufeff\u200f \n".encode(), path="x.txt", article_id="x")


def test_a_file_that_vanished_is_an_unreadable_item(tmp_path: Path) -> None:
    item = read_one(str(tmp_path / "gone.txt"))
    assert isinstance(item, Unreadable)
    assert "cannot read the file" in str(item.error)

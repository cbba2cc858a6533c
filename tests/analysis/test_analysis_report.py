"""`extractor report`: a self-contained, escaped HTML file with highlighted evidence."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from extractor.analysis.report import Span, highlight, text_direction
from extractor.commands import report as report_command
from extractor.errors import UserError
from tests.analysis.analysis_helpers import AR_ID, FA_ID, article, event, write_results


class _Marks(HTMLParser):
    """Collects the text of every <mark> per article section, and the tags used."""

    def __init__(self) -> None:
        super().__init__()
        self.article: str | None = None
        self.in_mark = 0
        self.marks: dict[str, list[str]] = {}
        self.tags: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.add(tag)
        if tag == "section" and values.get("data-article"):
            self.article = values["data-article"]
        if tag == "mark":
            self.in_mark += 1
            self.marks.setdefault(self.article or "", []).append("")
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.in_mark -= 1

    def handle_data(self, data: str) -> None:
        if self.in_mark:
            self.marks[self.article or ""][-1] += data


def _report(seeds_results: Path, tmp_path: Path, run_cmd) -> str:
    out = tmp_path / "report.html"
    code, _ = run_cmd(report_command, seeds_results, "-o", out)
    assert code == 0
    return out.read_text(encoding="utf-8")


def test_report_is_self_contained_and_escaped(seeds_results: Path, tmp_path: Path, run_cmd) -> None:
    page = _report(seeds_results, tmp_path, run_cmd)
    parser = _Marks()
    parser.feed(page)
    # Only in-page links: no stylesheet, script, font or image from anywhere.
    assert parser.links and all(link.startswith("#") for link in parser.links)
    assert not {"script", "link", "img", "iframe"} & parser.tags
    assert "<style>" in page and "mark {" in page
    # The Chinese article's '<新阶段>' and '&', and the rejected event's '<invented>', are text.
    assert "CPEC 2.0 &amp; &lt;新阶段&gt;" in page and "<新阶段>" not in page
    assert "&lt;invented&gt; &amp; more." in page
    assert "quote not found in the article" in page
    assert "Error (input): the file is empty" in page
    assert re.search(r'<div class="article-text" dir="rtl" lang="fa">', page)
    assert re.search(r'<div class="article-text" dir="rtl" lang="ar">', page)
    assert re.search(r'<div class="article-text" dir="auto" lang="zh">', page)
    # Every quote is highlighted in full in its own article.
    fa_marks = "".join(parser.marks[FA_ID])
    assert "از سوم تا پنجم ژانویه ۲۰۲۶ به چین سفر کرد" in fa_marks
    assert len(parser.marks[AR_ID]) == 4
    assert 'id="ev-0-1"' in page and 'href="#ev-0-1"' in page  # mark links to its card
    assert "Canonical events" in page and "round 7 agrees" in page


def test_overlapping_spans_are_split_not_nested() -> None:
    text = "a <b> & c"
    spans = [Span(0, 5, "ev-1", "q-1"), Span(2, 9, "ev-2", "q-2")]
    out = highlight(text, spans)
    assert out.count("<mark") == 3
    assert '<mark data-event="ev-1 ev-2" class="multi">&lt;b&gt;</mark>' in out
    assert re.sub(r"<[^>]+>", "", out) == "a &lt;b&gt; &amp; c"


def test_missing_or_changed_article_shows_quotes_only(tmp_path: Path, run_cmd) -> None:
    article_file = tmp_path / "a.txt"
    article_file.write_text("The ministers met in Beijing.", encoding="utf-8")
    good = article("a", str(article_file), "en", [event("visit", str(article_file), "met in Beijing")])
    article_file.write_text("Edited after the run: the ministers met in Beijing.", encoding="utf-8")
    results = write_results(tmp_path / "r.jsonl", [good])
    out = tmp_path / "r.html"
    run_cmd(report_command, results, "-o", out)
    page = out.read_text(encoding="utf-8")
    assert "changed since the run" in page and "<mark" not in page
    assert "met in Beijing" in page  # still listed on the card


def test_direction_by_language_and_output_suffix(seeds_results: Path, tmp_path: Path, run_cmd) -> None:
    assert [text_direction(x) for x in ("fa", "ar", "ur", "he", "zh", "en", None)] == [
        "rtl", "rtl", "rtl", "rtl", "auto", "auto", "auto",
    ]  # fmt: skip
    with pytest.raises(UserError, match="name the file .html"):
        run_cmd(report_command, seeds_results, "-o", tmp_path / "report.pdf")

"""validate, report and export facing hostile or misplaced result files (issue 11: 9-11, 16, 19)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import threading
from pathlib import Path

import pytest

import extractor
from extractor.article import Unreadable
from extractor.cli import main
from extractor.progress import Progress
from extractor.reader import read_one
from extractor.summary import RunStats
from tests.conftest import REPO

FIXTURE = REPO / "tests/analysis/fixtures/seeds_results.jsonl"


def fixture_lines() -> list[dict]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def write_lines(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


# -- 9. report reads only article files under the roots, with a matching sha256 ----------


def test_report_never_shows_a_file_the_run_did_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    line = fixture_lines()[0]
    climbing = dict(line, source=dict(line["source"], path="../../" + str(secret).lstrip("/")))
    null_sha = dict(line, article_id="b", source=dict(line["source"], path=str(secret), sha256=None))
    wrong_sha = dict(line, article_id="c", source=dict(line["source"], path=str(secret), sha256="0" * 64))
    right_sha = hashlib.sha256(secret.read_bytes()).hexdigest()
    outside = dict(line, article_id="d", source=dict(line["source"], path=str(secret), sha256=right_sha))
    results = write_lines(tmp_path / "r.jsonl", [climbing, null_sha, wrong_sha])
    page = extractor.report(results)
    assert "TOP-SECRET-CONTENT" not in page
    assert "no sha256" in page and "sha256 differs" in page
    # Under an explicit root, a file outside it is not read even with the right hash.
    root = tmp_path / "articles"
    root.mkdir()
    page = extractor.report(write_lines(tmp_path / "o.jsonl", [outside]), articles_root=[root])
    assert "TOP-SECRET-CONTENT" not in page and "outside the article roots" in page


def test_report_shows_the_text_of_the_runs_own_articles() -> None:
    page = extractor.report(FIXTURE)
    assert "هفتمین" in page  # the Persian seed's text, highlighted


# -- 10, 11. CSV formulas and bidi controls ----------------------------------------------


def test_csv_export_neutralises_formulas(tmp_path: Path) -> None:
    lines = fixture_lines()
    event = lines[0]["events"][0]
    event["summary_en"] = '=HYPERLINK("http://x","click")'
    if "title_en" in event:
        event["title_en"] = "@SUM(A1:A9)"
    results = write_lines(tmp_path / "r.jsonl", lines)
    out = tmp_path / "events.csv"
    extractor.export(results, out)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cells = [cell for row in rows for cell in row.values()]
    assert '\'=HYPERLINK("http://x","click")' in cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)
    assert not any(cell.startswith("-") and not _is_number(cell) for cell in cells)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_report_neutralises_bidi_controls_from_a_model(tmp_path: Path) -> None:
    lines = fixture_lines()
    lines[0]["events"][0]["summary_en"] = "harmless \u202etxt.exe\u202c and \u2067isolated\u2069"
    page = extractor.report(write_lines(tmp_path / "r.jsonl", lines))
    assert not any(ch in page for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "[U+202E]txt.exe" in page


# -- 16, 19. validate accepts the run's own failed lines and never skips a check silently --


def test_validate_accepts_the_runs_own_failed_input_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "png.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "utf16.txt").write_bytes("Pakistan and China met in Beijing.".encode("utf-16"))
    (folder / "latin1.txt").write_bytes("Caf\xe9 talks in Beijing.".encode("latin-1"))
    (folder / "ok.txt").write_text("Pakistan and China held talks in Beijing on 5 January 2026.", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    assert main(["run", str(folder), "-o", str(out), "--backend", "rules", "-q", "--no-cache"]) == 1
    capsys.readouterr()
    assert main(["validate", str(out)]) == 0
    assert "4 lines, 4 valid, 0 invalid" in capsys.readouterr().out
    utf16 = next(json.loads(line) for line in out.read_text().splitlines() if '"utf16"' in line)
    assert "UTF-16" in utf16["error"]["message"] and "binary" not in utf16["error"]["message"]


def test_utf16_without_a_byte_order_mark_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Pakistan and China met in Beijing.".encode("utf-16-le"))
    item = read_one(str(path))
    assert isinstance(item, Unreadable)
    assert "UTF-16" in str(item.error) and "binary" not in str(item.error)


def test_validate_names_the_articles_it_cannot_find(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The fixture's sources are relative (seeds/...); shift every offset by 5.
    lines = fixture_lines()
    for line in lines:
        for event in line["events"]:
            for evidence in event["evidence"]:
                evidence["start"] += 5
                evidence["end"] += 5
    shifted = write_lines(tmp_path / "shifted.jsonl", lines)
    repo = REPO
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["validate", str(shifted)]) == 1
    out = capsys.readouterr().out
    assert "not found" in out and "seeds/000_c22ab6cdf68cea9e.txt" in out and "--articles-root" in out
    assert main(["validate", str(shifted), "--no-text-check"]) == 0
    capsys.readouterr()
    assert main(["validate", str(shifted), "--articles-root", str(repo)]) == 1
    assert "is not the quote" in capsys.readouterr().out
    unshifted = write_lines(tmp_path / "fine.jsonl", fixture_lines())
    assert main(["validate", str(unshifted), "--articles-root", str(repo)]) == 0


def test_validate_flags_a_line_that_points_outside_its_roots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    line = fixture_lines()[0]
    line["source"]["path"] = str(tmp_path / "seeds" / Path(line["source"]["path"]).name)
    results = write_lines(tmp_path / "r.jsonl", [line])
    other = tmp_path / "other"
    other.mkdir()
    assert main(["validate", str(results), "--articles-root", str(other)]) == 1
    assert "outside the article roots" in capsys.readouterr().out
    assert main(["validate", str(results)]) == 0


# -- issue 10, item 5: progress in a log --------------------------------------------------


class _Log:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def test_progress_prints_a_line_at_intervals_when_stderr_is_not_a_terminal() -> None:
    now = [0.0]
    log = _Log()
    progress = Progress(10, stream=log, interval=30.0, clock=lambda: now[0], heartbeat=False)  # type: ignore[arg-type]
    stats = RunStats()
    for step in range(10):
        now[0] = step * 10.0  # one article every 10 s
        stats.ok += 1
        progress.advance(stats)
    progress.close()
    lines = log.text.splitlines()
    assert len(lines) == 3  # at 30, 60 and 90 s
    assert lines[0].startswith("progress: 4/10 articles (4 ok")
    quiet = _Log()
    Progress(10, quiet=True, stream=quiet, interval=0.0).advance(stats)  # type: ignore[arg-type]
    assert quiet.text == ""


def test_validate_is_a_library_function_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    validation = extractor.validate(FIXTURE, articles_root=[REPO])
    assert validation.ok and validation.lines == len(fixture_lines())
    monkeypatch.chdir(tmp_path)  # the fixture's relative paths lead nowhere from here
    elsewhere = extractor.validate(write_lines(tmp_path / "r.jsonl", fixture_lines()), articles_root=[tmp_path])
    with_evidence = [line["source"]["path"] for line in fixture_lines() if any(e["evidence"] for e in line["events"])]
    assert not elsewhere.ok and with_evidence and elsewhere.missing == list(dict.fromkeys(with_evidence))


def test_progress_shows_a_run_is_alive_while_no_article_finishes() -> None:
    log = _Log()
    written = threading.Event()
    write = log.write

    def noting(text: str) -> int:
        written.set()
        return write(text)

    log.write = noting  # type: ignore[method-assign]
    progress = Progress(2, stream=log, interval=0.01)  # type: ignore[arg-type]
    try:
        assert written.wait(timeout=10)  # no advance at all: the heartbeat wrote
    finally:
        progress.close()
    assert log.text.startswith("progress: 0/2 articles (0 ok, 0 failed, 0 cached)")

"""`extractor export`: one flat row per event, read back from CSV and Parquet."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from extractor.analysis.export import COLUMN_NAMES
from extractor.commands import export as export_command
from extractor.errors import UserError
from tests.analysis.analysis_helpers import FA_ID


def test_csv_round_trip(seeds_results: Path, tmp_path: Path, run_cmd) -> None:
    out = tmp_path / "events.csv"
    code, _ = run_cmd(export_command, seeds_results, "-o", out)
    assert code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10  # the failed article has no rows
    assert tuple(rows[0]) == COLUMN_NAMES
    investment = next(r for r in rows if r["type"] == "investment")
    assert investment["amount"] == "30000000000"
    assert investment["currency"] == "USD" and investment["qualifier"] == "more_than"
    assert investment["article_id"] == FA_ID and investment["published"] == "2026-01-05"
    visit = next(r for r in rows if r["type"] == "visit")
    assert visit["visitor_name"] == "Ishaq Dar" and visit["host_country_iso3"] == "CHN"
    assert visit["parties"] == "CHN;PAK" and visit["date_end"] == "2026-01-05"
    dialogue = rows[0]
    assert dialogue["evidence_count"] == "2" and dialogue["round"] == "7"
    # The first quote and its offsets point into the article file.
    text = Path(dialogue["quote"] and "seeds/000_c22ab6cdf68cea9e.txt").read_text(encoding="utf-8")
    assert text[int(dialogue["quote_start"]) : int(dialogue["quote_end"])] == dialogue["quote"]


def test_parquet_round_trip(seeds_results: Path, tmp_path: Path, run_cmd) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow not installed (the parquet extra)")
    out = tmp_path / "events.parquet"
    code, _ = run_cmd(export_command, seeds_results, "-o", out)
    assert code == 0
    table = pq.read_table(out)
    assert table.column_names == list(COLUMN_NAMES)
    rows = table.to_pylist()
    assert len(rows) == 10
    investment = next(r for r in rows if r["type"] == "investment")
    assert investment["amount"] == 30e9 and isinstance(investment["event_index"], int)
    arabic = [r for r in rows if r["language"] == "ar"]
    assert len(arabic) == 4 and arabic[0]["published"] is None
    assert rows[0]["published"] == date(2026, 1, 5)
    assert {r["kind"] for r in rows if r["type"] == "agreement"} == {"joint_statement", "other"}


def test_unknown_suffix_is_a_user_error(seeds_results: Path, tmp_path: Path, run_cmd) -> None:
    with pytest.raises(UserError, match=r"name the file \.csv or \.parquet"):
        run_cmd(export_command, seeds_results, "-o", tmp_path / "events.xlsx")
    assert not (tmp_path / "events.xlsx").exists()

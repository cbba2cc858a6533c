"""--workers N: answers are checked in worker processes, with the very same result lines."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.cli import main
from extractor.testing import FakeOpenAI
from extractor.testing.gold_answers import GoldAnswers

REPO = Path(__file__).resolve().parent.parent
GOLD = (REPO / "corpus" / "dev" / "gold", REPO / "tests" / "analysis" / "gold")


def test_checking_answers_in_worker_processes_gives_the_same_lines(tmp_path: Path) -> None:
    articles = REPO / "corpus" / "dev" / "articles"
    lines = {}
    with FakeOpenAI(responder=GoldAnswers.from_folders(*GOLD)) as server:
        for workers in ("0", "1"):
            out = tmp_path / f"workers-{workers}.jsonl"
            argv = ["run", str(articles), "-o", str(out), "--base-url", server.base_url, "--model", "fake-model"]
            assert main([*argv, "--quiet", "--no-cache", "--workers", workers]) == 0
            lines[workers] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines["0"]) == 25 and sum(len(line["events"]) for line in lines["0"]) > 50
    assert lines["1"] == lines["0"]

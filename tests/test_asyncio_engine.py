"""The asyncio engine's own housekeeping: results handed over in batches, the collector left as found."""

from __future__ import annotations

import gc
import json
from pathlib import Path

from extractor.api import Batch
from extractor.options import Options
from extractor.testing import FakeOpenAI


def _articles(folder: Path, count: int) -> list[str]:
    folder.mkdir()
    for index in range(count):
        (folder / f"a{index:03d}.txt").write_text(f"Article {index}: Pakistan and China met.", encoding="utf-8")
    return sorted(str(path) for path in folder.glob("*.txt"))


def _options(server: FakeOpenAI) -> Options:
    return Options(base_url=server.base_url, model="fake-model", concurrency=4, cache=False)


def test_every_result_comes_once_in_input_order_and_the_collector_is_left_as_found(tmp_path: Path) -> None:
    inputs = _articles(tmp_path / "in", 30)
    frozen_before = gc.get_freeze_count()
    seen_frozen = []
    with FakeOpenAI() as server:
        batch = Batch(inputs, output=tmp_path / "out.jsonl", options=_options(server))
        for _ in batch:
            seen_frozen.append(gc.get_freeze_count())
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["source"]["path"] for line in lines] == inputs
    assert all(line["status"] == "ok" for line in lines)
    # The run's old objects were out of the collector's way while it ran (the last results
    # may come after the run ended) and were handed back at the end.
    assert max(seen_frozen) > frozen_before + 1000
    assert gc.get_freeze_count() == frozen_before


def test_objects_someone_else_froze_stay_frozen(tmp_path: Path) -> None:
    inputs = _articles(tmp_path / "in", 3)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with FakeOpenAI() as server:
            list(Batch(inputs, options=_options(server)))
        # Not handed back to the collector (and nothing added): only those freed since are gone.
        assert 0.9 * frozen < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()

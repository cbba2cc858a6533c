"""`extractor run --engine ray`: same lines, order, failures, cache and summary as the asyncio engine.

Ray starts a private local instance (~3-4 s) and its actors (~4 s) on this
machine; the fake OpenAI server answers on 127.0.0.1, so nothing leaves it. Tests
that need Ray are skipped when the 'ray' extra is not installed; the others always run.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extractor.cli import main
from extractor.engines.ray_engine import MISSING_RAY, ActorPlan
from extractor.testing import FakeOpenAI

# Ray before 2.60 finds this node's IP in Python by "connecting" a UDP socket to
# 8.8.8.8 (no packet is sent: it only asks the kernel for the route), which
# --block-network refuses. Everything the tests talk to is still on this machine.
pytestmark = [
    pytest.mark.block_network(allowed_hosts=["127.0.0.1", "localhost", "8.8.8.8"]),
    # Ray 2.4x-2.5x: ray.init() warns about a future GPU env-var default, and
    # ray.shutdown() returns before its helper processes have exited, so their Popen
    # objects warn when collected, often between test phases where only the
    # unraisable-exception report reaches pytest. None of it is ours; 2.60 does neither.
    pytest.mark.filterwarnings("ignore:Tip. In future versions of Ray:FutureWarning"),
    pytest.mark.filterwarnings("ignore:subprocess \\d+ is still running:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

HAS_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(not HAS_RAY, reason="ray is not installed (pip install -e '.[ray]')")


@pytest.fixture(autouse=True)
def _ray_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ray 2.60 turns token authentication on for a fresh local cluster and warns
    # about it on every start; a throwaway test cluster on 127.0.0.1 needs none.
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    # A RAY_ADDRESS from the developer's shell would send the test to a real cluster.
    monkeypatch.delenv("RAY_ADDRESS", raising=False)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture(scope="module")
def shared_ray() -> Iterator[None]:
    """One local Ray for the tests that do not test start-up itself: the engine joins it and leaves it running."""
    if not HAS_RAY:
        pytest.skip("ray is not installed")
    import ray

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAY_AUTH_MODE", "disabled")
        ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def three_articles(tmp_path: Path) -> list[str]:
    """Two readable articles around an empty file, named so input order is not name order."""
    texts = {"b": "A strike closed the port of Bandar Abbas on Monday.", "empty": "", "a": "Second article."}
    paths = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def run_cli(server: FakeOpenAI, inputs: list[str], out: Path, *extra: str) -> int:
    return main(["run", *inputs, "--base-url", server.base_url, "--model", "m", "-o", str(out), "--quiet", *extra])


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def summary_of(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@needs_ray
def test_ray_engine_writes_input_order_fails_the_empty_file_and_summarises_like_asyncio(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    import ray

    inputs = three_articles(tmp_path)
    out, summary = tmp_path / "ray.jsonl", tmp_path / "ray-summary.json"
    assert run_cli(server, inputs, out, "--engine", "ray", "--no-cache", "--summary", str(summary)) == 1
    assert not ray.is_initialized()  # the engine started its own Ray, so it shut it down

    got = lines(out)
    assert [line["source"]["path"] for line in got] == inputs  # input order, paths as given
    assert [line["status"] for line in got] == ["ok", "failed", "ok"]
    assert got[1]["error"]["kind"] == "input" and "empty" in got[1]["error"]["message"]
    assert len(server.chat_requests) == 2  # the empty file costs no request

    reference, reference_summary = tmp_path / "asyncio.jsonl", tmp_path / "asyncio-summary.json"
    assert run_cli(server, inputs, reference, "--no-cache", "--summary", str(reference_summary)) == 1
    # Wall time differs between any two runs; what was counted must not.
    for key in ("articles", "events", "requests", "tokens"):
        assert summary_of(summary)[key] == summary_of(reference_summary)[key], key
    assert summary_of(summary)["articles"] == {"total": 3, "ok": 2, "failed": 1, "cached": 0, "skipped_as_done": 0}
    assert [line["article_id"] for line in got] == [line["article_id"] for line in lines(reference)]


@needs_ray
@pytest.mark.usefixtures("shared_ray")
def test_ray_rerun_is_answered_from_the_cache_each_actor_opens(server: FakeOpenAI, tmp_path: Path) -> None:
    inputs = three_articles(tmp_path)
    assert run_cli(server, inputs, tmp_path / "first.jsonl", "--engine", "ray") == 1
    asked = len(server.chat_requests)
    assert asked == 2

    again = tmp_path / "again.jsonl"
    assert run_cli(server, inputs, again, "--engine", "ray", "--no-ordered") == 1
    assert len(server.chat_requests) == asked  # not one request on the re-run
    by_id = {line["article_id"]: line for line in lines(again)}
    assert sorted(by_id) == ["a", "b", "empty"]
    assert by_id["a"]["cached"] and by_id["b"]["cached"]
    assert by_id["empty"]["status"] == "failed"  # failures are never cached


@needs_ray
@pytest.mark.usefixtures("shared_ray")
def test_ray_resume_skips_done_articles_on_the_driver_and_retries_the_failed_one(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    inputs = three_articles(tmp_path)
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    assert run_cli(server, inputs, out, "--no-cache") == 1  # the first run's engine does not matter here
    asked = len(server.chat_requests)

    assert run_cli(server, inputs, out, "--engine", "ray", "--no-cache", "--resume", "--summary", str(summary)) == 1
    assert len(server.chat_requests) == asked  # the two ok articles were skipped, not re-asked
    # Only the empty file went through Ray again (and failed again).
    assert summary_of(summary)["articles"] == {"total": 1, "ok": 0, "failed": 1, "cached": 0, "skipped_as_done": 2}
    assert [line["source"]["path"] for line in lines(out)] == inputs  # compacted: one line each, in order


@needs_ray
def test_ray_resume_with_nothing_left_does_not_start_ray(
    server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ray

    def no_start(*args: object, **kwargs: object) -> None:
        raise AssertionError("Ray was started with nothing to do")

    monkeypatch.setattr(ray, "init", no_start)
    monkeypatch.setattr(ray, "is_initialized", lambda: False)  # as if no Ray were running (shared_ray may be)
    inputs = three_articles(tmp_path)[::2]  # the two readable ones
    out = tmp_path / "out.jsonl"
    assert run_cli(server, inputs, out, "--no-cache") == 0  # asyncio writes the first run
    assert run_cli(server, inputs, out, "--engine", "ray", "--no-cache", "--resume") == 0


@needs_ray
def test_ray_engine_refuses_standard_input(server: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "-", "--engine", "ray", "--base-url", server.base_url, "--model", "m"]) == 2
    assert "standard input" in capsys.readouterr().err


def test_missing_ray_is_a_user_error_naming_the_extra(
    server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    inputs = three_articles(tmp_path)
    assert run_cli(server, inputs, tmp_path / "out.jsonl", "--engine", "ray") == 2
    assert MISSING_RAY in capsys.readouterr().err


@pytest.mark.parametrize(
    ("concurrency", "limit", "actors", "per_actor"),
    [(1, 8, 1, 1), (4, 8, 1, 4), (8, 8, 1, 8), (10, 8, 2, 5), (64, 8, 8, 8), (65, 8, 9, 8)],
)
def test_concurrency_is_split_evenly_over_actors(concurrency: int, limit: int, actors: int, per_actor: int) -> None:
    plan = ActorPlan.for_concurrency(concurrency, per_actor_limit=limit)
    assert (plan.actors, plan.per_actor) == (actors, per_actor)
    assert concurrency <= plan.actors * plan.per_actor < concurrency + plan.actors

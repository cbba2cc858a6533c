"""Issue 5's benchmark: how close `extractor run` gets to the model server's own limit.

    python bench/throughput.py [--articles 500] [--latency 0.25,0.05] [--concurrency 32] [--answers both]

Two kinds of fake answers (`--answers`): "empty" answers (the minimal valid
answer, no events) on synthetic articles, and "realistic" answers on real
articles (corpus/dev and seeds/, each copy made distinct): every answer carries
up to 4 of the article's gold events with their real quotes, amounts, dates and
parties (extractor.testing.gold_answers), so grounding, mentions and repair do
the work they do in production. Parts 1 and 3 run once per kind.

One run prints a labelled table of:

1. at every `--latency` (default 0.25 s and 0.05 s), our throughput (the real
   `extractor run` code path, asyncio engine) against a bare HTTP client (stdlib
   http.client in threads) sending the very same request bytes at the same
   concurrency to the same fake server, as a ratio, plus the ceiling
   concurrency/latency, with a verdict for each goal of issue 13 (GOALS: ours/bare
   >= 0.90 with empty and >= 0.85 with realistic answers at 0.25 s, >= 150
   articles/s with realistic answers at 0.05 s);
2. our throughput against the plain sequential instructor loop a user would
   write instead (measured on a subset, `--sequential`, to keep the run short;
   at the first latency, as parts 4 and 5);
3. pipeline CPU per article with the model wait taken out, at latency 0:
   (a) process CPU of a run minus the bare client's CPU for the same requests;
   (a') CPU per additional article: (CPU of 2N articles - CPU of N) / N, which
   leaves start-up out (goal <= 5 ms); (b) for realistic answers, a per-stage
   breakdown from calling `Extractor.extract` in-process with instant answers;
4. peak memory for N and for `--memory-articles` (5,000) articles at latency
   0 (realistic answers when run), each in a fresh child process after a
   warm-up run (goal: flat);
5. a cached re-run: the same job twice with the cache on; the second run's wall
   time and the chat requests the fake server saw (goal: 0).

The fake server (extractor.testing.fake_openai) runs as a separate process for
every timed pass, so it does not share our GIL; it listens on 127.0.0.1 only.
Articles are synthetic (Persian/Arabic/English paragraphs from seeds/, each
file distinct) and written to a temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import http.client
import importlib
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Only ever sent to the local fake server; never a real key.
os.environ["OPENAI_API_KEY"] = "bench-dummy-key"
os.environ.pop("OPENAI_BASE_URL", None)

from extractor import cli  # noqa: E402
from extractor.testing.fake_openai import FakeOpenAI, Responder, default_responder  # noqa: E402
from extractor.testing.gold_answers import GoldAnswers  # noqa: E402

MODEL = "m"
SERVER_START_TIMEOUT = 30.0
WARMUP_ARTICLES = 20
KINDS = ("empty", "realistic")
# Real articles with gold events, for realistic answers; at most this many events per answer.
REAL_ARTICLES = (ROOT / "corpus" / "dev" / "articles", ROOT / "seeds")
GOLD = (ROOT / "corpus" / "dev" / "gold", ROOT / "tests" / "analysis" / "gold")
EVENTS_PER_ANSWER = 4


@dataclass(frozen=True)
class Goal:
    """Issue 13's throughput goals: a ratio to the bare client, or articles per second."""

    minimum: float
    per_second: bool = False  # False: ours / bare; True: our articles/s

    def text(self) -> str:
        return f"goal >= {self.minimum:g} art/s" if self.per_second else f"goal >= {self.minimum:.2f}"

    def met(self, ours_rate: float, bare_rate: float) -> bool:
        return (ours_rate if self.per_second else ours_rate / bare_rate) >= self.minimum


# (answers, latency) -> goal; other latencies are measured without one.
GOALS: dict[tuple[str, float], Goal] = {
    ("empty", 0.25): Goal(0.90),
    ("realistic", 0.25): Goal(0.85),
    ("realistic", 0.05): Goal(150, per_second=True),
}


def responder(kind: str) -> Responder:
    """The fake server's answers: minimal valid ones, or gold events found in the article."""
    return GoldAnswers.from_folders(*GOLD, max_events=EVENTS_PER_ANSWER) if kind == "realistic" else default_responder


ENGLISH = [
    "China and Pakistan agreed to upgrade the China-Pakistan Economic Corridor during talks in Beijing, "
    "and the two foreign ministers pledged to deepen strategic communication.",
    "Pakistan's Deputy Prime Minister Ishaq Dar visited China from 3 to 5 January at the invitation of "
    "Foreign Minister Wang Yi, according to a joint press release.",
    "Chinese investment under the corridor exceeded $30 billion before its second phase, which focuses on "
    "industry, agriculture, mining and the port of Gwadar.",
    "The two sides also announced events in 2026 to mark the 75th anniversary of diplomatic relations and "
    "welcomed third-party participation in corridor projects.",
    "Officials said the Khunjerab Pass would stay open all year to ease bilateral trade and people-to-people "
    "exchanges between the two countries.",
]


# -- synthetic articles ------------------------------------------------------------------


def _paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("date "):
                paragraphs.append(line.strip())
    return paragraphs + ENGLISH


def synthetic_article(index: int, paragraphs: list[str]) -> str:
    """Article `index`: 300 chars to ~3 KB of mixed fa/ar/en paragraphs, distinct for every index."""
    rng = random.Random(index)
    target = rng.randint(300, 3000)
    lines = []
    if rng.random() < 0.5:  # half carry the scraper's header line with a publication date
        lines.append(f" date {(date(2025, 1, 1) + timedelta(days=index % 365)).isoformat()} پخش زنده")
    lead = rng.choice(paragraphs)
    lines.append(lead)
    size = len(lead)
    while size < target:
        paragraph = rng.choice(paragraphs)
        lines.append(paragraph)
        size += len(paragraph)
    text = "\n".join(lines)
    cut = text.rfind("\n", 0, 3200)
    text = text[:cut] if size > 3200 and cut > 300 else text
    return f"{text}\nReport {index}: filed by desk {rng.randint(1, 99)}.\n"


def real_articles() -> list[str]:
    """The texts of the real articles that have gold events (negatives left out: no events to answer)."""
    answers = GoldAnswers.from_folders(*GOLD)
    texts = [p.read_text(encoding="utf-8") for folder in REAL_ARTICLES for p in sorted(folder.glob("*.txt"))]
    return [text for text in texts if answers.arguments(text)["events"]]


def write_articles(folder: Path, count: int, paragraphs: list[str], kind: str = "empty") -> list[int]:
    """`count` distinct articles: synthetic ones (empty answers) or real ones, each copy made distinct."""
    folder.mkdir(parents=True)
    real = real_articles() if kind == "realistic" else []
    sizes = []
    for i in range(count):
        if real:
            text = f"{real[i % len(real)]}\n\nReport {i}: filed by desk {i % 97}.\n"
        else:
            text = synthetic_article(i, paragraphs)
        (folder / f"a{i:05d}.txt").write_text(text, encoding="utf-8")
        sizes.append(len(text))
    return sizes


# -- the fake server, as a separate process ----------------------------------------------


def serve_child(latency: float, kind: str) -> None:
    """Child mode: the fake server with `kind` answers on a free port; prints its URL, stops on SIGTERM."""
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    with FakeOpenAI(latency=latency, responder=responder(kind)) as server:
        print(server.base_url, flush=True)
        stopped.wait()


@contextmanager
def fake_server_process(latency: float, kind: str = "empty") -> Iterator[str]:
    """The fake server in a child process on a free 127.0.0.1 port; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve-child", str(latency), kind],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        ready: list[str] = []
        reader = threading.Thread(target=lambda: ready.append(process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(SERVER_START_TIMEOUT)
        if not ready or not ready[0].startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the fake server did not start (printed {ready!r})")
        yield ready[0].strip()
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        if process.stdout:
            process.stdout.close()


# -- our side: the real CLI code path ----------------------------------------------------


WORKERS = 0  # --workers of every `extractor run` (set from the command line)


def cpu_seconds() -> float:
    """CPU of this process plus its finished children (the --workers processes, once shut down)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run_ours(folder: Path, url: str, out: Path, concurrency: int, *, cache: Path | None = None) -> float:
    """`extractor run FOLDER ...` in this process; returns wall seconds."""
    argv = ["run", str(folder), "--base-url", url, "--model", MODEL, "-o", str(out), "--quiet",
            "--concurrency", str(concurrency), "--workers", str(WORKERS)]  # fmt: skip
    argv += ["--cache", str(cache)] if cache else ["--no-cache"]
    gc.collect()
    began = time.perf_counter()
    code = cli.main(argv)
    wall = time.perf_counter() - began
    if code != 0:
        raise RuntimeError(f"extractor run exited {code}; see {out}")
    return wall


def check_output(out: Path, expected: int) -> None:
    lines = out.read_text(encoding="utf-8").splitlines()
    ok = sum(json.loads(line)["status"] == "ok" for line in lines)
    if len(lines) != expected or ok != expected:
        raise RuntimeError(f"{out}: {len(lines)} lines, {ok} ok; expected {expected} ok lines")


def capture_bodies(folder: Path, count: int, concurrency: int, scratch: Path, kind: str) -> list[bytes]:
    """The exact chat-completion bytes `extractor run` sends, one body per article (also a warm-up run).

    Taken where our transport sends them, not re-encoded from what the server parsed: the
    bare client must send the same bytes (UTF-8, compact), not a longer ASCII-escaped copy."""
    from extractor.transport import ResilientTransport

    sent: list[bytes] = []
    real = ResilientTransport.handle_async_request

    async def recording(self: ResilientTransport, request: Any) -> Any:
        if request.url.path.endswith("/chat/completions"):
            sent.append(request.content)
        return await real(self, request)

    patch = mock.patch.object(ResilientTransport, "handle_async_request", recording)
    with patch, FakeOpenAI(responder=responder(kind)) as server:
        run_ours(folder, server.base_url, scratch / "capture.jsonl", concurrency)
        chats = len(server.chat_requests)
    if len(sent) != count or chats != count:
        raise RuntimeError(f"captured {len(sent)} chat requests ({chats} at the server) for {count} articles")
    return sent


# -- the bare client ---------------------------------------------------------------------


def run_bare(url: str, bodies: list[bytes], concurrency: int) -> float:
    """POST every body with stdlib http.client from `concurrency` keep-alive threads; wall seconds."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") + "/chat/completions"
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "Authorization": "Bearer bench-dummy-key"}  # fmt: skip
    lock = threading.Lock()
    next_index = iter(range(len(bodies)))
    failures: list[str] = []

    def worker() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            while True:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                connection.request("POST", path, body=bodies[index], headers=headers)
                response = connection.getresponse()
                payload = json.loads(response.read())
                if response.status != 200 or not payload.get("choices"):
                    failures.append(f"HTTP {response.status}")
        except Exception as exc:  # reported below; a failed bare pass must not pass silently
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(concurrency, len(bodies)))]
    gc.collect()
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    wall = time.perf_counter() - began
    if failures or any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"bare client failed: {failures[:3]}")
    return wall


# -- the plain sequential instructor loop ------------------------------------------------


def run_sequential(paths: list[Path], url: str, out: Path) -> float:
    """What a user would write instead: one instructor call per article, one at a time."""
    import instructor
    import openai
    from extractor.schemas import ArticleEvents

    from extractor.prompting import load_prompt
    from extractor.reader import read_one

    prompt = load_prompt()
    client = instructor.from_openai(openai.OpenAI(base_url=url, api_key="bench-dummy-key"))
    began = time.perf_counter()
    with out.open("w", encoding="utf-8") as handle:
        for path in paths:
            article = read_one(str(path))
            answer = client.chat.completions.create(
                model=MODEL, response_model=ArticleEvents, messages=prompt.messages(article), max_retries=2
            )
            handle.write(answer.model_dump_json() + "\n")
    wall = time.perf_counter() - began
    client.client.close()
    return wall


# -- CPU: per-stage breakdown with instant, realistic answers ----------------------------


def _instant_completion(request_body: dict[str, Any], gold: GoldAnswers) -> dict[str, Any]:
    tool = (request_body.get("tools") or [{}])[0].get("function", {}).get("name", "ArticleEvents")
    user = [m["content"] for m in request_body["messages"] if m["role"] == "user"][-1]
    arguments = json.dumps(gold.arguments(user), ensure_ascii=False)
    message = {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": tool, "arguments": arguments}}],
    }
    return {"id": "chatcmpl-bench", "object": "chat.completion", "created": 0, "model": MODEL,
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}}  # fmt: skip


class StageClock:
    """Exclusive CPU time (time.process_time) per wrapped function; nested calls are subtracted."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._stack: list[list[float]] = []

    def _enter(self) -> None:
        self._stack.append([time.process_time(), 0.0])

    def _exit(self, name: str) -> None:
        began, children = self._stack.pop()
        elapsed = time.process_time() - began
        self.seconds[name] += elapsed - children
        if self._stack:
            self._stack[-1][1] += elapsed

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        if asyncio.iscoroutinefunction(function):

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                self._enter()
                try:
                    return await function(*args, **kwargs)
                finally:
                    self._exit(name)

            return timed_async

        def timed(*args: Any, **kwargs: Any) -> Any:
            self._enter()
            try:
                return function(*args, **kwargs)
            finally:
                self._exit(name)

        return timed

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._enter()
        try:
            yield
        finally:
            self._exit(name)


# (label, module, attribute) of what the per-stage breakdown times, in pipeline order.
STAGES = [
    ("grounder setup (fold article)", "extractor.grounding", "Grounder.__init__"),
    ("prompt rendering", "extractor.prompting", "Prompt.messages"),
    ("openai+instructor: request, parse, validate", "extractor.model_client", "ModelClient.extract"),
    ("quote checks inside validation", "extractor.grounding", "Grounder.contains"),
    ("money mentions", "extractor.mentions", "find_money"),
    ("date mentions", "extractor.mentions", "find_dates"),
    ("country mentions", "extractor.mentions", "find_countries"),
    ("find_mentions glue (sorting, record)", "extractor.postprocess", "find_mentions"),
    ("grounding (locate, stored events)", "extractor.grounding", "Grounder.ground"),
    ("repair against mentions", "extractor.postprocess", "repair"),
    ("in-article dedup", "extractor.pipeline", "dedupe"),
    ("result model (ArticleResult)", "extractor.pipeline", "Extractor._result"),
]


@dataclass
class StageProfile:
    cpu_per_article: float  # seconds
    stages: dict[str, float]  # label -> seconds per article
    events: int
    rejected: int
    requests: int


def profile_stages(paths: list[Path], scratch: Path) -> StageProfile:
    """Call Extractor.extract article by article, answers served instantly in-process, under StageClock."""
    import httpx2
    import instructor

    from extractor.backends import Endpoint
    from extractor.config import RunConfig, open_extractor
    from extractor.reader import read_one
    from extractor.results_io import write_result

    gold = GoldAnswers.from_folders(*GOLD, max_events=EVENTS_PER_ANSWER)

    async def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json=_instant_completion(json.loads(request.content), gold))

    endpoint = Endpoint(backend="openai", base_url="http://127.0.0.1:9/v1", api_key="bench-dummy-key",
                        model=MODEL, mode=instructor.Mode.TOOLS)  # fmt: skip
    clock = StageClock()
    counts = {"events": 0, "rejected": 0, "requests": 0}

    async def run_all() -> float:
        async with open_extractor(RunConfig(endpoint=endpoint)) as extractor:
            raw = extractor.model._raw  # no socket at all: an httpx2 mock transport answers at once
            raw._client = httpx2.AsyncClient(base_url=raw.base_url, transport=httpx2.MockTransport(answer))
            with (scratch / "stages.jsonl").open("w", encoding="utf-8") as out:
                await extractor.extract(read_one(str(paths[0])))  # warm-up: lazy imports, lingua models
                clock.seconds.clear()
                gc.collect()
                began = time.process_time()
                for path in paths:
                    with clock.stage("read file (decode, sha256)"):
                        item = read_one(str(path))
                    result = await extractor.extract(item)
                    if result.status != "ok" or not result.events:
                        raise RuntimeError(f"{path.name}: {result.status}, no events ({result.error})")
                    counts["events"] += len(result.events)
                    counts["rejected"] += len(result.rejected)
                    counts["requests"] += result.usage.requests
                    with clock.stage("json line write"):
                        write_result(out, result)
                return time.process_time() - began

    with ExitStack() as patches:
        for label, module_name, attribute in STAGES:
            owner: Any = importlib.import_module(module_name)
            *outer, name = attribute.split(".")
            for part in outer:
                owner = getattr(owner, part, None)
            if owner is None or not hasattr(owner, name):
                continue  # the pipeline changed shape; time what still exists
            patches.enter_context(mock.patch.object(owner, name, clock.wrap(label, getattr(owner, name))))
        _time_lingua(clock, patches)
        total = asyncio.run(run_all())
    count = len(paths)
    stages = {label: seconds / count for label, seconds in clock.seconds.items()}
    stages["other (asyncio, extract glue)"] = total / count - sum(stages.values())
    return StageProfile(total / count, stages, counts["events"], counts["rejected"], counts["requests"])


def _time_lingua(clock: StageClock, patches: ExitStack) -> None:
    """Time lingua itself, whoever calls it first (detect_language is cached per body)."""
    language: Any = importlib.import_module("extractor.mentions.language")
    if not hasattr(language, "_detector"):
        return
    real = language._detector()

    class TimedDetector:
        detect_language_of = staticmethod(clock.wrap("language detection (lingua)", real.detect_language_of))
        compute_language_confidence_values = staticmethod(  # the short first sample (language.py)
            clock.wrap("language detection (lingua)", real.compute_language_confidence_values)
        )

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    timed = TimedDetector()
    patches.enter_context(mock.patch.object(language, "_detector", lambda: timed))


# -- memory: a fresh child process per size ----------------------------------------------


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: fall back to the high-water mark
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def memory_child(folder: str, warm: str, url: str, concurrency: int, out: str, probe: str) -> None:
    """Child mode: warm up, then run FOLDER watching memory; print one JSON line.

    probe "rss": a thread samples RSS and Python's allocated blocks every 20 ms (no slowdown);
    probe "tracemalloc": tracemalloc's peak (exact Python heap, but ~6x slower here).
    """
    run_ours(Path(warm), url, Path(out), concurrency)  # lazy imports, lingua models, pydantic caches
    gc.collect()
    base_rss, base_blocks = _rss_bytes(), sys.getallocatedblocks()
    peaks = {"rss": base_rss, "blocks": base_blocks}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            peaks["rss"] = max(peaks["rss"], _rss_bytes())
            peaks["blocks"] = max(peaks["blocks"], sys.getallocatedblocks())

    sampler = threading.Thread(target=sample, daemon=True)
    if probe == "tracemalloc":
        tracemalloc.start()
    else:
        sampler.start()
    try:
        wall = run_ours(Path(folder), url, Path(out), concurrency)
    finally:
        stop.set()
    if sampler.is_alive():
        sampler.join(5)
    traced_peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
    tracemalloc.stop()
    peaks["rss"] = max(peaks["rss"], _rss_bytes())
    print(json.dumps({
        "probe": probe, "wall": wall, "traced_peak": traced_peak,
        "rss_peak": peaks["rss"], "rss_growth": peaks["rss"] - base_rss,
        "blocks_growth": peaks["blocks"] - base_blocks,
        "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))  # fmt: skip


def measure_memory(folder: Path, warm: Path, url: str, concurrency: int, scratch: Path, probe: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--memory-child", str(folder), str(warm), url, str(concurrency),
               str(scratch / f"memory-{folder.name}.jsonl"), probe]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memory child failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the report --------------------------------------------------------------------------


def row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<46} {value:>14}  {note}".rstrip(), flush=True)


def verdict(ok: bool) -> str:
    return "OK" if ok else "BELOW GOAL"


def load() -> str:
    return f"load avg {os.getloadavg()[0]:.1f}"


@dataclass
class KindResult:
    """Parts 1 and 3 for one kind of answers."""

    rates: dict[float, tuple[float, float]]  # latency -> (ours, bare) articles/s
    cpu_marginal_ms: float


def measure_kind(kind: str, args: argparse.Namespace, scratch: Path, paragraphs: list[str]) -> KindResult:
    """Parts 1 and 3 for `kind` answers: throughput vs the bare client, CPU per article."""
    n, concurrency = args.articles, args.concurrency
    folder, double = scratch / f"{kind}-articles", scratch / f"{kind}-double"
    sizes = write_articles(folder, n, paragraphs, kind)
    write_articles(double, 2 * n, paragraphs, kind)
    source = "synthetic fa/ar/en" if kind == "empty" else "real (corpus/dev + seeds), gold events"
    print(f"\n== {kind} answers: {n} articles, {source}, {min(sizes):,}-{max(sizes):,} chars "
          f"(mean {sum(sizes) // n:,}); {load()}")  # fmt: skip
    bodies = capture_bodies(folder, n, concurrency, scratch, kind)
    mean_body = sum(map(len, bodies)) // n

    # 1. ours vs the bare client, at every latency
    rates: dict[float, tuple[float, float]] = {}
    for latency in args.latency:
        with fake_server_process(latency, kind) as url:
            ours_walls, bare_walls = [], []
            for _ in range(args.repeat):
                ours_walls.append(run_ours(folder, url, scratch / "ours.jsonl", concurrency))
                check_output(scratch / "ours.jsonl", n)
                bare_walls.append(run_bare(url, bodies, concurrency))
            ours_rate, bare_rate = n / min(ours_walls), n / min(bare_walls)
        rates[latency] = (ours_rate, bare_rate)
        ceiling = concurrency / latency if latency > 0 else float("inf")
        events = sum(len(json.loads(line)["events"]) for line in (scratch / "ours.jsonl").open(encoding="utf-8"))
        print(f"1. throughput vs a bare HTTP client ({kind} answers, {events / n:.1f} events/article kept; same {n} "
              f"bodies, mean {mean_body:,} B; best of {args.repeat}; latency {latency:g} s, concurrency "
              f"{concurrency}; {load()})")  # fmt: skip
        row("ceiling: concurrency / latency", f"{ceiling:.1f} art/s")
        row(f"bare client: http.client, {concurrency} threads", f"{bare_rate:.1f} art/s",
            f"{bare_rate / ceiling:.2f} of ceiling")  # fmt: skip
        goal = GOALS.get((kind, latency))
        rate_goal = f"; {goal.text()}  {verdict(goal.met(ours_rate, bare_rate))}" if goal and goal.per_second else ""
        row("ours: extractor run (asyncio engine)", f"{ours_rate:.1f} art/s",
            f"{ours_rate / ceiling:.2f} of ceiling{rate_goal}")  # fmt: skip
        ratio_goal = f"{goal.text()}  {verdict(goal.met(ours_rate, bare_rate))}" if goal and not goal.per_second else ""
        row(f"ratio ours/bare ({kind}, {latency:g} s)", f"{ours_rate / bare_rate:.2f}", ratio_goal)

    # 3. CPU per article at latency 0
    with fake_server_process(0.0, kind) as url0:
        gc.collect()
        cpu = cpu_seconds()
        run_ours(folder, url0, scratch / "cpu.jsonl", concurrency)
        ours_cpu = cpu_seconds() - cpu
        cpu = cpu_seconds()
        run_ours(double, url0, scratch / "cpu2.jsonl", concurrency)
        ours_cpu2 = cpu_seconds() - cpu
        cpu = cpu_seconds()
        run_bare(url0, bodies, concurrency)
        bare_cpu = cpu_seconds() - cpu
    print(f"3. pipeline CPU per article, model wait excluded ({kind} answers, latency 0; {load()})")
    row("(a) run CPU at latency 0", f"{ours_cpu / n * 1000:.2f} ms/art")
    row("    bare client CPU, same requests", f"{bare_cpu / n * 1000:.2f} ms/art")
    per_article = (ours_cpu - bare_cpu) / n * 1000
    row(f"    CPU/article: ours - bare ({kind})", f"{per_article:.2f} ms/art", f"{verdict(per_article < 5)}")
    marginal = (ours_cpu2 - ours_cpu) / n * 1000
    row(f"(a') CPU per additional article ({kind})", f"{marginal:.2f} ms/art",
        f"({2 * n} vs {n} articles) goal <= 5  {verdict(marginal <= 5)}")  # fmt: skip
    if kind == "realistic":
        profile = profile_stages(sorted(folder.glob("*.txt")), scratch)
        per_article = profile.cpu_per_article * 1000
        row("(b) Extractor.extract, instant realistic answers", f"{per_article:.2f} ms/art",
            f"{verdict(per_article < 5)}; {profile.events / n:.1f} events, {profile.rejected / n:.1f} rejected, "
            f"{profile.requests / n:.1f} requests per article; per stage:")  # fmt: skip
        for label, seconds in sorted(profile.stages.items(), key=lambda item: -item[1]):
            row(f"    {label}", f"{seconds * 1000:.3f} ms")
        outside = marginal - per_article
        row("(a') - (b): a run's CPU outside Extractor.extract", f"{outside:.2f} ms/art",
            f"HTTP client, transport, engine, reading, writing; goal <= 1  {verdict(outside <= 1)}")  # fmt: skip
    return KindResult(rates, marginal)


def latencies(text: str) -> tuple[float, ...]:
    """--latency: one or more seconds, comma-separated."""
    try:
        values = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give seconds, comma-separated (e.g. 0.25,0.05)") from None
    if not values:
        raise argparse.ArgumentTypeError("give at least one latency")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500, help="articles per timed pass (default 500)")
    parser.add_argument(
        "--latency",
        type=latencies,
        default=(0.25, 0.05),
        help="fake model latencies in seconds, comma-separated: part 1 runs at each, the other parts at the first "
        "(default 0.25,0.05)",
    )
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (default 32)")
    parser.add_argument(
        "--answers",
        choices=(*KINDS, "both"),
        default="both",
        help="fake answers: empty, realistic (gold events of real articles) or both (default)",
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="extractor run --workers: processes that check answers (default 0)"
    )
    parser.add_argument("--sequential", type=int, default=40, help="articles for the sequential loop (default 40)")
    parser.add_argument("--memory-articles", type=int, default=5000, help="the large memory run (default 5000)")
    parser.add_argument("--repeat", type=int, default=2, help="timed passes for part 1; the best counts")
    parser.add_argument(
        "--memory-probe",
        choices=("rss", "tracemalloc"),
        default="rss",
        help="rss: sampled RSS and Python blocks (default); tracemalloc: exact heap peak, ~6x slower",
    )
    parser.add_argument("--memory-child", nargs=6, help=argparse.SUPPRESS)
    parser.add_argument("--serve-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        folder, warm, url, concurrency, out, probe = args.memory_child
        memory_child(folder, warm, url, int(concurrency), out, probe)
        return 0
    if args.serve_child:
        serve_child(float(args.serve_child[0]), args.serve_child[1])
        return 0
    n, latency, concurrency = args.articles, args.latency[0], args.concurrency
    if n < 1 or concurrency < 1 or min(args.latency) < 0 or args.sequential < 1 or args.repeat < 1:
        parser.error("--articles, --concurrency, --sequential and --repeat must be >= 1, --latency >= 0")
    kinds = KINDS if args.answers == "both" else (args.answers,)
    global WORKERS
    WORKERS = args.workers
    last = kinds[-1]  # memory and the cached re-run use the last kind (realistic unless asked otherwise)

    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="extractor-bench-"))
    try:
        paragraphs = _paragraphs()
        print(
            f"extractor throughput bench: {n} articles, latency {', '.join(f'{x:g}' for x in args.latency)} s, "
            f"concurrency {concurrency}, "
            f"--workers {args.workers}; "
            f"{os.cpu_count()} CPUs, {load()}, Python {sys.version.split()[0]}; fake server: separate process "
            "on 127.0.0.1"
        )
        results = {kind: measure_kind(kind, args, scratch, paragraphs) for kind in kinds}
        folder = scratch / f"{last}-articles"
        paths = sorted(folder.glob("*.txt"))
        big = max(args.memory_articles, n)
        write_articles(scratch / "many", big, paragraphs, last)
        write_articles(scratch / "warm", min(WARMUP_ARTICLES, n), paragraphs, last)

        # 2. ours vs the sequential instructor loop
        with fake_server_process(latency, last) as url:
            subset = paths[: args.sequential]
            sequential_rate = len(subset) / run_sequential(subset, url, scratch / "sequential.jsonl")
        ours_rate = results[last].rates[latency][0]
        print(f"\n2. vs a plain sequential instructor loop ({last} answers, first {len(subset)} articles, latency "
              f"{latency:g} s; {load()})")  # fmt: skip
        row("sequential instructor loop", f"{sequential_rate:.2f} art/s")
        row(f"ours (from part 1, {latency:g} s)", f"{ours_rate:.1f} art/s")
        row("ratio ours/sequential", f"{ours_rate / sequential_rate:.1f}x")

        with fake_server_process(0.0, last) as url0:
            # 4. memory
            probe = args.memory_probe
            small = measure_memory(folder, scratch / "warm", url0, concurrency, scratch, probe)
            large = measure_memory(scratch / "many", scratch / "warm", url0, concurrency, scratch, probe)
        how = "tracemalloc peak" if probe == "tracemalloc" else "RSS sampled every 20 ms"
        print(f"\n4. peak memory at latency 0 ({last} answers, --workers 0; {how}; fresh process each, after a "
              f"{WARMUP_ARTICLES}-article warm-up run; {load()})")  # fmt: skip
        mib = 2**20
        for count, seen in ((n, small), (big, large)):
            if probe == "tracemalloc":
                value, note = seen["traced_peak"] / mib, f"max RSS {seen['max_rss'] / mib:.0f} MiB"
            else:
                value = seen["rss_peak"] / mib
                note = (f"+{seen['rss_growth'] / mib:.1f} MiB over the warm process, "
                        f"+{seen['blocks_growth'] / 1000:.0f}k Python blocks")  # fmt: skip
            row(f"{count} articles", f"{value:.1f} MiB", f"{note}; {seen['wall']:.1f} s")
        key = "traced_peak" if probe == "tracemalloc" else "rss_peak"
        memory_ratio = large[key] / small[key]
        row(f"ratio peak {big}/{n}", f"{memory_ratio:.2f}", f"goal: flat (~1.0)  {verdict(memory_ratio < 1.1)}")

        # 5. cached re-run (in-process fake: it counts the requests it sees)
        with FakeOpenAI(latency=latency, responder=responder(last)) as server:
            cache = scratch / "cache" / "answers.sqlite"
            first = run_ours(folder, server.base_url, scratch / "cached1.jsonl", concurrency, cache=cache)
            chats_before, all_before = len(server.chat_requests), server.request_count
            second = run_ours(folder, server.base_url, scratch / "cached2.jsonl", concurrency, cache=cache)
            check_output(scratch / "cached2.jsonl", n)
            chats = len(server.chat_requests) - chats_before
            others = server.request_count - all_before - chats
        print(f"\n5. cached re-run ({last} answers, same job twice, cache on, latency {latency:g} s; {load()})")
        row("first run (fills the cache)", f"{first:.2f} s", f"{chats_before} chat requests")
        row("second run", f"{second:.2f} s", f"{n / second:.0f} art/s")
        row("second run: chat requests at the server", f"{chats}",
            f"goal 0  {verdict(chats == 0)} (+{others} preflight GET /v1/models)")  # fmt: skip

        print(f"\nsummary (concurrency {concurrency}, --workers {args.workers}; {load()}):")
        for kind, result in results.items():
            for at, (ours, bare) in result.rates.items():
                goal = GOALS.get((kind, at))
                met = f"; {goal.text()}  {verdict(goal.met(ours, bare))}" if goal else ""
                row(f"{kind}, {at:g} s: ours / bare", f"{ours:.1f} / {bare:.1f} art/s",
                    f"ratio {ours / bare:.2f}{met}")  # fmt: skip
            row(f"{kind}: CPU per additional article", f"{result.cpu_marginal_ms:.2f} ms", "goal <= 5")
        print(f"\ntotal bench time {time.perf_counter() - started:.0f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Issue 13's memory benchmark: a long article read in chunks runs in bounded memory.

    python bench/long_article.py [--sizes 2,20] [--max-chunk-tokens 3000]

For each size (MB of UTF-8), it writes one article made of the development
corpus's real articles (corpus/dev, six languages), each repeated in a row until
the size is reached, and runs `extractor run` on it in a fresh child process
against the fake OpenAI server (a separate process on 127.0.0.1, latency 0).
The child warms up on a short article first, then samples its RSS every 20 ms
while the long article is read chunk by chunk, and prints one JSON line.

The fake server gives the minimal valid answer (no events): what is measured is
the article itself, its chunks and the requests in flight, not the result line,
which grows with the events found (that is output, not working memory).

Printed per size: chunks (requests), wall time, peak RSS, the growth over the
warm process, the part of it that is the article's own text (the file's bytes
plus the decoded string), and the rest. Goal: the rest does not grow with the
article (the ratio of the two sizes' "rest" is about 1).

RSS moves in steps of the allocator's arenas, so a growth of a few MiB can hide
in it. A second part therefore measures the chunk reader alone, in this process:
`read_in_chunks` over the same article with an instant fake reading per chunk
(no HTTP), its peak of Python allocations beyond the article by tracemalloc.
Goal: the same at every size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ["OPENAI_API_KEY"] = "bench-dummy-key"  # only ever sent to the local fake server
os.environ.pop("OPENAI_BASE_URL", None)

from extractor.schemas import Usage  # noqa: E402
from throughput import fake_server_process  # noqa: E402

from extractor import cli  # noqa: E402
from extractor.article import Article  # noqa: E402
from extractor.chunking import ChunkSettings, Read, read_in_chunks, split  # noqa: E402
from extractor.prompting import load_prompt  # noqa: E402
from extractor.reader import read_one  # noqa: E402

MIB = 2**20


def write_long_article(path: Path, megabytes: float) -> int:
    """The corpus articles, each repeated in a row, to `megabytes` MB of UTF-8; returns the byte size."""
    texts = [
        p.read_text(encoding="utf-8").strip() for p in sorted((ROOT / "corpus" / "dev" / "articles").glob("*.txt"))
    ]
    target = int(megabytes * 1_000_000)
    per_text = target // len(texts)
    with path.open("w", encoding="utf-8") as out:
        written = 0
        for text in texts:
            block = (text + "\n\n").encode("utf-8")
            copies = max(1, per_text // len(block))
            out.write((text + "\n\n") * copies)
            written += copies * len(block)
    return path.stat().st_size


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def child(article: str, warm: str, url: str, chunk_tokens: str, out: str) -> None:
    """Warm up on a short article, then run the long one sampling RSS; print one JSON line."""
    common = ["--base-url", url, "--model", "m", "--quiet", "--no-cache", "--max-chunk-tokens", chunk_tokens,
              "--max-article-chars", str(10**9), "--concurrency", "8"]  # fmt: skip
    if cli.main(["run", warm, "-o", out, *common]) != 0:
        raise RuntimeError("warm-up run failed")
    base = _rss()
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            peak[0] = max(peak[0], _rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.perf_counter()
    code = cli.main(["run", article, "-o", out, *common])
    wall = time.perf_counter() - began
    stop.set()
    sampler.join(5)
    line = json.loads(Path(out).read_text(encoding="utf-8"))
    # The article itself: the file's bytes and the decoded string (and, for information, the
    # peak of reading it, by tracemalloc: decoding over-allocates for a moment).
    tracemalloc.start()
    text = read_one(article)
    reading = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    own = os.path.getsize(article) + sys.getsizeof(getattr(text, "text", ""))  # its bytes and its string
    print(json.dumps({"code": code, "status": line["status"], "requests": line["usage"]["requests"],
                      "wall": wall, "base": base, "peak": max(peak[0], _rss()), "own": own, "reading": reading,
                      "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))  # fmt: skip


def reader_memory(article: Path, chunk_tokens: int) -> tuple[int, int]:
    """(chunks, peak bytes allocated beyond the article) of reading `article` chunk by chunk
    with an instant fake reading: the chunk reader's own memory, without HTTP or RSS noise."""
    item = read_one(str(article))

    async def instant(unit: object, prompt: object) -> Read:
        await asyncio.sleep(0)  # every reader takes its turn, as with real requests
        return Read(events=[], rejected=[], usage=Usage(requests=1))

    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    assert isinstance(item, Article), item
    chunks = split(item, ChunkSettings(max_tokens=chunk_tokens))
    assert chunks is not None
    read = asyncio.run(read_in_chunks(item, chunks, instant, load_prompt()))
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return read.usage.requests, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2,20", help="article sizes in MB, comma-separated (default 2,20)")
    parser.add_argument("--max-chunk-tokens", default="3000", help="chunk budget (default 3000)")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    sizes = [float(size) for size in args.sizes.split(",")]
    print(f"long-article memory bench: sizes {sizes} MB, --max-chunk-tokens {args.max_chunk_tokens}, "
          f"load avg {os.getloadavg()[0]:.1f}")  # fmt: skip
    rows = []
    readers = []
    with tempfile.TemporaryDirectory(prefix="extractor-long-") as scratch, fake_server_process(0.0) as url:
        warm = Path(scratch) / "warm.txt"
        warm.write_text((ROOT / "seeds" / "000_c22ab6cdf68cea9e.txt").read_text(encoding="utf-8"), encoding="utf-8")
        for size in sizes:
            article = Path(scratch) / f"long-{size:g}mb.txt"
            nbytes = write_long_article(article, size)
            command = [sys.executable, __file__, "--child", str(article), str(warm), url, args.max_chunk_tokens,
                       str(Path(scratch) / "out.jsonl")]  # fmt: skip
            done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"child failed ({done.returncode}): {done.stderr[-2000:]}")
            seen = json.loads(done.stdout.strip().splitlines()[-1])
            growth = seen["peak"] - seen["base"]
            rest = growth - seen["own"]
            rows.append(rest)
            readers.append((nbytes, *reader_memory(article, int(args.max_chunk_tokens))))
            print(
                f"  {nbytes / 1e6:6.1f} MB article: {seen['status']}, {seen['requests']} requests (one per "
                f"distinct chunk), {seen['wall']:.1f} s; peak RSS {seen['peak'] / MIB:.0f} MiB = warm "
                f"{seen['base'] / MIB:.0f} + {growth / MIB:.0f} MiB, of which the text itself "
                f"{seen['own'] / MIB:.0f} MiB (reading it peaks at {seen['reading'] / MIB:.0f}), "
                f"the rest {rest / MIB:.0f} MiB; load avg {os.getloadavg()[0]:.1f}"
            )
    if len(rows) >= 2 and rows[0] > 0:
        print(f"  ratio of 'the rest', {sizes[-1]:g} MB / {sizes[0]:g} MB: {rows[-1] / rows[0]:.2f} (goal: about 1)")
    print("the chunk reader alone (instant fake readings, tracemalloc):")
    for nbytes, chunks, peak in readers:
        print(
            f"  {nbytes / 1e6:6.1f} MB article: {chunks} chunks, peak allocated beyond the article {peak / MIB:.2f} MiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

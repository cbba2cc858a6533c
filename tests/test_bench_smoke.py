"""bench/throughput.py runs end to end at a tiny size and prints every labelled ratio.

No timing is asserted: a shared CI machine makes numbers meaningless. The
script runs as a subprocess (its own fake server process, its own temp files),
exactly as a user would run it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "bench" / "throughput.py"
NUMBER = r"[0-9]+(?:\.[0-9]+)?"


def test_throughput_bench_prints_every_ratio_and_exits_0(tmp_path: Path) -> None:
    command = [sys.executable, str(SCRIPT), "--articles", "20", "--latency", "0.01,0.02", "--concurrency", "4",
               "--sequential", "5", "--memory-articles", "30", "--repeat", "1"]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for label in (
        rf"ratio ours/bare \(empty, 0\.01 s\)\s+{NUMBER}",
        rf"ratio ours/bare \(realistic, 0\.01 s\)\s+{NUMBER}",
        rf"ratio ours/bare \(realistic, 0\.02 s\)\s+{NUMBER}",
        r"ceiling: concurrency / latency\s+200\.0 art/s",
        rf"\(a'\) - \(b\): a run's CPU outside Extractor\.extract\s+-?{NUMBER} ms/art",
        rf"realistic, 0\.02 s: ours / bare\s+{NUMBER} / {NUMBER} art/s",
        rf"CPU per additional article \(realistic\)\s+-?{NUMBER} ms/art",
        r"ceiling: concurrency / latency\s+400\.0 art/s",
        rf"bare client: http\.client, 4 threads\s+{NUMBER} art/s\s+{NUMBER} of ceiling",
        rf"ratio ours/sequential\s+{NUMBER}x",
        rf"CPU/article: ours - bare \(realistic\)\s+-?{NUMBER} ms/art",
        rf"Extractor\.extract, instant realistic answers\s+{NUMBER} ms/art",
        rf"ratio peak 30/20\s+{NUMBER}",
        r"second run: chat requests at the server\s+0\b",
    ):
        assert re.search(label, out), f"missing {label!r} in:\n{out}"

"""bench/faults.py runs end to end at a tiny size: every mix ends with every article ok, once.

No timing is asserted (a shared machine makes numbers meaningless); the counts are.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "bench" / "faults.py"


def test_fault_bench_ends_every_mix_with_every_article_ok_once(tmp_path: Path) -> None:
    command = [sys.executable, str(SCRIPT), "--articles", "24", "--concurrency", "4", "--latency", "0.01",
               "--outage", "1"]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if re.match(r"^(none|429|endpoint|trickle|Retry-After)", line)]
    assert len(rows) == 5, done.stdout
    for row in rows:
        ok, failed, duplicates = row.split()[-8:-5]
        assert (ok, failed, duplicates) == ("24", "0", "0"), row

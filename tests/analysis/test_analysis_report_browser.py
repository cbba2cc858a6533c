"""The report in a real headless Chromium: highlights present, RTL articles laid out right to left.

Needs Debian's chromium (`apt-get install chromium fonts-noto-core fonts-noto-cjk`) and the
`playwright` Python package; the browser bundled by `playwright install` is never used.
Set EXTRACTOR_TEST_ARTIFACTS to a folder to keep the screenshot.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from extractor.commands import report as report_command
from tests.analysis.analysis_helpers import AR_ID, FA_ID

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

if not CHROMIUM.exists():
    pytest.skip(
        "no /usr/bin/chromium: apt-get install chromium fonts-noto-core fonts-noto-cjk",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed: pip install playwright")


def test_report_renders_highlights_right_to_left(seeds_results: Path, tmp_path: Path, run_cmd) -> None:
    report = tmp_path / "report.html"
    code, _ = run_cmd(report_command, seeds_results, "-o", report)
    assert code == 0
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            page.goto(report.as_uri())
            found = {}
            for article_id in (FA_ID, AR_ID, "002_zh_sample"):
                found[article_id] = page.evaluate(
                    """(id) => {
                        const section = document.querySelector(`section[data-article="${id}"]`);
                        const marks = [...section.querySelectorAll('mark')];
                        const box = marks.length ? marks[0].closest('[dir]') : null;
                        return {
                            marks: marks.length,
                            visible: marks.filter(m => m.getBoundingClientRect().width > 0).length,
                            dir: box && box.getAttribute('dir'),
                            lang: box && box.getAttribute('lang'),
                            direction: box && getComputedStyle(box).direction,
                        };
                    }""",
                    article_id,
                )
            # Clicking a highlight jumps to its event card.
            page.click(f'section[data-article="{FA_ID}"] a.hl')
            target = page.evaluate("location.hash")
            card_visible = page.evaluate(f"document.querySelector('{target}').classList.contains('event-card')")
            shot = tmp_path / "report.png"
            page.goto(report.as_uri())
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert found[FA_ID] == {"marks": 5, "visible": 5, "dir": "rtl", "lang": "fa", "direction": "rtl"}
    assert found[AR_ID] == {"marks": 4, "visible": 4, "dir": "rtl", "lang": "ar", "direction": "rtl"}
    assert found["002_zh_sample"]["dir"] == "auto" and found["002_zh_sample"]["lang"] == "zh"
    assert found["002_zh_sample"]["direction"] == "ltr"
    assert target.startswith("#ev-") and card_visible
    assert requests and all(url.startswith("file://") for url in requests), requests
    assert shot.stat().st_size > 50_000  # a real rendering, not a blank page
    keep = os.environ.get("EXTRACTOR_TEST_ARTIFACTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "report.png")

"""A separate installed package adds an event type and a backend, by entry point only.

The plugin package (tests/plugins/sanction_plugin) is "installed" the way pip
leaves a package: its folder and a `*.dist-info` with `entry_points.txt` in a
directory on the path, here a temporary one. Event types join the result and
answer unions when `extractor.schemas` is imported, so the commands run in a
fresh interpreter that has the plugin on its path; this session's schemas stay
the built-in ones (checked below).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from extractor.schemas import EVENT_TYPES, result_json_schema_text
from extractor.schemas.events import type_name
from extractor.schemas.plugins import PluginError, installed_event_types

import extractor.backends as backends
from extractor.errors import UserError
from extractor.prompting import load_prompt

PLUGIN = Path(__file__).parent / "plugins" / "sanction_plugin"
ENTRY_POINTS = """\
[event_extractor.event_types]
sanction = sanction_plugin.event_type:SANCTION

[event_extractor.backends]
sanction-rules = sanction_plugin.backend:SanctionRulesBackend
"""

ARTICLES = {
    "a1": "Washington, 12 March 2025. The United States imposed new sanctions on Iran over its oil exports. "
    "Officials said more measures could follow.\n",
    "a2": "London. Britain announced sanctions on North Korea after a missile test. The ministry gave no details.\n",
    "a3": "Tehran. The weather was mild and markets were calm.\n",
}
GOLD = {
    "a1": [{"id": "g1", "type": "sanction", "countries": ["IRN", "USA"], "target_country_iso3": "IRN"}],
    "a2": [{"id": "g2", "type": "sanction", "countries": ["GBR", "PRK"], "target_country_iso3": "PRK"}],
    "a3": [],
}


def install(site: Path, entry_points: str = ENTRY_POINTS, name: str = "extractor-sanction") -> Path:
    """Lay a plugin distribution out in `site` as an installer would."""
    shutil.copytree(PLUGIN, site / "sanction_plugin", ignore=shutil.ignore_patterns("__pycache__"))
    info = site / f"{name.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install(tmp_path_factory.mktemp("site"))


def extractor(site: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """`extractor ARGV` in a fresh interpreter that has the plugin installed."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-m", "extractor", *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def ok(process: subprocess.CompletedProcess[str]) -> str:
    assert process.returncode == 0, process.stderr
    return process.stdout


@pytest.fixture(scope="module")
def run_dir(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`extractor run` over three articles with the plugin's backend; the other commands read its output."""
    folder = tmp_path_factory.mktemp("run")
    for article_id, text in ARTICLES.items():
        (folder / f"{article_id}.txt").write_text(text, encoding="utf-8")
    (folder / "gold").mkdir()
    for article_id, events in GOLD.items():
        (folder / "gold" / f"{article_id}.json").write_text(json.dumps({"events": events}), encoding="utf-8")
    ok(extractor(site, folder, "run", "a1.txt", "a2.txt", "a3.txt", "--backend", "sanction-rules", "-o", "out.jsonl"))
    return folder


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_this_session_has_only_the_built_in_types() -> None:
    # The plugin is installed only where the tests below put it.
    assert "sanction" not in EVENT_TYPES
    assert "Sanction" not in result_json_schema_text()


def test_run_extracts_grounded_sanctions_with_the_plugin_backend(run_dir: Path) -> None:
    results = {r["article_id"]: r for r in lines(run_dir / "out.jsonl")}
    assert set(results) == {"a1", "a2", "a3"}
    assert all(r["status"] == "ok" and r["model"]["backend"] == "sanction-rules" for r in results.values())
    [event] = results["a1"]["events"]
    assert event["type"] == "sanction" and event["target_country_iso3"] == "IRN"
    assert event["parties"] == ["IRN", "USA"]
    [evidence] = event["evidence"]
    assert ARTICLES["a1"][evidence["start"] : evidence["end"]] == evidence["quote"]
    assert evidence["quote"] == "The United States imposed new sanctions on Iran over its oil exports."
    assert results["a2"]["events"][0]["target_country_iso3"] == "PRK"
    assert results["a3"]["events"] == []
    # The plugin's prompt text is part of what the result line says the model was given.
    assert results["a1"]["prompt_sha256"] != load_prompt("v1").sha256


def test_eval_scores_the_plugin_type(site: Path, run_dir: Path) -> None:
    report = json.loads(ok(extractor(site, run_dir, "eval", "--gold", "gold", "out.jsonl", "--json")))
    assert report["per_type"]["sanction"]["tp"] == 2
    assert (report["per_type"]["sanction"]["fp"], report["per_type"]["sanction"]["fn"]) == (0, 0)
    assert report["attributes"]["target_country_iso3"]["correct"] == 2


def test_merge_report_and_export_carry_the_plugin_fields(site: Path, run_dir: Path) -> None:
    ok(extractor(site, run_dir, "merge", "out.jsonl", "-o", "merged.jsonl"))
    merged = lines(run_dir / "merged.jsonl")
    assert sorted((e["type"], e["target_country_iso3"]) for e in merged) == [("sanction", "IRN"), ("sanction", "PRK")]

    ok(extractor(site, run_dir, "report", "out.jsonl", "-o", "report.html"))
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "target_country_iso3: IRN" in page

    ok(extractor(site, run_dir, "export", "out.jsonl", "-o", "events.csv"))
    with (run_dir / "events.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted((r["type"], r["target_country_iso3"], r["measures"]) for r in rows) == [
        ("sanction", "IRN", "sanctions"),
        ("sanction", "PRK", "sanctions"),
    ]


def test_schema_includes_the_plugin_type(site: Path, tmp_path: Path) -> None:
    schema = json.loads(ok(extractor(site, tmp_path, "schema")))
    assert schema["properties"]["events"]["items"]["discriminator"]["mapping"]["sanction"] == "#/$defs/Sanction"


@pytest.fixture
def _forget_plugin_modules() -> Iterator[None]:
    # The error tests import the plugin in this session; later tests must not find it cached.
    yield
    for name in [n for n in sys.modules if n.split(".")[0] == "sanction_plugin"]:
        del sys.modules[name]


@pytest.mark.usefixtures("_forget_plugin_modules")
def test_a_broken_event_type_plugin_names_its_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = ENTRY_POINTS.replace("event_type:SANCTION", "missing:SANCTION")
    monkeypatch.syspath_prepend(str(install(tmp_path, broken, name="broken-sanction")))
    with pytest.raises(PluginError, match=r"plugin package broken-sanction .*cannot load event type 'sanction'"):
        installed_event_types(type_name)


@pytest.mark.usefixtures("_forget_plugin_modules")
def test_an_event_type_must_be_registered_under_its_own_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    renamed = ENTRY_POINTS.replace("sanction = sanction_plugin", "embargo = sanction_plugin")
    monkeypatch.syspath_prepend(str(install(tmp_path, renamed)))
    with pytest.raises(PluginError, match="entry point 'embargo' names a type whose `type` is 'sanction'"):
        installed_event_types(type_name)


@pytest.mark.usefixtures("_forget_plugin_modules")
def test_a_plugin_backend_cannot_take_a_built_in_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clash = ENTRY_POINTS.replace("sanction-rules = ", "openai = ")
    monkeypatch.syspath_prepend(str(install(tmp_path, clash)))
    monkeypatch.setattr(backends, "_loaded", False)
    monkeypatch.setattr(backends, "_REGISTRY", dict(backends._REGISTRY))
    with pytest.raises(UserError, match="adds backend 'openai', which is built in; rename its entry point"):
        backends.backend_names()

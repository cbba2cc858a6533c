"""Nothing a user gave is lost or overwritten (issue 11: data safety, files, one-line errors).

Most runs use the deterministic `rules` backend: no model, no server, same lines every time.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import extractor
from extractor.cli import main
from extractor.output import OutputLock, compact
from tests.conftest import REPO

ARTICLE = "Pakistan and China held their strategic dialogue in Beijing on 5 January 2026."


def articles(folder: Path, count: int = 3) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"a{index}.txt"
        path.write_text(f"Article {index}. {ARTICLE}", encoding="utf-8")
        paths.append(str(path))
    return paths


def run(*argv: str) -> int:
    return main(["run", *argv, "--backend", "rules", "--quiet", "--no-cache"])


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return err


# -- 1. an output is never an input, the summary, the cache, or a non-results file ----------


def test_output_onto_an_input_is_refused_and_the_input_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = articles(tmp_path / "in")
    before = Path(inputs[1]).read_bytes()
    for extra in ([], ["--resume"]):
        assert run(*inputs, "-o", inputs[1], *extra) == 2
        assert "is also input" in one_error_line(capsys)
        assert Path(inputs[1]).read_bytes() == before
    # the same file by another name (a hard link) is the same file
    link = tmp_path / "link.jsonl"
    os.link(inputs[0], link)
    assert run(*inputs, "-o", str(link)) == 2
    assert "is also input" in one_error_line(capsys)


@pytest.mark.parametrize("flag", ["--summary", "--cache"])
def test_output_onto_the_summary_or_the_cache_is_refused(
    flag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = articles(tmp_path / "in")
    out = tmp_path / "r.jsonl"
    assert run(*inputs, "-o", str(out)) == 0
    before = out.read_bytes()
    argv = ["run", *inputs, "--backend", "rules", "--quiet", "-o", str(out), flag, str(out)]
    assert main(argv) == 2
    assert f"{flag} {out}" in one_error_line(capsys) or f"-o {out}" in capsys.readouterr().err
    assert out.read_bytes() == before


def test_a_file_that_is_not_results_is_never_overwritten_or_compacted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = articles(tmp_path / "in")
    readme = tmp_path / "README.md"
    readme.write_text("# Notes\n\nline two\nline three\n", encoding="utf-8")
    before = readme.read_bytes()
    for extra in ([], ["--resume"]):
        assert run(*inputs, "-o", str(readme), *extra) == 2
        assert "not result lines (line 1)" in one_error_line(capsys)
        assert readme.read_bytes() == before
    assert not list(tmp_path.glob(".README.md.*"))  # no temporary left behind


def test_merge_report_export_refuse_to_write_onto_their_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = articles(tmp_path / "in")
    out = tmp_path / "r.jsonl"
    assert run(*inputs, "-o", str(out)) == 0
    before = out.read_bytes()
    assert main(["merge", str(out), "-o", str(out)]) == 2
    assert "is also RESULTS" in one_error_line(capsys)
    html = tmp_path / "r.html"
    html.symlink_to(out)
    assert main(["report", str(out), "-o", str(html)]) == 2
    one_error_line(capsys)
    assert out.read_bytes() == before


# -- 2. one writer per output; a new run replaces the old file only when it finishes ------


def test_a_second_run_on_a_locked_output_exits_2_naming_the_holder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = articles(tmp_path / "in")
    out = tmp_path / "r.jsonl"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from extractor.output import OutputLock, compact;"
            "OutputLock(Path(sys.argv[1])); print('locked', flush=True); time.sleep(60)",
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        for extra in ([], ["--resume"]):
            assert run(*inputs, "-o", str(out), *extra) == 2
            err = one_error_line(capsys)
            assert "being written by another run" in err and f"pid {holder.pid}" in err
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    assert run(*inputs, "-o", str(out)) == 0  # the kernel released the dead holder's lock
    assert not (tmp_path / "r.jsonl.lock").exists()


def test_the_lock_is_exclusive_within_one_process_too(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    first = OutputLock(out)
    with pytest.raises(extractor.UserError, match="another run"):
        OutputLock(out)
    first.release()
    OutputLock(out).release()


def test_a_new_run_that_stops_early_keeps_the_old_file(tmp_path: Path) -> None:
    inputs = articles(tmp_path / "in", 4)
    out = tmp_path / "r.jsonl"
    assert run(*inputs, "-o", str(out)) == 0
    old = lines_of(out)
    old_bytes = out.read_bytes()
    results = iter(extractor.extract_batch(inputs, output=out, backend="rules", cache=False))
    next(results)
    assert out.read_bytes() == old_bytes  # the new lines go to a temporary file meanwhile
    results.close()  # the run ends after one article (as on Ctrl-C)
    assert [line["article_id"] for line in lines_of(out)] == [line["article_id"] for line in old]
    assert not list(tmp_path.glob(".r.jsonl.*"))


def test_a_new_run_replaces_the_old_file_when_it_finishes(tmp_path: Path) -> None:
    inputs = articles(tmp_path / "in", 3)
    out = tmp_path / "r.jsonl"
    assert run(*inputs, "-o", str(out)) == 0
    assert run(inputs[0], "-o", str(out)) == 0
    assert [line["article_id"] for line in lines_of(out)] == ["a0"]


# -- 3. nothing truncated before every check passed --------------------------------------


def test_a_bad_cache_leaves_the_output_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = articles(tmp_path / "in")
    keep = tmp_path / "keep.jsonl"
    assert run(*inputs, "-o", str(keep)) == 0
    before = keep.read_bytes()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    # A cache that cannot be opened at all (a folder) is a usage error; a damaged cache file is
    # skipped with a warning instead (issue 11 item 4, tests/test_cache_faults.py).
    unusable = tmp_path / "a-folder.sqlite"
    unusable.mkdir()
    argv = ["run", *inputs, "--backend", "rules", "--quiet", "-o", str(keep), "--cache", str(unusable)]
    assert main(argv) == 2
    assert "cache" in one_error_line(capsys)
    assert keep.read_bytes() == before
    assert main(["run", *inputs, "--backend", "rules", "-q", "-o", str(keep), "--prices", str(junk)]) == 2
    assert keep.read_bytes() == before


# -- 5, 6, 7. article ids, resume by resolved path, symlinks -----------------------------


def test_article_ids_are_unique_within_a_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for sub in ("sub1", "sub2"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        (tmp_path / "in" / sub / "news.txt").write_text(f"{sub}: {ARTICLE}", encoding="utf-8")
    (tmp_path / "in" / "sub1" / "other.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "r.jsonl"
    assert run(str(tmp_path / "in"), "-o", str(out)) == 0
    assert [line["article_id"] for line in lines_of(out)] == [
        "sub1/news",
        "other",
        "sub2/news",
    ]  # the stem when it is unique
    assert set(extractor.load_results(out)) == {"sub1/news", "other", "sub2/news"}
    merged = extractor.merge(out)
    assert {source["article_id"] for event in merged for source in event["sources"]} >= {"sub1/news", "sub2/news"}


def test_resume_matches_articles_by_resolved_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    articles(tmp_path / "in", 3)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "r.jsonl"
    assert run("in", "-o", str(out)) == 0
    summary = tmp_path / "s.json"
    assert run(str(tmp_path / "in"), "-o", str(out), "--resume", "--summary", str(summary)) == 0
    assert json.loads(summary.read_text())["articles"]["skipped_as_done"] == 3
    assert len(lines_of(out)) == 3


def test_resume_from_another_working_directory_matches_articles_by_their_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles(tmp_path / "A" / "in", 2)
    out = tmp_path / "r.jsonl"
    monkeypatch.chdir(tmp_path / "A")
    assert run("in", "-o", str(out)) == 0  # lines say "in/a0.txt": relative to A
    monkeypatch.chdir(tmp_path)
    summary = tmp_path / "s.json"
    assert run("A/in", "-o", str(out), "--resume", "--summary", str(summary)) == 0
    assert json.loads(summary.read_text())["articles"]["skipped_as_done"] == 2
    assert len(lines_of(out)) == 2
    # A moved article is still done (its line kept); changed bytes are a new article.
    (tmp_path / "A" / "in" / "a1.txt").write_text("Changed. " + ARTICLE, encoding="utf-8")
    (tmp_path / "A" / "in" / "a0.txt").rename(tmp_path / "A" / "in" / "a0-moved.txt")
    assert run("A/in", "-o", str(out), "--resume", "--summary", str(summary)) == 0
    assert json.loads(summary.read_text())["articles"]["skipped_as_done"] == 1
    paths = [line["source"]["path"] for line in lines_of(out)]
    assert paths == ["in/a0.txt", "A/in/a1.txt", "in/a1.txt"]


def test_compaction_keeps_one_line_per_article_whatever_the_path_spelling(tmp_path: Path) -> None:
    article = tmp_path / "in" / "a.txt"
    out = tmp_path / "r.jsonl"
    lines = [
        {"article_id": "a", "source": {"path": "elsewhere/in/a.txt", "sha256": "h1"}, "status": "failed"},
        {"article_id": "b", "source": {"path": "elsewhere/in/b.txt", "sha256": "h2"}, "status": "ok"},
        {"article_id": "a", "source": {"path": str(article), "sha256": "h1"}, "status": "ok"},
    ]
    out.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    compact(out, [str(article)], {os.path.realpath(article): "h1"})
    assert [(line["source"]["path"], line["status"]) for line in lines_of(out)] == [
        (str(article), "ok"),
        ("elsewhere/in/b.txt", "ok"),
    ]


def test_dangling_and_looping_symlinks_get_an_input_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    articles(folder, 1)
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "loop1.txt").symlink_to(folder / "loop2.txt")
    (folder / "loop2.txt").symlink_to(folder / "loop1.txt")
    out = tmp_path / "r.jsonl"
    assert run(str(folder), "-o", str(out)) == 1
    by_id = {line["article_id"]: line for line in lines_of(out)}
    assert by_id["a0"]["status"] == "ok"
    for name in ("dangling", "loop1", "loop2"):
        assert by_id[name]["status"] == "failed"
        assert by_id[name]["error"]["kind"] == "input"
        assert "symlink" in by_id[name]["error"]["message"]


# -- 21. a size limit on articles ----------------------------------------------------------


def test_an_article_over_the_size_limit_is_an_input_failure_naming_the_flag(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    articles(folder, 1)
    (folder / "huge.txt").write_text(ARTICLE * 40, encoding="utf-8")
    out = tmp_path / "r.jsonl"
    assert run(str(folder), "-o", str(out), "--max-article-chars", "1000") == 1
    huge = next(line for line in lines_of(out) if line["article_id"] == "huge")
    assert huge["error"]["kind"] == "input" and "--max-article-chars 1,000" in huge["error"]["message"]
    assert run(str(folder), "-o", str(out), "--max-article-chars", "100000") == 0


# -- 17. every error is one line --------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--timeout", "nan"], "--timeout"),
        (["--timeout", "-1"], "--timeout"),
        (["--temperature", "nan"], "--temperature"),
        (["--temperature", "-0.5"], "--temperature"),
    ],
)
def test_nan_or_negative_numbers_are_refused(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = articles(tmp_path / "in", 1)
    with pytest.raises(SystemExit) as exit_info:
        run(*inputs, *argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_a_summary_path_that_cannot_be_written_is_refused_before_the_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = articles(tmp_path / "in", 1)
    out = tmp_path / "r.jsonl"
    assert run(*inputs, "-o", str(out), "--summary", "/proc/x.json") == 2
    assert "--summary /proc/x.json" in one_error_line(capsys)
    assert not out.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line(tmp_path: Path) -> None:
    inputs = articles(tmp_path / "in", 1)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "extractor",
            "run",
            *inputs,
            "--backend",
            "rules",
            "-q",
            "--no-cache",
            "-o",
            "/dev/full",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 2
    assert "No space left on device" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_closed_stdout_pipe_is_one_line(tmp_path: Path) -> None:
    inputs = articles(tmp_path / "in", 40)
    with subprocess.Popen(
        [sys.executable, "-m", "extractor", "run", *inputs, "--backend", "rules", "-q", "--no-cache"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    ) as reader:
        assert reader.stdout is not None and reader.stderr is not None
        reader.stdout.readline()
        reader.stdout.close()  # like `| head -1`
        stderr = reader.stderr.read().decode()
        reader.wait()
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) <= 1


def test_a_summary_path_holding_something_else_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = articles(tmp_path / "in", 1)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    assert run(*inputs, "-o", str(tmp_path / "r.jsonl"), "--summary", str(notes)) == 2
    assert "not a run summary" in one_error_line(capsys)
    assert notes.read_text(encoding="utf-8") == "my notes\n"
    summary = tmp_path / "s.json"
    assert run(*inputs, "--summary", str(summary)) == 0
    assert run(*inputs, "--summary", str(summary)) == 0  # a summary is replaced by the next one


def test_a_batch_never_run_leaves_no_trace(tmp_path: Path) -> None:
    inputs = articles(tmp_path / "in", 2)
    out = tmp_path / "r.jsonl"
    assert run(*inputs, "-o", str(out)) == 0
    before = out.read_bytes()
    with extractor.extract_batch(inputs, output=out, summary=tmp_path / "s.json", backend="rules"):
        assert (tmp_path / "r.jsonl.lock").exists()
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "r.jsonl"]
    extractor.extract_batch(inputs, output=out, backend="rules").close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "r.jsonl"]


def test_a_replaced_output_or_summary_keeps_its_mode_and_a_symlink_stays_a_link(tmp_path: Path) -> None:
    articles(tmp_path / "in", 2)
    real = tmp_path / "real.jsonl"
    real.write_text("", encoding="utf-8")
    real.chmod(0o644)
    out = tmp_path / "link.jsonl"
    out.symlink_to(real)
    summary = tmp_path / "s.json"
    summary.write_text('{"articles": {}}', encoding="utf-8")
    summary.chmod(0o640)
    for extra in ([], ["--resume"]):
        assert run(str(tmp_path / "in"), "-o", str(out), "--summary", str(summary), *extra) == 0
        assert out.is_symlink() and len(lines_of(real)) == 2
        assert stat.S_IMODE(real.stat().st_mode) == 0o644
        assert stat.S_IMODE(summary.stat().st_mode) == 0o640
    new = tmp_path / "new.jsonl"
    umask = os.umask(0o027)
    try:
        assert run(str(tmp_path / "in"), "-o", str(new)) == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640


def test_a_broken_event_type_plugin_is_one_line_and_exit_2(tmp_path: Path) -> None:
    from tests.test_plugins import ENTRY_POINTS, install

    site = install(tmp_path / "site", ENTRY_POINTS.replace("event_type:SANCTION", "missing:SANCTION"), name="broken")
    (tmp_path / "a.txt").write_text("China and Pakistan met.", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    process = subprocess.run(
        [sys.executable, "-m", "extractor", "run", "a.txt", "-o", "out.jsonl"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert process.returncode == 2
    assert len(process.stderr.strip().splitlines()) == 1, process.stderr
    assert "plugin package broken" in process.stderr and "fix or uninstall" in process.stderr
    assert not (tmp_path / "out.jsonl").exists()

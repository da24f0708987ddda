"""Great-expectations builds an expectation's configuration once per reading of its arguments, not once per key.

GX (1.24) makes `Expectation.configuration` afresh each time it is read: a pydantic `dict()` of the expectation and
a new `ExpectationConfiguration`. Its methods that gather an expectation's arguments read it once per argument and
call one another (`_get_runtime_kwargs` calls `_get_success_kwargs`, which calls `_get_domain_kwargs`), so a
validation of every suite built ~90 configurations per expectation, a third of the validation's CPU.

`install` makes each of those methods build the configuration once for its whole call, nested calls on the same
expectation included: the methods only read the expectation, so every read within one call would have built an
equal configuration. Nothing is kept once the outermost call returns, so an expectation changed later (its id is
set when it joins a suite) is read afresh. tests/checks/test_gx_configuration.py holds every suite's results, on
good frames and on the first planted fault of each expectation in each suite (tests/checks/test_validation.py's),
equal with and without it, and names the GX version whose methods were read.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

# The methods of GX's `Expectation` that read `self.configuration` more than once, or call one another.
READ_ONLY_METHODS = ("_get_runtime_kwargs", "_get_success_kwargs", "_get_domain_kwargs", "_get_success_kwarg")
# The version whose methods above were read (expectations/expectation.py) and found only to read the expectation.
READ_IN_VERSION = "1.24.1"

_INSTALLED: dict[str, Any] = {}
_INSTALL_LOCK = threading.Lock()
# Per thread: the configuration built for each expectation (by id) while one of the methods runs on it.
_built = threading.local()


def install() -> None:
    """Once per process; idempotent."""
    from great_expectations.expectations.expectation import Expectation

    with _INSTALL_LOCK:
        if _INSTALLED:
            return
        configuration = vars(Expectation)["configuration"]
        build = configuration.fget
        _INSTALLED["configuration"] = configuration
        for name in READ_ONLY_METHODS:
            _INSTALLED[name] = getattr(Expectation, name)
        Expectation.configuration = property(_while_reading(build))  # type: ignore[method-assign,assignment]
        for name in READ_ONLY_METHODS:
            setattr(Expectation, name, _building_once(getattr(Expectation, name), build))


def uninstall() -> None:
    """GX as it came (for the test that compares the two)."""
    from great_expectations.expectations.expectation import Expectation

    with _INSTALL_LOCK:
        for name, original in _INSTALLED.items():
            setattr(Expectation, name, original)
        _INSTALLED.clear()


def _held() -> dict[int, Any]:
    held: dict[int, Any] | None = getattr(_built, "configurations", None)
    if held is None:
        held = _built.configurations = {}
    return held


def _while_reading(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def configuration(self: Any) -> Any:
        held = _held()
        return held[id(self)] if id(self) in held else build(self)

    return configuration


def _building_once(method: Callable[..., Any], build: Callable[[Any], Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def reading(self: Any, *args: Any, **kwargs: Any) -> Any:
        held = _held()
        if id(self) in held:
            return method(self, *args, **kwargs)
        held[id(self)] = build(self)
        try:
            return method(self, *args, **kwargs)
        finally:
            del held[id(self)]

    return reading

"""The Jinja2 sandbox for operator templates, with limits on value size, output and time.

Jinja2's own sandbox stops a template from reaching Python internals but not from
exhausting the machine: `{{ 9**9**9 }}`, `{{ "x" * 10**10 }}`, a `{% set s = s ~ s %}`
repeated forty times, or loops nested until they never end would hang `check` and the
delivery job. Here every value a template computes (by an operator, a `~`, a call or a
filter) is held to `VALUE_MAX`; what could allocate more in one step (`*`, `**`, string
formatting widths, int arguments) is refused before it runs; the output is streamed and
cut at `OUTPUT_MAX`; and a render is stopped after `TIME_MAX_S`. It does not own the
template variables or escaping (render does).
"""

from __future__ import annotations

import functools
import re
import sys
import time
from collections.abc import Callable, Mapping
from types import FrameType
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg

__all__ = ["OUTPUT_MAX", "TIME_MAX_S", "VALUE_MAX", "LimitedSandbox", "render"]

VALUE_MAX = 100_000  # characters in a string, items in a collection, and int arguments
INT_BITS_MAX = 4096  # an int a template computes; a message needs nothing near it
OUTPUT_MAX = 100_000  # characters a template may produce (any service's limit is below)
TIME_MAX_S = 2.0  # far above any real template, short enough not to stall `check`
# A field width or precision of a million or more, or taken from an argument (`*`), in
# printf-style formatting; the same within a `{…:spec}` of str.format (Python's
# "Format Specification Mini-Language": [[fill]align][sign][z][#][0][width][,][.precision]).
_BIG_WIDTH = re.compile(
    r"%[-+ #0]*(?:\*|\d{6,}|\d*\.(?:\*|\d{6,}))"
    r"|\{[^{}]*:[^{}]*?\d{6,}[^{}]*\}"
)


def _sized(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > INT_BITS_MAX:
            raise SecurityError(f"template computed an integer over {INT_BITS_MAX} bits")
    elif isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)) and (
        len(value) > VALUE_MAX
    ):
        raise SecurityError(f"template built a value over {VALUE_MAX} long")
    return value


def _check_args(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    for a in (*args, *kwargs.values()):
        if isinstance(a, int) and not isinstance(a, bool) and abs(a) > VALUE_MAX:
            raise SecurityError(f"template passed {a} as an argument (limit {VALUE_MAX})")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse, before it runs, an operation whose result alone would be too big."""
    ints = all(isinstance(x, int) and not isinstance(x, bool) for x in (left, right))
    if operator == "**" and ints and abs(left) > 1 and right > 0:
        if abs(left).bit_length() * right > INT_BITS_MAX:
            raise SecurityError(f"template power {left}**{right} is too large")
    elif operator == "*":
        if ints:
            if left.bit_length() + right.bit_length() > INT_BITS_MAX:
                raise SecurityError("template product is too large")
            return
        for seq, n in ((left, right), (right, left)):
            sequence = isinstance(seq, (str, list, tuple)) and isinstance(n, int)
            if sequence and len(seq) * n > VALUE_MAX:
                raise SecurityError(f"template repeated a value to over {VALUE_MAX}")
    elif operator == "%" and isinstance(left, str) and _BIG_WIDTH.search(left):
        raise SecurityError("template format width is too large")


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    # The filtered value (after a context or environment, when the filter takes one) may
    # be any size the data has; only the filter's own arguments are checked.
    skip = 1 if _PassArg.from_obj(fn) is None else 2

    # wraps() copies Jinja2's pass_context / pass_environment marks with __dict__.
    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _check_args(args[skip:], kwargs)
        return _sized(fn(*args, **kwargs))

    return guarded


class _LimitedCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` so that its result is size-checked like every other value."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with every computed value held to the limits above."""

    code_generator_class = _LimitedCodeGenerator
    # Intercepted operators are also never folded into constants at compile time, which
    # is where `{{ 9**9**9 }}` would otherwise hang (inside `from_string`).
    intercepted_binops = frozenset({"*", "**", "+", "%", "//", "-"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.pop("lipsum", None)  # lorem ipsum of any length: no use in an alert
        self.filters = {name: _guarded(fn) for name, fn in self.filters.items()}

    @staticmethod
    def sized(value: Any) -> Any:
        return _sized(value)

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        _check_binop(operator, left, right)
        return _sized(super().call_binop(context, operator, left, right))

    def call(
        __self,
        __context: jinja2.runtime.Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        _check_args(args, kwargs)
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and _BIG_WIDTH.search(value.__self__):
            raise SecurityError("template format width is too large")
        return wrapped


class _Deadline:
    """A trace function that stops the render thread's Python code after the deadline.

    A template compiles to Python, so its loops run as Python lines: a line event is where
    an endless one can be stopped. The previous tracer (a debugger, coverage) is restored.
    """

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.seconds = seconds

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > self.end:
            raise SecurityError(f"template took longer than {self.seconds:g}s")
        return self


def render(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """Render `template` within the output and time limits; SecurityError beyond them."""
    previous = sys.gettrace()
    sys.settrace(_Deadline(TIME_MAX_S))
    try:
        parts: list[str] = []
        size = 0
        for chunk in template.generate(dict(context)):
            size += len(chunk)
            if size > OUTPUT_MAX:
                raise SecurityError(f"template output is longer than {OUTPUT_MAX} characters")
            parts.append(chunk)
        return "".join(parts)
    finally:
        sys.settrace(previous)

"""An event loop whose clock a test moves, for tests that run with production timeouts.

The fetcher's timeouts are the event loop's clock. A test runs its coroutine on a
`JumpLoop`, makes the awaited state happen (a request reaches the server and stalls), then
moves the clock past the timeout: the timer fires at once, the production limit (30 s)
stays what users get, and nothing sleeps.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class JumpLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock the test moves: forward at once (timers due by then fire),
    or held still (no timer fires, however slow the machine is meanwhile)."""

    offset = 0.0
    held_at: float | None = None

    def time(self) -> float:
        return self.held_at if self.held_at is not None else super().time() + self.offset

    def jump(self, seconds: float) -> None:
        self.offset += seconds

    def hold(self) -> None:
        self.held_at = self.time()

    def resume(self) -> None:
        assert self.held_at is not None
        self.offset = self.held_at - super().time()
        self.held_at = None


def run_jumping(main: Callable[[JumpLoop], Coroutine[Any, Any, T]]) -> T:
    """`main(loop)` run to completion on a fresh `JumpLoop`."""
    loop = JumpLoop()
    task: asyncio.Task[T] = loop.create_task(main(loop))
    # A guard on the wall clock (the loop's own is the one that jumps), not a measurement:
    # a regression fails here instead of hanging the suite.
    guard = threading.Timer(120, loop.call_soon_threadsafe, (task.cancel,))
    guard.start()
    try:
        return loop.run_until_complete(task)
    finally:
        guard.cancel()
        loop.close()

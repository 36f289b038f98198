"""A per-call time budget and the request counters that travel into each result's provenance."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from chaoss_mcp.errors import BudgetExhaustedError

ProgressFn = Callable[[str], Awaitable[None]]


class Budget:
    """Wall-clock allowance for one tool call. Collection stops when it runs out."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self.started = clock()
        self.deadline = self.started + seconds

    def remaining(self) -> float:
        return max(0.0, self.deadline - self._clock())

    def expired(self) -> bool:
        return self._clock() >= self.deadline

    def elapsed(self) -> float:
        return self._clock() - self.started

    def check(self, doing: str) -> None:
        if self.expired():
            raise BudgetExhaustedError(
                f"The time budget of {self.seconds:g} s ran out while {doing}. "
                "Raise CHAOSS_MCP_TIME_BUDGET, narrow the window, or call again (cached pages make it faster)."
            )


@dataclass
class CallStats:
    requests: int = 0
    not_modified: int = 0
    cache_hits: int = 0
    retries: int = 0
    rate_limit_remaining: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Call:
    """Everything one tool call threads through collection: its budget, its counters, its progress."""

    budget: Budget
    stats: CallStats = field(default_factory=CallStats)
    progress: ProgressFn | None = None
    pages: int = 0
    items: int = 0

    async def report(self, message: str) -> None:
        if self.progress is not None:
            await self.progress(message)

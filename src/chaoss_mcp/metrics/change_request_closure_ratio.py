"""Change Request Closure Ratio: pull requests closed in the window over pull requests open during it.

Follows CHAOSS Change Request Closure Ratio (https://chaoss.community/?p=4834) as corrected in 2024
(closed divided by open, not the other way round): the numerator is every pull request closed in the
window, merged or not; the denominator is every pull request open at any moment of the window,
including the backlog opened earlier, so the ratio lies in [0, 1] and higher is better. The GrimoireLab
Review Efficiency Index (closed in the window over opened in the window) is reported alongside.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp.identity import BotPolicy
from chaoss_mcp.records import ChangeRequest
from chaoss_mcp.window import TimeWindow

ID = "change_request_closure_ratio"
VARIANT = "closed_in_window_over_open_during_window"


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: int = Field(description="Length of the window, in days, ending at as_of")
    exclude_bots: bool = Field(description="Leave out pull requests opened by bots")


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    ratio: float | None = Field(
        description="closed / open_during_window, in [0, 1]; null when no pull request was open in the window"
    )
    closed: int = Field(description="Pull requests closed in the window (merged or not)")
    merged: int = Field(description="Of the closed, those merged")
    closed_unmerged: int = Field(description="Of the closed, those closed without merging")
    open_during_window: int = Field(
        description="Pull requests open at any moment of the window (opened before or during it, "
        "not closed before it started); drafts included"
    )
    opened: int = Field(description="Pull requests created in the window")
    rei: float | None = Field(
        description="Review Efficiency Index: closed / opened; can exceed 1 when the backlog shrinks; "
        "null when none was opened"
    )
    drafts_open_during_window: int = Field(
        description="Of open_during_window, those currently marked as draft (counted as open)"
    )
    bot_authored_excluded: int = Field(
        description="Pull requests opened by bots and open during the window that were left out "
        "(0 when bots are not excluded)"
    )


def _closed_as_of(cr: ChangeRequest, end: datetime) -> datetime | None:
    """When the pull request was closed as seen at as_of; a later close means still open then."""
    # GitHub sets closed_at on merged pull requests too; merged_at covers records that lack it.
    moment = cr.closed_at if cr.closed_at is not None else cr.merged_at
    if moment is None or moment > end:
        return None
    return moment


def compute(
    *,
    change_requests: Sequence[ChangeRequest],
    window: TimeWindow,
    params: Params,
    bots: BotPolicy,
) -> Value:
    """Pure: no I/O, no clock. State is rebuilt as of window.end from created/closed/merged times."""
    closed = merged = open_during = opened = drafts = excluded = 0
    for cr in change_requests:
        if cr.created_at > window.end:
            continue
        closed_at = _closed_as_of(cr, window.end)
        if closed_at is not None and closed_at < window.start:
            continue  # closed before the window: neither open during it nor closed in it
        if params.exclude_bots and bots.is_bot(cr.author):
            excluded += 1
            continue
        if window.contains(cr.created_at):
            opened += 1
        open_during += 1
        if cr.draft:
            drafts += 1
        if closed_at is not None:  # in [start, end] here
            closed += 1
            if cr.merged_at is not None and cr.merged_at <= window.end:
                merged += 1
    return Value(
        ratio=round(closed / open_during, 4) if open_during else None,
        closed=closed,
        merged=merged,
        closed_unmerged=closed - merged,
        open_during_window=open_during,
        opened=opened,
        rei=round(closed / opened, 4) if opened else None,
        drafts_open_during_window=drafts,
        bot_authored_excluded=excluded,
    )


def sample(value: Value) -> dict[str, int]:
    return {
        "open_during_window": value.open_during_window,
        "closed": value.closed,
        "opened": value.opened,
    }


def definition(params: Params) -> dict[str, object]:
    return {
        "variant": VARIANT,
        "ratio": "pull requests closed in the window (merged or not) / pull requests open at any moment "
        "of the window (created_at <= end and not closed before start)",
        "rei": "pull requests closed in the window / pull requests created in the window",
        "state_as_of": "a close or merge recorded after as_of is treated as not having happened yet",
        "drafts": "draft pull requests count as open",
        "window_days": params.window_days,
        "exclude_bots": params.exclude_bots,
    }


def caveats(value: Value) -> list[str]:
    notes: list[str] = []
    if value.open_during_window == 0:
        notes.append("No pull request was open at any time in the window, so there is no ratio to report.")
    if value.drafts_open_during_window:
        notes.append(
            f"{value.drafts_open_during_window} of the pull requests open in the window "
            f"{'is a draft' if value.drafts_open_during_window == 1 else 'are drafts'}; "
            "drafts count as open, which lowers the ratio."
        )
    if value.bot_authored_excluded:
        notes.append(
            f"{value.bot_authored_excluded} pull request{'' if value.bot_authored_excluded == 1 else 's'} "
            "opened by bots "
            f"{'was' if value.bot_authored_excluded == 1 else 'were'} left out."
        )
    notes.append(
        "Pull request records show only their current state: a pull request that was closed and then "
        "reopened counts by its last close only, and draft status is today's."
    )
    return notes

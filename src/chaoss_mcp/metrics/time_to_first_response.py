"""Time to First Response: hours from an issue or pull request being opened to its first human reply.

Follows CHAOSS Time to First Response (https://chaoss.community/?p=3448): per item, the time of the
first response minus the creation time. Variant used here: the population is every issue and pull
request created in the window; a response is the earliest issue comment, pull request review (any
submitted state) or inline review comment (the kinds chosen in ``response_events``) by someone other
than the author and not a bot, made no later than as_of. Unanswered items are counted, not dropped;
the duration statistics cover answered items only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp.identity import BotPolicy
from chaoss_mcp.records import Actor, ChangeRequest, Comment, Issue, Review
from chaoss_mcp.window import TimeWindow

ID = "time_to_first_response"
VARIANT = "first_human_response_created_in_window"

ResponseEvent = Literal["issue_comment", "review", "review_comment"]

# GitHub shows every deleted account as this one placeholder login, so it identifies nobody.
_GHOST_LOGIN = "ghost"
_HOURS_48 = 48.0


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: int = Field(description="Length of the window, in days, ending at as_of")
    response_events: list[ResponseEvent] = Field(
        min_length=1,
        description="Which events count as a response: issue_comment, review, review_comment",
    )
    exclude_author: bool = Field(description="Ignore the item author's own comments and reviews")
    exclude_bots: bool = Field(description="Ignore comments and reviews by bots")


class Stats(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    count: int = Field(description="Items created in the window (answered or not)")
    responded: int = Field(description="Items that got a qualifying response by as_of")
    unanswered: int = Field(description="Items with no qualifying response by as_of; counted, never dropped")
    answered_within_48h: int = Field(description="Items whose first response came within 48 hours")
    median_hours: float | None = Field(
        description="Median hours to first response over responded items; null when none responded"
    )
    mean_hours: float | None = Field(
        description="Mean hours to first response over responded items; null when none responded"
    )
    p90_hours: float | None = Field(
        description="90th percentile of hours to first response over responded items "
        "(linear interpolation); null when none responded"
    )


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    issues: Stats = Field(description="Issues created in the window")
    change_requests: Stats = Field(description="Pull requests created in the window")
    all: Stats = Field(description="Issues and pull requests together")
    bot_authored_items: int = Field(
        description="Items in the population opened by a bot (e.g. dependency updates); they are included"
    )


def _percentile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (Hyndman-Fan type 7, NumPy's default)."""
    position = (len(ordered) - 1) * q
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (position - lower) * (ordered[upper] - ordered[lower])


def _stats(waits: Sequence[float | None]) -> Stats:
    answered = sorted(w for w in waits if w is not None)
    if answered:
        median: float | None = round(_percentile(answered, 0.5), 2)
        mean: float | None = round(sum(answered) / len(answered), 2)
        p90: float | None = round(_percentile(answered, 0.9), 2)
    else:
        median = mean = p90 = None
    return Stats(
        count=len(waits),
        responded=len(answered),
        unanswered=len(waits) - len(answered),
        answered_within_48h=sum(1 for w in answered if w <= _HOURS_48),
        median_hours=median,
        mean_hours=mean,
        p90_hours=p90,
    )


def _same_person(a: Actor | None, b: Actor | None) -> bool:
    # A deleted account (None, or GitHub's shared "ghost" login) is never known to be the author.
    if a is None or b is None or not a.login or not b.login:
        return False
    login = a.login.lower()
    return login == b.login.lower() and login != _GHOST_LOGIN


def _responses(
    comments: Iterable[Comment], reviews: Iterable[Review], events: frozenset[str]
) -> dict[int, list[tuple[datetime, Actor | None]]]:
    by_item: dict[int, list[tuple[datetime, Actor | None]]] = {}
    for comment in comments:
        if comment.kind in events:
            by_item.setdefault(comment.item_number, []).append((comment.created_at, comment.author))
    if "review" in events:
        for review in reviews:
            by_item.setdefault(review.item_number, []).append((review.submitted_at, review.author))
    for entries in by_item.values():
        entries.sort(key=lambda entry: entry[0])
    return by_item


def _first_response_hours(
    author: Actor | None,
    created_at: datetime,
    candidates: Sequence[tuple[datetime, Actor | None]],
    window: TimeWindow,
    params: Params,
    bots: BotPolicy,
) -> float | None:
    for moment, actor in candidates:  # sorted by time, so the first match is the earliest
        if moment < created_at:
            continue
        if moment > window.end:
            break
        if params.exclude_author and _same_person(actor, author):
            continue
        if params.exclude_bots and bots.is_bot(actor):
            continue
        return (moment - created_at).total_seconds() / 3600.0
    return None


def compute(
    *,
    issues: Sequence[Issue],
    change_requests: Sequence[ChangeRequest],
    comments: Sequence[Comment],
    reviews: Sequence[Review],
    window: TimeWindow,
    params: Params,
    bots: BotPolicy,
) -> Value:
    """Pure: no I/O, no clock. Issues and pull requests share one numbering space, so events are
    matched to items by number alone."""
    responses = _responses(comments, reviews, frozenset(params.response_events))
    bot_authored = 0

    def waits(items: Iterable[Issue | ChangeRequest]) -> list[float | None]:
        nonlocal bot_authored
        out: list[float | None] = []
        for item in items:
            if not window.contains(item.created_at):
                continue
            if bots.is_bot(item.author):
                bot_authored += 1
            out.append(
                _first_response_hours(
                    item.author, item.created_at, responses.get(item.number, ()), window, params, bots
                )
            )
        return out

    issue_waits = waits(issues)
    cr_waits = waits(change_requests)
    return Value(
        issues=_stats(issue_waits),
        change_requests=_stats(cr_waits),
        all=_stats(issue_waits + cr_waits),
        bot_authored_items=bot_authored,
    )


def sample(value: Value) -> dict[str, int]:
    return {
        "items": value.all.count,
        "issues": value.issues.count,
        "change_requests": value.change_requests.count,
        "responded": value.all.responded,
        "unanswered": value.all.unanswered,
    }


def definition(params: Params) -> dict[str, object]:
    return {
        "variant": VARIANT,
        "population": "issues and pull requests with created_at in the window",
        "response": (
            "the earliest event of the selected kinds at or after creation and no later than as_of, "
            "by someone other than the author (if exclude_author) and not a bot (if exclude_bots)"
        ),
        "response_events": list(params.response_events),
        "exclude_author": params.exclude_author,
        "exclude_bots": params.exclude_bots,
        "window_days": params.window_days,
        "deleted_accounts": (
            "comments and reviews by deleted accounts count as responses: a deleted account is not "
            "known to be the author or a bot"
        ),
        "not_responses": "reactions, labels, assignments and the author's own edits",
        "statistics": (
            "median, mean and p90 over responded items only, in hours (rounded to 0.01); percentiles "
            "by linear interpolation between closest ranks (NumPy's default); unanswered items counted "
            "separately"
        ),
    }


def caveats(value: Value) -> list[str]:
    notes: list[str] = []
    total = value.all
    if total.count == 0:
        notes.append("No issues or pull requests were opened in the window, so there is nothing to time.")
    elif total.unanswered:
        share = total.unanswered / total.count
        note = (
            f"{total.unanswered} of {total.count} issues and pull requests opened in the window had no "
            "qualifying response by as_of; they are counted as unanswered and are not part of the median"
        )
        if share >= 0.5:
            note += ", which therefore describes only the minority that was answered"
        notes.append(note + ". Items opened shortly before as_of have had little time to be answered.")
    if value.bot_authored_items:
        notes.append(
            f"{value.bot_authored_items} of the items were opened by bots (such as dependency updates); "
            "they are included and often get no human reply."
        )
    notes.append("Emoji reactions, labels and assignments are not counted as responses.")
    return notes

"""Contribution activity: commits and the people behind them, new and returning, core and casual.

Follows the CHAOSS Contributors family (Contributors https://chaoss.community/?p=3467, New
Contributors https://chaoss.community/?p=3613, Occasional Contributors https://chaoss.community/?p=3466)
over commits. Variant used here: non-merge commits with an author date in the window, one identity
per person, bots excluded when ``exclude_bots``. *New* contributors made their first commit ever
(in the history up to as_of) inside the window. Among new contributors, *repeat* ones made at least
``repeat_min_contributions`` commits within ``repeat_within_days`` of their first (Augur's rule), the
others are *drive-by*. Core/regular/casual follow GrimoireLab's onion: rank contributors by commits,
take each one's cumulative share of the window's commits, and cut right-closed bins (0, core_share]
core, (core_share, regular_share] regular, the rest casual; the top contributor is always core.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp.identity import AgentPolicy, BotPolicy
from chaoss_mcp.metrics.contributor_absence_factor import IdentityCache, Tally
from chaoss_mcp.records import Actor, Commit
from chaoss_mcp.window import TimeWindow

ID = "contribution_activity"
VARIANT = "commit_authors_onion_augur_repeat"

Trend = Literal["growing", "stable", "declining"]


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: int = Field(description="Length of the window, in days, ending at as_of")
    core_share: float = Field(gt=0, lt=1, description="Onion cut: cumulative share up to which contributors are core")
    regular_share: float = Field(gt=0, le=1, description="Onion cut: cumulative share up to which they are regular")
    repeat_min_contributions: int = Field(ge=1, description="Commits needed to be a repeat contributor")
    repeat_within_days: int = Field(ge=1, description="...within this many days of the first commit")
    trend_threshold: float = Field(ge=0, description="Relative change between window halves that counts as a trend")
    exclude_bots: bool = Field(description="Leave commits by bots out of every count but bot_commits")


class Period(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date = Field(description="First day of the calendar month (UTC)")
    commits: int = Field(description="Counted commits authored in this month and inside the window")
    contributors: int = Field(description="Distinct contributors with counted commits in this month")
    partial: bool = Field(description="True when the window covers only part of this month")


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    commits: int = Field(description="Counted commits (non-merge, author date in the window, bots excluded)")
    active_contributors: int = Field(description="Distinct (merged) contributors with counted commits")
    new_contributors: int = Field(description="Active contributors whose first commit ever is in the window")
    returning_contributors: int = Field(description="Active contributors who had committed before the window")
    repeat_contributors: int = Field(
        description="New contributors with at least repeat_min_contributions commits within repeat_within_days"
    )
    drive_by_contributors: int = Field(description="New contributors who are not (yet) repeat contributors")
    drive_by_undecided: int = Field(
        description="Drive-by contributors whose repeat_within_days period has not ended by as_of (may still repeat)"
    )
    core: int = Field(description="Onion core: contributors up to core_share of the window's commits")
    regular: int = Field(description="Onion regular: contributors from core_share up to regular_share")
    casual: int = Field(description="Onion casual: everyone else")
    top1_share: float | None = Field(description="Share of commits by the most active contributor; null if none")
    top3_share: float | None = Field(description="Share of commits by the three most active; null if none")
    first_half_commits: int = Field(description="Counted commits in the first half of the window")
    second_half_commits: int = Field(description="Counted commits in the second half of the window")
    trend_change: float | None = Field(
        description="(second - first) / first half commits; null when the first half has none"
    )
    trend: Trend | None = Field(description="growing/stable/declining by trend_threshold; null with no commits")
    by_period: list[Period] = Field(description="Calendar months overlapping the window, oldest first")
    bot_commits: int = Field(description="Commits by bots in the window")
    merge_commits: int = Field(description="Merge commits in the window; never counted")
    ai_coauthored_commits: int = Field(
        description="Non-merge commits in the window authored by a known AI agent account or with an AI agent "
        "Co-authored-by trailer (counted whether or not the author is a bot)"
    )


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _months(start: date, end: date) -> list[date]:
    months = []
    current = date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = _next_month(current)
    return months


def _trend(first: int, second: int, threshold: float) -> tuple[float | None, Trend | None]:
    if first == 0 and second == 0:
        return None, None
    if first == 0:
        return None, "growing"
    change = (second - first) / first
    if change > threshold:
        return round(change, 4), "growing"
    if change < -threshold:
        return round(change, 4), "declining"
    return round(change, 4), "stable"


def compute(
    *,
    commits: Sequence[Commit],
    window: TimeWindow,
    params: Params,
    bots: BotPolicy,
    agents: AgentPolicy,
) -> Value:
    """Pure: no I/O, no clock. ``commits`` is the whole history up to as_of, so "new" can be judged."""
    who_is = IdentityCache(bots).who
    tally = Tally()
    first_seen: dict[str, datetime] = {}
    dates: dict[str, list[datetime]] = {}
    month_commits: dict[tuple[int, int], int] = {}
    month_people: dict[tuple[int, int], set[str]] = {}
    start, end, exclude_bots = window.start, window.end, params.exclude_bots
    middle = start + (end - start) / 2
    first_half = second_half = 0
    bot_commits = merges = ai = 0
    agent_memo: dict[int, tuple[Actor, bool]] = {}

    def is_agent(actor: Actor) -> bool:
        hit = agent_memo.get(id(actor))
        if hit is not None and hit[0] is actor:
            return hit[1]
        found = agents.is_ai_agent(actor)
        agent_memo[id(actor)] = (actor, found)
        return found

    for commit in commits:
        moment = commit.authored_at
        if moment > end or commit.parents > 1:
            if commit.parents > 1 and start <= moment <= end:
                merges += 1
            continue
        who = who_is(commit.author)
        key = who.key
        inside = moment >= start
        if inside and (is_agent(commit.author) or any(is_agent(c) for c in commit.co_authors)):
            ai += 1
        if who.bot:
            if inside:
                bot_commits += 1
            if exclude_bots:
                continue
        earliest = first_seen.get(key)
        if earliest is None:
            first_seen[key] = moment
            dates[key] = [moment]
        else:
            if moment < earliest:
                first_seen[key] = moment
            dates[key].append(moment)
        if not inside:
            continue
        tally.add(key, who.name)
        if moment < middle:
            first_half += 1
        else:
            second_half += 1
        slot = (moment.year, moment.month)
        people = month_people.get(slot)
        if people is None:
            people = month_people[slot] = set()
            month_commits[slot] = 0
        people.add(key)
        month_commits[slot] += 1

    ranked = tally.ranked()
    total = sum(count for _, count in ranked)
    new_keys = [key for key, _ in ranked if first_seen[key] >= window.start]
    repeat = undecided = 0
    span = timedelta(days=params.repeat_within_days)
    for key in new_keys:
        first = first_seen[key]
        within = sum(1 for d in dates[key] if d <= first + span)
        if within >= params.repeat_min_contributions:
            repeat += 1
        elif first + span > window.end:
            undecided += 1

    core = regular = casual = 0
    core_cut, regular_cut = Fraction(str(params.core_share)), Fraction(str(params.regular_share))
    running = 0
    for position, (_, count) in enumerate(ranked):
        running += count
        cumulative = Fraction(running, total)
        if position == 0 or cumulative <= core_cut:
            core += 1
        elif cumulative <= regular_cut:
            regular += 1
        else:
            casual += 1

    change, trend = _trend(first_half, second_half, params.trend_threshold)
    first_day, last_day = window.start.date(), window.end.date()
    by_period = []
    for month in _months(first_day, last_day):
        ym = (month.year, month.month)
        by_period.append(
            Period(
                start=month,
                commits=month_commits.get(ym, 0),
                contributors=len(month_people.get(ym, ())),
                partial=month < first_day or _next_month(month) - timedelta(days=1) > last_day,
            )
        )
    return Value(
        commits=total,
        active_contributors=len(ranked),
        new_contributors=len(new_keys),
        returning_contributors=len(ranked) - len(new_keys),
        repeat_contributors=repeat,
        drive_by_contributors=len(new_keys) - repeat,
        drive_by_undecided=undecided,
        core=core,
        regular=regular,
        casual=casual,
        top1_share=round(ranked[0][1] / total, 4) if ranked else None,
        top3_share=round(sum(c for _, c in ranked[:3]) / total, 4) if ranked else None,
        first_half_commits=first_half,
        second_half_commits=second_half,
        trend_change=change,
        trend=trend,
        by_period=by_period,
        bot_commits=bot_commits,
        merge_commits=merges,
        ai_coauthored_commits=ai,
    )


def sample(value: Value) -> dict[str, int]:
    return {
        "commits": value.commits,
        "contributors": value.active_contributors,
        "new_contributors": value.new_contributors,
        "bot_commits": value.bot_commits,
    }


def definition(params: Params) -> dict[str, object]:
    return {
        "variant": VARIANT,
        "contributions": "non-merge commits with an author date in the window (co-authors are not counted)",
        "identity": "one per person: GitHub login, else email address (after .mailmap), else name",
        "new": "first commit ever (history up to as_of) authored inside the window",
        "repeat": (
            f"a new contributor with at least {params.repeat_min_contributions} commits within "
            f"{params.repeat_within_days} days of their first (Augur); the other new contributors are drive-by"
        ),
        "onion": (
            f"GrimoireLab onion over the window's commits: cumulative share in (0, {params.core_share}] core, "
            f"({params.core_share}, {params.regular_share}] regular, the rest casual (right-closed bins); "
            "the top contributor is always core"
        ),
        "trend": (
            f"second half of the window vs the first half: growing above +{params.trend_threshold:.0%}, "
            f"declining below -{params.trend_threshold:.0%}, stable between"
        ),
        "ai_coauthored": "commits by a known AI agent account or with an AI agent Co-authored-by trailer",
        "exclude_bots": params.exclude_bots,
        "window_days": params.window_days,
        "core_share": params.core_share,
        "regular_share": params.regular_share,
        "repeat_min_contributions": params.repeat_min_contributions,
        "repeat_within_days": params.repeat_within_days,
        "trend_threshold": params.trend_threshold,
    }


def caveats(value: Value) -> list[str]:
    notes: list[str] = []
    if value.commits == 0:
        notes.append("No commits were authored in the window.")
        return notes
    if value.drive_by_undecided:
        notes.append(
            f"{value.drive_by_undecided} of the {value.drive_by_contributors} drive-by contributors started "
            "recently and may still become repeat contributors."
        )
    if value.ai_coauthored_commits:
        notes.append(
            f"{value.ai_coauthored_commits} commits in the window name an AI coding agent as author or "
            "co-author; they are counted under their author like any other commit."
        )
    notes.append(
        "Only commits are counted: reviews, issues and discussion are other kinds of contribution. "
        "One person committing under two addresses counts twice unless the repository's .mailmap merges them."
    )
    if value.by_period and (value.by_period[0].partial or value.by_period[-1].partial):
        notes.append("The first or last month of by_period is only partly inside the window.")
    return notes

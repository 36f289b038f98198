"""Contributor Absence Factor: the fewest people who together made half of the commits.

Follows CHAOSS Contributor Absence Factor, formerly Bus Factor (https://chaoss.community/?p=3944):
sort contributors by their contributions, largest first, and count how many it takes for the running
sum to reach the share (50 %) of the total. Variant used here: contributions are non-merge commits
with an author date in the window; one identity per person (GitHub login, else email, after
``.mailmap``); bots excluded when ``exclude_bots``. CHAOSS does not settle whether reaching exactly the
share counts, so ``tie_rule`` chooses: ``at_least`` (running sum >= share x total) or ``more_than``
(strictly greater, as OSS Compass and the CHAOSS worked example's wording). Lower means riskier.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp.identity import BotPolicy, display_name, identity_key
from chaoss_mcp.records import Actor, Commit
from chaoss_mcp.window import TimeWindow

ID = "contributor_absence_factor"
VARIANT = "commit_authors_in_window"
TOP_LIMIT = 10

TieRule = Literal["at_least", "more_than"]


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: int = Field(description="Length of the window, in days, ending at as_of")
    share: float = Field(gt=0, lt=1, description="Share of all commits the group must account for (CHAOSS: 0.5)")
    tie_rule: TieRule = Field(description="at_least: the running sum may equal the share; more_than: it must exceed it")
    exclude_bots: bool = Field(description="Leave commits by bots out of the count")


class Contributor(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="GitHub login or git author name (never an email address)")
    commits: int = Field(description="Commits in the window")
    share: float = Field(description="Share of the window's counted commits (0-1, 4 decimals)")


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    factor: int | None = Field(
        description="Fewest contributors accounting for the share of commits; null when there are no commits"
    )
    contributors: int = Field(description="Distinct (merged) contributors with commits in the window")
    commits: int = Field(description="Commits counted (non-merge, author date in the window, bots excluded)")
    bot_commits: int = Field(description="Commits by bots in the window (excluded when exclude_bots)")
    merge_commits: int = Field(description="Merge commits in the window; never counted")
    top: list[Contributor] = Field(description="The most active contributors, at most 10, largest first")
    top1_share: float | None = Field(description="Share of commits by the most active contributor; null if none")


def smallest_group(counts: Iterable[int], share: float, tie_rule: TieRule) -> int | None:
    """Fewest of ``counts`` (largest first) whose sum reaches ``share`` of the total; None if total is 0.

    Exact arithmetic, so a tie at the share (50 + 50 at 0.5) is decided by the rule, not by rounding.
    """
    ordered = sorted((c for c in counts if c > 0), reverse=True)
    total = sum(ordered)
    if total == 0:
        return None
    threshold = Fraction(str(share)) * total
    running = 0
    for k, count in enumerate(ordered, start=1):
        running += count
        if running > threshold or (tie_rule == "at_least" and running == threshold):
            return k
    return len(ordered)


class Tally:
    """Commits per merged identity, with the name to show for each (shared by the commit metrics)."""

    def __init__(self) -> None:
        self.commits: Counter[str] = Counter()
        self._names: dict[str, Counter[str]] = {}

    def add(self, key: str, name: str) -> None:
        """One commit by ``key``, shown under ``name`` (``display_name`` of the commit's author)."""
        self.commits[key] += 1
        names = self._names.get(key)
        if names is None:
            names = self._names[key] = Counter()
        names[name] += 1

    def name(self, key: str) -> str:
        # The spelling used most often, alphabetical on ties, so reruns agree.
        names = self._names[key]
        return min(names, key=lambda n: (-names[n], n))

    def ranked(self) -> list[tuple[str, int]]:
        """(key, commits), most commits first, ties by shown name then key (stable across runs)."""
        shown = {key: self.name(key) for key in self.commits}
        return sorted(self.commits.items(), key=lambda kv: (-kv[1], shown[kv[0]], kv[0]))


@dataclass(frozen=True, slots=True)
class Who:
    """What the commit metrics need to know about one author, worked out once per distinct identity."""

    key: str  # identity_key: one per person
    bot: bool
    name: str  # display_name: never an email address


class IdentityCache:
    """identity_key, is_bot and display_name per distinct actor: a history repeats a few identities many
    times. The git source shares one Actor object per identity, so the object's id answers first;
    equal actors from other sources are found by value."""

    def __init__(self, bots: BotPolicy) -> None:
        self._bots = bots
        self._by_value: dict[Actor, Who] = {}
        self._by_id: dict[int, tuple[Actor, Who]] = {}  # holds the actor, so its id is not reused

    def who(self, actor: Actor) -> Who:
        hit = self._by_id.get(id(actor))
        if hit is not None and hit[0] is actor:
            return hit[1]
        found = self._by_value.get(actor)
        if found is None:
            found = Who(identity_key(actor), self._bots.is_bot(actor), display_name(actor))
            self._by_value[actor] = found
        self._by_id[id(actor)] = (actor, found)
        return found

    def get(self, actor: Actor) -> tuple[str, bool]:
        who = self.who(actor)
        return who.key, who.bot


def compute(*, commits: Sequence[Commit], window: TimeWindow, params: Params, bots: BotPolicy) -> Value:
    """Pure: no I/O, no clock."""
    tally = Tally()
    who_is = IdentityCache(bots).who
    start, end, exclude_bots = window.start, window.end, params.exclude_bots
    bot_commits = merges = 0
    for commit in commits:
        if not start <= commit.authored_at <= end:
            continue
        if commit.parents > 1:
            merges += 1
            continue
        who = who_is(commit.author)
        if who.bot:
            bot_commits += 1
            if exclude_bots:
                continue
        tally.add(who.key, who.name)
    total = sum(tally.commits.values())
    ranked = tally.ranked()
    top = [
        Contributor(name=tally.name(key), commits=count, share=round(count / total, 4))
        for key, count in ranked[:TOP_LIMIT]
    ]
    return Value(
        factor=smallest_group(tally.commits.values(), params.share, params.tie_rule),
        contributors=len(ranked),
        commits=total,
        bot_commits=bot_commits,
        merge_commits=merges,
        top=top,
        top1_share=round(ranked[0][1] / total, 4) if ranked else None,
    )


def sample(value: Value) -> dict[str, int]:
    return {"commits": value.commits, "contributors": value.contributors, "bot_commits": value.bot_commits}


def definition(params: Params) -> dict[str, object]:
    return {
        "variant": VARIANT,
        "contributions": "non-merge commits with an author date in the window",
        "identity": "one per person: GitHub login, else email address (after .mailmap), else name",
        "rule": (
            f"the fewest contributors, largest first, whose commits sum to "
            f"{'at least' if params.tie_rule == 'at_least' else 'more than'} {params.share:.0%} of all counted commits"
        ),
        "share": params.share,
        "tie_rule": params.tie_rule,
        "exclude_bots": params.exclude_bots,
        "window_days": params.window_days,
    }


def caveats(value: Value) -> list[str]:
    notes: list[str] = []
    if value.commits == 0:
        notes.append("No commits were authored in the window, so there is no contributor absence factor.")
        return notes
    if value.contributors == 1:
        notes.append("All counted commits in the window come from a single contributor.")
    notes.append(
        "Contributors are told apart by login or email address: one person committing under two addresses "
        "counts twice unless the repository's .mailmap merges them."
    )
    if value.merge_commits:
        merges = value.merge_commits
        notes.append(f"{merges} merge commit{' is' if merges == 1 else 's are'} in the window, not counted.")
    return notes

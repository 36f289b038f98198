"""Contribution activity: new and returning, repeat and drive-by, the onion, months and trend, by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from chaoss_mcp.identity import AgentPolicy, BotPolicy
from chaoss_mcp.metrics import contribution_activity as ca
from chaoss_mcp.records import Actor, Commit
from chaoss_mcp.window import TimeWindow
from tests.gitrepo import C, make_repo, run, service_state

AS_OF = date(2026, 6, 30)
WINDOW = TimeWindow.ending(AS_OF, 90)  # 2026-04-02T00:00Z .. 2026-06-30T23:59:59.999999Z; halves meet May 16/17
BOTS = BotPolicy.from_lists(["dependabot"], [r"\[bot\]$"])
AGENTS = AgentPolicy.from_lists([r"noreply@anthropic\.com"], ["copilot"])
CLAUDE = Actor(name="Claude", email="noreply@anthropic.com")
DEPENDABOT = Actor(name="dependabot[bot]", email="49699333+dependabot[bot]@users.noreply.github.com")


def params(**changes: object) -> ca.Params:
    values: dict[str, object] = {
        "window_days": 90,
        "core_share": 0.8,
        "regular_share": 0.95,
        "repeat_min_contributions": 4,
        "repeat_within_days": 30,
        "trend_threshold": 0.2,
        "exclude_bots": True,
    }
    values.update(changes)
    return ca.Params.model_validate(values)


def person(name: str) -> Actor:
    return Actor(name=name, email=f"{name.lower()}@example.org")


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def commit(who: Actor, when: datetime, *, parents: int = 1, co: tuple[Actor, ...] = ()) -> Commit:
    return Commit(sha=f"{who.name}-{when.isoformat()}", author=who, authored_at=when, parents=parents, co_authors=co)


ADA, BOB, CY, DI, EVE = (person(n) for n in ("Ada", "Bob", "Cy", "Di", "Eve"))
HISTORY = [
    commit(ADA, at(1, 10, 2025)),  # Ada has committed for years: returning
    commit(EVE, at(3, 1)),  # Eve too, a month before the window
    commit(DEPENDABOT, at(3, 1)),  # a bot before the window: counted nowhere
    *[commit(ADA, at(4, d)) for d in (5, 6, 7, 8)],
    *[commit(ADA, at(5, d)) for d in (1, 2)],
    *[commit(ADA, at(6, d)) for d in (1, 2, 3, 4)],
    commit(ADA, at(6, 5), parents=2),  # a merge: never counted
    *[commit(BOB, at(4, d)) for d in (10, 11, 12, 20)],  # new, 4 commits within 30 days: repeat
    commit(BOB, at(6, 10), co=(CLAUDE,)),
    commit(CY, at(4, 3)),  # new, 2 commits: drive-by, and his 30 days are over
    commit(CY, at(5, 20)),
    commit(DI, at(6, 20), co=(CLAUDE,)),  # new on Jun 20: drive-by so far, undecided
    commit(EVE, at(5, 25)),
    commit(DEPENDABOT, at(5, 5)),
    commit(DEPENDABOT, at(5, 6)),
    commit(ADA, at(7, 2)),  # after as_of: ignored
    commit(person("Frank"), at(7, 1)),  # first commit after as_of: not anyone yet
]


def compute(history: list[Commit] = HISTORY, **changes: object) -> ca.Value:
    return ca.compute(commits=history, window=WINDOW, params=params(**changes), bots=BOTS, agents=AGENTS)


def test_people_and_commits_in_the_window_split_into_new_returning_repeat_and_drive_by() -> None:
    value = compute()
    # Ada 10, Bob 5, Cy 2, Di 1, Eve 1: 19 human commits by 5 people.
    assert (value.commits, value.active_contributors) == (19, 5)
    assert (value.new_contributors, value.returning_contributors) == (3, 2)  # Bob, Cy, Di / Ada, Eve
    assert (value.repeat_contributors, value.drive_by_contributors, value.drive_by_undecided) == (1, 2, 1)
    assert (value.bot_commits, value.merge_commits, value.ai_coauthored_commits) == (2, 1, 2)


def onion(value: ca.Value) -> tuple[int, int, int]:
    return value.core, value.regular, value.casual


def test_the_onion_cuts_cumulative_shares_at_80_and_95_percent_right_closed() -> None:
    value = compute()
    # Cumulative: Ada 10/19 = .53 and Bob 15/19 = .79 core; Cy 17/19 = .89 and Di 18/19 = .947 regular;
    # Eve 19/19 casual. Di and Eve tie on 1: the shown name orders them.
    assert (value.core, value.regular, value.casual) == (2, 2, 1)
    assert (value.top1_share, value.top3_share) == (0.5263, 0.8947)


def test_the_contributor_who_crosses_the_core_share_is_regular_and_the_top_one_is_always_core() -> None:
    # 5, 3, 1, 1: cumulative .5, .8 (core, right-closed), .9 regular, 1.0 casual.
    history = [commit(p, at(5, d)) for p, n in ((ADA, 5), (BOB, 3), (CY, 1), (DI, 1)) for d in range(1, n + 1)]
    assert onion(compute(history)) == (2, 1, 1)
    # One person with 90 %: above the core share, still core.
    alone = [commit(ADA, at(5, d)) for d in range(1, 10)] + [commit(BOB, at(5, 20))]
    assert onion(compute(alone)) == (1, 0, 1)


def test_months_cover_the_window_with_partial_ends_marked() -> None:
    value = compute()
    assert [(p.start, p.commits, p.contributors, p.partial) for p in value.by_period] == [
        (date(2026, 4, 1), 9, 3, True),  # Ada 4, Bob 4, Cy 1; the window opens on Apr 2
        (date(2026, 5, 1), 4, 3, False),  # Ada 2, Cy 1, Eve 1 (the bot's two are out)
        (date(2026, 6, 1), 6, 3, False),  # Ada 4, Bob 1, Di 1
    ]
    assert "The first or last month of by_period is only partly inside the window." in ca.caveats(value)


def test_a_window_across_new_year_lists_both_months_as_partial() -> None:
    window = TimeWindow.ending(date(2026, 1, 15), 45)  # 2025-12-02 .. 2026-01-15
    value = ca.compute(commits=[commit(ADA, at(1, 3))], window=window, params=params(), bots=BOTS, agents=AGENTS)
    assert [(p.start, p.commits, p.partial) for p in value.by_period] == [
        (date(2025, 12, 1), 0, True),
        (date(2026, 1, 1), 1, True),
    ]


def test_the_trend_compares_the_two_halves_of_the_window() -> None:
    value = compute()
    # Before May 17: Ada 6, Bob 4, Cy 1 = 11; after: 8. (8 - 11) / 11 = -27 %, past -20 %.
    assert (value.first_half_commits, value.second_half_commits) == (11, 8)
    assert (value.trend_change, value.trend) == (-0.2727, "declining")
    assert compute(trend_threshold=0.3).trend == "stable"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [(0, 0, (None, None)), (0, 3, (None, "growing")), (4, 5, (0.25, "growing")), (5, 5, (0.0, "stable"))],
)
def test_trend_edges(first: int, second: int, expected: tuple[float | None, str | None]) -> None:
    assert ca._trend(first, second, 0.2) == expected


def test_bots_become_contributors_only_when_asked() -> None:
    value = compute(exclude_bots=False)
    # dependabot's first commit (Mar 1) is before the window, so it returns rather than being new.
    assert (value.commits, value.active_contributors, value.returning_contributors, value.bot_commits) == (21, 6, 3, 2)


def test_an_agent_account_as_author_counts_as_ai_coauthored_too() -> None:
    copilot = Actor(login="Copilot", type="Bot")
    history = [commit(copilot, at(5, 1)), commit(ADA, at(5, 2), co=(CLAUDE, CLAUDE)), commit(ADA, at(5, 3))]
    value = compute(history)
    assert (value.ai_coauthored_commits, value.commits, value.bot_commits) == (2, 2, 1)
    assert any("name an AI coding agent" in c for c in ca.caveats(value))


def test_an_empty_history_gives_zeros_empty_months_and_one_caveat() -> None:
    value = compute([])
    assert (value.commits, value.active_contributors, value.top1_share, value.trend) == (0, 0, None, None)
    assert [p.commits for p in value.by_period] == [0, 0, 0]
    assert ca.caveats(value) == ["No commits were authored in the window."]


def test_caveats_say_how_many_drive_by_contributors_may_still_repeat() -> None:
    assert "1 of the 2 drive-by contributors started recently and may still become repeat contributors." in (
        ca.caveats(compute())
    )


def test_the_definition_names_the_onion_and_the_repeat_rule() -> None:
    definition = ca.definition(params())
    assert "GrimoireLab onion" in str(definition["onion"]) and "right-closed" in str(definition["onion"])
    assert definition["repeat"] == (
        "a new contributor with at least 4 commits within 30 days of their first (Augur); "
        "the other new contributors are drive-by"
    )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_from_git_the_whole_history_decides_who_is_new(tmp_path: Path) -> None:
    commits = [
        C(author="Ada <ada@example.org>", when="2019-05-01T00:00:00Z"),
        C(author="Ada <ada@example.org>", when="2026-05-01T00:00:00Z"),
        C(author="Bob <bob@example.org>", when="2026-05-02T00:00:00Z"),
    ]
    repo = make_repo(tmp_path / "project", commits)
    async with service_state(tmp_path) as state:
        result = await run(state, "contribution_activity", repo, as_of="2026-06-30", window_days=90)
    assert (result.value.new_contributors, result.value.returning_contributors) == (1, 1)
    assert result.status == "ok" and result.score is not None
    assert not any("days before the window" in c for c in result.caveats)  # that caveat is GitHub's

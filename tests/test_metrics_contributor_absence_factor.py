"""Contributor Absence Factor: the fewest people who made half of the commits, counted by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from chaoss_mcp.identity import BotPolicy
from chaoss_mcp.metrics import contributor_absence_factor as caf
from chaoss_mcp.records import Actor, Commit
from chaoss_mcp.window import TimeWindow

AS_OF = date(2026, 6, 30)
WINDOW = TimeWindow.ending(AS_OF, 90)  # 2026-04-02T00:00Z .. 2026-06-30T23:59:59.999999Z
BOTS = BotPolicy.from_lists(["github-actions"], [r"[-_]bot$"])
IN = datetime(2026, 5, 1, 12, tzinfo=UTC)


def params(tie_rule: caf.TieRule = "at_least", exclude_bots: bool = True, share: float = 0.5) -> caf.Params:
    return caf.Params(window_days=90, share=share, tie_rule=tie_rule, exclude_bots=exclude_bots)


def person(name: str) -> Actor:
    return Actor(name=name.capitalize(), email=f"{name}@example.org")


def commits_by(counts: dict[str, int], when: datetime = IN) -> list[Commit]:
    out = []
    for name, count in counts.items():
        for i in range(count):
            out.append(Commit(sha=f"{name}{i}", author=person(name), authored_at=when + timedelta(minutes=i)))
    return out


def test_the_chaoss_worked_example_gives_two() -> None:
    # Half of 2475 is 1237.5; 1000 + 433 = 1433 passes it.
    assert caf.smallest_group([1000, 202, 90, 33, 332, 343, 42, 433], 0.5, "at_least") == 2
    assert caf.smallest_group([1000, 202, 90, 33, 332, 343, 42, 433], 0.5, "more_than") == 2


@pytest.mark.parametrize(
    ("counts", "at_least", "more_than"),
    [
        ([50, 50], 1, 2),  # exactly half: the rule decides
        ([3, 3, 3, 3], 2, 3),
        ([1, 1, 1], 2, 2),  # 2/3 is past half either way
        ([7], 1, 1),
        ([5, 0, 5], 1, 2),  # zero counts are ignored
        ([10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 1, 2),  # 10 of 20: exactly half again
    ],
)
def test_a_tie_at_exactly_the_share_is_settled_by_the_tie_rule(
    counts: list[int], at_least: int, more_than: int
) -> None:
    assert caf.smallest_group(counts, 0.5, "at_least") == at_least
    assert caf.smallest_group(counts, 0.5, "more_than") == more_than


def test_no_contributions_give_no_factor() -> None:
    assert caf.smallest_group([], 0.5, "at_least") is None
    assert caf.smallest_group([0, 0], 0.5, "more_than") is None


def test_the_share_is_a_parameter() -> None:
    # 80 % of 10 = 8: 4 + 3 = 7 falls short, + 2 = 9 reaches it.
    assert caf.smallest_group([4, 3, 2, 1], 0.8, "at_least") == 3


def test_counts_people_in_the_window_and_leaves_bots_and_merges_out() -> None:
    history = [
        *commits_by({"ada": 5, "bob": 3, "cy": 2}),
        Commit(
            sha="bot1",
            author=Actor(name="github-actions", email="41898282+github-actions[bot]@users.noreply.github.com"),
            authored_at=IN,
        ),
        Commit(sha="bot2", author=Actor(login="deploy-bot"), authored_at=IN),
        Commit(sha="merge", author=person("ada"), authored_at=IN, parents=2),
        Commit(sha="old", author=person("dan"), authored_at=WINDOW.start - timedelta(seconds=1)),
        Commit(sha="future", author=person("dan"), authored_at=WINDOW.end + timedelta(seconds=1)),
    ]
    value = caf.compute(commits=history, window=WINDOW, params=params(), bots=BOTS)
    # 10 human commits; Ada's 5 is exactly half, enough under at_least.
    assert (value.factor, value.commits, value.contributors) == (1, 10, 3)
    assert (value.bot_commits, value.merge_commits, value.top1_share) == (2, 1, 0.5)
    assert [(c.name, c.commits, c.share) for c in value.top] == [("Ada", 5, 0.5), ("Bob", 3, 0.3), ("Cy", 2, 0.2)]
    strict = caf.compute(commits=history, window=WINDOW, params=params("more_than"), bots=BOTS)
    assert strict.factor == 2


def test_bots_are_counted_as_contributors_only_when_asked() -> None:
    history = [
        *commits_by({"ada": 2}),
        *[Commit(sha=f"b{i}", author=Actor(login="renovate[bot]", type="Bot"), authored_at=IN) for i in range(3)],
    ]
    kept = caf.compute(commits=history, window=WINDOW, params=params(exclude_bots=False), bots=BOTS)
    assert (kept.factor, kept.commits, kept.contributors, kept.bot_commits) == (1, 5, 2, 3)
    assert kept.top[0].name == "renovate[bot]"
    dropped = caf.compute(commits=history, window=WINDOW, params=params(), bots=BOTS)
    assert (dropped.commits, dropped.contributors, dropped.bot_commits) == (2, 1, 3)


def test_the_window_edges_are_inclusive_on_the_author_date() -> None:
    history = [
        Commit(sha="a", author=person("ada"), authored_at=WINDOW.start),
        Commit(sha="b", author=person("bob"), authored_at=WINDOW.end, committed_at=WINDOW.end + timedelta(days=3)),
        Commit(sha="c", author=person("cy"), authored_at=WINDOW.start - timedelta(days=1), committed_at=IN),
    ]
    value = caf.compute(commits=history, window=WINDOW, params=params(), bots=BOTS)
    assert (value.commits, value.contributors) == (2, 2)


def test_one_person_under_a_login_and_a_noreply_address_counts_once() -> None:
    history = [
        Commit(sha="1", author=Actor(login="Octocat", email="octo@corp.example"), authored_at=IN),
        Commit(sha="2", author=Actor(name="Octo", email="583231+octocat@users.noreply.github.com"), authored_at=IN),
        Commit(sha="3", author=Actor(name="Ada", email="ADA@example.org"), authored_at=IN),
        Commit(sha="4", author=Actor(name="Ada L.", email="ada@example.org"), authored_at=IN),
        Commit(sha="5", author=person("bob"), authored_at=IN),
    ]
    value = caf.compute(commits=history, window=WINDOW, params=params(), bots=BOTS)
    assert value.contributors == 3
    # Octocat and Ada tie on 2: the shown name breaks the tie, alphabetically.
    assert [(c.name, c.commits) for c in value.top] == [("Ada", 2), ("Octocat", 2), ("Bob", 1)]
    assert value.factor == 2  # 2 of 5 is short of 2.5


def test_the_top_list_stops_at_ten_ordered_by_commits_then_name() -> None:
    counts = {f"p{i:02d}": 1 for i in range(12)} | {"zed": 3}
    value = caf.compute(commits=commits_by(counts), window=WINDOW, params=params(), bots=BOTS)
    assert len(value.top) == caf.TOP_LIMIT == 10
    assert [c.name for c in value.top[:3]] == ["Zed", "P00", "P01"]
    # 15 commits, half 7.5: Zed 3 then five singles reach 8.
    assert (value.contributors, value.factor) == (13, 6)


def test_no_commits_in_the_window_give_no_factor_and_say_why() -> None:
    value = caf.compute(commits=[], window=WINDOW, params=params(), bots=BOTS)
    assert (value.factor, value.commits, value.contributors, value.top, value.top1_share) == (None, 0, 0, [], None)
    assert caf.caveats(value) == ["No commits were authored in the window, so there is no contributor absence factor."]


def test_caveats_name_a_single_contributor_and_the_merges_left_out() -> None:
    history = [*commits_by({"ada": 3}), Commit(sha="m", author=person("ada"), authored_at=IN, parents=2)]
    notes = caf.caveats(caf.compute(commits=history, window=WINDOW, params=params(), bots=BOTS))
    assert "All counted commits in the window come from a single contributor." in notes
    assert "1 merge commit is in the window, not counted." in notes
    assert any(".mailmap" in n for n in notes)


def test_the_definition_states_the_rule_and_its_parameters() -> None:
    definition = caf.definition(params("more_than"))
    assert definition["rule"] == (
        "the fewest contributors, largest first, whose commits sum to more than 50% of all counted commits"
    )
    assert (definition["tie_rule"], definition["share"], definition["window_days"]) == ("more_than", 0.5, 90)


@pytest.mark.parametrize("share", [0, 1, -0.5, 1.5])
def test_a_share_outside_zero_to_one_is_rejected(share: float) -> None:
    with pytest.raises(ValidationError):
        params(share=share)

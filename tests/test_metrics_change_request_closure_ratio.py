from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from chaoss_mcp.identity import BotPolicy
from chaoss_mcp.metrics import change_request_closure_ratio as crcr
from chaoss_mcp.records import Actor, ChangeRequest
from chaoss_mcp.window import TimeWindow

AS_OF = date(2026, 6, 30)
WINDOW = TimeWindow.ending(AS_OF, 30)  # 2026-06-01T00:00 .. 2026-06-30T23:59:59.999999
BOTS = BotPolicy.from_lists(accounts=["release-helper"])
HUMAN = Actor(login="alice", type="User")


def params(exclude_bots: bool = True) -> crcr.Params:
    return crcr.Params(window_days=30, exclude_bots=exclude_bots)


def d(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def cr(
    created: datetime,
    closed: datetime | None = None,
    merged: datetime | None = None,
    draft: bool = False,
    author: Actor | None = HUMAN,
    number: int = 1,
) -> ChangeRequest:
    return ChangeRequest(
        number=number, author=author, created_at=created, closed_at=closed, merged_at=merged, draft=draft
    )


# expected: (closed, merged, closed_unmerged, open_during_window, opened, ratio, rei)
CASES = [
    ("empty_window", [], (0, 0, 0, 0, 0, None, None)),
    (
        "merged_in_window_opened_before",
        [cr(d(2026, 5, 20), d(2026, 6, 10), d(2026, 6, 10))],
        (1, 1, 0, 1, 0, 1.0, None),
    ),
    ("closed_unmerged_in_window", [cr(d(2026, 6, 5), d(2026, 6, 6))], (1, 0, 1, 1, 1, 1.0, 1.0)),
    (
        "closed_before_window_is_not_counted",
        [cr(d(2026, 5, 1), WINDOW.start - timedelta(microseconds=1))],
        (0, 0, 0, 0, 0, None, None),
    ),
    ("closed_exactly_at_window_start_counts", [cr(d(2026, 5, 1), WINDOW.start)], (1, 0, 1, 1, 0, 1.0, None)),
    ("created_exactly_at_window_end_is_open_and_opened", [cr(WINDOW.end)], (0, 0, 0, 1, 1, 0.0, 0.0)),
    ("created_after_as_of_is_ignored", [cr(d(2026, 7, 1))], (0, 0, 0, 0, 0, None, None)),
    ("merged_after_as_of_is_still_open", [cr(d(2026, 6, 2), d(2026, 7, 2), d(2026, 7, 2))], (0, 0, 0, 1, 1, 0.0, 0.0)),
    ("closed_unmerged_after_as_of_is_still_open", [cr(d(2026, 6, 2), d(2026, 7, 2))], (0, 0, 0, 1, 1, 0.0, 0.0)),
    ("old_backlog_still_open_counts_in_denominator", [cr(d(2025, 1, 1))], (0, 0, 0, 1, 0, 0.0, None)),
    ("draft_counts_as_open", [cr(d(2026, 6, 3), draft=True)], (0, 0, 0, 1, 1, 0.0, 0.0)),
    # Reopened after an April close and closed again in June: only the last close is on record.
    ("reopened_pr_counts_by_its_last_close", [cr(d(2026, 4, 1), d(2026, 6, 15))], (1, 0, 1, 1, 0, 1.0, None)),
    (
        "merged_at_without_closed_at_counts_as_closed",
        [cr(d(2026, 6, 2), merged=d(2026, 6, 4))],
        (1, 1, 0, 1, 1, 1.0, 1.0),
    ),
    # backlog open; merged in window; closed unmerged in window; opened in window and open; closed long ago.
    # closed 2 of open 4 -> 0.5; REI closed 2 / opened 2 -> 1.0.
    (
        "mixed_population",
        [
            cr(d(2026, 3, 1)),
            cr(d(2026, 5, 1), d(2026, 6, 10), d(2026, 6, 10)),
            cr(d(2026, 6, 2), d(2026, 6, 3)),
            cr(d(2026, 6, 20)),
            cr(d(2026, 1, 1), d(2026, 2, 1), d(2026, 2, 1)),
        ],
        (2, 1, 1, 4, 2, 0.5, 1.0),
    ),
    # 1 closed of 3 open -> 0.3333; 1 closed / 3 opened -> 0.3333.
    (
        "ratio_is_rounded_to_four_places",
        [
            cr(d(2026, 6, 2), d(2026, 6, 3)),
            cr(d(2026, 6, 4)),
            cr(d(2026, 6, 5)),
        ],
        (1, 0, 1, 3, 3, 0.3333, 0.3333),
    ),
    # REI can exceed 1: two backlog PRs closed, one new PR opened and still open -> 2 / 1.
    (
        "rei_exceeds_one_when_backlog_shrinks",
        [
            cr(d(2026, 1, 1), d(2026, 6, 10)),
            cr(d(2026, 2, 1), d(2026, 6, 11), d(2026, 6, 11)),
            cr(d(2026, 6, 12)),
        ],
        (2, 1, 1, 3, 1, 0.6667, 2.0),
    ),
]


@pytest.mark.parametrize(("prs", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_closure_ratio_follows_the_definition(
    prs: list[ChangeRequest], expected: tuple[int, int, int, int, int, float | None, float | None]
) -> None:
    value = crcr.compute(change_requests=prs, window=WINDOW, params=params(), bots=BOTS)
    got = (
        value.closed,
        value.merged,
        value.closed_unmerged,
        value.open_during_window,
        value.opened,
        value.ratio,
        value.rei,
    )
    assert got == expected


BOT_PRS = [
    cr(d(2026, 6, 2), author=Actor(login="dependabot[bot]", type="User"), number=1),
    cr(d(2026, 6, 3), author=Actor(login="renovate", type="Bot"), number=2),
    cr(d(2026, 6, 4), author=Actor(login="Release-Helper", type="User"), number=3),
    cr(d(2026, 6, 5), d(2026, 6, 6), d(2026, 6, 6), number=4),
    cr(d(2026, 1, 5), d(2026, 1, 6), author=Actor(login="old[bot]"), number=5),  # closed before: not counted
]


@pytest.mark.parametrize(
    ("exclude_bots", "expected"),
    [(True, (1, 1, 1, 1.0, 3)), (False, (1, 4, 4, 0.25, 0))],
    ids=["bots_excluded", "bots_included"],
)
def test_bot_authored_pull_requests_are_left_out_only_when_asked(
    exclude_bots: bool, expected: tuple[int, int, int, float, int]
) -> None:
    value = crcr.compute(change_requests=BOT_PRS, window=WINDOW, params=params(exclude_bots), bots=BOTS)
    assert (value.closed, value.open_during_window, value.opened, value.ratio, value.bot_authored_excluded) == expected


def test_deleted_author_is_not_a_bot() -> None:
    value = crcr.compute(change_requests=[cr(d(2026, 6, 2), author=None)], window=WINDOW, params=params(), bots=BOTS)
    assert (value.open_during_window, value.bot_authored_excluded) == (1, 0)


def test_drafts_are_counted_and_mentioned() -> None:
    value = crcr.compute(
        change_requests=[cr(d(2026, 6, 3), draft=True), cr(d(2026, 6, 4), d(2026, 6, 5), draft=False)],
        window=WINDOW,
        params=params(),
        bots=BOTS,
    )
    assert (value.open_during_window, value.drafts_open_during_window, value.ratio) == (2, 1, 0.5)
    assert any("1 of the pull requests open in the window is a draft" in note for note in crcr.caveats(value))


def test_caveats_always_explain_reopened_pull_requests_and_flag_an_empty_window() -> None:
    empty = crcr.compute(change_requests=[], window=WINDOW, params=params(), bots=BOTS)
    notes = crcr.caveats(empty)
    assert any("reopened" in note for note in notes)
    assert any("No pull request was open" in note for note in notes)
    assert crcr.sample(empty) == {"open_during_window": 0, "closed": 0, "opened": 0}


def test_definition_names_the_variant_and_parameters() -> None:
    described = crcr.definition(params(False))
    assert described["variant"] == "closed_in_window_over_open_during_window"
    assert (described["window_days"], described["exclude_bots"]) == (30, False)
    assert "draft" in str(described["drafts"])


def test_params_have_no_defaults_and_reject_unknown_keys() -> None:
    with pytest.raises(ValidationError):
        crcr.Params.model_validate({"window_days": 90})
    with pytest.raises(ValidationError):
        crcr.Params.model_validate({"window_days": 90, "exclude_bots": True, "labels": []})


def test_every_value_field_is_described() -> None:
    for name, field in crcr.Value.model_fields.items():
        assert field.description, name

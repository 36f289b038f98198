from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from chaoss_mcp.identity import BotPolicy
from chaoss_mcp.metrics import time_to_first_response as ttfr
from chaoss_mcp.records import Actor, ChangeRequest, Comment, Issue, Review
from chaoss_mcp.window import TimeWindow

AS_OF = date(2026, 6, 30)
WINDOW = TimeWindow.ending(AS_OF, 30)  # 2026-06-01T00:00 .. 2026-06-30T23:59:59.999999
BOTS = BotPolicy.from_lists(accounts=["ci-helper"])
ALL_EVENTS: list[ttfr.ResponseEvent] = ["issue_comment", "review", "review_comment"]


def params(**overrides: object) -> ttfr.Params:
    base: dict[str, object] = {
        "window_days": 30,
        "response_events": ALL_EVENTS,
        "exclude_author": True,
        "exclude_bots": True,
    }
    base.update(overrides)
    return ttfr.Params.model_validate(base)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def user(login: str, kind: str = "User") -> Actor:
    return Actor.model_validate({"login": login, "type": kind})


ALICE = user("alice")
BOB = user("bob")
CREATED = at(10)


def comment(when: datetime, author: Actor | None = BOB, kind: str = "issue_comment", number: int = 1) -> Comment:
    return Comment.model_validate({"item_number": number, "kind": kind, "author": author, "created_at": when})


def review(when: datetime, author: Actor | None = BOB, state: str = "APPROVED", number: int = 1) -> Review:
    return Review(item_number=number, author=author, submitted_at=when, state=state)


def pr(number: int = 1, created: datetime = CREATED, author: Actor | None = ALICE) -> ChangeRequest:
    return ChangeRequest(number=number, author=author, created_at=created)


def issue(number: int, created: datetime = CREATED, author: Actor | None = ALICE) -> Issue:
    return Issue(number=number, author=author, created_at=created)


HOURS_TO_END = (WINDOW.end - CREATED).total_seconds() / 3600

# One pull request #1 opened by alice at 2026-06-10 00:00; expected hours to first response or None.
SINGLE_ITEM_CASES = [
    ("self_reply_is_ignored", [comment(at(10, 1), ALICE), comment(at(10, 5))], [], {}, 5.0),
    ("self_reply_matches_login_case_insensitively", [comment(at(10, 1), user("Alice")), comment(at(12))], [], {}, 48.0),
    ("bot_by_account_type_is_ignored", [comment(at(10, 1), user("helper", "Bot")), comment(at(10, 3))], [], {}, 3.0),
    ("bot_by_login_suffix_is_ignored", [comment(at(10, 1), user("dependabot[bot]")), comment(at(10, 2))], [], {}, 2.0),
    ("bot_by_policy_account_is_ignored", [comment(at(10, 1), user("CI-Helper"))], [], {}, None),
    ("review_alone_is_a_response", [], [review(at(10, 6))], {}, 6.0),
    ("dismissed_review_is_a_response", [], [review(at(10, 4), state="DISMISSED")], {}, 4.0),
    ("review_comment_alone_is_a_response", [comment(at(10, 7), kind="review_comment")], [], {}, 7.0),
    (
        "earliest_of_several_kinds_wins",
        [comment(at(10, 3)), comment(at(10, 5), kind="review_comment")],
        [review(at(10, 9))],
        {},
        3.0,
    ),
    ("no_events_means_unanswered", [], [], {}, None),
    ("response_after_as_of_is_ignored", [comment(datetime(2026, 7, 1, tzinfo=UTC))], [], {}, None),
    ("response_exactly_at_as_of_end_counts", [comment(WINDOW.end)], [], {}, round(HOURS_TO_END, 2)),
    ("response_at_creation_instant_counts", [comment(CREATED)], [], {}, 0.0),
    ("event_before_creation_is_ignored", [comment(at(9, 23))], [], {}, None),
    ("deleted_account_counts_as_a_human_non_author", [comment(at(10, 8), author=None)], [], {}, 8.0),
    ("ghost_login_is_never_the_author", [comment(at(10, 8), author=user("ghost"))], [], {}, 8.0),
    ("comment_on_another_number_does_not_answer", [comment(at(10, 1), number=2)], [], {}, None),
    ("author_reply_counts_when_exclude_author_is_off", [comment(at(10, 1), ALICE)], [], {"exclude_author": False}, 1.0),
    (
        "bot_reply_counts_when_exclude_bots_is_off",
        [comment(at(10, 1), user("renovate[bot]"))],
        [],
        {"exclude_bots": False},
        1.0,
    ),
    (
        "unselected_event_kinds_are_ignored",
        [comment(at(10, 4)), comment(at(10, 2), kind="review_comment")],
        [review(at(10, 1))],
        {"response_events": ["issue_comment"]},
        4.0,
    ),
    (
        "reviews_only_selection_ignores_comments",
        [comment(at(10, 1))],
        [review(at(10, 10))],
        {"response_events": ["review"]},
        10.0,
    ),
]


@pytest.mark.parametrize(
    ("comments", "reviews", "overrides", "expected_hours"),
    [case[1:] for case in SINGLE_ITEM_CASES],
    ids=[case[0] for case in SINGLE_ITEM_CASES],
)
def test_first_response_of_one_pull_request_follows_the_definition(
    comments: list[Comment], reviews: list[Review], overrides: dict[str, object], expected_hours: float | None
) -> None:
    value = ttfr.compute(
        issues=[],
        change_requests=[pr()],
        comments=comments,
        reviews=reviews,
        window=WINDOW,
        params=params(**overrides),
        bots=BOTS,
    )
    stats = value.change_requests
    assert stats.count == 1
    assert value.all == stats
    assert value.issues.count == 0
    if expected_hours is None:
        assert (stats.responded, stats.unanswered, stats.median_hours) == (0, 1, None)
        assert stats.mean_hours is None
        assert stats.p90_hours is None
    else:
        assert (stats.responded, stats.unanswered) == (1, 0)
        assert stats.median_hours == stats.mean_hours == stats.p90_hours == expected_hours


def test_deleted_author_item_still_gets_responses_from_deleted_accounts() -> None:
    value = ttfr.compute(
        issues=[issue(1, author=None)],
        change_requests=[],
        comments=[comment(at(10, 2), author=None)],
        reviews=[],
        window=WINDOW,
        params=params(),
        bots=BOTS,
    )
    assert value.issues.median_hours == 2.0


def test_unanswered_items_are_counted_not_dropped_and_statistics_cover_answered_only() -> None:
    # Waits 1, 2, 3, 4, 10 hours and one unanswered. Median 3; mean 20/5 = 4;
    # p90 by linear interpolation: position 0.9 * 4 = 3.6 -> 4 + 0.6 * (10 - 4) = 7.6.
    items = [pr(n) for n in range(1, 7)]
    comments = [comment(CREATED + timedelta(hours=h), number=n) for n, h in [(1, 1), (2, 2), (3, 3), (4, 4), (5, 10)]]
    value = ttfr.compute(
        issues=[], change_requests=items, comments=comments, reviews=[], window=WINDOW, params=params(), bots=BOTS
    )
    assert value.all.model_dump() == {
        "count": 6,
        "responded": 5,
        "unanswered": 1,
        "answered_within_48h": 5,
        "median_hours": 3.0,
        "mean_hours": 4.0,
        "p90_hours": 7.6,
    }


def test_issues_and_pull_requests_are_reported_separately_and_combined() -> None:
    # Issues wait 2 h and 4 h, the pull request 6 h. Combined [2, 4, 6]: median 4, mean 4,
    # p90 position 1.8 -> 4 + 0.8 * 2 = 5.6.
    value = ttfr.compute(
        issues=[issue(1), issue(2)],
        change_requests=[pr(3)],
        comments=[comment(at(10, 2), number=1), comment(at(10, 4), number=2)],
        reviews=[review(at(10, 6), number=3)],
        window=WINDOW,
        params=params(),
        bots=BOTS,
    )
    assert (value.issues.count, value.issues.median_hours, value.issues.mean_hours) == (2, 3.0, 3.0)
    assert (value.change_requests.count, value.change_requests.median_hours) == (1, 6.0)
    assert (value.all.count, value.all.median_hours, value.all.mean_hours, value.all.p90_hours) == (3, 4.0, 4.0, 5.6)


def test_even_number_of_waits_interpolates_median_and_p90() -> None:
    # [1, 3]: median 2.0; p90 position 0.9 -> 1 + 0.9 * 2 = 2.8.
    value = ttfr.compute(
        issues=[issue(1), issue(2)],
        change_requests=[],
        comments=[comment(at(10, 1), number=1), comment(at(10, 3), number=2)],
        reviews=[],
        window=WINDOW,
        params=params(),
        bots=BOTS,
    )
    assert (value.issues.median_hours, value.issues.p90_hours) == (2.0, 2.8)


@pytest.mark.parametrize(
    ("wait_hours", "within"), [(47.0, 1), (48.0, 1), (48.5, 0)], ids=["under", "exactly_48h", "over"]
)
def test_answered_within_48h_includes_exactly_48_hours(wait_hours: float, within: int) -> None:
    value = ttfr.compute(
        issues=[issue(1)],
        change_requests=[],
        comments=[comment(CREATED + timedelta(hours=wait_hours))],
        reviews=[],
        window=WINDOW,
        params=params(),
        bots=BOTS,
    )
    assert value.all.answered_within_48h == within


WINDOW_MEMBERSHIP_CASES = [
    ("created_at_window_start_is_in", WINDOW.start, 1),
    ("created_at_window_end_is_in", WINDOW.end, 1),
    ("created_just_before_start_is_out", WINDOW.start - timedelta(microseconds=1), 0),
    ("created_after_as_of_is_out", WINDOW.end + timedelta(microseconds=1), 0),
]


@pytest.mark.parametrize(
    ("created", "count"), [c[1:] for c in WINDOW_MEMBERSHIP_CASES], ids=[c[0] for c in WINDOW_MEMBERSHIP_CASES]
)
def test_population_is_items_created_in_the_window_boundaries_included(created: datetime, count: int) -> None:
    value = ttfr.compute(
        issues=[issue(1, created=created)],
        change_requests=[],
        comments=[],
        reviews=[],
        window=WINDOW,
        params=params(),
        bots=BOTS,
    )
    assert value.all.count == count


def test_item_created_at_window_end_answered_at_the_same_instant_is_zero_hours() -> None:
    value = ttfr.compute(
        issues=[issue(1, created=WINDOW.end)],
        change_requests=[],
        comments=[comment(WINDOW.end)],
        reviews=[],
        window=WINDOW,
        params=params(),
        bots=BOTS,
    )
    assert value.all.median_hours == 0.0


def test_empty_window_gives_zero_counts_and_no_statistics() -> None:
    value = ttfr.compute(
        issues=[issue(1, created=at(1, month=5))],
        change_requests=[],
        comments=[comment(at(2, month=5))],
        reviews=[],
        window=WINDOW,
        params=params(),
        bots=BOTS,
    )
    for stats in (value.issues, value.change_requests, value.all):
        assert stats.model_dump() == {
            "count": 0,
            "responded": 0,
            "unanswered": 0,
            "answered_within_48h": 0,
            "median_hours": None,
            "mean_hours": None,
            "p90_hours": None,
        }
    assert ttfr.sample(value) == {"items": 0, "issues": 0, "change_requests": 0, "responded": 0, "unanswered": 0}
    assert any("No issues or pull requests" in note for note in ttfr.caveats(value))


def test_bot_authored_items_stay_in_the_population_and_are_counted() -> None:
    value = ttfr.compute(
        issues=[],
        change_requests=[pr(1, author=user("dependabot[bot]")), pr(2)],
        comments=[],
        reviews=[],
        window=WINDOW,
        params=params(),
        bots=BOTS,
    )
    assert (value.all.count, value.all.unanswered, value.bot_authored_items) == (2, 2, 1)
    assert any("opened by bots" in note for note in ttfr.caveats(value))


def test_caveats_state_the_unanswered_count_and_that_reactions_are_not_responses() -> None:
    value = ttfr.compute(
        issues=[issue(1), issue(2), issue(3)],
        change_requests=[],
        comments=[comment(at(10, 1), number=1)],
        reviews=[],
        window=WINDOW,
        params=params(),
        bots=BOTS,
    )
    notes = ttfr.caveats(value)
    assert any(note.startswith("2 of 3 issues and pull requests") and "minority" in note for note in notes)
    assert any("reactions" in note for note in notes)
    assert ttfr.sample(value) == {"items": 3, "issues": 3, "change_requests": 0, "responded": 1, "unanswered": 2}


def test_definition_reports_parameters_and_percentile_method() -> None:
    described = ttfr.definition(params(response_events=["review"]))
    assert described["variant"] == "first_human_response_created_in_window"
    assert described["response_events"] == ["review"]
    assert described["exclude_author"] is True
    assert described["window_days"] == 30
    assert "linear interpolation" in str(described["statistics"])
    assert "deleted accounts" in str(described["deleted_accounts"])


@pytest.mark.parametrize(
    "bad",
    [
        {"window_days": 30, "response_events": ["reaction"], "exclude_author": True, "exclude_bots": True},
        {"window_days": 30, "response_events": [], "exclude_author": True, "exclude_bots": True},
        {"window_days": 30, "response_events": ["review"], "exclude_author": True},
        {"window_days": 30, "response_events": ["review"], "exclude_author": True, "exclude_bots": True, "x": 1},
    ],
    ids=["unknown_event", "no_events", "missing_field", "unknown_key"],
)
def test_params_have_no_defaults_and_reject_unknown_values(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ttfr.Params.model_validate(bad)


def test_every_value_field_is_described() -> None:
    for model in (ttfr.Value, ttfr.Stats):
        for name, field in model.model_fields.items():
            assert field.description, name

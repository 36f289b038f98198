from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from chaoss_mcp.metrics import release_frequency as rf
from chaoss_mcp.records import Release, Tag
from chaoss_mcp.window import TimeWindow

AS_OF = date(2026, 6, 30)
WINDOW = TimeWindow.ending(AS_OF, 365)  # 2025-07-01T00:00 .. 2026-06-30T23:59:59.999999


def params(count_prereleases: bool = False, fallback_to_tags: bool = True) -> rf.Params:
    return rf.Params(window_days=365, count_prereleases=count_prereleases, fallback_to_tags=fallback_to_tags)


def d(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def rel(
    tag: str, published: datetime | None, prerelease: bool = False, draft: bool = False, created: datetime | None = None
) -> Release:
    return Release(tag=tag, published_at=published, created_at=created, prerelease=prerelease, draft=draft)


HISTORY = [
    rel("v0.9", d(2024, 1, 1)),
    rel("v1.0", d(2025, 8, 1)),
    rel("v1.1", d(2025, 10, 1)),
    rel("v1.2", d(2026, 3, 1)),
    rel("v1.3-rc.1", d(2026, 5, 1), prerelease=True),
    rel("v1.3", None, draft=True, created=d(2026, 6, 1)),
    rel("v2.0", d(2026, 7, 1)),  # after as_of: ignored
]


def test_releases_in_window_with_gaps_and_days_since_last() -> None:
    # Counted: Aug 1, Oct 1, Mar 1. Gaps 61 and 151 days -> median 106, max 151.
    # Last counted release Mar 1 -> Jun 30 is 121 days. Non-draft releases up to as_of: 5.
    value = rf.compute(releases=HISTORY, tags=[], window=WINDOW, params=params())
    assert (value.source, value.releases, value.prereleases) == ("releases", 3, 1)
    assert (value.median_days_between, value.max_days_between, value.days_since_last) == (106.0, 151.0, 121)
    assert value.latest == rf.Latest(tag="v1.2", date=d(2026, 3, 1), prerelease=False)
    assert (value.releases_total, value.tags_total, value.undated_tags) == (5, 0, 0)
    assert rf.inconclusive_reason(value) is None


def test_prereleases_are_counted_only_when_asked() -> None:
    # Adds May 1: gaps 61, 151, 61 -> median 61; last is the prerelease, 60 days before Jun 30.
    value = rf.compute(releases=HISTORY, tags=[], window=WINDOW, params=params(count_prereleases=True))
    assert (value.releases, value.prereleases, value.median_days_between, value.days_since_last) == (4, 1, 61.0, 60)
    assert value.latest is not None
    assert (value.latest.tag, value.latest.prerelease) == ("v1.3-rc.1", True)


CASES = [
    ("empty_history", [], (0, 0, None, None)),
    ("one_release_in_window", [rel("v1", d(2026, 6, 20))], (1, 0, None, 10)),
    ("unpublished_release_is_dated_by_creation", [rel("v1", None, created=d(2026, 6, 10))], (1, 0, None, 20)),
    ("release_without_any_date_is_ignored", [rel("v1", None)], (0, 0, None, None)),
    ("draft_is_never_counted", [rel("v1", d(2026, 6, 10), draft=True)], (0, 0, None, None)),
    ("release_at_window_start_is_in", [rel("v1", WINDOW.start), rel("v2", d(2025, 7, 11))], (2, 0, 10.0, 354)),
    (
        "release_just_before_window_counts_only_for_days_since",
        [rel("v1", WINDOW.start - timedelta(seconds=1))],
        (0, 0, None, 365),
    ),
    ("release_at_window_end_is_in", [rel("v1", WINDOW.end)], (1, 0, None, 0)),
    ("release_after_as_of_is_ignored", [rel("v1", d(2026, 7, 1))], (0, 0, None, None)),
    ("days_since_last_looks_back_beyond_the_window", [rel("v1", d(2024, 6, 30))], (0, 0, None, 730)),
    ("prerelease_only_is_not_counted", [rel("v1-rc1", d(2026, 6, 1), prerelease=True)], (0, 1, None, None)),
    (
        "median_of_three_gaps_is_the_middle_one",
        [rel("a", d(2026, 1, 1)), rel("b", d(2026, 1, 3)), rel("c", d(2026, 1, 13)), rel("d", d(2026, 1, 14))],
        (4, 0, 2.0, 167),
    ),
    (
        "half_day_gap_is_fractional",
        [rel("a", d(2026, 6, 1)), rel("b", d(2026, 6, 1) + timedelta(hours=12))],
        (2, 0, 0.5, 29),
    ),
]


@pytest.mark.parametrize(("releases", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_release_counts_follow_the_definition(
    releases: list[Release], expected: tuple[int, int, float | None, int | None]
) -> None:
    value = rf.compute(releases=releases, tags=[], window=WINDOW, params=params(fallback_to_tags=False))
    assert (value.releases, value.prereleases, value.median_days_between, value.days_since_last) == expected
    assert value.source == "releases"


TAGS = [
    Tag(name="v0.1", sha="a", date=d(2025, 9, 1)),
    Tag(name="v0.2", sha="b", date=d(2026, 1, 1)),
    Tag(name="v0", sha="b", date=d(2026, 1, 1)),  # moving alias on the same commit: one release
    Tag(name="v0.3-rc.1", sha="c", date=d(2026, 2, 1)),
    Tag(name="ancient", sha="d", date=None),
    Tag(name="v0.4", sha="e", date=d(2026, 7, 5)),  # after as_of: ignored
]


def test_falls_back_to_tags_when_there_are_no_releases() -> None:
    # Counted tags: Sep 1 and Jan 1 (gap 122 days); v0.3-rc.1 is a prerelease; "ancient" is undated.
    # Last counted Jan 1 -> Jun 30 is 180 days. Tags up to as_of, one per commit: a, b, c, d = 4.
    drafts_only = [rel("v9", None, draft=True, created=d(2026, 6, 1))]
    value = rf.compute(releases=drafts_only, tags=TAGS, window=WINDOW, params=params())
    assert (value.source, value.releases, value.prereleases, value.undated_tags) == ("tags", 2, 1, 1)
    assert (value.median_days_between, value.days_since_last) == (122.0, 180)
    assert value.latest == rf.Latest(tag="v0.2", date=d(2026, 1, 1), prerelease=False)
    assert (value.releases_total, value.tags_total) == (0, 4)
    notes = rf.caveats(value)
    assert any("git tags were counted instead" in note for note in notes)
    assert any("1 tags had no known commit date" in note for note in notes)
    assert rf.definition(params())["tag_fallback"] != "off"
    assert rf.inconclusive_reason(value) is None


def test_tags_are_ignored_when_any_release_exists() -> None:
    value = rf.compute(releases=[rel("v1", d(2026, 6, 1))], tags=TAGS, window=WINDOW, params=params())
    assert (value.source, value.releases, value.undated_tags) == ("releases", 1, 0)


def test_prerelease_only_releases_prevent_the_tag_fallback() -> None:
    value = rf.compute(
        releases=[rel("v1-beta", d(2026, 6, 1), prerelease=True)], tags=TAGS, window=WINDOW, params=params()
    )
    assert (value.source, value.releases, value.prereleases, value.latest) == ("releases", 0, 1, None)
    assert any("Only prereleases" in note for note in rf.caveats(value))


def test_without_fallback_tags_are_only_reported() -> None:
    value = rf.compute(releases=[], tags=TAGS, window=WINDOW, params=params(fallback_to_tags=False))
    assert (value.source, value.releases, value.days_since_last, value.tags_total) == ("releases", 0, None, 4)
    assert any("falling back to tags is turned off" in note for note in rf.caveats(value))
    assert rf.inconclusive_reason(value) is None
    assert rf.definition(params(fallback_to_tags=False))["tag_fallback"] == "off"


def test_nothing_at_all_is_inconclusive_with_a_sentence() -> None:
    value = rf.compute(
        releases=[rel("v1", d(2026, 7, 1))],
        tags=[Tag(name="late", date=d(2026, 7, 2))],
        window=WINDOW,
        params=params(),
    )
    assert rf.inconclusive_reason(value) == (
        "No GitHub releases and no tags exist up to 2026-06-30; release frequency cannot be measured "
        "(documentation-only repositories often have none)."
    )
    assert (value.releases, value.median_days_between, value.days_since_last, value.latest) == (0, None, None, None)


def test_only_undated_tags_are_inconclusive() -> None:
    value = rf.compute(
        releases=[], tags=[Tag(name="v1", sha="x"), Tag(name="v2", sha="y")], window=WINDOW, params=params()
    )
    assert (value.source, value.undated_tags, value.releases) == ("tags", 2, 0)
    reason = rf.inconclusive_reason(value)
    assert reason is not None
    assert "none of its 2 tags" in reason


@pytest.mark.parametrize(
    ("name", "prerelease"),
    [
        ("v2.0.0-rc.1", True),
        ("1.0rc1", True),
        ("v3.0-alpha2", True),
        ("v1.2.0-beta", True),
        ("v4.0.0.dev1", True),
        ("v1.2.3", False),
        ("1.4b0", False),
        ("release-candidate", False),
        ("v2.0.0-preview", True),
    ],
)
def test_tag_names_with_prerelease_suffixes_are_prereleases(name: str, prerelease: bool) -> None:
    tag = Tag(name=name, sha="s", date=d(2026, 6, 1))
    value = rf.compute(releases=[], tags=[tag], window=WINDOW, params=params())
    assert (value.prereleases, value.releases) == ((1, 0) if prerelease else (0, 1))


def test_sample_and_definition_report_the_counts_and_parameters() -> None:
    value = rf.compute(releases=HISTORY, tags=[], window=WINDOW, params=params())
    assert rf.sample(value) == {"releases": 3, "prereleases": 1}
    described = rf.definition(params(count_prereleases=True))
    assert (described["window_days"], described["count_prereleases"], described["fallback_to_tags"]) == (
        365,
        True,
        True,
    )
    assert any("package registries" in note for note in rf.caveats(value))


def test_params_have_no_defaults_and_reject_unknown_keys() -> None:
    with pytest.raises(ValidationError):
        rf.Params.model_validate({"window_days": 365, "count_prereleases": False})
    with pytest.raises(ValidationError):
        rf.Params.model_validate(
            {"window_days": 365, "count_prereleases": False, "fallback_to_tags": True, "semver_only": True}
        )


def test_every_value_field_is_described() -> None:
    for model in (rf.Value, rf.Latest):
        for name, field in model.model_fields.items():
            assert field.description, name

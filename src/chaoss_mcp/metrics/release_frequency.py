"""Release Frequency: how often the project publishes a release, and how long since the last one.

Follows CHAOSS Release Frequency (https://chaoss.community/?p=4765), which counts every release,
point and bug-fix releases included. Variant used here: non-draft GitHub releases dated by publication
(creation when unpublished) in the window; prereleases reported separately and counted only on
request. When a repository has no GitHub release at all up to as_of, git tags can stand in, dated by
the commit they point to.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp.records import Release, Tag
from chaoss_mcp.window import TimeWindow

ID = "release_frequency"

# Semver / PEP 440 style pre-release suffixes on tag names (v2.0.0-rc.1, 1.4b0 is not matched on
# purpose: single letters are too easily part of ordinary names).
_PRERELEASE_TAG = re.compile(r"\d[-_.]?(alpha|beta|rc|pre|preview|dev)[-_.]?\d*$", re.IGNORECASE)


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: int = Field(description="Length of the window, in days, ending at as_of")
    count_prereleases: bool = Field(description="Count prereleases as releases")
    fallback_to_tags: bool = Field(description="Use git tags when the repository has no GitHub releases")


class Latest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tag: str = Field(description="Tag name of the most recent counted release up to as_of")
    date: datetime = Field(description="Its publication date (or the tagged commit's date for tags), UTC")
    prerelease: bool = Field(description="Whether it is a prerelease")


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["releases", "tags"] = Field(
        description="What was counted: GitHub releases, or git tags when there were no releases"
    )
    releases: int = Field(description="Releases counted in the window (prereleases included only if count_prereleases)")
    prereleases: int = Field(description="Prereleases in the window, always reported")
    median_days_between: float | None = Field(
        description="Median days between consecutive counted releases in the window; null with fewer than 2"
    )
    max_days_between: float | None = Field(
        description="Longest gap in days between consecutive counted releases in the window; null with fewer than 2"
    )
    days_since_last: int | None = Field(
        description="Calendar days from the last counted release (any time up to as_of) to as_of; null if there is none"
    )
    latest: Latest | None = Field(description="The last counted release up to as_of; null if there is none")
    undated_tags: int = Field(
        description="Tags skipped because their commit date is unknown (only when source is tags)"
    )
    releases_total: int = Field(description="Non-draft GitHub releases dated up to as_of, over all history")
    tags_total: int = Field(
        description="Git tags up to as_of over all history (undated tags included; tags on the same "
        "commit counted once)"
    )
    as_of: date = Field(description="The date counts run up to; anything dated later is ignored")


class _Dated:
    __slots__ = ("moment", "name", "prerelease")

    def __init__(self, name: str, moment: datetime, prerelease: bool) -> None:
        self.name = name
        self.moment = moment
        self.prerelease = prerelease


def _dated_releases(releases: Sequence[Release], end: datetime) -> list[_Dated]:
    out: list[_Dated] = []
    for release in releases:
        moment = release.published_at or release.created_at
        if release.draft or moment is None or moment > end:
            continue
        out.append(_Dated(release.tag, moment, release.prerelease))
    return out


def _unique_tags(tags: Sequence[Tag]) -> list[Tag]:
    # Moving aliases (v1 beside v1.2.3) point at the same commit; one commit is one release.
    seen: set[str] = set()
    out: list[Tag] = []
    for tag in tags:
        if tag.sha is not None:
            if tag.sha in seen:
                continue
            seen.add(tag.sha)
        out.append(tag)
    return out


def _gaps_days(moments: Sequence[datetime]) -> list[float]:
    return [(later - earlier).total_seconds() / 86400.0 for earlier, later in itertools.pairwise(moments)]


def compute(
    *,
    releases: Sequence[Release],
    tags: Sequence[Tag],
    window: TimeWindow,
    params: Params,
) -> Value:
    """Pure: no I/O, no clock. Releases and tags dated after window.end (as_of) are ignored."""
    end = window.end
    dated = _dated_releases(releases, end)
    unique_tags = [t for t in _unique_tags(tags) if t.date is None or t.date <= end]
    source: Literal["releases", "tags"] = "releases"
    undated = 0
    if not dated and params.fallback_to_tags and unique_tags:
        source = "tags"
        for tag in unique_tags:
            if tag.date is None:
                undated += 1
            else:
                dated.append(_Dated(tag.name, tag.date, bool(_PRERELEASE_TAG.search(tag.name))))

    dated.sort(key=lambda d: (d.moment, d.name))
    counted = [d for d in dated if params.count_prereleases or not d.prerelease]
    in_window = [d.moment for d in counted if window.contains(d.moment)]
    gaps = _gaps_days(in_window)
    last = counted[-1] if counted else None
    return Value(
        source=source,
        releases=len(in_window),
        prereleases=sum(1 for d in dated if d.prerelease and window.contains(d.moment)),
        median_days_between=round(statistics.median(gaps), 2) if gaps else None,
        max_days_between=round(max(gaps), 2) if gaps else None,
        days_since_last=(window.as_of - last.moment.date()).days if last else None,
        latest=Latest(tag=last.name, date=last.moment, prerelease=last.prerelease) if last else None,
        undated_tags=undated,
        releases_total=len(_dated_releases(releases, end)),
        tags_total=len(unique_tags),
        as_of=window.as_of,
    )


def inconclusive_reason(value: Value) -> str | None:
    """A sentence when nothing can be measured at all; None otherwise."""
    as_of = value.as_of.isoformat()
    if value.releases_total == 0 and value.tags_total == 0:
        return (
            f"No GitHub releases and no tags exist up to {as_of}; release frequency cannot be measured "
            "(documentation-only repositories often have none)."
        )
    if value.source == "tags" and value.undated_tags == value.tags_total:
        return (
            f"The repository has no GitHub releases and none of its {value.tags_total} tags up to {as_of} "
            "carries a commit date, so release frequency cannot be measured."
        )
    return None


def sample(value: Value) -> dict[str, int]:
    return {"releases": value.releases, "prereleases": value.prereleases}


def definition(params: Params) -> dict[str, object]:
    return {
        "variant": "published_releases_in_window",
        "counted": "non-draft GitHub releases dated by published_at (else created_at)"
        + ("" if params.count_prereleases else ", prereleases excluded (reported separately)"),
        "median_days_between": "median gap between consecutive counted releases inside the window",
        "days_since_last": "as_of minus the date of the last counted release over all history",
        "tag_fallback": (
            "when there is no non-draft GitHub release up to as_of, git tags are used instead, dated by the "
            "commit they point to; tags without a date are skipped; tags on one commit count once; tags "
            "with a pre-release suffix (-rc, -beta, -alpha, -pre, -preview, -dev) are prereleases"
            if params.fallback_to_tags
            else "off"
        ),
        "window_days": params.window_days,
        "count_prereleases": params.count_prereleases,
        "fallback_to_tags": params.fallback_to_tags,
    }


def caveats(value: Value) -> list[str]:
    notes: list[str] = []
    if value.source == "tags":
        notes.append(
            "The repository has no GitHub releases, so git tags were counted instead: a tag is not "
            "necessarily a release, and its date is the tagged commit's date, not a publication date."
        )
        if value.undated_tags:
            notes.append(f"{value.undated_tags} tags had no known commit date and were skipped.")
    elif value.releases_total == 0 and value.tags_total:
        notes.append(
            f"The repository has no GitHub releases but {value.tags_total} tags; falling back to tags "
            "is turned off, so none was counted."
        )
    if value.prereleases and value.releases == 0 and value.latest is None:
        notes.append(f"Only prereleases were found ({value.prereleases} in the window); they are not counted.")
    elif value.prereleases:
        notes.append(
            f"{value.prereleases} prerelease{' was' if value.prereleases == 1 else 's were'} published in the "
            "window; the definition says whether "
            "they are counted."
        )
    notes.append(
        "Only GitHub releases (or tags) are seen; versions published only to package registries or "
        "websites are not counted."
    )
    return notes

"""The plain records every source produces and every metric consumes.

Sources (GitHub REST, GitHub GraphQL, a local git history) turn their data into these frozen models;
metrics are pure functions over them. All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ActorType = Literal["User", "Bot", "Organization", "Mannequin", "Unknown"]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Actor(Record):
    """Someone who did something: a GitHub account, or a git author identity."""

    login: str | None = Field(None, description="GitHub login, when known")
    type: ActorType = "Unknown"
    name: str | None = None
    email: str | None = Field(None, description="Only ever used for identity merging, never output")


class Comment(Record):
    """A conversation comment on an issue or pull request, or an inline review comment."""

    item_number: int
    kind: Literal["issue_comment", "review_comment"]
    author: Actor | None
    created_at: datetime
    body: str = ""


class Review(Record):
    """A submitted pull request review (pending reviews have no submission time and are never records)."""

    item_number: int
    author: Actor | None
    submitted_at: datetime
    state: str = Field(description="APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED")
    body: str = ""


class Issue(Record):
    number: int
    author: Actor | None
    created_at: datetime
    closed_at: datetime | None = None
    title: str = ""


class ChangeRequest(Record):
    """A pull request."""

    number: int
    author: Actor | None
    created_at: datetime
    closed_at: datetime | None = None
    merged_at: datetime | None = None
    draft: bool = False
    title: str = ""


class Release(Record):
    tag: str
    name: str = ""
    created_at: datetime | None = None
    published_at: datetime | None = None
    draft: bool = False
    prerelease: bool = False
    asset_names: tuple[str, ...] = ()
    has_notes: bool | None = Field(None, description="Whether the release has a non-empty description")


class Tag(Record):
    name: str
    sha: str | None = None
    date: datetime | None = Field(None, description="The date of the commit the tag points to")


class Commit(Record):
    sha: str
    author: Actor
    authored_at: datetime
    committer: Actor | None = None
    committed_at: datetime | None = None
    parents: int = 1
    co_authors: tuple[Actor, ...] = ()
    message: str = ""


class RepositoryInfo(Record):
    """The facts about a repository that an assistant most often gets wrong."""

    full_name: str
    owner_login: str
    owner_type: ActorType
    description: str | None = None
    homepage: str | None = None
    license_spdx: str | None = None
    default_branch: str | None = None
    created_at: datetime | None = None
    pushed_at: datetime | None = None
    archived: bool = False
    fork: bool = False
    parent_full_name: str | None = None
    stars: int = 0
    forks: int = 0
    watchers: int = 0
    open_issues: int = 0
    topics: tuple[str, ...] = ()
    private: bool = False
    html_url: str | None = None

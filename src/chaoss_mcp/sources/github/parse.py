"""GitHub JSON (REST and GraphQL) -> plain records. Pure functions; no field is read that GitHub
does not document (the contract tests check these names against GitHub's OpenAPI description)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from dateutil.parser import isoparse

from chaoss_mcp.errors import UnavailableError
from chaoss_mcp.records import (
    Actor,
    ActorType,
    ChangeRequest,
    Comment,
    Commit,
    Issue,
    Release,
    RepositoryInfo,
    Review,
    Tag,
)

_TYPES: dict[str, ActorType] = {
    "User": "User",
    "Bot": "Bot",
    "Organization": "Organization",
    "Mannequin": "Mannequin",
    "EnterpriseUserAccount": "User",
}
_NUMBER_IN_URL = re.compile(r"/(?:issues|pulls)/(\d+)$")
_CO_AUTHOR = re.compile(r"^co-authored-by:\s*(.+?)\s*<([^<>]*)>\s*$", re.IGNORECASE | re.MULTILINE)


def when(value: Any) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        moment = isoparse(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _required_when(value: Any, what: str) -> datetime:
    moment = when(value)
    if moment is None:
        raise UnavailableError(f"GitHub sent {what} without a valid timestamp.")
    return moment


def actor(user: Any) -> Actor | None:
    """A REST ``user`` object (``login``, ``type``), or a GraphQL ``author`` (``login``, ``__typename``)."""
    if not isinstance(user, Mapping):
        return None
    # Which API sent it, told by the keys present (GraphQL authors carry __typename): each API's object is
    # then read only for the fields that API documents.
    from_graphql = "__typename" in user.keys()  # noqa: SIM118 - asks which keys exist; reads no field
    login = user.get("login")
    kind = user.get("__typename") if from_graphql else user.get("type")
    actor_type = _TYPES.get(str(kind), "Unknown") if kind else "Unknown"
    if isinstance(login, str) and actor_type == "Bot" and from_graphql and not login.endswith("[bot]"):
        # GraphQL reports app bots without the [bot] suffix that REST uses; keep one spelling.
        login = f"{login}[bot]"
    return Actor(login=login if isinstance(login, str) else None, type=actor_type)


def repository(data: Any) -> RepositoryInfo:
    if not isinstance(data, Mapping) or not isinstance(data.get("full_name"), str):
        raise UnavailableError("GitHub sent a repository answer without a full_name.")
    owner = data.get("owner") or {}
    license_info = data.get("license") or {}
    parent = data.get("parent") or {}
    spdx = license_info.get("spdx_id") if isinstance(license_info, Mapping) else None
    return RepositoryInfo(
        full_name=data["full_name"],
        owner_login=str(owner.get("login", data["full_name"].split("/")[0])),
        owner_type=_TYPES.get(str(owner.get("type")), "Unknown"),
        description=data.get("description"),
        homepage=data.get("homepage") or None,
        license_spdx=spdx if spdx and spdx != "NOASSERTION" else None,
        default_branch=data.get("default_branch"),
        created_at=when(data.get("created_at")),
        pushed_at=when(data.get("pushed_at")),
        archived=bool(data.get("archived", False)),
        fork=bool(data.get("fork", False)),
        parent_full_name=parent.get("full_name") if isinstance(parent, Mapping) else None,
        stars=int(data.get("stargazers_count") or 0),
        forks=int(data.get("forks_count") or 0),
        watchers=int(data.get("subscribers_count") or data.get("watchers_count") or 0),
        open_issues=int(data.get("open_issues_count") or 0),
        topics=tuple(str(t) for t in data.get("topics") or ()),
        private=bool(data.get("private", False)),
        html_url=data.get("html_url"),
    )


def issue_or_pull(data: Mapping[str, Any]) -> Issue | ChangeRequest:
    """An item of ``/repos/{o}/{r}/issues``: pull requests carry a ``pull_request`` key."""
    number = int(data["number"])
    author = actor(data.get("user"))
    created = _required_when(data.get("created_at"), f"item #{number}")
    closed = when(data.get("closed_at"))
    title = str(data.get("title") or "")
    pull = data.get("pull_request")
    if isinstance(pull, Mapping):
        return ChangeRequest(
            number=number,
            author=author,
            created_at=created,
            closed_at=closed,
            merged_at=when(pull.get("merged_at")),
            draft=bool(data.get("draft", False)),
            title=title,
        )
    return Issue(number=number, author=author, created_at=created, closed_at=closed, title=title)


def pull(data: Mapping[str, Any]) -> ChangeRequest:
    """An item of ``/repos/{o}/{r}/pulls``."""
    number = int(data["number"])
    return ChangeRequest(
        number=number,
        author=actor(data.get("user")),
        created_at=_required_when(data.get("created_at"), f"pull request #{number}"),
        closed_at=when(data.get("closed_at")),
        merged_at=when(data.get("merged_at")),
        draft=bool(data.get("draft", False)),
        title=str(data.get("title") or ""),
    )


def _number_from(url: Any) -> int | None:
    if not isinstance(url, str):
        return None
    match = _NUMBER_IN_URL.search(url)
    return int(match.group(1)) if match else None


def comment(data: Mapping[str, Any], kind: str) -> Comment | None:
    """An issue comment (``issue_url``) or a review comment (``pull_request_url``)."""
    number = _number_from(data.get("issue_url") if kind == "issue_comment" else data.get("pull_request_url"))
    created = when(data.get("created_at"))
    if number is None or created is None:
        return None
    return Comment(
        item_number=number,
        kind="issue_comment" if kind == "issue_comment" else "review_comment",
        author=actor(data.get("user")),
        created_at=created,
        body=str(data.get("body") or ""),
    )


def review(data: Mapping[str, Any], number: int) -> Review | None:
    """A pull request review; pending reviews have no ``submitted_at`` and are skipped."""
    submitted = when(data.get("submitted_at"))
    state = str(data.get("state") or "").upper()
    if submitted is None or state == "PENDING":
        return None
    return Review(
        item_number=number,
        author=actor(data.get("user")),
        submitted_at=submitted,
        state=state,
        body=str(data.get("body") or ""),
    )


def release(data: Mapping[str, Any]) -> Release:
    return Release(
        tag=str(data.get("tag_name") or ""),
        name=str(data.get("name") or ""),
        created_at=when(data.get("created_at")),
        published_at=when(data.get("published_at")),
        draft=bool(data.get("draft", False)),
        prerelease=bool(data.get("prerelease", False)),
        asset_names=tuple(str(a.get("name")) for a in data.get("assets") or () if isinstance(a, Mapping)),
        has_notes=bool(str(data.get("body") or "").strip()),
    )


def tag(data: Mapping[str, Any], date: datetime | None = None) -> Tag:
    target = data.get("commit") or {}
    return Tag(
        name=str(data.get("name") or ""), sha=target.get("sha") if isinstance(target, Mapping) else None, date=date
    )


def co_authors(message: str) -> tuple[Actor, ...]:
    return tuple(Actor(name=name.strip(), email=email.strip() or None) for name, email in _CO_AUTHOR.findall(message))


def commit(data: Mapping[str, Any]) -> Commit:
    """An item of ``/repos/{o}/{r}/commits``: git identity plus the linked GitHub account, if any."""
    inner = data.get("commit") or {}
    git_author = inner.get("author") or {}
    git_committer = inner.get("committer") or {}
    linked = actor(data.get("author"))
    message = str(inner.get("message") or "")
    author = Actor(
        login=linked.login if linked else None,
        type=linked.type if linked else "Unknown",
        name=git_author.get("name"),
        email=git_author.get("email"),
    )
    linked_committer = actor(data.get("committer"))
    committer = Actor(
        login=linked_committer.login if linked_committer else None,
        type=linked_committer.type if linked_committer else "Unknown",
        name=git_committer.get("name"),
        email=git_committer.get("email"),
    )
    return Commit(
        sha=str(data.get("sha")),
        author=author,
        authored_at=_required_when(git_author.get("date"), "a commit"),
        committer=committer,
        committed_at=when(git_committer.get("date")),
        parents=len(data.get("parents") or ()),
        co_authors=co_authors(message),
        message=message,
    )

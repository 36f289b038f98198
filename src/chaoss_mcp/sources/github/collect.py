"""Collecting the data families metrics need from GitHub, each fetched once per call, in a budget.

Families: the repository, activity (issues, pull requests, their first responses), comments (full
text, for tone), releases, tags, commits, user profiles (company), and the file snapshot. With a token,
activity comes from GraphQL in bulk (100 items a page with their first comments and reviews); without
one, from repository-wide REST listings plus per-PR review listings for PRs created in the window.

A family that runs out of budget keeps what it has and records a note; the metric is computed on what
was collected and the result says it is incomplete.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

import anyio

from chaoss_mcp.budget import Call
from chaoss_mcp.errors import (
    AccessDeniedError,
    BadInputError,
    BudgetExhaustedError,
    EmptyRepositoryError,
    NotFoundError,
    RateLimitedError,
)
from chaoss_mcp.records import (
    ChangeRequest,
    Comment,
    Commit,
    Issue,
    Release,
    RepositoryInfo,
    Review,
    Tag,
)
from chaoss_mcp.sources.github import parse
from chaoss_mcp.sources.github.client import GitHubClient
from chaoss_mcp.sources.github.names import RepoName

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

PER_ITEM_CONCURRENCY = 4  # per-item REST requests in flight at once (GitHub asks clients not to flood it)
QUOTA_RESERVE = 10  # without a token, per-item requests stop this far from the hourly quota's end
REST_TAG_DATES = 10  # without a token, tags older than the window are dated one commit request each, this many

FIRST_RESPONSES = 20  # first comments and reviews fetched per item in GraphQL; enough to find a reply

ISSUES_QUERY = """
query Issues($owner: String!, $name: String!, $since: DateTime, $cursor: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $cursor, orderBy: {field: CREATED_AT, direction: DESC}, filterBy: {since: $since}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        title
        createdAt
        closedAt
        author { __typename login }
        comments(first: 20) { nodes { createdAt author { __typename login } } }
      }
    }
  }
}
"""

PULLS_QUERY = """
query PullRequests($owner: String!, $name: String!, $states: [PullRequestState!], $cursor: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    pullRequests(first: 100, after: $cursor, states: $states, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        title
        createdAt
        updatedAt
        closedAt
        mergedAt
        isDraft
        author { __typename login }
        comments(first: 20) { nodes { createdAt author { __typename login } } }
        reviews(first: 20) { nodes { submittedAt state author { __typename login } } }
      }
    }
  }
}
"""

TAGS_QUERY = """
query Tags($owner: String!, $name: String!, $cursor: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    refs(refPrefix: "refs/tags/", first: 100, after: $cursor) {
      pageInfo { hasNextPage endCursor }
      nodes {
        name
        target {
          __typename
          oid
          ... on Commit { committedDate }
          ... on Tag { target { __typename oid ... on Commit { committedDate } } }
        }
      }
    }
  }
}
"""

MERGED_QUERY = """
query MergedPullRequests($owner: String!, $name: String!) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    pullRequests(first: 30, states: [MERGED], orderBy: {field: UPDATED_AT, direction: DESC}) {
      nodes {
        number
        author { __typename login }
        mergedBy { __typename login }
        reviews(first: 20, states: [APPROVED]) { nodes { author { __typename login } } }
      }
    }
  }
}
"""

QUERIES = {"issues": ISSUES_QUERY, "pull_requests": PULLS_QUERY, "tags": TAGS_QUERY, "merged": MERGED_QUERY}


@dataclass
class Activity:
    issues: list[Issue] = field(default_factory=list)
    change_requests: list[ChangeRequest] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    path: str = "rest"


class GitHubCollector:
    """Fetches each family at most once per tool call and remembers it for the other metrics."""

    def __init__(self, client: GitHubClient, repo: RepoName, call: Call) -> None:
        self.client = client
        self.repo = repo
        self.call = call
        self.notes: list[str] = []
        self.caveats: list[str] = []
        self.complete = True
        self.empty = False
        self.used: list[str] = []  # data families asked for, in order (memo hits too)
        self.cut: dict[str, list[str]] = {}  # family -> the notes of what its collection left out
        self._memo: dict[str, Any] = {}
        self._base = f"/repos/{repo.owner}/{repo.name}"

    def _cut(self, family: str, exc: Exception) -> None:
        self.complete = False
        self.notes.append(f"{family}: collection stopped early ({exc}).")

    async def _once(self, key: str, fetch: Callable[[], Awaitable[T]]) -> T:
        self.used.append(key)
        if key not in self._memo:
            before = len(self.notes)
            self._memo[key] = await fetch()
            if len(self.notes) > before:
                self.cut[key] = self.notes[before:]
        return self._memo[key]  # type: ignore[no-any-return]

    # -- repository -----------------------------------------------------------------------------
    async def repository(self) -> RepositoryInfo:
        async def fetch() -> RepositoryInfo:
            response = await self.client.get(self._base, call=self.call, what=f"repository {self.repo}")
            info = parse.repository(response.data)
            owner, _, name = info.full_name.partition("/")
            if info.full_name.lower() != self.repo.full_name.lower():
                # Renamed: later requests use the canonical name (no redirect round trips).
                self._base = f"/repos/{owner}/{name}"
            return info

        return await self._once("repository", fetch)

    # -- activity: issues, pull requests and first responses --------------------------------------
    async def activity(self, since: datetime) -> Activity:
        await self.repository()
        if self.client.has_token:
            return await self._once("activity", lambda: self._activity_graphql(since))
        return await self._once("activity", lambda: self._activity_rest(since))

    async def _activity_rest(self, since: datetime) -> Activity:
        out = Activity(path="rest")
        iso = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        seen: set[int] = set()
        try:
            # Everything updated since the window start, then open items that were not updated.
            for params in ({"state": "all", "since": iso}, {"state": "open"}):
                async for page in self.client.paginate(
                    f"{self._base}/issues", params, call=self.call, what=f"issues of {self.repo}"
                ):
                    for raw in page:
                        number = int(raw["number"])
                        if number in seen:
                            continue
                        seen.add(number)
                        item = parse.issue_or_pull(raw)
                        if isinstance(item, ChangeRequest):
                            out.change_requests.append(item)
                        else:
                            out.issues.append(item)
            for endpoint, kind in (("issues/comments", "issue_comment"), ("pulls/comments", "review_comment")):
                async for page in self.client.paginate(
                    f"{self._base}/{endpoint}",
                    {"since": iso},
                    call=self.call,
                    what=f"{kind.replace('_', ' ')}s of {self.repo}",
                ):
                    out.comments.extend(c for c in (parse.comment(raw, kind) for raw in page) if c is not None)
            wanted = [pr.number for pr in out.change_requests if pr.created_at >= since]
            numbers = wanted[: self.affordable(len(wanted))]
            if len(numbers) < len(wanted):
                self.complete = False
                self.notes.append(
                    f"reviews: read for {len(numbers)} of the window's {len(wanted)} pull requests; the others "
                    "would use up the hourly quota GitHub allows without a token. Set GITHUB_TOKEN to read them all."
                )
            found, error = await self.each(numbers, self._reviews_of)
            for index in sorted(found):
                out.reviews.extend(found[index])
            if error is not None:
                raise error
        except (BudgetExhaustedError, RateLimitedError) as exc:
            self._cut("issues, pull requests and responses", exc)
        return out

    async def _reviews_of(self, number: int) -> list[Review]:
        out: list[Review] = []
        async for page in self.client.paginate(
            f"{self._base}/pulls/{number}/reviews", call=self.call, what=f"reviews of #{number}"
        ):
            out.extend(r for r in (parse.review(raw, number) for raw in page) if r is not None)
        return out

    def affordable(self, wanted: int) -> int:
        """How many of ``wanted`` per-item requests fit: all with a token; without one, the hourly quota
        left (as GitHub last reported it to this process, whichever call asked) minus a reserve for the
        families still to read."""
        state = self.client.rate_limits.get("core")
        if self.client.has_token or state is None or state.reset <= datetime.now(UTC):
            return wanted
        return max(0, min(wanted, state.remaining - QUOTA_RESERVE))

    async def each(self, items: list[T], fetch: Callable[[T], Awaitable[R]]) -> tuple[dict[int, R], Exception | None]:
        """``fetch`` for every item, a few at once: the results by item index (an index is missing where its
        fetch failed or did not start), and the first error (after which no new item starts)."""
        results: dict[int, R] = {}
        errors: list[Exception] = []
        limiter = anyio.CapacityLimiter(PER_ITEM_CONCURRENCY)

        async def one(index: int, item: T) -> None:
            async with limiter:
                if errors:
                    return
                try:
                    results[index] = await fetch(item)
                except Exception as exc:  # re-raised by the caller once every started fetch is done
                    errors.append(exc)

        async with anyio.create_task_group() as group:
            for index, item in enumerate(items):
                group.start_soon(one, index, item)
        return results, errors[0] if errors else None

    async def graphql(self, query: str, variables: dict[str, Any], what: str) -> dict[str, Any]:
        """One GraphQL query; an answer that came with errors (partial data) leaves the collection incomplete."""
        before = len(self.call.stats.notes)
        data = await self.client.graphql(query, variables, call=self.call, what=what)
        for note in self.call.stats.notes[before:]:
            self.complete = False
            if note not in self.notes:
                self.notes.append(note)
        return data

    async def _graphql_pages(self, query: str, variables: dict[str, Any], what: str) -> AsyncIterator[dict[str, Any]]:
        """Yield each page's connection object, following ``pageInfo.endCursor``."""
        cursor: str | None = None
        path = "issues" if query is ISSUES_QUERY else "pullRequests" if query is PULLS_QUERY else "refs"
        while True:
            data = await self.graphql(query, {**variables, "cursor": cursor}, what)
            repository = data.get("repository")
            if not isinstance(repository, dict):
                raise NotFoundError(f"Repository {self.repo} was not found, or the token cannot see it.")
            connection = repository.get(path) or {}
            self.call.pages += 1
            self.call.items += len(connection.get("nodes") or ())
            await self.call.report(f"{what}: {self.call.pages} pages, {self.call.items} items")
            yield connection
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage") or not info.get("endCursor") or info.get("endCursor") == cursor:
                return
            cursor = info["endCursor"]

    async def _activity_graphql(self, since: datetime) -> Activity:
        out = Activity(path="graphql")
        owner, _, name = (await self.repository()).full_name.partition("/")
        base = {"owner": owner, "name": name}
        iso = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        seen: set[int] = set()
        try:
            async for conn in self._graphql_pages(ISSUES_QUERY, {**base, "since": iso}, f"issues of {self.repo}"):
                for node in conn.get("nodes") or ():
                    self._graphql_item(node, out, pull=False)
            for states in (None, ["OPEN"]):
                async for conn in self._graphql_pages(
                    PULLS_QUERY, {**base, "states": states}, f"pull requests of {self.repo}"
                ):
                    older = False
                    for node in conn.get("nodes") or ():
                        updated = parse.when(node.get("updatedAt"))
                        if states is None and updated is not None and updated < since:
                            older = True  # sorted by update time: the rest are older still
                            break
                        if int(node["number"]) not in seen:
                            seen.add(int(node["number"]))
                            self._graphql_item(node, out, pull=True)
                    if older:
                        break
        except BudgetExhaustedError as exc:
            self._cut("issues, pull requests and responses", exc)
        return out

    @staticmethod
    def _graphql_item(node: dict[str, Any], out: Activity, *, pull: bool) -> None:
        number = int(node["number"])
        author = parse.actor(node.get("author"))
        created = parse.when(node.get("createdAt"))
        if created is None:
            return
        if pull:
            out.change_requests.append(
                ChangeRequest(
                    number=number,
                    author=author,
                    created_at=created,
                    closed_at=parse.when(node.get("closedAt")),
                    merged_at=parse.when(node.get("mergedAt")),
                    draft=bool(node.get("isDraft")),
                    title=str(node.get("title") or ""),
                )
            )
        else:
            out.issues.append(
                Issue(
                    number=number,
                    author=author,
                    created_at=created,
                    closed_at=parse.when(node.get("closedAt")),
                    title=str(node.get("title") or ""),
                )
            )
        for c in (node.get("comments") or {}).get("nodes") or ():
            moment = parse.when(c.get("createdAt"))
            if moment is not None:
                out.comments.append(
                    Comment(
                        item_number=number, kind="issue_comment", author=parse.actor(c.get("author")), created_at=moment
                    )
                )
        for r in ((node.get("reviews") or {}).get("nodes") or ()) if pull else ():
            moment = parse.when(r.get("submittedAt"))
            state = str(r.get("state") or "")
            if moment is not None and state != "PENDING":
                out.reviews.append(
                    Review(item_number=number, author=parse.actor(r.get("author")), submitted_at=moment, state=state)
                )

    # -- full comment text (discussion tone) ------------------------------------------------------
    async def comments(self, since: datetime) -> list[Comment]:
        async def fetch() -> list[Comment]:
            await self.repository()
            out: list[Comment] = []
            iso = since.strftime("%Y-%m-%dT%H:%M:%SZ")
            try:
                for endpoint, kind in (("issues/comments", "issue_comment"), ("pulls/comments", "review_comment")):
                    async for page in self.client.paginate(
                        f"{self._base}/{endpoint}", {"since": iso}, call=self.call, what=f"comments of {self.repo}"
                    ):
                        out.extend(c for c in (parse.comment(raw, kind) for raw in page) if c is not None)
            except BudgetExhaustedError as exc:
                self._cut("comments", exc)
            return out

        return await self._once("comments", fetch)

    # -- releases and tags ------------------------------------------------------------------------
    async def releases(self, since: datetime) -> list[Release]:
        """Releases newest first, until one older than ``since`` has been seen (it dates the gap)."""

        async def fetch() -> list[Release]:
            await self.repository()
            out: list[Release] = []
            try:
                async for page in self.client.paginate(
                    f"{self._base}/releases", call=self.call, what=f"releases of {self.repo}"
                ):
                    batch = [parse.release(raw) for raw in page]
                    out.extend(batch)
                    dates = [r.published_at or r.created_at for r in batch if not r.draft]
                    if any(d is not None and d < since for d in dates):
                        break
            except BudgetExhaustedError as exc:
                self._cut("releases", exc)
            return out

        return await self._once("releases", fetch)

    async def tags(self, commits: list[Commit] | None = None) -> list[Tag]:
        """Tags dated by their commit: GraphQL peels them in bulk; REST dates those whose commit we hold."""

        async def fetch() -> list[Tag]:
            info = await self.repository()
            out: list[Tag] = []
            try:
                if self.client.has_token:
                    owner, _, name = info.full_name.partition("/")
                    async for conn in self._graphql_pages(
                        TAGS_QUERY, {"owner": owner, "name": name}, f"tags of {self.repo}"
                    ):
                        for node in conn.get("nodes") or ():
                            target = node.get("target") or {}
                            if target.get("__typename") == "Tag":
                                target = target.get("target") or {}
                            out.append(
                                Tag(
                                    name=str(node.get("name")),
                                    sha=target.get("oid"),
                                    date=parse.when(target.get("committedDate")),
                                )
                            )
                else:
                    dated = {c.sha: c.committed_at or c.authored_at for c in commits or ()}
                    async for page in self.client.paginate(
                        f"{self._base}/tags", call=self.call, what=f"tags of {self.repo}"
                    ):
                        for raw in page:
                            tag = parse.tag(raw)
                            out.append(tag.model_copy(update={"date": dated.get(tag.sha or "")}))
                    out = await self._date_tags(out)
            except (BudgetExhaustedError, RateLimitedError) as exc:
                self._cut("tags", exc)
            return out

        return await self._once("tags", fetch)

    async def _date_tags(self, tags: list[Tag]) -> list[Tag]:
        """Date tags whose commit is not among the window's commits, one commit request each, for the first
        few in GitHub's listing (newest names first): enough to date the last release before the window."""
        undated = list(dict.fromkeys(t.sha for t in tags if t.date is None and t.sha))
        shas = undated[: self.affordable(min(len(undated), REST_TAG_DATES))]
        found, error = await self.each(shas, self._commit_date)
        dates = {shas[index]: moment for index, moment in found.items()}
        left = sum(1 for t in tags if t.date is None and dates.get(t.sha or "") is None)
        if left:
            self.caveats.append(
                f"{left} tag(s) outside the window's commits were left undated (without a token each costs "
                "a request); with GITHUB_TOKEN every tag is dated."
            )
        out = [t if t.date is not None else t.model_copy(update={"date": dates.get(t.sha or "")}) for t in tags]
        if error is not None:
            self._cut("tags", error)
        return out

    async def _commit_date(self, sha: str) -> datetime | None:
        try:
            response = await self.client.get(f"{self._base}/commits/{sha}", call=self.call, what=f"commit {sha[:12]}")
        except (NotFoundError, BadInputError):
            return None  # 404/422 "No commit found for SHA": a tag GitHub cannot date stays undated
        commit = parse.commit(response.data) if isinstance(response.data, dict) else None
        return (commit.committed_at or commit.authored_at) if commit is not None else None

    # -- commits ----------------------------------------------------------------------------------
    async def commits(self, since: datetime, until: datetime) -> list[Commit]:
        async def fetch() -> list[Commit]:
            info = await self.repository()
            out: list[Commit] = []
            params: dict[str, str | int] = {
                "since": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "until": until.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            if info.default_branch:
                params["sha"] = info.default_branch
            try:
                async for page in self.client.paginate(
                    f"{self._base}/commits", params, call=self.call, what=f"commits of {self.repo}"
                ):
                    out.extend(parse.commit(raw) for raw in page)
            except BudgetExhaustedError as exc:
                self._cut("commits", exc)
            except EmptyRepositoryError:
                # Nothing to count, which the metrics report as inconclusive.
                self.empty = True
            return out

        return await self._once(f"commits:{since.isoformat()}:{until.isoformat()}", fetch)

    async def companies(self, logins: list[str], limit: int) -> dict[str, str]:
        """Profile ``company`` of up to ``limit`` logins (the most active first); cached per user."""
        out: dict[str, str] = {}
        try:
            for login in logins[:limit]:
                if login.endswith("[bot]"):
                    continue
                try:
                    response = await self.client.get(f"/users/{login}", call=self.call, what=f"user {login}")
                except NotFoundError:
                    continue
                company = response.data.get("company") if isinstance(response.data, dict) else None
                if isinstance(company, str) and company.strip():
                    out[login] = company.strip()
        except BudgetExhaustedError as exc:
            self._cut("contributor profiles", exc)
        if len(logins) > limit:
            self.caveats.append(
                f"Profile companies were read for the {limit} most active of {len(logins)} accounts; "
                "the others are affiliated by email domain only."
            )
        return out


RECENT_MERGED_PRS = 30  # as Scorecard's Code-Review: the last ~30 merged changes (MERGED_QUERY's first: 30)
MAINTAINER_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


async def read_snapshot(
    collector: GitHubCollector, *, as_of: datetime, recent_days: int, recent_releases: int
) -> SnapshotData:
    """The repository's files at the default branch's HEAD and the settings the checks look at.

    One recursive tree request lists every path (100,000 entries fit); only the files the checks
    need are read. Everything else is one or two listings each.
    """
    from chaoss_mcp.checks.snapshot import MAX_FILE_BYTES, files_to_read

    client, call = collector.client, collector.call
    info = await collector.repository()
    base = collector._base
    branch = info.default_branch or "HEAD"
    out = SnapshotData(info=info)
    if (await collector.commits(as_of - timedelta(days=recent_days), as_of)) == [] and collector.empty:
        out.empty = True
        return out
    tree = await client.get(
        f"{base}/git/trees/{quote(branch, safe='')}", {"recursive": 1}, call=call, what=f"file list of {collector.repo}"
    )
    entries = tree.data.get("tree", []) if isinstance(tree.data, dict) else []
    out.paths = [e["path"] for e in entries if isinstance(e, dict) and e.get("type") == "blob" and "path" in e]
    sizes = {e["path"]: int(e.get("size") or 0) for e in entries if isinstance(e, dict) and e.get("type") == "blob"}
    out.truncated = bool(tree.data.get("truncated")) if isinstance(tree.data, dict) else False
    try:
        for path in files_to_read(out.paths):
            if sizes.get(path, 0) > MAX_FILE_BYTES:
                out.oversized.append(path)
                continue
            response = await client.get(
                f"{base}/contents/{quote(path)}", {"ref": branch}, call=call, what=f"file {path}"
            )
            data = response.data if isinstance(response.data, dict) else {}
            if data.get("encoding") == "base64" and isinstance(data.get("content"), str):
                raw = base64.b64decode(data["content"])
                out.files[path] = raw.decode("utf-8", errors="replace")
        since = as_of - timedelta(days=recent_days)
        out.commits_recent = len(await collector.commits(since, as_of))
        # Scorecard's Maintained counts issues (not pull requests) with maintainer activity in the window:
        # opened by a maintainer or commented on by one. An issue opened in the window is answered when
        # someone other than its author, and not a bot, has commented.
        iso = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        maintained: set[int] = set()
        commenters: dict[int, set[str]] = {}
        async for page in client.paginate(
            f"{base}/issues/comments", {"since": iso}, call=call, what=f"comments of {collector.repo}"
        ):
            for raw in page:
                comment = parse.comment(raw, "issue_comment")
                if comment is None or not since <= comment.created_at <= as_of:
                    continue
                if raw.get("author_association") in MAINTAINER_ASSOCIATIONS:
                    maintained.add(comment.item_number)
                if comment.author is not None and comment.author.type != "Bot":  # a bot's greeting is no answer
                    commenters.setdefault(comment.item_number, set()).add(comment.author.login or "")
        issues: set[int] = set()
        opened: dict[int, str] = {}
        async for page in client.paginate(
            f"{base}/issues", {"state": "all", "since": iso}, call=call, what=f"issues of {collector.repo}"
        ):
            for raw in page:
                if "pull_request" in raw:
                    continue
                number = int(raw["number"])
                issues.add(number)
                created = parse.when(raw.get("created_at"))
                if created is None or not since <= created <= as_of:
                    continue
                author = parse.actor(raw.get("user"))
                opened[number] = (author.login or "") if author else ""
                if raw.get("author_association") in MAINTAINER_ASSOCIATIONS:
                    maintained.add(number)
        out.issue_activity_recent = len(maintained & issues)
        answered = sum(1 for n, author in opened.items() if commenters.get(n, set()) - {author})
        out.issues_answered_share = answered / len(opened) if opened else None
        out.merged = await _recent_merged(collector)
        out.releases = (await collector.releases(as_of - timedelta(days=3650)))[: max(recent_releases, 1) * 2]
        out.protection, out.protection_reason, out.protection_from_rulesets = await _branch_protection(
            collector, branch
        )
        if client.settings.enterprise_server:
            collector.caveats.append(
                "GitHub Enterprise Server has no community profile or private vulnerability reporting API: "
                "the checks that would use them are judged from the repository's files alone."
            )
        else:
            profile = await _optional(collector, f"{base}/community/profile", "community profile")
            if isinstance(profile, dict) and isinstance(profile.get("health_percentage"), int):
                out.health = profile["health_percentage"]
            pvr = await _optional(collector, f"{base}/private-vulnerability-reporting", "vulnerability reporting")
            if isinstance(pvr, dict) and isinstance(pvr.get("enabled"), bool):
                out.private_reporting = pvr["enabled"]
    except (BudgetExhaustedError, RateLimitedError) as exc:
        collector._cut("repository files and settings", exc)
    return out


async def _optional(collector: GitHubCollector, path: str, what: str) -> Any:
    """A resource that may be unreadable with this token (404/403): None instead of an error."""
    try:
        return (await collector.client.get(path, call=collector.call, what=what)).data
    except (NotFoundError, AccessDeniedError):
        return None


async def _recent_merged(collector: GitHubCollector) -> list[dict[str, Any]]:
    """The last merged pull requests with their author, who merged them and who approved them.

    With a token, one GraphQL query. Without one, the closed-pulls listing (which carries no merger) and
    one reviews listing per pull request, as many as the hourly quota allows.
    """
    if collector.client.has_token:
        return await _recent_merged_graphql(collector)
    client, call, base = collector.client, collector.call, collector._base
    merged: list[dict[str, Any]] = []
    async for page in client.paginate(
        f"{base}/pulls",
        {"state": "closed", "sort": "updated", "direction": "desc"},
        call=call,
        what=f"closed pull requests of {collector.repo}",
    ):
        merged.extend(p for p in page if isinstance(p, dict) and p.get("merged_at"))
        if len(merged) >= RECENT_MERGED_PRS:
            break
    merged = merged[:RECENT_MERGED_PRS]
    affordable = collector.affordable(len(merged))
    if affordable < len(merged):
        collector.complete = False
        collector.notes.append(
            f"code review: approvals read for {affordable} of the last {len(merged)} merged pull requests; the "
            "others would use up the hourly quota GitHub allows without a token. Set GITHUB_TOKEN to read them all."
        )
        merged = merged[:affordable]
    if merged:
        collector.caveats.append(
            "Who merged each pull request is not in GitHub's REST listing, so merging someone else's change "
            "does not count as a review here (with GITHUB_TOKEN it does)."
        )
    found, error = await collector.each([int(pr["number"]) for pr in merged], collector._reviews_of)
    if error is not None:
        raise error
    out: list[dict[str, Any]] = []
    for index, pr in enumerate(merged):
        author = parse.actor(pr.get("user"))
        reviews = found.get(index, [])
        approvers = [r.author.login for r in reviews if r.state == "APPROVED" and r.author and r.author.login]
        out.append(
            {
                "number": int(pr["number"]),
                "author": author.login if author else None,
                "author_is_bot": bool(author and author.type == "Bot"),
                "merged_by": None,
                "approvers": tuple(dict.fromkeys(approvers)),
            }
        )
    return out


async def _recent_merged_graphql(collector: GitHubCollector) -> list[dict[str, Any]]:
    owner, _, name = (await collector.repository()).full_name.partition("/")
    data = await collector.graphql(
        MERGED_QUERY, {"owner": owner, "name": name}, f"merged pull requests of {collector.repo}"
    )
    repository = data.get("repository")
    if not isinstance(repository, dict):
        raise NotFoundError(f"Repository {collector.repo} was not found, or the token cannot see it.")
    out: list[dict[str, Any]] = []
    for node in (repository.get("pullRequests") or {}).get("nodes") or ():
        author = parse.actor(node.get("author"))
        merger = parse.actor(node.get("mergedBy"))
        approvers = [
            who.login
            for who in (parse.actor(r.get("author")) for r in (node.get("reviews") or {}).get("nodes") or ())
            if who is not None and who.login
        ]
        out.append(
            {
                "number": int(node["number"]),
                "author": author.login if author else None,
                "author_is_bot": bool(author and author.type == "Bot"),
                "merged_by": merger.login if merger else None,
                "approvers": tuple(dict.fromkeys(approvers)),
            }
        )
    return out


async def _branch_protection(collector: GitHubCollector, branch: str) -> tuple[dict[str, Any] | None, str | None, bool]:
    """Classic protection settings (readable with admin rights), else the rulesets that apply to the branch
    (readable by anyone who can see the repository), else whether the branch is protected at all.
    Returns the settings, why there are none, and whether they came from rulesets (which say only what
    they require: classic protection, unreadable here, may require more)."""
    base, quoted = collector._base, quote(branch, safe="")
    data = await _optional(collector, f"{base}/branches/{quoted}/protection", "protection")
    if isinstance(data, dict) and data:
        return data, None, False
    rules = await _optional(collector, f"{base}/rules/branches/{quoted}", "branch rules")
    if isinstance(rules, list) and any(isinstance(r, dict) for r in rules):
        return _protection_from_rules([r for r in rules if isinstance(r, dict)]), None, True
    branch_info = await _optional(collector, f"{base}/branches/{quoted}", "branch")
    if isinstance(branch_info, dict) and branch_info.get("protected") is False:
        return {"protected": False}, None, False
    return (
        None,
        (
            "GitHub does not show branch protection settings to this token (reading them needs admin rights on "
            "the repository)."
        ),
        False,
    )


def _protection_from_rules(rules: list[dict[str, Any]]) -> dict[str, Any]:
    """Ruleset rules in the shape of classic protection settings; the strictest rule of each kind wins.
    Settings no rule mentions are left out (unknown), and who may bypass a ruleset is not shown, so
    ``enforce_admins`` stays unknown too."""
    kinds = {r.get("type") for r in rules}
    # Only what a rule requires is known: classic protection, unreadable here, may require more.
    out: dict[str, Any] = {}
    if "non_fast_forward" in kinds:
        out["allow_force_pushes"] = {"enabled": False}
    if "deletion" in kinds:
        out["allow_deletions"] = {"enabled": False}
    for rule in rules:
        parameters = rule.get("parameters")
        p = parameters if isinstance(parameters, dict) else {}
        if rule.get("type") == "pull_request":
            seen = out.setdefault(
                "required_pull_request_reviews",
                {
                    "required_approving_review_count": 0,
                    "require_code_owner_reviews": False,
                    "dismiss_stale_reviews": False,
                    "require_last_push_approval": False,
                },
            )
            seen["required_approving_review_count"] = max(
                seen["required_approving_review_count"], int(p.get("required_approving_review_count") or 0)
            )
            seen["require_code_owner_reviews"] |= bool(p.get("require_code_owner_review"))
            seen["dismiss_stale_reviews"] |= bool(p.get("dismiss_stale_reviews_on_push"))
            seen["require_last_push_approval"] |= bool(p.get("require_last_push_approval"))
        elif rule.get("type") == "required_status_checks":
            seen = out.setdefault("required_status_checks", {"strict": False, "contexts": []})
            seen["strict"] |= bool(p.get("strict_required_status_checks_policy"))
            listed = p.get("required_status_checks")
            for check in listed if isinstance(listed, list) else ():
                name = check.get("context") if isinstance(check, dict) else None
                if isinstance(name, str) and name not in seen["contexts"]:
                    seen["contexts"].append(name)
    return out


@dataclass
class SnapshotData:
    info: RepositoryInfo
    paths: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    oversized: list[str] = field(default_factory=list)
    truncated: bool = False
    empty: bool = False
    commits_recent: int | None = None
    issue_activity_recent: int | None = None
    issues_answered_share: float | None = None
    merged: list[dict[str, Any]] | None = None
    releases: list[Release] | None = None
    protection: dict[str, Any] | None = None
    protection_reason: str | None = None
    protection_from_rulesets: bool = False  # only what rulesets require is known; the rest may be unknown
    health: int | None = None
    private_reporting: bool | None = None

"""GraphQL endpoint of the fake: graphql-core over schema.graphql, a subset of GitHub's real schema.

Objects are served as dicts whose keys are GitHub's field names; fields that take arguments (connections)
are callables, which graphql-core's default resolver calls with the field arguments. Abstract types
(Actor, RepositoryOwner, GitObject, the timeline and search unions) resolve through ``__typename``.

GitHub rules reproduced: every connection needs ``first`` or ``last`` in 1..100; the query's cost is the
number of connection requests divided by 100 (rounded, minimum 1) and is deducted from the ``graphql``
quota; errors carry GitHub's top-level ``type`` (NOT_FOUND, RATE_LIMITED, EXCESSIVE_PAGINATION, ...).
Defaults where GitHub documents none: issues/pull requests/releases are in creation order unless
``orderBy`` is given; refs are alphabetical.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import graphql as gql
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    value_from_ast_untyped,
)

from .data import (
    Commit,
    FakeData,
    Issue,
    IssueComment,
    Release,
    Repository,
    Review,
    ReviewComment,
    fake_sha,
    iso,
    node_id,
    reachable,
    ts,
)
from .rest import search_issues

Json = Any
Node = dict[str, Any]
Charge = Callable[[int], tuple[bool, int, int, int, int]]  # cost -> (ok, limit, remaining, used, reset)
SCHEMA_PATH = Path(__file__).with_name("schema.graphql")
MAX_NODES = 500_000


def load_schema() -> GraphQLSchema:
    schema = gql.build_schema(SCHEMA_PATH.read_text())
    for t in schema.type_map.values():
        if isinstance(t, GraphQLInterfaceType | gql.GraphQLUnionType):
            t.resolve_type = _resolve_type
    return schema


def _resolve_type(value: Node, _info: Any, _type: Any) -> str:
    return str(value["__typename"])


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _uncursor(cursor: str | None, name: str) -> int | None:
    if cursor is None:
        return None
    try:
        prefix, _, num = base64.b64decode(cursor, validate=True).decode().rpartition(":")
        if prefix == "cursor:v2" and num.isdigit():
            return int(num)
    except (ValueError, UnicodeDecodeError):
        pass
    raise GraphQLError(
        f"`{cursor}` does not appear to be a valid cursor.", extensions={"type": "INVALID_CURSOR_ARGUMENTS"}
    )


def connection(items: list[Any], build: Callable[[Any], Node], args: dict[str, Any], **extra: Any) -> Node:
    """Relay pagination over a fully ordered list, with GitHub's cursor/pageInfo/totalCount fields."""
    start, end = 0, len(items)
    after = _uncursor(args.get("after"), "after")
    before = _uncursor(args.get("before"), "before")
    if after is not None:
        start = min(end, after + 1)
    if before is not None:
        end = max(start, min(end, before))
    first, last = args.get("first"), args.get("last")
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    window = list(enumerate(items))[start:end]
    nodes = [build(item) for _, item in window]
    edges = [{"cursor": _cursor(i), "node": n} for (i, _), n in zip(window, nodes, strict=True)]
    return {
        "totalCount": len(items),
        "nodes": nodes,
        "edges": edges,
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        **extra,
    }


def _order(
    items: list[Any], order: dict[str, str] | None, keys: dict[str, Callable[[Any], Any]], default: str
) -> list[Any]:
    field = (order or {}).get("field", default)
    desc = (order or {}).get("direction", "ASC") == "DESC"
    key = keys.get(field, keys[default])
    return sorted(items, key=key, reverse=desc)


def _pr_state(i: Issue) -> str:
    if i.merged_at is not None:
        return "MERGED"
    return "CLOSED" if i.state == "closed" else "OPEN"


class Resolvers:
    """Builds GitHub-shaped GraphQL objects from the fake's data."""

    def __init__(self, data: FakeData, api: str, html: str) -> None:
        self.data, self.api, self.html = data, api, html

    # ---- actors --------------------------------------------------------------------------------
    def actor(self, login: str | None) -> Node | None:
        if login is None:
            return None
        a = self.data.account(login)
        shown = a.login.removesuffix("[bot]") if a.type == "Bot" else a.login  # GraphQL drops [bot]
        path = f"/apps/{shown}" if a.type == "Bot" else f"/{a.login}"
        return {
            "__typename": a.type,
            "id": node_id(a.type, a.id),
            "databaseId": a.id,
            "login": shown,
            "name": a.name,
            "company": a.company,
            "email": a.email or "",
            "url": self.html + path,
            "resourcePath": path,
            "avatarUrl": lambda _info, size=None, i=a.id: f"https://avatars.githubusercontent.com/u/{i}?v=4",
        }

    def user(self, login: str | None) -> Node | None:
        """A ``User``-typed field (GitActor.user, Release.author): the login is kept as REST shows it."""
        node = self.actor(login)
        if node is None or login is None:
            return None
        return {**node, "__typename": "User", "login": self.data.account(login).login}

    # ---- repository ----------------------------------------------------------------------------
    def repository(self, r: Repository) -> Node:
        head = r.branches.get(r.default_branch)
        lic = r.license
        return {
            "__typename": "Repository",
            "id": node_id("Repository", r.id),
            "databaseId": r.id,
            "name": r.name,
            "nameWithOwner": r.full_name,
            "owner": self.actor(r.owner),
            "description": r.description,
            "homepageUrl": r.homepage,
            "url": f"{self.html}/{r.full_name}",
            "licenseInfo": None
            if lic is None
            else {
                "id": node_id("License", sum(map(ord, lic.key))),
                "key": lic.key,
                "name": lic.name,
                "spdxId": lic.spdx_id,
                "url": f"http://choosealicense.com/licenses/{lic.key}/",
            },
            "defaultBranchRef": None if head is None else self.ref(r, "refs/heads/", r.default_branch, head),
            "createdAt": iso(r.created_at),
            "pushedAt": iso(r.pushed_at),
            "updatedAt": iso(r.last_updated),
            "isArchived": r.archived,
            "isFork": r.fork,
            "isPrivate": r.private,
            "isEmpty": not r.commits,
            "parent": lambda _info: self._parent(r),
            "stargazerCount": r.stargazers_count,
            "forkCount": r.forks_count,
            "watchers": lambda _info, **a: {**connection([], dict, a), "totalCount": r.subscribers_count},
            "repositoryTopics": lambda _info, **a: connection(r.topics, lambda t: self.topic(r, t), a),
            "isSecurityPolicyEnabled": r.security_policy_enabled,
            "securityPolicyUrl": f"{self.html}/{r.full_name}/security/policy" if r.security_policy_enabled else None,
            "hasIssuesEnabled": r.has_issues,
            "issues": lambda _info, **a: self.issues(r, a),
            "pullRequests": lambda _info, **a: self.pull_requests(r, a),
            "releases": lambda _info, **a: self.releases(r, a),
            "refs": lambda _info, **a: self.refs(r, a),
            "ref": lambda _info, qualifiedName: self.qualified_ref(r, qualifiedName),
        }

    def _parent(self, r: Repository) -> Node | None:
        parent = self.data.repos.get((r.parent or "").lower())
        return self.repository(parent) if parent else None

    def topic(self, r: Repository, name: str) -> Node:
        tid = sum(map(ord, name))
        return {
            "id": node_id("RepositoryTopic", tid),
            "url": f"{self.html}/topics/{name}",
            "topic": {"id": node_id("Topic", tid), "name": name},
        }

    # ---- issues and pull requests --------------------------------------------------------------
    def issues(self, r: Repository, a: dict[str, Any]) -> Node:
        items = [i for i in r.issues.values() if not i.is_pull]
        filters = a.get("filterBy") or {}
        states = a.get("states") or filters.get("states")
        if states:
            items = [i for i in items if i.state.upper() in states]
        if since := filters.get("since"):
            items = [i for i in items if i.updated_at >= ts(since)]
        if created_by := filters.get("createdBy"):
            items = [i for i in items if (i.author or "").lower() == created_by.lower()]
        if labels := (a.get("labels") or filters.get("labels")):
            items = [i for i in items if set(labels) & set(i.labels)]
        items = self._order_issues(r, items, a.get("orderBy"))
        return connection(items, lambda i: self.issue(r, i), a)

    def pull_requests(self, r: Repository, a: dict[str, Any]) -> Node:
        items = [i for i in r.issues.values() if i.is_pull]
        if states := a.get("states"):
            items = [p for p in items if _pr_state(p) in states]
        if head := a.get("headRefName"):
            items = [p for p in items if p.head_ref == head]
        if base := a.get("baseRefName"):
            items = [p for p in items if p.base_ref == base]
        if labels := a.get("labels"):
            items = [p for p in items if set(labels) & set(p.labels)]
        items = self._order_issues(r, items, a.get("orderBy"))
        return connection(items, lambda p: self.pull_request(r, p), a)

    def _order_issues(self, r: Repository, items: list[Issue], order: dict[str, str] | None) -> list[Issue]:
        keys: dict[str, Callable[[Issue], Any]] = {
            "CREATED_AT": lambda i: (i.created_at, i.number),
            "UPDATED_AT": lambda i: (i.updated_at, i.number),
            "COMMENTS": lambda i: (len(r.comments_of(i.number)), i.number),
        }
        return _order(items, order, keys, "CREATED_AT")

    def _common(self, r: Repository, i: Issue, kind: str) -> Node:
        return {
            "__typename": kind,
            "id": node_id(kind, i.pr_id or i.id if kind == "PullRequest" else i.id),
            "databaseId": i.pr_id if kind == "PullRequest" else i.id,
            "number": i.number,
            "title": i.title,
            "body": i.body,
            "createdAt": iso(i.created_at),
            "updatedAt": iso(i.updated_at),
            "closedAt": iso(i.closed_at),
            "closed": i.state == "closed",
            "author": self.actor(i.author),
            "authorAssociation": r.association(i.author, i.author_association),
            "comments": lambda _info, **a: self.comments(r, i, a),
        }

    def issue(self, r: Repository, i: Issue) -> Node:
        return {
            **self._common(r, i, "Issue"),
            "url": f"{self.html}/{r.full_name}/issues/{i.number}",
            "state": i.state.upper(),
            "stateReason": i.state_reason.upper() if i.state_reason else None,
            "timelineItems": lambda _info, **a: self.timeline(r, i, a),
        }

    def pull_request(self, r: Repository, p: Issue) -> Node:
        return {
            **self._common(r, p, "PullRequest"),
            "url": f"{self.html}/{r.full_name}/pull/{p.number}",
            "state": _pr_state(p),
            "mergedAt": iso(p.merged_at),
            "merged": p.merged_at is not None,
            "mergedBy": self.actor(p.merged_by),
            "isDraft": p.draft,
            "baseRefName": p.base_ref,
            "headRefName": p.head_ref,
            "additions": p.additions,
            "deletions": p.deletions,
            "changedFiles": p.changed_files,
            "reviews": lambda _info, **a: self.reviews(r, p, a),
            "timelineItems": lambda _info, **a: self.timeline(r, p, a),
        }

    def comments(self, r: Repository, i: Issue, a: dict[str, Any]) -> Node:
        items = list(r.comments_of(i.number))
        keys: dict[str, Callable[[IssueComment], Any]] = {"UPDATED_AT": lambda c: (c.updated_at, c.id)}
        keys["CREATED_AT"] = lambda c: (c.created_at, c.id)
        items = _order(items, a.get("orderBy"), keys, "CREATED_AT")
        return connection(items, lambda c: self.comment(r, c), a)

    def comment(self, r: Repository, c: IssueComment) -> Node:
        issue = r.issues[c.issue_number]
        kind = "pull" if issue.is_pull else "issues"
        return {
            "__typename": "IssueComment",
            "id": node_id("IssueComment", c.id),
            "databaseId": c.id,
            "body": c.body,
            "createdAt": iso(c.created_at),
            "updatedAt": iso(c.updated_at),
            "author": self.actor(c.author),
            "authorAssociation": r.association(c.author),
            "url": f"{self.html}/{r.full_name}/{kind}/{c.issue_number}#issuecomment-{c.id}",
        }

    def reviews(self, r: Repository, p: Issue, a: dict[str, Any]) -> Node:
        items = list(r.reviews_of(p.number))
        if states := a.get("states"):
            items = [v for v in items if v.state in states]
        if author := a.get("author"):
            items = [v for v in items if (v.author or "").lower() == author.lower()]
        return connection(items, lambda v: self.review(r, v), a)

    def review(self, r: Repository, v: Review) -> Node:
        pr = r.issues[v.pull_number]
        return {
            "__typename": "PullRequestReview",
            "id": node_id("PullRequestReview", v.id),
            "databaseId": v.id,
            "body": v.body,
            "state": v.state,
            "submittedAt": iso(v.submitted_at),
            "createdAt": iso(v.submitted_at or pr.created_at),
            "author": self.actor(v.author),
            "authorAssociation": r.association(v.author),
            "url": f"{self.html}/{r.full_name}/pull/{v.pull_number}#pullrequestreview-{v.id}",
            "comments": lambda _info, **a: connection(
                r.review_comments_in(v.id), lambda c: self.review_comment(r, c), a
            ),
        }

    def review_comment(self, r: Repository, c: ReviewComment) -> Node:
        return {
            "__typename": "PullRequestReviewComment",
            "id": node_id("PullRequestReviewComment", c.id),
            "databaseId": c.id,
            "body": c.body,
            "createdAt": iso(c.created_at),
            "updatedAt": iso(c.updated_at),
            "author": self.actor(c.author),
            "authorAssociation": r.association(c.author),
            "path": c.path,
            "url": f"{self.html}/{r.full_name}/pull/{c.pull_number}#discussion_r{c.id}",
        }

    def timeline(self, r: Repository, i: Issue, a: dict[str, Any]) -> Node:
        events: list[tuple[datetime, str, Node]] = []
        for c in r.comments_of(i.number):
            events.append((c.created_at, "ISSUE_COMMENT", self.comment(r, c)))
        if i.is_pull:
            for v in r.reviews_of(i.number):
                if v.submitted_at is not None:
                    events.append((v.submitted_at, "PULL_REQUEST_REVIEW", self.review(r, v)))
            if i.merged_at is not None:
                events.append((i.merged_at, "MERGED_EVENT", self.event("MergedEvent", i, i.merged_by, i.merged_at)))
        if i.closed_at is not None:
            closer = i.merged_by if i.merged_at else None
            events.append((i.closed_at, "CLOSED_EVENT", self.event("ClosedEvent", i, closer, i.closed_at)))
        events.sort(key=lambda e: e[0])
        if types := a.get("itemTypes"):
            events = [e for e in events if e[1] in types]
        if since := a.get("since"):
            events = [e for e in events if e[0] >= ts(since)]
        events = events[a.get("skip") or 0 :]
        conn = connection([e[2] for e in events], lambda n: n, a)
        return {**conn, "filteredCount": len(events), "pageCount": len(conn["nodes"]), "updatedAt": iso(i.updated_at)}

    def event(self, kind: str, i: Issue, actor: str | None, when: datetime) -> Node:
        eid = hash((kind, i.id)) & 0x7FFFFFFF
        return {"__typename": kind, "id": node_id(kind, eid), "actor": self.actor(actor), "createdAt": iso(when)}

    # ---- releases, refs, commits ---------------------------------------------------------------
    def releases(self, r: Repository, a: dict[str, Any]) -> Node:
        keys: dict[str, Callable[[Release], Any]] = {
            "CREATED_AT": lambda x: (x.created_at, x.id),
            "NAME": lambda x: (x.name or "", x.id),
        }
        items = _order(list(r.releases), a.get("orderBy"), keys, "CREATED_AT")
        stable = [x for x in r.releases if not x.draft and not x.prerelease]
        latest = max(stable, key=lambda x: x.created_at).id if stable else None
        return connection(items, lambda x: self.release(r, x, x.id == latest), a)

    def release(self, r: Repository, x: Release, is_latest: bool) -> Node:
        web = f"{self.html}/{r.full_name}/releases"
        assets = [(n, name) for n, name in enumerate(x.assets)]

        def assets_conn(_info: Any, **a: Any) -> Node:
            chosen = [t for t in assets if a.get("name") in (None, t[1])]
            return connection(
                chosen,
                lambda t: {
                    "id": node_id("ReleaseAsset", x.id * 100 + t[0]),
                    "name": t[1],
                    "contentType": "application/octet-stream",
                    "size": 1024,
                    "downloadCount": 0,
                    "createdAt": iso(x.created_at),
                    "url": f"{web}/download/{x.tag_name}/{t[1]}",
                    "downloadUrl": f"{web}/download/{x.tag_name}/{t[1]}",
                },
                a,
            )

        return {
            "id": node_id("Release", x.id),
            "databaseId": x.id,
            "name": x.name,
            "tagName": x.tag_name,
            "createdAt": iso(x.created_at),
            "publishedAt": iso(x.published_at),
            "isDraft": x.draft,
            "isPrerelease": x.prerelease,
            "isLatest": is_latest,
            "url": f"{web}/tag/{x.tag_name}",
            "author": self.user(x.author),
            "releaseAssets": assets_conn,
        }

    def refs(self, r: Repository, a: dict[str, Any]) -> Node:
        prefix = a["refPrefix"]
        source = r.branches if prefix == "refs/heads/" else r.tags if prefix == "refs/tags/" else {}
        names = [n for n in source if (a.get("query") or "") in n]
        order = a.get("orderBy") or {"field": "ALPHABETICAL", "direction": a.get("direction") or "ASC"}

        def commit_date(n: str) -> Any:
            c = r.commits.get(source[n])
            return (c.committer_date if c else r.created_at, n)

        names = _order(names, order, {"ALPHABETICAL": lambda n: n, "TAG_COMMIT_DATE": commit_date}, "ALPHABETICAL")
        return connection(names, lambda n: self.ref(r, prefix, n, source[n]), a)

    def qualified_ref(self, r: Repository, qualified: str) -> Node | None:
        for prefix, source in (("refs/heads/", r.branches), ("refs/tags/", r.tags)):
            name = qualified.removeprefix(prefix)
            if (qualified.startswith(prefix) or "/" not in qualified) and name in source:
                return self.ref(r, prefix, name, source[name])
        return None

    def ref(self, r: Repository, prefix: str, name: str, sha: str) -> Node:
        target = self.commit(r, sha)
        if prefix == "refs/tags/" and name in r.annotated_tags:
            tag_sha = fake_sha(r.full_name, "annotated", name)
            c = r.commits.get(sha)
            target = {
                "__typename": "Tag",
                "id": node_id("Tag", int(tag_sha[:8], 16)),
                "oid": tag_sha,
                "abbreviatedOid": tag_sha[:7],
                "name": name,
                "message": r.annotated_tags[name],
                "target": target,
                "tagger": None
                if c is None
                else self.git_actor(c.committer_name, c.committer_email, c.committer_date, c.committer_login),
            }
        return {
            "id": node_id("Ref", sum(map(ord, r.full_name + prefix + name))),
            "name": name,
            "prefix": prefix,
            "target": target,
        }

    def git_actor(self, name: str, email: str, when: datetime, login: str | None) -> Node:
        return {"name": name, "email": email, "date": iso(when), "user": self.user(login)}

    def commit(self, r: Repository, sha: str) -> Node:
        c = r.commits.get(sha) or Commit(
            sha=sha,
            message="",
            author_name="",
            author_email="",
            author_date=r.created_at,
            committer_name="",
            committer_email="",
            committer_date=r.created_at,
            author_login=None,
            committer_login=None,
        )
        return {
            "__typename": "Commit",
            "id": node_id("Commit", int(c.sha[:8], 16)),
            "oid": c.sha,
            "abbreviatedOid": c.sha[:7],
            "message": c.message,
            "messageHeadline": c.message.split("\n", 1)[0],
            "authoredDate": iso(c.author_date),
            "committedDate": iso(c.committer_date),
            "author": self.git_actor(c.author_name, c.author_email, c.author_date, c.author_login),
            "committer": self.git_actor(c.committer_name, c.committer_email, c.committer_date, c.committer_login),
            "url": f"{self.html}/{r.full_name}/commit/{c.sha}",
            "additions": c.additions,
            "deletions": c.deletions,
            "parents": lambda _info, **a: connection(c.parents, lambda s: self.commit(r, s), a),
            "history": lambda _info, **a: self.history(r, c.sha, a),
            "associatedPullRequests": lambda _info, **a: connection(
                [p for p in r.issues.values() if p.is_pull and p.merge_commit_sha == c.sha],
                lambda p: self.pull_request(r, p),
                a,
            ),
        }

    def history(self, r: Repository, sha: str, a: dict[str, Any]) -> Node:
        items = reachable(r, sha)
        if since := a.get("since"):
            items = [c for c in items if c.committer_date >= ts(since)]
        if until := a.get("until"):
            items = [c for c in items if c.committer_date <= ts(until)]
        if author := a.get("author"):
            emails = {e.lower() for e in author.get("emails") or []}
            if emails:
                items = [c for c in items if c.author_email.lower() in emails]
            if aid := author.get("id"):
                logins = {acc.login for acc in self.data.users.values() if node_id(acc.type, acc.id) == aid}
                items = [c for c in items if c.author_login in logins]
        if path := a.get("path"):
            items = items if path in r.files else []
        return connection(items, lambda c: self.commit(r, c.sha), a)

    # ---- root fields ---------------------------------------------------------------------------
    def search(self, a: dict[str, Any]) -> Node:
        kind, query = a["type"], a["query"]
        issues: list[tuple[Repository, Issue]] = []
        repos: list[Repository] = []
        users: list[str] = []
        if kind in ("ISSUE", "ISSUE_ADVANCED"):
            issues = search_issues(self.data, query, authorised=True)
        elif kind == "REPOSITORY":
            repos = _search_repos(self.data.repos.values(), query)
        elif kind == "USER":
            words = [w.lower() for w in query.split() if ":" not in w]
            users = [u.login for u in self.data.users.values() if all(w in u.login.lower() for w in words)]
        nodes: list[Any] = issues or repos or users

        def build(x: Any) -> Node:
            if isinstance(x, tuple):
                r, i = x
                return self.pull_request(r, i) if i.is_pull else self.issue(r, i)
            if isinstance(x, Repository):
                return self.repository(x)
            node = self.actor(x)
            assert node is not None
            return node

        return {
            **connection(nodes[:1000], build, a),  # GitHub never returns more than 1,000 results
            "issueCount": len(issues),
            "repositoryCount": len(repos),
            "userCount": len(users),
            "codeCount": 0,
            "discussionCount": 0,
            "wikiCount": 0,
        }


def _search_repos(repos: Iterable[Repository], query: str) -> list[Repository]:
    out = [r for r in repos if not r.private]
    for token in query.split():
        key, sep, value = token.partition(":")
        if not sep:
            out = [r for r in out if token.lower() in (r.full_name + " " + (r.description or "")).lower()]
        elif key == "repo":
            out = [r for r in out if r.full_name.lower() == value.lower()]
        elif key in ("user", "org", "owner"):
            out = [r for r in out if r.owner.lower() == value.lower()]
    return out


class GraphQLEndpoint:
    """Parses, validates, prices and executes one GraphQL request body."""

    def __init__(self, data: FakeData, api: str, html: str) -> None:
        self.schema = _SCHEMA
        self.resolvers = Resolvers(data, api, html)
        self.data = data
        self._cache: dict[str, DocumentNode | list[Json]] = {}
        self._lock = threading.Lock()

    def _document(self, source: str) -> DocumentNode | list[Json]:
        with self._lock:
            hit = self._cache.get(source)
        if hit is not None:
            return hit
        result: DocumentNode | list[Json]
        try:
            doc = gql.parse(source)
        except GraphQLError as exc:
            result = [_format(exc)]
        else:
            errors = gql.validate(self.schema, doc)
            result = [_format(e) for e in errors] if errors else doc
        with self._lock:
            if len(self._cache) > 512:
                self._cache.clear()
            self._cache[source] = result
        return result

    def execute(self, payload: dict[str, Any], charge: Charge) -> Json:
        doc = self._document(str(payload.get("query") or ""))
        if isinstance(doc, list):
            return {"errors": doc}
        variables = payload.get("variables") or {}
        op_name = payload.get("operationName")
        op = _operation(doc, op_name)
        if op is None:
            return {"errors": [{"message": "No operation named " + repr(op_name)}]}
        fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
        analysis = _Analysis(self.schema, fragments, variables)
        root = self.schema.mutation_type if op.operation.value == "mutation" else self.schema.query_type
        if root is None:
            return {"errors": [{"message": "Schema is not configured for mutations."}]}
        analysis.walk(op.selection_set, root, 1, [])
        if analysis.errors:
            return {"errors": analysis.errors}
        if analysis.nodes > MAX_NODES:
            return {
                "errors": [
                    {
                        "type": "MAX_NODE_LIMIT_EXCEEDED",
                        "message": f"This query requests up to {analysis.nodes:,} possible nodes which exceeds "
                        f"the maximum limit of {MAX_NODES:,}.",
                    }
                ]
            }
        cost = max(1, int(analysis.requests / 100 + 0.5))
        ok, limit, remaining, used, reset = charge(cost)
        if not ok:
            return {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]}
        reset_at = iso(datetime.fromtimestamp(reset, UTC))
        rate = {
            "cost": cost,
            "limit": limit,
            "remaining": remaining,
            "used": used,
            "resetAt": reset_at,
            "nodeCount": analysis.nodes,
        }
        res = self.resolvers
        root_value = {
            "repository": lambda _info, owner, name, followRenames=True: self._repository(owner, name, followRenames),
            "rateLimit": lambda _info, dryRun=False: rate,
            "search": lambda _info, **a: res.search(a),
            "user": lambda _info, login: self._user(login),
        }
        result = gql.execute_sync(
            self.schema, doc, root_value=root_value, variable_values=variables, operation_name=op_name
        )
        out: Json = {"data": result.data}
        if result.errors:
            out["errors"] = [_format(e) for e in result.errors]
        return out

    def _repository(self, owner: str, name: str, follow: bool) -> Node:
        r = self.data.find_repo(owner, name)
        if r is None and follow and (new := self.data.renamed.get(f"{owner}/{name}".lower())):
            r = self.data.repos.get(new.lower())
        if r is None:
            raise GraphQLError(
                f"Could not resolve to a Repository with the name '{owner}/{name}'.", extensions={"type": "NOT_FOUND"}
            )
        return self.resolvers.repository(r)

    def _user(self, login: str) -> Node:
        acc = self.data.users.get(login.lower())
        if acc is None or acc.type not in ("User",):
            raise GraphQLError(
                f"Could not resolve to a User with the login of '{login}'.", extensions={"type": "NOT_FOUND"}
            )
        node = self.resolvers.actor(acc.login)
        assert node is not None
        return node


class _Analysis:
    """GitHub's pagination rules and cost estimate over the selected operation."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]):
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.requests = 0
        self.nodes = 0
        self.errors: list[Json] = []

    def walk(self, sel: SelectionSetNode | None, parent: Any, mult: int, path: list[str]) -> None:
        if sel is None:
            return
        for s in sel.selections:
            if isinstance(s, FieldNode):
                self._field(s, parent, mult, path)
            elif isinstance(s, InlineFragmentNode):
                cond = self.schema.get_type(s.type_condition.name.value) if s.type_condition else parent
                self.walk(s.selection_set, cond, mult, path)
            elif isinstance(s, FragmentSpreadNode):
                frag = self.fragments.get(s.name.value)
                if frag is not None:
                    self.walk(frag.selection_set, self.schema.get_type(frag.type_condition.name.value), mult, path)

    def _field(self, f: FieldNode, parent: Any, mult: int, path: list[str]) -> None:
        name = f.name.value
        if name.startswith("__") or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        fdef = parent.fields.get(name)
        if fdef is None:
            return
        here = [*path, f.alias.value if f.alias else name]
        rtype = get_named_type(fdef.type)
        child = mult
        if rtype.name.endswith("Connection"):
            args = {a.name.value: value_from_ast_untyped(a.value, self.variables) for a in f.arguments or ()}
            first, last = args.get("first"), args.get("last")
            loc = (
                [
                    {
                        "line": f.loc.source.get_location(f.loc.start).line,
                        "column": f.loc.source.get_location(f.loc.start).column,
                    }
                ]
                if f.loc
                else []
            )
            if first is None and last is None:
                self.errors.append(
                    {
                        "type": "MISSING_PAGINATION_BOUNDARIES",
                        "path": here,
                        "locations": loc,
                        "message": "You must provide a `first` or `last` value to properly paginate the "
                        f"`{name}` connection.",
                    }
                )
                return
            for arg, value in (("first", first), ("last", last)):
                if value is not None and not 1 <= int(value) <= 100:
                    self.errors.append(
                        {
                            "type": "EXCESSIVE_PAGINATION" if int(value) > 100 else "INVALID_PAGINATION",
                            "path": here,
                            "locations": loc,
                            "message": f"Requesting {value} records on the `{name}` connection exceeds the `{arg}` "
                            f"limit of 100 records."
                            if int(value) > 100
                            else f"`{arg}` on the `{name}` connection cannot be less than 1.",
                        }
                    )
                    return
            size = int(first if first is not None else last)
            self.requests += mult
            child = mult * size
            self.nodes += child
        self.walk(f.selection_set, rtype, child, here)


def _operation(doc: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        return next((o for o in ops if o.name and o.name.value == name), None)
    return ops[0] if len(ops) == 1 else None


def _format(err: GraphQLError) -> Json:
    out: dict[str, Any] = dict(err.formatted)
    ext = dict(out.pop("extensions", None) or {})
    if "type" in ext:  # GitHub puts its error type at the top level of each error
        out = {"type": ext.pop("type"), **out}
    if ext:
        out["extensions"] = ext
    return out


_SCHEMA = load_schema()

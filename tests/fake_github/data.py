"""In-memory data behind the fake GitHub server.

Plain dataclasses, built with the ``FakeData.add_*`` helpers. Timestamps are aware UTC datetimes; helpers
accept either a datetime or GitHub's ``"2026-01-02T03:04:05Z"`` form. Logins of GitHub-App bots keep
their ``[bot]`` suffix here (as REST shows them); the GraphQL layer strips it, as GitHub's GraphQL does.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

AccountType = Literal["User", "Organization", "Bot", "Mannequin"]
IssueStateName = Literal["open", "closed"]
ReviewStateName = Literal["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]
Stamp = datetime | str


def ts(value: Stamp) -> datetime:
    """Parse GitHub's timestamp form (or pass a datetime through), always as aware UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def opt_ts(value: Stamp | None) -> datetime | None:
    return None if value is None else ts(value)


def iso(value: datetime | None) -> str | None:
    """GitHub's timestamp form: second precision, ``Z`` suffix."""
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def git_blob_sha(text: str) -> str:
    """The blob id git itself would give this content, so tree/contents shas look real."""
    raw = text.encode()
    return hashlib.sha1(b"blob %d\x00" % len(raw) + raw, usedforsecurity=False).hexdigest()


def node_id(kind: str, db_id: int) -> str:
    """GitHub's legacy global node id form, e.g. ``MDQ6VXNlcjE=`` for User 1."""
    return base64.b64encode(f"0{len(kind)}:{kind}{db_id}".encode()).decode()


def fake_sha(*parts: object) -> str:
    return hashlib.sha1("\x00".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


@dataclass
class Account:
    login: str
    type: AccountType
    id: int
    name: str | None = None
    company: str | None = None
    email: str | None = None
    created_at: datetime = field(default_factory=lambda: ts("2020-01-01T00:00:00Z"))


@dataclass
class License:
    key: str
    name: str
    spdx_id: str


@dataclass
class IssueComment:
    id: int
    issue_number: int
    author: str | None
    body: str
    created_at: datetime
    updated_at: datetime


@dataclass
class Review:
    id: int
    pull_number: int
    author: str | None
    state: ReviewStateName
    body: str
    submitted_at: datetime | None  # None for PENDING reviews, as GitHub omits it
    commit_id: str


@dataclass
class ReviewComment:
    id: int
    pull_number: int
    review_id: int | None
    author: str | None
    body: str
    path: str
    created_at: datetime
    updated_at: datetime
    commit_id: str


@dataclass
class Issue:
    """An issue or a pull request: GitHub numbers them from one sequence per repository."""

    number: int
    id: int
    pr_id: int | None  # the separate pull-request id GitHub gives /pulls items
    title: str
    body: str
    author: str | None
    state: IssueStateName
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    is_pull: bool = False
    merged_at: datetime | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    draft: bool = False
    head_ref: str = "feature"
    base_ref: str = "main"
    labels: list[str] = field(default_factory=list)
    author_association: str | None = None  # None: derived from the repository
    state_reason: str | None = None
    additions: int = 0
    deletions: int = 0
    changed_files: int = 0


@dataclass
class Release:
    id: int
    tag_name: str
    name: str | None
    body: str
    draft: bool
    prerelease: bool
    created_at: datetime
    published_at: datetime | None
    author: str | None
    assets: list[str] = field(default_factory=list)
    target_commitish: str = "main"


@dataclass
class Commit:
    sha: str
    message: str
    author_name: str
    author_email: str
    author_date: datetime
    committer_name: str
    committer_email: str
    committer_date: datetime
    author_login: str | None
    committer_login: str | None
    parents: list[str] = field(default_factory=list)
    additions: int = 0
    deletions: int = 0


@dataclass
class CommunityProfile:
    health_percentage: int
    files: dict[str, dict[str, Any] | None]
    description: str | None = None
    documentation: str | None = None
    updated_at: datetime | None = None
    content_reports_enabled: bool | None = None


BranchProtection = dict[str, Any] | Literal["forbidden"] | None


@dataclass
class Repository:
    id: int
    owner: str
    name: str
    owner_type: AccountType = "User"
    description: str | None = None
    homepage: str | None = None
    license: License | None = None
    default_branch: str = "main"
    created_at: datetime = field(default_factory=lambda: ts("2026-01-01T00:00:00Z"))
    pushed_at: datetime | None = None
    updated_at: datetime | None = None
    archived: bool = False
    fork: bool = False
    parent: str | None = None  # full name of the parent when fork
    private: bool = False
    stargazers_count: int = 0
    forks_count: int = 0
    watchers_count: int = 0  # GitHub's legacy "watchers" mirrors stargazers; subscribers are real watchers
    subscribers_count: int = 0
    topics: list[str] = field(default_factory=list)
    has_issues: bool = True
    security_policy_enabled: bool | None = None
    maintainers: set[str] = field(default_factory=set)  # MEMBER/COLLABORATOR association
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: list[IssueComment] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    review_comments: list[ReviewComment] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)  # tag name -> commit sha
    annotated_tags: dict[str, str] = field(default_factory=dict)  # tag name -> tag message
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)  # branch name -> head commit sha
    files: dict[str, str] = field(default_factory=dict)  # path at the default branch -> text
    community: CommunityProfile | None = None  # None: derived from files
    branch_protection: dict[str, BranchProtection] = field(default_factory=dict)
    # branch name -> the ruleset rules that apply to it, as /rules/branches/{branch} lists them
    rules: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    stats_pending: int | None = None  # 202 answers left before stats are "computed"; None: server default
    _idx: _RepoIndex | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def open_issues_count(self) -> int:
        # GitHub counts open issues *and* open pull requests here.
        return sum(1 for i in self.issues.values() if i.state == "open")

    @property
    def last_updated(self) -> datetime:
        stamps = [self.created_at]
        stamps += [x for x in (self.pushed_at, self.updated_at) if x]
        stamps += [i.updated_at for i in self.issues.values()]
        return max(stamps)

    def association(self, login: str | None, explicit: str | None = None) -> str:
        """author_association as GitHub derives it (simplified: no first-timer detection)."""
        if explicit:
            return explicit
        if login is None:
            return "NONE"
        if login == self.owner:
            return "OWNER"
        if login in self.maintainers:
            return "MEMBER" if self.owner_type == "Organization" else "COLLABORATOR"
        if login in self._index().commit_authors:
            return "CONTRIBUTOR"
        return "NONE"

    # Lookups by item are indexed so that large synthetic repositories answer quickly. The data stays
    # plain lists (tests may append to them directly): an index is rebuilt whenever a list's length changes.
    def comments_of(self, number: int) -> list[IssueComment]:
        return self._index().comments.get(number, [])

    def reviews_of(self, number: int) -> list[Review]:
        return self._index().reviews.get(number, [])

    def review_comments_of(self, number: int) -> list[ReviewComment]:
        return self._index().review_comments.get(number, [])

    def review_comments_in(self, review_id: int) -> list[ReviewComment]:
        return self._index().by_review.get(review_id, [])

    def _index(self) -> _RepoIndex:
        sizes = (len(self.comments), len(self.reviews), len(self.review_comments), len(self.commits))
        idx = self._idx
        if idx is None or idx.sizes != sizes:
            idx = _RepoIndex(sizes)
            for c in self.comments:
                idx.comments.setdefault(c.issue_number, []).append(c)
            for v in sorted(self.reviews, key=lambda v: v.id):
                idx.reviews.setdefault(v.pull_number, []).append(v)
            for rc in self.review_comments:
                idx.review_comments.setdefault(rc.pull_number, []).append(rc)
                if rc.review_id is not None:
                    idx.by_review.setdefault(rc.review_id, []).append(rc)
            idx.commit_authors = {c.author_login for c in self.commits.values() if c.author_login}
            self._idx = idx
        return idx


@dataclass
class _RepoIndex:
    sizes: tuple[int, int, int, int]
    comments: dict[int, list[IssueComment]] = field(default_factory=dict)
    reviews: dict[int, list[Review]] = field(default_factory=dict)
    review_comments: dict[int, list[ReviewComment]] = field(default_factory=dict)
    by_review: dict[int, list[ReviewComment]] = field(default_factory=dict)
    commit_authors: set[str] = field(default_factory=set)


def reachable(repo: Repository, head: str | None) -> list[Commit]:
    """Commits reachable from ``head``, newest committer date first (git log's default order)."""
    seen: set[str] = set()
    stack = [head] if head else []
    while stack:
        sha = stack.pop()
        if sha in seen or sha not in repo.commits:
            continue
        seen.add(sha)
        stack.extend(repo.commits[sha].parents)
    return sorted((repo.commits[s] for s in seen), key=lambda c: (c.committer_date, c.sha), reverse=True)


class FakeData:
    """Everything the fake serves. Mutate it freely between requests; the server reads it live."""

    def __init__(self) -> None:
        self.repos: dict[str, Repository] = {}
        self.users: dict[str, Account] = {}
        self.renamed: dict[str, str] = {}  # old "owner/name" -> current "owner/name"
        self._ids = itertools.count(1001)

    # ---- lookups -------------------------------------------------------------------------------
    def next_id(self) -> int:
        return next(self._ids)

    def repo(self, full_name: str) -> Repository:
        return self.repos[full_name.lower()]

    def find_repo(self, owner: str, name: str) -> Repository | None:
        return self.repos.get(f"{owner}/{name}".lower())

    def repo_by_id(self, repo_id: int) -> Repository | None:
        return next((r for r in self.repos.values() if r.id == repo_id), None)

    def account(self, login: str, type_: AccountType | None = None) -> Account:
        """The account for a login, created on first mention (``[bot]`` logins become Bots)."""
        key = login.lower()
        found = self.users.get(key)
        if found is None:
            guessed: AccountType = type_ or ("Bot" if login.endswith("[bot]") else "User")
            found = Account(login=login, type=guessed, id=self.next_id())
            self.users[key] = found
        elif type_ is not None:
            found.type = type_
        return found

    def add_user(
        self,
        login: str,
        type_: AccountType = "User",
        *,
        name: str | None = None,
        company: str | None = None,
        email: str | None = None,
    ) -> Account:
        acc = self.account(login, type_)
        acc.name, acc.company, acc.email = name, company, email
        return acc

    # ---- builders ------------------------------------------------------------------------------
    def add_repo(
        self,
        full_name: str,
        *,
        owner_type: AccountType = "User",
        description: str | None = None,
        homepage: str | None = None,
        license: tuple[str, str, str] | None = ("mit", "MIT License", "MIT"),
        default_branch: str = "main",
        created_at: Stamp = "2026-01-01T00:00:00Z",
        pushed_at: Stamp | None = None,
        updated_at: Stamp | None = None,
        archived: bool = False,
        fork: bool = False,
        parent: str | None = None,
        private: bool = False,
        stargazers_count: int = 0,
        forks_count: int = 0,
        subscribers_count: int = 0,
        topics: list[str] | None = None,
        has_issues: bool = True,
        security_policy_enabled: bool | None = None,
        maintainers: set[str] | None = None,
    ) -> Repository:
        owner, name = full_name.split("/", 1)
        self.account(owner, owner_type)
        repo = Repository(
            id=self.next_id(),
            owner=owner,
            name=name,
            owner_type=owner_type,
            description=description,
            homepage=homepage,
            license=License(*license) if license else None,
            default_branch=default_branch,
            created_at=ts(created_at),
            pushed_at=opt_ts(pushed_at),
            updated_at=opt_ts(updated_at),
            archived=archived,
            fork=fork or parent is not None,
            parent=parent,
            private=private,
            stargazers_count=stargazers_count,
            forks_count=forks_count,
            watchers_count=stargazers_count,
            subscribers_count=subscribers_count,
            topics=list(topics or []),
            has_issues=has_issues,
            security_policy_enabled=security_policy_enabled,
            maintainers=set(maintainers or ()),
        )
        self.repos[full_name.lower()] = repo
        return repo

    def rename(self, old_full_name: str, new_full_name: str) -> None:
        """GET on the old name answers 301 to the repository's canonical URL, as GitHub does."""
        self.renamed[old_full_name.lower()] = new_full_name

    def _next_number(self, repo: Repository) -> int:
        return max(repo.issues, default=0) + 1

    def add_issue(
        self,
        repo: str,
        title: str,
        *,
        author: str | None = "alice",
        created_at: Stamp = "2026-01-05T10:00:00Z",
        closed_at: Stamp | None = None,
        updated_at: Stamp | None = None,
        body: str = "",
        labels: list[str] | None = None,
        author_association: str | None = None,
        number: int | None = None,
        state_reason: str | None = None,
    ) -> Issue:
        r = self.repo(repo)
        if author:
            self.account(author)
        created, closed = ts(created_at), opt_ts(closed_at)
        issue = Issue(
            number=number or self._next_number(r),
            id=self.next_id(),
            pr_id=None,
            title=title,
            body=body,
            author=author,
            state="closed" if closed else "open",
            created_at=created,
            updated_at=opt_ts(updated_at) or max(x for x in (created, closed) if x),
            closed_at=closed,
            labels=list(labels or []),
            author_association=author_association,
            state_reason=state_reason or ("completed" if closed else None),
        )
        r.issues[issue.number] = issue
        return issue

    def add_pull(
        self,
        repo: str,
        title: str,
        *,
        author: str | None = "alice",
        created_at: Stamp = "2026-01-05T10:00:00Z",
        closed_at: Stamp | None = None,
        merged_at: Stamp | None = None,
        merged_by: str | None = None,
        updated_at: Stamp | None = None,
        body: str = "",
        draft: bool = False,
        head_ref: str | None = None,
        base_ref: str | None = None,
        merge_commit_sha: str | None = None,
        labels: list[str] | None = None,
        author_association: str | None = None,
        number: int | None = None,
        additions: int = 0,
        deletions: int = 0,
        changed_files: int = 0,
    ) -> Issue:
        """A pull request; ``merged_at`` implies closed at the same time unless ``closed_at`` is given."""
        r = self.repo(repo)
        if author:
            self.account(author)
        merged = opt_ts(merged_at)
        closed = opt_ts(closed_at) or merged
        created = ts(created_at)
        num = number or self._next_number(r)
        pr = Issue(
            number=num,
            id=self.next_id(),
            pr_id=self.next_id(),
            title=title,
            body=body,
            author=author,
            state="closed" if closed else "open",
            created_at=created,
            updated_at=opt_ts(updated_at) or max(x for x in (created, closed) if x),
            closed_at=closed,
            is_pull=True,
            merged_at=merged,
            merged_by=(merged_by or r.owner) if merged else None,
            merge_commit_sha=merge_commit_sha or (fake_sha(r.full_name, "merge", num) if merged else None),
            draft=draft,
            head_ref=head_ref or f"topic-{num}",
            base_ref=base_ref or r.default_branch,
            labels=list(labels or []),
            author_association=author_association,
            additions=additions,
            deletions=deletions,
            changed_files=changed_files,
        )
        r.issues[num] = pr
        return pr

    def _touch(self, issue: Issue, when: datetime) -> None:
        # Activity on an issue moves its updated_at, which `since=` filters on.
        issue.updated_at = max(issue.updated_at, when)

    def add_comment(
        self,
        repo: str,
        number: int,
        *,
        author: str | None = "bob",
        created_at: Stamp = "2026-01-06T10:00:00Z",
        updated_at: Stamp | None = None,
        body: str = "Thanks!",
    ) -> IssueComment:
        """A conversation comment on an issue or a pull request."""
        r = self.repo(repo)
        if author:
            self.account(author)
        created = ts(created_at)
        c = IssueComment(
            id=self.next_id(),
            issue_number=number,
            author=author,
            body=body,
            created_at=created,
            updated_at=opt_ts(updated_at) or created,
        )
        r.comments.append(c)
        self._touch(r.issues[number], c.updated_at)
        return c

    def add_review(
        self,
        repo: str,
        number: int,
        *,
        author: str | None = "bob",
        state: ReviewStateName = "APPROVED",
        submitted_at: Stamp | None = "2026-01-06T12:00:00Z",
        body: str = "",
        commit_id: str | None = None,
    ) -> Review:
        r = self.repo(repo)
        if author:
            self.account(author)
        rv = Review(
            id=self.next_id(),
            pull_number=number,
            author=author,
            state=state,
            body=body,
            submitted_at=None if state == "PENDING" else opt_ts(submitted_at),
            commit_id=commit_id or fake_sha(repo, "head", number),
        )
        r.reviews.append(rv)
        if rv.submitted_at:
            self._touch(r.issues[number], rv.submitted_at)
        return rv

    def add_review_comment(
        self,
        repo: str,
        number: int,
        *,
        author: str | None = "bob",
        created_at: Stamp = "2026-01-06T12:00:00Z",
        updated_at: Stamp | None = None,
        body: str = "Nit.",
        path: str = "README.md",
        review_id: int | None = None,
    ) -> ReviewComment:
        r = self.repo(repo)
        if author:
            self.account(author)
        created = ts(created_at)
        rc = ReviewComment(
            id=self.next_id(),
            pull_number=number,
            review_id=review_id,
            author=author,
            body=body,
            path=path,
            created_at=created,
            updated_at=opt_ts(updated_at) or created,
            commit_id=fake_sha(repo, "head", number),
        )
        r.review_comments.append(rc)
        self._touch(r.issues[number], rc.updated_at)
        return rc

    def add_release(
        self,
        repo: str,
        tag_name: str,
        *,
        name: str | None = None,
        created_at: Stamp = "2026-01-10T00:00:00Z",
        published_at: Stamp | None = None,
        draft: bool = False,
        prerelease: bool = False,
        assets: list[str] | None = None,
        author: str | None = None,
        body: str = "",
    ) -> Release:
        r = self.repo(repo)
        created = ts(created_at)
        rel = Release(
            id=self.next_id(),
            tag_name=tag_name,
            name=name if name is not None else tag_name,
            body=body,
            draft=draft,
            prerelease=prerelease,
            created_at=created,
            published_at=None if draft else (opt_ts(published_at) or created),
            author=author or r.owner,
            assets=list(assets or []),
            target_commitish=r.default_branch,
        )
        if author:
            self.account(author)
        r.releases.append(rel)
        return rel

    def add_tag(self, repo: str, name: str, sha: str | None = None, *, message: str | None = None) -> str:
        """Point a tag at a commit (default: the default branch's head); a message makes it annotated."""
        r = self.repo(repo)
        target = sha or r.branches.get(r.default_branch) or fake_sha(repo, "tag", name)
        r.tags[name] = target
        if message is not None:
            r.annotated_tags[name] = message
        return target

    def add_commit(
        self,
        repo: str,
        message: str,
        *,
        author: str = "Alice Example",
        email: str = "alice@example.com",
        date: Stamp = "2026-01-03T09:00:00Z",
        committer: str | None = None,
        committer_email: str | None = None,
        committer_date: Stamp | None = None,
        login: str | None = "alice",
        committer_login: str | None = None,
        parents: list[str] | None = None,
        branch: str | None = None,
        sha: str | None = None,
        additions: int = 10,
        deletions: int = 2,
    ) -> Commit:
        """Add a commit on ``branch`` (default branch); parents default to that branch's head."""
        r = self.repo(repo)
        on = branch or r.default_branch
        if parents is None:
            head = r.branches.get(on)
            parents = [head] if head else []
        if login:
            self.account(login)
        if committer_login:
            self.account(committer_login)
        c = Commit(
            sha=sha or fake_sha(repo, message, date, len(r.commits)),
            message=message,
            author_name=author,
            author_email=email,
            author_date=ts(date),
            committer_name=committer or author,
            committer_email=committer_email or email,
            committer_date=ts(committer_date or date),
            author_login=login,
            committer_login=committer_login if committer_login is not None else login,
            parents=list(parents),
            additions=additions,
            deletions=deletions,
        )
        r.commits[c.sha] = c
        r.branches[on] = c.sha
        if on == r.default_branch:
            r.pushed_at = max(r.pushed_at or c.committer_date, c.committer_date)
        return c

    def add_file(self, repo: str, path: str, content: str = "") -> None:
        self.repo(repo).files[path.strip("/")] = content

    def set_protection(self, repo: str, branch: str, protection: BranchProtection) -> None:
        """A protection payload, ``"forbidden"`` (403: admin rights needed) or None (not protected)."""
        self.repo(repo).branch_protection[branch] = protection


def make_sample_data() -> FakeData:
    """Two small repositories with fixed 2026 dates: an organisation's and a user's."""
    d = FakeData()
    d.add_user("alice", name="Alice Example", company="Example Corp")
    d.add_user("bob", name="Bob Builder")
    d.add_user("carol", name="Carol Reviewer", company="@octo-org")
    d.add_user("dependabot[bot]", "Bot")
    d.add_user("octo-org", "Organization", name="Octo Org")

    w = "octo-org/widgets"
    d.add_repo(
        w,
        owner_type="Organization",
        description="Widgets for everyone",
        homepage="https://widgets.example.org",
        created_at="2026-01-01T08:00:00Z",
        updated_at="2026-02-01T00:00:00Z",
        stargazers_count=42,
        forks_count=7,
        subscribers_count=5,
        topics=["widgets", "python"],
        security_policy_enabled=True,
        maintainers={"carol"},
    )
    c1 = d.add_commit(w, "Initial commit", date="2026-01-02T09:00:00Z")
    d.add_commit(
        w,
        "Add widget core",
        author="Bob Builder",
        email="bob@example.com",
        login="bob",
        date="2026-01-04T11:00:00Z",
    )
    d.add_commit(
        w,
        "Bump dependency",
        author="dependabot[bot]",
        email="49699333+dependabot[bot]@users.noreply.github.com",
        login="dependabot[bot]",
        date="2026-01-08T07:30:00Z",
    )
    c4 = d.add_commit(
        w,
        "Fix widget bug",
        author="Carol Reviewer",
        email="carol@example.com",
        login="carol",
        date="2026-01-12T16:45:00Z",
        committer="GitHub",
        committer_email="noreply@github.com",
        committer_login=None,
        committer_date="2026-01-12T16:50:00Z",
    )
    d.add_commit(
        w,
        "Unlinked author commit",
        author="Dana Anon",
        email="dana@example.net",
        login=None,
        date="2026-01-15T10:00:00Z",
    )
    for path, text in {
        "README.md": "# widgets\n",
        "LICENSE": "MIT License\n\nCopyright (c) 2026 Octo Org\n",
        "CONTRIBUTING.md": "Send pull requests.\n",
        "SECURITY.md": "Report to security@example.org\n",
        ".github/workflows/ci.yml": "on: push\n",
        "src/widgets/__init__.py": "__version__ = '1.1.0'\n",
    }.items():
        d.add_file(w, path, text)
    d.add_issue(
        w, "Widget breaks on resize", author="bob", created_at="2026-01-05T10:00:00Z", closed_at="2026-01-09T10:00:00Z"
    )
    d.add_comment(w, 1, author="carol", created_at="2026-01-05T12:00:00Z", body="Can you share a trace?")
    d.add_comment(w, 1, author="bob", created_at="2026-01-05T15:00:00Z", body="Attached.")
    d.add_pull(
        w,
        "Fix resize",
        author="carol",
        created_at="2026-01-06T09:00:00Z",
        merged_at="2026-01-07T09:00:00Z",
        merge_commit_sha=c4.sha,
        additions=12,
        deletions=3,
        changed_files=2,
    )
    d.add_review(
        w, 2, author="alice", state="CHANGES_REQUESTED", submitted_at="2026-01-06T13:00:00Z", body="Please add a test."
    )
    d.add_review_comment(w, 2, author="alice", created_at="2026-01-06T13:00:00Z", path="src/widgets/__init__.py")
    d.add_review(w, 2, author="alice", state="APPROVED", submitted_at="2026-01-07T08:00:00Z")
    d.add_pull(
        w,
        "Bump dependency",
        author="dependabot[bot]",
        created_at="2026-01-08T07:00:00Z",
        merged_at="2026-01-08T07:30:00Z",
        merged_by="carol",
    )
    d.add_issue(w, "Docs: add examples", author="alice", created_at="2026-01-10T10:00:00Z")
    d.add_comment(w, 4, author="dependabot[bot]", created_at="2026-01-10T10:05:00Z", body="Automated note.")
    d.add_pull(w, "WIP: new API", author="bob", created_at="2026-01-14T10:00:00Z", draft=True)
    d.add_pull(w, "Rejected idea", author="alice", created_at="2026-01-15T10:00:00Z", closed_at="2026-01-20T10:00:00Z")
    d.add_comment(w, 6, author="carol", created_at="2026-01-16T10:00:00Z", body="Not in scope.")
    d.add_release(w, "v1.0.0", created_at="2026-01-09T00:00:00Z", assets=["widgets-1.0.0.tar.gz"], author="carol")
    d.add_release(w, "v1.1.0-rc1", created_at="2026-01-20T00:00:00Z", prerelease=True, author="carol")
    d.add_release(
        w,
        "v1.1.0",
        created_at="2026-01-25T00:00:00Z",
        assets=["widgets-1.1.0.tar.gz", "widgets-1.1.0.tar.gz.sig"],
        author="carol",
    )
    d.add_tag(w, "v1.0.0", c1.sha)
    d.add_tag(w, "v1.1.0", message="Release 1.1.0")
    d.set_protection(
        w,
        "main",
        {
            "required_pull_request_reviews": {"required_approving_review_count": 1, "dismiss_stale_reviews": True},
            "enforce_admins": {"enabled": True},
            "allow_force_pushes": {"enabled": False},
            "allow_deletions": {"enabled": False},
        },
    )

    t = "alice/tool"
    d.add_repo(
        t,
        description="A small tool",
        license=("apache-2.0", "Apache License 2.0", "Apache-2.0"),
        created_at="2026-01-03T00:00:00Z",
        stargazers_count=3,
        topics=["cli"],
    )
    d.add_commit(t, "Start tool", date="2026-01-03T10:00:00Z")
    d.add_commit(t, "Add CLI", date="2026-01-18T10:00:00Z")
    d.add_file(t, "README.md", "# tool\n")
    d.add_file(t, "LICENSE", "Apache License\nVersion 2.0\n")
    d.add_file(t, "tool.py", "print('hi')\n")
    d.add_issue(t, "Crash on empty input", author="bob", created_at="2026-01-19T10:00:00Z")
    d.add_pull(t, "Handle empty input", author="bob", created_at="2026-01-20T10:00:00Z")
    d.add_review(t, 2, author="alice", state="COMMENTED", submitted_at="2026-01-21T10:00:00Z", body="Looks ok")
    d.add_review(t, 2, author="carol", state="PENDING", submitted_at=None)
    d.add_release(t, "0.1.0", created_at="2026-01-22T00:00:00Z")
    d.add_tag(t, "0.1.0")
    d.set_protection(t, "main", "forbidden")
    return d


__all__ = [
    "Account",
    "Commit",
    "CommunityProfile",
    "FakeData",
    "Issue",
    "IssueComment",
    "License",
    "Release",
    "Repository",
    "Review",
    "ReviewComment",
    "git_blob_sha",
    "iso",
    "make_sample_data",
    "node_id",
    "reachable",
    "ts",
]

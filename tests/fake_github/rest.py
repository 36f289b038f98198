"""REST routes of the fake: GitHub's paths, query parameters and JSON shapes.

Each handler returns a :class:`Reply`; the HTTP layer (server.py) adds pagination, ETags, rate-limit
headers and faults. Shapes follow GitHub's OpenAPI examples (key names and nesting); fields the fake has
no data for carry GitHub's neutral values (``null``, ``[]``, ``0``).

Documented choices where GitHub is vague:
- ``/commits`` ``since``/``until`` filter on the *committer* date (what git and GitHub's listing use).
- ``/issues/comments`` and ``/pulls/comments``: ascending id by default; ``direction`` is ignored unless
  ``sort`` is given, and then defaults to ``asc``.
- ``/pulls`` ``sort=long-running`` orders by age (oldest first by default); ``popularity`` by comment count.
"""

from __future__ import annotations

import base64
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from .data import (
    Account,
    Commit,
    FakeData,
    Issue,
    IssueComment,
    Release,
    Repository,
    Review,
    ReviewComment,
    git_blob_sha,
    iso,
    node_id,
    reachable,
    ts,
)

DOCS = "https://docs.github.com/rest"
Json = Any


@dataclass
class Reply:
    status: int = 200
    body: Json = None
    headers: dict[str, str] = field(default_factory=dict)
    items: list[Json] | None = None  # a list to paginate; body is then ignored
    last_modified: datetime | None = None
    no_store: bool = False  # answers like 202 carry no ETag


def error(status: int, message: str, doc: str = DOCS, **extra: Json) -> Reply:
    return Reply(status, {"message": message, "documentation_url": doc, "status": str(status), **extra})


def not_found() -> Reply:
    return error(404, "Not Found")


@dataclass
class Request:
    method: str
    path: str  # without the /api/v3 prefix
    query: dict[str, str]
    authorised: bool
    api_version: str


class Rest:
    """Builds GitHub-shaped JSON for one server (its API base URL and web base URL)."""

    def __init__(self, data: FakeData, api: str, html: str, stats_pending: int) -> None:
        self.data, self.api, self.html = data, api, html
        self.stats_pending = stats_pending
        self._stats_seen: dict[int, int] = {}
        repo_routes: list[tuple[str, Callable[..., Reply]]] = [
            (r"", self.get_repo),
            (r"/issues", self.list_issues),
            (r"/issues/comments", self.list_repo_comments),
            (r"/issues/(\d+)", self.get_issue),
            (r"/issues/(\d+)/comments", self.list_issue_comments),
            (r"/pulls", self.list_pulls),
            (r"/pulls/comments", self.list_repo_review_comments),
            (r"/pulls/(\d+)", self.get_pull),
            (r"/pulls/(\d+)/reviews", self.list_reviews),
            (r"/pulls/(\d+)/comments", self.list_pull_review_comments),
            (r"/releases", self.list_releases),
            (r"/tags", self.list_tags),
            (r"/commits", self.list_commits),
            (r"/contributors", self.list_contributors),
            (r"/git/trees/(.+)", self.get_tree),
            (r"/contents", self.get_contents),
            (r"/contents/(.*)", self.get_contents),
            (r"/community/profile", self.get_community),
            (r"/license", self.get_license),
            (r"/branches/(.+)/protection", self.get_protection),
            (r"/branches/(.+)", self.get_branch),
            (r"/rules/branches/(.+)", self.get_branch_rules),
            (r"/commits/([^/]+)", self.get_commit),
            (r"/stats/contributors", self.get_stats_contributors),
        ]
        self.repo_routes = [(re.compile(p + "$"), h) for p, h in repo_routes]

    # ---- dispatch ------------------------------------------------------------------------------
    def handle(self, req: Request) -> Reply:
        if req.method not in ("GET", "HEAD"):
            return error(404, "Not Found")
        path = req.path.rstrip("/") or "/"
        if path == "/rate_limit":
            raise AssertionError("served by the HTTP layer")  # pragma: no cover
        if m := re.fullmatch(r"/users/([^/]+)", path):
            return self.get_user(m.group(1))
        if path == "/search/issues":
            return self.search_issues(req)
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path) or re.fullmatch(r"/repositories/(\d+)(/.*)?", path)
        if not m:
            return not_found()
        if path.startswith("/repositories/"):
            repo = self.data.repo_by_id(int(m.group(1)))
            rest = m.group(2) or ""
        else:
            owner, name, rest = m.group(1), m.group(2), m.group(3) or ""
            repo = self.data.find_repo(owner, name)
            if repo is None and (new := self.data.renamed.get(f"{owner}/{name}".lower())):
                target = self.data.repos.get(new.lower())
                if target is not None and (req.authorised or not target.private):
                    return self.moved(target, rest, req.query)
        if repo is None or (repo.private and not req.authorised):
            return not_found()  # GitHub hides private repositories behind a 404
        for pattern, handler in self.repo_routes:
            if sm := pattern.fullmatch(rest):
                return handler(repo, req, *sm.groups())
        return not_found()

    def moved(self, repo: Repository, rest: str, query: dict[str, str]) -> Reply:
        from urllib.parse import urlencode

        url = f"{self.api}/repositories/{repo.id}{rest}" + (f"?{urlencode(query)}" if query else "")
        body = {"message": "Moved Permanently", "url": url, "documentation_url": f"{DOCS}#http-redirects"}
        return Reply(301, body, headers={"Location": url}, no_store=True)

    # ---- shapes --------------------------------------------------------------------------------
    def user(self, login: str | None) -> Json:
        if login is None:
            return None
        a = self.data.account(login)
        base = f"{self.api}/users/{a.login}"
        web = f"{self.html}/apps/{a.login.removesuffix('[bot]')}" if a.type == "Bot" else f"{self.html}/{a.login}"
        return {
            "login": a.login,
            "id": a.id,
            "node_id": node_id(a.type, a.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{a.id}?v=4",
            "gravatar_id": "",
            "url": base,
            "html_url": web,
            "followers_url": f"{base}/followers",
            "following_url": f"{base}/following{{/other_user}}",
            "gists_url": f"{base}/gists{{/gist_id}}",
            "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{base}/subscriptions",
            "organizations_url": f"{base}/orgs",
            "repos_url": f"{base}/repos",
            "events_url": f"{base}/events{{/privacy}}",
            "received_events_url": f"{base}/received_events",
            "type": a.type,
            "user_view_type": "public",
            "site_admin": False,
        }

    def full_user(self, a: Account) -> Json:
        u = self.user(a.login)
        u.update(
            name=a.name,
            company=a.company,
            blog="",
            location=None,
            email=a.email,
            hireable=None,
            bio=None,
            twitter_username=None,
            public_repos=sum(1 for r in self.data.repos.values() if r.owner == a.login and not r.private),
            public_gists=0,
            followers=0,
            following=0,
            created_at=iso(a.created_at),
            updated_at=iso(a.created_at),
        )
        return u

    def license_json(self, repo: Repository) -> Json:
        lic = repo.license
        if lic is None:
            return None
        return {
            "key": lic.key,
            "name": lic.name,
            "spdx_id": lic.spdx_id,
            "url": f"{self.api}/licenses/{lic.key}",
            "node_id": node_id("License", sum(map(ord, lic.key))),
        }

    def repo_json(self, repo: Repository, authorised: bool = False, *, full: bool = True) -> Json:
        fn = repo.full_name
        api = f"{self.api}/repos/{fn}"
        templated = {
            "archive_url": "/{archive_format}{/ref}",
            "assignees_url": "/assignees{/user}",
            "blobs_url": "/git/blobs{/sha}",
            "branches_url": "/branches{/branch}",
            "collaborators_url": "/collaborators{/collaborator}",
            "comments_url": "/comments{/number}",
            "commits_url": "/commits{/sha}",
            "compare_url": "/compare/{base}...{head}",
            "contents_url": "/contents/{+path}",
            "contributors_url": "/contributors",
            "deployments_url": "/deployments",
            "downloads_url": "/downloads",
            "events_url": "/events",
            "forks_url": "/forks",
            "git_commits_url": "/git/commits{/sha}",
            "git_refs_url": "/git/refs{/sha}",
            "git_tags_url": "/git/tags{/sha}",
            "issue_comment_url": "/issues/comments{/number}",
            "issue_events_url": "/issues/events{/number}",
            "issues_url": "/issues{/number}",
            "keys_url": "/keys{/key_id}",
            "labels_url": "/labels{/name}",
            "languages_url": "/languages",
            "merges_url": "/merges",
            "milestones_url": "/milestones{/number}",
            "notifications_url": "/notifications{?since,all,participating}",
            "pulls_url": "/pulls{/number}",
            "releases_url": "/releases{/id}",
            "stargazers_url": "/stargazers",
            "statuses_url": "/statuses/{sha}",
            "subscribers_url": "/subscribers",
            "subscription_url": "/subscription",
            "tags_url": "/tags",
            "teams_url": "/teams",
            "trees_url": "/git/trees{/sha}",
            "hooks_url": "/hooks",
        }
        host = self.html.split("://", 1)[-1]
        out: dict[str, Json] = {
            "id": repo.id,
            "node_id": node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": fn,
            "private": repo.private,
            "owner": self.user(repo.owner),
            "html_url": f"{self.html}/{fn}",
            "description": repo.description,
            "fork": repo.fork,
            "url": api,
        }
        out.update({k: api + v for k, v in templated.items()})
        out.update(
            git_url=f"git://{host}/{fn}.git",
            ssh_url=f"git@{host}:{fn}.git",
            clone_url=f"{self.html}/{fn}.git",
            svn_url=f"{self.html}/{fn}",
            mirror_url=None,
            homepage=repo.homepage,
            size=sum(len(t) for t in repo.files.values()) // 1024,
            stargazers_count=repo.stargazers_count,
            watchers_count=repo.watchers_count,
            language=None,
            has_issues=repo.has_issues,
            has_projects=True,
            has_downloads=True,
            has_wiki=True,
            has_pages=False,
            has_discussions=False,
            forks_count=repo.forks_count,
            archived=repo.archived,
            disabled=False,
            open_issues_count=repo.open_issues_count,
            license=self.license_json(repo),
            allow_forking=True,
            is_template=False,
            web_commit_signoff_required=False,
            topics=list(repo.topics),
            visibility="private" if repo.private else "public",
            forks=repo.forks_count,
            open_issues=repo.open_issues_count,
            watchers=repo.watchers_count,
            default_branch=repo.default_branch,
            pushed_at=iso(repo.pushed_at),
            created_at=iso(repo.created_at),
            updated_at=iso(repo.last_updated),
        )
        if not full:
            return out
        if authorised:
            out["permissions"] = {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True}
        out.update(
            allow_rebase_merge=True,
            allow_squash_merge=True,
            allow_auto_merge=False,
            delete_branch_on_merge=False,
            allow_merge_commit=True,
            subscribers_count=repo.subscribers_count,
            network_count=repo.forks_count,
        )
        if repo.owner_type == "Organization":
            out["organization"] = self.user(repo.owner)
        if repo.fork and repo.parent:
            parent = self.data.repos.get(repo.parent.lower())
            if parent is not None:
                out["parent"] = self.repo_json(parent, full=False)
                out["source"] = out["parent"]
        return out

    def issue_json(self, repo: Repository, i: Issue) -> Json:
        api = f"{self.api}/repos/{repo.full_name}"
        web = f"{self.html}/{repo.full_name}"
        ncomments = len(repo.comments_of(i.number))
        out: dict[str, Json] = {
            "id": i.id,
            "node_id": node_id("PullRequest" if i.is_pull else "Issue", i.id),
            "url": f"{api}/issues/{i.number}",
            "repository_url": api,
            "labels_url": f"{api}/issues/{i.number}/labels{{/name}}",
            "comments_url": f"{api}/issues/{i.number}/comments",
            "events_url": f"{api}/issues/{i.number}/events",
            "html_url": f"{web}/{'pull' if i.is_pull else 'issues'}/{i.number}",
            "number": i.number,
            "state": i.state,
            "title": i.title,
            "body": i.body or None,
            "user": self.user(i.author),
            "labels": [self.label_json(repo, name) for name in i.labels],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "active_lock_reason": None,
            "comments": ncomments,
            "closed_at": iso(i.closed_at),
            "created_at": iso(i.created_at),
            "updated_at": iso(i.updated_at),
            "closed_by": None,
            "author_association": repo.association(i.author, i.author_association),
            "type": None,
            "pinned_comment": None,
            "state_reason": None if i.is_pull else i.state_reason,
            "timeline_url": f"{api}/issues/{i.number}/timeline",
            "performed_via_github_app": None,
            "reactions": self.reactions(f"{api}/issues/{i.number}/reactions"),
        }
        if i.is_pull:
            out["draft"] = i.draft
            out["pull_request"] = {
                "url": f"{api}/pulls/{i.number}",
                "html_url": f"{web}/pull/{i.number}",
                "diff_url": f"{web}/pull/{i.number}.diff",
                "patch_url": f"{web}/pull/{i.number}.patch",
                "merged_at": iso(i.merged_at),
            }
        return out

    def label_json(self, repo: Repository, name: str) -> Json:
        lid = sum(map(ord, repo.full_name + name))
        return {
            "id": lid,
            "node_id": node_id("Label", lid),
            "url": f"{self.api}/repos/{repo.full_name}/labels/{name}",
            "name": name,
            "description": None,
            "color": "ededed",
            "default": False,
        }

    @staticmethod
    def reactions(url: str) -> Json:
        keys = ["+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"]
        return {"url": url, "total_count": 0, **dict.fromkeys(keys, 0)}

    def comment_json(self, repo: Repository, c: IssueComment) -> Json:
        api = f"{self.api}/repos/{repo.full_name}"
        issue = repo.issues[c.issue_number]
        kind = "pull" if issue.is_pull else "issues"
        return {
            "id": c.id,
            "node_id": node_id("IssueComment", c.id),
            "url": f"{api}/issues/comments/{c.id}",
            "html_url": f"{self.html}/{repo.full_name}/{kind}/{c.issue_number}#issuecomment-{c.id}",
            "body": c.body,
            "user": self.user(c.author),
            "created_at": iso(c.created_at),
            "updated_at": iso(c.updated_at),
            "issue_url": f"{api}/issues/{c.issue_number}",
            "author_association": repo.association(c.author),
            "minimized": None,
            "performed_via_github_app": None,
            "reactions": self.reactions(f"{api}/issues/comments/{c.id}/reactions"),
        }

    def branch_json(self, repo: Repository, ref: str, sha: str, user: str | None) -> Json:
        return {
            "label": f"{repo.owner}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.user(user or repo.owner),
            "repo": self.repo_json(repo, full=False),
        }

    def pull_json(self, repo: Repository, p: Issue) -> Json:
        api = f"{self.api}/repos/{repo.full_name}"
        web = f"{self.html}/{repo.full_name}/pull/{p.number}"
        head_sha = repo.branches.get(p.head_ref) or _sha(repo.full_name, "head", p.number)
        base_sha = repo.branches.get(p.base_ref) or _sha(repo.full_name, "base", p.number)
        links = {
            "self": f"{api}/pulls/{p.number}",
            "html": web,
            "issue": f"{api}/issues/{p.number}",
            "comments": f"{api}/issues/{p.number}/comments",
            "review_comments": f"{api}/pulls/{p.number}/comments",
            "review_comment": f"{api}/pulls/comments{{/number}}",
            "commits": f"{api}/pulls/{p.number}/commits",
            "statuses": f"{api}/statuses/{head_sha}",
        }
        return {
            "url": f"{api}/pulls/{p.number}",
            "id": p.pr_id,
            "node_id": node_id("PullRequest", p.pr_id or p.id),
            "html_url": web,
            "diff_url": f"{web}.diff",
            "patch_url": f"{web}.patch",
            "issue_url": f"{api}/issues/{p.number}",
            "commits_url": links["commits"],
            "review_comments_url": links["review_comments"],
            "review_comment_url": links["review_comment"],
            "comments_url": links["comments"],
            "statuses_url": links["statuses"],
            "number": p.number,
            "state": p.state,
            "locked": False,
            "title": p.title,
            "user": self.user(p.author),
            "body": p.body or None,
            "labels": [self.label_json(repo, name) for name in p.labels],
            "milestone": None,
            "active_lock_reason": None,
            "created_at": iso(p.created_at),
            "updated_at": iso(p.updated_at),
            "closed_at": iso(p.closed_at),
            "merged_at": iso(p.merged_at),
            "merge_commit_sha": p.merge_commit_sha,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "head": self.branch_json(repo, p.head_ref, head_sha, p.author),
            "base": self.branch_json(repo, p.base_ref, base_sha, repo.owner),
            "_links": {k: {"href": v} for k, v in links.items()},
            "author_association": repo.association(p.author, p.author_association),
            "auto_merge": None,
            "draft": p.draft,
        }

    def review_json(self, repo: Repository, r: Review) -> Json:
        api = f"{self.api}/repos/{repo.full_name}"
        web = f"{self.html}/{repo.full_name}/pull/{r.pull_number}#pullrequestreview-{r.id}"
        out: dict[str, Json] = {
            "id": r.id,
            "node_id": node_id("PullRequestReview", r.id),
            "user": self.user(r.author),
            "body": r.body,
            "state": r.state,
            "html_url": web,
            "pull_request_url": f"{api}/pulls/{r.pull_number}",
            "author_association": repo.association(r.author),
            "_links": {"html": {"href": web}, "pull_request": {"href": f"{api}/pulls/{r.pull_number}"}},
        }
        if r.submitted_at is not None:  # PENDING reviews have no submitted_at at all
            out["submitted_at"] = iso(r.submitted_at)
        out["commit_id"] = r.commit_id
        return out

    def review_comment_json(self, repo: Repository, c: ReviewComment) -> Json:
        api = f"{self.api}/repos/{repo.full_name}"
        web = f"{self.html}/{repo.full_name}/pull/{c.pull_number}#discussion_r{c.id}"
        return {
            "url": f"{api}/pulls/comments/{c.id}",
            "pull_request_review_id": c.review_id,
            "id": c.id,
            "node_id": node_id("PullRequestReviewComment", c.id),
            "diff_hunk": "@@ -1,1 +1,1 @@",
            "path": c.path,
            "position": 1,
            "original_position": 1,
            "commit_id": c.commit_id,
            "original_commit_id": c.commit_id,
            "user": self.user(c.author),
            "body": c.body,
            "created_at": iso(c.created_at),
            "updated_at": iso(c.updated_at),
            "html_url": web,
            "pull_request_url": f"{api}/pulls/{c.pull_number}",
            "author_association": repo.association(c.author),
            "_links": {
                "self": {"href": f"{api}/pulls/comments/{c.id}"},
                "html": {"href": web},
                "pull_request": {"href": f"{api}/pulls/{c.pull_number}"},
            },
            "start_line": None,
            "original_start_line": None,
            "start_side": None,
            "line": 1,
            "original_line": 1,
            "side": "RIGHT",
            "subject_type": "line",
            "reactions": self.reactions(f"{api}/pulls/comments/{c.id}/reactions"),
        }

    def release_json(self, repo: Repository, rel: Release) -> Json:
        api = f"{self.api}/repos/{repo.full_name}"
        web = f"{self.html}/{repo.full_name}"
        assets = []
        for n, name in enumerate(rel.assets):
            aid = rel.id * 100 + n
            assets.append(
                {
                    "url": f"{api}/releases/assets/{aid}",
                    "browser_download_url": f"{web}/releases/download/{rel.tag_name}/{name}",
                    "id": aid,
                    "node_id": node_id("ReleaseAsset", aid),
                    "name": name,
                    "label": None,
                    "state": "uploaded",
                    "content_type": "application/octet-stream",
                    "size": 1024,
                    "digest": None,
                    "download_count": 0,
                    "created_at": iso(rel.created_at),
                    "updated_at": iso(rel.created_at),
                    "uploader": self.user(rel.author),
                }
            )
        return {
            "url": f"{api}/releases/{rel.id}",
            "html_url": f"{web}/releases/tag/{rel.tag_name}",
            "assets_url": f"{api}/releases/{rel.id}/assets",
            "upload_url": f"{self.api}/uploads/repos/{repo.full_name}/releases/{rel.id}/assets{{?name,label}}",
            "tarball_url": f"{api}/tarball/{rel.tag_name}",
            "zipball_url": f"{api}/zipball/{rel.tag_name}",
            "id": rel.id,
            "node_id": node_id("Release", rel.id),
            "tag_name": rel.tag_name,
            "target_commitish": rel.target_commitish,
            "name": rel.name,
            "body": rel.body,
            "draft": rel.draft,
            "prerelease": rel.prerelease,
            "immutable": False,
            "created_at": iso(rel.created_at),
            "published_at": iso(rel.published_at),
            "author": self.user(rel.author),
            "assets": assets,
        }

    def commit_json(self, repo: Repository, c: Commit) -> Json:
        api = f"{self.api}/repos/{repo.full_name}"
        return {
            "url": f"{api}/commits/{c.sha}",
            "sha": c.sha,
            "node_id": node_id("Commit", int(c.sha[:8], 16)),
            "html_url": f"{self.html}/{repo.full_name}/commit/{c.sha}",
            "comments_url": f"{api}/commits/{c.sha}/comments",
            "commit": {
                "url": f"{api}/git/commits/{c.sha}",
                "author": {"name": c.author_name, "email": c.author_email, "date": iso(c.author_date)},
                "committer": {"name": c.committer_name, "email": c.committer_email, "date": iso(c.committer_date)},
                "message": c.message,
                "tree": {"url": f"{api}/git/trees/{_sha(c.sha, 'tree')}", "sha": _sha(c.sha, "tree")},
                "comment_count": 0,
                "verification": {
                    "verified": False,
                    "reason": "unsigned",
                    "signature": None,
                    "payload": None,
                    "verified_at": None,
                },
            },
            "author": self.user(c.author_login),
            "committer": self.user(c.committer_login),
            "parents": [
                {"url": f"{api}/commits/{p}", "html_url": f"{self.html}/{repo.full_name}/commit/{p}", "sha": p}
                for p in c.parents
            ],
        }

    # ---- handlers: repository and users --------------------------------------------------------
    def get_repo(self, repo: Repository, req: Request) -> Reply:
        return Reply(body=self.repo_json(repo, req.authorised), last_modified=repo.last_updated)

    def get_user(self, login: str) -> Reply:
        a = self.data.users.get(login.lower())
        if a is None:
            return not_found()
        return Reply(body=self.full_user(a), last_modified=a.created_at)

    # ---- issues and pulls ----------------------------------------------------------------------
    def list_issues(self, repo: Repository, req: Request) -> Reply:
        q = req.query
        items = list(repo.issues.values())
        items = _filter_state(items, q.get("state", "open"))
        if since := _since(q):
            items = [i for i in items if i.updated_at >= since]
        if creator := q.get("creator"):
            items = [i for i in items if (i.author or "").lower() == creator.lower()]
        if labels := q.get("labels"):
            want = {x.strip() for x in labels.split(",") if x.strip()}
            items = [i for i in items if want <= set(i.labels)]
        sort = q.get("sort", "created")
        counts = _comment_counts(repo)

        def key(i: Issue) -> Any:
            if sort == "updated":
                return i.updated_at
            if sort == "comments":
                return counts.get(i.number, 0)
            return i.created_at

        items.sort(key=lambda i: (key(i), i.number), reverse=q.get("direction", "desc") != "asc")
        return Reply(items=[self.issue_json(repo, i) for i in items])

    def get_issue(self, repo: Repository, req: Request, number: str) -> Reply:
        i = repo.issues.get(int(number))
        if i is None:
            return not_found()
        return Reply(body=self.issue_json(repo, i), last_modified=i.updated_at)

    def list_pulls(self, repo: Repository, req: Request) -> Reply:
        q = req.query
        items = [i for i in repo.issues.values() if i.is_pull]
        items = _filter_state(items, q.get("state", "open"))
        if base := q.get("base"):
            items = [p for p in items if p.base_ref == base]
        if head := q.get("head"):
            items = [p for p in items if f"{repo.owner}:{p.head_ref}" == head or p.head_ref == head]
        sort = q.get("sort", "created")
        # GitHub: direction defaults to desc only for sort=created, asc for every other sort.
        desc = q.get("direction", "desc" if sort == "created" else "asc") == "desc"
        counts = _comment_counts(repo)

        def key(p: Issue) -> Any:
            if sort == "updated":
                return p.updated_at
            if sort == "popularity":
                return counts.get(p.number, 0)
            if sort == "long-running":
                return -p.created_at.timestamp()  # oldest first when ascending... reversed below
            return p.created_at

        if sort == "long-running":
            desc = not desc  # "long-running" ascending means the longest-running first
        items.sort(key=lambda p: (key(p), p.number), reverse=desc)
        return Reply(items=[self.pull_json(repo, p) for p in items])

    def get_pull(self, repo: Repository, req: Request, number: str) -> Reply:
        p = repo.issues.get(int(number))
        if p is None or not p.is_pull:
            return not_found()
        return Reply(body=self.pull_json(repo, p), last_modified=p.updated_at)

    # ---- comments and reviews ------------------------------------------------------------------
    def list_repo_comments(self, repo: Repository, req: Request) -> Reply:
        items = _sorted_comments(repo.comments, req.query)
        return Reply(items=[self.comment_json(repo, c) for c in items])

    def list_issue_comments(self, repo: Repository, req: Request, number: str) -> Reply:
        n = int(number)
        if n not in repo.issues:
            return not_found()
        items = list(repo.comments_of(n))
        if since := _since(req.query):
            items = [c for c in items if c.updated_at >= since]
        items.sort(key=lambda c: c.id)
        return Reply(items=[self.comment_json(repo, c) for c in items])

    def list_repo_review_comments(self, repo: Repository, req: Request) -> Reply:
        items = _sorted_comments(repo.review_comments, req.query)
        return Reply(items=[self.review_comment_json(repo, c) for c in items])

    def list_pull_review_comments(self, repo: Repository, req: Request, number: str) -> Reply:
        n = int(number)
        p = repo.issues.get(n)
        if p is None or not p.is_pull:
            return not_found()
        items = _sorted_comments(repo.review_comments_of(n), req.query)
        return Reply(items=[self.review_comment_json(repo, c) for c in items])

    def list_reviews(self, repo: Repository, req: Request, number: str) -> Reply:
        n = int(number)
        p = repo.issues.get(n)
        if p is None or not p.is_pull:
            return not_found()
        items = list(repo.reviews_of(n))
        return Reply(items=[self.review_json(repo, r) for r in items])

    # ---- releases, tags, commits ---------------------------------------------------------------
    def list_releases(self, repo: Repository, req: Request) -> Reply:
        items = sorted(repo.releases, key=lambda r: (r.created_at, r.id), reverse=True)
        return Reply(items=[self.release_json(repo, r) for r in items])

    def list_tags(self, repo: Repository, req: Request) -> Reply:
        api = f"{self.api}/repos/{repo.full_name}"
        items = [
            {
                "name": name,
                "commit": {"sha": sha, "url": f"{api}/commits/{sha}"},
                "zipball_url": f"{api}/zipball/refs/tags/{name}",
                "tarball_url": f"{api}/tarball/refs/tags/{name}",
                "node_id": node_id("Ref", sum(map(ord, repo.full_name + name))),
            }
            for name, sha in reversed(list(repo.tags.items()))
        ]
        return Reply(items=items)

    def resolve_ref(self, repo: Repository, ref: str | None) -> str | None:
        if not ref or ref == "HEAD":
            return repo.branches.get(repo.default_branch)
        if ref in repo.branches:
            return repo.branches[ref]
        if ref in repo.tags:
            return repo.tags[ref]
        for name in (ref.removeprefix("refs/heads/"), ref.removeprefix("refs/tags/")):
            if name in repo.branches:
                return repo.branches[name]
            if name in repo.tags:
                return repo.tags[name]
        matches = [s for s in repo.commits if s.startswith(ref)] if len(ref) >= 7 else []
        return matches[0] if len(matches) == 1 else None

    def history(self, repo: Repository, head: str | None) -> list[Commit]:
        return reachable(repo, head)

    def list_commits(self, repo: Repository, req: Request) -> Reply:
        q = req.query
        if not repo.commits:
            return error(409, "Git Repository is empty.")
        head = self.resolve_ref(repo, q.get("sha"))
        if head is None:
            return error(404, f"No commit found for SHA: {q.get('sha')}")
        items = self.history(repo, head)
        if since := _since(q):
            items = [c for c in items if c.committer_date >= since]
        if until := q.get("until"):
            u = ts(until)
            items = [c for c in items if c.committer_date <= u]
        if author := q.get("author"):
            a = author.lower()
            items = [c for c in items if (c.author_login or "").lower() == a or c.author_email.lower() == a]
        if committer := q.get("committer"):
            a = committer.lower()
            items = [c for c in items if (c.committer_login or "").lower() == a or c.committer_email.lower() == a]
        return Reply(items=[self.commit_json(repo, c) for c in items])

    def list_contributors(self, repo: Repository, req: Request) -> Reply:
        if not repo.commits:
            return Reply(204, None, no_store=True)
        counts: dict[str, int] = {}
        anon: dict[tuple[str, str], int] = {}
        for c in self.history(repo, repo.branches.get(repo.default_branch)):
            if c.author_login:
                counts[c.author_login] = counts.get(c.author_login, 0) + 1
            else:
                anon[(c.author_name, c.author_email)] = anon.get((c.author_name, c.author_email), 0) + 1
        items: list[Json] = [
            {**self.user(login), "contributions": n}
            for login, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        if req.query.get("anon") in ("1", "true"):
            items += [
                {"type": "Anonymous", "name": name, "email": email, "contributions": n}
                for (name, email), n in sorted(anon.items(), key=lambda kv: -kv[1])
            ]
        return Reply(items=items)

    def get_stats_contributors(self, repo: Repository, req: Request) -> Reply:
        pending = repo.stats_pending if repo.stats_pending is not None else self.stats_pending
        seen = self._stats_seen.get(repo.id, 0)
        if pending < 0 or seen < pending:  # negative: "still computing" forever
            self._stats_seen[repo.id] = seen + 1
            return Reply(202, {}, no_store=True)
        weeks: dict[str, dict[int, list[int]]] = {}
        for c in self.history(repo, repo.branches.get(repo.default_branch)):
            if not c.author_login or len(c.parents) > 1:  # stats skip merges and unlinked authors
                continue
            day = c.author_date.astimezone(UTC)
            start = (day - timedelta(days=(day.weekday() + 1) % 7)).replace(hour=0, minute=0, second=0)
            w = weeks.setdefault(c.author_login, {}).setdefault(int(start.timestamp()), [0, 0, 0])
            w[0] += c.additions
            w[1] += c.deletions
            w[2] += 1
        body = []
        for login, per_week in sorted(weeks.items(), key=lambda kv: sum(w[2] for w in kv[1].values())):
            body.append(
                {
                    "author": self.user(login),
                    "total": sum(w[2] for w in per_week.values()),
                    "weeks": [{"w": k, "a": v[0], "d": v[1], "c": v[2]} for k, v in sorted(per_week.items())],
                }
            )
        return Reply(body=body)

    # ---- files ---------------------------------------------------------------------------------
    def get_tree(self, repo: Repository, req: Request, sha: str) -> Reply:
        head = self.resolve_ref(repo, sha)
        tree_sha = _sha(head or "", "tree")
        if head is None and sha != tree_sha:
            return error(404, "Not Found")
        api = f"{self.api}/repos/{repo.full_name}"
        recursive = req.query.get("recursive") not in (None, "", "0", "false")
        dirs: set[str] = set()
        for path in repo.files:
            parts = path.split("/")
            dirs.update("/".join(parts[:k]) for k in range(1, len(parts)))
        entries: list[Json] = []
        for d in sorted(dirs):
            if recursive or "/" not in d:
                dsha = _sha(repo.full_name, "dir", d)
                entries.append(
                    {"path": d, "mode": "040000", "type": "tree", "sha": dsha, "url": f"{api}/git/trees/{dsha}"}
                )
        for path, text in sorted(repo.files.items()):
            if recursive or "/" not in path:
                bsha = git_blob_sha(text)
                entries.append(
                    {
                        "path": path,
                        "mode": "100644",
                        "type": "blob",
                        "sha": bsha,
                        "size": len(text.encode()),
                        "url": f"{api}/git/blobs/{bsha}",
                    }
                )
        entries.sort(key=lambda e: e["path"])
        return Reply(body={"sha": tree_sha, "url": f"{api}/git/trees/{tree_sha}", "tree": entries, "truncated": False})

    def content_json(self, repo: Repository, path: str, with_content: bool) -> Json:
        api = f"{self.api}/repos/{repo.full_name}"
        text = repo.files.get(path)
        is_file = text is not None
        sha = git_blob_sha(text) if text is not None else _sha(repo.full_name, "dir", path)
        web = f"{self.html}/{repo.full_name}/{'blob' if is_file else 'tree'}/{repo.default_branch}/{path}"
        git = f"{api}/git/{'blobs' if is_file else 'trees'}/{sha}"
        self_url = f"{api}/contents/{path}?ref={repo.default_branch}"
        out: dict[str, Json] = {
            "type": "file" if is_file else "dir",
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "size": len(text.encode()) if text is not None else 0,
            "url": self_url,
            "html_url": web,
            "git_url": git,
            "download_url": f"{self.html}/raw/{repo.full_name}/{repo.default_branch}/{path}" if is_file else None,
        }
        if with_content and text is not None:
            raw = base64.b64encode(text.encode()).decode()
            # GitHub wraps base64 content at 60 characters with newlines; clients must tolerate it.
            out["content"] = "".join(raw[k : k + 60] + "\n" for k in range(0, len(raw), 60))
            out["encoding"] = "base64"
        out["_links"] = {"self": self_url, "git": git, "html": web}
        return out

    def get_contents(self, repo: Repository, req: Request, path: str = "") -> Reply:
        path = path.strip("/")
        ref = req.query.get("ref")
        if ref and self.resolve_ref(repo, ref) is None:
            return error(404, f"No commit found for the ref {ref}")
        if path in repo.files:
            return Reply(body=self.content_json(repo, path, True))
        prefix = f"{path}/" if path else ""
        children = sorted({p[len(prefix) :].split("/", 1)[0] for p in repo.files if p.startswith(prefix)})
        if not children:
            return not_found()
        return Reply(body=[self.content_json(repo, prefix + c, False) for c in children])

    def get_license(self, repo: Repository, req: Request) -> Reply:
        if repo.license is None:
            return not_found()
        path = next((p for p in sorted(repo.files) if p.upper().startswith(("LICENSE", "COPYING"))), "LICENSE")
        body = self.content_json(repo, path, True) if path in repo.files else {"name": path, "path": path}
        body["license"] = self.license_json(repo)
        return Reply(body=body)

    def get_community(self, repo: Repository, req: Request) -> Reply:
        if repo.fork:
            return not_found()  # GitHub does not compute community profiles for forks
        api = f"{self.api}/repos/{repo.full_name}"
        web = f"{self.html}/{repo.full_name}/blob/{repo.default_branch}"
        prof = repo.community
        if prof is not None:
            files = prof.files
            health = prof.health_percentage
        else:

            def find(*names: str) -> Json:
                for p in sorted(repo.files):
                    base = p.rsplit("/", 1)[-1].upper()
                    if any(base.startswith(n) for n in names) and p.count("/") <= 1:
                        return {"url": f"{api}/contents/{p}", "html_url": f"{web}/{p}"}
                return None

            lic = self.license_json(repo)
            lic_file = find("LICENSE", "COPYING")
            files = {
                "code_of_conduct": None,
                "code_of_conduct_file": find("CODE_OF_CONDUCT"),
                "contributing": find("CONTRIBUTING"),
                "issue_template": find("ISSUE_TEMPLATE"),
                "pull_request_template": find("PULL_REQUEST_TEMPLATE"),
                "license": {**lic, "html_url": lic_file["html_url"] if lic_file else None} if lic else None,
                "readme": find("README"),
            }
            present = [files["readme"], files["contributing"], files["license"], files["code_of_conduct_file"]]
            health = 25 * sum(1 for f in present if f)
        body = {
            "health_percentage": health,
            "description": prof.description if prof else repo.description,
            "documentation": prof.documentation if prof else None,
            "files": files,
            "updated_at": iso(prof.updated_at if prof and prof.updated_at else repo.last_updated),
        }
        if repo.owner_type == "Organization":
            body["content_reports_enabled"] = bool(prof.content_reports_enabled) if prof else False
        return Reply(body=body)

    def get_protection(self, repo: Repository, req: Request, branch: str) -> Reply:
        if branch not in repo.branches and branch != repo.default_branch:
            return error(404, "Branch not found")
        prot = repo.branch_protection.get(branch)
        if prot == "forbidden":
            return error(403, "Must have admin rights to Repository.")
        if prot is None:
            return error(404, "Branch not protected")
        url = f"{self.api}/repos/{repo.full_name}/branches/{branch}/protection"
        return Reply(body={"url": url, **prot})

    def get_branch(self, repo: Repository, req: Request, branch: str) -> Reply:
        sha = repo.branches.get(branch)
        if sha is None:
            return error(404, "Branch not found")
        c = repo.commits.get(sha)
        protected = branch in repo.branch_protection or bool(repo.rules.get(branch))
        body: Json = {
            "name": branch,
            "commit": self.commit_json(repo, c) if c is not None else {"sha": sha},
            "protected": protected,
            "protection": {
                "enabled": protected,
                "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []},
            },
            "protection_url": f"{self.api}/repos/{repo.full_name}/branches/{branch}/protection",
            "_links": {
                "self": f"{self.api}/repos/{repo.full_name}/branches/{branch}",
                "html": f"{self.html}/{repo.full_name}/tree/{branch}",
            },
        }
        return Reply(body=body)

    def get_branch_rules(self, repo: Repository, req: Request, branch: str) -> Reply:
        source = {"ruleset_source_type": "Repository", "ruleset_source": repo.full_name, "ruleset_id": 1}
        return Reply(items=[{**rule, **source} for rule in repo.rules.get(branch, [])])

    def get_commit(self, repo: Repository, req: Request, ref: str) -> Reply:
        sha = self.resolve_ref(repo, ref)
        c = repo.commits.get(sha) if sha else None
        if c is None:
            return error(422, f"No commit found for SHA: {ref}")
        return Reply(
            body={**self.commit_json(repo, c), "files": [], "stats": {"total": 0, "additions": 0, "deletions": 0}}
        )

    # ---- search --------------------------------------------------------------------------------
    def search_issues(self, req: Request) -> Reply:
        q = req.query.get("q")
        if not q:
            return error(422, "Validation Failed", errors=[{"resource": "Search", "field": "q", "code": "missing"}])
        found = search_issues(self.data, q, authorised=req.authorised)
        order = req.query.get("sort")
        if order in ("created", "updated", "comments"):
            counts = {r.id: _comment_counts(r) for r, _ in found}
            found.sort(
                key=lambda ri: (
                    counts[ri[0].id].get(ri[1].number, 0) if order == "comments" else getattr(ri[1], f"{order}_at")
                ),
                reverse=req.query.get("order", "desc") != "asc",
            )
        items = [{**self.issue_json(r, i), "score": 1.0} for r, i in found[:1000]]
        return Reply(items=items, body={"total_count": len(found), "incomplete_results": False})


# ---- search query language (shared with GraphQL search) ------------------------------------------
def _range(value: str) -> Callable[[datetime | None], bool]:
    def day(v: str, end: bool) -> datetime:
        d = ts(v if "T" in v else v + "T00:00:00Z")
        return d + timedelta(days=1) - timedelta(seconds=1) if end and "T" not in v else d

    if ".." in value:
        lo, hi = value.split("..", 1)
        lo_d = None if lo in ("", "*") else day(lo, False)
        hi_d = None if hi in ("", "*") else day(hi, True)
        return lambda x: x is not None and (lo_d is None or x >= lo_d) and (hi_d is None or x <= hi_d)
    compare: dict[str, Callable[[datetime, datetime], bool]] = {
        ">=": operator.ge,
        "<=": operator.le,
        ">": operator.gt,
        "<": operator.lt,
    }
    for op, test in compare.items():
        if value.startswith(op):
            bound = day(value[len(op) :], op in ("<=", ">"))
            return lambda x, t=test, b=bound: x is not None and t(x, b)
    lo_d, hi_d = day(value, False), day(value, True)
    return lambda x: x is not None and lo_d <= x <= hi_d


def search_issues(data: FakeData, query: str, *, authorised: bool) -> list[tuple[Repository, Issue]]:
    """GitHub issue-search qualifiers the metrics use: repo:, org:/user:, is:, state:, author:, dates."""
    repos = [r for r in data.repos.values() if authorised or not r.private]
    checks: list[Callable[[Repository, Issue], bool]] = []
    words: list[str] = []
    for token in query.split():
        key, sep, value = token.partition(":")
        if not sep:
            words.append(token.lower())
            continue
        key = key.lower()
        if key == "repo":
            repos = [r for r in repos if r.full_name.lower() == value.lower()]
        elif key in ("org", "user", "owner"):
            repos = [r for r in repos if r.owner.lower() == value.lower()]
        elif key in ("is", "type", "state"):
            checks.append(_is_check(value.lower()))
        elif key == "author":
            checks.append(_author_check(value.lower()))
        elif key in ("created", "updated", "closed", "merged"):
            test = _range(value)
            checks.append(lambda _r, i, k=key, t=test: t(getattr(i, f"{k}_at")))
        elif key == "draft":
            checks.append(_draft_check(value.lower() == "true"))
    out: list[tuple[Repository, Issue]] = []
    for r in repos:
        for i in r.issues.values():
            if all(c(r, i) for c in checks) and all(w in (i.title + " " + i.body).lower() for w in words):
                out.append((r, i))
    out.sort(key=lambda ri: ri[1].created_at, reverse=True)
    return out


def _author_check(login: str) -> Callable[[Repository, Issue], bool]:
    return lambda _r, i: (i.author or "").lower() == login


def _draft_check(draft: bool) -> Callable[[Repository, Issue], bool]:
    return lambda _r, i: i.is_pull and i.draft == draft


def _is_check(value: str) -> Callable[[Repository, Issue], bool]:
    table: dict[str, Callable[[Repository, Issue], bool]] = {
        "issue": lambda _r, i: not i.is_pull,
        "pr": lambda _r, i: i.is_pull,
        "pull-request": lambda _r, i: i.is_pull,
        "open": lambda _r, i: i.state == "open",
        "closed": lambda _r, i: i.state == "closed",
        "merged": lambda _r, i: i.merged_at is not None,
        "unmerged": lambda _r, i: i.is_pull and i.merged_at is None,
        "draft": lambda _r, i: i.is_pull and i.draft,
    }
    return table.get(value, lambda _r, _i: True)


_C = TypeVar("_C", IssueComment, ReviewComment)


# ---- helpers --------------------------------------------------------------------------------------
def _sha(*parts: object) -> str:
    from .data import fake_sha

    return fake_sha(*parts)


def _since(q: dict[str, str]) -> datetime | None:
    v = q.get("since")
    return ts(v) if v else None


def _filter_state(items: list[Issue], state: str) -> list[Issue]:
    if state == "all":
        return items
    return [i for i in items if i.state == state]


def _comment_counts(repo: Repository) -> dict[int, int]:
    counts: dict[int, int] = {}
    for c in repo.comments:
        counts[c.issue_number] = counts.get(c.issue_number, 0) + 1
    return counts


def _sorted_comments(items: Iterable[_C], q: dict[str, str]) -> list[_C]:
    out = list(items)
    if since := _since(q):
        out = [c for c in out if c.updated_at >= since]
    sort = q.get("sort")
    if sort in ("created", "created_at", "updated"):
        desc = q.get("direction", "asc") == "desc"
        field_name = "updated_at" if sort == "updated" else "created_at"
        out.sort(key=lambda c: (getattr(c, field_name), c.id), reverse=desc)
    else:
        out.sort(key=lambda c: c.id)  # GitHub: ascending id; direction ignored without sort
    return out

"""What the checks look at: the file list at HEAD, a few file contents and some forge settings.

A source (GitHub API or a local checkout) lists every path once, asks ``files_to_read`` which few files
the checks need, reads only those (each at most ``MAX_FILE_BYTES``), and fills in whatever settings it
can see. A field the source cannot know is ``None``; checks then say "inconclusive" instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_FILE_BYTES = 256 * 1024
MAX_WORKFLOWS = 40
MAX_DOCKERFILES = 10
MAX_FILES = 80

# Where GitHub looks for community health files (root, .github/, docs/).
HEALTH_DIRS = ("", ".github", "docs")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MergedPR(_Frozen):
    number: int
    author: str | None = Field(None, description="Login of the pull request author")
    merged_by: str | None = Field(None, description="Login of whoever merged it")
    approvers: tuple[str, ...] = Field((), description="Logins with an APPROVED review")
    author_is_bot: bool = False
    ci_success: bool | None = Field(
        None, description="Whether a CI check run or status succeeded on the head commit; None if unknown"
    )


class ReleaseAssets(_Frozen):
    tag: str
    published_at: datetime | None = None
    asset_names: tuple[str, ...] = ()
    has_notes: bool | None = Field(None, description="Whether the release has a non-empty body")


class BranchProtection(_Frozen):
    """Default-branch protection as far as the token can read it; ``None`` fields were not readable."""

    branch: str
    protected: bool = Field(description="Whether any classic rule or ruleset applies to the branch")
    allow_force_pushes: bool | None = None
    allow_deletions: bool | None = None
    required_approving_review_count: int | None = None
    require_pull_request: bool | None = None
    require_up_to_date: bool | None = None
    require_last_push_approval: bool | None = None
    required_status_checks: tuple[str, ...] | None = None
    require_code_owner_reviews: bool | None = None
    dismiss_stale_reviews: bool | None = None
    enforce_admins: bool | None = None


class RepoSnapshot(_Frozen):
    paths: tuple[str, ...] = Field(description="Every file path at HEAD of the default branch")
    files: Mapping[str, str] = Field(default_factory=dict, description="Contents of the files that were read")
    oversized_files: tuple[str, ...] = Field((), description="Wanted files not read: above MAX_FILE_BYTES")
    tree_truncated: bool = Field(False, description="The forge returned an incomplete file list")
    archived: bool | None = None
    created_at: datetime | None = None
    license_spdx: str | None = Field(None, description="License detected by the forge (None for git)")
    default_branch: str | None = None
    recent_merged_prs: tuple[MergedPR, ...] | None = None
    commits_recent: int | None = None
    issue_activity_recent: int | None = Field(
        None, description="Issues created or commented by maintainers in the recent window"
    )
    activity_window_days: int | None = Field(
        None, description="Days over which commits_recent/issue_activity_recent were counted"
    )
    issues_answered_share: float | None = Field(None, ge=0, le=1)
    releases: tuple[ReleaseAssets, ...] | None = None
    branch_protection: BranchProtection | None = None
    branch_protection_unavailable_reason: str | None = None
    private_vulnerability_reporting: bool | None = None
    community_health_percentage: int | None = Field(None, ge=0, le=100)
    source: Literal["github", "git"]
    as_of: datetime


# --- path helpers (shared by files_to_read and the checks) --------------------------------------------


def split(path: str) -> tuple[str, str]:
    """(directory, lower-cased base name); the directory is lower-cased too."""
    low = path.lower()
    head, _, name = low.rpartition("/")
    return head, name


def is_workflow(path: str) -> bool:
    head, name = split(path)
    return head == ".github/workflows" and name.endswith((".yml", ".yaml"))


def is_security_policy(path: str) -> bool:
    head, name = split(path)
    return head in (*HEALTH_DIRS, "doc") and (name == "security" or name.startswith("security."))


DEPENDABOT = (".github/dependabot.yml", ".github/dependabot.yaml")
RENOVATE_NAMES = ("renovate.json", "renovate.json5", ".renovaterc", ".renovaterc.json", ".renovaterc.json5")
SCALA_STEWARD = (".scala-steward.conf", ".github/.scala-steward.conf", ".config/.scala-steward.conf")


def dependency_tool(path: str) -> str | None:
    """Which dependency update tool a path configures, if any."""
    low = path.lower()
    head, name = split(path)
    if low in DEPENDABOT:
        return "Dependabot"
    if name in RENOVATE_NAMES and head in ("", ".github", ".gitlab"):
        return "Renovate"
    if low in SCALA_STEWARD:
        return "Scala Steward"
    return None


def is_health_doc(path: str, *prefixes: str) -> bool:
    head, name = split(path)
    return head in HEALTH_DIRS and name.startswith(prefixes)


def is_license(path: str) -> bool:
    head, name = split(path)
    if head == "licenses":
        return True
    return head == "" and name.startswith(("license", "licence", "copying", "copyright"))


def is_codeowners_or_maintainers(path: str) -> bool:
    head, name = split(path)
    if head in HEALTH_DIRS and (name == "codeowners" or name.startswith("maintainers")):
        return True
    # Kubernetes-style OWNERS files sit in every directory; only the root one names the project's owners.
    return head == "" and name in ("owners", "owners_aliases")


def is_changelog(path: str) -> bool:
    head, name = split(path)
    return head in ("", "docs") and name.startswith(("changelog", "changes", "history", "news", "releases"))


def is_dockerfile(path: str) -> bool:
    _, name = split(path)
    return name == "dockerfile" or name.endswith(".dockerfile") or name.startswith("dockerfile.")


def is_funding(path: str) -> bool:
    return path.lower() in (".github/funding.yml", ".github/funding.yaml")


ISSUE_TEMPLATE_CONFIG = (".github/issue_template/config.yml", ".github/issue_template/config.yaml")


def files_to_read(paths: Sequence[str]) -> list[str]:
    """The few files whose contents the checks need, chosen by name only (never by repository size).

    Presence-only files (issue/PR templates, decision records, LICENSES/*) are not read.
    """
    workflows: list[str] = []
    dockerfiles: list[str] = []
    others: list[str] = []
    readmes: list[str] = []
    for path in paths:
        low = path.lower()
        head, name = split(path)
        if is_workflow(path):
            workflows.append(path)
        elif is_dockerfile(path):
            dockerfiles.append(path)
        elif head == "" and name.startswith("readme"):
            readmes.append(path)
        elif (
            is_security_policy(path)
            or dependency_tool(path) is not None
            or is_health_doc(path, "governance", "code_of_conduct", "code-of-conduct", "contributing")
            or is_codeowners_or_maintainers(path)
            or is_funding(path)
            or (is_changelog(path) and head == "")
            or (is_license(path) and head == "")
            or low in ISSUE_TEMPLATE_CONFIG
            or (head == "" and name.startswith(("steering", "charter")))
        ):
            others.append(path)
    # Shallow Dockerfiles first: the root image is the one a user builds.
    dockerfiles.sort(key=lambda p: (p.count("/"), p))
    readmes.sort(key=lambda p: (not p.lower().startswith("readme.md"), p))
    chosen = sorted(workflows)[:MAX_WORKFLOWS] + dockerfiles[:MAX_DOCKERFILES] + readmes[:1] + sorted(others)
    return chosen[:MAX_FILES]


__all__ = [
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "BranchProtection",
    "MergedPR",
    "ReleaseAssets",
    "RepoSnapshot",
    "files_to_read",
]

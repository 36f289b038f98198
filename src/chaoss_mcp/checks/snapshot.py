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


# Document formats only: a root ``security.py`` or ``security.go`` is code, not a policy.
SECURITY_POLICY_NAMES = frozenset(
    {"security", "security.md", "security.markdown", "security.adoc", "security.rst", "security.txt"}
)


def is_security_policy(path: str) -> bool:
    head, name = split(path)
    return head in (*HEALTH_DIRS, "doc") and name in SECURITY_POLICY_NAMES


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


DOC_SUFFIXES = ("", ".md", ".markdown", ".rst", ".txt", ".adoc", ".asciidoc", ".org")


def is_health_doc(path: str, *prefixes: str) -> bool:
    """A document (by extension) in the root, .github/ or docs/ whose name is one of ``prefixes``.

    ``GOVERNANCE.md`` and ``governance.rst`` match "governance"; ``governance.png`` does not.
    """
    head, name = split(path)
    if head not in HEALTH_DIRS:
        return False
    stem, dot, suffix = name.partition(".")
    return stem in prefixes and (dot + suffix) in DOC_SUFFIXES


def is_license(path: str) -> bool:
    head, name = split(path)
    if head == "licenses":
        return True
    return head == "" and name.startswith(("license", "licence", "copying", "copyright"))


def is_codeowners_or_maintainers(path: str) -> bool:
    head, name = split(path)
    if head in HEALTH_DIRS and name == "codeowners":
        return True
    if is_health_doc(path, "maintainers"):
        return True
    # Kubernetes-style OWNERS files sit in every directory; only the root one names the project's owners.
    return head == "" and (name in ("owners", "owners_aliases") or is_health_doc(path, "owners"))


def is_dockerfile(path: str) -> bool:
    _, name = split(path)
    return name == "dockerfile" or name.endswith(".dockerfile") or name.startswith("dockerfile.")


def reuse_license_id(path: str) -> str | None:
    """The SPDX id a REUSE-style ``LICENSES/<id>.txt`` file names, e.g. ``LICENSES/MIT.txt`` -> MIT."""
    head, _, name = path.rpartition("/")
    if head.lower() != "licenses":
        return None
    stem = name[: -len(".txt")] if name.lower().endswith(".txt") else name
    return stem or None


def files_to_read(paths: Sequence[str]) -> list[str]:
    """The few files whose contents the checks need, chosen by name only (never by repository size).

    Files judged by presence alone (dependency tool configuration, changelog, templates, funding,
    decision records, LICENSES/*) are not read: every read is one request on the GitHub source.
    """
    workflows: list[str] = []
    dockerfiles: list[str] = []
    others: list[str] = []
    for path in paths:
        head, _ = split(path)
        if is_workflow(path):
            workflows.append(path)
        elif is_dockerfile(path):
            dockerfiles.append(path)
        elif (
            is_security_policy(path)
            or is_health_doc(path, "governance", "code_of_conduct", "code-of-conduct", "contributing")
            or is_codeowners_or_maintainers(path)
            or (is_license(path) and head == "")
        ):
            others.append(path)
    # Shallow Dockerfiles first: the root image is the one a user builds.
    dockerfiles.sort(key=lambda p: (p.count("/"), p))
    # The community documents first: they are few, and a long list of workflows must not crowd them out.
    chosen = sorted(others) + sorted(workflows)[:MAX_WORKFLOWS] + dockerfiles[:MAX_DOCKERFILES]
    return chosen[:MAX_FILES]


__all__ = [
    "MAX_DOCKERFILES",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_WORKFLOWS",
    "BranchProtection",
    "MergedPR",
    "ReleaseAssets",
    "RepoSnapshot",
    "dependency_tool",
    "files_to_read",
    "is_codeowners_or_maintainers",
    "is_dockerfile",
    "is_health_doc",
    "is_license",
    "is_security_policy",
    "is_workflow",
    "reuse_license_id",
    "split",
]

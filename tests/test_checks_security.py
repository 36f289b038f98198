"""Each Scorecard-style check on hand-built snapshots, with the built-in spec's parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chaoss_mcp.checks import CheckResult
from chaoss_mcp.checks.security import (
    binary_artifacts,
    branch_protection,
    ci_tests,
    code_review,
    dangerous_workflow,
    dependency_update_tool,
    detect_spdx,
    dockerfile_images,
    license_check,
    maintained,
    pinned_dependencies,
    run_security_checks,
    security_policy,
    signed_releases,
    token_permissions,
)
from chaoss_mcp.checks.snapshot import BranchProtection, MergedPR, ReleaseAssets, RepoSnapshot
from chaoss_mcp.errors import SpecError
from chaoss_mcp.specs import CheckSpec, load_specs

AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
SHA = "b4ffde65f46336ab88eb53be808477a3936bae11"
SPEC_CHECKS: list[CheckSpec] = load_specs().metrics["security_practices"].spec.checks


def params(check_id: str) -> dict[str, Any]:
    return next(c.parameters for c in SPEC_CHECKS if c.id == check_id)


def snap(files: dict[str, str] | None = None, paths: tuple[str, ...] | None = None, **fields: Any) -> RepoSnapshot:
    files = files or {}
    fields.setdefault("source", "github")
    fields.setdefault("as_of", AS_OF)
    return RepoSnapshot(paths=paths if paths is not None else tuple(files), files=files, **fields)


def assert_ok(result: CheckResult, score: float) -> None:
    assert result.status == "ok", result
    assert result.score == score, result
    assert result.reason
    assert bool(result.remediation) == (score < 10), result


# --- Security-Policy ---------------------------------------------------------------------------------

FULL_POLICY = """# Security policy

## Supported versions

| Version | Supported |
| ------- | --------- |
| 2.x     | yes       |
| 1.x     | no        |

## Reporting a vulnerability

Please report vulnerabilities privately to security@example.org. We acknowledge reports within 3 days,
agree on a fix and a disclosure date with you, and publish an advisory within 90 days.
"""


def test_a_policy_with_contact_process_and_supported_versions_scores_full() -> None:
    result = security_policy(snap({"SECURITY.md": FULL_POLICY}), params("Security-Policy"))
    assert_ok(result, 10)
    assert result.evidence[0] == f"SECURITY.md ({len(FULL_POLICY)} characters)"
    assert "contact: 1 email address(es), 0 link(s)" in result.evidence
    assert any(e.startswith("supported versions: stated") for e in result.evidence)
    assert "supported versions" in result.reason and "contact" in result.reason


def test_a_policy_that_is_only_a_link_earns_the_contact_points_alone() -> None:
    result = security_policy(snap({".github/SECURITY.md": "https://example.org/security"}), params("Security-Policy"))
    assert_ok(result, 6)
    assert "an explanation beyond bare links" in result.reason
    assert "the supported versions" in result.reason
    assert ".github/SECURITY.md" in result.remediation


def test_a_policy_without_any_contact_loses_the_contact_points() -> None:
    text = "We take vulnerabilities seriously and coordinate disclosure with reporters."
    result = security_policy(snap({"SECURITY.md": text}), params("Security-Policy"))
    assert_ok(result, 4)  # free text 3 + disclosure wording 1
    assert "a private contact" in result.reason


def test_private_vulnerability_reporting_counts_as_the_contact() -> None:
    text = "Use the Report a vulnerability button. We answer within 5 days and disclose after a fix."
    result = security_policy(
        snap({"SECURITY.md": text}, private_vulnerability_reporting=True), params("Security-Policy")
    )
    assert_ok(result, 10)
    assert "private vulnerability reporting: enabled" in result.evidence


def test_a_policy_scoring_full_still_says_when_supported_versions_are_missing() -> None:
    text = "Report vulnerabilities to security@example.org; we disclose them once fixed."
    result = security_policy(snap({"SECURITY.md": text}), params("Security-Policy"))
    assert result.score == 10
    assert "supported versions: not stated" in result.evidence
    assert "lacks the supported versions" in result.reason


def test_no_policy_scores_zero_unless_private_reporting_is_enabled() -> None:
    none = security_policy(snap(paths=("README.md",)), params("Security-Policy"))
    assert_ok(none, 0)
    assert "private vulnerability reporting: unknown" in none.evidence
    pvr = security_policy(snap(paths=("README.md",), private_vulnerability_reporting=True), params("Security-Policy"))
    assert_ok(pvr, 6)
    assert "private vulnerability reporting is enabled" in pvr.reason


def test_a_policy_too_large_to_read_is_inconclusive_not_zero() -> None:
    result = security_policy(snap(paths=("SECURITY.md",), oversized_files=("SECURITY.md",)), params("Security-Policy"))
    assert result.status == "inconclusive" and result.score is None
    assert result.evidence[0] == "SECURITY.md exists but was not read (too large)"


def test_a_truncated_file_list_without_a_policy_is_inconclusive() -> None:
    result = security_policy(snap(paths=("README.md",), tree_truncated=True), params("Security-Policy"))
    assert result.status == "inconclusive"


def test_the_root_policy_is_preferred_and_code_named_security_is_ignored() -> None:
    files = {"security.py": "x = 1", "docs/SECURITY.md": "short", "SECURITY.md": FULL_POLICY}
    result = security_policy(snap(files), params("Security-Policy"))
    assert result.evidence[0].startswith("SECURITY.md ")


# --- License -----------------------------------------------------------------------------------------

MIT_TEXT = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy..."
APACHE_TEXT = "                                 Apache License\n                           Version 2.0, January 2004"


def test_an_osi_license_detected_by_the_forge_scores_ten() -> None:
    result = license_check(snap({"LICENSE": MIT_TEXT}, license_spdx="MIT"), params("License"))
    assert_ok(result, 10)
    assert result.evidence == ["LICENSE", "SPDX id: MIT (detected by the forge)", "FSF/OSI-approved: yes"]


def test_without_the_forge_the_license_is_recognised_from_its_text() -> None:
    result = license_check(snap({"LICENSE.txt": APACHE_TEXT}, source="git"), params("License"))
    assert_ok(result, 10)
    assert "SPDX id: Apache-2.0 (from the text of LICENSE.txt)" in result.evidence


def test_a_reuse_licenses_directory_gives_the_spdx_id_from_the_file_name() -> None:
    result = license_check(snap(paths=("LICENSES/MPL-2.0.txt", "src/a.py"), source="git"), params("License"))
    assert_ok(result, 10)
    assert "SPDX id: MPL-2.0 (from the REUSE file name LICENSES/MPL-2.0.txt)" in result.evidence


def test_an_unrecognised_license_file_earns_the_file_points_only() -> None:
    result = license_check(snap({"COPYING": "All rights reserved, ask us."}, source="git"), params("License"))
    assert_ok(result, 9)
    assert "SPDX id: not recognised" in result.evidence and "FSF/OSI-approved: unknown" in result.evidence


def test_a_source_available_license_is_named_and_not_counted_as_approved() -> None:
    result = license_check(snap({"LICENSE": "..."}, license_spdx="BUSL-1.1"), params("License"))
    assert_ok(result, 9)
    assert "BUSL-1.1" in result.reason and "FSF/OSI-approved: no" in result.evidence


def test_no_license_scores_zero() -> None:
    assert_ok(license_check(snap(paths=("README.md",)), params("License")), 0)


@pytest.mark.parametrize(
    ("text", "spdx"),
    [
        ("// SPDX-License-Identifier: Apache-2.0 OR MIT", "Apache-2.0"),
        (MIT_TEXT, "MIT"),
        ("GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007", "GPL-3.0"),
        ("GNU LESSER GENERAL PUBLIC LICENSE\nVersion 2.1, February 1999", "LGPL-2.1"),
        ("Redistribution and use in source and binary forms ... Neither the name of", "BSD-3-Clause"),
        ("Something bespoke", None),
    ],
)
def test_detect_spdx_recognises_standard_license_texts(text: str, spdx: str | None) -> None:
    assert detect_spdx(text) == spdx


# --- Dependency-Update-Tool --------------------------------------------------------------------------


def test_dependabot_or_renovate_configuration_scores_ten_with_the_file_as_evidence() -> None:
    result = dependency_update_tool(snap(paths=(".github/dependabot.yml",)), {})
    assert_ok(result, 10)
    assert result.evidence == [".github/dependabot.yml: Dependabot configuration"]
    renovate = dependency_update_tool(snap(paths=("renovate.json",)), {})
    assert renovate.score == 10 and "Renovate" in renovate.reason


def test_merged_pull_requests_from_an_update_bot_count_without_a_configuration_file() -> None:
    prs = (MergedPR(number=7, author="dependabot[bot]", author_is_bot=True),)
    result = dependency_update_tool(snap(paths=("README.md",), recent_merged_prs=prs), {})
    assert_ok(result, 10)
    assert result.evidence == ["merged pull request #7 by dependabot[bot]"]


def test_no_dependency_update_tool_scores_zero() -> None:
    result = dependency_update_tool(snap(paths=("README.md",)), {})
    assert_ok(result, 0)
    assert "dependabot.yml" in result.remediation


# --- CI-Tests ----------------------------------------------------------------------------------------

CI_ON_PR = """
on: [push, pull_request]
permissions: read-all
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pytest -q
"""


def test_ci_results_on_merged_pull_requests_are_scored_as_scorecard_does() -> None:
    prs = tuple(
        MergedPR(number=n, author="a", ci_success=ok) for n, ok in ((1, True), (2, True), (3, True), (4, False))
    )
    result = ci_tests(snap(paths=(), recent_merged_prs=prs), params("CI-Tests"))
    assert_ok(result, 7)  # floor(10 * 3 / 4)
    assert result.evidence == [
        "3 of 4 recently merged pull requests passed a CI check",
        "merged without a passing CI check: #4",
    ]


def test_a_workflow_running_tests_on_pull_requests_scores_ten() -> None:
    result = ci_tests(snap({".github/workflows/ci.yml": CI_ON_PR}), params("CI-Tests"))
    assert_ok(result, 10)
    assert result.evidence[0].startswith(".github/workflows/ci.yml: on pull_request; runs tests (")


def test_a_workflow_on_push_only_does_not_test_pull_requests() -> None:
    text = CI_ON_PR.replace("[push, pull_request]", "[push]")
    result = ci_tests(snap({".github/workflows/ci.yml": text}), params("CI-Tests"))
    assert_ok(result, 0)
    assert "no workflow triggered on pull_request, pull_request_target or merge_group" in result.evidence


def test_a_pull_request_workflow_without_a_test_step_scores_zero_and_says_so() -> None:
    text = CI_ON_PR.replace("pytest -q", "ruff check .").replace("  test:", "  lint:")
    result = ci_tests(snap({".github/workflows/lint.yml": text}), params("CI-Tests"))
    assert_ok(result, 0)
    assert ".github/workflows/lint.yml: runs on pull requests, no test step recognised" in result.evidence


def test_another_ci_service_configuration_counts() -> None:
    result = ci_tests(snap(paths=(".travis.yml",)), params("CI-Tests"))
    assert_ok(result, 10)
    assert "CI configuration for Travis CI" in result.evidence


# --- Code-Review -------------------------------------------------------------------------------------

REVIEWED_MIX = (
    MergedPR(number=1, author="alice", approvers=("bob",), merged_by="alice"),  # approved by another person
    MergedPR(number=2, author="alice", approvers=("alice",), merged_by="alice"),  # self-approved and self-merged
    MergedPR(number=3, author="carol", merged_by="bob"),  # merged by someone else: Scorecard's implicit review
    MergedPR(number=4, author="dependabot[bot]", author_is_bot=True, merged_by="dependabot[bot]"),  # unreviewed bot
    MergedPR(number=5, author="renovate[bot]", author_is_bot=True, approvers=("bob",)),  # reviewed bot: skipped
)


def test_code_review_is_the_share_of_changes_approved_by_someone_else() -> None:
    result = code_review(snap(paths=(), recent_merged_prs=REVIEWED_MIX), params("Code-Review"))
    assert_ok(result, 5)  # 2 of 4
    assert result.evidence[0] == "2 of 4 recently merged pull requests approved by someone other than the author"
    assert "merged without another person's approval: #2, #4" in result.evidence


def test_without_the_merger_rule_only_explicit_approvals_count() -> None:
    parameters = {**params("Code-Review"), "count_merger_as_reviewer": False}
    result = code_review(snap(paths=(), recent_merged_prs=REVIEWED_MIX), parameters)
    assert_ok(result, 2)  # 1 of 4
    assert "#3" in result.evidence[-1]


def test_code_review_is_inconclusive_where_reviews_cannot_be_seen() -> None:
    git = code_review(snap(paths=(), source="git"), params("Code-Review"))
    assert git.status == "inconclusive" and "local history cannot show reviews" in git.reason
    none = code_review(snap(paths=(), recent_merged_prs=()), params("Code-Review"))
    assert none.status == "inconclusive" and none.evidence == ["no recently merged pull requests"]
    bots = code_review(snap(paths=(), recent_merged_prs=REVIEWED_MIX[3:]), params("Code-Review"))
    assert bots.status == "inconclusive" and "came from a bot" in bots.reason


# --- Maintained --------------------------------------------------------------------------------------


def test_an_archived_repository_scores_zero_whatever_its_activity() -> None:
    result = maintained(snap(paths=(), archived=True, commits_recent=50), params("Maintained"))
    assert_ok(result, 0)
    assert result.evidence == ["archived: yes"] and "archived" in result.reason


def test_a_repository_younger_than_ninety_days_scores_zero() -> None:
    created = AS_OF - timedelta(days=30)
    result = maintained(snap(paths=(), created_at=created, commits_recent=50), params("Maintained"))
    assert_ok(result, 0)
    assert "30 days old" in result.reason


def test_one_activity_per_week_earns_full_marks() -> None:
    result = maintained(
        snap(paths=(), archived=False, commits_recent=8, issue_activity_recent=4, activity_window_days=90),
        params("Maintained"),
    )
    assert_ok(result, 10)
    assert result.evidence[:3] == [
        "8 commit(s) in the last 90 days",
        "4 issue(s) with maintainer activity in the last 90 days",
        "archived: no",
    ]


def test_a_quiet_project_that_answers_its_issues_is_finished_and_stable_not_dead() -> None:
    quiet = snap(
        paths=(), commits_recent=1, issue_activity_recent=1, issues_answered_share=0.9, activity_window_days=90
    )
    result = maintained(quiet, params("Maintained"))
    assert_ok(result, 5)  # raised from floor(10 * 2 / 12) = 1 to the stable floor
    assert result.reason.startswith("Finished and stable, not dead")
    assert "90% of the issues opened in the last 90 days were answered" in result.evidence


def test_a_quiet_project_that_leaves_issues_unanswered_keeps_scorecards_score() -> None:
    quiet = snap(
        paths=(), commits_recent=1, issue_activity_recent=2, issues_answered_share=0.4, activity_window_days=90
    )
    result = maintained(quiet, params("Maintained"))
    assert_ok(result, 2)  # floor(10 * 3 / 12)
    assert "against 12 for full marks" in result.reason


def test_no_activity_and_no_new_issues_does_not_claim_the_project_is_dead() -> None:
    result = maintained(snap(paths=(), commits_recent=0, issue_activity_recent=0), params("Maintained"))
    assert_ok(result, 0)
    assert "may be finished rather than abandoned" in result.reason
    assert "no issues were opened in the last 90 days" in result.evidence


def test_on_a_local_history_few_commits_are_inconclusive_not_dead() -> None:
    result = maintained(snap(paths=(), source="git", commits_recent=2, activity_window_days=90), params("Maintained"))
    assert result.status == "inconclusive" and result.score is None
    assert "cannot be told from an abandoned one" in result.reason
    assert "issue activity: unknown (the source has no issues)" in result.evidence


def test_on_a_local_history_enough_commits_give_a_lower_bound_score() -> None:
    some = maintained(snap(paths=(), source="git", commits_recent=7, activity_window_days=90), params("Maintained"))
    assert_ok(some, 5)
    assert "lower bound" in some.reason
    many = maintained(snap(paths=(), source="git", commits_recent=13, activity_window_days=90), params("Maintained"))
    assert_ok(many, 10)


def test_the_window_the_source_counted_over_sets_the_weekly_target() -> None:
    result = maintained(
        snap(paths=(), commits_recent=2, issue_activity_recent=0, activity_window_days=28), params("Maintained")
    )
    assert result.score == 5  # 2 of 4 weeks


def test_maintained_is_inconclusive_when_no_activity_is_known() -> None:
    assert maintained(snap(paths=()), params("Maintained")).status == "inconclusive"


# --- Signed-Releases ---------------------------------------------------------------------------------


def release(tag: str, day: int, *assets: str) -> ReleaseAssets:
    return ReleaseAssets(tag=tag, published_at=datetime(2026, 1, day, tzinfo=UTC), asset_names=assets)


def test_signed_releases_average_signature_and_provenance_points() -> None:
    releases = (
        release("v3", 30, "tool.tar.gz", "multiple.intoto.jsonl"),
        release("v2", 20, "tool.tar.gz", "tool.tar.gz.asc"),
        release("v1", 10, "tool.tar.gz"),
        release("v0", 5),  # no assets: nothing to sign, skipped
    )
    result = signed_releases(snap(paths=(), releases=releases), params("Signed-Releases"))
    assert_ok(result, 6)  # floor((10 + 8 + 0) / 3)
    assert result.evidence == [
        "v3: provenance (multiple.intoto.jsonl)",
        "v2: signature (tool.tar.gz.asc)",
        "v1: 1 asset(s), no signature or provenance",
    ]


def test_only_the_five_latest_releases_with_assets_are_judged() -> None:
    releases = tuple(release(f"v{d}", d, "a.zip", *(["a.zip.sig"] if d <= 2 else [])) for d in range(1, 8))
    result = signed_releases(snap(paths=(), releases=releases), params("Signed-Releases"))
    assert_ok(result, 0)  # v7..v3 are unsigned; the signed v1 and v2 are older
    assert [e.split(":")[0] for e in result.evidence] == ["v7", "v6", "v5", "v4", "v3"]


def test_signatures_without_provenance_score_eight_and_say_what_is_missing() -> None:
    releases = (release("v2", 2, "a.zip", "a.zip.sigstore.json"), release("v1", 1, "a.zip", "a.zip.minisig"))
    result = signed_releases(snap(paths=(), releases=releases), params("Signed-Releases"))
    assert_ok(result, 8)
    assert "none of them carries provenance" in result.reason


def test_signed_releases_are_inconclusive_without_releases_with_assets() -> None:
    git = signed_releases(snap(paths=(), source="git"), params("Signed-Releases"))
    assert git.status == "inconclusive" and "local history" in git.reason
    bare = (ReleaseAssets(tag="v1"), release("v2", 2))
    no_assets = signed_releases(snap(paths=(), releases=bare), params("Signed-Releases"))
    assert no_assets.status == "inconclusive" and no_assets.evidence == ["2 release(s), none with downloadable assets"]


# --- Branch-Protection -------------------------------------------------------------------------------


def protection(**settings: Any) -> BranchProtection:
    return BranchProtection(branch="main", protected=True, **settings)


FULL_PROTECTION = {
    "allow_force_pushes": False,
    "allow_deletions": False,
    "required_approving_review_count": 2,
    "require_pull_request": True,
    "require_up_to_date": True,
    "require_last_push_approval": True,
    "required_status_checks": ("ci",),
    "require_code_owner_reviews": True,
    "dismiss_stale_reviews": True,
    "enforce_admins": True,
}


def test_full_protection_with_a_codeowners_file_scores_ten() -> None:
    result = branch_protection(
        snap(paths=(".github/CODEOWNERS",), branch_protection=protection(**FULL_PROTECTION)),
        params("Branch-Protection"),
    )
    assert_ok(result, 10)
    assert result.evidence[0] == "branch main" and "force pushes blocked: yes" in result.evidence


@pytest.mark.parametrize(
    ("changes", "score", "missing"),
    [
        ({"allow_force_pushes": True}, 1, "force pushes blocked"),  # 1 of 2 in tier 1: 1.5, floored
        ({"required_approving_review_count": 0}, 4, "at least 1 required approving review"),  # 3 + 3 * 3/5
        ({"required_status_checks": ()}, 6, "at least 1 required status check"),
        ({"required_approving_review_count": 1}, 8, "at least 2 required approving reviews"),  # 8 + 1 * 1/2
        ({"enforce_admins": False}, 9, "rules enforced on admins"),
    ],
)
def test_branch_protection_tiers_must_be_complete_before_the_next_counts(
    changes: dict[str, Any], score: int, missing: str
) -> None:
    settings = {**FULL_PROTECTION, **changes}
    result = branch_protection(
        snap(paths=(".github/CODEOWNERS",), branch_protection=protection(**settings)), params("Branch-Protection")
    )
    assert_ok(result, score)
    assert missing in result.reason


def test_code_owner_review_without_a_codeowners_file_does_not_count() -> None:
    result = branch_protection(
        snap(paths=(), branch_protection=protection(**FULL_PROTECTION)), params("Branch-Protection")
    )
    assert_ok(result, 8)
    assert "code-owner review required (with a CODEOWNERS file)" in result.reason


def test_settings_only_an_admin_can_read_are_left_out_of_the_maximum() -> None:
    readable = {
        k: v for k, v in FULL_PROTECTION.items() if k not in ("require_up_to_date", "require_last_push_approval")
    }
    result = branch_protection(
        snap(paths=("CODEOWNERS",), branch_protection=protection(**readable)), params("Branch-Protection")
    )
    assert_ok(result, 10)
    assert "branch must be up to date before merging: not readable" in result.evidence
    assert "2 setting(s) not readable were counted as met, as Scorecard does" in result.evidence


def test_an_unprotected_default_branch_scores_zero() -> None:
    result = branch_protection(
        snap(paths=(), branch_protection=BranchProtection(branch="main", protected=False)), params("Branch-Protection")
    )
    assert_ok(result, 0)
    assert result.evidence == ["branch main: no protection rule or ruleset"]


def test_branch_protection_the_token_may_not_read_is_inconclusive_with_the_reason() -> None:
    why = "GitHub does not show branch protection settings to this token (reading them needs admin rights)"
    result = branch_protection(snap(paths=(), branch_protection_unavailable_reason=why), params("Branch-Protection"))
    assert result.status == "inconclusive" and result.score is None
    assert result.evidence == [why] and why in result.reason
    git = branch_protection(snap(paths=(), source="git"), params("Branch-Protection"))
    assert git.status == "inconclusive" and "local checkout has no branch protection" in git.reason
    blind = branch_protection(snap(paths=(), branch_protection=protection()), params("Branch-Protection"))
    assert blind.status == "inconclusive" and "none of its settings could be read" in blind.reason


# --- Token-Permissions -------------------------------------------------------------------------------


def workflow(top: str = "", job: str = "", name: str = "build") -> str:
    return f"on: push\n{top}\njobs:\n  {name}:\n    runs-on: x\n{job}\n    steps:\n      - run: make\n"


@pytest.mark.parametrize(
    ("top", "job", "score"),
    [
        ("permissions: read-all", "", 10),
        ("permissions:\n  contents: read", "    permissions:\n      contents: write", 10),  # job-level writes alone
        ("", "", 0),  # nothing declared anywhere: the token has the repository's default (often write)
        ("", "    permissions:\n      contents: read", 9),  # undeclared top only: -0.5
        ("", "    permissions:\n      contents: write", 9),  # -0.5, and -0.5 for the writing job: 9.0
        ("permissions: write-all", "    permissions: read-all", 9),  # -0.5
        ("permissions: write-all", "", 0),  # and a job that inherits it
        ("permissions:\n  contents: write", "    permissions: read-all", 0),  # -10
        ("permissions:\n  packages: write", "    permissions: read-all", 0),
        ("permissions:\n  deployments: write", "    permissions: read-all", 9),  # -1
        ("permissions:\n  checks: write\n  statuses: write", "    permissions: read-all", 9),  # -0.5 twice
        ("permissions:\n  checks: write", "    permissions:\n      issues: write", 0),  # writes at both levels
    ],
)
def test_token_permissions_follow_scorecards_deductions(top: str, job: str, score: int) -> None:
    result = token_permissions(snap({".github/workflows/build.yml": workflow(top, job)}), {})
    assert_ok(result, score)
    assert result.evidence[0].startswith(".github/workflows/build.yml: ")


def test_deductions_add_up_across_workflows() -> None:
    files = {
        ".github/workflows/a.yml": workflow("", "    permissions: read-all"),
        ".github/workflows/b.yml": workflow("permissions:\n  security-events: write", "    permissions: read-all"),
    }
    result = token_permissions(snap(files), {})
    assert_ok(result, 8)  # 10 - 0.5 - 1 = 8.5, floored
    assert ".github/workflows/a.yml, .github/workflows/b.yml" in result.reason


def test_token_permissions_are_inconclusive_without_readable_workflows() -> None:
    none = token_permissions(snap(paths=("README.md",)), {})
    assert none.status == "inconclusive" and none.evidence == ["no GitHub Actions workflows"]
    broken = token_permissions(snap({".github/workflows/x.yml": "on: [push\n"}), {})
    assert broken.status == "inconclusive" and broken.evidence[0].startswith(".github/workflows/x.yml: could not parse")
    unread = token_permissions(snap(paths=(".github/workflows/big.yml",)), {})
    assert unread.status == "inconclusive" and "not read" in unread.evidence[0]


# --- Pinned-Dependencies -----------------------------------------------------------------------------


def steps(*uses: str) -> str:
    lines = "".join(f"      - uses: {u}\n" for u in uses)
    return f"on: push\njobs:\n  build:\n    runs-on: x\n    steps:\n{lines}"


def test_github_owned_and_third_party_actions_are_weighted_two_and_eight() -> None:
    text = steps(f"actions/checkout@{SHA}", f"actions/setup-go@{SHA}", f"golangci/golangci-lint-action@{SHA}",
                 "codecov/codecov-action@v4")  # fmt: skip
    result = pinned_dependencies(snap({".github/workflows/ci.yml": text}), params("Pinned-Dependencies"))
    assert_ok(result, 6)  # floor(10 * (2*2 + 1*8) / (2*2 + 2*8))
    assert "GitHub-owned actions: 2 of 2 pinned" in result.evidence
    assert "third-party actions: 1 of 2 pinned" in result.evidence
    assert ".github/workflows/ci.yml job build step 4: codecov/codecov-action@v4" in result.evidence


def test_a_single_kind_of_action_gets_the_whole_weight() -> None:
    text = steps(f"actions/checkout@{SHA}", "actions/setup-node@v4")
    result = pinned_dependencies(snap({".github/workflows/ci.yml": text}), params("Pinned-Dependencies"))
    assert_ok(result, 5)


DOCKERFILE = f"""FROM --platform=$BUILDPLATFORM golang:1.22 AS build
RUN go build ./...
FROM python:3.12-slim@sha256:{"c" * 64}
COPY --from=build /out /app
FROM build AS test
FROM scratch
"""


def test_dockerfile_from_lines_count_when_pinned_by_digest_and_stages_are_skipped() -> None:
    assert dockerfile_images(DOCKERFILE) == [("golang:1.22", False), (f"python:3.12-slim@sha256:{'c' * 64}", True)]
    result = pinned_dependencies(snap({"Dockerfile": DOCKERFILE}), params("Pinned-Dependencies"))
    assert_ok(result, 5)
    assert "container images: 1 of 2 pinned" in result.evidence
    assert "Dockerfile: FROM golang:1.22" in result.evidence


def test_everything_pinned_scores_ten() -> None:
    files = {
        ".github/workflows/ci.yml": steps(f"actions/checkout@{SHA}", f"docker://alpine@sha256:{'a' * 64}"),
        "Dockerfile": f"FROM alpine@sha256:{'b' * 64}\n",
    }
    result = pinned_dependencies(snap(files), params("Pinned-Dependencies"))
    assert_ok(result, 10)
    assert result.reason == "Every action, image and pip install is pinned by hash."


def test_unpinned_pip_installs_in_workflows_count_against_the_score() -> None:
    text = f"on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@{SHA}\n" \
           "      - run: pip install -r requirements.txt\n"  # fmt: skip
    result = pinned_dependencies(snap({".github/workflows/ci.yml": text}), params("Pinned-Dependencies"))
    assert_ok(result, 5)
    assert "pip installs: 0 of 1 pinned" in result.evidence


def test_pinning_is_inconclusive_when_there_is_nothing_to_pin() -> None:
    result = pinned_dependencies(snap(paths=("README.md",)), params("Pinned-Dependencies"))
    assert result.status == "inconclusive"


# --- Dangerous-Workflow ------------------------------------------------------------------------------

PWN = """
on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.ref }}
      - run: make
"""
INJECT = """
on: issue_comment
jobs:
  reply:
    runs-on: ubuntu-latest
    steps:
      - name: greet
        run: echo "${{ github.event.issue.title }}"
"""


def test_checking_out_the_pull_request_head_in_pull_request_target_scores_zero() -> None:
    result = dangerous_workflow(snap({".github/workflows/pwn.yml": PWN}), {})
    assert_ok(result, 0)
    assert result.evidence == [
        ".github/workflows/pwn.yml job build step 1: checks out untrusted code "
        "(ref: ${{ github.event.pull_request.head.ref }}) in a pull_request_target workflow"
    ]
    assert "checks out untrusted pull request code" in result.reason


def test_an_issue_title_in_a_run_step_scores_zero() -> None:
    result = dangerous_workflow(snap({".github/workflows/reply.yml": INJECT}), {})
    assert_ok(result, 0)
    assert result.evidence == [
        ".github/workflows/reply.yml job reply step 1 (greet): run: interpolates untrusted github.event.issue.title"
    ]
    assert "attacker-controlled text" in result.reason and "env:" in result.remediation


def test_safe_workflows_score_ten_and_no_workflows_is_inconclusive() -> None:
    safe = dangerous_workflow(snap({".github/workflows/ci.yml": CI_ON_PR}), {})
    assert_ok(safe, 10)
    assert safe.evidence == ["1 workflow(s) checked"]
    assert dangerous_workflow(snap(paths=()), {}).status == "inconclusive"


# --- Binary-Artifacts --------------------------------------------------------------------------------


def test_each_binary_artifact_costs_a_point() -> None:
    paths = ("bin/tool.exe", "lib/native.so", "gradle/wrapper/gradle-wrapper.jar", "src/main.c", "README.md")
    result = binary_artifacts(snap(paths=paths), params("Binary-Artifacts"))
    assert_ok(result, 7)
    assert {"bin/tool.exe", "lib/native.so", "gradle/wrapper/gradle-wrapper.jar"} <= set(result.evidence)
    assert any("gradle-wrapper.jar is counted" in e for e in result.evidence)


def test_binary_artifacts_floor_at_zero_and_none_scores_ten() -> None:
    many = binary_artifacts(snap(paths=tuple(f"out/{i}.pyc" for i in range(12))), params("Binary-Artifacts"))
    assert_ok(many, 0)
    assert "... and 2 more files" in many.evidence
    assert_ok(binary_artifacts(snap(paths=("src/a.py", "docs/logo.png")), params("Binary-Artifacts")), 10)
    truncated = binary_artifacts(snap(paths=("src/a.py",), tree_truncated=True), params("Binary-Artifacts"))
    assert truncated.status == "inconclusive"


# --- the runner and its spec validation --------------------------------------------------------------


def test_the_runner_returns_every_check_in_spec_order() -> None:
    results = run_security_checks(snap({"SECURITY.md": FULL_POLICY}), SPEC_CHECKS)
    assert [r.id for r in results] == [c.id for c in SPEC_CHECKS]


def replaced(check_id: str, **update: Any) -> list[CheckSpec]:
    return [c.model_copy(update=update) if c.id == check_id else c for c in SPEC_CHECKS]


def test_an_unknown_check_id_in_the_spec_is_a_spec_error_naming_it() -> None:
    checks = replaced("License", id="Licence")
    with pytest.raises(SpecError, match="Unknown security check 'Licence'"):
        run_security_checks(snap(), checks)


def test_an_unknown_parameter_is_a_spec_error_naming_check_and_key() -> None:
    checks = replaced("Maintained", parameters={**params("Maintained"), "recent_dayz": 30})
    with pytest.raises(SpecError, match=r"Check Maintained: unknown parameter\(s\) recent_dayz"):
        run_security_checks(snap(), checks)


def test_a_missing_or_mistyped_parameter_is_a_spec_error_and_all_problems_are_listed() -> None:
    without = {k: v for k, v in params("Signed-Releases").items() if k != "signed_points"}
    checks = replaced("Signed-Releases", parameters=without)
    checks = [
        c.model_copy(update={"parameters": {**params("Binary-Artifacts"), "penalty_per_artifact": "one"}})
        if c.id == "Binary-Artifacts"
        else c
        for c in checks
    ]
    with pytest.raises(SpecError) as caught:
        run_security_checks(snap(), checks)
    message = str(caught.value)
    assert "Check Signed-Releases needs the parameter 'signed_points'" in message
    assert "Check Binary-Artifacts: parameter 'penalty_per_artifact' must be a number, got 'one'" in message

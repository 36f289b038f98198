"""Governance transparency checks on hand-built snapshots, with the built-in spec's parameters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chaoss_mcp.checks import CheckResult
from chaoss_mcp.checks.governance import GOVERNANCE_CHECKS, run_governance_checks
from chaoss_mcp.checks.snapshot import ReleaseAssets, RepoSnapshot
from chaoss_mcp.errors import SpecError
from chaoss_mcp.specs import CheckSpec, load_specs

AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
SPEC_CHECKS: list[CheckSpec] = load_specs().metrics["governance_transparency"].spec.checks
SPECS = {c.id: c for c in SPEC_CHECKS}


def run(check_id: str, snapshot: RepoSnapshot) -> CheckResult:
    spec = SPECS[check_id]
    return GOVERNANCE_CHECKS[check_id](snapshot, spec.parameters, spec.remediation)


def snap(files: dict[str, str] | None = None, paths: tuple[str, ...] = (), **fields: Any) -> RepoSnapshot:
    files = files or {}
    fields.setdefault("source", "github")
    fields.setdefault("as_of", AS_OF)
    return RepoSnapshot(paths=tuple(dict.fromkeys((*files, *paths))), files=files, **fields)


PROSE = "This document explains how the project works and what we expect from everyone taking part. " * 3

# --- presence and documents --------------------------------------------------------------------------


def test_a_contribution_guide_with_text_scores_ten_with_path_and_size() -> None:
    result = run("contributing", snap({".github/CONTRIBUTING.md": PROSE}))
    assert result.status == "ok" and result.score == 10
    assert result.evidence == [f".github/CONTRIBUTING.md ({len(PROSE.strip())} characters)"]
    assert result.remediation == ""


def test_an_empty_governance_stub_does_not_count() -> None:
    result = run("governance", snap({"GOVERNANCE.md": "# Governance\n\nTODO\n"}))
    assert result.score == 0 and "stub" in result.reason
    assert "a governance document needs at least 100 characters of text" in result.evidence
    assert result.remediation == SPECS["governance"].remediation


def test_a_one_line_codeowners_names_the_maintainers() -> None:
    result = run("maintainers", snap({".github/CODEOWNERS": "* @alice @bob\n"}))
    assert result.score == 10 and result.evidence == [".github/CODEOWNERS (13 characters)"]


def test_a_document_that_was_not_read_still_counts_as_present() -> None:
    result = run("maintainers", snap(paths=("MAINTAINERS",)))
    assert result.score == 10 and result.evidence == ["MAINTAINERS (content not read)"]


def test_a_missing_document_scores_zero_and_says_where_it_looked() -> None:
    result = run("governance", snap(paths=("README.md",)))
    assert result.status == "ok" and result.score == 0
    assert result.evidence[0].startswith("looked for: GOVERNANCE.md, GOVERNANCE,")
    assert "owner's .github repository" in result.reason  # GitHub may inherit it; this check cannot see that
    git = run("governance", snap(paths=("README.md",), source="git"))
    assert "owner's" not in git.reason


def test_a_missing_document_in_a_truncated_file_list_is_inconclusive() -> None:
    assert run("governance", snap(paths=("README.md",), tree_truncated=True)).status == "inconclusive"


def test_issue_templates_count_as_a_directory_of_forms_and_pr_templates_by_name() -> None:
    issue = run("issue_templates", snap(paths=(".github/ISSUE_TEMPLATE/bug.yml", ".github/ISSUE_TEMPLATE/config.yml")))
    assert issue.score == 10 and issue.evidence == [
        ".github/ISSUE_TEMPLATE/bug.yml",
        ".github/ISSUE_TEMPLATE/config.yml",
    ]
    pr = run("pr_template", snap(paths=(".github/PULL_REQUEST_TEMPLATE.md",)))
    assert pr.score == 10
    funding = run("funding", snap(paths=(".github/FUNDING.yml",)))
    assert funding.score == 10 and funding.reason == "Funding file found: .github/FUNDING.yml."


# --- code of conduct ---------------------------------------------------------------------------------

COVENANT_UNFILLED = (
    PROSE
    + "\n## Enforcement\n\nInstances of abusive behavior may be reported to the community leaders responsible for "
    "enforcement at [INSERT CONTACT METHOD].\n\nThis Code of Conduct is adapted from the Contributor Covenant, "
    "version 2.1, available at https://www.contributor-covenant.org/version/2/1/code_of_conduct.html. Community "
    "Impact Guidelines were inspired by [Mozilla's ladder](https://github.com/mozilla/diversity).\n"
)
COVENANT_FILLED = COVENANT_UNFILLED.replace("[INSERT CONTACT METHOD]", "conduct@example.org")


def test_a_code_of_conduct_with_an_enforcement_contact_scores_ten() -> None:
    result = run("code_of_conduct", snap({"CODE_OF_CONDUCT.md": COVENANT_FILLED}))
    assert result.status == "ok" and result.score == 10
    assert "enforcement contact: 1 found (an email address)" in result.evidence
    assert "conduct@example.org" not in " ".join(result.evidence)


def test_the_covenant_template_with_its_placeholder_left_in_has_no_contact() -> None:
    result = run("code_of_conduct", snap({"CODE_OF_CONDUCT.md": COVENANT_UNFILLED}))
    assert result.status == "ok" and result.score == 6
    assert "enforcement contact: none found" in result.evidence  # the template's own links are not contacts
    assert "template placeholder left in: [INSERT CONTACT METHOD]" in result.evidence
    assert "placeholder" in result.reason and "CODE_OF_CONDUCT.md" in result.remediation


def test_a_code_of_conduct_pointing_to_a_reporting_form_has_a_contact() -> None:
    text = PROSE + "Report incidents through https://example.org/conduct/report; a committee answers in 3 days."
    result = run("code_of_conduct", snap({".github/CODE_OF_CONDUCT.md": text}))
    assert result.score == 10
    assert "enforcement contact: 1 found (https://example.org/conduct/report;)" in result.evidence


def test_a_code_of_conduct_that_cannot_be_read_is_inconclusive_and_a_missing_one_zero() -> None:
    unread = run("code_of_conduct", snap(paths=("CODE_OF_CONDUCT.md",), oversized_files=("CODE_OF_CONDUCT.md",)))
    assert unread.status == "inconclusive" and unread.evidence == [
        "CODE_OF_CONDUCT.md exists but was not read (too large)"
    ]
    missing = run("code_of_conduct", snap(paths=("README.md",)))
    assert missing.status == "ok" and missing.score == 0


# --- decision process --------------------------------------------------------------------------------


def test_a_governance_document_that_says_how_decisions_are_made_scores_ten() -> None:
    text = PROSE + "Decisions are made by lazy consensus; if that fails, the steering committee votes."
    result = run("decision_process", snap({"GOVERNANCE.md": text}))
    assert result.score == 10
    (line,) = result.evidence
    assert line == "GOVERNANCE.md mentions: consensus, lazy consensus, votes, decisions, steering committee"
    assert result.reason == "The governance document (GOVERNANCE.md) says how decisions are made."


def test_decision_records_count_as_a_documented_process() -> None:
    result = run("decision_process", snap(paths=("docs/adr/0001-use-postgres.md", "docs/adr/0002-drop-py38.md")))
    assert result.score == 10
    assert result.evidence == ["decision records: docs/adr/0001-use-postgres.md, docs/adr/0002-drop-py38.md"]
    rfcs = run("decision_process", snap(paths=("rfcs/0001-template.md",)))
    assert rfcs.score == 10
    steering = run("decision_process", snap(paths=("STEERING.md",)))
    assert steering.score == 10


def test_only_the_contribution_guide_mentioning_decisions_earns_half() -> None:
    text = PROSE + "Maintainers reach a decision on each proposal within two weeks."
    result = run("decision_process", snap({"CONTRIBUTING.md": text, "GOVERNANCE.md": PROSE}))
    assert result.score == 5
    assert result.evidence == ["CONTRIBUTING.md mentions: decision"]
    assert result.reason.startswith("Only the contribution guide (CONTRIBUTING.md)")


def test_keywords_match_whole_words_only() -> None:
    text = PROSE + "We are devoted to our users and write RFC-compliant parsers."
    result = run("decision_process", snap({"GOVERNANCE.md": text}))
    assert result.score == 0
    assert result.evidence[0] == "searched: GOVERNANCE.md"


def test_unreadable_governance_documents_make_the_decision_process_inconclusive() -> None:
    result = run("decision_process", snap(paths=("GOVERNANCE.md",), oversized_files=("GOVERNANCE.md",)))
    assert result.status == "inconclusive" and result.evidence == ["not read: GOVERNANCE.md"]


# --- changelog or release notes ----------------------------------------------------------------------


def release(tag: str, day: int, notes: bool | None) -> ReleaseAssets:
    return ReleaseAssets(tag=tag, published_at=datetime(2026, 5, day, tzinfo=UTC), has_notes=notes)


def test_a_changelog_file_scores_ten() -> None:
    result = run("changelog", snap(paths=("CHANGELOG.md",), releases=()))
    assert result.score == 10 and result.evidence == ["CHANGELOG.md"]
    lower = run("changelog", snap(paths=("docs/changelog.md",)))
    assert lower.score == 10


def test_without_a_changelog_release_notes_count_by_their_share_of_recent_releases() -> None:
    releases = (
        release("v6", 6, True),
        release("v5", 5, True),
        release("v4", 4, False),
        release("v3", 3, True),
        release("v2", 2, None),
        release("v1", 1, True),  # older than the 5 latest: not counted
    )
    result = run("changelog", snap(paths=("README.md",), releases=releases))
    assert result.status == "ok" and result.score == 6  # 3 of 5
    assert "3 of the 5 latest releases have notes: v6, v5, v3" in result.evidence


def test_no_changelog_and_releases_without_notes_scores_zero() -> None:
    result = run("changelog", snap(paths=("README.md",), releases=(release("v1", 1, False),)))
    assert result.score == 0 and "none of the 1 latest releases has notes" in result.evidence
    empty = run("changelog", snap(paths=("README.md",), releases=()))
    assert empty.score == 0 and "no published releases" in empty.evidence


def test_without_a_changelog_a_source_without_releases_is_inconclusive() -> None:
    result = run("changelog", snap(paths=("README.md",), source="git"))
    assert result.status == "inconclusive"
    assert "release notes: not available from this source" in result.evidence


# --- community profile -------------------------------------------------------------------------------


def test_the_community_profile_percentage_becomes_a_score_out_of_ten() -> None:
    result = run("community_profile", snap(paths=(), community_health_percentage=85))
    assert result.score == 8.5 and result.evidence == ["GitHub community profile health: 85%"]


def test_the_community_profile_is_inconclusive_where_github_gives_none() -> None:
    fork = run("community_profile", snap(paths=()))
    assert fork.status == "inconclusive" and "forks have none" in fork.reason
    git = run("community_profile", snap(paths=(), source="git"))
    assert git.status == "inconclusive" and "local git history" in git.reason


# --- runner and spec validation ----------------------------------------------------------------------


def test_the_runner_returns_every_check_in_spec_order() -> None:
    results = run_governance_checks(snap(paths=("README.md",)), SPEC_CHECKS)
    assert [r.id for r in results] == [c.id for c in SPEC_CHECKS]


@pytest.mark.parametrize(
    ("check_id", "update", "message"),
    [
        ("funding", {"id": "sponsors"}, "Unknown governance check 'sponsors'"),
        (
            "funding",
            {"parameters": {"paths": ["FUNDING.yml"], "path": "x"}},
            r"Check funding: unknown parameter\(s\) path",
        ),
        ("governance", {"parameters": {"paths": ["GOVERNANCE.md"]}}, "needs the parameter 'min_characters'"),
        (
            "decision_process",
            {"parameters": {**SPECS["decision_process"].parameters, "keywords": "vote"}},
            "parameter 'keywords' must be a list of strings",
        ),
    ],
)
def test_a_broken_check_entry_is_a_spec_error_naming_it(check_id: str, update: dict[str, Any], message: str) -> None:
    checks = [c.model_copy(update=update) if c.id == check_id else c for c in SPEC_CHECKS]
    with pytest.raises(SpecError, match=message):
        run_governance_checks(snap(paths=()), checks)

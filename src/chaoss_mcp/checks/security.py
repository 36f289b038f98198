"""Security practices: OpenSSF Scorecard's repository checks, judged from a ``RepoSnapshot``.

Scoring follows Scorecard's evaluation code (ossf/scorecard ``checks/evaluation/*.go``) where it
exists; every threshold and point value is read from the spec's ``checks[].parameters``. A check the
source cannot answer (reviews in a local history, branch protection without admin) is inconclusive,
never a zero, so it drops out of the weighted aggregate as it does in Scorecard.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from chaoss_mcp.checks import (
    CheckResult,
    CheckSpecLike,
    bool_param,
    inconclusive,
    int_list_param,
    int_param,
    number_param,
    ok,
    raise_for,
    spec_problems,
    str_list_param,
)
from chaoss_mcp.checks.snapshot import (
    RepoSnapshot,
    dependency_tool,
    is_codeowners_or_maintainers,
    is_dockerfile,
    is_license,
    is_security_policy,
    is_workflow,
    reuse_license_id,
    split,
)
from chaoss_mcp.checks.workflows import PR_TRIGGERS, ActionRef, Workflow, analyze_workflows

MAX_LISTED = 10  # evidence lists stay readable; the count is always given in full

URL_RE = re.compile(r"https?://[^\s<>()\[\]\"'`]+", re.IGNORECASE)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Scorecard's disclosure wording (vuln..., disclos...) plus response time frames and supported versions.
_DISCLOSURE_RE = re.compile(
    r"vulnerab|disclos|supported\s+versions"
    r"|\b\d{1,4}\s*(?:business\s+|working\s+|calendar\s+)?(?:days?|hours?|weeks?)\b",
    re.IGNORECASE,
)
_SUPPORTED_RE = re.compile(
    r"supported\s+(?:versions?|releases?)|versions?\s+(?:are|is)\s+(?:currently\s+)?supported"
    r"|receives?\s+security\s+(?:fixes|updates|patches)|security\s+(?:fixes|updates|patches)\s+(?:for|are)"
    r"|end[-\s]of[-\s]life",
    re.IGNORECASE,
)


def _listed(items: Sequence[str], what: str) -> list[str]:
    shown = [*items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        shown.append(f"... and {len(items) - MAX_LISTED} more {what}")
    return shown


def _unread_workflows(snapshot: RepoSnapshot) -> list[str]:
    return [p for p in snapshot.paths if is_workflow(p) and p not in snapshot.files]


def _workflow_evidence(snapshot: RepoSnapshot, workflows: Sequence[Workflow]) -> list[str]:
    evidence = [f"{w.path}: {w.error}" for w in workflows if not w.parsed]
    unread = _unread_workflows(snapshot)
    if unread:
        evidence.append(f"{len(unread)} workflow file(s) not read (size or count cap): " + ", ".join(unread[:5]))
    return evidence


# --- Security-Policy --------------------------------------------------------------------------------


def _describe_hits(hits: Sequence[str]) -> str:
    """E.g. "vulnerability x2, disclosure x1, time frames: 3 days, 90 days"."""
    words = [h.strip().lower() for h in hits]
    parts = [
        f"{label} x{n}"
        for label, stem in (("vulnerability", "vulnerab"), ("disclosure", "disclos"), ("supported versions", "support"))
        if (n := sum(1 for w in words if w.startswith(stem)))
    ]
    frames = list(dict.fromkeys(" ".join(w.split()) for w in words if w[:1].isdigit()))
    if frames:
        parts.append("time frames: " + ", ".join(frames[:4]))
    return ", ".join(parts)


def security_policy(snapshot: RepoSnapshot, parameters: Mapping[str, object]) -> CheckResult:
    """Scorecard's points (contact, free text, disclosure wording), with what the policy says as evidence."""
    cid = "Security-Policy"
    contact_points = number_param(parameters, "contact_points", cid)
    text_points = number_param(parameters, "free_text_points", cid)
    policy_points = number_param(parameters, "disclosure_points", cid)
    min_hits = int_param(parameters, "min_disclosure_hits", cid, minimum=1)

    pvr = snapshot.private_vulnerability_reporting
    pvr_line = "private vulnerability reporting: " + {True: "enabled", False: "disabled", None: "unknown"}[pvr]
    candidates = sorted((p for p in snapshot.paths if is_security_policy(p)), key=lambda p: (p.count("/"), p))
    if not candidates:
        evidence = ["no SECURITY file in the root, .github/, docs/ or doc/", pvr_line]
        if snapshot.tree_truncated:
            return inconclusive(
                cid,
                [*evidence, "the file list is incomplete"],
                "The forge returned a truncated file list, so a security policy may have been missed.",
            )
        if pvr:
            return ok(
                cid,
                contact_points,
                evidence,
                "There is no security policy file, but GitHub private vulnerability reporting is enabled, "
                "so reporters have a private channel.",
                "Add a SECURITY.md saying how to report a vulnerability, what response to expect and which "
                "versions get fixes.",
            )
        return ok(
            cid,
            0,
            evidence,
            "There is no security policy, so a reporter does not know how to disclose a vulnerability privately.",
            "Add a SECURITY.md with a private contact (an email or GitHub's private vulnerability reporting), "
            "the disclosure process and the supported versions.",
        )
    path = candidates[0]
    text = snapshot.files.get(path)
    if text is None:
        why = "too large" if path in snapshot.oversized_files else "not fetched"
        return inconclusive(
            cid,
            [f"{path} exists but was not read ({why})", pvr_line],
            f"{path} exists but its content could not be judged.",
        )
    links = URL_RE.findall(text)
    emails = EMAIL_RE.findall(text)
    link_chars = sum(len(link) for link in (*links, *emails))
    has_contact = bool(links or emails) or pvr is True
    has_text = len(text.strip()) > link_chars + 2 * (len(links) + len(emails))
    hits = _DISCLOSURE_RE.findall(text)
    has_process = len(hits) >= min_hits
    supported = _SUPPORTED_RE.search(text)
    score = contact_points * has_contact + text_points * has_text + policy_points * has_process
    shown_links = ", ".join(dict.fromkeys(links[:3]))
    evidence = [
        f"{path} ({len(text)} characters)",
        f"contact: {len(emails)} email address(es), {len(links)} link(s)" + (f" ({shown_links})" if links else ""),
        pvr_line,
        f"disclosure process: {len(hits)} mention(s) of vulnerabilities, disclosure or response times"
        + (f" ({_describe_hits(hits)})" if hits else ""),
        f"supported versions: {'stated (' + supported.group(0).strip() + ')' if supported else 'not stated'}",
    ]
    missing = []
    if not has_contact:
        missing.append("a private contact (an email address, a link, or private vulnerability reporting)")
    if not has_text:
        missing.append("an explanation beyond bare links")
    if not has_process:
        missing.append("the disclosure process (what happens after a report, in what time)")
    if not supported:
        missing.append("the supported versions")
    if not missing:
        return ok(
            cid,
            score,
            evidence,
            f"{path} gives a private contact, describes the disclosure process and states the supported versions.",
        )
    return ok(
        cid,
        score,
        evidence,
        f"{path} exists but lacks {'; '.join(missing)}.",
        f"Extend {path} with {' and '.join(missing)}.",
    )


# --- License ----------------------------------------------------------------------------------------

_LICENSE_TEXTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AGPL-3.0", ("gnu affero general public license", "version 3")),
    ("LGPL-3.0", ("gnu lesser general public license", "version 3")),
    ("LGPL-2.1", ("gnu lesser general public license", "version 2.1")),
    ("GPL-3.0", ("gnu general public license", "version 3")),
    ("GPL-2.0", ("gnu general public license", "version 2")),
    ("Apache-2.0", ("apache license", "version 2.0")),
    ("MPL-2.0", ("mozilla public license", "2.0")),
    ("EPL-2.0", ("eclipse public license", "2.0")),
    ("BSL-1.0", ("boost software license",)),
    ("Unlicense", ("free and unencumbered software released into the public domain",)),
    ("ISC", ("permission to use, copy, modify, and/or distribute this software for any purpose",)),
    ("MIT", ("permission is hereby granted, free of charge",)),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "neither the name")),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",)),
)
_SPDX_TAG = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+-]+)")


def detect_spdx(text: str) -> str | None:
    """A rough SPDX id from license text (the forge's detection is preferred when there is one)."""
    tagged = _SPDX_TAG.search(text)
    if tagged:
        return tagged.group(1)
    low = " ".join(text.lower().split())
    for spdx, needles in _LICENSE_TEXTS:
        if all(needle in low for needle in needles):
            return spdx
    return None


def license_check(snapshot: RepoSnapshot, parameters: Mapping[str, object]) -> CheckResult:
    """Scorecard's code: a license file earns file_points, an FSF/OSI-approved SPDX id approved_points more."""
    cid = "License"
    file_points = number_param(parameters, "file_points", cid)
    approved_points = number_param(parameters, "approved_points", cid)
    approved = {s.lower() for s in str_list_param(parameters, "approved_spdx_ids", cid)}

    files = sorted((p for p in snapshot.paths if is_license(p)), key=lambda p: (p.count("/"), p))
    forge = snapshot.license_spdx if snapshot.license_spdx not in (None, "NOASSERTION", "OTHER") else None
    spdx, how = forge, "detected by the forge"
    if spdx is None:
        for path in files:
            text = snapshot.files.get(path)
            guess = detect_spdx(text) if text is not None else reuse_license_id(path)
            if guess:
                spdx = guess
                how = f"from the text of {path}" if text is not None else f"from the REUSE file name {path}"
                break
    if not files and snapshot.license_spdx is None:
        if snapshot.tree_truncated:
            return inconclusive(
                cid,
                ["no license file in the (truncated) file list"],
                "The forge returned a truncated file list, so a license file may have been missed.",
            )
        return ok(
            cid,
            0,
            ["no LICENSE, LICENCE, COPYING or COPYRIGHT file at the root or under LICENSES/"],
            "No license was found, so others have no clear right to use or change the code.",
            "Add a LICENSE file with an OSI-approved license.",
        )
    is_approved = spdx is not None and spdx.lower() in approved
    evidence = _listed(files, "license files") or [f"no license file; the forge reports {snapshot.license_spdx}"]
    evidence.append(f"SPDX id: {spdx} ({how})" if spdx else "SPDX id: not recognised")
    evidence.append(f"FSF/OSI-approved: {'yes' if is_approved else 'no' if spdx else 'unknown'}")
    score = file_points + (approved_points if is_approved else 0)
    if is_approved:
        return ok(cid, score, evidence, f"The project declares {spdx}, an FSF/OSI-approved license.")
    if spdx:
        return ok(
            cid,
            score,
            evidence,
            f"A license file declares {spdx}, which is not on the FSF/OSI-approved list.",
            "Use an OSI-approved license so users and distributors can rely on it.",
        )
    return ok(
        cid,
        score,
        evidence,
        "A license file exists, but its license is not recognised, so it cannot be confirmed as OSI-approved.",
        "Use an OSI-approved license with its standard text (or an SPDX-License-Identifier line) so tools "
        "recognise it.",
    )


# --- Dependency-Update-Tool --------------------------------------------------------------------------

_UPDATE_BOTS = ("dependabot[bot]", "dependabot-preview[bot]", "renovate[bot]")


def dependency_update_tool(snapshot: RepoSnapshot, parameters: Mapping[str, object]) -> CheckResult:
    cid = "Dependency-Update-Tool"
    found = [(p, tool) for p in snapshot.paths if (tool := dependency_tool(p)) is not None]
    if found:
        tools = sorted({tool for _, tool in found})
        return ok(
            cid,
            10,
            [f"{path}: {tool} configuration" for path, tool in found],
            f"{', '.join(tools)} keeps dependencies up to date.",
        )
    bot_prs = [pr for pr in snapshot.recent_merged_prs or () if pr.author and pr.author.lower() in _UPDATE_BOTS]
    if bot_prs:
        return ok(
            cid,
            10,
            [f"merged pull request #{pr.number} by {pr.author}" for pr in bot_prs[:MAX_LISTED]],
            "No configuration file, but recently merged pull requests come from a dependency update bot.",
        )
    return ok(
        cid,
        0,
        ["no .github/dependabot.yml, renovate.json(5), .renovaterc or .scala-steward.conf"],
        "No dependency update tool is configured, so vulnerable dependencies may linger.",
        "Add .github/dependabot.yml (or a Renovate configuration) to get update pull requests automatically.",
    )


# --- CI-Tests ---------------------------------------------------------------------------------------

_OTHER_CI = {
    ".travis.yml": "Travis CI",
    ".circleci/config.yml": "CircleCI",
    ".circleci/config.yaml": "CircleCI",
    "azure-pipelines.yml": "Azure Pipelines",
    "appveyor.yml": "AppVeyor",
    ".appveyor.yml": "AppVeyor",
    ".cirrus.yml": "Cirrus CI",
    "jenkinsfile": "Jenkins",
    ".gitlab-ci.yml": "GitLab CI",
    ".buildkite/pipeline.yml": "Buildkite",
    ".woodpecker.yml": "Woodpecker CI",
}


def ci_tests(
    snapshot: RepoSnapshot, parameters: Mapping[str, object], *, workflows: Sequence[Workflow] | None = None
) -> CheckResult:
    cid = "CI-Tests"
    keywords = str_list_param(parameters, "test_keywords", cid)
    prs = snapshot.recent_merged_prs or ()
    known = [pr for pr in prs if pr.ci_success is not None]
    if known:
        # Scorecard's own method: the share of merged pull requests whose head commit passed CI.
        tested = [pr for pr in known if pr.ci_success]
        untested = [f"#{pr.number}" for pr in known if not pr.ci_success]
        score = 10 * len(tested) // len(known)
        evidence = [f"{len(tested)} of {len(known)} recently merged pull requests passed a CI check"]
        if untested:
            evidence.append("merged without a passing CI check: " + ", ".join(untested[:MAX_LISTED]))
        return ok(
            cid,
            score,
            evidence,
            f"{len(tested)} of {len(known)} recently merged pull requests were tested by CI.",
            "Require a passing CI check before merging pull requests.",
        )
    analysed = tuple(workflows) if workflows is not None else analyze_workflows(snapshot.files, keywords)
    on_pr = [w for w in analysed if w.parsed and PR_TRIGGERS.intersection(w.triggers)]
    testing = [w for w in on_pr if w.test_hints]
    other = sorted({name for p in snapshot.paths if (name := _OTHER_CI.get(p.lower()))})
    evidence = [
        f"{w.path}: on {', '.join(sorted(PR_TRIGGERS.intersection(w.triggers)))}; runs tests ({w.test_hints[0]})"
        for w in testing
    ]
    evidence += _workflow_evidence(snapshot, analysed)
    if testing:
        return ok(cid, 10, evidence, f"{len(testing)} workflow(s) run tests on every pull request.")
    if other:
        return ok(
            cid,
            10,
            [*evidence, f"CI configuration for {', '.join(other)}"],
            f"{', '.join(other)} is configured; such services build pull requests by default, though the "
            "files alone cannot confirm it runs tests.",
        )
    if on_pr:
        return ok(
            cid,
            0,
            [*evidence, *(f"{w.path}: runs on pull requests, no test step recognised" for w in on_pr)],
            "Workflows run on pull requests but none of their jobs or steps looks like a test run.",
            "Run the test suite in a workflow triggered on pull_request.",
        )
    return ok(
        cid,
        0,
        [*evidence, "no workflow triggered on pull_request, pull_request_target or merge_group"],
        "No CI runs on pull requests, so changes are merged without automated tests.",
        "Add a workflow triggered on pull_request that runs the tests.",
    )


# --- Code-Review ------------------------------------------------------------------------------------


def code_review(snapshot: RepoSnapshot, parameters: Mapping[str, object]) -> CheckResult:
    cid = "Code-Review"
    merger_counts = bool_param(parameters, "count_merger_as_reviewer", cid)
    if snapshot.recent_merged_prs is None:
        if snapshot.source == "git":
            return inconclusive(
                cid,
                ["source: local git history"],
                "A local history cannot show reviews, so code review is not judged.",
            )
        return inconclusive(cid, [], "The source did not provide recently merged pull requests.")
    prs = snapshot.recent_merged_prs
    humans = [pr for pr in prs if not pr.author_is_bot]
    if not prs:
        return inconclusive(
            cid,
            ["no recently merged pull requests"],
            "No pull requests were merged recently, so review practice cannot be judged.",
        )
    if not humans:
        return inconclusive(
            cid,
            [f"{len(prs)} recently merged pull request(s), all by bots"],
            "Every recently merged pull request came from a bot, so review practice by people cannot be judged.",
        )
    approved = 0
    total = 0
    unreviewed: list[str] = []
    for pr in prs:
        author = (pr.author or "").lower()
        reviewers = {a.lower() for a in pr.approvers}
        if merger_counts and pr.merged_by:
            reviewers.add(pr.merged_by.lower())
        reviewed = any(r != author for r in reviewers)
        if pr.author_is_bot and reviewed:
            continue  # Scorecard skips reviewed bot changes but counts unreviewed ones against the score
        total += 1
        if reviewed:
            approved += 1
        else:
            unreviewed.append(f"#{pr.number}")
    score = 10 * approved // total
    evidence = [f"{approved} of {total} recently merged pull requests approved by someone other than the author"]
    if merger_counts:
        evidence.append("merging someone else's pull request counts as a review (Scorecard's rule)")
    if unreviewed:
        evidence.append("merged without another person's approval: " + ", ".join(unreviewed[:MAX_LISTED]))
    return ok(
        cid,
        score,
        evidence,
        f"{approved} of {total} recently merged changes were reviewed by someone other than the author.",
        "Require an approving review from another maintainer before merging.",
    )


# --- Maintained -------------------------------------------------------------------------------------


def maintained(snapshot: RepoSnapshot, parameters: Mapping[str, object]) -> CheckResult:
    """Scorecard's Maintained, with one addition: a quiet project that answers its issues is stable, not dead.

    Scorecard scores (commits + issues with maintainer activity in the window) against one per week.
    Here, when that is low but at least ``stable_answered_share`` of the window's issues got an answer,
    the score is raised to ``stable_floor_score`` and the reason says "finished and stable". When the
    source has no issues (a local history) and commits alone do not reach the floor, the check is
    inconclusive: few commits cannot tell a finished project from an abandoned one.
    """
    cid = "Maintained"
    recent_days = int_param(parameters, "recent_days", cid, minimum=7)
    new_repo_days = int_param(parameters, "new_repo_days", cid)
    floor_score = number_param(parameters, "stable_floor_score", cid, maximum=10)
    stable_share = number_param(parameters, "stable_answered_share", cid, maximum=1)

    if snapshot.archived:
        return ok(
            cid,
            0,
            ["archived: yes"],
            "The repository is archived: its owners have marked it read-only and it receives no maintenance.",
            "Look for a maintained fork or successor.",
        )
    if snapshot.created_at is not None:
        age_days = (snapshot.as_of - snapshot.created_at).days
        if age_days < new_repo_days:
            return ok(
                cid,
                0,
                [f"created {snapshot.created_at.date().isoformat()} ({age_days} days before as_of)"],
                f"The repository is only {age_days} days old; maintenance shows only after {new_repo_days} days.",
                "Check again once the project is older.",
            )
    if snapshot.commits_recent is None and snapshot.issue_activity_recent is None:
        return inconclusive(cid, ["commits: unknown", "issue activity: unknown"], "The source gave no recent activity.")
    window = snapshot.activity_window_days or recent_days
    per = max(1, window // 7)  # Scorecard: one unit of activity per week earns full marks (90 // 7 = 12)
    commits = snapshot.commits_recent or 0
    issues = snapshot.issue_activity_recent or 0
    activity = commits + issues
    score = float(min(10, 10 * activity // per))
    evidence = [
        f"{commits} commit(s) in the last {window} days" if snapshot.commits_recent is not None else "commits: unknown",
        f"{issues} issue(s) with maintainer activity in the last {window} days"
        if snapshot.issue_activity_recent is not None
        else "issue activity: unknown (the source has no issues)",
        "archived: " + {True: "yes", False: "no", None: "unknown"}[snapshot.archived],
    ]
    share = snapshot.issues_answered_share
    if share is not None:
        evidence.append(f"{round(share * 100)}% of the issues opened in the last {window} days were answered")
    elif snapshot.issue_activity_recent is not None:
        evidence.append(f"no issues were opened in the last {window} days")
    if score >= 10:
        return ok(cid, score, evidence, f"{activity} commit(s) and issue activities in the last {window} days.")
    if share is not None and share >= stable_share and score < floor_score:
        return ok(
            cid,
            floor_score,
            evidence,
            f"Finished and stable, not dead: little activity ({activity} in {window} days), but "
            f"{round(share * 100)}% of new issues get answered.",
            "Nothing urgent; a note in the README saying the project is stable and still answered helps users.",
        )
    if snapshot.issue_activity_recent is None:
        if score < floor_score:
            return inconclusive(
                cid,
                evidence,
                f"Only {commits} commit(s) in {window} days and the source has no issues, so a finished, stable "
                "project cannot be told from an abandoned one.",
                "Use the GitHub source to see whether issues are still answered.",
            )
        return ok(
            cid,
            score,
            evidence,
            f"{commits} commit(s) in the last {window} days, counted without issue activity (the source has no "
            f"issues), so this is a lower bound against {per} for full marks.",
            "Show activity: merge fixes regularly, or state the project's status in the README.",
        )
    if share is None and activity < per:
        reason = (
            f"Little activity ({activity} commit(s) and issue activities in {window} days against {per} for full "
            "marks) and no new issues to answer: the project may be finished rather than abandoned, but the data "
            "cannot show it."
        )
    else:
        reason = f"{activity} commit(s) and issue activities in the last {window} days against {per} for full marks."
    return ok(
        cid,
        score,
        evidence,
        reason,
        "Show activity: answer issues and merge fixes regularly, or state the project's status in the README.",
    )


# --- Signed-Releases --------------------------------------------------------------------------------


def signed_releases(snapshot: RepoSnapshot, parameters: Mapping[str, object]) -> CheckResult:
    cid = "Signed-Releases"
    count = int_param(parameters, "recent_releases", cid, minimum=1)
    signed_points = number_param(parameters, "signed_points", cid, maximum=10)
    provenance_points = number_param(parameters, "provenance_points", cid, maximum=10)
    sig_suffixes = tuple(s.lower() for s in str_list_param(parameters, "signature_suffixes", cid))
    prov_suffixes = tuple(s.lower() for s in str_list_param(parameters, "provenance_suffixes", cid))

    if snapshot.releases is None:
        reason = (
            "A local history has tags but no release assets, so release signing is not judged."
            if snapshot.source == "git"
            else "The source did not provide releases."
        )
        return inconclusive(cid, ["releases: not available from this source"], reason)
    # Scorecard looks at the latest releases that have assets; source-only releases have nothing to sign.
    ordered = sorted(
        snapshot.releases,
        key=lambda r: r.published_at.timestamp() if r.published_at is not None else float("-inf"),
        reverse=True,
    )
    with_assets = [r for r in ordered if r.asset_names][:count]
    if not with_assets:
        return inconclusive(
            cid,
            [f"{len(snapshot.releases)} release(s), none with downloadable assets"],
            "No release has assets, so there is nothing signed or unsigned to judge.",
        )
    total = 0.0
    signed = 0
    evidence = []
    for release in with_assets:
        names = [a.lower() for a in release.asset_names]
        provenance = [a for a, n in zip(release.asset_names, names, strict=True) if n.endswith(prov_suffixes)]
        signatures = [a for a, n in zip(release.asset_names, names, strict=True) if n.endswith(sig_suffixes)]
        if provenance:
            total += provenance_points
            signed += 1
            evidence.append(f"{release.tag}: provenance ({provenance[0]})")
        elif signatures:
            total += signed_points
            signed += 1
            evidence.append(f"{release.tag}: signature ({signatures[0]})")
        else:
            evidence.append(f"{release.tag}: {len(names)} asset(s), no signature or provenance")
    score = math.floor(total / len(with_assets))
    if signed == len(with_assets) and score < 10:
        reason = f"All {signed} latest releases with assets are signed, but none of them carries provenance."
        remediation = "Attach SLSA provenance (*.intoto.jsonl) to each release as well as signatures."
    else:
        reason = f"{signed} of the latest {len(with_assets)} releases with assets carry a signature or provenance."
        remediation = "Publish signatures (e.g. Sigstore) and SLSA provenance (*.intoto.jsonl) with each release."
    return ok(cid, score, evidence, reason, remediation)


# --- Branch-Protection ------------------------------------------------------------------------------


def branch_protection(snapshot: RepoSnapshot, parameters: Mapping[str, object]) -> CheckResult:
    cid = "Branch-Protection"
    points = int_list_param(parameters, "tier_points", cid, length=5)
    bp = snapshot.branch_protection
    if bp is None:
        reason = snapshot.branch_protection_unavailable_reason or (
            "a local checkout has no branch protection settings"
            if snapshot.source == "git"
            else "the source did not report branch protection"
        )
        return inconclusive(cid, [reason], f"Branch protection could not be read: {reason}.")
    if not bp.protected:
        return ok(
            cid,
            0,
            [f"branch {bp.branch}: no protection rule or ruleset"],
            f"The default branch {bp.branch} is not protected, so anyone with write access can force-push.",
            f"Protect {bp.branch}: block force pushes and deletion, and require reviews and status checks.",
        )
    count = bp.required_approving_review_count
    has_codeowners = any(is_codeowners_or_maintainers(p) and split(p)[1] == "codeowners" for p in snapshot.paths)

    def at_least(n: int) -> bool | None:
        return None if count is None else count >= n

    def negated(value: bool | None) -> bool | None:
        return None if value is None else not value

    checks = bp.required_status_checks
    owner_review = bp.require_code_owner_reviews
    tiers: list[list[tuple[str, int, bool | None]]] = [
        [
            ("force pushes blocked", 1, negated(bp.allow_force_pushes)),
            ("deletion blocked", 1, negated(bp.allow_deletions)),
        ],
        [
            ("at least 1 required approving review", 2, at_least(1)),
            ("pull requests required", 1, bp.require_pull_request),
            ("branch must be up to date before merging", 1, bp.require_up_to_date),
            ("approval of the most recent push required", 1, bp.require_last_push_approval),
        ],
        [("at least 1 required status check", 1, None if checks is None else len(checks) > 0)],
        [
            ("at least 2 required approving reviews", 1, at_least(2)),
            (
                "code-owner review required (with a CODEOWNERS file)",
                1,
                None if owner_review is None else owner_review and has_codeowners,
            ),
        ],
        [
            ("stale approvals dismissed", 1, bp.dismiss_stale_reviews),
            ("rules enforced on admins", 1, bp.enforce_admins),
        ],
    ]
    settings = [s for tier in tiers for s in tier]
    if all(met is None for _, _, met in settings):
        return inconclusive(
            cid,
            [f"branch {bp.branch}: protected, but no setting was readable"],
            "The branch is protected, but none of its settings could be read.",
        )
    evidence = [f"branch {bp.branch}"] + [
        f"{label}: {'yes' if met else 'no' if met is not None else 'not readable'}" for label, _, met in settings
    ]
    unreadable = sum(1 for _, _, met in settings if met is None)
    if unreadable:
        evidence.append(f"{unreadable} setting(s) not readable were counted as met, as Scorecard does")
    # Scorecard's tiers: a tier must be complete before the next counts; partial credit within a tier.
    score = 0.0
    missing: list[str] = []
    for tier, tier_points in zip(tiers, points, strict=True):
        maximum = sum(weight for _, weight, met in tier if met is not None)
        got = sum(weight for _, weight, met in tier if met)
        score += tier_points if maximum == 0 else got * tier_points / maximum
        if got < maximum:
            missing = [label for label, _, met in tier if met is False]
            break
    score = float(int(score))
    if not missing:
        return ok(cid, score, evidence, f"{bp.branch} is protected at every level Scorecard checks.")
    return ok(
        cid,
        score,
        evidence,
        f"{bp.branch} is protected, but not with: {', '.join(missing)}.",
        f"Turn on for {bp.branch}: {', '.join(missing)}.",
    )


# --- Token-Permissions ------------------------------------------------------------------------------

_TOP_WRITE_DEDUCTIONS = {
    "contents": 10.0,
    "packages": 10.0,
    "actions": 10.0,
    "deployments": 1.0,
    "security-events": 1.0,
    "checks": 0.5,
    "statuses": 0.5,
}


def _token_score(workflow: Workflow) -> tuple[float, bool, list[str]]:
    """(deduction, fatal, notes) for one workflow, after Scorecard's ``evaluation/permissions.go``."""
    top = workflow.permissions
    undeclared_jobs = [j.id for j in workflow.jobs if not j.permissions.declared]
    write_jobs = [j.id for j in workflow.jobs if j.permissions.has_write]
    notes: list[str] = []
    if write_jobs:
        notes.append("job write permissions: " + ", ".join(write_jobs))
    if not top.declared:
        notes.insert(0, "no top-level permissions")
        if undeclared_jobs:
            notes.append("jobs without permissions: " + ", ".join(undeclared_jobs))
            return 10.0, True, notes
        return 0.5 + 0.5 * len(write_jobs), False, notes
    if top.level == "write-all":
        notes.insert(0, "top-level permissions: write-all")
        if write_jobs or undeclared_jobs:
            return 10.0, True, notes
        return 0.5, False, notes
    if top.level == "unknown":
        notes.insert(0, "top-level permissions: not understood")
        return 0.0, False, notes
    deduction = sum(_TOP_WRITE_DEDUCTIONS.get(scope, 0.0) for scope in top.write_scopes)
    label = (
        top.level
        if top.level != "scoped"
        else ("write on " + ", ".join(top.write_scopes) if top.write_scopes else "read-only scopes")
    )
    notes.insert(0, f"top-level permissions: {label}")
    if top.write_scopes and (write_jobs or undeclared_jobs):
        return 10.0, True, notes
    return deduction, False, notes


def token_permissions(
    snapshot: RepoSnapshot, parameters: Mapping[str, object], *, workflows: Sequence[Workflow] | None = None
) -> CheckResult:
    cid = "Token-Permissions"
    analysed = tuple(workflows) if workflows is not None else analyze_workflows(snapshot.files)
    parsed = [w for w in analysed if w.parsed]
    if not parsed:
        return inconclusive(
            cid,
            _workflow_evidence(snapshot, analysed) or ["no GitHub Actions workflows"],
            "There are no readable GitHub Actions workflows, so there are no workflow tokens to judge.",
        )
    score = 10.0
    evidence: list[str] = []
    bad: list[str] = []
    for workflow in parsed:
        deduction, fatal, notes = _token_score(workflow)
        evidence.append(f"{workflow.path}: {'; '.join(notes)}")
        if fatal:
            score = 0.0
        else:
            score -= deduction
        if fatal or deduction:
            bad.append(workflow.path)
    evidence += _workflow_evidence(snapshot, analysed)
    score = float(int(max(0.0, score)))
    if not bad:
        return ok(cid, score, evidence, "Every workflow limits its token to read-only permissions at the top level.")
    return ok(
        cid,
        score,
        evidence,
        f"{len(bad)} workflow(s) give the GITHUB_TOKEN more than read access by default: {', '.join(bad[:5])}.",
        "Add `permissions: read-all` (or `contents: read`) at the top of each workflow and grant writes per job.",
    )


# --- Pinned-Dependencies ----------------------------------------------------------------------------

_FROM = re.compile(r"^\s*FROM\s+(.+)$", re.IGNORECASE | re.MULTILINE)


def dockerfile_images(text: str) -> list[tuple[str, bool]]:
    """(image, pinned by digest) for each external ``FROM``; scratch, earlier stages and ``$VAR`` skipped."""
    stages: set[str] = set()
    images: list[tuple[str, bool]] = []
    for match in _FROM.finditer(text):
        tokens = [t for t in match.group(1).split() if not t.startswith("--")]
        if not tokens:
            continue
        image = tokens[0]
        if len(tokens) >= 3 and tokens[1].lower() == "as":
            stages.add(tokens[2].lower())
        if image.lower() == "scratch" or image.lower() in stages or "$" in image:
            continue
        images.append((image, "@sha256:" in image))
    return images


@dataclass
class _Group:
    name: str
    pinned: int
    total: int
    weight: float
    unpinned: list[str]


def pinned_dependencies(
    snapshot: RepoSnapshot, parameters: Mapping[str, object], *, workflows: Sequence[Workflow] | None = None
) -> CheckResult:
    cid = "Pinned-Dependencies"
    owners = {o.lower() for o in str_list_param(parameters, "github_owners", cid)}
    gh_weight = number_param(parameters, "github_owned_weight", cid)
    tp_weight = number_param(parameters, "third_party_weight", cid)
    eco_weight = number_param(parameters, "ecosystem_weight", cid)
    analysed = tuple(workflows) if workflows is not None else analyze_workflows(snapshot.files)

    actions = [a for w in analysed for a in w.actions if a.kind != "docker"]
    gh = [a for a in actions if a.owner in owners]
    third = [a for a in actions if a.owner not in owners]
    groups: list[_Group] = []

    def group(name: str, refs: Sequence[tuple[bool, str]], weight: float) -> None:
        if refs:
            groups.append(
                _Group(name, sum(p for p, _ in refs), len(refs), weight, [where for p, where in refs if not p])
            )

    def where(a: ActionRef) -> str:
        return f"{a.path} job {a.job}{' ' + a.step if a.step else ''}: {a.uses}"

    both = bool(gh and third)
    group("GitHub-owned actions", [(a.pinned, where(a)) for a in gh], gh_weight if both else eco_weight)
    group("third-party actions", [(a.pinned, where(a)) for a in third], tp_weight if both else eco_weight)
    images: list[tuple[bool, str]] = [(a.pinned, where(a)) for w in analysed for a in w.actions if a.kind == "docker"]
    for path in sorted(p for p in snapshot.files if is_dockerfile(p)):
        images += [(pinned, f"{path}: FROM {image}") for image, pinned in dockerfile_images(snapshot.files[path])]
    group("container images", images, eco_weight)
    group(
        "pip installs",
        [(p.pinned, f"{p.path} job {p.job} {p.step}: {p.command}") for w in analysed for p in w.pip_installs],
        eco_weight,
    )
    evidence = [f"{g.name}: {g.pinned} of {g.total} pinned" for g in groups]
    evidence += _workflow_evidence(snapshot, analysed)
    if not groups:
        return inconclusive(
            cid,
            evidence or ["no workflow actions, Dockerfile images or pip installs found"],
            "No dependencies were found in workflows or Dockerfiles, so pinning cannot be judged.",
        )
    unpinned = [u for g in groups for u in g.unpinned]
    evidence += _listed(unpinned, "unpinned references")
    weighted = sum(g.pinned * g.weight for g in groups)
    weight_total = sum(g.total * g.weight for g in groups)
    score = math.floor(10 * weighted / weight_total) if weight_total else 10
    if not unpinned:
        return ok(cid, score, evidence, "Every action, image and pip install is pinned by hash.")
    return ok(
        cid,
        score,
        evidence,
        f"{len(unpinned)} of {sum(g.total for g in groups)} dependencies are not pinned by hash, "
        "so a moved tag could change what runs.",
        "Pin actions to a full commit SHA (with the version in a comment), images by digest, and pip installs "
        "with --require-hashes.",
    )


# --- Dangerous-Workflow -----------------------------------------------------------------------------


def dangerous_workflow(
    snapshot: RepoSnapshot, parameters: Mapping[str, object], *, workflows: Sequence[Workflow] | None = None
) -> CheckResult:
    cid = "Dangerous-Workflow"
    analysed = tuple(workflows) if workflows is not None else analyze_workflows(snapshot.files)
    parsed = [w for w in analysed if w.parsed]
    if not parsed:
        return inconclusive(
            cid,
            _workflow_evidence(snapshot, analysed) or ["no GitHub Actions workflows"],
            "There are no readable GitHub Actions workflows to judge.",
        )
    findings = [f for w in parsed for f in (*w.untrusted_checkouts, *w.script_injections)]
    evidence = [f"{f.path} job {f.job} {f.step}: {f.detail}" for f in findings]
    evidence += _workflow_evidence(snapshot, analysed)
    if not findings:
        return ok(
            cid,
            10,
            [f"{len(parsed)} workflow(s) checked", *evidence],
            "No workflow checks out pull request code with privileges or interpolates untrusted input into scripts.",
        )
    kinds = []
    if any(w.untrusted_checkouts for w in parsed):
        kinds.append("checks out untrusted pull request code in a privileged workflow")
    if any(w.script_injections for w in parsed):
        kinds.append("interpolates attacker-controlled text into scripts")
    return ok(
        cid,
        0,
        evidence,
        f"A workflow {' and '.join(kinds)}, which can let an outsider run code with the repository's token.",
        "Pass untrusted values through `env:` and quote them in the script, and never check out the pull "
        "request head in pull_request_target or workflow_run workflows.",
    )


# --- Binary-Artifacts -------------------------------------------------------------------------------


def binary_artifacts(snapshot: RepoSnapshot, parameters: Mapping[str, object]) -> CheckResult:
    cid = "Binary-Artifacts"
    extensions = tuple(
        e.lower() if e.startswith(".") else "." + e.lower()
        for e in str_list_param(parameters, "binary_extensions", cid)
    )
    penalty = number_param(parameters, "penalty_per_artifact", cid)
    found = [p for p in snapshot.paths if split(p)[1].endswith(extensions)]
    evidence = [f"{len(found)} file(s) with a binary extension ({', '.join(extensions)})", *_listed(found, "files")]
    if any(split(p)[1] == "gradle-wrapper.jar" for p in found):
        evidence.append(
            "gradle-wrapper.jar is counted; Scorecard skips it when a Gradle wrapper validation workflow passed, "
            "which is not checked here"
        )
    evidence.append("judged by file extension only; file contents are not sniffed")
    if not found:
        if snapshot.tree_truncated:
            return inconclusive(
                cid,
                [*evidence, "the file list is incomplete"],
                "The file list was cut short, so binaries may be missed.",
            )
        return ok(cid, 10, evidence, "No binary artifacts are checked into the repository.")
    return ok(
        cid,
        max(0.0, 10 - penalty * len(found)),
        evidence,
        f"{len(found)} binary file(s) are checked in; their content cannot be reviewed from source.",
        "Remove built binaries from the repository and build them from source in CI.",
    )


# --- runner -----------------------------------------------------------------------------------------

CheckFn = Callable[[RepoSnapshot, Mapping[str, object]], CheckResult]

SECURITY_CHECKS: Mapping[str, CheckFn] = {
    "Security-Policy": security_policy,
    "License": license_check,
    "Dependency-Update-Tool": dependency_update_tool,
    "CI-Tests": ci_tests,
    "Code-Review": code_review,
    "Maintained": maintained,
    "Signed-Releases": signed_releases,
    "Branch-Protection": branch_protection,
    "Token-Permissions": token_permissions,
    "Pinned-Dependencies": pinned_dependencies,
    "Dangerous-Workflow": dangerous_workflow,
    "Binary-Artifacts": binary_artifacts,
}

# The parameter names each check reads (documented in the spec; unknown keys are rejected).
SECURITY_PARAMETERS: Mapping[str, frozenset[str]] = {
    "Security-Policy": frozenset({"contact_points", "free_text_points", "disclosure_points", "min_disclosure_hits"}),
    "License": frozenset({"file_points", "approved_points", "approved_spdx_ids"}),
    "Dependency-Update-Tool": frozenset(),
    "CI-Tests": frozenset({"test_keywords"}),
    "Code-Review": frozenset({"count_merger_as_reviewer"}),
    "Maintained": frozenset({"recent_days", "new_repo_days", "stable_floor_score", "stable_answered_share"}),
    "Signed-Releases": frozenset(
        {"recent_releases", "signed_points", "provenance_points", "signature_suffixes", "provenance_suffixes"}
    ),
    "Branch-Protection": frozenset({"tier_points"}),
    "Token-Permissions": frozenset(),
    "Pinned-Dependencies": frozenset(
        {"github_owners", "github_owned_weight", "third_party_weight", "ecosystem_weight"}
    ),
    "Dangerous-Workflow": frozenset(),
    "Binary-Artifacts": frozenset({"binary_extensions", "penalty_per_artifact"}),
}


class _WorkflowCheck(Protocol):
    def __call__(
        self, snapshot: RepoSnapshot, parameters: Mapping[str, object], *, workflows: Sequence[Workflow] | None = None
    ) -> CheckResult: ...


_WORKFLOW_CHECKS: Mapping[str, _WorkflowCheck] = {
    "CI-Tests": ci_tests,
    "Token-Permissions": token_permissions,
    "Pinned-Dependencies": pinned_dependencies,
    "Dangerous-Workflow": dangerous_workflow,
}
_USES_WORKFLOWS = frozenset(_WORKFLOW_CHECKS)


def _keywords(spec: CheckSpecLike) -> tuple[str, ...]:
    return str_list_param(spec.parameters, "test_keywords", spec.id)


def security_spec_problems(checks_spec: Sequence[CheckSpecLike]) -> list[str]:
    """Every problem with the spec's ``checks`` (unknown id; unknown, missing or mistyped parameter)."""
    empty = RepoSnapshot(paths=(), source="git", as_of=datetime(2000, 1, 1, tzinfo=UTC))
    return spec_problems(
        checks_spec, SECURITY_PARAMETERS, lambda spec: SECURITY_CHECKS[spec.id](empty, spec.parameters), "security"
    )


def run_security_checks(snapshot: RepoSnapshot, checks_spec: Sequence[CheckSpecLike]) -> list[CheckResult]:
    """Run the checks the spec lists, in its order. Workflows are parsed once for the checks that share them.

    The whole spec is validated first, so a broken entry raises ``SpecError`` before any check runs.
    """
    raise_for(security_spec_problems(checks_spec))
    keywords = next((_keywords(s) for s in checks_spec if s.id == "CI-Tests"), ())
    shared = analyze_workflows(snapshot.files, keywords) if any(s.id in _USES_WORKFLOWS for s in checks_spec) else ()
    results: list[CheckResult] = []
    for spec in checks_spec:
        if spec.id in _USES_WORKFLOWS:
            results.append(_WORKFLOW_CHECKS[spec.id](snapshot, spec.parameters, workflows=shared))
        else:
            results.append(SECURITY_CHECKS[spec.id](snapshot, spec.parameters))
    return results


__all__ = [
    "SECURITY_CHECKS",
    "SECURITY_PARAMETERS",
    "binary_artifacts",
    "branch_protection",
    "ci_tests",
    "code_review",
    "dangerous_workflow",
    "dependency_update_tool",
    "detect_spdx",
    "dockerfile_images",
    "license_check",
    "maintained",
    "pinned_dependencies",
    "run_security_checks",
    "security_policy",
    "security_spec_problems",
    "signed_releases",
    "token_permissions",
]

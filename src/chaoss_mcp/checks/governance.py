"""Governance transparency: the documents a newcomer looks for to learn how a project is run.

CHAOSS's documentation metrics judge whether people can *find* the code of conduct, the contribution
guide, who leads and how decisions are made; these checks are presence proxies for that (they do not
judge how well a document is written), plus one content check: whether the governance or contribution
guide says how decisions are taken. Every path list, keyword and point value comes from the spec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from chaoss_mcp.checks import (
    CheckResult,
    CheckSpecLike,
    bool_param,
    inconclusive,
    int_param,
    number_param,
    ok,
    reject_unknown,
    str_list_param,
)
from chaoss_mcp.checks.snapshot import RepoSnapshot, is_health_doc
from chaoss_mcp.errors import SpecError

_OWNER_NOTE = "default files inherited from the owner's .github repository are not seen by this check"


def matching_paths(snapshot: RepoSnapshot, wanted: Sequence[str]) -> list[str]:
    """Paths equal to an entry (case-insensitive), or inside a directory an entry names."""
    exact = {w.lower().strip("/") for w in wanted}
    found = []
    for path in snapshot.paths:
        low = path.lower()
        if low in exact or any(low.startswith(d + "/") for d in exact):
            found.append(path)
    return sorted(found)


def _presence(check_id: str, what: str) -> Callable[[RepoSnapshot, Mapping[str, object], str], CheckResult]:
    def check(snapshot: RepoSnapshot, parameters: Mapping[str, object], remediation: str) -> CheckResult:
        wanted = str_list_param(parameters, "paths", check_id)
        found = matching_paths(snapshot, wanted)
        if found:
            shown = found[:5] + ([f"... and {len(found) - 5} more"] if len(found) > 5 else [])
            return ok(check_id, 10, shown, f"{what} found: {found[0]}.")
        evidence = [f"looked for: {', '.join(wanted)}"]
        if snapshot.tree_truncated:
            return inconclusive(
                check_id, evidence, f"No {what.lower()} in the file list, but the forge returned it truncated."
            )
        reason = f"No {what.lower()} at any of the {len(wanted)} usual places."
        if snapshot.source == "github":
            reason = f"{reason[:-1]} ({_OWNER_NOTE})."
        return ok(check_id, 0, evidence, reason, remediation)

    return check


_PRESENCE: dict[str, str] = {
    "code_of_conduct": "Code of conduct",
    "contributing": "Contribution guide",
    "governance": "Governance document",
    "maintainers": "Maintainers or code owners file",
    "issue_templates": "Issue template",
    "pr_template": "Pull request template",
    "funding": "Funding file",
}


def _docs(snapshot: RepoSnapshot, *prefixes: str) -> list[tuple[str, str]]:
    return sorted((p, text) for p, text in snapshot.files.items() if is_health_doc(p, *prefixes))


def decision_process(snapshot: RepoSnapshot, parameters: Mapping[str, object], remediation: str) -> CheckResult:
    cid = "decision_process"
    keywords = tuple(k.lower() for k in str_list_param(parameters, "keywords", cid))
    governance_points = number_param(parameters, "governance_points", cid, maximum=10)
    contributing_points = number_param(parameters, "contributing_points", cid, maximum=10)

    def hits(docs: list[tuple[str, str]]) -> tuple[str, list[str]] | None:
        for path, text in docs:
            low = text.lower()
            found = [k for k in keywords if k in low]
            if found:
                return path, found
        return None

    governance_docs = _docs(snapshot, "governance")
    contributing_docs = _docs(snapshot, "contributing")
    read = [p for p, _ in governance_docs + contributing_docs]
    hit = hits(governance_docs)
    if hit:
        return ok(
            cid,
            governance_points,
            [f"{hit[0]} mentions: {', '.join(hit[1][:5])}"],
            f"The governance document ({hit[0]}) says how decisions are made.",
            remediation,
        )
    hit = hits(contributing_docs)
    if hit:
        return ok(
            cid,
            contributing_points,
            [f"{hit[0]} mentions: {', '.join(hit[1][:5])}"],
            f"Only the contribution guide ({hit[0]}) speaks of decisions; there is no governance document saying so.",
            remediation,
        )
    unread = [p for p in snapshot.oversized_files if is_health_doc(p, "governance", "contributing")]
    if unread:
        return inconclusive(
            cid, [f"not read (too large): {', '.join(unread)}"], "The documents were too large to read."
        )
    evidence = [f"read: {', '.join(read)}"] if read else ["no governance or contribution guide to read"]
    return ok(
        cid,
        0,
        evidence,
        "Neither a governance document nor the contribution guide says how decisions are made.",
        remediation,
    )


def changelog(snapshot: RepoSnapshot, parameters: Mapping[str, object], remediation: str) -> CheckResult:
    cid = "changelog"
    wanted = str_list_param(parameters, "paths", cid)
    accept_notes = bool_param(parameters, "accept_release_notes", cid)
    recent = int_param(parameters, "recent_releases", cid, minimum=1)
    found = matching_paths(snapshot, wanted)
    if found:
        return ok(cid, 10, found[:5], f"Changelog found: {found[0]}.")
    if accept_notes and snapshot.releases:
        published = [r for r in snapshot.releases if r.published_at is not None]
        published.sort(key=lambda r: r.published_at or snapshot.as_of, reverse=True)
        latest = published[:recent]
        with_notes = [r.tag for r in latest if r.has_notes]
        if latest and with_notes:
            share = len(with_notes) / len(latest)
            return ok(
                cid,
                10 * share,
                [f"{len(with_notes)} of the {len(latest)} latest releases have notes: {', '.join(with_notes[:5])}"],
                f"No changelog file, but {len(with_notes)} of the {len(latest)} latest releases carry release notes.",
                remediation,
            )
    evidence = [f"looked for: {', '.join(wanted)}"]
    if accept_notes and snapshot.releases is None:
        evidence.append("release notes: not available from this source")
    return ok(cid, 0, evidence, "No changelog file and no release notes on recent releases.", remediation)


def community_profile(snapshot: RepoSnapshot, parameters: Mapping[str, object], remediation: str) -> CheckResult:
    cid = "community_profile"
    if snapshot.community_health_percentage is None:
        why = (
            "A local git history has no community profile; GitHub computes it."
            if snapshot.source == "git"
            else "GitHub did not return a community profile for this repository (forks have none)."
        )
        return inconclusive(cid, ["community profile: not available"], why)
    pct = snapshot.community_health_percentage
    return ok(
        cid,
        pct / 10,
        [f"GitHub community profile health: {pct}%"],
        f"GitHub rates the community profile {pct}% complete.",
        remediation,
    )


GOVERNANCE_CHECKS: dict[str, Callable[[RepoSnapshot, Mapping[str, object], str], CheckResult]] = {
    **{cid: _presence(cid, what) for cid, what in _PRESENCE.items()},
    "decision_process": decision_process,
    "changelog": changelog,
    "community_profile": community_profile,
}

GOVERNANCE_PARAMETERS: dict[str, frozenset[str]] = {
    **{cid: frozenset({"paths"}) for cid in _PRESENCE},
    "decision_process": frozenset({"keywords", "governance_points", "contributing_points"}),
    "changelog": frozenset({"paths", "accept_release_notes", "recent_releases"}),
    "community_profile": frozenset(),
}


def run_governance_checks(snapshot: RepoSnapshot, checks_spec: Sequence[CheckSpecLike]) -> list[CheckResult]:
    """Run the checks the spec lists, in its order; the spec's remediation sentence is used for each."""
    for spec in checks_spec:
        if spec.id not in GOVERNANCE_CHECKS:
            raise SpecError(
                f"Unknown governance check {spec.id!r} in the spec; known checks: {', '.join(GOVERNANCE_CHECKS)}."
            )
        reject_unknown(spec.parameters, GOVERNANCE_PARAMETERS[spec.id], spec.id)
    return [
        GOVERNANCE_CHECKS[spec.id](snapshot, spec.parameters, str(getattr(spec, "remediation", "") or ""))
        for spec in checks_spec
    ]


__all__ = ["GOVERNANCE_CHECKS", "GOVERNANCE_PARAMETERS", "matching_paths", "run_governance_checks"]

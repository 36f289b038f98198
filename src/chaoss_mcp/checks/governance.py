"""Governance transparency: the documents a newcomer looks for to learn how a project is run.

CHAOSS's documentation metrics judge whether people can *find* the code of conduct, the contribution
guide, who leads and how decisions are made. These checks are presence proxies for that, with a little
substance where the file is read: a document must not be an empty stub, the code of conduct must name
an enforcement contact (not the template's "[INSERT CONTACT METHOD]"), and the decision process must be
written down (keywords in the governance or contribution guide, or RFC / ADR / steering records). They
do not judge how well a document is written. Every path list, keyword and point value comes from the
spec.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from chaoss_mcp.checks import (
    CheckResult,
    CheckSpecLike,
    bool_param,
    inconclusive,
    int_param,
    number_param,
    ok,
    raise_for,
    spec_problems,
    str_list_param,
)
from chaoss_mcp.checks.snapshot import RepoSnapshot, is_health_doc

_OWNER_NOTE = "default files inherited from the owner's .github repository are not seen by this check"
_URL_RE = re.compile(r"https?://[^\s<>()\[\]\"'`]+", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

Check = Callable[[RepoSnapshot, Mapping[str, object], str], CheckResult]


def matching_paths(snapshot: RepoSnapshot, wanted: Sequence[str]) -> list[str]:
    """Paths equal to an entry (case-insensitive), or inside a directory an entry names."""
    exact = {w.lower().strip("/") for w in wanted}
    found = []
    for path in snapshot.paths:
        low = path.lower()
        if low in exact or any(low.startswith(d + "/") for d in exact):
            found.append(path)
    return sorted(found)


def _shown(found: Sequence[str]) -> list[str]:
    return [*found[:5], *([f"... and {len(found) - 5} more"] if len(found) > 5 else [])]


def _absent(snapshot: RepoSnapshot, check_id: str, what: str, wanted: Sequence[str], remediation: str) -> CheckResult:
    evidence = [f"looked for: {', '.join(wanted)}"]
    if snapshot.tree_truncated:
        return inconclusive(
            check_id, evidence, f"No {what.lower()} in the file list, but the forge returned it truncated."
        )
    reason = f"No {what.lower()} at any of the {len(wanted)} usual places"
    reason += f" ({_OWNER_NOTE})." if snapshot.source == "github" else "."
    return ok(check_id, 0, evidence, reason, remediation)


# --- presence, and documents with a minimum of substance ------------------------------------------


def _presence(check_id: str, what: str) -> Check:
    """10 when any of the spec's ``paths`` exists (files or directories), else 0."""

    def check(snapshot: RepoSnapshot, parameters: Mapping[str, object], remediation: str) -> CheckResult:
        wanted = str_list_param(parameters, "paths", check_id)
        found = matching_paths(snapshot, wanted)
        if not found:
            return _absent(snapshot, check_id, what, wanted, remediation)
        return ok(check_id, 10, _shown(found), f"{what} found: {found[0]}.")

    return check


def _document(check_id: str, what: str) -> Check:
    """Like a presence check, but a file that was read must hold at least ``min_characters`` of text."""

    def check(snapshot: RepoSnapshot, parameters: Mapping[str, object], remediation: str) -> CheckResult:
        wanted = str_list_param(parameters, "paths", check_id)
        minimum = int_param(parameters, "min_characters", check_id)
        found = matching_paths(snapshot, wanted)
        if not found:
            return _absent(snapshot, check_id, what, wanted, remediation)
        evidence = []
        stubs = []
        for path in found:
            text = snapshot.files.get(path)
            if text is None:
                evidence.append(f"{path} (content not read)")
                return ok(check_id, 10, [*evidence, *_shown(found[1:])], f"{what} found: {path}.")
            size = len(text.strip())
            evidence.append(f"{path} ({size} characters)")
            if size >= minimum:
                return ok(check_id, 10, evidence, f"{what} found: {path} ({size} characters).")
            stubs.append(path)
        return ok(
            check_id,
            0,
            [*evidence, f"a {what.lower()} needs at least {minimum} characters of text"],
            f"{what} exists ({', '.join(stubs)}) but is an empty or near-empty stub.",
            remediation,
        )

    return check


def _contacts(text: str, ignored_prefixes: tuple[str, ...]) -> list[str]:
    """Email addresses and links that are not the code of conduct template's own references."""
    found = list(dict.fromkeys(_EMAIL_RE.findall(text)))
    for match in _URL_RE.finditer(text):
        bare = match.group(0).lower().split("://", 1)[1].removeprefix("www.")
        if not bare.startswith(ignored_prefixes):
            found.append(match.group(0))
    return found


def code_of_conduct(snapshot: RepoSnapshot, parameters: Mapping[str, object], remediation: str) -> CheckResult:
    """Presence (presence_points) plus an enforcement contact (contact_points): CHAOSS asks for both."""
    cid = "code_of_conduct"
    wanted = str_list_param(parameters, "paths", cid)
    minimum = int_param(parameters, "min_characters", cid)
    presence_points = number_param(parameters, "presence_points", cid, maximum=10)
    contact_points = number_param(parameters, "contact_points", cid, maximum=10)
    placeholders = str_list_param(parameters, "placeholders", cid)
    ignored = tuple(h.lower().removeprefix("www.") for h in str_list_param(parameters, "ignore_link_prefixes", cid))

    found = matching_paths(snapshot, wanted)
    if not found:
        return _absent(snapshot, cid, "Code of conduct", wanted, remediation)
    path = found[0]
    text = snapshot.files.get(path)
    if text is None:
        why = "too large" if path in snapshot.oversized_files else "not fetched"
        return inconclusive(
            cid,
            [f"{path} exists but was not read ({why})"],
            f"{path} exists, but whether it names an enforcement contact could not be checked.",
        )
    size = len(text.strip())
    if size < minimum:
        return ok(
            cid,
            0,
            [f"{path} ({size} characters)", f"a code of conduct needs at least {minimum} characters of text"],
            f"{path} exists but is an empty or near-empty stub.",
            remediation,
        )
    low = text.lower()
    unfilled = [p for p in placeholders if p.lower() in low]
    contacts = _contacts(text, ignored)
    evidence = [f"{path} ({size} characters)"]
    if contacts:
        shown = ", ".join(c if "@" not in c or "://" in c else "an email address" for c in contacts[:3])
        evidence.append(f"enforcement contact: {len(contacts)} found ({shown})")
    else:
        evidence.append("enforcement contact: none found")
    if unfilled:
        evidence.append(f"template placeholder left in: {unfilled[0]}")
    if contacts:
        reason = f"{path} states the expected behaviour and names whom to contact to report a violation."
        if unfilled:
            reason = f"{path} names a contact, though the template placeholder {unfilled[0]} is still in it."
        return ok(cid, presence_points + contact_points, evidence, reason, remediation)
    reason = (
        f"{path} is the template with its placeholder {unfilled[0]} not filled in, so nobody is named to "
        "receive reports."
        if unfilled
        else f"{path} exists but names no one to contact about a violation, so it cannot be enforced."
    )
    return ok(
        cid,
        presence_points,
        evidence,
        reason,
        f"Put a private reporting address (or form) in {path} and say who handles reports.",
    )


# --- decision process --------------------------------------------------------------------------------


def _docs(snapshot: RepoSnapshot, *names: str) -> list[str]:
    return sorted(p for p in snapshot.paths if is_health_doc(p, *names))


def _keyword_hits(text: str, keywords: Sequence[str]) -> list[str]:
    """Keywords found as whole words or phrases ("vote" does not match "devoted")."""
    return [k for k in keywords if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", text, re.IGNORECASE)]


def decision_process(snapshot: RepoSnapshot, parameters: Mapping[str, object], remediation: str) -> CheckResult:
    """Whether the project writes down how decisions are made.

    governance_points when the governance document speaks of decisions (a keyword), record_points for
    decision records (RFC or ADR directories, a steering or charter document), contributing_points when
    only the contribution guide mentions a keyword; the best of these counts.
    """
    cid = "decision_process"
    keywords = str_list_param(parameters, "keywords", cid)
    governance_points = number_param(parameters, "governance_points", cid, maximum=10)
    record_points = number_param(parameters, "record_points", cid, maximum=10)
    contributing_points = number_param(parameters, "contributing_points", cid, maximum=10)
    record_paths = str_list_param(parameters, "record_paths", cid)

    options: list[tuple[float, str, str]] = []  # (points, evidence, reason)
    unread: list[str] = []
    searched: list[str] = []
    for name, points in (("governance", governance_points), ("contributing", contributing_points)):
        for path in _docs(snapshot, name):
            text = snapshot.files.get(path)
            if text is None:
                unread.append(path)
                continue
            searched.append(path)
            hits = _keyword_hits(text, keywords)
            if not hits:
                continue
            reason = (
                f"The governance document ({path}) says how decisions are made."
                if name == "governance"
                else f"Only the contribution guide ({path}) speaks of decisions; no governance document or "
                "decision record says how they are made."
            )
            options.append((points, f"{path} mentions: {', '.join(hits[:5])}", reason))
            break
    records = matching_paths(snapshot, record_paths)
    if records:
        options.append(
            (
                record_points,
                f"decision records: {', '.join(_shown(records))}",
                f"The project keeps decision records or a steering document ({records[0]}).",
            )
        )
    if options:
        options.sort(key=lambda o: -o[0])
        return ok(cid, options[0][0], [line for _, line, _ in options], options[0][2], remediation)
    if unread:
        return inconclusive(
            cid,
            [f"not read: {', '.join(unread)}"],
            "The governance or contribution documents could not be read, so the decision process is not judged.",
        )
    evidence = [f"searched: {', '.join(searched)}"] if searched else ["no governance document or contribution guide"]
    evidence.append(f"no decision records at: {', '.join(record_paths)}")
    return ok(
        cid,
        0,
        evidence,
        "Neither a governance document, the contribution guide nor any decision record says how decisions are made.",
        remediation,
    )


# --- changelog or release notes ----------------------------------------------------------------------


def changelog(snapshot: RepoSnapshot, parameters: Mapping[str, object], remediation: str) -> CheckResult:
    cid = "changelog"
    wanted = str_list_param(parameters, "paths", cid)
    accept_notes = bool_param(parameters, "accept_release_notes", cid)
    recent = int_param(parameters, "recent_releases", cid, minimum=1)
    found = matching_paths(snapshot, wanted)
    if found:
        return ok(cid, 10, _shown(found), f"Changelog found: {found[0]}.")
    evidence = [f"no changelog file (looked for: {', '.join(wanted)})"]
    if accept_notes:
        if snapshot.releases is None:
            return inconclusive(
                cid,
                [*evidence, "release notes: not available from this source"],
                "There is no changelog file, and this source cannot show whether releases carry notes.",
                remediation,
            )
        published = sorted(
            (r for r in snapshot.releases if r.published_at is not None),
            key=lambda r: r.published_at or datetime.min.replace(tzinfo=UTC),
            reverse=True,
        )[:recent]
        with_notes = [r.tag for r in published if r.has_notes]
        if with_notes:
            share = len(with_notes) / len(published)
            return ok(
                cid,
                10 * share,
                [
                    *evidence,
                    f"{len(with_notes)} of the {len(published)} latest releases have notes: "
                    + ", ".join(with_notes[:5]),
                ],
                f"No changelog file, but {len(with_notes)} of the {len(published)} latest releases carry "
                "release notes.",
                remediation,
            )
        evidence.append(
            f"none of the {len(published)} latest releases has notes" if published else "no published releases"
        )
    if snapshot.tree_truncated:
        return inconclusive(cid, evidence, "No changelog in the file list, but the forge returned it truncated.")
    return ok(cid, 0, evidence, "No changelog file and no release notes on recent releases.", remediation)


# --- GitHub's community profile ----------------------------------------------------------------------


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


# --- runner ------------------------------------------------------------------------------------------

_PRESENCE: dict[str, str] = {
    "issue_templates": "Issue template",
    "pr_template": "Pull request template",
    "funding": "Funding file",
}
_DOCUMENTS: dict[str, str] = {
    "contributing": "Contribution guide",
    "governance": "Governance document",
    "maintainers": "Maintainers or code owners file",
}

GOVERNANCE_CHECKS: dict[str, Check] = {
    **{cid: _presence(cid, what) for cid, what in _PRESENCE.items()},
    **{cid: _document(cid, what) for cid, what in _DOCUMENTS.items()},
    "code_of_conduct": code_of_conduct,
    "decision_process": decision_process,
    "changelog": changelog,
    "community_profile": community_profile,
}

GOVERNANCE_PARAMETERS: dict[str, frozenset[str]] = {
    **{cid: frozenset({"paths"}) for cid in _PRESENCE},
    **{cid: frozenset({"paths", "min_characters"}) for cid in _DOCUMENTS},
    "code_of_conduct": frozenset(
        {"paths", "min_characters", "presence_points", "contact_points", "placeholders", "ignore_link_prefixes"}
    ),
    "decision_process": frozenset(
        {"keywords", "governance_points", "record_points", "contributing_points", "record_paths"}
    ),
    "changelog": frozenset({"paths", "accept_release_notes", "recent_releases"}),
    "community_profile": frozenset(),
}


def _remediation(spec: CheckSpecLike) -> str:
    return str(getattr(spec, "remediation", "") or "")


def governance_spec_problems(checks_spec: Sequence[CheckSpecLike]) -> list[str]:
    """Every problem with the spec's ``checks`` (unknown id; unknown, missing or mistyped parameter)."""
    empty = RepoSnapshot(paths=(), source="git", as_of=datetime(2000, 1, 1, tzinfo=UTC))
    return spec_problems(
        checks_spec,
        GOVERNANCE_PARAMETERS,
        lambda spec: GOVERNANCE_CHECKS[spec.id](empty, spec.parameters, _remediation(spec)),
        "governance",
    )


def run_governance_checks(snapshot: RepoSnapshot, checks_spec: Sequence[CheckSpecLike]) -> list[CheckResult]:
    """Run the checks the spec lists, in its order; the spec's remediation sentence is used for each.

    The whole spec is validated first, so a broken entry raises ``SpecError`` before any check runs.
    """
    raise_for(governance_spec_problems(checks_spec))
    return [GOVERNANCE_CHECKS[spec.id](snapshot, spec.parameters, _remediation(spec)) for spec in checks_spec]


__all__ = [
    "GOVERNANCE_CHECKS",
    "GOVERNANCE_PARAMETERS",
    "changelog",
    "code_of_conduct",
    "community_profile",
    "decision_process",
    "governance_spec_problems",
    "matching_paths",
    "run_governance_checks",
]

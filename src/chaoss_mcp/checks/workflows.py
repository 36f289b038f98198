"""GitHub Actions workflow analysis: triggers, token permissions, action pins, dangerous patterns.

Pure functions over workflow YAML text. A file that does not parse becomes a ``Workflow`` with
``error`` set, never an exception. The untrusted-input list follows GitHub's guidance on script
injection (docs.github.com: security-guides/security-hardening-for-github-actions) and the fields
OpenSSF Scorecard's Dangerous-Workflow check flags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp.checks.snapshot import is_workflow

PermissionLevel = Literal["undeclared", "none", "read-all", "write-all", "scoped", "unknown"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Permissions(_Frozen):
    level: PermissionLevel
    write_scopes: tuple[str, ...] = Field((), description="Scopes granted write, for level 'scoped'")

    @property
    def declared(self) -> bool:
        return self.level != "undeclared"

    @property
    def has_write(self) -> bool:
        return self.level == "write-all" or bool(self.write_scopes)


class Job(_Frozen):
    id: str
    permissions: Permissions


class ActionRef(_Frozen):
    """One ``uses:`` reference to something outside the repository (local ``./`` actions are omitted)."""

    path: str
    job: str
    step: str | None = Field(description="Step name or index; None for a job-level reusable workflow")
    uses: str
    kind: Literal["action", "reusable_workflow", "docker"]
    owner: str = Field(description="Lower-cased owner, e.g. 'actions'; the image name for docker")
    pinned: bool = Field(description="Pinned by full commit SHA (or docker image digest)")


class Finding(_Frozen):
    path: str
    job: str | None = None
    step: str | None = None
    detail: str


class PipInstall(_Frozen):
    path: str
    job: str
    step: str
    command: str
    pinned: bool = Field(
        description="--require-hashes, only local wheels, or an editable local/SHA-pinned source with --no-deps"
    )


class Workflow(_Frozen):
    path: str
    error: str | None = Field(None, description="Why the file could not be analysed")
    triggers: tuple[str, ...] = ()
    permissions: Permissions = Permissions(level="undeclared")
    jobs: tuple[Job, ...] = ()
    actions: tuple[ActionRef, ...] = ()
    untrusted_checkouts: tuple[Finding, ...] = ()
    script_injections: tuple[Finding, ...] = ()
    pip_installs: tuple[PipInstall, ...] = ()
    test_hints: tuple[str, ...] = Field((), description="Job/step texts that matched a test keyword")

    @property
    def parsed(self) -> bool:
        return self.error is None


PR_TRIGGERS = frozenset({"pull_request", "pull_request_target", "merge_group"})
PRIVILEGED_TRIGGERS = frozenset({"pull_request_target", "workflow_run"})

_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
# Expressions an outsider controls: titles, bodies, branch names, commit messages and author fields.
_UNTRUSTED = re.compile(
    r"""
    github\.head_ref\b
    | \bgithub\.event\.(?:issue|pull_request|discussion)\.(?:title|body)\b
    | \bgithub\.event\.(?:comment|review|review_comment)\.body\b
    | \bgithub\.event\.pages\b.*?\.page_name\b
    | \bgithub\.event\.commits\b.*?\.(?:message|author\.email|author\.name)\b
    | \bgithub\.event\.head_commit\.(?:message|author\.email|author\.name)\b
    | \bgithub\.event\.pull_request\.head\.(?:ref|label|repo\.default_branch)\b
    | \bgithub\.event\.workflow_run\.(?:head_branch|display_title|head_commit\.(?:message|author\.\w+))\b
    | \bgithub\.event\.workflow_run\.pull_requests\b.*?\.head\.ref\b
    | \bgithub\.event\.blocked_user\.
    | \btoJSON\(\s*github(?:\.event)?\s*\)
    """,
    re.VERBOSE | re.IGNORECASE,
)
# A checkout ref that names the pull request's (untrusted) code rather than the base branch.
_UNTRUSTED_REF = re.compile(
    r"""
    github\.event\.pull_request\.(?:head\b|merge_commit_sha\b)
    | github\.event\.workflow_run\.(?:head_|pull_requests\b)
    | github\.head_ref\b
    | refs/pull/
    """,
    re.VERBOSE | re.IGNORECASE,
)
_PIP = re.compile(
    r"(?:^|[\s;&|(])(?:python\d?(?:\.\d+)?\s+-m\s+)?pip\d?(?:\.\d+)?\s+install\b[^\n;&|)]*", re.IGNORECASE
)
_FLAG = re.compile(r"^(?:--?[\w-]+)(?:=.*)?$")
_VCS = re.compile(r"^(?:git|svn|hg|bzr)\+?", re.IGNORECASE)
_VCS_GIT_PINNED = re.compile(r"^git(?:\+(?:https?|ssh|git))?://.*@[0-9a-fA-F]{40}(?:#egg=.*)?$")
# Options that take a value as the next word (`-r requirements.txt`, `-c constraints.txt`, `-i URL`...).
_PIP_VALUE_OPTIONS = frozenset(
    {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "-f",
        "--find-links",
        "--python-version",
        "--platform",
        "--only-binary",
        "--no-binary",
    }
)


def pip_install_pinned(command: str) -> bool:
    """Whether a ``pip install`` pins what it downloads, by OpenSSF Scorecard's rules.

    Pinned: ``--require-hashes``; only local ``.whl`` files; an editable install (``-e``) of a local
    path or of a git URL pinned to a full commit SHA, with ``--no-deps``. Anything else, including
    ``pip install -r requirements.txt`` without hashes and ``pip install .``, can pull new code.
    """
    words = command.split()
    try:
        start = next(i for i, w in enumerate(words) if w.lower() == "install") + 1
    except StopIteration:
        return False
    no_deps = editable = require_hashes = wheel = other = False
    editable_pinned = True
    skip_value = False
    for word in words[start:]:
        word = word.strip("'\"")
        if skip_value:
            skip_value = False
            if editable:
                editable_pinned = editable_pinned and _editable_source_pinned(word)
            else:
                other = True  # a requirements file, index or target: a source of unpinned downloads
            continue
        low = word.lower()
        if low == "--no-deps":
            no_deps = True
        elif low in ("-e", "--editable"):
            editable = True
            skip_value = True
        elif low == "--require-hashes":
            require_hashes = True
        elif low in _PIP_VALUE_OPTIONS:
            skip_value = low not in ("-t", "--target", "--prefix", "--root")
        elif _FLAG.match(word):
            continue
        elif low.endswith(".whl"):
            wheel = True
        else:
            other = True
    if editable:
        return no_deps and editable_pinned
    if require_hashes:
        return True
    return wheel and not other


def _editable_source_pinned(source: str) -> bool:
    if not _VCS.match(source):
        return True  # a local path
    return bool(_VCS_GIT_PINNED.match(source))


def _triggers(doc: Mapping[object, object]) -> tuple[str, ...]:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    raw = doc.get("on", doc.get(True))
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list):
        return tuple(str(item) for item in raw)
    if isinstance(raw, dict):
        return tuple(str(key) for key in raw)
    return ()


def _permissions(raw: object, present: bool) -> Permissions:
    if not present:
        return Permissions(level="undeclared")
    if raw in ("read-all",):
        return Permissions(level="read-all")
    if raw in ("write-all",):
        return Permissions(level="write-all")
    if raw is None or raw == {}:
        return Permissions(level="none")
    if isinstance(raw, dict):
        writes = tuple(sorted(str(scope) for scope, level in raw.items() if str(level).lower() == "write"))
        return Permissions(level="scoped", write_scopes=writes)
    return Permissions(level="unknown")


def _step_label(step: Mapping[object, object], index: int) -> str:
    for key in ("name", "id"):
        value = step.get(key)
        if isinstance(value, str) and value.strip():
            return f"step {index + 1} ({value.strip()[:80]})"
    return f"step {index + 1}"


def _parse_uses(path: str, job: str, step: str | None, uses: str) -> ActionRef | None:
    uses = uses.strip()
    if uses.startswith("./") or uses.startswith("../"):
        return None
    if uses.startswith("docker://"):
        image = uses[len("docker://") :]
        return ActionRef(
            path=path,
            job=job,
            step=step,
            uses=uses,
            kind="docker",
            owner=image.split("@")[0].split(":")[0].lower(),
            pinned="@sha256:" in image,
        )
    name, _, ref = uses.partition("@")
    kind: Literal["action", "reusable_workflow"] = "reusable_workflow" if "/.github/workflows/" in name else "action"
    return ActionRef(
        path=path,
        job=job,
        step=step,
        uses=uses,
        kind=kind,
        owner=name.split("/")[0].lower(),
        pinned=bool(_SHA.match(ref)),
    )


def _expressions_with_untrusted(text: str) -> list[str]:
    found: list[str] = []
    for match in _EXPR.finditer(text):
        inner = match.group(1)
        hit = _UNTRUSTED.search(inner)
        if hit:
            found.append(hit.group(0))
    return found


def parse_workflow(path: str, text: str, test_keywords: tuple[str, ...] = ()) -> Workflow:
    """Analyse one workflow file. ``test_keywords`` (words or phrases) mark jobs/steps that run tests."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        return Workflow(path=path, error=f"could not parse the YAML{line}")
    if not isinstance(doc, dict):
        return Workflow(path=path, error="not a workflow: the YAML is not a mapping")
    jobs_raw = doc.get("jobs")
    if not isinstance(jobs_raw, dict):
        return Workflow(path=path, error="not a workflow: no `jobs` mapping")

    triggers = _triggers(doc)
    privileged = bool(PRIVILEGED_TRIGGERS.intersection(triggers))
    jobs: list[Job] = []
    actions: list[ActionRef] = []
    checkouts: list[Finding] = []
    injections: list[Finding] = []
    pips: list[PipInstall] = []
    hints: list[str] = []
    # Whole words only (underscores and dashes separate words), so "check" never matches "checkout".
    keyword_patterns = [
        (word, re.compile(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", re.IGNORECASE)) for word in test_keywords
    ]

    def note_test(text: str, where: str) -> None:
        for word, pattern in keyword_patterns:
            if pattern.search(text):
                hints.append(f"{where}: {word}")
                return

    for job_key, job_raw in jobs_raw.items():
        job_id = str(job_key)
        if not isinstance(job_raw, dict):
            continue
        jobs.append(Job(id=job_id, permissions=_permissions(job_raw.get("permissions"), "permissions" in job_raw)))
        note_test(job_id, f"job {job_id}")
        if isinstance(job_raw.get("name"), str):
            note_test(job_raw["name"], f"job {job_id}")
        job_uses = job_raw.get("uses")
        if isinstance(job_uses, str):
            ref = _parse_uses(path, job_id, None, job_uses)
            if ref is not None:
                actions.append(ref)
            note_test(job_uses, f"job {job_id}")
        steps = job_raw.get("steps")
        if not isinstance(steps, list):
            continue
        for index, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            label = _step_label(step, index)
            uses = step.get("uses")
            with_raw = step.get("with")
            with_map: Mapping[object, object] = with_raw if isinstance(with_raw, dict) else {}
            if isinstance(uses, str):
                ref = _parse_uses(path, job_id, label, uses)
                if ref is not None:
                    actions.append(ref)
                name = uses.split("@")[0].lower()
                if privileged and name == "actions/checkout":
                    for key in ("ref", "repository"):
                        value = with_map.get(key)
                        if isinstance(value, str) and _UNTRUSTED_REF.search(value):
                            checkouts.append(
                                Finding(
                                    path=path,
                                    job=job_id,
                                    step=label,
                                    detail=f"checks out untrusted code ({key}: {value.strip()[:120]}) "
                                    f"in a {'/'.join(sorted(PRIVILEGED_TRIGGERS.intersection(triggers)))} "
                                    "workflow",
                                )
                            )
                            break
                if name == "actions/github-script":
                    script = with_map.get("script")
                    if isinstance(script, str):
                        for expr in _expressions_with_untrusted(script):
                            injections.append(
                                Finding(
                                    path=path,
                                    job=job_id,
                                    step=label,
                                    detail=f"github-script interpolates untrusted {expr}",
                                )
                            )
                note_test(uses, f"job {job_id} {label}")
            run = step.get("run")
            if isinstance(run, str):
                for expr in _expressions_with_untrusted(run):
                    injections.append(
                        Finding(path=path, job=job_id, step=label, detail=f"run: interpolates untrusted {expr}")
                    )
                for match in _PIP.finditer(run.replace("\\\n", " ")):
                    command = " ".join(match.group(0).split())
                    pips.append(
                        PipInstall(
                            path=path,
                            job=job_id,
                            step=label,
                            command=command[:160],
                            pinned=pip_install_pinned(command),
                        )
                    )
                note_test(run, f"job {job_id} {label}")
            if isinstance(step.get("name"), str):
                note_test(step["name"], f"job {job_id} {label}")

    return Workflow(
        path=path,
        triggers=triggers,
        permissions=_permissions(doc.get("permissions"), "permissions" in doc),
        jobs=tuple(jobs),
        actions=tuple(actions),
        untrusted_checkouts=tuple(checkouts),
        script_injections=tuple(injections),
        pip_installs=tuple(pips),
        test_hints=tuple(dict.fromkeys(hints)),
    )


def analyze_workflows(files: Mapping[str, str], test_keywords: tuple[str, ...] = ()) -> tuple[Workflow, ...]:
    """Every workflow among ``files`` (paths under .github/workflows), in path order."""
    return tuple(parse_workflow(path, files[path], test_keywords) for path in sorted(files) if is_workflow(path))


__all__ = [
    "PRIVILEGED_TRIGGERS",
    "PR_TRIGGERS",
    "ActionRef",
    "Finding",
    "Job",
    "Permissions",
    "PipInstall",
    "Workflow",
    "analyze_workflows",
    "parse_workflow",
    "pip_install_pinned",
]

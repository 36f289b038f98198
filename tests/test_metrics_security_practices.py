"""security_practices (and governance_transparency): the risk-weighted aggregate, and both tools end to end
through an MCP client session on a local repository with known files."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from chaoss_mcp.checks.snapshot import BranchProtection, RepoSnapshot
from chaoss_mcp.config import Settings
from chaoss_mcp.errors import SpecError
from chaoss_mcp.metrics import governance_transparency, security_practices
from chaoss_mcp.server import build_server
from chaoss_mcp.specs import CheckSpec, load_specs
from chaoss_mcp.state import load_all_specs
from tests.gitrepo import C, git_env, make_repo

SPECS = load_specs()
SECURITY_CHECKS: list[CheckSpec] = SPECS.metrics["security_practices"].spec.checks
GOVERNANCE_CHECKS: list[CheckSpec] = SPECS.metrics["governance_transparency"].spec.checks
SHA = "b4ffde65f46336ab88eb53be808477a3936bae11"

SECURITY_MD = """# Security policy

## Supported versions

Only the latest 2.x release receives security fixes.

## Reporting a vulnerability

Email security@example.org. We acknowledge reports within 3 days and publish an advisory once a fix is out,
at the latest 90 days after the report (coordinated disclosure).
"""
CI_YML = f"""name: CI
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{SHA} # v4
      - uses: actions/setup-python@v5
      - run: pytest -q
"""
TRIAGE_YML = """name: Triage
on:
  issues:
    types: [opened]
jobs:
  label:
    runs-on: ubuntu-latest
    permissions:
      issues: write
    steps:
      - name: Show the title
        run: echo "${{ github.event.issue.title }}"
"""
APACHE = "                                 Apache License\n                           Version 2.0, January 2004\n"
PROSE = "This document explains how the project works and what we expect from everyone taking part. " * 3

# --- the aggregate -----------------------------------------------------------------------------------


def github_snapshot(**fields: Any) -> RepoSnapshot:
    files = {
        "SECURITY.md": SECURITY_MD,
        ".github/workflows/ci.yml": CI_YML.replace("actions/setup-python@v5\n", f"actions/setup-python@{SHA}\n"),
    }
    values: dict[str, Any] = {
        "paths": (*files, "LICENSE", "src/app.py"),
        "files": files,
        "license_spdx": "MIT",
        "archived": False,
        "commits_recent": 12,
        "issue_activity_recent": 0,
        "activity_window_days": 90,
        "releases": (),
        "branch_protection_unavailable_reason": "reading branch protection needs admin rights",
        "source": "github",
        "as_of": datetime(2026, 6, 30, tzinfo=UTC),
    }
    values.update(fields)
    return RepoSnapshot(**values)


def test_the_aggregate_is_weighted_by_risk_and_leaves_inconclusive_checks_out() -> None:
    value = security_practices.compute(snapshot=github_snapshot(), checks=SECURITY_CHECKS)
    scores = {c.id: c.score for c in value.checks}
    assert scores == {
        "Dangerous-Workflow": 10,  # critical, 10
        "Binary-Artifacts": 10,  # high, 7.5
        "Branch-Protection": None,
        "Code-Review": None,
        "Dependency-Update-Tool": 0,  # high, 7.5
        "Maintained": 10,  # high, 7.5
        "Signed-Releases": None,
        "Token-Permissions": 10,  # high, 7.5
        "Pinned-Dependencies": 10,  # medium, 5
        "Security-Policy": 10,  # medium, 5
        "License": 10,  # low, 2.5
        "CI-Tests": 10,  # low, 2.5
    }
    # (100 + 75 + 0 + 75 + 75 + 50 + 50 + 25 + 25) / (10 + 7.5 * 4 + 5 * 2 + 2.5 * 2) = 475 / 55
    assert value.aggregate == 8.6
    assert value.conclusive_checks == 9 and value.inconclusive_checks == 3
    assert security_practices.caveats(value) == [
        "Not decided from the available data, and left out of the aggregate: Branch-Protection, Code-Review, "
        "Signed-Releases."
    ]
    bp = next(c for c in value.checks if c.id == "Branch-Protection")
    assert bp.status == "inconclusive" and bp.evidence == ["reading branch protection needs admin rights"]
    assert bp.risk == "high" and bp.weight == 7.5 and bp.reference and "branch-protection" in bp.reference


def test_a_decided_zero_lowers_the_aggregate_where_an_inconclusive_check_does_not() -> None:
    unprotected = github_snapshot(branch_protection=BranchProtection(branch="main", protected=False))
    value = security_practices.compute(snapshot=unprotected, checks=SECURITY_CHECKS)
    assert value.aggregate == 7.6  # 475 / 62.5
    assert value.conclusive_checks == 10


def test_the_metric_reports_files_listed_and_read() -> None:
    value = security_practices.compute(snapshot=github_snapshot(), checks=SECURITY_CHECKS)
    assert value.files_listed == 4 and value.files_read == 2
    assert security_practices.sample(value) == {
        "checks": 12,
        "conclusive_checks": 9,
        "files_listed": 4,
        "files_read": 2,
    }


def test_spec_problems_are_found_before_anything_runs() -> None:
    broken = [c.model_copy(update={"id": "Fuzzing"}) if c.id == "CI-Tests" else c for c in SECURITY_CHECKS]
    assert security_practices.check_problems(broken) == [
        "Unknown security check 'Fuzzing' in the spec; known checks: "
        "Security-Policy, License, Dependency-Update-Tool, CI-Tests, Code-Review, Maintained, Signed-Releases, "
        "Branch-Protection, Token-Permissions, Pinned-Dependencies, Dangerous-Workflow, Binary-Artifacts."
    ]
    with pytest.raises(SpecError, match="'Fuzzing'"):
        security_practices.compute(snapshot=github_snapshot(), checks=broken)
    assert security_practices.check_problems(SECURITY_CHECKS) == []
    assert governance_transparency.check_problems(GOVERNANCE_CHECKS) == []


# --- end to end through the MCP server on a local repository ------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def commit_files(repo: Path, files: dict[str, str | bytes], when: str) -> None:
    for name, content in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    env = {**git_env(), "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env, capture_output=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "project files"], check=True, env=env)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    # One old commit, six in May 2026, then the project files on 1 June: 7 commits in the 90 days to 30 June.
    history = [C(when="2024-01-05T10:00:00Z"), *[C(when=f"2026-05-0{d}T10:00:00Z") for d in range(1, 7)]]
    repo = make_repo(tmp_path / "repos" / "project", history)
    commit_files(
        repo,
        {
            "SECURITY.md": SECURITY_MD,
            "LICENSE": APACHE,
            ".github/dependabot.yml": "version: 2\nupdates: []\n",
            ".github/workflows/ci.yml": CI_YML,
            ".github/workflows/triage.yml": TRIAGE_YML,
            "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
            "bin/helper.exe": b"MZ\x90\x00\x03\x00\x00\x00",
            "CODE_OF_CONDUCT.md": PROSE + "\nReport incidents to [INSERT CONTACT METHOD].\n",
            "CONTRIBUTING.md": PROSE,
            "GOVERNANCE.md": PROSE + "\nDecisions are taken by lazy consensus among the maintainers.\n",
            ".github/CODEOWNERS": "* @ada\n",
            "CHANGELOG.md": "# Changelog\n\n## 2.0.0\n- First stable release.\n",
            ".github/ISSUE_TEMPLATE/bug.yml": "name: Bug\n",
        },
        "2026-06-01T10:00:00Z",
    )
    return repo


def settings_for(tmp_path: Path) -> Settings:
    # nothing listens on 127.0.0.1:9: these tests never reach GitHub
    return Settings(cache_dir=tmp_path / "cache", allow_paths=(tmp_path / "repos",), api_url="http://127.0.0.1:9")


async def call(tmp_path: Path, tool: str, repo: Path) -> dict[str, Any]:
    settings = settings_for(tmp_path)
    async with Client(build_server(settings, load_all_specs(settings))) as client:
        result = await client.call_tool(tool, {"repo": str(repo), "as_of": "2026-06-30"})
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


@pytest.mark.anyio
async def test_security_practices_end_to_end_on_a_local_repository(tmp_path: Path, project: Path) -> None:
    out = await call(tmp_path, "security_practices", project)
    assert out["repository"]["source"] == "git"
    checks = {c["id"]: c for c in out["value"]["checks"]}
    assert {cid: c["score"] for cid, c in checks.items()} == {
        "Dangerous-Workflow": 0,
        "Binary-Artifacts": 9,
        "Branch-Protection": None,
        "Code-Review": None,
        "Dependency-Update-Tool": 10,
        "Maintained": 5,
        "Signed-Releases": None,
        "Token-Permissions": 9,
        "Pinned-Dependencies": 3,
        "Security-Policy": 10,
        "License": 10,
        "CI-Tests": 10,
    }
    assert checks["Dangerous-Workflow"]["evidence"] == [
        ".github/workflows/triage.yml job label step 1 (Show the title): "
        "run: interpolates untrusted github.event.issue.title"
    ]
    assert checks["Binary-Artifacts"]["evidence"][:2] == [
        "1 file(s) with a binary extension (.a, .bundle, .class, .crx, .deb, .dex, .dey, .dll, .drv, .dylib, .efi, "
        ".elf, .exe, .iso, .jar, .lib, .macho, .msi, .o, .ocx, .par, .pyc, .pyo, .rpm, .so, .wasm, .whl)",
        "bin/helper.exe",
    ]
    assert checks["Dependency-Update-Tool"]["evidence"] == [".github/dependabot.yml: Dependabot configuration"]
    assert checks["Maintained"]["evidence"][0] == "7 commit(s) in the last 90 days"
    assert "lower bound" in checks["Maintained"]["reason"]
    assert checks["Token-Permissions"]["evidence"] == [
        ".github/workflows/ci.yml: top-level permissions: read-only scopes",
        ".github/workflows/triage.yml: no top-level permissions; job write permissions: label",
    ]
    assert "GitHub-owned actions: 1 of 2 pinned" in checks["Pinned-Dependencies"]["evidence"]
    assert "container images: 0 of 1 pinned" in checks["Pinned-Dependencies"]["evidence"]
    assert "Dockerfile: FROM python:3.12-slim" in checks["Pinned-Dependencies"]["evidence"]
    assert checks["Security-Policy"]["evidence"][0] == f"SECURITY.md ({len(SECURITY_MD)} characters)"
    assert "supported versions: stated (supported versions)" in [
        e.lower() for e in checks["Security-Policy"]["evidence"]
    ]
    assert checks["License"]["evidence"][1] == "SPDX id: Apache-2.0 (from the text of LICENSE)"
    assert checks["CI-Tests"]["evidence"][0].startswith(".github/workflows/ci.yml: on pull_request; runs tests")
    for undecided in ("Branch-Protection", "Code-Review", "Signed-Releases"):
        assert checks[undecided]["status"] == "inconclusive" and checks[undecided]["reason"], undecided
    assert "local checkout has no branch protection" in checks["Branch-Protection"]["reason"]
    # (0*10 + 9*7.5 + 10*7.5 + 5*7.5 + 9*7.5 + 3*5 + 10*5 + 10*2.5 + 10*2.5) / 55 = 362.5 / 55
    assert out["value"]["aggregate"] == 6.6
    assert out["value"]["conclusive_checks"] == 9 and out["value"]["inconclusive_checks"] == 3
    assert out["status"] == "ok" and out["band"] == "adequate" and out["score"] == 7
    assert (
        out["value"]["files_read"] == 9
    )  # SECURITY, LICENSE, CoC, CONTRIBUTING, GOVERNANCE, CODEOWNERS, 2 wf, Dockerfile


@pytest.mark.anyio
async def test_governance_transparency_end_to_end_on_a_local_repository(tmp_path: Path, project: Path) -> None:
    out = await call(tmp_path, "governance_transparency", project)
    checks = {c["id"]: c for c in out["value"]["checks"]}
    assert {cid: c["score"] for cid, c in checks.items()} == {
        "code_of_conduct": 6,
        "contributing": 10,
        "governance": 10,
        "maintainers": 10,
        "decision_process": 10,
        "changelog": 10,
        "community_profile": None,
        "issue_templates": 10,
        "pr_template": 0,
        "funding": 0,
    }
    assert "template placeholder left in: [INSERT CONTACT METHOD]" in checks["code_of_conduct"]["evidence"]
    assert checks["decision_process"]["evidence"] == ["GOVERNANCE.md mentions: consensus, lazy consensus, decisions"]
    assert checks["maintainers"]["evidence"] == [".github/CODEOWNERS (6 characters)"]
    assert checks["community_profile"]["status"] == "inconclusive"
    # (6*7.5 + 10*7.5 + 10*5 * 4 + 10*2.5 + 0 + 0) / (7.5*2 + 5*4 + 2.5*3) = 345 / 42.5
    assert out["value"]["aggregate"] == 8.1
    assert out["status"] == "ok" and out["band"] == "transparent"

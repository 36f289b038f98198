"""Which paths the checks recognise, and which few files a source must read for them."""

from __future__ import annotations

import pytest

from chaoss_mcp.checks.snapshot import (
    MAX_DOCKERFILES,
    MAX_FILES,
    MAX_WORKFLOWS,
    dependency_tool,
    files_to_read,
    is_codeowners_or_maintainers,
    is_dockerfile,
    is_health_doc,
    is_license,
    is_security_policy,
    is_workflow,
    reuse_license_id,
)


@pytest.mark.parametrize(
    "path",
    ["SECURITY.md", "security.rst", ".github/SECURITY.md", "docs/security.markdown", "doc/SECURITY.adoc", "SECURITY"],
)
def test_a_security_policy_is_found_in_the_places_scorecard_looks(path: str) -> None:
    assert is_security_policy(path)


@pytest.mark.parametrize("path", ["security.py", "src/SECURITY.md", "security.go", "docs/security/index.md"])
def test_code_named_security_and_nested_files_are_not_a_security_policy(path: str) -> None:
    assert not is_security_policy(path)


def test_workflows_are_yaml_files_directly_under_github_workflows() -> None:
    assert is_workflow(".github/workflows/ci.yml") and is_workflow(".github/workflows/Release.YAML")
    assert not is_workflow(".github/workflows/scripts/helper.yml")
    assert not is_workflow(".github/workflows/README.md")
    assert not is_workflow("workflows/ci.yml")


@pytest.mark.parametrize(
    ("path", "tool"),
    [
        (".github/dependabot.yml", "Dependabot"),
        (".github/dependabot.yaml", "Dependabot"),
        ("renovate.json", "Renovate"),
        (".github/renovate.json5", "Renovate"),
        (".gitlab/renovate.json", "Renovate"),
        (".renovaterc", "Renovate"),
        (".scala-steward.conf", "Scala Steward"),
        ("dependabot.yml", None),
        ("config/renovate.json", None),
    ],
)
def test_dependency_update_tools_are_recognised_by_their_configuration_file(path: str, tool: str | None) -> None:
    assert dependency_tool(path) == tool


def test_health_documents_match_by_name_and_document_extension_only() -> None:
    assert is_health_doc("GOVERNANCE.md", "governance")
    assert is_health_doc("docs/governance.rst", "governance")
    assert is_health_doc(".github/CONTRIBUTING", "contributing")
    assert not is_health_doc("docs/governance.png", "governance")
    assert not is_health_doc("community/GOVERNANCE.md", "governance")
    assert not is_health_doc("GOVERNANCE_OLD.md", "governance")


def test_license_files_are_at_the_root_or_under_licenses() -> None:
    assert is_license("LICENSE") and is_license("LICENCE.txt") and is_license("COPYING")
    assert is_license("LICENSES/Apache-2.0.txt")
    assert not is_license("vendor/lib/LICENSE")


def test_a_reuse_file_name_gives_the_spdx_id() -> None:
    assert reuse_license_id("LICENSES/MIT.txt") == "MIT"
    assert reuse_license_id("LICENSES/Apache-2.0.txt") == "Apache-2.0"
    assert reuse_license_id("LICENSES/CC-BY-4.0") == "CC-BY-4.0"
    assert reuse_license_id("LICENSE") is None


def test_only_root_owners_files_count_but_codeowners_and_maintainers_may_sit_in_github_or_docs() -> None:
    assert is_codeowners_or_maintainers(".github/CODEOWNERS")
    assert is_codeowners_or_maintainers("docs/CODEOWNERS")
    assert is_codeowners_or_maintainers("MAINTAINERS.md")
    assert is_codeowners_or_maintainers("OWNERS")
    assert is_codeowners_or_maintainers("OWNERS.md")
    assert not is_codeowners_or_maintainers("pkg/api/OWNERS")


def test_dockerfiles_are_recognised_with_their_usual_names() -> None:
    assert is_dockerfile("Dockerfile") and is_dockerfile("build/Dockerfile.dev") and is_dockerfile("app.dockerfile")
    assert not is_dockerfile("docs/dockerfile-guide.md")


def test_files_to_read_picks_workflows_dockerfiles_and_community_documents_only() -> None:
    paths = [
        "README.md",
        "SECURITY.md",
        "LICENSE",
        "LICENSES/MIT.txt",
        "GOVERNANCE.md",
        "CODE_OF_CONDUCT.md",
        ".github/CONTRIBUTING.md",
        ".github/CODEOWNERS",
        ".github/dependabot.yml",
        ".github/FUNDING.yml",
        ".github/ISSUE_TEMPLATE/bug.yml",
        "CHANGELOG.md",
        "docs/adr/0001-record.md",
        ".github/workflows/ci.yml",
        "Dockerfile",
        "src/app.py",
    ]
    chosen = files_to_read(paths)
    assert set(chosen) == {
        "SECURITY.md",
        "LICENSE",
        "GOVERNANCE.md",
        "CODE_OF_CONDUCT.md",
        ".github/CONTRIBUTING.md",
        ".github/CODEOWNERS",
        ".github/workflows/ci.yml",
        "Dockerfile",
    }
    # Files judged by presence only cost no request.
    for presence_only in ("README.md", ".github/dependabot.yml", "CHANGELOG.md", ".github/FUNDING.yml"):
        assert presence_only not in chosen


def test_files_to_read_stays_bounded_on_a_huge_repository_and_keeps_the_community_documents() -> None:
    paths = [f"src/module_{i}/file_{j}.py" for i in range(1000) for j in range(100)]  # 100,000 files
    paths += [f".github/workflows/wf{i:03}.yml" for i in range(100)]
    paths += [f"images/img{i:03}/Dockerfile" for i in range(50)]
    paths += ["SECURITY.md", "LICENSE", "CODE_OF_CONDUCT.md", "Dockerfile"]
    chosen = files_to_read(paths)
    assert len(chosen) <= MAX_FILES
    assert {"SECURITY.md", "LICENSE", "CODE_OF_CONDUCT.md"} <= set(chosen)
    assert sum(1 for p in chosen if p.startswith(".github/workflows/")) == MAX_WORKFLOWS
    dockerfiles = [p for p in chosen if p.endswith("Dockerfile")]
    assert len(dockerfiles) == MAX_DOCKERFILES
    assert dockerfiles[0] == "Dockerfile"  # the root image first

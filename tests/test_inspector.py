"""The MCP Inspector's CLI (an independent client) against the real server process and the fake GitHub.

`scripts/fetch-inspector` installs the pinned Inspector into .inspector/ (CI runs it). Without it these
tests skip with a loud reason. Every tool is called, resources and prompts are listed and read, under
both the 2025-11-25 (legacy) and the 2026-07-28 (modern) handshakes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fake_github.data import make_sample_data
from tests.fake_github.server import TEST_TOKEN, FakeGitHub
from tests.gitrepo import C, make_repo

INSPECTOR = Path(__file__).resolve().parents[1] / ".inspector" / "node_modules" / ".bin" / "mcp-inspector"
ERAS = ["legacy", "modern"]

pytestmark = pytest.mark.skipif(
    not INSPECTOR.exists(),
    reason=f"MCP Inspector not installed at {INSPECTOR}: run scripts/fetch-inspector (CI does) to run these tests",
)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(make_sample_data()) as server:
        yield server


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inspector")
    make_repo(root / "repos" / "p", [C(author="Ada <ada@example.com>", when="2026-05-01T10:00:00Z")])
    return root


def inspect(fake: FakeGitHub, world: Path, era: str, *args: str) -> Any:
    env = {
        "GITHUB_API_URL": fake.url,
        "GITHUB_TOKEN": TEST_TOKEN,
        "CHAOSS_MCP_CACHE_DIR": str(world / f"cache-{era}"),
        "CHAOSS_MCP_CONFIG_DIR": str(world / "config"),
        "CHAOSS_MCP_ALLOW_PATHS": str(world / "repos"),
    }
    argv = [str(INSPECTOR), "--cli", "--format", "json", "-q", "--protocol-era", era]
    for key, value in env.items():
        argv += ["-e", f"{key}={value}"]
    argv += [sys.executable, "-m", "chaoss_mcp", *args]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, (args, done.returncode, done.stderr[-2000:])
    return json.loads(done.stdout)["result"]


@pytest.mark.parametrize("era", ERAS)
def test_tools_list_is_strictly_portable(fake: FakeGitHub, world: Path, era: str) -> None:
    argv = [str(INSPECTOR), "--cli", "--format", "json", "--protocol-era", era]
    argv += ["-e", f"CHAOSS_MCP_CONFIG_DIR={world / 'config'}", sys.executable, "-m", "chaoss_mcp"]
    done = subprocess.run([*argv, "--method", "tools/list", "--strict"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Warning" not in done.stderr and "Error" not in done.stderr
    names = {tool["name"] for tool in json.loads(done.stdout)["result"]["tools"]}
    assert {"project_health", "compare_projects", "verify_result", "repository_overview"} <= names


@pytest.mark.parametrize("era", ERAS)
def test_every_tool_answers_a_real_call(fake: FakeGitHub, world: Path, era: str) -> None:
    repo = "octo-org/widgets"
    local = str(world / "repos" / "p")
    calls: dict[str, list[str]] = {
        "repository_overview": [f"repo={repo}"],
        "api_status": [],
        "list_metrics": [],
        "time_to_first_response": [f"repo={repo}"],
        "change_request_closure_ratio": [f"repo={repo}"],
        "contributor_absence_factor": [f"repo={repo}"],
        "release_frequency": [f"repo={repo}"],
        "contribution_activity": [f"repo={local}"],
        "organizational_diversity": [f"repo={local}"],
        "discussion_tone": [f"repo={repo}"],
        "security_practices": [f"repo={local}"],
        "governance_transparency": [f"repo={local}"],
        "project_health": [f"repo={repo}"],
    }
    results: dict[str, dict[str, Any]] = {}
    for tool, arguments in calls.items():
        extra = ["--tool-arg", *arguments] if arguments else []
        result = inspect(fake, world, era, "--method", "tools/call", "--tool-name", tool, *extra)
        assert not result.get("isError"), (tool, result)
        structured = result["structuredContent"]
        assert structured["attestation"]["key_id"].startswith("ed25519:"), tool
        results[tool] = structured
    assert results["repository_overview"]["owner_type"] == "Organization"
    assert results["contribution_activity"]["value"]["commits"] == 1

    compared = inspect(
        fake,
        world,
        era,
        "--method",
        "tools/call",
        "--tool-name",
        "compare_projects",
        "--tool-args-json",
        json.dumps({"repos": [repo, local]}),
    )
    assert [row["repo"] for row in compared["structuredContent"]["rows"]] == [repo, local]
    verdict = inspect(
        fake,
        world,
        era,
        "--method",
        "tools/call",
        "--tool-name",
        "verify_result",
        "--tool-args-json",
        json.dumps({"result": results["project_health"]}),
    )
    assert verdict["structuredContent"]["valid"] is True


@pytest.mark.parametrize("era", ERAS)
def test_resources_and_prompts_list_read_and_get(fake: FakeGitHub, world: Path, era: str) -> None:
    resources = inspect(fake, world, era, "--method", "resources/list")
    assert any(r["uri"] == "chaoss://metrics" for r in resources["resources"])
    spec = inspect(fake, world, era, "--method", "resources/read", "--uri", "chaoss://metrics/release_frequency")
    assert "scoring:" in spec["contents"][0]["text"]
    key = inspect(fake, world, era, "--method", "resources/read", "--uri", "chaoss://keys/public")
    assert "BEGIN PUBLIC KEY" in key["contents"][0]["text"]
    prompts = inspect(fake, world, era, "--method", "prompts/list")
    assert {p["name"] for p in prompts["prompts"]} == {
        "assess_project_health",
        "compare_projects",
        "dependency_due_diligence",
    }
    prompt = inspect(
        fake,
        world,
        era,
        "--method",
        "prompts/get",
        "--prompt-name",
        "assess_project_health",
        "--prompt-args",
        "repo=a/b",
    )
    assert "project_health for a/b" in prompt["messages"][0]["content"]["text"]

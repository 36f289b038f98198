"""End to end through a real MCP client session (in memory): tools, errors, resources, overrides."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from chaoss_mcp.config import Settings
from chaoss_mcp.server import build_server
from chaoss_mcp.specs import builtin_specs_dir
from chaoss_mcp.state import load_all_specs
from tests.gitrepo import C, make_repo

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def settings_for(tmp_path: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "cache_dir": tmp_path / "cache",
        "allow_paths": (tmp_path / "repos",),
        "api_url": "http://127.0.0.1:9",  # nothing listens there: these tests never reach GitHub
    }
    values.update(extra)
    return Settings(**values)


def server_for(settings: Settings):  # type: ignore[no-untyped-def]
    return build_server(settings, load_all_specs(settings))


# Five people; Ada alone made half of the commits in 2026, Bob the next quarter.
HISTORY = [
    *[
        C(author="Ada Lovelace <ada@example.com>", when=f"2026-0{m}-0{d}T10:00:00Z")
        for m in (2, 3)
        for d in (1, 2, 3, 4, 5)
    ],
    *[C(author="Bob Builder <bob@corp.example>", when=f"2026-04-0{d}T10:00:00Z") for d in (1, 2, 3, 4, 5)],
    C(author="Cy <cy@gmail.com>", when="2026-05-01T10:00:00Z"),
    C(author="Di <di@example.org>", when="2026-05-02T10:00:00Z"),
    C(author="Ed <ed@example.net>", when="2026-05-03T10:00:00Z"),
    C(author="dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>", when="2026-05-04T10:00:00Z"),
    C(author="Ada Lovelace <ada@example.com>", when="2026-05-05T10:00:00Z"),
    C(author="Old Timer <old@example.com>", when="2024-01-05T10:00:00Z"),
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    commits = sorted(HISTORY, key=lambda c: str(c.when))
    return make_repo(tmp_path / "repos" / "project", commits, tags=[("v1.0.0", 3, True), ("v1.1.0", 20, False)])


async def test_tools_list_offers_every_tool_with_an_output_schema_and_read_only_hints(tmp_path: Path) -> None:
    async with Client(server_for(settings_for(tmp_path))) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    expected = {
        "repository_overview",
        "api_status",
        "list_metrics",
        "project_health",
        "time_to_first_response",
        "change_request_closure_ratio",
        "contributor_absence_factor",
        "release_frequency",
        "contribution_activity",
        "organizational_diversity",
        "discussion_tone",
        "security_practices",
        "governance_transparency",
    }
    assert expected <= set(tools)
    for tool in tools.values():
        assert tool.output_schema is not None, tool.name
        assert tool.description and tool.annotations and tool.annotations.read_only_hint
        for name, prop in tool.input_schema.get("properties", {}).items():
            assert prop.get("description") or "$ref" in prop or "anyOf" in prop, (tool.name, name)
    value_schema = json.dumps(tools["contributor_absence_factor"].output_schema)
    assert "smallest number" in value_schema or "factor" in value_schema


async def test_contributor_absence_factor_on_a_local_history_matches_a_hand_count(tmp_path: Path, repo: Path) -> None:
    async with Client(server_for(settings_for(tmp_path))) as client:
        result = await client.call_tool(
            "contributor_absence_factor", {"repo": str(repo), "as_of": "2026-06-30", "window_days": 365}
        )
    assert not result.is_error, result.content
    out = result.structured_content
    assert out is not None
    # 19 human commits in the window (the 2024 one is outside, the bot excluded): Ada 11 of 19 > half.
    assert out["value"]["factor"] == 1
    assert out["value"]["commits"] == 19 and out["value"]["bot_commits"] == 1
    assert out["status"] == "ok" and out["band"] == "single_point_of_failure" and out["score"] == 0
    assert out["repository"]["source"] == "git" and out["repository"]["canonical"] == str(repo.resolve())
    assert out["window"]["days"] == 365 and out["as_of"] == "2026-06-30"
    assert out["spec"]["id"] == "contributor_absence_factor" and len(out["spec"]["sha256"]) == 64
    assert "@" not in json.dumps(out["value"])  # names, never email addresses


async def test_an_empty_repository_is_inconclusive_with_a_reason_not_an_error(tmp_path: Path) -> None:
    empty = make_repo(tmp_path / "repos" / "empty", [])
    async with Client(server_for(settings_for(tmp_path))) as client:
        for tool in ("contributor_absence_factor", "release_frequency", "contribution_activity"):
            result = await client.call_tool(tool, {"repo": str(empty), "as_of": "2026-06-30"})
            assert not result.is_error, (tool, result.content)
            out = result.structured_content
            assert out is not None and out["status"] == "inconclusive" and out["score"] is None
            assert out["reason"]


async def test_release_frequency_falls_back_to_tags_dated_by_their_commit(tmp_path: Path, repo: Path) -> None:
    async with Client(server_for(settings_for(tmp_path))) as client:
        result = await client.call_tool("release_frequency", {"repo": str(repo), "as_of": "2026-06-30"})
    out = result.structured_content
    assert out is not None and not result.is_error
    assert out["value"]["source"] == "tags"
    assert out["value"]["releases"] == 2
    assert out["value"]["latest"]["tag"] == "v1.1.0"


async def test_paths_outside_the_allowed_roots_are_refused_with_how_to_allow_them(tmp_path: Path) -> None:
    outside = make_repo(tmp_path / "elsewhere", [C()])
    async with Client(server_for(settings_for(tmp_path))) as client:
        result = await client.call_tool("contributor_absence_factor", {"repo": str(outside)})
        assert result.is_error
        assert "--allow-path" in result.content[0].text
        # The server keeps serving after a refusal.
        ok = await client.call_tool("list_metrics", {})
        assert not ok.is_error


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        ({"repo": "not a repo"}, "owner/name"),
        ({"repo": "../../etc"}, "outside the allowed roots"),
        ({"repo": "octo/widgets", "as_of": "yesterday"}, "ISO date"),
        ({"repo": "octo/widgets", "as_of": "2999-01-01"}, "future"),
        ({"repo": "https://evil.example/a/b"}, "not on"),
    ],
)
async def test_bad_input_gets_a_clear_error_and_no_traceback(
    tmp_path: Path, arguments: dict[str, Any], text: str
) -> None:
    async with Client(server_for(settings_for(tmp_path))) as client:
        result = await client.call_tool("contributor_absence_factor", arguments)
    assert result.is_error
    message = result.content[0].text
    assert text in message and "Traceback" not in message


async def test_metrics_needing_issues_explain_that_a_git_history_has_none(tmp_path: Path, repo: Path) -> None:
    async with Client(server_for(settings_for(tmp_path))) as client:
        result = await client.call_tool("time_to_first_response", {"repo": str(repo)})
    assert result.is_error and "owner/name" in result.content[0].text


async def test_project_health_on_git_scores_what_it_can_and_lists_the_rest(tmp_path: Path, repo: Path) -> None:
    async with Client(server_for(settings_for(tmp_path))) as client:
        result = await client.call_tool("project_health", {"repo": str(repo), "as_of": "2026-06-30"})
    assert not result.is_error, result.content
    out = result.structured_content
    assert out is not None
    assert {m["metric"] for m in out["members"]} == {"contributor_absence_factor", "release_frequency"}
    assert {e["metric"] for e in out["excluded"]} >= {"time_to_first_response", "change_request_closure_ratio"}
    assert out["coverage"] == 0.5
    assert out["spec"]["id"] == "starter_project_health"


async def test_resources_list_and_read_the_criteria_with_their_hash(tmp_path: Path) -> None:
    async with Client(server_for(settings_for(tmp_path))) as client:
        templates = await client.list_resource_templates()
        uris = {t.uri_template for t in templates.resource_templates}
        assert {"chaoss://metrics/{metric_id}", "chaoss://models/{model_id}"} <= uris
        index = json.loads((await client.read_resource("chaoss://metrics")).contents[0].text)
        caf = next(m for m in index["metrics"] if m["id"] == "contributor_absence_factor")
        spec = (await client.read_resource("chaoss://metrics/contributor_absence_factor")).contents[0].text
        assert caf["spec_sha256"] in spec and "scoring:" in spec
        model = (await client.read_resource("chaoss://models/starter_project_health")).contents[0].text
        assert "members:" in model


async def test_an_override_directory_changes_the_band_and_the_hash(tmp_path: Path, repo: Path) -> None:
    override = tmp_path / "my-specs" / "metrics"
    override.mkdir(parents=True)
    text = (builtin_specs_dir() / "metrics" / "contributor_absence_factor.yaml").read_text()
    # A community that accepts one person behind half the commits for a small project:
    text = text.replace("at_least: 2\n", "at_least: 1\n", 1)
    (override / "contributor_absence_factor.yaml").write_text(text)
    arguments = {"repo": str(repo), "as_of": "2026-06-30"}
    async with Client(server_for(settings_for(tmp_path))) as client:
        before = (await client.call_tool("contributor_absence_factor", arguments)).structured_content
    custom = settings_for(tmp_path, specs_dirs=(tmp_path / "my-specs",))
    async with Client(server_for(custom)) as client:
        after = (await client.call_tool("contributor_absence_factor", arguments)).structured_content
    assert before is not None and after is not None
    assert before["band"] == "single_point_of_failure" and after["band"] == "fragile"
    assert before["spec"]["sha256"] != after["spec"]["sha256"]
    assert after["spec"]["origin"] == "user"


def test_the_builtin_specs_ship_beside_the_package_or_the_checkout() -> None:
    assert (builtin_specs_dir() / "models" / "starter_project_health.yaml").is_file()
    assert shutil.which("git")

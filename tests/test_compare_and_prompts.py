"""compare_projects side by side, prompts that ground the assistant, and compact summaries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from chaoss_mcp.config import Settings
from chaoss_mcp.server import build_server
from chaoss_mcp.state import load_all_specs
from tests.gitrepo import C, make_repo

pytestmark = pytest.mark.anyio


def settings_for(tmp_path: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "cache_dir": tmp_path / "cache",
        "config_dir": tmp_path / "config",
        "allow_paths": (tmp_path / "repos",),
        "api_url": "http://127.0.0.1:9",
    }
    values.update(extra)
    return Settings(**values)


def history(people: int, commits_each: int) -> list[C]:
    return [
        C(author=f"P{p} <p{p}@example.com>", when=f"2026-0{1 + (i % 5)}-{10 + p:02d}T10:00:00Z")
        for p in range(people)
        for i in range(commits_each)
    ]


@pytest.fixture
def repos(tmp_path: Path) -> list[Path]:
    root = tmp_path / "repos"
    return [
        make_repo(root / "solo", sorted(history(1, 6), key=lambda c: str(c.when)), tags=[("v1", 2, True)]),
        make_repo(root / "pair", sorted(history(2, 4), key=lambda c: str(c.when))),
        make_repo(root / "crowd", sorted(history(6, 2), key=lambda c: str(c.when)), tags=[("v1", 1, True)]),
    ]


async def test_compare_projects_returns_one_correct_row_per_repository_in_order(
    tmp_path: Path, repos: list[Path]
) -> None:
    settings = settings_for(tmp_path)
    arguments = {"repos": [str(r) for r in repos] + ["./nowhere"], "as_of": "2026-06-30"}
    async with Client(build_server(settings, load_all_specs(settings))) as client:
        result = await client.call_tool("compare_projects", arguments)
        single = [
            (await client.call_tool("contributor_absence_factor", {"repo": str(r), "as_of": "2026-06-30"}))
            for r in repos
        ]
    assert not result.is_error, result.content
    out = result.structured_content
    assert out is not None
    rows = out["rows"]
    assert [row["repo"] for row in rows] == arguments["repos"]
    # Each row's member score is the one the metric tool gives on its own.
    for row, alone in zip(rows[:3], single, strict=True):
        assert alone.structured_content is not None
        assert row["status"] in ("ok", "inconclusive")
        assert row["members"]["contributor_absence_factor"] == alone.structured_content["score"]
        assert row["members"]["time_to_first_response"] is None  # needs GitHub: excluded, not zero
    assert rows[3]["status"] == "error" and "outside the allowed roots" in rows[3]["error"]
    assert out["incomplete_rows"] == 1 and out["caveats"]
    assert out["elapsed_seconds"] < settings.time_budget
    assert out["spec"]["id"] == "starter_project_health" and out["attestation"] is not None


@pytest.mark.parametrize(
    ("repos", "text"),
    [([], "at least"), ([f"o/r{i}" for i in range(11)], "at most"), (["o/r", "o/r"], "twice")],
)
async def test_compare_projects_refuses_bad_lists_clearly(tmp_path: Path, repos: list[str], text: str) -> None:
    settings = settings_for(tmp_path)
    async with Client(build_server(settings, load_all_specs(settings))) as client:
        result = await client.call_tool("compare_projects", {"repos": repos})
    assert result.is_error
    assert text in result.content[0].text.lower() or text in result.content[0].text


async def test_prompts_name_the_tools_and_the_grounding_rules(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    async with Client(build_server(settings, load_all_specs(settings))) as client:
        names = {p.name for p in (await client.list_prompts()).prompts}
        assert names == {"assess_project_health", "compare_projects", "dependency_due_diligence"}
        assess = await client.get_prompt("assess_project_health", {"repo": "clap-rs/clap"})
        compare = await client.get_prompt("compare_projects", {"repos": "a/b, c/d"})
        diligence = await client.get_prompt("dependency_due_diligence", {"repo": "a/b"})
    texts = [m.content.text for p in (assess, compare, diligence) for m in p.messages]  # type: ignore[union-attr]
    for text in texts:
        assert "as_of" in text and "caveat" in text and "inconclusive" in text.lower()
        assert "Never state facts the tools did not return" in text
    assert "project_health for clap-rs/clap" in texts[0] and "repository_overview" in texts[0]
    assert "repos=['a/b', 'c/d']" in texts[1]
    assert "security_practices" in texts[2]


async def test_a_summary_member_stays_under_2_kb_and_full_detail_adds_the_envelopes(
    tmp_path: Path, repos: list[Path]
) -> None:
    settings = settings_for(tmp_path)
    arguments: dict[str, Any] = {"repo": str(repos[2]), "as_of": "2026-06-30"}
    async with Client(build_server(settings, load_all_specs(settings))) as client:
        summary = (await client.call_tool("project_health", arguments)).structured_content
        full = (await client.call_tool("project_health", {**arguments, "detail": "full"})).structured_content
    assert summary is not None and full is not None
    for member in summary["members"]:
        size = len(json.dumps(member))
        assert size < 2048, (member["metric"], size)
        assert {"score", "reason", "figures", "window_days", "spec_sha256", "caveats"} <= set(member)
    assert summary["details"] is None
    assert len(json.dumps(summary)) < 8 * 1024
    assert {d["metric"] for d in full["details"]} == {m["metric"] for m in summary["members"]}
    assert len(json.dumps(full)) > len(json.dumps(summary))


async def test_tools_list_stays_compact_and_schemas_still_validate_real_results(
    tmp_path: Path, repos: list[Path]
) -> None:
    import jsonschema

    settings = settings_for(tmp_path)
    async with Client(build_server(settings, load_all_specs(settings))) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        result = await client.call_tool("project_health", {"repo": str(repos[0]), "as_of": "2026-06-30"})
    listing = json.dumps([t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools.values()])
    assert len(listing) < 110_000, len(listing)  # 15 tools with typed output schemas
    assert '"title": "Key Id"' not in listing  # generated titles are dropped
    jsonschema.validate(result.structured_content, tools["project_health"].output_schema)
    assert '"title":' in json.dumps(tools["project_health"].output_schema["properties"])  # the field named title

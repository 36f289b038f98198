"""Signed results end to end: every tool's result verifies, any change is caught, keys and settings work."""

from __future__ import annotations

import copy
import json
import os
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from mcp import Client

from chaoss_mcp import cli
from chaoss_mcp.attestation import load_public_key
from chaoss_mcp.config import Settings
from chaoss_mcp.server import build_server
from chaoss_mcp.signing import Signer
from chaoss_mcp.state import load_all_specs
from tests.gitrepo import C, make_repo

pytestmark = pytest.mark.anyio
API = "http://127.0.0.1:9"


def settings_for(tmp_path: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "cache_dir": tmp_path / "cache",
        "config_dir": tmp_path / "config",
        "allow_paths": (tmp_path / "repos",),
        "api_url": API,
    }
    values.update(extra)
    return Settings(**values)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    commits = [
        C(author="Ada <ada@example.com>", when="2026-03-01T10:00:00Z"),
        C(author="Bob <bob@example.com>", when="2026-04-01T10:00:00Z"),
        C(author="Ada <ada@example.com>", when="2026-05-01T10:00:00Z"),
    ]
    return make_repo(tmp_path / "repos" / "p", commits, tags=[("v1.0.0", 1, True)])


REPO_JSON = {
    "full_name": "octo/widgets",
    "name": "widgets",
    "owner": {"login": "octo", "type": "Organization", "id": 1},
    "description": "Widgets",
    "default_branch": "main",
    "archived": False,
    "fork": False,
    "stargazers_count": 3,
    "forks_count": 1,
    "subscribers_count": 2,
    "open_issues_count": 0,
    "topics": [],
    "license": {"spdx_id": "MIT"},
    "created_at": "2020-01-01T00:00:00Z",
    "pushed_at": "2026-05-01T00:00:00Z",
    "html_url": "https://github.com/octo/widgets",
}


async def _all_tool_results(settings: Settings, repo: Path) -> dict[str, dict[str, Any]]:
    calls: dict[str, dict[str, Any]] = {
        "list_metrics": {},
        "api_status": {},
        "repository_overview": {"repo": "octo/widgets"},
        "project_health": {"repo": str(repo), "as_of": "2026-06-30"},
        "security_practices": {"repo": str(repo), "as_of": "2026-06-30"},
        "governance_transparency": {"repo": str(repo), "as_of": "2026-06-30"},
    }
    for metric in ("contributor_absence_factor", "release_frequency", "contribution_activity"):
        calls[metric] = {"repo": str(repo), "as_of": "2026-06-30"}
    calls["organizational_diversity"] = {"repo": str(repo), "as_of": "2026-06-30"}
    out: dict[str, dict[str, Any]] = {}
    with respx.mock(assert_all_called=False) as router:
        router.get(f"{API}/repos/octo/widgets").mock(return_value=httpx.Response(200, json=REPO_JSON))
        async with Client(build_server(settings, load_all_specs(settings))) as client:
            for tool, arguments in calls.items():
                result = await client.call_tool(tool, arguments)
                assert not result.is_error, (tool, result.content)
                assert result.structured_content is not None
                out[tool] = result.structured_content
    return out


async def test_every_tool_result_is_signed_and_verifies_through_the_verify_tool(tmp_path: Path, repo: Path) -> None:
    settings = settings_for(tmp_path)
    results = await _all_tool_results(settings, repo)
    async with Client(build_server(settings, load_all_specs(settings))) as client:
        for tool, result in results.items():
            attestation = result["attestation"]
            assert attestation["format"] == "chaoss-mcp-attestation/1", tool
            assert attestation["digest"].startswith("sha256:")
            verdict = await client.call_tool("verify_result", {"result": result})
            assert verdict.structured_content is not None
            assert verdict.structured_content["valid"] is True, (tool, verdict.structured_content)
            # The same result pasted as text verifies too.
            as_text = await client.call_tool("verify_result", {"result": json.dumps(result)})
            assert as_text.structured_content is not None and as_text.structured_content["valid"] is True


def _first_number_path(node: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    if isinstance(node, bool):
        return None
    if isinstance(node, int | float):
        return path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        if key == "attestation":
            continue
        found = _first_number_path(child, (*path, key))
        if found is not None:
            return found
    return None


def _set(node: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


async def test_any_changed_value_or_removed_field_is_caught_and_reordered_keys_still_verify(
    tmp_path: Path, repo: Path
) -> None:
    settings = settings_for(tmp_path)
    results = await _all_tool_results(settings, repo)
    signer = Signer(settings)
    for tool, result in results.items():
        number = _first_number_path(result)
        assert number is not None, tool
        changed = copy.deepcopy(result)
        _set(changed, number, 12345)
        assert signer.verify(changed).reason == "digest_mismatch", tool

        removed = copy.deepcopy(result)
        removed.pop(next(k for k in removed if k != "attestation"))
        assert signer.verify(removed).reason == "digest_mismatch", tool

        reordered = dict(reversed(list(copy.deepcopy(result).items())))
        assert signer.verify(json.dumps(reordered, indent=3)).valid, tool


async def test_a_wrong_key_a_truncated_signature_and_an_unsigned_result_are_each_named(
    tmp_path: Path, repo: Path
) -> None:
    settings = settings_for(tmp_path)
    result = (await _all_tool_results(settings, repo))["contributor_absence_factor"]
    other = Signer(settings_for(tmp_path, config_dir=tmp_path / "other"))
    assert other.verify(result).reason == "unknown_key"
    assert other.verify(result, public_key=Signer(settings).public_pem()).valid
    assert other.verify(result, public_key=other.public_pem()).reason == "bad_signature"

    truncated = copy.deepcopy(result)
    truncated["attestation"]["signature"] = truncated["attestation"]["signature"][:20]
    assert Signer(settings).verify(truncated).reason in ("malformed", "bad_signature")
    assert not Signer(settings).verify(truncated).valid

    unsigned = {k: v for k, v in result.items() if k != "attestation"}
    assert Signer(settings).verify(unsigned).reason == "malformed"


async def test_a_trusted_team_key_verifies_results_signed_elsewhere(tmp_path: Path, repo: Path) -> None:
    team = settings_for(tmp_path, config_dir=tmp_path / "team")
    result = (await _all_tool_results(team, repo))["release_frequency"]
    trusted_file = tmp_path / "trusted.pem"
    trusted_file.write_text("# the team's CI key\n" + Signer(team).public_pem())
    mine = Signer(settings_for(tmp_path, config_dir=tmp_path / "me", trusted_keys=(trusted_file,)))
    assert mine.verify(result).valid


async def test_the_key_is_created_owner_only_on_first_use_and_served_as_a_resource(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    assert not settings.signing_key_path.exists()
    async with Client(build_server(settings, load_all_specs(settings))) as client:
        await client.call_tool("list_metrics", {})
        text = (await client.read_resource("chaoss://keys/public")).contents[0].text
    assert settings.signing_key_path.exists()
    if os.name == "posix":
        assert stat.S_IMODE(settings.signing_key_path.stat().st_mode) == 0o600
    assert Signer(settings).key_id() in text
    assert load_public_key(text[text.index("-----BEGIN") :]) is not None
    assert "PRIVATE" not in text


async def test_signing_can_be_turned_off_and_results_then_say_so(tmp_path: Path, repo: Path) -> None:
    settings = settings_for(tmp_path, signing=False)
    async with Client(build_server(settings, load_all_specs(settings))) as client:
        result = await client.call_tool("contributor_absence_factor", {"repo": str(repo), "as_of": "2026-06-30"})
        status = await client.call_tool("api_status", {})
    assert result.structured_content is not None and result.structured_content["attestation"] is None
    assert status.structured_content is not None and status.structured_content["signing"] is False
    assert not settings.signing_key_path.exists()


def test_the_cli_shows_the_key_and_verifies_a_result_file_with_exit_codes(
    tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHAOSS_MCP_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CHAOSS_MCP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path / "repos")
    assert cli.main(["key", "show"]) == 0
    shown = capsys.readouterr().out
    assert "# key id: ed25519:" in shown and "BEGIN PUBLIC KEY" in shown

    assert cli.main(["call", "contributor_absence_factor", "repo=./p", "as_of=2026-06-30"]) == 0
    result_file = tmp_path / "result.json"
    result_file.write_text(capsys.readouterr().out)
    assert cli.main(["verify", str(result_file)]) == 0
    assert capsys.readouterr().out.startswith("valid")

    key_file = tmp_path / "public.pem"
    key_file.write_text(shown)
    assert cli.main(["verify", str(result_file), "--key", str(key_file)]) == 0
    capsys.readouterr()

    data = json.loads(result_file.read_text())
    data["value"]["commits"] += 1
    result_file.write_text(json.dumps(data))
    assert cli.main(["verify", str(result_file)]) == 1
    assert "digest_mismatch" in capsys.readouterr().out

    assert cli.main(["verify", str(tmp_path / "missing.json")]) == 2
    assert "Cannot read" in capsys.readouterr().err

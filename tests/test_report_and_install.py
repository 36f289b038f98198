"""`chaoss-mcp report` for people, and `chaoss-mcp install claude-desktop` against temporary configs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from chaoss_mcp import cli
from chaoss_mcp.install import claude_config_path
from tests.gitrepo import C, make_repo


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    commits = [
        C(author="Ada <ada@example.com>", when="2026-03-01T10:00:00Z"),
        C(author="Bob <bob@example.com>", when="2026-04-01T10:00:00Z"),
        C(author="Cy <cy@example.com>", when="2026-04-02T10:00:00Z"),
        C(author="Ada <ada@example.com>", when="2026-05-01T10:00:00Z"),
    ]
    repo = make_repo(tmp_path / "project", commits, tags=[("v1.0.0", 0, True), ("v1.1.0", 3, True)])
    monkeypatch.chdir(repo)
    return repo


def test_report_markdown_has_each_member_figure_score_band_window_and_criteria_hash(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["report", ".", "--format", "markdown", "--as-of", "2026-06-30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Starter Project Health for ")
    # Ada made 2 of the 4 commits: half, so one person covers it.
    assert "| Contributor Absence Factor | factor 1, commits 4 |" in out
    assert "| Release Frequency | releases 2" in out
    assert "365 d" in out and "as of 2026-06-30" in out
    assert "| time_to_first_response | - | - | excluded |" in out
    assert "sha256 " in out and "Signed by ed25519:" in out


def test_report_json_is_the_signed_project_health_result(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", ".", "--format", "json", "--as-of", "2026-06-30"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["model"] == "starter_project_health" and result["details"]
    path = project.parent / "report.json"
    path.write_text(json.dumps(result))
    assert cli.main(["verify", str(path)]) == 0


def test_report_table_renders_and_a_bad_repository_exits_one(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", ".", "--as-of", "2026-06-30"]) == 0
    out = capsys.readouterr().out
    assert "Contributor" in out and "Criteria" in out
    assert cli.main(["report", "no such thing"]) == 1
    assert "owner/name" in capsys.readouterr().err


def test_claude_config_path_follows_each_os() -> None:
    env = {"HOME": "/home/u", "APPDATA": "C:/Users/u/AppData/Roaming", "XDG_CONFIG_HOME": "/xdg"}
    assert claude_config_path("darwin", env) == Path(
        "/home/u/Library/Application Support/Claude/claude_desktop_config.json"
    )
    assert claude_config_path("win32", env) == Path("C:/Users/u/AppData/Roaming/Claude/claude_desktop_config.json")
    assert claude_config_path("linux", env) == Path("/xdg/Claude/claude_desktop_config.json")
    assert claude_config_path("linux", {"HOME": "/home/u"}) == Path("/home/u/.config/Claude/claude_desktop_config.json")


def test_install_creates_the_entry_with_an_absolute_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "Claude" / "claude_desktop_config.json"
    assert cli.main(["install", "claude-desktop", "--config", str(config)]) == 0
    entry = json.loads(config.read_text())["mcpServers"]["chaoss"]
    assert os.path.isabs(entry["command"]) and entry["command"].endswith("chaoss-mcp")
    assert entry["args"] == []
    assert "Created" in capsys.readouterr().out


def test_install_keeps_other_servers_backs_up_is_idempotent_and_never_prints_secrets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "claude_desktop_config.json"
    original = {"theme": "dark", "mcpServers": {"other": {"command": "/bin/other", "args": ["x"]}}}
    config.write_text(json.dumps(original))
    secret = "ghp_" + "S3CRET" * 6
    argv = ["install", "claude-desktop", "--config", str(config), "--env", f"GITHUB_TOKEN={secret}"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert secret not in out and "***" in out
    after = json.loads(config.read_text())
    assert after["theme"] == "dark" and after["mcpServers"]["other"] == original["mcpServers"]["other"]
    assert after["mcpServers"]["chaoss"]["env"] == {"GITHUB_TOKEN": secret}
    backups = list(tmp_path.glob("claude_desktop_config.json.*.bak"))
    assert len(backups) == 1 and json.loads(backups[0].read_text()) == original

    assert cli.main(argv) == 0  # the same again: nothing to do
    assert "already up to date" in capsys.readouterr().out
    assert json.loads(config.read_text()) == after
    assert len(list(tmp_path.glob("*.bak"))) == 1


def test_install_dry_run_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "claude_desktop_config.json"
    assert cli.main(["install", "claude-desktop", "--config", str(config), "--dry-run"]) == 0
    assert "Would create" in capsys.readouterr().out
    assert not config.exists()


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"mcpServers": []}'])
def test_a_malformed_config_is_refused_untouched_with_a_clear_message(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "claude_desktop_config.json"
    config.write_text(text)
    assert cli.main(["install", "claude-desktop", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "nothing was changed" in err and "Traceback" not in err
    assert config.read_text() == text
    assert not list(tmp_path.glob("*.bak"))


def test_a_bad_env_pair_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.json"
    assert cli.main(["install", "claude-desktop", "--config", str(config), "--env", "NOEQUALS"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err
    assert not config.exists()

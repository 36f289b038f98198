"""The chaoss-mcp command: version and help, one-shot tool calls, spec validation and listing, start-up refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chaoss_mcp import __version__, cli
from chaoss_mcp.specs import builtin_specs_dir
from tests.gitrepo import C, make_repo


def _broken_spec_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "specs"
    (folder / "metrics").mkdir(parents=True)
    text = (builtin_specs_dir() / "metrics" / "release_frequency.yaml").read_text()
    (folder / "metrics" / "release_frequency.yaml").write_text(text.replace("direction:", "directoin:", 1))
    return folder


def test_version_and_help_name_the_program(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"chaoss-mcp {__version__}"
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    for command in ("serve", "call", "specs", "key", "verify"):
        assert command in text


def test_call_arguments_are_read_as_json_when_they_parse_else_as_strings() -> None:
    parsed = cli.parse_arguments(["repo=octo/widgets", "window_days=30", "flag=true", 'name="7"', "x=[1, 2]"])
    assert parsed == {"repo": "octo/widgets", "window_days": 30, "flag": True, "name": "7", "x": [1, 2]}


def test_a_call_argument_without_equals_is_an_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["call", "list_metrics", "oops"]) == 2
    assert "key=value" in capsys.readouterr().err


def test_call_prints_the_structured_result_and_exits_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_repo(tmp_path / "p", [C(author="Ada <ada@example.com>", when="2026-05-01T10:00:00Z")])
    monkeypatch.chdir(tmp_path)
    assert cli.main(["call", "contributor_absence_factor", "repo=./p", "as_of=2026-06-30"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["metric"] == "contributor_absence_factor" and out["value"]["commits"] == 1


def test_a_tool_error_exits_one_with_only_the_message_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["call", "contributor_absence_factor", "repo=not a repo"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "owner/name" in captured.err
    assert "Error executing tool" not in captured.err and "Traceback" not in captured.err


def test_specs_validate_accepts_a_good_directory_and_names_file_and_field_of_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good" / "metrics"
    good.mkdir(parents=True)
    text = (builtin_specs_dir() / "metrics" / "release_frequency.yaml").read_text()
    (good / "release_frequency.yaml").write_text(text.replace('version: "1.0.0"', 'version: "1.0.1"', 1))
    assert cli.main(["specs", "validate", str(tmp_path / "good")]) == 0
    assert "valid" in capsys.readouterr().out

    assert cli.main(["specs", "validate", str(_broken_spec_dir(tmp_path))]) == 1
    err = capsys.readouterr().err
    assert "release_frequency.yaml" in err and "directoin" in err

    assert cli.main(["specs", "validate", str(tmp_path / "nowhere")]) == 1
    assert "not a directory" in capsys.readouterr().err


def test_specs_list_shows_every_spec_with_origin_and_hash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["specs", "list"]) == 0
    out = capsys.readouterr().out
    assert "starter_project_health" in out and "built-in" in out and "identities" in out
    good = tmp_path / "mine" / "metrics"
    good.mkdir(parents=True)
    text = (builtin_specs_dir() / "metrics" / "release_frequency.yaml").read_text()
    (good / "release_frequency.yaml").write_text(text + "\n# ours\n")
    assert cli.main(["specs", "list", "--specs", str(tmp_path / "mine")]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if " release_frequency " in line)
    assert " user " in row and str(good) in row


def test_a_broken_spec_stops_the_server_at_start_up_naming_the_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "chaoss_mcp", "--specs", str(_broken_spec_dir(tmp_path))],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""  # stdout is the protocol: nothing else ever goes there
    assert "release_frequency.yaml" in done.stderr and "directoin" in done.stderr
    assert "Traceback" not in done.stderr


def _unknown_check_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "checks-specs"
    (folder / "metrics").mkdir(parents=True)
    text = (builtin_specs_dir() / "metrics" / "security_practices.yaml").read_text()
    assert "id: Binary-Artifacts" in text
    (folder / "metrics" / "security_practices.yaml").write_text(
        text.replace("id: Binary-Artifacts", "id: Binary-Artefacts")
    )
    return folder


def test_a_spec_naming_a_check_the_code_does_not_have_fails_validation_and_stops_the_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _unknown_check_dir(tmp_path)
    assert cli.main(["specs", "validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "security_practices.yaml: checks:" in err and "Binary-Artefacts" in err
    done = subprocess.run(
        [sys.executable, "-m", "chaoss_mcp", "--specs", str(folder)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "security_practices.yaml: checks:" in done.stderr and "Binary-Artefacts" in done.stderr
    assert "Traceback" not in done.stderr

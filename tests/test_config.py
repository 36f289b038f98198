from pathlib import Path

import pytest

from chaoss_mcp.config import load_settings
from chaoss_mcp.errors import BadInputError


def test_defaults_need_no_environment() -> None:
    s = load_settings({})
    assert s.api_url == "https://api.github.com"
    assert not s.has_token
    assert s.time_budget == 45.0


def test_github_token_wins_over_gh_token_and_is_never_in_the_repr() -> None:
    s = load_settings({"GITHUB_TOKEN": "ghp_one", "GH_TOKEN": "ghp_two"})
    assert s.token is not None and s.token.get_secret_value() == "ghp_one"
    assert "ghp_one" not in repr(s) and "ghp_one" not in str(s.model_dump())
    assert load_settings({"GH_TOKEN": "ghp_two"}).has_token


def test_flags_override_the_environment_and_path_lists_extend() -> None:
    s = load_settings(
        {"CHAOSS_MCP_TIME_BUDGET": "10", "CHAOSS_MCP_SPECS": "/a:/b"}, time_budget=20.0, specs_dirs=(Path("/c"),)
    )
    assert s.time_budget == 20.0
    assert s.specs_dirs == (Path("/a"), Path("/b"), Path("/c"))


@pytest.mark.parametrize(
    "env",
    [
        {"GITHUB_API_URL": "ftp://x"},
        {"GITHUB_API_URL": "https://user:pw@host/api/v3"},
        {"CHAOSS_MCP_TIME_BUDGET": "-1"},
        {"CHAOSS_MCP_CACHE_TTL": "soon"},
        {"CHAOSS_MCP_LOG_LEVEL": "LOUD"},
    ],
)
def test_bad_settings_are_refused_with_a_pointer_to_the_readme(env: dict[str, str]) -> None:
    with pytest.raises(BadInputError, match="README.md"):
        load_settings(env)


def test_the_log_level_is_case_insensitive() -> None:
    assert load_settings({"CHAOSS_MCP_LOG_LEVEL": "debug"}).log_level == "DEBUG"

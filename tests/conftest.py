"""Suite-wide isolation: no test reads or writes the user's real configuration or cache directories."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "CHAOSS_MCP_CONFIG_DIR", "CHAOSS_MCP_SIGNING_KEY", "CHAOSS_MCP_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def config_dir() -> Path:
    """Where the isolated default configuration lives for the running test."""
    import platformdirs

    return Path(platformdirs.user_config_dir("chaoss-mcp"))

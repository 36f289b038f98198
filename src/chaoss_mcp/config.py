"""Every setting, in one place: read from the environment, overridable by command-line flags.

| setting            | environment                        | default                                   |
|--------------------|------------------------------------|-------------------------------------------|
| token              | GITHUB_TOKEN, else GH_TOKEN        | none (60 requests/hour, REST only)        |
| api_url            | GITHUB_API_URL                     | https://api.github.com                    |
| cache_dir          | CHAOSS_MCP_CACHE_DIR               | the user's cache directory / chaoss-mcp   |
| cache_ttl          | CHAOSS_MCP_CACHE_TTL (seconds)     | 600                                       |
| time_budget        | CHAOSS_MCP_TIME_BUDGET (seconds)   | 45                                        |
| http_timeout       | CHAOSS_MCP_HTTP_TIMEOUT (seconds)  | 15                                        |
| max_concurrency    | CHAOSS_MCP_MAX_CONCURRENCY         | 4                                         |
| log_level          | CHAOSS_MCP_LOG_LEVEL               | WARNING                                   |
| specs_dirs         | CHAOSS_MCP_SPECS (path list)       | none (built-in specs only)                |
| allow_paths        | CHAOSS_MCP_ALLOW_PATHS (path list) | none (plus the client's roots)            |
| git_base_url       | CHAOSS_MCP_GIT_BASE_URL            | https://WEB_HOST (clones for source=git)  |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from chaoss_mcp.errors import BadInputError

DEFAULT_API_URL = "https://api.github.com"
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    token: SecretStr | None = None
    api_url: str = DEFAULT_API_URL
    cache_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_cache_dir("chaoss-mcp")))
    cache_ttl: float = Field(600.0, ge=0)
    time_budget: float = Field(45.0, gt=0, le=3600)
    http_timeout: float = Field(15.0, gt=0, le=600)
    max_concurrency: int = Field(4, ge=1, le=20)
    log_level: LogLevel = "WARNING"
    specs_dirs: tuple[Path, ...] = ()
    allow_paths: tuple[Path, ...] = ()
    git_base_url_override: str | None = Field(None, alias="git_base_url")
    config_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_config_dir("chaoss-mcp")))
    signing: bool = True
    signing_key: Path | None = None
    trusted_keys: tuple[Path, ...] = ()

    @field_validator("api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"GITHUB_API_URL must be an http(s) URL such as {DEFAULT_API_URL}")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("GITHUB_API_URL must not carry a query, fragment or credentials")
        return value.rstrip("/")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @property
    def enterprise_server(self) -> bool:
        """Whether the API base is a GitHub Enterprise Server's (``https://HOST/api/v3``)."""
        return self.api_url.endswith("/api/v3")

    @property
    def graphql_url(self) -> str:
        """GitHub's GraphQL endpoint for this API base (Enterprise Server: /api/v3 -> /api/graphql)."""
        if self.enterprise_server:
            return self.api_url[: -len("/v3")] + "/graphql"
        return self.api_url + "/graphql"

    @property
    def web_host(self) -> str:
        """The host that serves repository web pages for this API (github.com for api.github.com)."""
        parts = urlsplit(self.api_url)
        host = parts.hostname or ""
        if parts.port is not None:
            return f"{host}:{parts.port}"
        if host == "api.github.com":
            return "github.com"
        if host.startswith("api.") and host.endswith(".ghe.com"):
            return host[len("api.") :]
        return host

    @property
    def git_base_url(self) -> str:
        """Where ``source="git"`` clones owner/name from: https://WEB_HOST unless set."""
        if self.git_base_url_override:
            return self.git_base_url_override.rstrip("/")
        scheme = urlsplit(self.api_url).scheme
        return f"{scheme}://{self.web_host}"

    @property
    def cache_path(self) -> Path:
        return self.cache_dir / "http-cache.sqlite3"

    @property
    def signing_key_path(self) -> Path:
        """The Ed25519 key results are signed with: CHAOSS_MCP_SIGNING_KEY, else one in the config directory."""
        from chaoss_mcp.attestation import default_key_path

        return self.signing_key if self.signing_key is not None else default_key_path(self.config_dir)

    @property
    def has_token(self) -> bool:
        return self.token is not None and bool(self.token.get_secret_value())


def _paths(value: str | None) -> tuple[Path, ...]:
    if not value:
        return ()
    return tuple(Path(p).expanduser() for p in value.split(os.pathsep) if p)


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from ``env`` (default: the process environment), then ``overrides`` (flags) on top."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    token = env.get("GITHUB_TOKEN") or env.get("GH_TOKEN")
    if token:
        values["token"] = token.strip()
    simple = {
        "api_url": "GITHUB_API_URL",
        "cache_dir": "CHAOSS_MCP_CACHE_DIR",
        "cache_ttl": "CHAOSS_MCP_CACHE_TTL",
        "time_budget": "CHAOSS_MCP_TIME_BUDGET",
        "http_timeout": "CHAOSS_MCP_HTTP_TIMEOUT",
        "max_concurrency": "CHAOSS_MCP_MAX_CONCURRENCY",
        "log_level": "CHAOSS_MCP_LOG_LEVEL",
        "git_base_url": "CHAOSS_MCP_GIT_BASE_URL",
        "config_dir": "CHAOSS_MCP_CONFIG_DIR",
        "signing": "CHAOSS_MCP_SIGNING",
        "signing_key": "CHAOSS_MCP_SIGNING_KEY",
    }
    for field, name in simple.items():
        if env.get(name):
            values[field] = env[name]
    if env.get("CHAOSS_MCP_SPECS"):
        values["specs_dirs"] = _paths(env["CHAOSS_MCP_SPECS"])
    if env.get("CHAOSS_MCP_TRUSTED_KEYS"):
        values["trusted_keys"] = _paths(env["CHAOSS_MCP_TRUSTED_KEYS"])
    if env.get("CHAOSS_MCP_ALLOW_PATHS"):
        values["allow_paths"] = _paths(env["CHAOSS_MCP_ALLOW_PATHS"])
    for key, value in overrides.items():
        if value is None or value == ():
            continue
        if key in ("specs_dirs", "allow_paths", "trusted_keys"):
            values[key] = tuple(values.get(key, ())) + tuple(Path(p).expanduser() for p in value)
        else:
            values[key] = value
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_input=False)
        )
        raise BadInputError(f"Invalid settings ({problems}). See README.md, section Settings.") from None

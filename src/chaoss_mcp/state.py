"""The long-lived objects a server (or one CLI call) holds: settings, HTTP client, cache, GitHub client."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from chaoss_mcp.config import Settings
from chaoss_mcp.errors import ChaossError, SpecError
from chaoss_mcp.signing import Signer
from chaoss_mcp.sources.github.cache import HttpCache
from chaoss_mcp.sources.github.client import GitHubClient
from chaoss_mcp.specs import SpecSet, load_specs

log = logging.getLogger(__name__)


@dataclass
class AppState:
    settings: Settings
    specs: SpecSet
    github: GitHubClient
    cache: HttpCache | None
    signer: Signer


def load_all_specs(settings: Settings) -> SpecSet:
    """Built-in and user specs, validated against the metric registry and, for metrics made of checks,
    against the checks the code implements; a broken spec raises SpecError naming its file."""
    from chaoss_mcp.metrics import params_models

    specs = load_specs(settings.specs_dirs, params_models())
    problems = check_spec_problems(specs)
    if problems:
        raise SpecError("Invalid metric specs:\n" + "\n".join(f"  {p}" for p in problems))
    return specs


def check_spec_problems(specs: SpecSet, under: Path | None = None) -> list[str]:
    """Unknown check ids or parameters in metric specs made of checks (security_practices and
    governance_transparency), as "file: checks: problem"; only files under ``under`` when given."""
    from chaoss_mcp.metrics import REGISTRY

    out: list[str] = []
    for metric_id, loaded in sorted(specs.metrics.items()):
        validate = getattr(REGISTRY.get(metric_id), "check_problems", None)
        if validate is None or (under is not None and not loaded.path.resolve().is_relative_to(under.resolve())):
            continue
        out.extend(f"{loaded.path}: checks: {problem}" for problem in validate(loaded.spec.checks))
    return out


def open_cache(settings: Settings) -> HttpCache | None:
    try:
        return HttpCache(settings.cache_path)
    except (OSError, ChaossError) as exc:
        # An unusable cache location costs speed, never answers.
        log.warning("HTTP cache at %s is unusable (%s); continuing without a cache", settings.cache_path, exc)
        return None


@asynccontextmanager
async def open_state(
    settings: Settings, specs: SpecSet | None = None, *, transport: httpx.AsyncBaseTransport | None = None
) -> AsyncIterator[AppState]:
    specs = specs if specs is not None else load_all_specs(settings)
    cache = open_cache(settings)
    # Redirects are followed by the client itself, on GitHub's own origin only.
    async with httpx.AsyncClient(follow_redirects=False, transport=transport) as http:
        try:
            yield AppState(
                settings=settings,
                specs=specs,
                github=GitHubClient(settings, http, cache),
                cache=cache,
                signer=Signer(settings),
            )
        finally:
            if cache is not None:
                cache.close()

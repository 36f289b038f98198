"""The ``repository_overview`` and ``api_status`` answers: facts, not metrics."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp import __version__
from chaoss_mcp.budget import Call
from chaoss_mcp.records import ActorType
from chaoss_mcp.results import AttestationField, Provenance
from chaoss_mcp.sources.github.names import RepoName, parse_repo
from chaoss_mcp.sources.github.parse import repository
from chaoss_mcp.state import AppState


class RepositoryOverview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: str = Field(description="The repository argument as given")
    full_name: str = Field(description="Canonical owner/name on GitHub (after any rename)")
    renamed_from: str | None = Field(None, description="The name asked for, when GitHub redirected it (renamed)")
    owner_login: str = Field(description="Login of the owning account")
    owner_type: ActorType = Field(description="Whether the owner is a User or an Organization account")
    description: str | None = Field(description="The repository's description")
    homepage: str | None = Field(description="Homepage URL, if set")
    license: str | None = Field(description="SPDX id of the license GitHub detected, e.g. MIT; null if none")
    default_branch: str | None = Field(description="Default branch name")
    created_at: datetime | None = Field(description="When the repository was created (UTC)")
    pushed_at: datetime | None = Field(description="Last push to any branch (UTC)")
    archived: bool = Field(description="Archived repositories are read-only and no longer maintained there")
    fork: bool = Field(description="Whether this repository is a fork")
    parent: str | None = Field(description="owner/name of the repository this one was forked from")
    stars: int = Field(description="Stargazers")
    forks: int = Field(description="Forks")
    watchers: int = Field(description="Watchers (subscribers)")
    open_issues: int = Field(description="Open issues plus open pull requests, as GitHub counts them")
    topics: list[str] = Field(description="Topics set on the repository")
    html_url: str | None = Field(description="The repository's web page")
    provenance: Provenance
    attestation: AttestationField = None


def provenance(
    state: AppState, call: Call, fetched_at: datetime, *, complete: bool = True, note: str | None = None
) -> Provenance:
    notes = [n for n in [note, *call.stats.notes] if n]
    return Provenance(
        source="github",
        api_base=state.settings.api_url,
        requests=call.stats.requests,
        not_modified=call.stats.not_modified,
        cache_hits=call.stats.cache_hits,
        retries=call.stats.retries,
        rate_limit_remaining=call.stats.rate_limit_remaining,
        fetched_at=fetched_at,
        elapsed_seconds=round(call.budget.elapsed(), 3),
        complete=complete,
        incomplete_note=" ".join(notes) or None,
    )


async def repository_overview(state: AppState, repo: str, call: Call) -> RepositoryOverview:
    name: RepoName = parse_repo(repo, state.settings.web_host)
    fetched_at = datetime.now(UTC)
    response = await state.github.get(f"/repos/{name.owner}/{name.name}", call=call, what=f"repository {name}")
    info = repository(response.data)
    renamed = name.full_name if info.full_name.lower() != name.full_name.lower() else None
    return RepositoryOverview(
        input=repo,
        full_name=info.full_name,
        renamed_from=renamed,
        owner_login=info.owner_login,
        owner_type=info.owner_type,
        description=info.description,
        homepage=info.homepage,
        license=info.license_spdx,
        default_branch=info.default_branch,
        created_at=info.created_at,
        pushed_at=info.pushed_at,
        archived=info.archived,
        fork=info.fork,
        parent=info.parent_full_name,
        stars=info.stars,
        forks=info.forks,
        watchers=info.watchers,
        open_issues=info.open_issues,
        topics=list(info.topics),
        html_url=info.html_url,
        provenance=provenance(state, call, fetched_at),
    )


class RateLimitState(BaseModel):
    resource: str = Field(description="Rate-limit bucket: core (REST), graphql, search ...")
    limit: int = Field(description="Requests (or GraphQL points) allowed per hour")
    remaining: int = Field(description="Left in the current hour, as of the latest response")
    used: int | None = Field(description="Used in the current hour")
    reset: str = Field(description="When the bucket refills (UTC, ISO 8601)")


class ApiStatus(BaseModel):
    server_version: str = Field(description="chaoss-mcp version")
    api_base: str = Field(description="GitHub API base URL in use")
    graphql_url: str = Field(description="GitHub GraphQL endpoint in use")
    token_configured: bool = Field(description="Whether a GitHub token is set (the token itself is never shown)")
    mode: str = Field(description="What the token situation means for limits and data paths")
    rate_limits: list[RateLimitState] = Field(
        description="Latest rate-limit state per resource seen in this session's responses (empty before any request)"
    )
    cache_path: str | None = Field(description="SQLite HTTP cache file; null when the cache is unusable")
    cache_ttl_seconds: float = Field(description="Entries younger than this are served without any request")
    cache_entries: int = Field(description="Responses stored in the cache")
    cache_bytes: int = Field(description="Size of the cache file in bytes")
    cache_hits: int = Field(description="Answers served from the cache without a request in this session")
    cache_revalidated: int = Field(description="Conditional requests answered 304 Not Modified in this session")
    time_budget_seconds: float = Field(description="Per-call time budget for collection")
    signing: bool = Field(description="Whether results are signed (see the chaoss://keys/public resource)")
    attestation: AttestationField = None


def api_status(state: AppState) -> ApiStatus:
    stats = state.cache.stats() if state.cache is not None else {}
    token = state.settings.has_token
    mode = (
        "Token set: 5,000 REST requests an hour, GraphQL bulk collection enabled."
        if token
        else "No token: 60 REST requests an hour from this IP address, REST only, public repositories only. "
        "Set GITHUB_TOKEN (or GH_TOKEN) for 5,000 an hour and private repositories."
    )
    return ApiStatus(
        server_version=__version__,
        api_base=state.settings.api_url,
        graphql_url=state.settings.graphql_url,
        token_configured=token,
        mode=mode,
        rate_limits=[RateLimitState.model_validate(v) for v in state.github.status().values()],
        cache_path=str(stats["path"]) if stats else None,
        cache_ttl_seconds=state.settings.cache_ttl,
        cache_entries=int(stats.get("entries", 0)),  # type: ignore[call-overload]
        cache_bytes=int(stats.get("file_bytes", 0)),  # type: ignore[call-overload]
        cache_hits=int(stats.get("hits", 0)),  # type: ignore[call-overload]
        cache_revalidated=int(stats.get("revalidated_304", 0)),  # type: ignore[call-overload]
        time_budget_seconds=state.settings.time_budget,
        signing=state.settings.signing,
    )

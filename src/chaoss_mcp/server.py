"""The MCP surface: thin typed tools, resources and prompts over the service functions.

A tool reads the lifespan state, starts a budgeted call, delegates, and returns a pydantic model (its
output schema). Anticipated failures (``ChaossError``) become ``ToolError`` with their message; nothing
else is ever shown to the client, and nothing is ever printed to stdout.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from chaoss_mcp import __version__, overview
from chaoss_mcp.budget import Budget, Call
from chaoss_mcp.config import Settings
from chaoss_mcp.errors import ChaossError
from chaoss_mcp.state import AppState, open_state

log = logging.getLogger(__name__)

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=True, idempotent_hint=True)
LOCAL_READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False, idempotent_hint=True)

RepoArg = Annotated[
    str,
    Field(
        description="GitHub repository as owner/name (e.g. clap-rs/clap) or its https://github.com/owner/name URL",
        max_length=300,
    ),
]

INSTRUCTIONS = (
    "Grounded facts and CHAOSS community-health metrics about open source repositories. Every result says "
    "what was measured, over which window, from which data and against which criteria (spec id and hash). "
    "Quote figures with their window and as_of date, pass on caveats, report inconclusive results as such, "
    "and never state facts (owners, maintainers, affiliations) that the tools did not return."
)


@contextmanager
def tool_errors() -> Iterator[None]:
    """Turn anticipated failures into a ToolError the assistant can read and act on."""
    try:
        yield
    except ChaossError as exc:
        log.info("tool refused: %s", exc)
        raise ToolError(str(exc)) from None


def state_of(ctx: Context[AppState, Any]) -> AppState:
    return ctx.request_context.lifespan_context


def new_call(state: AppState, ctx: Context[AppState, Any] | None) -> Call:
    async def progress(message: str) -> None:
        if ctx is not None:
            try:
                await ctx.report_progress(0, None, message)
            except Exception:  # progress is best effort; a closed stream must not fail the call
                log.debug("progress notification failed", exc_info=True)

    return Call(budget=Budget(state.settings.time_budget), progress=progress)


def build_server(settings: Settings, *, state: AppState | None = None) -> MCPServer[AppState]:
    """The server. ``state`` lets tests share one state (cache, client) across several sessions."""

    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]) -> AsyncIterator[AppState]:
        if state is not None:
            yield state
            return
        async with open_state(settings) as fresh:
            yield fresh

    mcp: MCPServer[AppState] = MCPServer(
        name="chaoss-mcp",
        title="CHAOSS community health",
        version=__version__,
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
    )

    @mcp.tool(
        name="repository_overview",
        title="Repository facts",
        annotations=READ_ONLY,
        description=(
            "Basic facts about a GitHub repository as GitHub reports them: owner and whether the owner is a "
            "User or an Organization, description, license, default branch, creation and last push, archived, "
            "fork parent, stars, forks, topics. Use it before describing who owns or runs a project."
        ),
    )
    async def repository_overview(repo: RepoArg, ctx: Context[AppState, Any]) -> overview.RepositoryOverview:
        app = state_of(ctx)
        with tool_errors():
            return await overview.repository_overview(app, repo, new_call(app, ctx))

    @mcp.tool(
        name="api_status",
        title="GitHub API and cache status",
        annotations=LOCAL_READ_ONLY,
        description=(
            "The GitHub API base in use, whether a token is configured (never the token), the latest rate-limit "
            "state per resource, and the local cache's location, size and hit counts."
        ),
    )
    async def api_status(ctx: Context[AppState, Any]) -> overview.ApiStatus:
        with tool_errors():
            return overview.api_status(state_of(ctx))

    return mcp

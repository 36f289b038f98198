"""The MCP surface: thin typed tools, resources and prompts over the service functions.

A tool reads the lifespan state, starts a budgeted call, delegates, and returns a pydantic model (its
output schema). Anticipated failures (``ChaossError``) become ``ToolError`` with their message; nothing
else is ever shown to the client, and nothing is ever printed to stdout.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlsplit

import anyio
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.types import ClientCapabilities, RootsCapability, ToolAnnotations
from pydantic import BaseModel, Field

from chaoss_mcp import __version__, compare, overview, service
from chaoss_mcp.attestation import Verification
from chaoss_mcp.budget import Budget, Call
from chaoss_mcp.compare import Comparison
from chaoss_mcp.config import Settings
from chaoss_mcp.errors import ChaossError
from chaoss_mcp.metrics import REGISTRY
from chaoss_mcp.models_run import ModelResult, run_model
from chaoss_mcp.results import AttestationField, MetricResult
from chaoss_mcp.signing import Signer
from chaoss_mcp.specs import SpecSet
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
AnyRepoArg = Annotated[
    str,
    Field(
        description=(
            "GitHub repository as owner/name or URL, or a path to a local git repository (absolute, ./ or ~/) "
            "under an allowed root"
        ),
        max_length=4096,
    ),
]
WindowArg = Annotated[
    int | None,
    Field(description="Window length in days ending at as_of (default: the spec's, e.g. 90 or 365)", ge=1, le=10950),
]
AsOfArg = Annotated[
    str | None,
    Field(description="ISO date the answer is computed as of, e.g. 2026-06-30 (default: today)", max_length=40),
]
SourceArg = Annotated[
    Literal["github", "git"] | None,
    Field(
        description=(
            "Data source: 'github' (API) or 'git' (a local history; for owner/name, a blobless clone). "
            "Default: chosen from the repo form"
        )
    ),
]
DetailArg = Annotated[
    Literal["summary", "full"],
    Field(description="'summary' (compact, default) or 'full' (each member's complete result)"),
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


def _metric_tool(
    mcp: MCPServer[AppState],
    metric_id: str,
    *,
    title: str,
    description: str,
    value_type: type[BaseModel],
    github_only: bool,
) -> None:
    """Register one metric tool. Its output schema is the envelope typed with the metric's own Value."""

    async def tool(
        repo: AnyRepoArg,
        ctx: Context[AppState, Any],
        window_days: WindowArg = None,
        as_of: AsOfArg = None,
        source: SourceArg = None,
    ) -> MetricResult[Any]:
        app = state_of(ctx)
        with tool_errors():
            call = new_call(app, ctx)
            result = await service.run_metric(
                app,
                metric_id,
                repo=repo,
                window_days=window_days,
                as_of=as_of,
                source=source,
                call=call,
                roots=await client_roots(ctx),
            )
            return app.signer.sign(result)

    tool.__annotations__["return"] = MetricResult[value_type]  # type: ignore[valid-type]
    if github_only:
        tool.__annotations__["repo"] = RepoArg
    mcp.tool(name=metric_id, title=title, description=description, annotations=READ_ONLY)(tool)


async def client_roots(ctx: Context[AppState, Any]) -> list[Path]:
    """Directories the MCP client declares as roots (file:// URIs); local git paths may be read there."""
    session = ctx.request_context.session
    if not session.check_client_capability(ClientCapabilities(roots=RootsCapability())):
        return []
    try:
        with anyio.fail_after(5):
            listed = await session.list_roots()
    except Exception:  # a client that declares roots but fails to list them just allows none
        log.debug("roots/list failed", exc_info=True)
        return []
    roots = []
    for root in listed.roots:
        parts = urlsplit(str(root.uri))
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            roots.append(Path(unquote(parts.path)))
    return roots


METRIC_TOOLS: dict[str, tuple[str, str, bool]] = {
    "time_to_first_response": (
        "Time to first response",
        "How long new issues and pull requests wait for a first human reply (not the author, not a bot): "
        "median, mean and p90 hours, and how many are still unanswered. GitHub only.",
        True,
    ),
    "change_request_closure_ratio": (
        "Change request closure ratio",
        "Whether maintainers keep up with pull requests: PRs closed (merged or not) in the window divided by "
        "PRs open at any moment of it. GitHub only.",
        True,
    ),
    "contributor_absence_factor": (
        "Contributor absence factor (bus factor)",
        "The smallest number of people who made half of the commits in the window: the risk if they left. "
        "GitHub or a local git history.",
        False,
    ),
    "release_frequency": (
        "Release frequency",
        "Releases published in the window, the median gap between them and days since the last one (tags when "
        "there are no GitHub releases). GitHub or a local git history.",
        False,
    ),
    "contribution_activity": (
        "Contribution activity",
        "Commits and active contributors in the window, new vs returning, core/regular/casual, drive-by vs "
        "repeat, concentration, a monthly series and the trend; bot and AI-co-authored commits apart.",
        False,
    ),
    "organizational_diversity": (
        "Organizational diversity (elephant factor)",
        "Which organizations' people made the commits: the elephant factor (fewest organizations behind half "
        "of the commits), each organization's share, and the unaffiliated share.",
        False,
    ),
    "discussion_tone": (
        "Discussion tone",
        "Tone of human comments on issues and pull requests in the window (lexicon-based, VADER): positive, "
        "neutral and negative shares and threads with strongly negative comments. Experimental; GitHub only.",
        True,
    ),
    "security_practices": (
        "Security practices",
        "OpenSSF Scorecard-style checks from the repository's files and settings (security policy, license, "
        "dependency updates, CI, code review, maintained, signed releases, branch protection, workflow "
        "safety, pinning, binaries), each with evidence and remediation, and a risk-weighted aggregate.",
        False,
    ),
    "governance_transparency": (
        "Governance transparency",
        "Whether a newcomer can find how the project is run: governance, code of conduct (with a contact), "
        "contributing guide, maintainers, templates, decision records, changelog, funding; each with evidence.",
        False,
    ),
}


class MetricInfo(BaseModel):
    id: str = Field(description="Metric id, also the tool name")
    name: str = Field(description="Metric name")
    question: str = Field(description="The question the metric answers")
    category: str = Field(description="responsiveness, sustainability, activity, governance, security ...")
    unit: str = Field(description="Unit of the scored figure")
    direction: str = Field(description="Whether higher or lower is better")
    default_window_days: int | None = Field(description="Default window, from the spec")
    chaoss_url: str | None = Field(description="CHAOSS knowledge-base page")
    spec_sha256: str = Field(description="Hash of the criteria; quote it with results")
    origin: str = Field(description="built-in or user spec")
    resource: str = Field(description="Resource URI with the spec's YAML text")


class ModelInfo(BaseModel):
    id: str = Field(description="Model id (project_health's `model` argument)")
    name: str = Field(description="Model name")
    members: list[str] = Field(description="Member metric ids")
    spec_sha256: str = Field(description="Hash of the model spec")
    resource: str = Field(description="Resource URI with the model's YAML text")


class MetricCatalog(BaseModel):
    metrics: list[MetricInfo] = Field(description="Every metric, with its criteria's hash")
    models: list[ModelInfo] = Field(description="Every metrics model")
    attestation: AttestationField = None


def catalog(specs: SpecSet) -> MetricCatalog:
    return MetricCatalog(
        metrics=[
            MetricInfo(
                id=metric_id,
                name=loaded.spec.name,
                question=loaded.spec.question,
                category=loaded.spec.category,
                unit=loaded.spec.unit,
                direction=loaded.spec.direction,
                default_window_days=loaded.spec.parameters.get("window_days"),
                chaoss_url=loaded.spec.chaoss_url,
                spec_sha256=loaded.sha256,
                origin=loaded.origin,
                resource=f"chaoss://metrics/{metric_id}",
            )
            for metric_id, loaded in specs.metrics.items()
        ],
        models=[
            ModelInfo(
                id=model_id,
                name=loaded.spec.name,
                members=[m.metric for m in loaded.spec.members],
                spec_sha256=loaded.sha256,
                resource=f"chaoss://models/{model_id}",
            )
            for model_id, loaded in specs.models.items()
        ],
    )


def spec_document(kind: str, spec_id: str, text: str, sha256: str, path: Path, origin: str) -> str:
    return f"# {kind} spec {spec_id}\n# sha256: {sha256}\n# origin: {origin} ({path})\n{text}"


def build_server(settings: Settings, specs: SpecSet, *, state: AppState | None = None) -> MCPServer[AppState]:
    """The server. ``state`` lets tests share one state (cache, client) across several sessions."""

    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]) -> AsyncIterator[AppState]:
        if state is not None:
            yield state
            return
        async with open_state(settings, specs) as fresh:
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
            return app.signer.sign(await overview.repository_overview(app, repo, new_call(app, ctx)))

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
        app = state_of(ctx)
        with tool_errors():
            return app.signer.sign(overview.api_status(app))

    @mcp.tool(
        name="list_metrics",
        title="Metrics and criteria",
        annotations=LOCAL_READ_ONLY,
        description=(
            "Every metric and metrics model this server computes, with the question it answers, its default "
            "window, its CHAOSS page and the hash of the community-written criteria it is scored against."
        ),
    )
    async def list_metrics(ctx: Context[AppState, Any]) -> MetricCatalog:
        app = state_of(ctx)
        with tool_errors():
            return app.signer.sign(catalog(app.specs))

    for metric_id, (title, description, github_only) in METRIC_TOOLS.items():
        _metric_tool(
            mcp,
            metric_id,
            title=title,
            description=description,
            value_type=REGISTRY[metric_id].Value,
            github_only=github_only,
        )

    @mcp.tool(
        name="project_health",
        title="Project health (metrics model)",
        annotations=READ_ONLY,
        description=(
            "A CHAOSS metrics model in one call (default: Starter Project Health = time to first response, "
            "change request closure ratio, contributor absence factor, release frequency) on one shared "
            "collection: the aggregate score and band, each member's score and reason, and coverage."
        ),
    )
    async def project_health(
        repo: AnyRepoArg,
        ctx: Context[AppState, Any],
        model: Annotated[str, Field(description="Metrics model id (list_metrics shows them)", max_length=100)] = (
            "starter_project_health"
        ),
        as_of: AsOfArg = None,
        source: SourceArg = None,
        detail: DetailArg = "summary",
    ) -> ModelResult:
        app = state_of(ctx)
        with tool_errors():
            result = await run_model(
                app,
                model,
                repo=repo,
                as_of=as_of,
                source=source,
                call=new_call(app, ctx),
                roots=await client_roots(ctx),
                detail=detail,
            )
            return app.signer.sign(result)

    @mcp.tool(
        name="compare_projects",
        title="Compare projects",
        annotations=READ_ONLY,
        description=(
            "Up to 10 repositories side by side under one metrics model (default Starter Project Health), run "
            "concurrently within one time budget: one row per repository with each member's score, the "
            "aggregate and band; rows that failed or were cut short are marked."
        ),
    )
    async def compare_projects(
        repos: Annotated[
            list[Annotated[str, Field(max_length=4096)]],
            Field(description="Repositories (owner/name, URL or local path), 1 to 10", min_length=1, max_length=10),
        ],
        ctx: Context[AppState, Any],
        model: Annotated[str, Field(description="Metrics model id (list_metrics shows them)", max_length=100)] = (
            "starter_project_health"
        ),
        as_of: AsOfArg = None,
        source: SourceArg = None,
    ) -> Comparison:
        app = state_of(ctx)
        with tool_errors():
            call = new_call(app, ctx)
            result = await compare.compare_projects(
                app,
                repos,
                model=model,
                as_of=as_of,
                source=source,
                roots=await client_roots(ctx),
                progress=call.progress,
            )
            return app.signer.sign(result)

    @mcp.tool(
        name="verify_result",
        title="Verify a signed result",
        annotations=LOCAL_READ_ONLY,
        description=(
            "Check that a result (as returned by any tool of this server, with its attestation) was signed by "
            "this server or a trusted key and that nothing in it changed since: valid, or invalid with the "
            "reason (digest mismatch, bad signature, unknown key, malformed)."
        ),
    )
    async def verify_result(
        result: Annotated[
            dict[str, Any] | str,
            Field(description="The whole result: a JSON object, or its JSON text, including `attestation`"),
        ],
        ctx: Context[AppState, Any],
        public_key: Annotated[
            str | None,
            Field(
                description="PEM public key to check against instead of the trusted keys (optional)",
                max_length=10_000,
            ),
        ] = None,
    ) -> Verification:
        app = state_of(ctx)
        with tool_errors():
            return app.signer.verify(result, public_key)

    @mcp.resource(
        "chaoss://keys/public",
        name="public_key",
        title="This server's public signing key",
        description="The Ed25519 public key (PEM) that verifies this server's results, with its key id",
        mime_type="application/x-pem-file",
    )
    def public_key_resource() -> str:
        signer = Signer(settings)
        try:
            return f"# key id: {signer.key_id()}\n{signer.public_pem()}"
        except ChaossError as exc:
            raise ResourceNotFoundError(str(exc)) from None

    @mcp.resource(
        "chaoss://metrics",
        name="metrics",
        title="Metric and model index",
        description="Every metric and model with the hash of its criteria",
        mime_type="application/json",
    )
    def metrics_index() -> str:
        return catalog(specs).model_dump_json(indent=2)

    @mcp.resource(
        "chaoss://metrics/{metric_id}",
        name="metric_spec",
        title="A metric's criteria (YAML)",
        description="The YAML spec a metric is scored against, with its sha256",
        mime_type="application/yaml",
    )
    def metric_spec(metric_id: str) -> str:
        loaded = specs.metrics.get(metric_id)
        if loaded is None:
            raise ResourceNotFoundError(f"No metric spec {metric_id!r}; read chaoss://metrics for the list.")
        return spec_document("metric", metric_id, loaded.text, loaded.sha256, loaded.path, loaded.origin)

    @mcp.resource(
        "chaoss://models/{model_id}",
        name="model_spec",
        title="A metrics model's members and weights (YAML)",
        description="The YAML spec of a metrics model, with its sha256",
        mime_type="application/yaml",
    )
    def model_spec(model_id: str) -> str:
        loaded = specs.models.get(model_id)
        if loaded is None:
            raise ResourceNotFoundError(f"No model spec {model_id!r}; read chaoss://metrics for the list.")
        return spec_document("model", model_id, loaded.text, loaded.sha256, loaded.path, loaded.origin)

    register_prompts(mcp)
    compact_schemas(mcp)
    return mcp


def compact_schema(node: Any, names: bool = False) -> None:
    """Drop the generated JSON Schema ``title`` keywords in place: they repeat the property names.

    A property *named* title stays. Nullable fields keep the portable ``anyOf`` spelling (one type per
    branch), which clients that map schemas onto single-type dialects require.
    """
    if isinstance(node, dict):
        for key in list(node):
            if not names and key == "title" and isinstance(node[key], str):
                del node[key]
                continue
            compact_schema(node[key], names=not names and key in ("properties", "$defs"))
    elif isinstance(node, list):
        for item in node:
            compact_schema(item)


def compact_schemas(mcp: MCPServer[AppState]) -> None:
    """Keep tools/list small for the model reading it: schemas without the generated titles."""
    for tool in mcp._tool_manager.list_tools():
        compact_schema(tool.parameters)
        compact_schema(tool.output_schema)


QUOTING_RULES = (
    "Rules for the answer: quote every figure with its window (days and dates), its as_of date, the sample "
    "size behind it and the criteria it was scored against (spec id and the first 12 characters of its "
    "sha256). Pass on every caveat. Report inconclusive results as inconclusive, with their reason, never as "
    "zero or as bad. Never state facts the tools did not return: owners, maintainers, affiliations, funding "
    "or activity you did not get from a tool result are unknown, and you say so. Each result carries an "
    "attestation; mention that the figures can be checked with verify_result."
)


def register_prompts(mcp: MCPServer[AppState]) -> None:
    @mcp.prompt(
        name="assess_project_health",
        title="Assess a project's health",
        description="Assess one repository's health with CHAOSS metrics, quoting figures with their criteria",
    )
    def assess_project_health(
        repo: Annotated[str, Field(description="owner/name, GitHub URL, or a local git path")],
    ) -> str:
        return (
            f"Assess the health of the open source project {repo}.\n"
            f"1. Call repository_overview for {repo} (GitHub repositories) to learn who owns it and whether it "
            "is archived or a fork; use only what it returns.\n"
            f"2. Call project_health for {repo} (Starter Project Health: responsiveness, closure of pull "
            "requests, bus factor, releases).\n"
            f"3. Call contribution_activity and organizational_diversity for {repo}; for an experimental "
            "view of tone, discussion_tone.\n"
            f"4. Call security_practices and governance_transparency for {repo}.\n"
            "Then summarise strengths and risks, each tied to a figure.\n" + QUOTING_RULES
        )

    @mcp.prompt(
        name="compare_projects",
        title="Compare projects",
        description="Compare several repositories under one metrics model, row by row",
    )
    def compare_projects_prompt(
        repos: Annotated[str, Field(description="Repositories separated by commas or spaces (at most 10)")],
    ) -> str:
        names = [r for r in repos.replace(",", " ").split() if r]
        listed = ", ".join(names) if names else repos
        return (
            f"Compare these open source projects: {listed}.\n"
            f"1. Call compare_projects with repos={names!r}.\n"
            "2. For any row marked error or incomplete, say so; call project_health on that repository alone if "
            "it matters.\n"
            "3. For the two or three that matter most to the question, call contribution_activity and "
            "security_practices to explain the difference.\n"
            "Present a table (repository, aggregate score and band, each member's score), then the differences "
            "that matter, each tied to figures. Do not rank projects on inconclusive members.\n" + QUOTING_RULES
        )

    @mcp.prompt(
        name="dependency_due_diligence",
        title="Dependency due diligence",
        description="Decide whether a project is safe to depend on: maintenance, security, bus factor, license",
    )
    def dependency_due_diligence(
        repo: Annotated[str, Field(description="owner/name or GitHub URL of the candidate dependency")],
    ) -> str:
        return (
            f"I am considering {repo} as a dependency. Do due diligence.\n"
            f"1. repository_overview for {repo}: license, archived, fork, last push.\n"
            f"2. security_practices for {repo}: security policy, maintained, code review, pinned dependencies, "
            "dangerous workflows, signed releases.\n"
            f"3. contributor_absence_factor and organizational_diversity for {repo}: who could keep it going.\n"
            f"4. release_frequency and time_to_first_response for {repo}: whether fixes ship and issues are "
            "answered.\n"
            "Conclude with the risks that would matter for a dependency and what would mitigate each (pinning, "
            "vendoring, funding, contributing). A finished, stable project with few commits but answered "
            "issues is not the same as an abandoned one; say which the figures show.\n" + QUOTING_RULES
        )

"""Running metrics: pick the source, collect each data family once, compute, score, wrap in the envelope.

This is the code path every tool, the ``call`` CLI and ``report`` share. Metrics stay pure: this module
hands them records, a window and their validated parameters.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import anyio
from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp import scoring
from chaoss_mcp.budget import Call
from chaoss_mcp.errors import (
    BadInputError,
    BudgetExhaustedError,
    RateLimitedError,
    StillComputingError,
    UnavailableError,
)
from chaoss_mcp.identity import AffiliationPolicy, AgentPolicy, BotPolicy
from chaoss_mcp.metrics import REGISTRY
from chaoss_mcp.metrics import (
    change_request_closure_ratio as crcr,
)
from chaoss_mcp.metrics import (
    contribution_activity as activity_metric,
)
from chaoss_mcp.metrics import (
    contributor_absence_factor as caf,
)
from chaoss_mcp.metrics import (
    discussion_tone as tone,
)
from chaoss_mcp.metrics import (
    organizational_diversity as orgdiv,
)
from chaoss_mcp.metrics import (
    release_frequency as releases_metric,
)
from chaoss_mcp.metrics import (
    time_to_first_response as ttfr,
)
from chaoss_mcp.records import Commit
from chaoss_mcp.results import MetricResult, RepositoryRef, Window
from chaoss_mcp.sources.data import DataSource, GitData, GitHubData
from chaoss_mcp.sources.git.clone import ensure_blobless_clone
from chaoss_mcp.sources.git.paths import looks_like_local_path, resolve_local_repo
from chaoss_mcp.sources.github.collect import FIRST_RESPONSES, GitHubCollector
from chaoss_mcp.sources.github.names import parse_repo
from chaoss_mcp.specs import LoadedMetricSpec
from chaoss_mcp.state import AppState
from chaoss_mcp.window import TimeWindow, make_window, parse_as_of

log = logging.getLogger(__name__)

SourceChoice = Literal["github", "git"]
PROFILE_LOOKUPS = 30  # profile companies read for the most active accounts (as Scorecard's Contributors)
NEW_CONTRIBUTOR_LOOKBACK_DAYS = 365  # GitHub source: history read before the window to judge "new"
RESERVE_SECONDS = 2.0  # budget kept back for computing and answering after collection


@dataclass(frozen=True)
class Policies:
    bots: BotPolicy
    agents: AgentPolicy
    affiliations: AffiliationPolicy


@dataclass
class Outcome:
    value: BaseModel
    inconclusive: str | None = None
    caveats: list[str] = field(default_factory=list)
    definition_extra: dict[str, object] = field(default_factory=dict)


Runner = Callable[[DataSource, TimeWindow, Any, Policies, LoadedMetricSpec], Awaitable[Outcome]]


# -- one runner per metric: which families it needs, and the call into the pure metric ----------------
async def _run_ttfr(
    src: DataSource, window: TimeWindow, params: Any, pol: Policies, loaded: LoadedMetricSpec
) -> Outcome:
    act = await src.activity(window.start)
    value = ttfr.compute(
        issues=act.issues,
        change_requests=act.change_requests,
        comments=act.comments,
        reviews=act.reviews,
        window=window,
        params=params,
        bots=pol.bots,
    )
    extra: dict[str, object] = {"collection": act.path}
    caveats = []
    if act.path == "graphql":
        caveats.append(
            f"Responses were looked for among the first {FIRST_RESPONSES} comments and reviews of each item; a "
            "first human reply later in a very long bot or author thread would be missed."
        )
    return Outcome(value, caveats=caveats, definition_extra=extra)


async def _run_crcr(
    src: DataSource, window: TimeWindow, params: Any, pol: Policies, loaded: LoadedMetricSpec
) -> Outcome:
    act = await src.activity(window.start)
    value = crcr.compute(change_requests=act.change_requests, window=window, params=params, bots=pol.bots)
    return Outcome(value, definition_extra={"collection": act.path})


async def _run_caf(
    src: DataSource, window: TimeWindow, params: Any, pol: Policies, loaded: LoadedMetricSpec
) -> Outcome:
    commits = await src.commits(window.start, window.end)
    return Outcome(caf.compute(commits=commits, window=window, params=params, bots=pol.bots))


async def _run_releases(
    src: DataSource, window: TimeWindow, params: Any, pol: Policies, loaded: LoadedMetricSpec
) -> Outcome:
    found = await src.releases(window.start)
    tags = []
    if not [r for r in found if not r.draft] and params.fallback_to_tags:
        commits = await src.commits(window.start, window.end) if src.kind == "github" else None
        tags = await src.tags(commits)
    value = releases_metric.compute(releases=found, tags=tags, window=window, params=params)
    return Outcome(value, inconclusive=releases_metric.inconclusive_reason(value))


async def _run_activity(
    src: DataSource, window: TimeWindow, params: Any, pol: Policies, loaded: LoadedMetricSpec
) -> Outcome:
    since = None if src.kind == "git" else window.start - timedelta(days=NEW_CONTRIBUTOR_LOOKBACK_DAYS)
    commits = await src.commits(since, window.end)
    value = activity_metric.compute(commits=commits, window=window, params=params, bots=pol.bots, agents=pol.agents)
    inconclusive = None
    if src.empty_repository:
        inconclusive = (
            f"The repository has no commits up to {window.as_of.isoformat()}; there is no activity to measure."
        )
    caveats = []
    if since is not None:
        caveats.append(
            f"From GitHub, a contributor counts as new when they have no commit in the {NEW_CONTRIBUTOR_LOOKBACK_DAYS} "
            "days before the window (the full history is read only from a local git source)."
        )
    return Outcome(value, inconclusive=inconclusive, caveats=caveats)


def _top_logins(commits: Sequence[Commit], window: TimeWindow, bots: BotPolicy) -> list[str]:
    counts: dict[str, int] = {}
    for commit in commits:
        if window.contains(commit.authored_at) and commit.author.login and not bots.is_bot(commit.author):
            counts[commit.author.login] = counts.get(commit.author.login, 0) + 1
    return sorted(counts, key=lambda login: (-counts[login], login.lower()))


async def _run_orgdiv(
    src: DataSource, window: TimeWindow, params: Any, pol: Policies, loaded: LoadedMetricSpec
) -> Outcome:
    commits = await src.commits(window.start, window.end)
    companies = await src.companies(_top_logins(commits, window, pol.bots), PROFILE_LOOKUPS)
    value = orgdiv.compute(
        commits=commits,
        window=window,
        params=params,
        bots=pol.bots,
        affiliations=pol.affiliations,
        companies=companies,
    )
    return Outcome(value)


async def _run_tone(
    src: DataSource, window: TimeWindow, params: Any, pol: Policies, loaded: LoadedMetricSpec
) -> Outcome:
    comments = await src.comments(window.start)
    value = tone.compute(
        comments=comments, reviews=[], issues=[], change_requests=[], window=window, params=params, bots=pol.bots
    )
    return Outcome(
        value,
        caveats=["Pull request review summaries are not included; issue and review comments are."],
        definition_extra={"texts": "issue comments and pull request review comments"},
    )


RUNNERS: dict[str, Runner] = {
    "time_to_first_response": _run_ttfr,
    "change_request_closure_ratio": _run_crcr,
    "contributor_absence_factor": _run_caf,
    "release_frequency": _run_releases,
    "contribution_activity": _run_activity,
    "organizational_diversity": _run_orgdiv,
    "discussion_tone": _run_tone,
}
GITHUB_ONLY = frozenset({"time_to_first_response", "change_request_closure_ratio", "discussion_tone"})


# -- sources ----------------------------------------------------------------------------------------
def policies(state: AppState) -> Policies:
    return Policies(
        bots=state.specs.bot_policy(), agents=state.specs.agent_policy(), affiliations=state.specs.affiliation_policy()
    )


async def open_source(
    state: AppState, repo: str, source: SourceChoice | None, call: Call, roots: Sequence[Path] = ()
) -> DataSource:
    """The data source a ``repo`` argument names: a local path reads git; owner/name reads GitHub
    (or, with ``source="git"``, the server's blobless clone of it)."""
    if source not in (None, "github", "git"):
        raise BadInputError(f"source must be 'github' or 'git', not {source!r}.")
    if isinstance(repo, str) and looks_like_local_path(repo):
        if source == "github":
            raise BadInputError(f"{repo!r} is a local path; give owner/name to read GitHub, or leave source out.")
        allowed = [*state.settings.allow_paths, *roots]
        path = await anyio.to_thread.run_sync(lambda: resolve_local_repo(repo, allowed))
        return GitData(path=path, call=call)
    name = parse_repo(repo, state.settings.web_host)
    if source == "git":
        remote = f"{state.settings.git_base_url}/{name.owner}/{name.name}.git"
        key = f"{state.settings.web_host.replace(':', '_')}_{name.owner}_{name.name}"
        deadline = call.budget.deadline
        path = await anyio.to_thread.run_sync(
            lambda: ensure_blobless_clone(remote, state.settings.cache_dir, key, deadline=deadline)
        )
        return GitData(path=path, call=call, label=name.full_name)
    collector = GitHubCollector(state.github, name, call)
    return GitHubData(collector, state.settings.api_url)


def resolve_window(spec: LoadedMetricSpec, window_days: int | None, as_of: str | None) -> tuple[TimeWindow, Any]:
    params = spec.params
    if params is None:
        raise BadInputError(f"Spec {spec.spec.id} has no validated parameters.")
    day = parse_as_of(as_of, datetime.now(UTC).date())
    days = window_days if window_days is not None else getattr(params, "window_days", None)
    if days is None:
        # Point-in-time checks: the window is the activity window their Maintained-style checks count over.
        days = _check_param(spec, "Maintained", "recent_days", 90)
    window = make_window(day, days)
    if hasattr(params, "window_days"):
        params = params.model_copy(update={"window_days": days})
    return window, params


# -- the envelope -----------------------------------------------------------------------------------
async def run_metric(
    state: AppState,
    metric_id: str,
    *,
    repo: str,
    window_days: int | None = None,
    as_of: str | None = None,
    source: SourceChoice | None = None,
    call: Call,
    roots: Sequence[Path] = (),
    data: DataSource | None = None,
) -> MetricResult[Any]:
    loaded = state.specs.metrics.get(metric_id)
    if loaded is None or metric_id not in RUNNERS:
        raise BadInputError(f"Unknown metric {metric_id!r}; list_metrics shows the available ones.")
    window, params = resolve_window(loaded, window_days, as_of)
    src = data or await open_source(state, repo, source, call, roots)
    if src.kind == "git" and metric_id in GITHUB_ONLY:
        await src.activity(window.start)  # raises the explanatory error
    fetched_at = datetime.now(UTC)
    canonical = await src.canonical()
    module = REGISTRY[metric_id]
    mark = src.usage_mark()
    outcome = await RUNNERS[metric_id](src, window, params, policies(state), loaded)
    cut = src.cut_since(mark)
    inconclusive = outcome.inconclusive
    if cut:
        # A figure from part of the window would be held to criteria written for all of it; and whatever
        # the metric would say about missing data may only be the cut's doing.
        inconclusive = "Not scored: the collection of its data was cut short. " + " ".join(cut)
    scored = scoring.score_metric(
        loaded.spec,
        outcome.value,
        window_days=window.days,
        as_of=window.as_of,
        inconclusive_reason=inconclusive,
    )
    caveats = [*module.caveats(outcome.value), *outcome.caveats, *src.caveats]
    if not src.complete():
        caveats.insert(0, "The collection was cut short (time budget or limit); the figures cover only what was read.")
    definition = {**module.definition(params), **outcome.definition_extra, "source": src.kind}
    result_type = MetricResult[module.Value]  # type: ignore[name-defined]
    return result_type(
        metric=metric_id,
        title=loaded.spec.name,
        repository=RepositoryRef(input=repo, canonical=canonical, source=src.kind),
        status=scored.status,
        value=outcome.value,
        score=scored.score,
        band=scored.band,
        reason=scored.reason,
        as_of=window.as_of,
        window=Window(start=window.start, end=window.end, days=window.days),
        definition=definition,
        sample=module.sample(outcome.value),
        spec=state.specs.spec_ref(metric_id),
        provenance=src.provenance(fetched_at),
        caveats=list(dict.fromkeys(caveats)),
    )


# -- the model (project_health) ---------------------------------------------------------------------
class MemberSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metric: str = Field(description="Member metric id")
    title: str = Field(description="Member metric name")
    weight: float = Field(description="Weight in the model")
    status: Literal["ok", "inconclusive"] = Field(description="Whether the member could be scored")
    score: float | None = Field(description="Member score 0-10, null when inconclusive")
    band: str | None = Field(description="Member band label")
    reason: str = Field(description="The member's one-sentence reason")
    figures: dict[str, Any] = Field(description="The member's headline figures")
    window_days: int = Field(description="The member's window")
    spec_sha256: str = Field(description="Hash of the member's spec")
    caveats: list[str] = Field(description="The member's caveats")


def headline(value: BaseModel | None, spec: LoadedMetricSpec) -> dict[str, Any]:
    """The scored figure and the sample figure of a value, for summaries."""
    if value is None:
        return {}
    out: dict[str, Any] = {spec.spec.score_on: scoring.resolve_path(value, spec.spec.score_on)}
    if spec.spec.min_sample is not None:
        out[spec.spec.min_sample.path] = scoring.resolve_path(value, spec.spec.min_sample.path)
    return out


async def run_members(
    state: AppState,
    metric_ids: Sequence[str],
    *,
    repo: str,
    as_of: str | None,
    source: SourceChoice | None,
    call: Call,
    roots: Sequence[Path] = (),
) -> tuple[DataSource, list[MetricResult[Any]], list[tuple[str, str]]]:
    """Run several metrics on one shared source (each data family fetched once)."""
    src = await open_source(state, repo, source, call, roots)
    results: list[MetricResult[Any]] = []
    failed: list[tuple[str, str]] = []
    lost: Exception | None = None
    for metric_id in metric_ids:
        try:
            results.append(
                await run_metric(state, metric_id, repo=repo, as_of=as_of, source=source, call=call, data=src)
            )
        except BadInputError:
            if src.kind == "git" and metric_id in GITHUB_ONLY:
                failed.append((metric_id, "needs issues and pull requests from GitHub; a git history has none"))
                continue
            raise
        except (BudgetExhaustedError, RateLimitedError, UnavailableError, StillComputingError) as exc:
            # Time, quota or GitHub gave out part-way: the members already computed stand, this one is listed
            # as failed, and the answer is marked incomplete.
            lost = exc
            failed.append((metric_id, str(exc)))
            src.mark_incomplete(f"{metric_id}: {exc}")
    if lost is not None and not results:
        raise lost
    return src, results, failed


def parse_day(value: str | None) -> date:
    return parse_as_of(value, datetime.now(UTC).date())


# -- security practices and governance transparency: checks over a file snapshot ----------------------
def _protection(data: dict[str, Any] | None, branch: str, *, from_rulesets: bool = False) -> Any:
    from chaoss_mcp.checks.snapshot import BranchProtection

    if data is None:
        return None
    if data == {"protected": False}:
        return BranchProtection(branch=branch, protected=False)

    def enabled(key: str) -> bool | None:
        value = data.get(key)
        return bool(value.get("enabled")) if isinstance(value, dict) else None

    reviews = data.get("required_pull_request_reviews")
    checks = data.get("required_status_checks")
    # Classic settings list every rule, so one that is absent is off. Rulesets read without admin rights
    # say only what they require: classic protection may add more, so what they omit is unknown.
    absent: bool | None = None if from_rulesets else False
    return BranchProtection(
        branch=branch,
        protected=True,
        allow_force_pushes=enabled("allow_force_pushes"),
        allow_deletions=enabled("allow_deletions"),
        enforce_admins=enabled("enforce_admins"),
        require_pull_request=True if isinstance(reviews, dict) else absent,
        required_approving_review_count=reviews.get("required_approving_review_count", 0)
        if isinstance(reviews, dict)
        else (None if absent is None else 0),
        require_code_owner_reviews=reviews.get("require_code_owner_reviews") if isinstance(reviews, dict) else absent,
        dismiss_stale_reviews=reviews.get("dismiss_stale_reviews") if isinstance(reviews, dict) else absent,
        require_last_push_approval=reviews.get("require_last_push_approval") if isinstance(reviews, dict) else None,
        require_up_to_date=checks.get("strict") if isinstance(checks, dict) else absent,
        required_status_checks=tuple(checks.get("contexts") or ())
        if isinstance(checks, dict)
        else (None if absent is None else ()),
    )


def _check_param(loaded: LoadedMetricSpec, check_id: str, name: str, default: int) -> int:
    for check in loaded.spec.checks:
        if check.id == check_id and isinstance(check.parameters.get(name), int):
            return int(check.parameters[name])
    return default


async def snapshot_for(src: DataSource, loaded: LoadedMetricSpec, window: TimeWindow) -> Any:
    """A ``RepoSnapshot`` from either source (GitHub: files and settings; git: the files at HEAD)."""
    from chaoss_mcp.checks.snapshot import MergedPR, ReleaseAssets, RepoSnapshot

    recent_days = _check_param(loaded, "Maintained", "recent_days", 90)
    recent_releases = _check_param(loaded, "Signed-Releases", "recent_releases", 5)
    if isinstance(src, GitHubData):
        from chaoss_mcp.sources.github.collect import read_snapshot

        data = await read_snapshot(
            src.collector, as_of=window.end, recent_days=recent_days, recent_releases=recent_releases
        )
        info = data.info
        return RepoSnapshot(
            paths=tuple(data.paths),
            files=data.files,
            oversized_files=tuple(data.oversized),
            tree_truncated=data.truncated,
            archived=info.archived,
            created_at=info.created_at,
            license_spdx=info.license_spdx,
            default_branch=info.default_branch,
            recent_merged_prs=None if data.merged is None else tuple(MergedPR(**m) for m in data.merged),
            commits_recent=data.commits_recent,
            issue_activity_recent=data.issue_activity_recent,
            activity_window_days=recent_days,
            issues_answered_share=data.issues_answered_share,
            releases=None
            if data.releases is None
            else tuple(
                ReleaseAssets(tag=r.tag, published_at=r.published_at, asset_names=r.asset_names, has_notes=r.has_notes)
                for r in data.releases
                if not r.draft
            ),
            branch_protection=_protection(
                data.protection, info.default_branch or "HEAD", from_rulesets=data.protection_from_rulesets
            ),
            branch_protection_unavailable_reason=data.protection_reason,
            private_vulnerability_reporting=data.private_reporting,
            community_health_percentage=data.health,
            source="github",
            as_of=window.end,
        )
    assert isinstance(src, GitData)
    from chaoss_mcp.sources.git.tree import read_snapshot_files

    deadline = time.monotonic() + src.call.budget.remaining()
    paths, files, oversized = await anyio.to_thread.run_sync(lambda: read_snapshot_files(src.path, deadline=deadline))
    recent = await src.commits(window.end - timedelta(days=recent_days), window.end)
    return RepoSnapshot(
        paths=tuple(paths),
        files=files,
        oversized_files=tuple(oversized),
        commits_recent=len(recent),
        activity_window_days=recent_days,
        source="git",
        as_of=window.end,
    )


def _checks_runner(metric_id: str) -> Runner:
    async def run(src: DataSource, window: TimeWindow, params: Any, pol: Policies, loaded: LoadedMetricSpec) -> Outcome:
        snapshot = await snapshot_for(src, loaded, window)
        module = REGISTRY[metric_id]
        value = module.compute(snapshot=snapshot, checks=loaded.spec.checks)
        caveats = ["Files are read at the current head of the default branch; as_of applies to activity counts."]
        if src.kind == "git":
            caveats.append(
                "A local checkout shows files and commits only: reviews, issue activity, releases and their "
                "notes, branch protection and the community profile need the GitHub source; the checks that "
                "depend on them are inconclusive here."
            )
        return Outcome(value, caveats=caveats)

    return run


RUNNERS["security_practices"] = _checks_runner("security_practices")
RUNNERS["governance_transparency"] = _checks_runner("governance_transparency")

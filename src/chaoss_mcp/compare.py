"""Several repositories side by side under one metrics model, run concurrently within one time budget."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import anyio
from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp.budget import Budget, Call
from chaoss_mcp.errors import BadInputError, ChaossError
from chaoss_mcp.models_run import run_model
from chaoss_mcp.results import AttestationField, SpecRef
from chaoss_mcp.service import SourceChoice
from chaoss_mcp.state import AppState
from chaoss_mcp.window import parse_as_of

log = logging.getLogger(__name__)

MAX_REPOSITORIES = 10


class ComparisonRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    repo: str = Field(description="The repository as given")
    canonical: str | None = Field(description="Canonical owner/name or path; null when the row failed")
    status: Literal["ok", "inconclusive", "error"] = Field(
        description="`error` when the repository could not be assessed at all (see `error`)"
    )
    score: float | None = Field(description="The model's aggregate score (0-10)")
    band: str | None = Field(description="Band of the aggregate")
    coverage: float | None = Field(description="Share of the members' weight that could be scored")
    members: dict[str, float | None] = Field(description="Each member metric's score (null when inconclusive)")
    complete: bool = Field(description="False when the time budget or a limit cut this row's collection short")
    requests: int = Field(description="HTTP requests this row sent")
    error: str | None = Field(None, description="Why the row failed, when status is `error`")


class Comparison(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(description="Metrics model every row is scored with")
    as_of: date = Field(description="The date every row is computed as of")
    rows: list[ComparisonRow] = Field(description="One row per repository, in the order given")
    incomplete_rows: int = Field(description="Rows that are errors or were cut short")
    spec: SpecRef = Field(description="The model spec and its hash")
    elapsed_seconds: float = Field(description="Wall time for the whole comparison")
    caveats: list[str] = Field(description="Sentences the assistant should pass on")
    attestation: AttestationField = None


async def compare_projects(
    state: AppState,
    repos: Sequence[str],
    *,
    model: str,
    as_of: str | None,
    source: SourceChoice | None,
    roots: Sequence[Path] = (),
    progress: Callable[[str], Awaitable[None]] | None = None,
) -> Comparison:
    if not repos:
        raise BadInputError("Give at least one repository to compare.")
    if len(repos) > MAX_REPOSITORIES:
        raise BadInputError(f"Compare at most {MAX_REPOSITORIES} repositories at once; {len(repos)} were given.")
    if len(set(repos)) != len(repos):
        raise BadInputError("A repository appears twice in the list; give each once.")
    if model not in state.specs.models:
        known = ", ".join(sorted(state.specs.models)) or "none"
        raise BadInputError(f"Unknown model {model!r}; the loaded models are: {known}.")
    day = parse_as_of(as_of, datetime.now(UTC).date())
    budget = Budget(state.settings.time_budget)  # one budget shared by every row
    rows: list[ComparisonRow | None] = [None] * len(repos)
    done = 0

    async def one(index: int, repo: str) -> None:
        nonlocal done
        call = Call(budget=budget, progress=progress)
        try:
            result = await run_model(
                state, model, repo=repo, as_of=day.isoformat(), source=source, call=call, roots=roots
            )
        except ChaossError as exc:
            rows[index] = ComparisonRow(
                repo=repo,
                canonical=None,
                status="error",
                score=None,
                band=None,
                coverage=None,
                members={},
                complete=False,
                requests=call.stats.requests,
                error=str(exc),
            )
        else:
            scores: dict[str, float | None] = {m.metric: m.score for m in result.members}
            scores.update({e.metric: None for e in result.excluded if e.metric not in scores})
            rows[index] = ComparisonRow(
                repo=repo,
                canonical=result.repository.canonical,
                status=result.status,
                score=result.score,
                band=result.band,
                coverage=result.coverage,
                members=scores,
                complete=result.provenance.complete,
                requests=result.provenance.requests,
            )
        done += 1
        if progress is not None:
            await progress(f"{done} of {len(repos)} repositories assessed")

    async with anyio.create_task_group() as group:
        for index, repo in enumerate(repos):
            group.start_soon(one, index, repo)
    final = [row for row in rows if row is not None]
    incomplete = sum(1 for row in final if row.status == "error" or not row.complete)
    caveats = []
    if incomplete:
        caveats.append(
            f"{incomplete} of {len(final)} rows are incomplete (an error or a cut-short collection); "
            "compare them with care or call project_health on each."
        )
    return Comparison(
        model=model,
        as_of=day,
        rows=final,
        incomplete_rows=incomplete,
        spec=state.specs.spec_ref(model),
        elapsed_seconds=round(budget.elapsed(), 3),
        caveats=caveats,
    )

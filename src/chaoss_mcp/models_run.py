"""Running a metrics model (Starter Project Health first): members on one shared collection, one aggregate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp import scoring
from chaoss_mcp.budget import Call
from chaoss_mcp.errors import BadInputError
from chaoss_mcp.results import AttestationField, Provenance, RepositoryRef, SpecRef
from chaoss_mcp.service import MemberSummary, SourceChoice, headline, run_members
from chaoss_mcp.state import AppState
from chaoss_mcp.window import parse_as_of

Detail = Literal["summary", "full"]


class ExcludedMember(BaseModel):
    model_config = ConfigDict(extra="forbid")
    metric: str = Field(description="Member metric id")
    reason: str = Field(description="Why it could not be scored")


class ModelResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(description="Metrics model id, e.g. starter_project_health")
    title: str = Field(description="Model name")
    repository: RepositoryRef
    status: Literal["ok", "inconclusive"] = Field(description="`inconclusive` when too little could be scored")
    score: float | None = Field(description="Weighted mean (0-10) of the conclusive members' scores")
    band: str | None = Field(description="Band of the aggregate, from the model spec")
    reason: str = Field(description="One sentence on the aggregate, its threshold and what was left out")
    coverage: float = Field(description="Share of the members' weight that could be scored (0-1)")
    as_of: date = Field(description="The date the answer is computed as of")
    members: list[MemberSummary] = Field(description="Each member metric's score, band, reason and figures")
    excluded: list[ExcludedMember] = Field(description="Members left out of the aggregate, with the reason")
    spec: SpecRef = Field(description="The model spec (its members, weights and bands) and its hash")
    provenance: Provenance
    caveats: list[str] = Field(description="Sentences the assistant should pass on")
    details: list[dict[str, Any]] | None = Field(
        None, description="With detail='full': each member's complete result envelope"
    )
    attestation: AttestationField = None


async def run_model(
    state: AppState,
    model_id: str,
    *,
    repo: str,
    as_of: str | None,
    source: SourceChoice | None,
    call: Call,
    roots: Sequence[Path] = (),
    detail: Detail = "summary",
) -> ModelResult:
    loaded = state.specs.models.get(model_id)
    if loaded is None:
        known = ", ".join(sorted(state.specs.models)) or "none"
        raise BadInputError(f"Unknown model {model_id!r}; the loaded models are: {known}.")
    day = parse_as_of(as_of, datetime.now(UTC).date())
    fetched_at = datetime.now(UTC)
    weights = {m.metric: m.weight for m in loaded.spec.members}
    src, results, failed = await run_members(
        state, list(weights), repo=repo, as_of=day.isoformat(), source=source, call=call, roots=roots
    )
    scored: dict[str, scoring.Scored] = {
        r.metric: scoring.Scored(status=r.status, score=r.score, band=r.band, reason=r.reason) for r in results
    }
    for metric_id, why in failed:
        scored[metric_id] = scoring.Scored(status="inconclusive", score=None, band=None, reason=why)
    aggregate = scoring.score_model(loaded.spec, scored, as_of=day)
    members = [
        MemberSummary(
            metric=r.metric,
            title=r.title,
            weight=weights[r.metric],
            status=r.status,
            score=r.score,
            band=r.band,
            reason=r.reason,
            figures=headline(r.value, state.specs.metrics[r.metric]),
            window_days=r.window.days if r.window else 0,
            spec_sha256=r.spec.sha256,
            caveats=r.caveats,
        )
        for r in results
    ]
    caveats: list[str] = []
    for r in results:
        caveats.extend(c for c in r.caveats if c not in caveats and not c.startswith("The collection was cut short"))
    if not src.complete():
        caveats.insert(0, "The collection was cut short (time budget or limit); some figures cover only what was read.")
    return ModelResult(
        model=model_id,
        title=loaded.spec.name,
        repository=RepositoryRef(input=repo, canonical=await src.canonical(), source=src.kind),
        status=aggregate.status,
        score=aggregate.score,
        band=aggregate.band,
        reason=aggregate.reason,
        coverage=aggregate.coverage,
        as_of=day,
        members=members,
        excluded=[ExcludedMember(metric=e.metric, reason=e.reason) for e in aggregate.excluded],
        spec=state.specs.spec_ref(model_id),
        provenance=src.provenance(fetched_at),
        caveats=list(dict.fromkeys(caveats)),
        details=[r.model_dump(mode="json") for r in results] if detail == "full" else None,
    )

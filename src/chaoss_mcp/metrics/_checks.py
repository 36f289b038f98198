"""Shared shape of the two multi-check metrics (security practices, governance transparency)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp.checks import CheckResult
from chaoss_mcp.checks.snapshot import RepoSnapshot
from chaoss_mcp.scoring import score_checks
from chaoss_mcp.specs import CheckSpec


class Params(BaseModel):
    """These metrics keep their thresholds per check (``checks[].parameters``), none at the top."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class CheckSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Check id (OpenSSF Scorecard's name where there is one)")
    name: str = Field(description="Check name")
    risk: str = Field(description="Risk level from the spec: critical, high, medium or low")
    weight: float = Field(description="Weight in the aggregate")
    status: str = Field(description="ok, inconclusive or not_applicable")
    score: float | None = Field(description="0-10, null when inconclusive")
    evidence: list[str] = Field(description="Files, settings and counts the check looked at")
    reason: str = Field(description="One sentence explaining the score")
    remediation: str = Field(description="What to do to improve; empty when the score is perfect")
    reference: str | None = Field(description="The check's reference (Scorecard docs, CHAOSS page)")


class Value(BaseModel):
    model_config = ConfigDict(extra="forbid")

    aggregate: float | None = Field(description="Weighted mean (0-10) of the conclusive checks' scores")
    conclusive_checks: int = Field(description="Checks that could be decided from the data")
    inconclusive_checks: int = Field(description="Checks the data could not decide (left out of the aggregate)")
    checks: list[CheckSummary] = Field(description="Every check with score, evidence, reason and remediation")
    files_listed: int = Field(description="File paths seen at HEAD of the default branch")
    files_read: int = Field(description="Files whose contents were read")


Runner = Callable[[RepoSnapshot, Sequence[CheckSpec]], list[CheckResult]]


def compute(*, snapshot: RepoSnapshot, checks: Sequence[CheckSpec], run: Runner) -> Value:
    results = {r.id: r for r in run(snapshot, checks)}
    summaries: list[CheckSummary] = []
    for spec in checks:
        result = results[spec.id]
        summaries.append(
            CheckSummary(
                id=spec.id,
                name=spec.name,
                risk=spec.risk,
                weight=spec.weight,
                status=result.status,
                score=result.score,
                evidence=result.evidence,
                reason=result.reason,
                remediation=result.remediation,
                reference=spec.reference or spec.chaoss_url,
            )
        )
    conclusive = [s for s in summaries if s.status == "ok" and s.score is not None]
    return Value(
        aggregate=score_checks(checks, {s.id: s.score for s in conclusive}),
        conclusive_checks=len(conclusive),
        inconclusive_checks=len(summaries) - len(conclusive),
        checks=summaries,
        files_listed=len(snapshot.paths),
        files_read=len(snapshot.files),
    )


def sample(value: Value) -> dict[str, int]:
    return {
        "checks": len(value.checks),
        "conclusive_checks": value.conclusive_checks,
        "files_listed": value.files_listed,
        "files_read": value.files_read,
    }


def caveats(value: Value) -> list[str]:
    out = []
    undecided = [c.id for c in value.checks if c.status != "ok"]
    if undecided:
        out.append(f"Not decided from the available data, and left out of the aggregate: {', '.join(undecided)}.")
    return out

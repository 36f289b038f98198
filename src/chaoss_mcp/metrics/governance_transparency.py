"""Governance transparency: whether a newcomer can find how the project is run and decides.

Presence and substance of governance, conduct, contribution, ownership, templates, decision records,
changelog and funding files (and GitHub's community profile), each with evidence, aggregated by the
weights in the spec.
"""

from __future__ import annotations

from collections.abc import Sequence

from chaoss_mcp.checks.governance import governance_spec_problems, run_governance_checks
from chaoss_mcp.checks.snapshot import RepoSnapshot
from chaoss_mcp.metrics._checks import Params, Value, caveats, sample
from chaoss_mcp.metrics._checks import compute as _compute
from chaoss_mcp.specs import CheckSpec

ID = "governance_transparency"
__all__ = ["ID", "Params", "Value", "caveats", "check_problems", "compute", "definition", "sample"]


def compute(*, snapshot: RepoSnapshot, checks: Sequence[CheckSpec]) -> Value:
    return _compute(snapshot=snapshot, checks=checks, run=run_governance_checks)


def check_problems(checks: Sequence[CheckSpec]) -> list[str]:
    """Problems with the spec's ``checks`` (unknown ids or parameters), for validating specs at load time."""
    return governance_spec_problems(checks)


def definition(params: Params) -> dict[str, object]:
    return {
        "variant": "documented_governance_checks",
        "aggregate": "weighted mean of conclusive check scores; inconclusive checks excluded",
        "files": "at HEAD of the default branch",
    }

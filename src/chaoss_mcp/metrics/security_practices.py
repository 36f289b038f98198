"""Security practices: OpenSSF Scorecard-style checks from the repository's files and settings.

The aggregate is the weighted mean of the conclusive checks (weights by risk, from the spec), as
Scorecard's own aggregate; each check says what it saw and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence

from chaoss_mcp.checks.security import run_security_checks, security_spec_problems
from chaoss_mcp.checks.snapshot import RepoSnapshot
from chaoss_mcp.metrics._checks import Params, Value, caveats, sample
from chaoss_mcp.metrics._checks import compute as _compute
from chaoss_mcp.specs import CheckSpec

ID = "security_practices"
__all__ = ["ID", "Params", "Value", "caveats", "check_problems", "compute", "definition", "sample"]


def compute(*, snapshot: RepoSnapshot, checks: Sequence[CheckSpec]) -> Value:
    return _compute(snapshot=snapshot, checks=checks, run=run_security_checks)


def check_problems(checks: Sequence[CheckSpec]) -> list[str]:
    """Problems with the spec's ``checks`` (unknown ids or parameters), for validating specs at load time."""
    return security_spec_problems(checks)


def definition(params: Params) -> dict[str, object]:
    return {
        "variant": "scorecard_style_weighted_checks",
        "aggregate": "weighted mean of conclusive check scores; inconclusive checks excluded",
        "files": "at HEAD of the default branch",
    }

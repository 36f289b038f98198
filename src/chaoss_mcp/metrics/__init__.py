"""The explicit metric registry: every metric id, its module, and the Params model its spec must fit.

A test asserts that every spec names a registered metric and every registered metric has a spec.
"""

from __future__ import annotations

from types import ModuleType

from pydantic import BaseModel

from chaoss_mcp.metrics import (
    change_request_closure_ratio,
    contribution_activity,
    contributor_absence_factor,
    discussion_tone,
    governance_transparency,
    organizational_diversity,
    release_frequency,
    security_practices,
    time_to_first_response,
)

REGISTRY: dict[str, ModuleType] = {
    "time_to_first_response": time_to_first_response,
    "change_request_closure_ratio": change_request_closure_ratio,
    "contributor_absence_factor": contributor_absence_factor,
    "release_frequency": release_frequency,
    "contribution_activity": contribution_activity,
    "organizational_diversity": organizational_diversity,
    "discussion_tone": discussion_tone,
    "security_practices": security_practices,
    "governance_transparency": governance_transparency,
}


def params_models() -> dict[str, type[BaseModel]]:
    return {metric_id: module.Params for metric_id, module in REGISTRY.items()}

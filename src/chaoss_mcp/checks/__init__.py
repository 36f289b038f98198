"""Repository checks: security practices (OpenSSF Scorecard's checks) and governance transparency.

Each check is a pure function ``(snapshot, parameters) -> CheckResult`` over a ``RepoSnapshot`` (the files
at HEAD plus a few forge settings). Thresholds come from the ``checks[].parameters`` mapping of the
metric's YAML spec; the helpers below read them and raise ``SpecError`` naming the check and the key
when one is missing or has the wrong type, so no default hides in code.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp.errors import SpecError

CheckStatus = Literal["ok", "inconclusive", "not_applicable"]


class CheckResult(BaseModel):
    """The outcome of one check, shaped like a Scorecard check result plus a remediation sentence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Check id, e.g. Security-Policy (Scorecard's name where there is one)")
    score: float | None = Field(description="0-10; null unless status is ok")
    status: CheckStatus = Field(description="`inconclusive` when the source cannot tell; never a zero")
    evidence: list[str] = Field(description="What was looked at: paths, settings, counts")
    reason: str = Field(description="One sentence explaining the score")
    remediation: str = Field(description="One sentence on what to do; empty when the score is perfect")


class CheckSpecLike(Protocol):
    """What the runners need from a spec's ``checks`` entry (``specs.CheckSpec`` satisfies it)."""

    @property
    def id(self) -> str: ...

    @property
    def parameters(self) -> Mapping[str, object]: ...


def ok(check_id: str, score: float, evidence: list[str], reason: str, remediation: str = "") -> CheckResult:
    score = max(0.0, min(10.0, float(score)))
    return CheckResult(
        id=check_id,
        score=score,
        status="ok",
        evidence=evidence,
        reason=reason,
        remediation="" if score >= 10 else remediation,
    )


def inconclusive(check_id: str, evidence: list[str], reason: str, remediation: str = "") -> CheckResult:
    return CheckResult(
        id=check_id, score=None, status="inconclusive", evidence=evidence, reason=reason, remediation=remediation
    )


# --- parameters ---------------------------------------------------------------------------------------


def _missing(check_id: str, name: str, kind: str) -> SpecError:
    return SpecError(
        f"Check {check_id} needs the parameter {name!r} ({kind}) in its `parameters` mapping of the spec; "
        "add it to the check's entry in the YAML file."
    )


def _wrong(check_id: str, name: str, kind: str, value: object) -> SpecError:
    return SpecError(
        f"Check {check_id}: parameter {name!r} must be {kind}, got {value!r}; fix the check's entry in the YAML file."
    )


def int_param(params: Mapping[str, object], name: str, check_id: str, *, minimum: int = 0) -> int:
    if name not in params:
        raise _missing(check_id, name, "an integer")
    value = params[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _wrong(check_id, name, f"an integer >= {minimum}", value)
    return value


def number_param(
    params: Mapping[str, object], name: str, check_id: str, *, minimum: float = 0.0, maximum: float | None = None
) -> float:
    if name not in params:
        raise _missing(check_id, name, "a number")
    value = params[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong(check_id, name, "a number", value)
    if value < minimum or (maximum is not None and value > maximum):
        raise _wrong(check_id, name, f"a number in [{minimum}, {maximum}]", value)
    return float(value)


def bool_param(params: Mapping[str, object], name: str, check_id: str) -> bool:
    if name not in params:
        raise _missing(check_id, name, "true or false")
    value = params[name]
    if not isinstance(value, bool):
        raise _wrong(check_id, name, "true or false", value)
    return value


def str_list_param(params: Mapping[str, object], name: str, check_id: str) -> tuple[str, ...]:
    if name not in params:
        raise _missing(check_id, name, "a list of strings")
    value = params[name]
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise _wrong(check_id, name, "a list of strings", value)
    if not all(isinstance(item, str) and item for item in value):
        raise _wrong(check_id, name, "a list of non-empty strings", value)
    return tuple(value)


def int_list_param(params: Mapping[str, object], name: str, check_id: str, *, length: int) -> tuple[int, ...]:
    if name not in params:
        raise _missing(check_id, name, f"a list of {length} integers")
    value = params[name]
    if (
        not isinstance(value, list | tuple)
        or len(value) != length
        or not all(isinstance(item, int) and not isinstance(item, bool) and item >= 0 for item in value)
    ):
        raise _wrong(check_id, name, f"a list of {length} non-negative integers", value)
    return tuple(value)


def reject_unknown(params: Mapping[str, object], known: Collection[str], check_id: str) -> None:
    """A misspelt key would otherwise be ignored silently while the check reads nothing from it."""
    unknown = sorted(set(params) - set(known))
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise SpecError(f"Check {check_id}: unknown parameter(s) {', '.join(unknown)}; this check reads: {allowed}.")


def spec_problems(
    checks_spec: Sequence[CheckSpecLike],
    known: Mapping[str, Collection[str]],
    probe: Callable[[CheckSpecLike], object],
    kind: str,
) -> list[str]:
    """Every problem in a metric's ``checks`` list: unknown ids, unknown, missing or mistyped parameters.

    ``probe`` runs one check on an empty snapshot: each check reads all its parameters before looking
    at any data, so a missing or mistyped one raises ``SpecError`` naming the check and the key.
    """
    problems: list[str] = []
    for spec in checks_spec:
        if spec.id not in known:
            problems.append(f"Unknown {kind} check {spec.id!r} in the spec; known checks: {', '.join(known)}.")
            continue
        try:
            reject_unknown(spec.parameters, known[spec.id], spec.id)
            probe(spec)
        except SpecError as exc:
            problems.append(str(exc))
    return problems


def raise_for(problems: Sequence[str]) -> None:
    if problems:
        raise SpecError("\n".join(problems))


__all__ = [
    "CheckResult",
    "CheckSpecLike",
    "CheckStatus",
    "bool_param",
    "inconclusive",
    "int_list_param",
    "int_param",
    "number_param",
    "ok",
    "raise_for",
    "reject_unknown",
    "spec_problems",
    "str_list_param",
]

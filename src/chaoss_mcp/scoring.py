"""Scoring: a metric's figures against its YAML bands, and metrics against a model. Pure functions.

"Not enough data" is its own state (``inconclusive``, score ``None``), never a zero: a project with two
issues in a quarter has not earned a bad responsiveness score, it simply cannot be scored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp.errors import SpecError
from chaoss_mcp.specs import Band, CheckSpec, Direction, MetricSpec, ModelSpec

Status = Literal["ok", "inconclusive"]
_TWO_DECIMAL_UNITS = frozenset({"ratio", "share"})


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scored(_Result):
    status: Status = Field(description="`inconclusive` when there was not enough data to score")
    score: float | None = Field(None, ge=0, le=10, description="0-10 from the spec's band; null if inconclusive")
    band: str | None = Field(None, description="Label of the band the figure fell in")
    reason: str = Field(description="One sentence: the figure, the window and the threshold crossed")


class ExcludedMember(_Result):
    metric: str = Field(description="Member metric id")
    reason: str = Field(description="Why it could not be scored")


class ModelScored(_Result):
    status: Status = Field(description="`inconclusive` when too little of the model's weight could be scored")
    score: float | None = Field(None, ge=0, le=10, description="Weighted mean of the conclusive members")
    band: str | None = Field(None, description="Label of the model band the aggregate fell in")
    reason: str = Field(description="One sentence on the aggregate, the threshold and what was left out")
    coverage: float = Field(ge=0, le=1, description="Share of the members' total weight that was conclusive")
    included: list[str] = Field(default_factory=list, description="Member metrics in the aggregate")
    excluded: list[ExcludedMember] = Field(default_factory=list, description="Member metrics left out, with the reason")


# --------------------------------------------------------------------------------------------------


def resolve_path(value: BaseModel | Mapping[str, object], dotted: str) -> object:
    """Follow ``a.b.c`` through models and mappings. An absent intermediate (``None``) yields ``None``."""
    current: object = value
    for part in dotted.split("."):
        if current is None:
            return None
        if isinstance(current, BaseModel):
            cls = type(current)
            if part not in cls.model_fields and part not in cls.model_computed_fields:
                raise SpecError(
                    f"Spec path {dotted!r}: {cls.__name__} has no field {part!r} "
                    f"(fields: {', '.join(cls.model_fields)}); fix the spec's path."
                )
            current = getattr(current, part)
        elif isinstance(current, Mapping):
            if part not in current:
                raise SpecError(f"Spec path {dotted!r}: no key {part!r} in the value; fix the spec's path.")
            current = current[part]
        else:
            raise SpecError(
                f"Spec path {dotted!r}: cannot look up {part!r} in a {type(current).__name__}; fix the spec's path."
            )
    return current


def _number(figure: object, dotted: str) -> float:
    # bool is an int subclass but never a meaningful figure to band.
    if isinstance(figure, bool) or not isinstance(figure, int | float):
        raise SpecError(f"Spec path {dotted!r} leads to {figure!r}, not a number; fix the spec's path.")
    return float(figure)


def _fmt(number: float, unit: str | None = None, decimals: int | None = None) -> str:
    """Readable numbers: ints as ints, ratios with 2 decimals, other floats with 1 (2 below 1)."""
    if unit in _TWO_DECIMAL_UNITS:
        return f"{number:.{decimals or 2}f}"
    if float(number).is_integer():
        return str(int(number))
    places = decimals if decimals is not None else (1 if abs(number) >= 1 else 2)
    text = f"{number:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _fmt_distinct(number: float, unit: str, thresholds: Sequence[float]) -> str:
    """Format ``number``, adding decimals when rounding would make it read as equal to a threshold."""
    text = _fmt(number, unit)
    for extra in range(1, 4):
        clash = any(text == _fmt(t, unit) and not math.isclose(number, t) for t in thresholds)
        if not clash:
            break
        base = 2 if unit in _TWO_DECIMAL_UNITS else (1 if abs(number) >= 1 else 2)
        text = _fmt(number, unit, decimals=base + extra)
    return text


def _pick_band(bands: Sequence[Band], direction: Direction, figure: float) -> int:
    for i, band in enumerate(bands[:-1]):
        if direction == "lower_is_better" and band.up_to is not None and figure <= band.up_to:
            return i
        if direction == "higher_is_better" and band.at_least is not None and figure >= band.at_least:
            return i
    return len(bands) - 1


def _thresholds(bands: Sequence[Band], index: int) -> tuple[float | None, float | None]:
    threshold = bands[index].threshold
    prev = bands[index - 1].threshold if index > 0 else None
    return threshold, prev


def _span(window_days: int | None, as_of: date) -> str:
    return f"in the {window_days} days to {as_of.isoformat()}" if window_days else f"as of {as_of.isoformat()}"


def _inconclusive(reason: str) -> Scored:
    return Scored(status="inconclusive", score=None, band=None, reason=reason)


def score_metric(
    spec: MetricSpec,
    value: BaseModel | None,
    *,
    window_days: int | None,
    as_of: date,
    inconclusive_reason: str | None = None,
) -> Scored:
    """Band the spec's ``score_on`` figure; inconclusive (never zero) when data is missing or too thin."""
    if window_days is None:
        default_days = spec.parameters.get("window_days")
        window_days = default_days if isinstance(default_days, int) else None
    span = _span(window_days, as_of)
    if inconclusive_reason:
        return _inconclusive(inconclusive_reason)
    if value is None:
        return _inconclusive(f"Not enough data: no {spec.name} figures could be computed {span}.")
    sample: int | None = None
    if spec.min_sample is not None:
        raw = resolve_path(value, spec.min_sample.path)
        sample = 0 if raw is None else int(_number(raw, spec.min_sample.path))
        if sample < spec.min_sample.at_least:
            noun = spec.min_sample.label or spec.min_sample.path.rsplit(".", 1)[-1].replace("_", " ")
            return _inconclusive(
                f"Not enough data: {sample} {noun} {span}, fewer than the {spec.min_sample.at_least} the spec requires."
            )
    raw_figure = resolve_path(value, spec.score_on)
    if raw_figure is None:
        return _inconclusive(f"Not enough data: {spec.name} has no figure ({spec.score_on}) {span}.")
    figure = _number(raw_figure, spec.score_on)
    bands = spec.scoring.bands
    index = _pick_band(bands, spec.direction, figure)
    band = bands[index]
    threshold, prev = _thresholds(bands, index)
    all_thresholds = [t for t in (b.threshold for b in bands) if t is not None]
    reason = band.interpretation.format(
        value=_fmt_distinct(figure, spec.unit, all_thresholds),
        unit=spec.unit,
        threshold="" if threshold is None else _fmt(threshold, spec.unit),
        prev_threshold="" if prev is None else _fmt(prev, spec.unit),
        window_days="" if window_days is None else str(window_days),
        as_of=as_of.isoformat(),
        label=band.label,
        sample="" if sample is None else str(sample),
    )
    return Scored(status="ok", score=band.score, band=band.label, reason=reason)


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def score_model(model: ModelSpec, members: Mapping[str, Scored], *, as_of: date) -> ModelScored:
    """Weighted mean of the conclusive members; inconclusive below the model's ``min_coverage``."""
    total = sum(m.weight for m in model.members)
    included: list[str] = []
    excluded: list[ExcludedMember] = []
    weighted = 0.0
    conclusive_weight = 0.0
    for member in model.members:
        scored = members.get(member.metric)
        if scored is None:
            excluded.append(ExcludedMember(metric=member.metric, reason="Not computed for this answer."))
        elif scored.status != "ok" or scored.score is None:
            excluded.append(ExcludedMember(metric=member.metric, reason=scored.reason))
        else:
            included.append(member.metric)
            weighted += scored.score * member.weight
            conclusive_weight += member.weight
    coverage = conclusive_weight / total if total else 0.0
    left_out = f" Not scored: {', '.join(e.metric for e in excluded)}." if excluded else ""
    if conclusive_weight == 0 or coverage < model.min_coverage:
        return ModelScored(
            status="inconclusive",
            score=None,
            band=None,
            reason=(
                f"Not enough data: {len(included)} of {len(model.members)} member metrics could be scored "
                f"as of {as_of.isoformat()} ({_pct(coverage)} of the weight), below the "
                f"{_pct(model.min_coverage)} the model requires.{left_out}"
            ),
            coverage=coverage,
            included=included,
            excluded=excluded,
        )
    # One decimal, as Scorecard prints its aggregate; the band is read from the number shown.
    aggregate = round(weighted / conclusive_weight, 1)
    bands = model.scoring.bands
    index = _pick_band(bands, "higher_is_better", aggregate)
    threshold, prev = _thresholds(bands, index)
    reason = bands[index].interpretation.format(
        value=f"{aggregate:.1f}",
        threshold="" if threshold is None else _fmt(threshold),
        prev_threshold="" if prev is None else _fmt(prev),
        as_of=as_of.isoformat(),
        label=bands[index].label,
        coverage=_pct(coverage),
    )
    if excluded:
        reason += left_out
    return ModelScored(
        status="ok",
        score=aggregate,
        band=bands[index].label,
        reason=reason,
        coverage=coverage,
        included=included,
        excluded=excluded,
    )


def score_checks(checks: Sequence[CheckSpec], scores: Mapping[str, float | None]) -> float | None:
    """Scorecard-style aggregate: weighted mean of the conclusive check scores (0-10), one decimal.

    A check that is missing from ``scores`` or is ``None`` is inconclusive and left out of both sums;
    ``None`` when no check is conclusive.
    """
    weighted = 0.0
    weight = 0.0
    for check in checks:
        score = scores.get(check.id)
        if score is None:
            continue
        if not 0 <= score <= 10:
            raise ValueError(f"check {check.id!r} scored {score}, outside 0-10")
        weighted += score * check.weight
        weight += check.weight
    if weight == 0:
        return None
    return round(weighted / weight, 1)

"""Scoring figures against YAML bands, models against their members, and Scorecard-style check sets."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from chaoss_mcp.errors import SpecError
from chaoss_mcp.scoring import Scored, resolve_path, score_checks, score_metric, score_model
from chaoss_mcp.specs import CheckSpec, MetricSpec, ModelSpec, load_specs

AS_OF = date(2026, 6, 30)


def band(label: str, score: float, text: str, **threshold: float) -> dict[str, Any]:
    return {"label": label, "score": score, "interpretation": text, **threshold}


def metric_spec(direction: str, bands: list[dict[str, Any]], unit: str = "hours", **extra: Any) -> MetricSpec:
    data: dict[str, Any] = {
        "id": "thing",
        "name": "Thing",
        "version": "1.0.0",
        "question": "How much?",
        "description": "A test metric.",
        "category": "responsiveness",
        "unit": unit,
        "direction": direction,
        "definition": {"variant": "test", "description": "Test variant."},
        "parameters": {"window_days": 90},
        "score_on": "stats.figure",
        "min_sample": {"path": "stats.n", "at_least": 5, "label": "responded items"},
        "scoring": {"bands": bands},
        "references": [{"title": "Test", "url": "https://example.org"}],
    }
    data.update(extra)
    return MetricSpec.model_validate(data)


LOWER = metric_spec(
    "lower_is_better",
    [
        band("excellent", 10, "{value} {unit} in {window_days} days to {as_of}, within {threshold}.", up_to=48),
        band("good", 7, "{value} {unit} to {as_of}, over {prev_threshold}, within {threshold}.", up_to=168),
        band("slow", 3, "{value} {unit} to {as_of}, over {prev_threshold}, within {threshold}.", up_to=720),
        band("unresponsive", 0, "{value} {unit} to {as_of}, above {prev_threshold}."),
    ],
)
HIGHER = metric_spec(
    "higher_is_better",
    [
        band("keeping_up", 10, "{value} to {as_of}, at or above {threshold}.", at_least=0.8),
        band("mostly", 7, "{value} to {as_of}, at least {threshold}.", at_least=0.5),
        band("behind", 3, "{value} to {as_of}, at least {threshold}.", at_least=0.25),
        band("backlogged", 0, "{value} to {as_of}, below {prev_threshold}."),
    ],
    unit="ratio",
)


def value(figure: float | None, n: int = 10) -> dict[str, Any]:
    return {"stats": {"figure": figure, "n": n}}


@pytest.mark.parametrize(
    ("figure", "label", "score"),
    [
        (0.5, "excellent", 10),
        (48, "excellent", 10),  # exactly at the threshold: the better band (value <= up_to)
        (48.01, "good", 7),
        (168, "good", 7),
        (719.9, "slow", 3),
        (720, "slow", 3),
        (720.5, "unresponsive", 0),
        (10_000, "unresponsive", 0),
    ],
)
def test_lower_is_better_bands_include_their_upper_edge(figure: float, label: str, score: float) -> None:
    scored = score_metric(LOWER, value(figure), window_days=90, as_of=AS_OF)
    assert (scored.status, scored.band, scored.score) == ("ok", label, score)


@pytest.mark.parametrize(
    ("figure", "label", "score"),
    [
        (1.0, "keeping_up", 10),
        (0.8, "keeping_up", 10),  # exactly at the threshold: the better band (value >= at_least)
        (0.79, "mostly", 7),
        (0.5, "mostly", 7),
        (0.25, "behind", 3),
        (0.2499, "backlogged", 0),
        (0.0, "backlogged", 0),
    ],
)
def test_higher_is_better_bands_include_their_lower_edge(figure: float, label: str, score: float) -> None:
    scored = score_metric(HIGHER, value(figure), window_days=90, as_of=AS_OF)
    assert (scored.status, scored.band, scored.score) == ("ok", label, score)


def test_reason_states_the_figure_the_window_and_the_threshold() -> None:
    scored = score_metric(LOWER, value(31.46), window_days=90, as_of=AS_OF)
    assert scored.reason == "31.5 hours in 90 days to 2026-06-30, within 48."
    worst = score_metric(LOWER, value(800.0), window_days=90, as_of=AS_OF)
    assert worst.reason == "800 hours to 2026-06-30, above 720."


def test_ratios_are_shown_with_two_decimals() -> None:
    scored = score_metric(HIGHER, value(0.6234), window_days=90, as_of=AS_OF)
    assert scored.reason == "0.62 to 2026-06-30, at least 0.50."


def test_a_figure_that_rounds_onto_a_threshold_keeps_enough_decimals_to_differ() -> None:
    scored = score_metric(LOWER, value(48.04), window_days=90, as_of=AS_OF)
    assert scored.band == "good"
    assert scored.reason.startswith("48.04 hours")


@pytest.mark.parametrize(
    ("val", "kwargs", "reason"),
    [
        (
            value(2.0, n=3),
            {},
            "Not enough data: 3 responded items in the 90 days to 2026-06-30, fewer than the 5 the spec requires.",
        ),
        (
            value(None, n=12),
            {},
            "Not enough data: Thing has no figure (stats.figure) in the 90 days to 2026-06-30.",
        ),
        (None, {}, "Not enough data: no Thing figures could be computed in the 90 days to 2026-06-30."),
        (
            value(2.0),
            {"inconclusive_reason": "The time budget ran out before any comments were read."},
            "The time budget ran out before any comments were read.",
        ),
        ({"stats": None}, {}, "Not enough data: 0 responded items in the 90 days to 2026-06-30, fewer than the 5"),
    ],
)
def test_thin_or_missing_data_is_inconclusive_never_zero(val: Any, kwargs: dict[str, Any], reason: str) -> None:
    scored = score_metric(LOWER, val, window_days=90, as_of=AS_OF, **kwargs)
    assert scored.status == "inconclusive"
    assert scored.score is None and scored.band is None
    assert scored.reason.startswith(reason)


def test_the_sample_minimum_itself_is_enough() -> None:
    assert score_metric(LOWER, value(2.0, n=5), window_days=90, as_of=AS_OF).status == "ok"


def test_window_defaults_to_the_spec_parameter_and_point_in_time_reads_as_of() -> None:
    scored = score_metric(LOWER, value(2.0, n=3), window_days=None, as_of=AS_OF)
    assert "in the 90 days to 2026-06-30" in scored.reason
    no_window = metric_spec("lower_is_better", LOWER.model_dump()["scoring"]["bands"], parameters={})
    # The bands use {window_days}; validation of real files forbids that without parameters.window_days,
    # but the scorer must still not crash.
    scored = score_metric(no_window, value(None), window_days=None, as_of=AS_OF)
    assert scored.reason == "Not enough data: Thing has no figure (stats.figure) as of 2026-06-30."


class Stats(BaseModel):
    figure: float | None
    n: int


class Value(BaseModel):
    stats: Stats


def test_resolve_path_walks_models_and_mappings() -> None:
    model_value = Value(stats=Stats(figure=3.5, n=7))
    assert resolve_path(model_value, "stats.figure") == 3.5
    assert resolve_path({"a": {"b": 2}}, "a.b") == 2
    assert resolve_path({"a": None}, "a.b") is None
    scored = score_metric(LOWER, model_value, window_days=90, as_of=AS_OF)
    assert scored.band == "excellent"


@pytest.mark.parametrize(
    ("val", "path", "message"),
    [
        (Value(stats=Stats(figure=1, n=1)), "stats.median", "Stats has no field 'median'"),
        ({"a": 1}, "b", "no key 'b'"),
        ({"a": 1}, "a.b", "cannot look up 'b' in a int"),
    ],
)
def test_a_wrong_spec_path_is_a_spec_error(val: Any, path: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        resolve_path(val, path)


def test_a_non_numeric_figure_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="not a number"):
        score_metric(LOWER, {"stats": {"figure": "fast", "n": 9}}, window_days=90, as_of=AS_OF)


# --- built-in specs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric_id", "val", "band"),
    [
        ("time_to_first_response", {"all": {"median_hours": 30.0, "responded": 40}}, "excellent"),
        ("time_to_first_response", {"all": {"median_hours": 300.0, "responded": 40}}, "slow"),
        ("change_request_closure_ratio", {"ratio": 0.8, "open_during_window": 50}, "keeping_up"),
        ("contributor_absence_factor", {"factor": 1, "commits": 200}, "single_point_of_failure"),
        ("release_frequency", {"releases": 4}, "regular"),
        ("release_frequency", {"releases": 0}, "none"),
        ("contribution_activity", {"active_contributors": 6}, "healthy"),
        ("organizational_diversity", {"elephant_factor": 3, "commits": 100}, "diverse"),
        ("discussion_tone", {"mean_compound": -0.2, "comments": 50}, "negative"),
        ("security_practices", {"aggregate": 8.0, "conclusive_checks": 9}, "strong"),
        ("governance_transparency", {"aggregate": 3.9, "conclusive_checks": 10}, "undocumented"),
    ],
)
def test_builtin_specs_band_typical_values(metric_id: str, val: dict[str, Any], band: str) -> None:
    spec = load_specs().metrics[metric_id].spec
    scored = score_metric(spec, val, window_days=None, as_of=AS_OF)
    assert (scored.status, scored.band) == ("ok", band)
    assert "2026-06-30" in scored.reason


# --- models ------------------------------------------------------------------------------------------


def model_spec(min_coverage: float = 0.5, weights: tuple[float, ...] = (1, 1, 1, 1)) -> ModelSpec:
    return ModelSpec.model_validate(
        {
            "id": "starter",
            "name": "Starter",
            "version": "1.0.0",
            "description": "Test model.",
            "members": [{"metric": m, "weight": w} for m, w in zip("abcd", weights, strict=True)],
            "aggregate": "weighted_mean_of_conclusive",
            "min_coverage": min_coverage,
            "scoring": {
                "bands": [
                    band("healthy", 10, "{value} as of {as_of}, at or above {threshold} ({coverage}).", at_least=8),
                    band("fair", 7, "{value} as of {as_of}, at least {threshold}.", at_least=6),
                    band("at_risk", 4, "{value} as of {as_of}, at least {threshold}.", at_least=4),
                    band("unhealthy", 0, "{value} as of {as_of}, below {prev_threshold}."),
                ]
            },
        }
    )


def ok(score: float) -> Scored:
    return Scored(status="ok", score=score, band="x", reason="fine")


def thin(reason: str = "Not enough data: 2 items.") -> Scored:
    return Scored(status="inconclusive", score=None, band=None, reason=reason)


def test_model_is_the_weighted_mean_of_conclusive_members() -> None:
    scored = score_model(
        model_spec(weights=(2, 1, 1, 0.5)), {"a": ok(10), "b": ok(7), "c": ok(4), "d": ok(0)}, as_of=AS_OF
    )
    assert scored.status == "ok"
    assert scored.score == round((20 + 7 + 4 + 0) / 4.5, 1)
    assert scored.band == "fair"
    assert scored.coverage == 1.0
    assert scored.included == ["a", "b", "c", "d"] and scored.excluded == []


def test_an_inconclusive_member_is_excluded_and_listed_not_counted_as_zero() -> None:
    scored = score_model(model_spec(), {"a": ok(10), "b": ok(8), "c": thin(), "d": ok(6)}, as_of=AS_OF)
    assert scored.status == "ok"
    assert scored.score == 8.0 and scored.band == "healthy"
    assert scored.coverage == 0.75
    assert [(e.metric, e.reason) for e in scored.excluded] == [("c", "Not enough data: 2 items.")]
    assert scored.reason == "8.0 as of 2026-06-30, at or above 8 (75%). Not scored: c."


def test_a_member_missing_from_the_answers_is_excluded() -> None:
    scored = score_model(model_spec(), {"a": ok(10), "b": ok(10), "c": ok(10)}, as_of=AS_OF)
    assert [e.metric for e in scored.excluded] == ["d"]
    assert scored.coverage == 0.75


def test_exactly_the_minimum_coverage_is_enough() -> None:
    scored = score_model(model_spec(min_coverage=0.5), {"a": ok(5), "b": ok(5), "c": thin(), "d": thin()}, as_of=AS_OF)
    assert scored.status == "ok" and scored.coverage == 0.5


def test_below_minimum_coverage_the_model_is_inconclusive_with_the_reason() -> None:
    scored = score_model(model_spec(), {"a": ok(10), "b": thin(), "c": thin(), "d": thin()}, as_of=AS_OF)
    assert scored.status == "inconclusive"
    assert scored.score is None and scored.band is None
    assert scored.coverage == 0.25
    assert scored.included == ["a"]
    assert scored.reason == (
        "Not enough data: 1 of 4 member metrics could be scored as of 2026-06-30 (25% of the weight), "
        "below the 50% the model requires. Not scored: b, c, d."
    )


def test_no_conclusive_member_is_inconclusive_even_with_zero_minimum_coverage() -> None:
    scored = score_model(model_spec(min_coverage=0), {m: thin() for m in "abcd"}, as_of=AS_OF)
    assert scored.status == "inconclusive" and scored.coverage == 0


def test_builtin_starter_model_scores_from_builtin_member_results() -> None:
    specs = load_specs()
    members = {
        "time_to_first_response": score_metric(
            specs.metrics["time_to_first_response"].spec,
            {"all": {"median_hours": 20.0, "responded": 30}},
            window_days=90,
            as_of=AS_OF,
        ),
        "change_request_closure_ratio": score_metric(
            specs.metrics["change_request_closure_ratio"].spec,
            {"ratio": 0.6, "open_during_window": 3},
            window_days=90,
            as_of=AS_OF,
        ),
        "contributor_absence_factor": score_metric(
            specs.metrics["contributor_absence_factor"].spec, {"factor": 3, "commits": 80}, window_days=365, as_of=AS_OF
        ),
        "release_frequency": score_metric(
            specs.metrics["release_frequency"].spec, {"releases": 13}, window_days=365, as_of=AS_OF
        ),
    }
    scored = score_model(specs.models["starter_project_health"].spec, members, as_of=AS_OF)
    assert scored.status == "ok"
    assert scored.score == 9.0  # (10 + 7 + 10) / 3; the closure ratio had too few pull requests
    assert [e.metric for e in scored.excluded] == ["change_request_closure_ratio"]


# --- check sets --------------------------------------------------------------------------------------


def check(check_id: str, risk: str, weight: float) -> CheckSpec:
    return CheckSpec(
        id=check_id,
        name=check_id,
        risk=risk,
        weight=weight,
        description="d",
        remediation="r",  # type: ignore[arg-type]
    )


CHECKS = [check("Dangerous-Workflow", "critical", 10), check("Maintained", "high", 7.5), check("License", "low", 2.5)]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"Dangerous-Workflow": 10, "Maintained": 10, "License": 10}, 10.0),
        ({"Dangerous-Workflow": 0, "Maintained": 10, "License": 10}, round(100 / 20, 1)),
        # Inconclusive (None) and missing checks leave both sums, as in Scorecard's aggregate.
        ({"Dangerous-Workflow": None, "Maintained": 4, "License": 10}, round((30 + 25) / 10, 1)),
        ({"Maintained": 4}, 4.0),
        ({"Dangerous-Workflow": None}, None),
        ({}, None),
    ],
)
def test_check_aggregate_is_the_weighted_mean_of_conclusive_checks(
    scores: dict[str, float | None], expected: float | None
) -> None:
    assert score_checks(CHECKS, scores) == expected


def test_a_check_score_outside_zero_to_ten_is_refused() -> None:
    with pytest.raises(ValueError, match="outside 0-10"):
        score_checks(CHECKS, {"License": 11})

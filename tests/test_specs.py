"""Loading and validating the YAML criteria: built-ins, user overrides, identity files, fingerprints."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ConfigDict

from chaoss_mcp.errors import SpecError
from chaoss_mcp.records import Actor
from chaoss_mcp.specs import (
    SpecSet,
    builtin_specs_dir,
    canonical_sha256,
    describe,
    load_specs,
    validate_dir,
)

BUILTIN_METRICS = {
    "time_to_first_response",
    "change_request_closure_ratio",
    "contributor_absence_factor",
    "release_frequency",
    "contribution_activity",
    "organizational_diversity",
    "discussion_tone",
    "security_practices",
    "governance_transparency",
}


def builtin_data(kind: str, spec_id: str) -> dict[str, Any]:
    data = yaml.safe_load((builtin_specs_dir() / kind / f"{spec_id}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write(root: Path, rel: str, content: dict[str, Any] | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def spec_error(user_dir: Path, **kwargs: Any) -> str:
    with pytest.raises(SpecError) as info:
        load_specs([user_dir], **kwargs)
    return str(info.value)


class AnyParams(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- built-ins ---------------------------------------------------------------------------------------


def test_builtin_specs_directory_is_the_checkout_metrics_specs() -> None:
    assert builtin_specs_dir() == Path(__file__).resolve().parents[1] / "metrics_specs"


def test_builtin_specs_load_without_problems() -> None:
    specs = load_specs()
    assert set(specs.metrics) == BUILTIN_METRICS
    assert set(specs.models) == {"starter_project_health"}
    assert {f.kind for f in specs.identity_files} == {"bots", "ai_agents", "affiliations"}
    assert all(m.origin == "built-in" for m in specs.metrics.values())


def test_builtin_parameters_validate_against_the_metric_params_models_that_exist() -> None:
    params_models: dict[str, type[BaseModel]] = {}
    for metric_id in BUILTIN_METRICS:
        try:
            module = importlib.import_module(f"chaoss_mcp.metrics.{metric_id}")
        except ImportError:
            params_models[metric_id] = AnyParams  # that metric's module is not written yet
            continue
        params_models[metric_id] = module.Params
    specs = load_specs(params_models=params_models)
    assert specs.metrics["time_to_first_response"].params is not None


def test_validate_dir_of_the_builtins_reports_nothing() -> None:
    assert validate_dir(builtin_specs_dir()) == []


def test_starter_model_members_are_the_four_chaoss_metrics_with_equal_weights() -> None:
    model = load_specs().models["starter_project_health"].spec
    assert [m.metric for m in model.members] == [
        "time_to_first_response",
        "change_request_closure_ratio",
        "contributor_absence_factor",
        "release_frequency",
    ]
    assert {m.weight for m in model.members} == {1}
    assert model.min_coverage == 0.5


def test_every_builtin_metric_cites_at_least_one_reference() -> None:
    for loaded in load_specs().metrics.values():
        assert loaded.spec.references, loaded.spec.id


def test_security_checks_use_scorecard_risk_weights() -> None:
    weights = {"critical": 10, "high": 7.5, "medium": 5, "low": 2.5}
    checks = load_specs().metrics["security_practices"].spec.checks
    assert {c.id for c in checks} >= {"Dangerous-Workflow", "Code-Review", "Maintained", "Security-Policy"}
    for check in checks:
        assert check.weight == weights[check.risk], check.id


# --- broken specs ------------------------------------------------------------------------------------


def test_every_problem_in_every_file_is_reported_with_file_and_field(tmp_path: Path) -> None:
    ttfr = builtin_data("metrics", "time_to_first_response")

    unknown_key = builtin_data("metrics", "time_to_first_response")
    unknown_key["scoring"]["bands"][0]["colour"] = "green"
    write(tmp_path, "metrics/time_to_first_response.yaml", unknown_key)

    wrong_type = builtin_data("metrics", "change_request_closure_ratio")
    wrong_type["min_sample"]["at_least"] = "five"
    write(tmp_path, "metrics/change_request_closure_ratio.yaml", wrong_type)

    out_of_order = builtin_data("metrics", "release_frequency")
    out_of_order["id"] = "slow_thing"
    out_of_order["direction"] = "lower_is_better"
    out_of_order["unit"] = "hours"
    bands = ttfr["scoring"]["bands"]
    bands[2]["up_to"] = 48
    out_of_order["scoring"]["bands"] = bands
    write(tmp_path, "metrics/slow_thing.yaml", out_of_order)

    wrong_id = builtin_data("metrics", "discussion_tone")
    write(tmp_path, "metrics/tone.yaml", wrong_id)

    write(tmp_path, "metrics/broken.yaml", "id: broken\nname: [unclosed\n")

    model = builtin_data("models", "starter_project_health")
    model["members"].append({"metric": "no_such_metric", "weight": 1})
    write(tmp_path, "models/starter_project_health.yaml", model)

    message = spec_error(tmp_path)
    lines = message.splitlines()
    assert len(lines) >= 6
    expected = [
        ("time_to_first_response.yaml: scoring.bands[0].colour: unknown key"),
        ("change_request_closure_ratio.yaml: min_sample.at_least: Input should be a valid integer"),
        (
            "slow_thing.yaml: scoring.bands[2].up_to: thresholds must increase from best to worst band "
            "(got 48 after 168)"
        ),
        "tone.yaml: id: must equal the file name 'tone' (got 'discussion_tone')",
        "broken.yaml: line 3, column 1: YAML syntax error",
        "starter_project_health.yaml: members[4].metric: no metric spec named 'no_such_metric'",
    ]
    for fragment in expected:
        assert any(fragment in line for line in lines), (fragment, message)
    # The user file's real path is named, so the user can open it.
    assert str(tmp_path) in message


def test_a_missing_user_directory_is_an_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    message = spec_error(missing)
    assert str(missing) in message
    assert "does not exist" in message


def test_a_user_directory_without_spec_folders_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "time_to_first_response.yaml", builtin_data("metrics", "time_to_first_response"))
    assert "contains no metrics/, models/ or identities/ folder" in spec_error(tmp_path)


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (
            lambda d: d["scoring"]["bands"][0].update(interpretation="Fast: {valeu} by {as_of}, {threshold}."),
            "scoring.bands[0].interpretation: unknown placeholder {valeu}",
        ),
        (
            lambda d: d["scoring"]["bands"][0].update(interpretation="Fast by {as_of} under {threshold}."),
            "scoring.bands[0].interpretation: must state the figure: use {value}",
        ),
        (
            lambda d: d["scoring"]["bands"][-1].update(up_to=9999),
            "scoring.bands[3].up_to: the last band is the catch-all and takes no threshold",
        ),
        (
            lambda d: d["scoring"]["bands"][0].update(at_least=1),
            "scoring.bands[0].at_least: a lower_is_better metric uses `up_to` thresholds",
        ),
        (
            lambda d: d["scoring"]["bands"][1].update(score=10.5),
            "scoring.bands[1].score: Input should be less than or equal to 10",
        ),
        (
            lambda d: d["scoring"]["bands"][3].update(score=5),
            "scoring.bands[3].score: scores must not increase from best to worst band (got 5 after 3)",
        ),
        (lambda d: d.update(direction="sideways"), "direction: Input should be 'lower_is_better'"),
        (lambda d: d.update(version=1.0), "version: Input should be a valid string"),
        (lambda d: d.pop("score_on"), "score_on: required key is missing"),
    ],
)
def test_a_broken_metric_field_is_named(tmp_path: Path, mutate: Any, fragment: str) -> None:
    data = builtin_data("metrics", "time_to_first_response")
    mutate(data)
    write(tmp_path, "metrics/time_to_first_response.yaml", data)
    message = spec_error(tmp_path)
    assert f"{tmp_path / 'metrics' / 'time_to_first_response.yaml'}: {fragment}" in message, message


def test_duplicate_yaml_keys_are_rejected_with_their_line(tmp_path: Path) -> None:
    text = (builtin_specs_dir() / "metrics" / "time_to_first_response.yaml").read_text(encoding="utf-8")
    write(tmp_path, "metrics/time_to_first_response.yaml", text + "unit: days\n")
    message = spec_error(tmp_path)
    assert "time_to_first_response.yaml: line" in message
    assert "duplicate key 'unit'" in message


def test_invalid_identity_regex_and_unknown_identity_file_are_named(tmp_path: Path) -> None:
    write(tmp_path, "identities/bots.yaml", {"login_patterns": ["ok-bot$", "(unclosed"]})
    write(tmp_path, "identities/humans.yaml", {"accounts": ["me"]})
    write(tmp_path, "identities/affiliations.yaml", {"domains": {"gmail.com": "Google"}})
    message = spec_error(tmp_path)
    assert "bots.yaml: login_patterns[1]: invalid regular expression '(unclosed'" in message
    assert "humans.yaml: unknown identity file" in message
    assert "affiliations.yaml: domains.gmail.com: is also a generic domain" in message


def test_parameters_are_validated_against_the_metric_params_model(tmp_path: Path) -> None:
    class TtfrParams(BaseModel):
        model_config = ConfigDict(extra="forbid")
        window_days: int
        response_events: list[str]
        exclude_author: bool
        exclude_bots: bool

    registry: dict[str, type[BaseModel]] = dict.fromkeys(BUILTIN_METRICS, AnyParams)
    registry["time_to_first_response"] = TtfrParams
    data = builtin_data("metrics", "time_to_first_response")
    data["parameters"]["window_days"] = "ninety"
    data["parameters"]["exclude_robots"] = True
    write(tmp_path, "metrics/time_to_first_response.yaml", data)
    message = spec_error(tmp_path, params_models=registry)
    assert "time_to_first_response.yaml: parameters.window_days: Input should be a valid integer" in message
    assert "time_to_first_response.yaml: parameters.exclude_robots: unknown key" in message


def test_specs_and_registered_metrics_must_match_both_ways() -> None:
    registry: dict[str, type[BaseModel]] = dict.fromkeys(BUILTIN_METRICS - {"discussion_tone"}, AnyParams)
    registry["bus_factor"] = AnyParams
    with pytest.raises(SpecError) as info:
        load_specs(params_models=registry)
    message = str(info.value)
    assert "metrics_specs/metrics/discussion_tone.yaml: id: no metric named 'discussion_tone' is registered" in message
    assert "metric 'bus_factor' is registered but has no spec file bus_factor.yaml" in message


def test_validate_dir_returns_problem_lines_and_lets_user_models_use_builtin_metrics(tmp_path: Path) -> None:
    model = builtin_data("models", "starter_project_health")
    model["id"] = "responsiveness_only"
    model["members"] = [{"metric": "time_to_first_response", "weight": 2}]
    write(tmp_path, "models/responsiveness_only.yaml", model)
    assert validate_dir(tmp_path) == []

    model["members"][0]["weight"] = 0
    write(tmp_path, "models/responsiveness_only.yaml", model)
    problems = validate_dir(tmp_path)
    assert len(problems) == 1
    assert "responsiveness_only.yaml: members[0].weight: Input should be greater than 0" in problems[0]


# --- overrides, identities, fingerprints -------------------------------------------------------------


def test_a_user_override_replaces_the_builtin_spec_and_changes_its_hash(tmp_path: Path) -> None:
    builtin = load_specs().metrics["time_to_first_response"]
    data = builtin_data("metrics", "time_to_first_response")
    data["scoring"]["bands"][0]["up_to"] = 24
    path = write(tmp_path, "metrics/time_to_first_response.yaml", data)

    specs = load_specs([tmp_path])
    loaded = specs.metrics["time_to_first_response"]
    assert loaded.origin == "user"
    assert loaded.path == path
    assert loaded.spec.scoring.bands[0].up_to == 24
    assert loaded.sha256 != builtin.sha256
    assert loaded.text == path.read_text(encoding="utf-8")
    # The other built-ins are untouched.
    assert specs.metrics["release_frequency"].origin == "built-in"
    ref = specs.spec_ref("time_to_first_response")
    assert (ref.origin, ref.sha256, ref.path) == ("user", loaded.sha256, str(path))


def test_later_user_directories_win(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for root, edge in ((first, 24), (second, 12)):
        data = builtin_data("metrics", "time_to_first_response")
        data["scoring"]["bands"][0]["up_to"] = edge
        write(root, "metrics/time_to_first_response.yaml", data)
    specs = load_specs([first, second])
    assert specs.metrics["time_to_first_response"].spec.scoring.bands[0].up_to == 12


def test_identity_files_extend_the_builtins(tmp_path: Path) -> None:
    write(tmp_path, "identities/bots.yaml", {"accounts": ["our-release-helper"], "login_patterns": ["^ci-"]})
    write(
        tmp_path,
        "identities/affiliations.yaml",
        {"generic_domains": ["example.org"], "domains": {"acme.test": "Acme"}, "logins": {"OctoCat": "GitHub"}},
    )
    specs = load_specs([tmp_path])
    policy = specs.bot_policy()
    assert policy.is_bot(Actor(login="our-release-helper"))
    assert policy.is_bot(Actor(login="ci-runner"))
    assert policy.is_bot(Actor(login="k8s-ci-robot"))  # built-in entries stay
    aff = specs.identities.affiliations
    assert "gmail.com" in aff.generic_domains and "example.org" in aff.generic_domains
    assert aff.domains["redhat.com"] == "Red Hat" and aff.domains["acme.test"] == "Acme"
    assert aff.logins == {"octocat": "GitHub"}
    assert specs.affiliation_policy().affiliation(Actor(login="octocat"))[0] == "GitHub"
    origins = {(f.kind, f.origin) for f in specs.identity_files}
    assert ("bots", "user") in origins and ("bots", "built-in") in origins


@pytest.mark.parametrize(
    ("actor", "is_bot"),
    [
        (Actor(login="dependabot[bot]"), True),
        (Actor(login="github-actions"), True),
        (Actor(login="renovate-bot"), True),
        (Actor(email="49699333+dependabot[bot]@users.noreply.github.com", name="dependabot[bot]"), True),
        (Actor(email="noreply@github.com", name="GitHub"), True),
        # Humans commit with GitHub's private noreply addresses: never a bot signal.
        (Actor(email="583231+octocat@users.noreply.github.com", name="The Octocat"), False),
        (Actor(email="octocat@users.noreply.github.com", name="The Octocat"), False),
        (Actor(login="talbot"), False),
        (Actor(login="abbott"), False),
    ],
)
def test_builtin_bot_list_flags_automation_but_not_people(actor: Actor, is_bot: bool) -> None:
    assert load_specs().bot_policy().is_bot(actor) is is_bot


@pytest.mark.parametrize(
    ("actor", "is_agent"),
    [
        (Actor(name="Claude", email="noreply@anthropic.com"), True),
        (Actor(name="Copilot", email="175728472+Copilot@users.noreply.github.com"), True),
        (Actor(name="aider (gpt-4o)", email="noreply@aider.chat"), True),
        (Actor(name="Cursor Agent", email="cursoragent@cursor.com"), True),
        (Actor(name="Claude Monet", email="claude@monet.example"), False),
        (Actor(name="Gemini Rossi", email="gemini@example.org"), False),
    ],
)
def test_builtin_ai_agent_patterns_match_agents_and_not_namesakes(actor: Actor, is_agent: bool) -> None:
    assert load_specs().agent_policy().is_ai_agent(actor) is is_agent


def test_hash_ignores_key_order_and_yaml_formatting(tmp_path: Path) -> None:
    data = builtin_data("metrics", "time_to_first_response")
    reordered = dict(reversed(list(data.items())))
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, "metrics/time_to_first_response.yaml", yaml.safe_dump(data, sort_keys=False, width=60))
    write(b, "metrics/time_to_first_response.yaml", yaml.safe_dump(reordered, default_flow_style=True, width=500))
    sha_a = load_specs([a]).metrics["time_to_first_response"].sha256
    sha_b = load_specs([b]).metrics["time_to_first_response"].sha256
    assert sha_a == sha_b == canonical_sha256(data)
    assert sha_a == load_specs().metrics["time_to_first_response"].sha256


def test_describe_lists_every_spec_and_identity_file() -> None:
    specs: SpecSet = load_specs()
    rows = describe(specs)
    metric_rows = [r for r in rows if r["kind"] == "metric"]
    assert {r["id"] for r in metric_rows} == BUILTIN_METRICS
    row = next(r for r in rows if r["id"] == "starter_project_health")
    assert row["kind"] == "model" and row["version"] == "1.0.0" and row["origin"] == "built-in"
    assert row["sha256"] == specs.models["starter_project_health"].sha256[:12]
    assert {r["id"] for r in rows if r["kind"] == "identities"} == {"bots", "ai_agents", "affiliations"}


def test_spec_ref_of_an_unknown_id_says_which_are_known() -> None:
    with pytest.raises(SpecError, match="known: .*time_to_first_response"):
        load_specs().spec_ref("bus_factor")

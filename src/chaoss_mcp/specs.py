"""Criteria as data: loading and validating the YAML specs under ``metrics_specs/``.

The shape of every file is the agreed spec format (metric specs, model specs, identity files). All
thresholds, windows and parameter defaults live in those files; this module only reads, checks and
fingerprints them. A broken spec is reported with its file, the dotted field and the problem, and every
problem in every file is reported at once, so one edit-validate round fixes them all.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import string
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chaoss_mcp.errors import SpecError
from chaoss_mcp.identity import AffiliationPolicy, AgentPolicy, BotPolicy
from chaoss_mcp.results import SpecRef

Origin = Literal["built-in", "user"]
Category = Literal["responsiveness", "sustainability", "activity", "governance", "security", "diversity", "community"]
Unit = Literal["hours", "days", "ratio", "people", "organizations", "releases", "commits", "score", "share"]
Direction = Literal["lower_is_better", "higher_is_better"]
Risk = Literal["critical", "high", "medium", "low"]

# Placeholders an interpretation may use; anything else is a typo that would crash at scoring time.
METRIC_PLACEHOLDERS = frozenset(
    {"value", "unit", "threshold", "prev_threshold", "window_days", "as_of", "label", "sample"}
)
MODEL_PLACEHOLDERS = frozenset({"value", "threshold", "prev_threshold", "as_of", "label", "coverage"})
IDENTITY_FILES = ("bots", "ai_agents", "affiliations")
_SPEC_SUFFIXES = (".yaml", ".yml")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
_DOTTED_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reference(_Strict):
    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")
    supports: str | None = Field(None, description="Which threshold or choice this source backs")


class Definition(_Strict):
    variant: str = Field(min_length=1)
    description: str = Field(min_length=1)


class MinSample(_Strict):
    path: str = Field(pattern=_DOTTED_RE.pattern)
    at_least: int = Field(ge=0)
    # Optional extension of the agreed format: a plural noun for the reason sentence
    # ("3 responded items ..."); without it the last path segment is used.
    label: str | None = None


class Band(_Strict):
    label: str = Field(min_length=1)
    score: float = Field(ge=0, le=10)
    up_to: float | None = None
    at_least: float | None = None
    interpretation: str = Field(min_length=1)

    @property
    def threshold(self) -> float | None:
        return self.up_to if self.up_to is not None else self.at_least


class Scoring(_Strict):
    bands: list[Band] = Field(min_length=2)


class CheckSpec(_Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    risk: Risk
    weight: float = Field(gt=0)
    reference: str | None = Field(None, pattern=r"^https?://")
    chaoss_url: str | None = Field(None, pattern=r"^https?://")
    description: str = Field(min_length=1)
    remediation: str = Field(min_length=1)
    parameters: dict[str, Any] = Field(default_factory=dict)


class MetricSpec(_Strict):
    id: str
    name: str = Field(min_length=1)
    version: str = Field(pattern=_VERSION_RE.pattern)
    chaoss_url: str | None = Field(None, pattern=r"^https?://")
    question: str = Field(min_length=1)
    description: str = Field(min_length=1)
    category: Category
    unit: Unit
    direction: Direction
    definition: Definition
    parameters: dict[str, Any] = Field(default_factory=dict)
    score_on: str = Field(pattern=_DOTTED_RE.pattern)
    min_sample: MinSample | None = None
    scoring: Scoring
    references: list[Reference] = Field(min_length=1)
    checks: list[CheckSpec] = Field(default_factory=list)


class ModelMember(_Strict):
    metric: str
    weight: float = Field(gt=0)


class ModelSpec(_Strict):
    id: str
    name: str = Field(min_length=1)
    version: str = Field(pattern=_VERSION_RE.pattern)
    chaoss_url: str | None = Field(None, pattern=r"^https?://")
    description: str = Field(min_length=1)
    members: list[ModelMember] = Field(min_length=1)
    aggregate: Literal["weighted_mean_of_conclusive"]
    min_coverage: float = Field(ge=0, le=1)
    scoring: Scoring
    references: list[Reference] = Field(default_factory=list)


class BotsFile(_Strict):
    accounts: list[str] = Field(default_factory=list)
    login_patterns: list[str] = Field(default_factory=list)
    email_patterns: list[str] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)


class AiAgentsFile(_Strict):
    co_author_patterns: list[str] = Field(default_factory=list)
    accounts: list[str] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)


class AffiliationsFile(_Strict):
    generic_domains: list[str] = Field(default_factory=list)
    domains: dict[str, str] = Field(default_factory=dict)
    logins: dict[str, str] = Field(default_factory=dict)
    references: list[Reference] = Field(default_factory=list)


class Identities(_Strict):
    """Bots, AI agents and affiliations: built-in entries extended by every user directory."""

    bots: BotsFile = Field(default_factory=BotsFile)
    ai_agents: AiAgentsFile = Field(default_factory=AiAgentsFile)
    affiliations: AffiliationsFile = Field(default_factory=AffiliationsFile)


_IDENTITY_MODELS: dict[str, type[BaseModel]] = {
    "bots": BotsFile,
    "ai_agents": AiAgentsFile,
    "affiliations": AffiliationsFile,
}

SpecT = TypeVar("SpecT", bound=BaseModel)


@dataclass(frozen=True)
class LoadedSpec(Generic[SpecT]):
    spec: SpecT
    path: Path
    origin: Origin
    sha256: str
    text: str


@dataclass(frozen=True)
class LoadedMetricSpec(LoadedSpec[MetricSpec]):
    # The metric's Params model validated from `parameters`, when the registry was given to the loader.
    params: BaseModel | None = None


@dataclass(frozen=True)
class LoadedModelSpec(LoadedSpec[ModelSpec]):
    pass


@dataclass(frozen=True)
class LoadedIdentityFile(LoadedSpec[BaseModel]):
    kind: str = ""


@dataclass
class SpecSet:
    metrics: dict[str, LoadedMetricSpec] = field(default_factory=dict)
    models: dict[str, LoadedModelSpec] = field(default_factory=dict)
    identities: Identities = field(default_factory=Identities)
    identity_files: list[LoadedIdentityFile] = field(default_factory=list)

    def bot_policy(self) -> BotPolicy:
        bots = self.identities.bots
        return BotPolicy.from_lists(bots.accounts, bots.login_patterns, bots.email_patterns)

    def agent_policy(self) -> AgentPolicy:
        agents = self.identities.ai_agents
        return AgentPolicy.from_lists(agents.co_author_patterns, agents.accounts)

    def affiliation_policy(self) -> AffiliationPolicy:
        aff = self.identities.affiliations
        return AffiliationPolicy(
            generic_domains=frozenset(aff.generic_domains), domains=dict(aff.domains), logins=dict(aff.logins)
        )

    def spec_ref(self, metric_id: str) -> SpecRef:
        """The envelope's reference to a metric spec (or a model spec, by the same id rule)."""
        loaded: LoadedMetricSpec | LoadedModelSpec | None = self.metrics.get(metric_id) or self.models.get(metric_id)
        if loaded is None:
            known = ", ".join(sorted([*self.metrics, *self.models])) or "none"
            raise SpecError(f"No spec named {metric_id!r} is loaded (known: {known}).")
        return SpecRef(
            id=loaded.spec.id,
            version=loaded.spec.version,
            sha256=loaded.sha256,
            chaoss_url=loaded.spec.chaoss_url,
            origin=loaded.origin,
            path=str(loaded.path),
        )


# --------------------------------------------------------------------------------------------------
# Locating and reading files


def builtin_specs_dir() -> Path:
    """The shipped criteria: beside the package in a wheel, at the repository root in a checkout."""
    here = Path(__file__).resolve()
    packaged = here.parent / "metrics_specs"
    if packaged.is_dir():
        return packaged
    checkout = here.parents[2] / "metrics_specs"
    if checkout.is_dir():
        return checkout
    raise SpecError(
        f"The built-in criteria directory is missing (looked in {packaged} and {checkout}); reinstall chaoss-mcp."
    )


def canonical_sha256(data: object) -> str:
    """SHA-256 over the parsed YAML as compact, key-sorted JSON: formatting and key order do not count."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


try:  # libyaml's parser is several times faster; the pure-Python one behaves the same
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _UniqueKeyLoader(_SafeLoader):
    """A safe loader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain name, not a list or a mapping", key_node.start_mark
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_unique_mapping,
)


class _Problems:
    """Collects one line per problem: '<file>: <field>: <problem>'."""

    def __init__(self, builtin_root: Path | None) -> None:
        self.lines: list[str] = []
        self._root = builtin_root
        # Metric ids whose file exists but failed to parse: no cascading "unknown metric" lines for them.
        self.broken_metrics: set[str] = set()

    def show(self, path: Path) -> str:
        if self._root is not None:
            try:
                return str(Path("metrics_specs") / path.resolve().relative_to(self._root.resolve()))
            except ValueError:
                pass
        return str(path)

    def add(self, path: Path, where: str, problem: str) -> None:
        prefix = f"{self.show(path)}: {where}: " if where else f"{self.show(path)}: "
        self.lines.append(prefix + problem)


def _read_yaml(path: Path, problems: _Problems) -> tuple[str, dict[str, Any]] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(path, "", "not UTF-8 text")
        return None
    except OSError as exc:
        problems.add(path, "", f"cannot be read ({exc.strerror or exc})")
        return None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        detail = exc.problem or exc.context or "invalid YAML"
        problems.add(path, where, f"YAML syntax error: {detail}")
        return None
    except yaml.YAMLError as exc:
        problems.add(path, "", f"YAML syntax error: {exc}")
        return None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # A scalar PyYAML recognises but cannot build: a date like 2026-02-30, an integer with
        # thousands of digits. Its own message names the value.
        problems.add(path, "", f"YAML value that cannot be read ({str(exc)[:100]})")
        return None
    if not isinstance(data, dict):
        got = "an empty file" if data is None else type(data).__name__
        problems.add(path, "", f"expected a mapping of keys at the top level, got {got}")
        return None
    unusable = _structure_problem(data)
    if unusable is not None:
        problems.add(path, *unusable)
        return None
    return text, data


MAX_SPEC_VALUES = 100_000  # the largest built-in spec holds a few hundred
MAX_SPEC_DEPTH = 32  # built-in specs nest 5 levels deep
_MAX_EXACT_INT = 2**53  # beyond this JSON (and so the spec hash) cannot carry an integer exactly


def _structure_problem(data: object) -> tuple[str, str] | None:
    """(field, problem) for parsed YAML that no spec can hold, before it is hashed or validated.

    Keys must be text; values JSON-like (dates allowed); and the whole bounded, so that YAML aliases
    (an anchor repeated by reference, or an alias inside its own anchor) cannot make hashing or
    validation run out of time or memory.
    """
    stack: list[tuple[object, tuple[int | str, ...]]] = [(data, ())]
    count = 1
    while stack:
        node, where = stack.pop()
        if len(where) > MAX_SPEC_DEPTH:
            return _loc(where), f"nested more than {MAX_SPEC_DEPTH} levels deep"
        children: list[tuple[object, tuple[int | str, ...]]] = []
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    kind = "null" if key is None else type(key).__name__
                    return _loc(where), f"a key of type {kind} ({_short(key)}); keys are names: quote it"
                children.append((value, (*where, key)))
        elif isinstance(node, list):
            children = [(value, (*where, i)) for i, value in enumerate(node)]
        elif isinstance(node, bool) or node is None or isinstance(node, str | date):
            continue
        elif isinstance(node, int):
            if abs(node) > _MAX_EXACT_INT:
                return _loc(where), "an integer too large to be a spec value (beyond 2**53)"
        elif isinstance(node, float):
            if math.isnan(node):
                return _loc(where), "not a number (.nan); give a number"
        else:
            return _loc(where), f"a YAML {type(node).__name__}, which the spec format has no use for"
        count += len(children)
        if count > MAX_SPEC_VALUES:
            return (
                "",
                f"holds more than {MAX_SPEC_VALUES:,} values once YAML aliases are expanded "
                "(an alias repeats its anchor's whole content; one inside its own anchor repeats forever)",
            )
        stack.extend(children)
    return None


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in _SPEC_SUFFIXES)


# --------------------------------------------------------------------------------------------------
# Validation


def _loc(parts: Iterable[int | str]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _short(value: object) -> str:
    try:
        text = repr(value)
    except ValueError:  # an integer with more digits than Python converts to text
        return f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def _pydantic_problems(exc: ValidationError, path: Path, problems: _Problems, prefix: Sequence[int | str] = ()) -> None:
    for err in exc.errors(include_url=False):
        where = _loc([*prefix, *err["loc"]])
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = "unknown key (not part of the spec format; check the spelling)"
        elif kind == "missing":
            msg = "required key is missing"
        else:
            msg = f"{err['msg']} (got {_short(err.get('input'))})"
        problems.add(path, where, msg)


def _fmt(number: float) -> str:
    if float(number).is_integer():
        return str(int(number))
    return f"{number:g}"


def _placeholders(template: str) -> list[str] | None:
    """Field names used in a str.format template; None when the template itself is malformed."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return None


def _formatted(template: str) -> bool:
    """True when a placeholder in a well-formed template carries a format spec or a !conversion."""
    return any(
        name is not None and (spec or conversion) for _, name, spec, conversion in string.Formatter().parse(template)
    )


def _check_bands(
    bands: Sequence[Band],
    direction: Direction,
    allowed: frozenset[str],
    path: Path,
    problems: _Problems,
    *,
    window_known: bool = True,
) -> None:
    key = "up_to" if direction == "lower_is_better" else "at_least"
    other = "at_least" if key == "up_to" else "up_to"
    labels: set[str] = set()
    previous_threshold: float | None = None
    previous_score: float | None = None
    last = len(bands) - 1
    for i, band in enumerate(bands):
        where = f"scoring.bands[{i}]"
        if band.label in labels:
            problems.add(path, f"{where}.label", f"duplicate band label {band.label!r}")
        labels.add(band.label)
        if getattr(band, other) is not None:
            problems.add(
                path,
                f"{where}.{other}",
                f"a {direction} metric uses `{key}` thresholds, not `{other}`",
            )
        threshold: float | None = getattr(band, key)
        if i < last and threshold is None:
            problems.add(path, f"{where}.{key}", f"every band but the last needs a `{key}` threshold")
        if i == last and threshold is not None:
            problems.add(path, f"{where}.{key}", "the last band is the catch-all and takes no threshold")
        if threshold is not None and previous_threshold is not None:
            if key == "up_to" and threshold <= previous_threshold:
                problems.add(
                    path,
                    f"{where}.up_to",
                    "thresholds must increase from best to worst band "
                    f"(got {_fmt(threshold)} after {_fmt(previous_threshold)})",
                )
            if key == "at_least" and threshold >= previous_threshold:
                problems.add(
                    path,
                    f"{where}.at_least",
                    "thresholds must decrease from best to worst band "
                    f"(got {_fmt(threshold)} after {_fmt(previous_threshold)})",
                )
        if previous_score is not None and band.score > previous_score:
            problems.add(
                path,
                f"{where}.score",
                "scores must not increase from best to worst band "
                f"(got {_fmt(band.score)} after {_fmt(previous_score)})",
            )
        if threshold is not None:
            previous_threshold = threshold
        previous_score = band.score
        _check_interpretation(band, i, last, allowed, path, problems, window_known=window_known)


def _check_interpretation(
    band: Band,
    index: int,
    last: int,
    allowed: frozenset[str],
    path: Path,
    problems: _Problems,
    *,
    window_known: bool,
) -> None:
    where = f"scoring.bands[{index}].interpretation"
    names = _placeholders(band.interpretation)
    if names is None:
        problems.add(path, where, "malformed {placeholder} (unbalanced braces)")
        return
    for name in names:
        if name not in allowed:
            problems.add(path, where, f"unknown placeholder {{{name}}} (allowed: {', '.join(sorted(allowed))})")
    if _formatted(band.interpretation):
        # The figures arrive as formatted text: a format spec such as {value:>99999999} or {value:d}
        # would fail (or exhaust memory) only when a result is scored.
        problems.add(path, where, "placeholders take no format spec or conversion: write {value}, not {value:...}")
    used = set(names)
    # The reason sentence must state the figure, the date and the threshold crossed.
    if "value" not in used:
        problems.add(path, where, "must state the figure: use {value}")
    if "as_of" not in used:
        problems.add(path, where, "must state the date: use {as_of}")
    if not used & {"threshold", "prev_threshold"}:
        problems.add(path, where, "must state the threshold crossed: use {threshold} or {prev_threshold}")
    if "threshold" in used and index == last:
        problems.add(path, where, "the last band has no {threshold}; use {prev_threshold}")
    if "prev_threshold" in used and index == 0:
        problems.add(path, where, "the first band has no {prev_threshold}; use {threshold}")
    if "window_days" in used and not window_known:
        problems.add(path, where, "uses {window_days} but the spec has no `parameters.window_days`")


def _check_regexes(patterns: Sequence[str], where: str, path: Path, problems: _Problems) -> None:
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.add(path, f"{where}[{i}]", f"invalid regular expression {pattern!r}: {exc}")


def _check_metric(spec: MetricSpec, path: Path, problems: _Problems) -> None:
    if spec.id != path.stem:
        problems.add(path, "id", f"must equal the file name {path.stem!r} (got {spec.id!r})")
    elif not _ID_RE.match(spec.id):
        problems.add(path, "id", "must be lower_snake_case")
    _check_bands(
        spec.scoring.bands,
        spec.direction,
        METRIC_PLACEHOLDERS,
        path,
        problems,
        window_known="window_days" in spec.parameters,
    )
    seen: set[str] = set()
    for i, check in enumerate(spec.checks):
        if check.id in seen:
            problems.add(path, f"checks[{i}].id", f"duplicate check id {check.id!r}")
        seen.add(check.id)
    if spec.checks and spec.score_on != "aggregate":
        problems.add(path, "score_on", "a metric with `checks` is scored on `aggregate`")


def _check_model(spec: ModelSpec, path: Path, problems: _Problems) -> None:
    if spec.id != path.stem:
        problems.add(path, "id", f"must equal the file name {path.stem!r} (got {spec.id!r})")
    # Model aggregates are 0-10 scores: higher is better.
    _check_bands(spec.scoring.bands, "higher_is_better", MODEL_PLACEHOLDERS, path, problems)
    seen: set[str] = set()
    for i, member in enumerate(spec.members):
        if member.metric in seen:
            problems.add(path, f"members[{i}].metric", f"{member.metric!r} is listed twice")
        seen.add(member.metric)


def _check_identity(kind: str, spec: BaseModel, path: Path, problems: _Problems) -> None:
    if isinstance(spec, BotsFile):
        _check_regexes(spec.login_patterns, "login_patterns", path, problems)
        _check_regexes(spec.email_patterns, "email_patterns", path, problems)
    elif isinstance(spec, AiAgentsFile):
        _check_regexes(spec.co_author_patterns, "co_author_patterns", path, problems)
    elif isinstance(spec, AffiliationsFile):
        for i, domain in enumerate(spec.generic_domains):
            if domain != domain.lower() or "@" in domain or not domain:
                problems.add(path, f"generic_domains[{i}]", f"must be a lower-case domain (got {domain!r})")
        for domain in spec.domains:
            if domain != domain.lower() or "@" in domain or not domain:
                problems.add(path, f"domains.{domain}", "keys must be lower-case domains")


def _check_generic_conflicts(files: Sequence[LoadedIdentityFile], merged: Identities, problems: _Problems) -> None:
    # Checked after merging: a user file must not map a domain that any file calls generic.
    generic = set(merged.affiliations.generic_domains)
    for loaded in files:
        if isinstance(loaded.spec, AffiliationsFile):
            for domain in loaded.spec.domains:
                if domain in generic:
                    problems.add(
                        loaded.path, f"domains.{domain}", "is also a generic domain; a generic domain is never an org"
                    )


# --------------------------------------------------------------------------------------------------
# Loading


@dataclass
class _RawFile:
    path: Path
    origin: Origin
    text: str
    data: dict[str, Any]
    sha256: str


def _spec_dirs(root: Path, origin: Origin, problems: _Problems) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        what = "user criteria directory" if origin == "user" else "built-in criteria directory"
        problems.add(root, "", f"the {what} does not exist or is not a directory")
        return
    found = False
    for sub in ("metrics", "models", "identities"):
        folder = root / sub
        if folder.is_dir():
            found = True
            yield sub, folder
    if not found and origin == "user":
        problems.add(root, "", "contains no metrics/, models/ or identities/ folder")


def _load_into(
    root: Path,
    origin: Origin,
    problems: _Problems,
    metrics: dict[str, LoadedMetricSpec],
    models: dict[str, LoadedModelSpec],
    identity_files: list[LoadedIdentityFile],
) -> None:
    for sub, folder in _spec_dirs(root, origin, problems):
        for path in _yaml_files(folder):
            read = _read_yaml(path, problems)
            if read is None:
                if sub == "metrics":
                    problems.broken_metrics.add(path.stem)
                continue
            text, data = read
            sha = canonical_sha256(data)
            if sub == "metrics":
                try:
                    metric = MetricSpec.model_validate(data)
                except ValidationError as exc:
                    _pydantic_problems(exc, path, problems)
                    problems.broken_metrics.add(path.stem)
                    continue
                _check_metric(metric, path, problems)
                metrics[path.stem] = LoadedMetricSpec(metric, path, origin, sha, text)
            elif sub == "models":
                try:
                    model = ModelSpec.model_validate(data)
                except ValidationError as exc:
                    _pydantic_problems(exc, path, problems)
                    continue
                _check_model(model, path, problems)
                models[path.stem] = LoadedModelSpec(model, path, origin, sha, text)
            else:
                kind = path.stem
                if kind not in _IDENTITY_MODELS:
                    problems.add(
                        path,
                        "",
                        "unknown identity file (expected bots.yaml, ai_agents.yaml or affiliations.yaml)",
                    )
                    continue
                try:
                    ident = _IDENTITY_MODELS[kind].model_validate(data)
                except ValidationError as exc:
                    _pydantic_problems(exc, path, problems)
                    continue
                _check_identity(kind, ident, path, problems)
                identity_files.append(LoadedIdentityFile(ident, path, origin, sha, text, kind=kind))


def _merged_list(*lists: Sequence[str]) -> list[str]:
    out: list[str] = []
    for items in lists:
        out.extend(item for item in items if item not in out)
    return out


def _merge_identities(files: Sequence[LoadedIdentityFile]) -> Identities:
    bots = [f.spec for f in files if isinstance(f.spec, BotsFile)]
    agents = [f.spec for f in files if isinstance(f.spec, AiAgentsFile)]
    affs = [f.spec for f in files if isinstance(f.spec, AffiliationsFile)]
    domains: dict[str, str] = {}
    logins: dict[str, str] = {}
    for aff in affs:
        domains.update(aff.domains)
        # Logins are case-insensitive on GitHub; later (user) entries win.
        logins.update({login.lower(): org for login, org in aff.logins.items()})
    return Identities(
        bots=BotsFile(
            accounts=_merged_list(*(b.accounts for b in bots)),
            login_patterns=_merged_list(*(b.login_patterns for b in bots)),
            email_patterns=_merged_list(*(b.email_patterns for b in bots)),
            references=[r for b in bots for r in b.references],
        ),
        ai_agents=AiAgentsFile(
            co_author_patterns=_merged_list(*(a.co_author_patterns for a in agents)),
            accounts=_merged_list(*(a.accounts for a in agents)),
            references=[r for a in agents for r in a.references],
        ),
        affiliations=AffiliationsFile(
            generic_domains=_merged_list(*(a.generic_domains for a in affs)),
            domains=domains,
            logins=logins,
            references=[r for a in affs for r in a.references],
        ),
    )


def _cross_check(
    metrics: dict[str, LoadedMetricSpec],
    models: dict[str, LoadedModelSpec],
    params_models: Mapping[str, type[BaseModel]] | None,
    problems: _Problems,
    builtin_root: Path | None,
) -> None:
    for model in models.values():
        for i, member in enumerate(model.spec.members):
            if member.metric not in metrics and member.metric not in problems.broken_metrics:
                known = ", ".join(sorted(metrics)) or "none"
                problems.add(
                    model.path,
                    f"members[{i}].metric",
                    f"no metric spec named {member.metric!r} is loaded (known: {known})",
                )
    if params_models is None:
        return
    for metric_id, loaded in list(metrics.items()):
        params_model = params_models.get(metric_id)
        if params_model is None:
            known = ", ".join(sorted(params_models)) or "none"
            problems.add(loaded.path, "id", f"no metric named {metric_id!r} is registered (known: {known})")
            continue
        try:
            params = params_model.model_validate(loaded.spec.parameters)
        except ValidationError as exc:
            _pydantic_problems(exc, loaded.path, problems, prefix=("parameters",))
            continue
        metrics[metric_id] = LoadedMetricSpec(
            loaded.spec, loaded.path, loaded.origin, loaded.sha256, loaded.text, params=params
        )
    for metric_id in sorted(set(params_models) - set(metrics) - problems.broken_metrics):
        where = (builtin_root / "metrics") if builtin_root is not None else Path("metrics_specs/metrics")
        problems.add(where, "", f"metric {metric_id!r} is registered but has no spec file {metric_id}.yaml")


def _load(
    user_dirs: Sequence[Path],
    params_models: Mapping[str, type[BaseModel]] | None,
) -> tuple[SpecSet, list[str]]:
    builtin = builtin_specs_dir()
    problems = _Problems(builtin)
    metrics: dict[str, LoadedMetricSpec] = {}
    models: dict[str, LoadedModelSpec] = {}
    identity_files: list[LoadedIdentityFile] = []
    _load_into(builtin, "built-in", problems, metrics, models, identity_files)
    for user_dir in user_dirs:
        _load_into(Path(user_dir), "user", problems, metrics, models, identity_files)
    _cross_check(metrics, models, params_models, problems, builtin)
    identities = _merge_identities(identity_files)
    _check_generic_conflicts(identity_files, identities, problems)
    specset = SpecSet(
        metrics=dict(sorted(metrics.items())),
        models=dict(sorted(models.items())),
        identities=identities,
        identity_files=identity_files,
    )
    return specset, problems.lines


def load_specs(
    user_dirs: Sequence[Path] = (),
    params_models: Mapping[str, type[BaseModel]] | None = None,
) -> SpecSet:
    """Built-in specs, then each user directory in order (same id replaces; identity files extend).

    With ``params_models`` (metric id -> Params model), every metric spec must name a registered metric,
    every registered metric must have a spec, and each spec's ``parameters`` must validate.
    Raises ``SpecError`` listing every problem in every file, one per line.
    """
    specset, problems = _load(user_dirs, params_models)
    if problems:
        raise SpecError("\n".join(problems))
    return specset


def validate_dir(path: Path, params_models: Mapping[str, type[BaseModel]] | None = None) -> list[str]:
    """Problem lines for a user criteria directory, checked together with the built-ins (empty = valid)."""
    _, problems = _load([Path(path)], params_models)
    return problems


def describe(specset: SpecSet) -> list[dict[str, str]]:
    """Rows for ``chaoss-mcp specs list``."""
    rows: list[dict[str, str]] = []
    for kind, loaded_specs in (("metric", specset.metrics), ("model", specset.models)):
        for spec_id, loaded in loaded_specs.items():
            version = getattr(loaded.spec, "version", "")
            rows.append(
                {
                    "kind": kind,
                    "id": spec_id,
                    "version": str(version),
                    "origin": loaded.origin,
                    "path": str(loaded.path),
                    "sha256": loaded.sha256[:12],
                }
            )
    for ident in specset.identity_files:
        rows.append(
            {
                "kind": "identities",
                "id": ident.kind,
                "version": "",
                "origin": ident.origin,
                "path": str(ident.path),
                "sha256": ident.sha256[:12],
            }
        )
    return rows

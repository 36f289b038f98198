"""GitHub's published API descriptions, loaded once per test session, and the checks made against them.

``scripts/fetch-contracts`` installs, pinned, into ``.contracts/`` (ignored by git):

- ``@octokit/graphql-schema``: GitHub's GraphQL schema as an introspection result (``schema.json``);
- ``@octokit/openapi``: GitHub's REST descriptions, OpenAPI 3.0: ``api.github.com.json`` and one
  ``ghes-X.Y.json`` per supported GitHub Enterprise Server release.

Every check here is a plain function returning a list of problems (empty when the input conforms), so
the tests can run the same checks on deliberately wrong inputs and see them fail.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import graphql
import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

ROOT = Path(__file__).resolve().parents[2]
FETCH_SCRIPT = ROOT / "scripts" / "fetch-contracts"
PACKAGES = ROOT / ".contracts" / "node_modules"
GRAPHQL_PACKAGE = "@octokit/graphql-schema"
OPENAPI_PACKAGE = "@octokit/openapi"
DOTCOM = "api.github.com"

# GitHub's documented GraphQL limits: every connection needs first or last in 1..100; at most 500,000 nodes.
# https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api#node-limit
MAX_PAGE = 100
MAX_NODES = 500_000

Json = Any


# -- locating and loading ---------------------------------------------------------------------------
def pinned_versions() -> dict[str, str]:
    """The versions scripts/fetch-contracts installs (the script is the one place they are written)."""
    text = FETCH_SCRIPT.read_text()
    found = dict(re.findall(r"^(GRAPHQL_SCHEMA_VERSION|OPENAPI_VERSION)=(\S+)$", text, re.MULTILINE))
    return {GRAPHQL_PACKAGE: found["GRAPHQL_SCHEMA_VERSION"], OPENAPI_PACKAGE: found["OPENAPI_VERSION"]}


def _installed_version(package: str) -> str | None:
    manifest = PACKAGES / package / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text()).get("version"))


def why_missing() -> str | None:
    """None when the pinned descriptions are installed; otherwise what is wrong and how to fix it."""
    wrong = []
    for package, version in pinned_versions().items():
        installed = _installed_version(package)
        if installed != version:
            wrong.append(f"{package}@{version} ({'not installed' if installed is None else 'found ' + installed})")
    if not wrong:
        return None
    return (
        "CONTRACT TESTS NOT RUN: GitHub's API descriptions are missing from .contracts/: "
        + ", ".join(wrong)
        + ". Run scripts/fetch-contracts (it needs npm) to check the client against GitHub's published API."
    )


def require() -> None:
    """Skip loudly when the descriptions are absent locally; in CI (CI=true) their absence is a failure."""
    reason = why_missing()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason + " In CI, .ci/run must run scripts/fetch-contracts before scripts/test.", pytrace=False)
    pytest.skip(reason)


@cache
def graphql_schema() -> GraphQLSchema:
    data = json.loads((PACKAGES / GRAPHQL_PACKAGE / "schema.json").read_text())
    schema = graphql.build_client_schema(data.get("data", data))
    # GitHub's schema trips graphql-core's strict checks of the *schema* (deprecated arguments on
    # interface fields); validating *queries* against it is unaffected.
    schema._validation_errors = []
    return schema


def _openapi_dir() -> Path:
    return PACKAGES / OPENAPI_PACKAGE / "generated"


def ghes_releases() -> list[str]:
    """The GitHub Enterprise Server releases the installed package describes, e.g. ['ghes-3.17', ...]."""
    names = [p.name.removesuffix(".json") for p in _openapi_dir().glob("ghes-*.json") if ".deref." not in p.name]
    return sorted(names, key=lambda n: tuple(int(x) for x in n.removeprefix("ghes-").split(".")))


@cache
def openapi(name: str = DOTCOM) -> Api:
    return Api(name, json.loads((_openapi_dir() / f"{name}.json").read_text()))


# -- REST: the OpenAPI description ----------------------------------------------------------------------
@dataclass(frozen=True)
class Operation:
    template: str
    method: str
    spec: Mapping[str, Json]
    parameters: Mapping[tuple[str, str], Mapping[str, Json]]  # (in, name) -> resolved parameter

    @property
    def id(self) -> str:
        return str(self.spec.get("operationId", f"{self.method} {self.template}"))


@dataclass
class Api:
    """One OpenAPI description: paths matched like GitHub's router, ``$ref`` resolved, schemas converted."""

    name: str
    doc: Mapping[str, Json]
    _routes: list[tuple[re.Pattern[str], re.Pattern[str], str, tuple[bool, ...]]] = field(default_factory=list)
    _converted: dict[str, Json] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for template in self.doc["paths"]:
            segments = template.strip("/").split("/")
            strict = "/".join(re.escape(s) if not s.startswith("{") else "[^/]+" for s in segments)
            # A final {path} parameter holds slashes (contents paths such as .github/workflows/ci.yml).
            loose = "/".join(
                re.escape(s)
                if not s.startswith("{")
                else (".+" if s == "{path}" and i == len(segments) - 1 else "[^/]+")
                for i, s in enumerate(segments)
            )
            # Like GitHub's router: a literal segment beats a parameter at the first place they differ.
            rank = tuple(not s.startswith("{") for s in segments)
            self._routes.append((re.compile(f"/{strict}"), re.compile(f"/{loose}"), template, rank))

    @property
    def base_path(self) -> str:
        """The path prefix of the API base (``/api/v3`` on Enterprise Server, empty on api.github.com)."""
        url = str(self.doc["servers"][0]["url"])
        return re.sub(r"^[^:]+://[^/]+", "", url.replace("{protocol}", "http").replace("{hostname}", "host"))

    def resolve(self, node: Json) -> Json:
        seen = 0
        while isinstance(node, Mapping) and "$ref" in node:
            ref = str(node["$ref"])
            if not ref.startswith("#/"):
                raise ValueError(f"non-local $ref {ref}")
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            seen += 1
            if seen > 50:
                raise ValueError(f"$ref loop at {ref}")
        return node

    def template(self, path: str) -> str | None:
        """The documented path template a concrete path matches; literal segments win over parameters."""
        for pattern_index in (0, 1):
            hits = [
                (lit, t) for routes in [self._routes] for *pats, t, lit in routes if pats[pattern_index].fullmatch(path)
            ]
            if hits:
                return max(hits)[1]
        return None

    def operation(self, method: str, template: str) -> Operation | None:
        item = self.doc["paths"].get(template)
        spec = item.get(method.lower()) if item else None
        if spec is None:
            return None
        params: dict[tuple[str, str], Mapping[str, Json]] = {}
        for raw in [*item.get("parameters", ()), *spec.get("parameters", ())]:
            param = self.resolve(raw)
            params[(param["in"], param["name"])] = param
        return Operation(template, method.upper(), spec, params)

    def response_schema(self, op: Operation, status: str = "200") -> Json | None:
        response = self.resolve(op.spec.get("responses", {}).get(status))
        content = (response or {}).get("content") or {}
        for media in ("application/json", *content):
            if media in content and "json" in media and "schema" in content[media]:
                return content[media]["schema"]
        return None

    def response_example(self, op: Operation, status: str = "200") -> Json | None:
        response = self.resolve(op.spec.get("responses", {}).get(status))
        content = (response or {}).get("content") or {}
        for media in ("application/json", *content):
            examples = (content.get(media) or {}).get("examples") or {}
            for example in examples.values():
                value = self.resolve(example).get("value")
                if value is not None:
                    return value
        return None

    # -- schemas --------------------------------------------------------------------------------
    def flatten(self, schema: Json, _depth: int = 0) -> list[Mapping[str, Json]]:
        """The schema and every allOf/anyOf/oneOf branch under it, ``$ref`` resolved (a union of shapes)."""
        schema = self.resolve(schema)
        if not isinstance(schema, Mapping) or _depth > 20:
            return []
        out = [schema]
        for key in ("allOf", "anyOf", "oneOf"):
            for branch in schema.get(key, ()):
                out.extend(self.flatten(branch, _depth + 1))
        return out

    def properties(self, schema: Json) -> dict[str, list[Json]] | None:
        """Every documented property name of an object schema, with its schemas; None for a free-form map."""
        props: dict[str, list[Json]] = {}
        free = False
        objects = 0
        for branch in self.flatten(schema):
            extra = branch.get("additionalProperties")
            if extra not in (None, False, {}):
                free = True
            if "properties" in branch:
                objects += 1
                for name, sub in branch["properties"].items():
                    props.setdefault(name, []).append(sub)
            elif (
                branch.get("type") == "object"
                and extra is None
                and not any(k in branch for k in ("allOf", "anyOf", "oneOf"))
            ):
                free = True  # {"type": "object"} with nothing said: any key may be there
        if free or objects == 0:
            return None
        return props

    def items(self, schema: Json) -> list[Json]:
        return [b["items"] for b in self.flatten(schema) if "items" in b]

    def json_schema(self, schema: Json) -> Json:
        """OpenAPI 3.0 schema -> JSON Schema (draft 4) for jsonschema: ``nullable`` becomes a null branch."""
        return self._convert(schema, ())

    def _convert(self, node: Json, stack: tuple[str, ...]) -> Json:
        if isinstance(node, list):
            return [self._convert(n, stack) for n in node]
        if not isinstance(node, Mapping):
            return node
        if "$ref" in node:
            ref = str(node["$ref"])
            if ref in stack:
                return {}  # recursive schema: accept anything below the second occurrence
            if ref not in self._converted:
                self._converted[ref] = self._convert(self.resolve(node), (*stack, ref))
            return self._converted[ref]
        out: dict[str, Json] = {}
        for key, value in node.items():
            if key in ("example", "examples", "description", "discriminator", "nullable") or key.startswith("x-"):
                continue
            if key == "properties":
                out[key] = {k: self._convert(v, stack) for k, v in value.items()}
            elif key in ("items", "additionalProperties", "not") or key in ("allOf", "anyOf", "oneOf"):
                out[key] = self._convert(value, stack)
            else:
                out[key] = value
        if node.get("nullable"):
            return {"anyOf": [out, {"type": "null"}]}
        return out


def check_request(api: Api, method: str, url_path: str, query: Mapping[str, str]) -> list[str]:
    """Problems with one request: not a documented GET, an unknown or ill-typed query parameter."""
    import jsonschema

    where = f"{method} {url_path}"
    if method.upper() != "GET":
        return [f"{where}: the client only reads; {method} is not expected"]
    base = api.base_path
    if base and not url_path.startswith(base + "/"):
        return [f"{where}: not under the API base {base}"]
    template = api.template(url_path[len(base) :])
    if template is None:
        return [f"{where}: no such path in {api.name}"]
    op = api.operation("GET", template)
    if op is None:
        return [f"{where}: {template} has no GET in {api.name}"]
    problems = []
    label = f"GET {template} ({op.id}, {api.name})"
    if op.spec.get("deprecated"):
        problems.append(f"{label}: the operation is deprecated")
    if api.response_schema(op) is None:
        problems.append(f"{label}: no JSON 200 response is documented")
    accepted = {name: p for (kind, name), p in op.parameters.items() if kind == "query"}
    for name, value in query.items():
        param = accepted.get(name)
        if param is None:
            problems.append(
                f"{label}: query parameter {name!r} is not accepted (accepted: {', '.join(sorted(accepted))})"
            )
            continue
        schema = api.resolve(param.get("schema", {}))
        typed: Json = value
        kind = schema.get("type")
        try:
            if kind == "integer":
                typed = int(value)
            elif kind == "number":
                typed = float(value)
            elif kind == "boolean":
                typed = {"true": True, "false": False}[value]
        except (KeyError, ValueError):
            problems.append(f"{label}: {name}={value!r} is not a {kind}")
            continue
        errors = list(jsonschema.Draft4Validator(api.json_schema(schema)).iter_errors(typed))
        if errors:
            problems.append(f"{label}: {name}={value!r} is not accepted: {errors[0].message}")
        # Some limits are stated only in prose, e.g. per_page: "The number of results per page (max 100)."
        stated = re.search(r"\(max (\d+)\)", str(param.get("description", "")))
        if stated and isinstance(typed, int) and typed > int(stated.group(1)):
            problems.append(f"{label}: {name}={value} is above the documented maximum {stated.group(1)}")
    for (kind, name), param in op.parameters.items():
        if kind == "query" and param.get("required") and name not in query:
            problems.append(f"{label}: required query parameter {name!r} is missing")
    return problems


def body_errors(api: Api, method: str, url_path: str, status: int, body: Json) -> list[tuple[str, str, str]]:
    """(operation, place, message) for each way a response body differs from its documented schema;
    places have array indexes as ``N``, so one mistake repeated over a list is one entry."""
    import jsonschema

    template = api.template(url_path[len(api.base_path) :]) if url_path.startswith(api.base_path) else None
    op = api.operation(method, template) if template else None
    if op is None:
        return [(f"{method} {url_path}", "", f"not a documented operation in {api.name}")]
    schema = api.response_schema(op, str(status))
    if schema is None:
        return [(op.id, "", f"no JSON schema documented for status {status}")]
    validator = jsonschema.Draft4Validator(api.json_schema(schema))
    out = []
    for error in validator.iter_errors(body):
        place = "/".join("N" if isinstance(p, int) else str(p) for p in error.absolute_path)
        out.append((op.id, place, error.message[:200]))
    return sorted(set(out))


def validate_body(api: Api, method: str, url_path: str, status: int, body: Json) -> list[str]:
    """Problems with one response body against the documented response schema of its operation."""
    return [
        f"{op} {status}: at {place or '(body)'}: {message}"
        for op, place, message in body_errors(api, method, url_path, status, body)
    ]


# -- GraphQL -------------------------------------------------------------------------------------------
def operations(document: graphql.DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def as_operation(text: str) -> graphql.DocumentNode | None:
    """The parsed document when ``text`` is a GraphQL document with at least one operation."""
    try:
        document = graphql.parse(text)
    except graphql.GraphQLError:
        return None
    ops = operations(document)
    # "{}" parses (an empty selection); no GraphQL server accepts it, and it is not a query anyone wrote.
    return document if ops and all(op.selection_set.selections for op in ops) else None


@dataclass(frozen=True)
class ConnectionUse:
    path: str
    size: int | None
    nodes: int  # nodes this connection may return, counting its parents' sizes


def connections(schema: GraphQLSchema, document: graphql.DocumentNode) -> tuple[list[ConnectionUse], list[str]]:
    """Every connection a query asks for, with its page size and the nodes it can return; and problems."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    uses: list[ConnectionUse] = []
    problems: list[str] = []
    for op in operations(document):
        defaults = {
            v.variable.name.value: v.default_value.value
            for v in op.variable_definitions or ()
            if isinstance(v.default_value, IntValueNode)
        }
        root = schema.get_root_type(op.operation)
        if root is None:
            continue

        def visit(
            selection: SelectionSetNode | None, parent: Any, path: str, multiplier: int, defaults: dict[str, Any]
        ) -> None:
            if selection is None:
                return
            for node in selection.selections:
                if isinstance(node, InlineFragmentNode):
                    target = schema.get_type(node.type_condition.name.value) if node.type_condition else parent
                    visit(node.selection_set, target, path, multiplier, defaults)
                    continue
                if isinstance(node, FragmentSpreadNode):
                    fragment = fragments[node.name.value]
                    condition = schema.get_type(fragment.type_condition.name.value)
                    visit(fragment.selection_set, condition, path, multiplier, defaults)
                    continue
                assert isinstance(node, FieldNode)
                name = node.name.value
                fields = getattr(parent, "fields", {})
                if name.startswith("__") or name not in fields:
                    continue  # unknown fields are the validator's finding
                named = graphql.get_named_type(fields[name].type)
                here = f"{path}.{name}" if path else name
                inner = multiplier
                if named.name.endswith("Connection"):
                    size = None
                    given = False
                    for argument in node.arguments or ():
                        if argument.name.value in ("first", "last"):
                            given = True
                            value = argument.value
                            if isinstance(value, IntValueNode):
                                size = int(value.value)
                            elif isinstance(value, VariableNode) and value.name.value in defaults:
                                size = int(defaults[value.name.value])
                            else:
                                problems.append(f"{here}: its page size is not a literal, so it cannot be checked")
                    if not given:
                        problems.append(f"{here}: a connection needs first or last (GitHub refuses it otherwise)")
                    elif size is not None and not 1 <= size <= MAX_PAGE:
                        problems.append(f"{here}: first/last is {size}; GitHub accepts 1 to {MAX_PAGE}")
                    inner = multiplier * (size or MAX_PAGE)
                    uses.append(ConnectionUse(here, size, inner))
                visit(node.selection_set, named, here, inner, defaults)

        visit(op.selection_set, root, "", 1, defaults)
    total = sum(u.nodes for u in uses)
    if total > MAX_NODES:
        problems.append(f"the query can return {total:,} nodes; GitHub's limit is {MAX_NODES:,}")
    return uses, problems


def estimated_cost(uses: list[ConnectionUse]) -> int:
    """GitHub's documented estimate: requests to fill every connection (parents' sizes multiplied), / 100."""
    requests = sum(u.nodes // max(u.size or MAX_PAGE, 1) for u in uses)
    return max(1, round(requests / 100))


def schema_problems(schema: GraphQLSchema, text: str) -> list[str]:
    """What GitHub's GraphQL schema says is wrong with a query (unknown fields, wrong argument types ...)."""
    try:
        document = graphql.parse(text)
    except graphql.GraphQLError as exc:
        return [f"does not parse: {exc.message}"]
    return [error.message for error in graphql.validate(schema, document)]


def size_problems(schema: GraphQLSchema, text: str) -> list[str]:
    """Connections without first/last, page sizes outside 1..100, more than 500,000 nodes in all."""
    return connections(schema, graphql.parse(text))[1]


def rate_limit_problems(text: str) -> list[str]:
    """A query that does not select ``rateLimit`` leaves its cost unseen (and the budget unreported)."""
    problems = []
    for op in operations(graphql.parse(text)):
        top = {s.name.value: s for s in op.selection_set.selections if isinstance(s, FieldNode)}
        name = op.name.value if op.name else "(anonymous)"
        if op.operation != graphql.OperationType.QUERY:
            continue
        if "rateLimit" not in top:
            problems.append(f"query {name} does not ask for rateLimit, so its cost is never seen")
            continue
        below = top["rateLimit"].selection_set
        selected = {s.name.value for s in below.selections if isinstance(s, FieldNode)} if below else set()
        problems.extend(
            f"query {name} asks for rateLimit without {f}" for f in ("cost", "remaining") if f not in selected
        )
    return problems


def check_query(schema: GraphQLSchema, text: str) -> list[str]:
    """Every problem with one query document: schema validation, page sizes and node limit, rateLimit."""
    problems = schema_problems(schema, text)
    if problems:
        return problems
    return size_problems(schema, text) + rate_limit_problems(text)


def check_variables(schema: GraphQLSchema, text: str, variables: Mapping[str, Json]) -> list[str]:
    """Problems with the variables the client sent for a query: unknown names, values of the wrong type."""
    from graphql.execution.values import get_variable_values

    document = graphql.parse(text)
    problems = []
    for op in operations(document):
        declared = {v.variable.name.value for v in op.variable_definitions or ()}
        problems.extend(f"variable ${name} is sent but not declared" for name in variables if name not in declared)
        coerced = get_variable_values(schema, op.variable_definitions or (), dict(variables))
        if isinstance(coerced, list):
            problems.extend(error.message for error in coerced)
    return problems


def iter_strings(value: Any, depth: int = 0) -> Iterator[str]:
    """Strings in a module attribute: the value itself, or inside a dict/list/tuple/set of constants."""
    if isinstance(value, str):
        yield value
    elif depth < 3 and isinstance(value, Mapping):
        for v in value.values():
            yield from iter_strings(v, depth + 1)
    elif depth < 3 and isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from iter_strings(v, depth + 1)

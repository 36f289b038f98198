"""Run the client's real collectors against GitHub's own descriptions and record what they do.

A mock transport stands in for GitHub. Each REST request is matched to its documented operation and
answered with a body built from that operation's 200 response schema (every documented property
present, GitHub's example values where it gives them); each GraphQL query is answered with data built
from its selection and GitHub's schema. Every JSON object the client decodes is a ``Tracked`` dict that
knows which keys are documented at that place, so a read of any other key (a typo, a field GitHub
never sends, a GraphQL field the query does not select) is recorded with the source line that read it.

The recording holds: every REST request (method, path, query), every GraphQL query and its variables,
every field read, and the source lines of ``src/`` through which requests were made. Nothing is
listed by hand: what the client sends is what it sends here.
"""

from __future__ import annotations

import ast
import base64
import importlib
import json
import pkgutil
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl

import anyio
import graphql
import httpx
import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
)

import chaoss_mcp
from chaoss_mcp.budget import Budget, Call
from chaoss_mcp.config import Settings
from chaoss_mcp.sources.github import parse
from chaoss_mcp.sources.github.client import GitHubClient
from chaoss_mcp.sources.github.names import RepoName

from . import descriptions
from .descriptions import Api

SRC = Path(chaoss_mcp.__file__).resolve().parent
CLIENT_FILE = SRC / "sources" / "github" / "client.py"
CLIENT_METHODS = ("get", "paginate", "get_statistics", "graphql")
API_URL = "https://api.github.com"
TOKEN = "ghp_contract0000000000000000000000000000"
OWNER, NAME = "octocat", "Hello-World"  # the repository GitHub's own examples describe
# Every timestamp in the generated answers falls inside the windows the scenarios ask about.
AS_OF = datetime(2024, 7, 1, tzinfo=UTC)
SINCE = datetime(2024, 1, 1, tzinfo=UTC)
# Files the snapshot reads when the tree lists them (the example tree lists none of them).
SNAPSHOT_FILES = ("SECURITY.md", "CONTRIBUTING.md", ".github/workflows/ci.yml", "Dockerfile")


def _where(frame: Any) -> str:
    path = Path(frame.f_code.co_filename)
    try:
        shown = str(path.resolve().relative_to(SRC.parent.parent))
    except ValueError:
        shown = path.name
    return f"{shown}:{frame.f_lineno}"


# -- knowing which keys are documented where -------------------------------------------------------
class Shape:
    """What is documented at one place of a response: its keys (None: any key) and what is below."""

    label: str

    def keys(self) -> frozenset[str] | None:
        raise NotImplementedError

    def child(self, key: str) -> Shape:
        raise NotImplementedError

    def item(self, index: int) -> Shape:
        raise NotImplementedError


class RestShape(Shape):
    def __init__(self, api: Api, schemas: list[Any], label: str) -> None:
        self.api, self.schemas, self.label = api, schemas, label
        self._props: dict[str, list[Any]] | bool | None = False

    def _properties(self) -> dict[str, list[Any]] | None:
        if self._props is False:
            self._props = self.api.properties({"anyOf": self.schemas}) if self.schemas else None
        return self._props  # type: ignore[return-value]

    def keys(self) -> frozenset[str] | None:
        props = self._properties()
        return None if props is None else frozenset(props)

    def child(self, key: str) -> Shape:
        props = self._properties() or {}
        return RestShape(self.api, props.get(key, []), f"{self.label}.{key}")

    def item(self, index: int) -> Shape:
        return RestShape(self.api, self.api.items({"anyOf": self.schemas}), f"{self.label}[]")


@dataclass
class Fixed(Shape):
    """The shape of a generated GraphQL answer: exactly the keys the query selected."""

    label: str
    fields: dict[str, Fixed] | None = None
    elements: list[Fixed] | None = None

    def keys(self) -> frozenset[str] | None:
        return None if self.fields is None else frozenset(self.fields)

    def child(self, key: str) -> Shape:
        return (self.fields or {}).get(key) or Fixed(f"{self.label}.{key}")

    def item(self, index: int) -> Shape:
        elements = self.elements or []
        return elements[index] if index < len(elements) else Fixed(f"{self.label}[]")


@dataclass(frozen=True)
class Read:
    place: str  # e.g. "GET /repos/{owner}/{repo}/issues (issues/list-for-repo) [].user"
    key: str
    documented: bool
    at: str  # the source line that read it


class Tracked(dict[str, Any]):
    """A decoded JSON object that records every key read, and whether that key is documented there."""

    def __init__(self, data: Mapping[str, Any], shape: Shape, reads: list[Read]) -> None:
        super().__init__(data)
        self._shape = shape
        self._reads = reads

    def _note(self, key: object) -> None:
        keys = self._shape.keys()
        documented = keys is None or key in keys
        self._reads.append(Read(self._shape.label, str(key), documented, _where(sys._getframe(2))))

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self._note(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)


def wrap(value: Any, shape: Shape, reads: list[Read]) -> Any:
    if isinstance(value, dict):
        return Tracked({k: wrap(v, shape.child(k), reads) for k, v in value.items()}, shape, reads)
    if isinstance(value, list):
        return [wrap(v, shape.item(i), reads) for i, v in enumerate(value)]
    return value


# -- answers built from GitHub's descriptions ---------------------------------------------------------
def _date(variant: int) -> str:
    return f"2024-06-{1 + variant % 28:02d}T12:00:00Z"


def generate(
    api: Api, schemas: list[Any], example: Any, variant: int, depth: int = 0, sparse: bool = False, blank: bool = False
) -> Any:
    """A value for a response schema with every documented property; a ``sparse`` object (the second item
    of a list) has only its required ones, so branches on optional keys (``pull_request``) go both ways."""
    union = {"anyOf": schemas}
    branches = api.flatten(union)[1:]
    props = api.properties(union)
    if props is not None or any(b.get("type") == "object" for b in branches):
        if props is None:
            return dict(example) if isinstance(example, dict) else {}
        if depth > 6:
            return {}
        required = {name for b in branches for name in b.get("required", ())}
        out = {}
        for name, sub in props.items():
            if sparse and name not in required:
                continue
            sub_example = example.get(name) if isinstance(example, dict) else None
            out[name] = generate(api, sub, sub_example, variant, depth + 1, blank=blank)
        return out
    items = api.items(union)
    if items or any(b.get("type") == "array" for b in branches):
        sample = example if isinstance(example, list) else []
        count = 2 if depth == 0 else 1
        return [
            generate(api, items, sample[min(i, len(sample) - 1)] if sample else None, i, depth + 1, i > 0, blank)
            for i in range(count)
        ]
    types = {b.get("type") for b in branches}
    formats = {b.get("format") for b in branches}
    enums = [v for b in branches for v in b.get("enum", ()) if v is not None]
    if "date-time" in formats:
        return _date(variant)
    if blank:
        return False if "boolean" in types else 0 if types & {"integer", "number"} else ""
    if isinstance(example, bool) or "boolean" in types:
        return example if isinstance(example, bool) else False
    if isinstance(example, int) and not isinstance(example, bool):
        return example + variant
    if isinstance(example, (str, float)):
        return example
    if enums:
        return enums[variant % len(enums)]
    if "integer" in types:
        return 1 + variant
    if "number" in types:
        return 1.5
    if "uri" in formats:
        return f"{API_URL}/example/{variant}"
    return f"text {variant}"


def _scalar(type_: Any, variant: int) -> Any:
    if isinstance(type_, GraphQLEnumType):
        values = list(type_.values)
        return values[variant % len(values)]
    return {
        "Int": 1 + variant,
        "Float": 1.5,
        "Boolean": False,
        "ID": f"ID{variant}",
        "DateTime": _date(variant),
        "GitTimestamp": _date(variant),
        "Date": _date(variant)[:10],
        "GitObjectID": f"{variant:040x}",
        "URI": f"https://github.com/{OWNER}/{NAME}",
    }.get(type_.name, f"text {variant}")


def respond_graphql(schema: GraphQLSchema, text: str) -> tuple[dict[str, Any], Shape]:
    """Data for a query built from its selection and GitHub's schema; abstract types take each fragment's type."""
    document = graphql.parse(text)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    op = descriptions.operations(document)[0]
    label = f"graphql {op.name.value if op.name else '(anonymous)'}"

    def applies(condition: str | None, concrete: GraphQLObjectType) -> bool:
        if condition is None or condition == concrete.name:
            return True
        abstract = schema.get_type(condition)
        return abstract is not None and schema.is_sub_type(abstract, concrete)  # type: ignore[arg-type]

    def fields_of(sets: list[SelectionSetNode], concrete: GraphQLObjectType) -> dict[str, list[FieldNode]]:
        grouped: dict[str, list[FieldNode]] = {}
        for selection_set in sets:
            for node in selection_set.selections:
                if isinstance(node, FieldNode):
                    grouped.setdefault((node.alias or node.name).value, []).append(node)
                elif isinstance(node, InlineFragmentNode):
                    condition = node.type_condition.name.value if node.type_condition else None
                    if applies(condition, concrete):
                        for key, nodes in fields_of([node.selection_set], concrete).items():
                            grouped.setdefault(key, []).extend(nodes)
                elif isinstance(node, FragmentSpreadNode):
                    fragment = fragments[node.name.value]
                    if applies(fragment.type_condition.name.value, concrete):
                        for key, nodes in fields_of([fragment.selection_set], concrete).items():
                            grouped.setdefault(key, []).extend(nodes)
        return grouped

    def conditions(sets: list[SelectionSetNode]) -> list[str]:
        out = []
        for selection_set in sets:
            for node in selection_set.selections:
                if isinstance(node, InlineFragmentNode) and node.type_condition:
                    out.append(node.type_condition.name.value)
        return out

    def value(type_: Any, sets: list[SelectionSetNode], variant: int, where: str) -> tuple[Any, Fixed]:
        if isinstance(type_, GraphQLNonNull):
            return value(type_.of_type, sets, variant, where)
        if isinstance(type_, GraphQLList):
            pairs = [value(type_.of_type, sets, i, f"{where}[]") for i in range(2)]
            return [p[0] for p in pairs], Fixed(where, elements=[p[1] for p in pairs])
        if graphql.is_leaf_type(type_):
            return _scalar(type_, variant), Fixed(where)
        if isinstance(type_, GraphQLObjectType):
            concrete = type_
        else:
            possible = sorted(schema.get_possible_types(type_), key=lambda t: t.name)
            wanted = [t for t in possible if t.name in conditions(sets)] or possible
            concrete = wanted[variant % len(wanted)]
        data: dict[str, Any] = {}
        shapes: dict[str, Fixed] = {}
        for key, nodes in fields_of(sets, concrete).items():
            name = nodes[0].name.value
            if name == "__typename":
                data[key], shapes[key] = concrete.name, Fixed(f"{where}.{key}")
                continue
            subsets = [n.selection_set for n in nodes if n.selection_set is not None]
            data[key], shapes[key] = value(concrete.fields[name].type, subsets, variant, f"{where}.{key}")
        return data, Fixed(where, fields=shapes)

    root = schema.get_root_type(op.operation)
    data, shape = value(root, [op.selection_set], 0, label)
    envelope = Fixed(label, fields={"data": shape, "errors": Fixed(f"{label}.errors"), "extensions": Fixed(label)})
    return {"data": data}, envelope


# -- the recording ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RestRequest:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    template: str | None
    operation: str | None


@dataclass(frozen=True)
class GraphQLRequest:
    query: str
    variables: str  # JSON, so the record stays hashable


@dataclass
class Recording:
    rest: list[RestRequest] = field(default_factory=list)
    graphql: list[GraphQLRequest] = field(default_factory=list)
    reads: list[Read] = field(default_factory=list)
    sites: set[tuple[str, int]] = field(default_factory=set)  # (file, line) in src/ that led to a request
    unmatched: list[str] = field(default_factory=list)  # requests no documented operation answers

    def undocumented_reads(self, allowed: Callable[[Read], bool] = lambda r: False) -> list[Read]:
        return sorted({r for r in self.reads if not r.documented and not allowed(r)}, key=lambda r: (r.at, r.key))


@dataclass
class ContractGitHub:
    """The mock transport's handler: GitHub as its descriptions say it answers."""

    api: Api
    schema: GraphQLSchema
    recording: Recording
    statuses: Mapping[str, int] = field(default_factory=dict)  # template -> status to answer instead of 200
    blank: bool = False  # answer with zeros, empty strings and false wherever the schema allows
    shapes: dict[bytes, Shape] = field(default_factory=dict)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith("/graphql"):
            payload = json.loads(request.content)
            self.recording.graphql.append(
                GraphQLRequest(payload["query"], json.dumps(payload.get("variables") or {}, sort_keys=True))
            )
            data, shape = respond_graphql(self.schema, payload["query"])
            return self._json(200, data, shape)
        base = self.api.base_path
        template = self.api.template(path[len(base) :]) if path.startswith(base + "/") else None
        op = self.api.operation(request.method, template) if template else None
        query = tuple(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        self.recording.rest.append(RestRequest(request.method, path, query, template, op.id if op else None))
        if op is None:
            self.recording.unmatched.append(f"{request.method} {path}")
            return self._json(404, {"message": "Not Found"}, None)
        status = self.statuses.get(op.template, 200)
        if status != 200:
            return self._json(status, {"message": "Not Found", "documentation_url": "https://docs.github.com"}, None)
        schema = self.api.response_schema(op)
        key = (self.api.name, op.id, self.blank)
        if key not in _ANSWERS:  # the same for every run: built once per session
            _ANSWERS[key] = json.dumps(generate(self.api, [schema], self.api.response_example(op), 0, blank=self.blank))
        body = json.loads(_ANSWERS[key])
        if op.id == "git/get-tree":
            body["tree"] = [
                *body.get("tree", []),
                *({"path": p, "mode": "100644", "type": "blob", "sha": "0" * 40, "size": 10} for p in SNAPSHOT_FILES),
            ]
            body["truncated"] = False
        elif op.id == "repos/get-content":
            # GitHub's example carries an escaped "\\n" inside its base64; real answers wrap with newlines.
            body.update(encoding="base64", content=base64.encodebytes(b"# Security policy\n").decode())
        label = f"GET {op.template} ({op.id})"
        return self._json(200, body, RestShape(self.api, [schema], label))

    def _json(self, status: int, data: Any, shape: Shape | None) -> httpx.Response:
        body = json.dumps(data, sort_keys=True).encode()
        if shape is not None:
            self.shapes[body] = shape
        return httpx.Response(status, content=body, headers={"content-type": "application/json; charset=utf-8"})


_ANSWERS: dict[tuple[str, str, bool], str] = {}


def _src_frames(start: Any) -> Iterator[tuple[str, int]]:
    frame = start
    while frame is not None:
        path = Path(frame.f_code.co_filename).resolve()
        if path.is_relative_to(SRC) and path != CLIENT_FILE:
            yield (str(path), frame.f_lineno)
        frame = frame.f_back


@contextmanager
def recording_client(server: ContractGitHub, mp: pytest.MonkeyPatch) -> Iterator[None]:
    """Patch the client class so decoded bodies are tracked and the src lines behind each request are noted."""
    decode = GitHubClient._decode

    def tracked_decode(self: GitHubClient, body: bytes, what: str) -> Any:
        data = decode(self, body, what)
        shape = server.shapes.get(body)
        return wrap(data, shape, server.recording.reads) if shape is not None else data

    mp.setattr(GitHubClient, "_decode", tracked_decode)
    for name in CLIENT_METHODS:
        original = getattr(GitHubClient, name)

        def noting(self: GitHubClient, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            server.recording.sites.update(_src_frames(sys._getframe(1)))
            return __original(self, *args, **kwargs)

        mp.setattr(GitHubClient, name, noting)
    yield


async def _no_sleep(seconds: float) -> None:
    return None


def api_url(api: Api) -> str:
    """Where the client is pointed for a description: api.github.com, or an Enterprise Server's /api/v3."""
    return API_URL if not api.base_path else f"https://ghe.example.com{api.base_path}"


def _client(server: ContractGitHub, tmp: Path, token: str | None) -> GitHubClient:
    settings = Settings(token=token, api_url=api_url(server.api), cache_dir=tmp, time_budget=600)  # type: ignore[arg-type]
    http = httpx.AsyncClient(transport=httpx.MockTransport(server))
    return GitHubClient(settings, http, None, sleep=_no_sleep, jitter=lambda: 0.5)


async def _run_scenarios(server: ContractGitHub, tmp: Path) -> None:
    from chaoss_mcp.overview import repository_overview
    from chaoss_mcp.service import snapshot_for
    from chaoss_mcp.sources.data import GitHubData
    from chaoss_mcp.sources.github.collect import GitHubCollector

    repo = RepoName(OWNER, NAME)
    spec = SimpleNamespace(spec=SimpleNamespace(checks=[]))
    window = SimpleNamespace(start=SINCE, end=AS_OF)
    for token in (None, TOKEN):  # REST only without a token; GraphQL for activity and tags with one
        client = _client(server, tmp, token)
        collector = GitHubCollector(client, repo, Call(budget=Budget(600)))
        await collector.repository()
        await collector.activity(SINCE)
        await collector.comments(SINCE)
        await collector.releases(SINCE)
        commits = await collector.commits(SINCE, AS_OF)
        await collector.tags(commits)
        await collector.companies(["octocat", "dependabot[bot]"], 5)
        await snapshot_for(GitHubData(collector, client.settings.api_url), spec, window)  # type: ignore[arg-type]
        state = SimpleNamespace(settings=client.settings, github=client)
        await repository_overview(state, f"{OWNER}/{NAME}", Call(budget=Budget(600)))  # type: ignore[arg-type]
    # Branch protection unreadable (404 without admin rights): the rulesets that apply are read instead,
    # and where none can be read either, the branch itself.
    protection = "/repos/{owner}/{repo}/branches/{branch}/protection"
    for statuses in ({protection: 404}, {protection: 404, "/repos/{owner}/{repo}/rules/branches/{branch}": 404}):
        hidden = ContractGitHub(server.api, server.schema, server.recording, statuses=statuses, shapes=server.shapes)
        client = _client(hidden, tmp, None)
        collector = GitHubCollector(client, repo, Call(budget=Budget(600)))
        await snapshot_for(GitHubData(collector, client.settings.api_url), spec, window)  # type: ignore[arg-type]
    # Each parser on the answer it is written for, once as GitHub's examples fill it and once blank (zeros,
    # empty strings, false), so that every fallback after an ``or`` is read too. parse.pull has no collector.
    for blank in (False, True):
        direct = ContractGitHub(server.api, server.schema, server.recording, shapes=server.shapes, blank=blank)
        client = _client(direct, tmp, None)
        for path, parser in DIRECT_PARSERS:
            response = await client.get(f"/repos/{OWNER}/{NAME}{path}", call=Call(budget=Budget(600)), what=path)
            for raw in response.data if isinstance(response.data, list) else [response.data]:
                parser(raw)


# Looked up at call time (``parse.X``), so a test that swaps a parser sees its swap used here too.
DIRECT_PARSERS: list[tuple[str, Callable[[Any], object]]] = [
    ("", lambda raw: parse.repository(raw)),
    ("/issues", lambda raw: parse.issue_or_pull(raw)),
    ("/pulls", lambda raw: parse.pull(raw)),
    ("/issues/comments", lambda raw: parse.comment(raw, "issue_comment")),
    ("/pulls/comments", lambda raw: parse.comment(raw, "review_comment")),
    ("/pulls/1/reviews", lambda raw: parse.review(raw, 1)),
    ("/releases", lambda raw: parse.release(raw)),
    ("/tags", lambda raw: parse.tag(raw)),
    ("/commits", lambda raw: parse.commit(raw)),
]


def record(tmp: Path, description: str = descriptions.DOTCOM) -> Recording:
    """Run every scenario once against one REST description and return what the client sent and read.

    GraphQL is always answered from github.com's schema: no Enterprise Server GraphQL schema is published
    in a package."""
    server = ContractGitHub(descriptions.openapi(description), descriptions.graphql_schema(), Recording())
    with pytest.MonkeyPatch.context() as mp, recording_client(server, mp):
        anyio.run(_run_scenarios, server, tmp)
    return server.recording


# -- what the source says it can send ------------------------------------------------------------------
@dataclass(frozen=True)
class Site:
    file: str
    first: int
    last: int
    text: str

    def covered_by(self, sites: set[tuple[str, int]]) -> bool:
        return any(f == self.file and self.first <= line <= self.last for f, line in sites)

    def __str__(self) -> str:
        return f"{Path(self.file).relative_to(SRC.parent.parent)}:{self.first}: {self.text}"


def request_sites() -> list[Site]:
    """Every place in src/ that can make a GitHub request: calls of the client's request methods, and
    calls of helpers that pass one of their parameters on as the path (found to a fixed point)."""
    trees = {
        str(path.resolve()): ast.parse(path.read_text(), str(path))
        for path in sorted(SRC.rglob("*.py"))
        if path.resolve() != CLIENT_FILE
    }

    def client_call(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CLIENT_METHODS
            and ast.unparse(node.func.value).split(".")[-1] in ("client", "github", "_client", "_github")
        )

    helpers: set[str] = set()
    while True:
        found = set(helpers)
        for tree in trees.values():
            for fn in ast.walk(tree):
                if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) or fn.name in found:
                    continue
                params = {a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]}
                for call in ast.walk(fn):
                    if not isinstance(call, ast.Call) or not call.args:
                        continue
                    makes = client_call(call) or _called_name(call) in helpers
                    if makes and any(isinstance(a, ast.Name) and a.id in params for a in call.args):
                        found.add(fn.name)
        if found == helpers:
            break
        helpers = found
    sites = []
    for file, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (client_call(node) or _called_name(node) in helpers):
                text = ast.unparse(node.func)
                sites.append(Site(file, node.lineno, node.end_lineno or node.lineno, text))
    return sorted(sites, key=lambda s: (s.file, s.first))


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def source_queries() -> dict[str, str]:
    """Every GraphQL operation written in src/: string literals anywhere in the code (found by parsing
    each file), and string values of every module's attributes (which catches documents put together
    at import time). Maps each document to where it was found."""
    found: dict[str, str] = {}
    starts = ("{", "query", "mutation", "subscription", "fragment", "#")
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if text.lstrip().startswith(starts) and descriptions.as_operation(text) is not None:
                    found.setdefault(text, f"{path.relative_to(SRC.parent.parent)}:{node.lineno}")
    for info in pkgutil.walk_packages(chaoss_mcp.__path__, "chaoss_mcp."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for attr, value in vars(module).items():
            for text in descriptions.iter_strings(value):
                if text.lstrip().startswith(starts) and descriptions.as_operation(text) is not None:
                    found.setdefault(text, f"{info.name}.{attr}")
    return found

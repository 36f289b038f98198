"""The project's fake GitHub (tests/fake_github) answers in GitHub's shapes: every JSON answer of every
endpoint it serves validates against the OpenAPI response schema, and its GraphQL schema and answers
agree with GitHub's GraphQL schema."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
from graphql import FieldNode, GraphQLSchema, InlineFragmentNode, SelectionSetNode

from . import descriptions, harness
from .descriptions import Api

fake_github = pytest.importorskip("tests.fake_github", reason="CONTRACT TESTS NOT RUN: tests/fake_github is missing")
FakeGitHub = fake_github.FakeGitHub
TEST_TOKEN = fake_github.TEST_TOKEN

FAKE_SCHEMA = Path(fake_github.__file__).parent / "schema.graphql"
HEADERS = {
    "Accept": "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
    "User-Agent": "chaoss-mcp-contract-tests",
    "Authorization": f"Bearer {TEST_TOKEN}",
}


def _paths(fake: Any) -> Iterator[str]:
    """A request for every endpoint the fake serves, on each repository of its data."""
    data = fake.data
    yield "/rate_limit"
    for login in list(data.users)[:3]:
        yield f"/users/{login}"
    for repo in data.repos.values():
        base = f"/repos/{repo.full_name}"
        yield "/search/issues?q=" + f"repo:{repo.full_name}+is:issue"
        yield base
        yield f"{base}/issues?state=all&per_page=100"
        yield f"{base}/issues/comments?per_page=100&since=2000-01-01T00:00:00Z"
        yield f"{base}/pulls?state=all&per_page=100"
        yield f"{base}/pulls/comments?per_page=100"
        for number, item in repo.issues.items():
            yield f"{base}/issues/{number}"
            yield f"{base}/issues/{number}/comments"
            if item.is_pull:
                yield f"{base}/pulls/{number}"
                yield f"{base}/pulls/{number}/reviews"
                yield f"{base}/pulls/{number}/comments"
        yield f"{base}/releases?per_page=100"
        yield f"{base}/tags?per_page=100"
        yield f"{base}/commits?per_page=100"
        yield f"{base}/contributors?per_page=100"
        yield f"{base}/stats/contributors"
        yield f"{base}/stats/contributors"  # the first answer is 202 "still computing"
        branch = repo.default_branch
        yield f"{base}/git/trees/{branch}?recursive=1"
        yield f"{base}/contents"
        for path in list(getattr(repo, "files", {}) or {})[:5]:
            yield f"{base}/contents/{path}"
        yield f"{base}/community/profile"
        yield f"{base}/license"
        yield f"{base}/branches/{branch}/protection"
        yield f"{base}/branches/{branch}"
        yield f"{base}/rules/branches/{branch}"
        if repo.branches.get(branch):
            yield f"{base}/commits/{repo.branches[branch]}"


def _exchange(fake: Any) -> list[tuple[str, int, Any]]:
    out = []
    with httpx.Client(base_url=fake.url, headers=HEADERS) as http:
        for path in _paths(fake):
            response = http.get(path)
            body = response.json() if response.content and "json" in response.headers.get("content-type", "") else None
            out.append((httpx.URL(fake.url + path).path, response.status_code, body))
    return out


@pytest.fixture(scope="module")
def exchanges(contracts: None) -> dict[str, list[tuple[str, int, Any]]]:
    out = {}
    for enterprise in (False, True):
        with FakeGitHub(enterprise=enterprise) as fake:
            out["ghes" if enterprise else "dotcom"] = _exchange(fake)
            routes = [p.pattern for p, _ in fake._rest.repo_routes]
            out["routes"] = routes  # type: ignore[assignment]
    return out


def test_every_endpoint_the_fake_serves_is_asked_for(exchanges: dict[str, Any]) -> None:
    asked = {re.sub(r"^/repos/[^/]+/[^/]+", "", path) for path, status, _ in exchanges["dotcom"] if status == 200}
    missing = [r for r in exchanges["routes"] if not any(re.fullmatch(r, a) for a in asked)]
    assert missing == [], "routes of tests/fake_github/rest.py this test never got a 200 from (add a request)"


# Where the fake's answers differ from GitHub's descriptions today (to be fixed in tests/fake_github/rest.py;
# the client reads none of these fields). The test below fails when one is fixed (delete its line) and
# when a new one appears. (operation, place in the body, jsonschema's message)
_PULL_FIELDS = (
    "additions changed_files comments commits deletions mergeable mergeable_state merged maintainer_can_modify "
    "merged_by review_comments"
)
KNOWN_FAKE_MISMATCHES = {
    ("search/issues-and-pull-requests", "", "'search_type' is a required property"),
    ("search/issues-and-pull-requests", "items/N/body", "None is not of type 'string'"),
    *(("pulls/get", "", f"'{name}' is a required property") for name in _PULL_FIELDS.split()),
    ("repos/get-branch-protection", "enforce_admins", "'url' is a required property"),
    (
        "repos/get-branch-protection",
        "required_pull_request_reviews",
        "'require_code_owner_reviews' is a required property",
    ),
}
# GitHub Enterprise Server documents no community profile; the fake in enterprise mode serves one.
KNOWN_FAKE_ENTERPRISE_EXTRAS = {"/repos/{owner}/{repo}/community/profile"}


def _documented(path: str) -> str:
    # The root listing GET .../contents is contents/{path} with an empty path, which a template cannot show.
    return path + "/ROOT" if path.endswith("/contents") else path


def mismatches(api: Api, exchanged: list[tuple[str, int, Any]]) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for path, status, body in exchanged:
        if status == 200 and body is not None:
            found.update(descriptions.body_errors(api, "GET", _documented(path), status, body))
    return found


def test_every_json_answer_of_the_fake_validates_against_githubs_response_schema(
    dotcom: Api, exchanges: dict[str, Any]
) -> None:
    assert sum(1 for _, status, body in exchanges["dotcom"] if status == 200 and body is not None) > 30
    assert mismatches(dotcom, exchanges["dotcom"]) == KNOWN_FAKE_MISMATCHES


def test_the_fake_as_an_enterprise_server_answers_in_that_releases_shapes(
    dotcom: Api, ghes: list[Api], exchanges: dict[str, Any]
) -> None:
    latest = ghes[-1]
    found = mismatches(latest, exchanges["ghes"])
    extras = {
        dotcom.template(p.split(" ", 1)[1].removeprefix("/api/v3")) for p, _, m in found if "not a documented" in m
    }
    assert extras == KNOWN_FAKE_ENTERPRISE_EXTRAS
    assert {f for f in found if "not a documented" not in f[2]} == KNOWN_FAKE_MISMATCHES


def test_a_fake_answer_with_a_field_of_the_wrong_type_fails_validation(dotcom: Api) -> None:
    with FakeGitHub() as fake, httpx.Client(base_url=fake.url, headers=HEADERS) as http:
        repo = next(iter(fake.data.repos.values()))
        body = http.get(f"/repos/{repo.full_name}").json()
    assert descriptions.validate_body(dotcom, "GET", f"/repos/{repo.full_name}", 200, body) == []
    body["stargazers_count"] = "many"
    del body["full_name"]
    problems = descriptions.validate_body(dotcom, "GET", f"/repos/{repo.full_name}", 200, body)
    assert any("'full_name' is a required property" in p for p in problems)
    assert any("stargazers_count" in p and "'many' is not of type 'integer'" in p for p in problems)


# -- GraphQL ---------------------------------------------------------------------------------------------
def fake_schema_problems(github: GraphQLSchema, fake: GraphQLSchema) -> list[str]:
    """Every type, field, argument and enum value of the fake's schema exists in GitHub's, with the same type."""
    problems = []
    for name, ours in fake.type_map.items():
        if name.startswith("__") or name in graphql.specified_scalar_types:
            continue
        theirs = github.get_type(name)
        if theirs is None or type(theirs) is not type(ours):
            problems.append(f"{name}: not a {type(ours).__name__} in GitHub's schema")
            continue
        if isinstance(ours, graphql.GraphQLEnumType):
            problems.extend(f"{name}.{v}: no such enum value" for v in ours.values if v not in theirs.values)  # type: ignore[attr-defined]
        if isinstance(ours, graphql.GraphQLUnionType):
            members = {t.name for t in theirs.types}  # type: ignore[attr-defined]
            problems.extend(f"{name}: {t.name} is not a member" for t in ours.types if t.name not in members)
        for field_name, field in getattr(ours, "fields", {}).items():
            other = theirs.fields.get(field_name)  # type: ignore[attr-defined]
            if other is None:
                problems.append(f"{name}.{field_name}: no such field")
                continue
            if str(field.type) != str(other.type):
                problems.append(f"{name}.{field_name}: {field.type} here, {other.type} at GitHub")
            for arg_name, arg in getattr(field, "args", {}).items():
                their_arg = getattr(other, "args", {}).get(arg_name)
                if their_arg is None or str(their_arg.type) != str(arg.type):
                    problems.append(f"{name}.{field_name}({arg_name}: {arg.type}): not so at GitHub")
        for interface in getattr(ours, "interfaces", ()):
            if interface.name not in {i.name for i in getattr(theirs, "interfaces", ())}:
                problems.append(f"{name}: does not implement {interface.name} at GitHub")
    return problems


def test_the_fakes_graphql_schema_is_a_part_of_githubs(schema: GraphQLSchema) -> None:
    fake = graphql.build_schema(FAKE_SCHEMA.read_text())
    assert fake_schema_problems(schema, fake) == []


def test_a_field_github_does_not_have_in_the_fakes_schema_fails(schema: GraphQLSchema) -> None:
    text = FAKE_SCHEMA.read_text().replace(
        "type Bot implements Actor & Node {", "type Bot implements Actor & Node {\n  isHuman: Boolean"
    )
    assert fake_schema_problems(schema, graphql.build_schema(text)) == ["Bot.isHuman: no such field"]


def answer_problems(schema: GraphQLSchema, text: str, data: Any) -> list[str]:
    """Keys the answer lacks or has beyond the query's selection, at every object of the answer."""
    document = graphql.parse(text)
    op = descriptions.operations(document)[0]
    problems: list[str] = []

    def expected(sets: list[SelectionSetNode], typename: str | None) -> dict[str, list[FieldNode]]:
        out: dict[str, list[FieldNode]] = {}
        for selection_set in sets:
            for node in selection_set.selections:
                if isinstance(node, FieldNode):
                    out.setdefault((node.alias or node.name).value, []).append(node)
                elif isinstance(node, InlineFragmentNode):
                    condition = node.type_condition.name.value if node.type_condition else None
                    concrete = schema.get_type(typename) if typename else None
                    abstract = schema.get_type(condition) if condition else None
                    if (
                        condition is None
                        or condition == typename
                        or (
                            concrete is not None
                            and graphql.is_abstract_type(abstract)
                            and schema.is_sub_type(abstract, concrete)  # type: ignore[arg-type]
                        )
                    ):
                        for key, nodes in expected([node.selection_set], typename).items():
                            out.setdefault(key, []).extend(nodes)
        return out

    def walk(value: Any, sets: list[SelectionSetNode], where: str) -> None:
        if value is None:
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, sets, f"{where}[{i}]")
            return
        if not isinstance(value, dict):
            problems.append(f"{where}: an object was selected, the fake sent {type(value).__name__}")
            return
        fields = expected(sets, value.get("__typename"))
        if set(value) != set(fields):
            problems.append(f"{where}: keys {sorted(value)}, selected {sorted(fields)}")
        for key, nodes in fields.items():
            subsets = [n.selection_set for n in nodes if n.selection_set is not None]
            if subsets and key in value:
                walk(value[key], subsets, f"{where}.{key}")

    walk(data, [op.selection_set], "data")
    return problems


def test_the_fake_answers_every_query_of_the_client_with_exactly_what_it_selects(schema: GraphQLSchema) -> None:
    queries = harness.source_queries()
    assert queries
    with FakeGitHub() as fake, httpx.Client(headers=HEADERS) as http:
        for repo in fake.data.repos.values():
            owner, name = repo.full_name.split("/")
            for text in queries:
                variables = {"owner": owner, "name": name, "cursor": None}
                response = http.post(fake.graphql_url, json={"query": text, "variables": variables})
                payload = response.json()
                assert response.status_code == 200 and "errors" not in payload, payload
                assert answer_problems(schema, text, payload["data"]) == [], (repo.full_name, text.split("(")[0])


def test_an_answer_missing_a_selected_field_fails(schema: GraphQLSchema) -> None:
    text = "query Q { rateLimit { cost remaining } viewer { login } }"
    assert answer_problems(schema, text, {"rateLimit": {"cost": 1, "remaining": 4999}, "viewer": {"login": "x"}}) == []
    assert answer_problems(schema, text, {"rateLimit": {"cost": 1}, "viewer": {"login": "x", "name": "y"}}) == [
        "data.rateLimit: keys ['cost'], selected ['cost', 'remaining']",
        "data.viewer: keys ['login', 'name'], selected ['login']",
    ]

"""Every GraphQL query the client can send, against GitHub's published schema (@octokit/graphql-schema)."""

from __future__ import annotations

import json

import pytest
from graphql import GraphQLSchema

from chaoss_mcp.sources.github import collect

from . import descriptions, harness


@pytest.fixture(scope="module")
def queries() -> dict[str, str]:
    return harness.source_queries()


def test_every_query_the_client_sends_is_written_in_the_source_where_it_is_checked(
    recording: harness.Recording, queries: dict[str, str]
) -> None:
    sent = {r.query for r in recording.graphql}
    assert sent, "no scenario sent a GraphQL query: the token scenario did not reach GraphQL"
    escaped = sent - set(queries)
    assert not escaped, f"queries sent but not found as string constants in src/: {sorted(escaped)}"


def test_every_query_written_in_the_source_is_sent_by_some_scenario(
    recording: harness.Recording, queries: dict[str, str]
) -> None:
    unsent = {where for text, where in queries.items() if text not in {r.query for r in recording.graphql}}
    assert not unsent, f"queries no scenario in tests/contracts/harness.py sends (add one): {sorted(unsent)}"


def test_every_query_validates_against_githubs_schema(schema: GraphQLSchema, queries: dict[str, str]) -> None:
    assert queries
    problems = {where: descriptions.schema_problems(schema, text) for text, where in queries.items()}
    assert not {w: p for w, p in problems.items() if p}


def test_every_connection_asks_for_1_to_100_items_and_a_query_stays_under_500_000_nodes(
    schema: GraphQLSchema, queries: dict[str, str]
) -> None:
    problems = {where: descriptions.size_problems(schema, text) for text, where in queries.items()}
    assert not {w: p for w, p in problems.items() if p}


def test_every_query_asks_for_its_rate_limit_cost_and_what_remains(queries: dict[str, str]) -> None:
    problems = {where: descriptions.rate_limit_problems(text) for text, where in queries.items()}
    assert not {w: p for w, p in problems.items() if p}


def test_the_variables_the_client_sends_have_the_declared_types(
    schema: GraphQLSchema, recording: harness.Recording
) -> None:
    problems = {
        (r.query.split("(")[0].strip(), r.variables): descriptions.check_variables(
            schema, r.query, json.loads(r.variables)
        )
        for r in recording.graphql
    }
    assert not {k: p for k, p in problems.items() if p}


def test_the_activity_queries_cost_githubs_estimate_of_one_or_two_points(schema: GraphQLSchema) -> None:
    import graphql

    costs = {
        name: descriptions.estimated_cost(descriptions.connections(schema, graphql.parse(text))[0])
        for name, text in collect.QUERIES.items()
    }
    # issues: 1 + 100 (comments) requests; pull requests: 1 + 100 + 100 (comments, reviews); tags: 1;
    # merged: 1 + 30 (approving reviews of the last 30 merged pull requests)
    assert costs == {"issues": 1, "pull_requests": 2, "tags": 1, "merged": 1}


# -- the checks fail on wrong queries ---------------------------------------------------------------------
def test_a_misspelt_field_fails_schema_validation(schema: GraphQLSchema) -> None:
    wrong = collect.ISSUES_QUERY.replace("closedAt", "closedAtt")
    assert wrong != collect.ISSUES_QUERY
    assert any("closedAtt" in p for p in descriptions.schema_problems(schema, wrong))
    assert descriptions.check_query(schema, wrong)


def test_a_field_github_does_not_have_on_that_type_fails_schema_validation(schema: GraphQLSchema) -> None:
    wrong = collect.PULLS_QUERY.replace("isDraft", "isDraft firstResponseAt")
    assert descriptions.schema_problems(schema, wrong) == [
        "Cannot query field 'firstResponseAt' on type 'PullRequest'."
    ]


def test_a_misspelt_query_put_in_the_source_is_found_and_fails(
    schema: GraphQLSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = collect.TAGS_QUERY.replace("committedDate", "commitedDate")
    monkeypatch.setattr(collect, "EXTRA_QUERY", wrong, raising=False)
    found = harness.source_queries()
    assert found[wrong] == "chaoss_mcp.sources.github.collect.EXTRA_QUERY"
    assert descriptions.check_query(schema, wrong)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("comments(first: 20)", "comments(first: 101)", "first/last is 101; GitHub accepts 1 to 100"),
        ("comments(first: 20)", "comments(first: 0)", "first/last is 0; GitHub accepts 1 to 100"),
        ("comments(first: 20)", "comments", "a connection needs first or last"),
    ],
)
def test_a_page_size_github_refuses_fails(schema: GraphQLSchema, old: str, new: str, expected: str) -> None:
    wrong = collect.ISSUES_QUERY.replace(old, new)
    assert any(expected in p for p in descriptions.size_problems(schema, wrong))


def test_nested_connections_over_500_000_nodes_fail(schema: GraphQLSchema) -> None:
    wrong = """
    query Big($owner: String!, $name: String!) {
      rateLimit { cost remaining }
      repository(owner: $owner, name: $name) {
        pullRequests(first: 100) { nodes { reviews(first: 100) { nodes { comments(first: 100) { totalCount } } } } }
      }
    }"""
    assert descriptions.schema_problems(schema, wrong) == []
    assert descriptions.size_problems(schema, wrong) == [
        "the query can return 1,010,100 nodes; GitHub's limit is 500,000"
    ]


def test_a_query_that_does_not_ask_for_its_rate_limit_fails() -> None:
    wrong = collect.TAGS_QUERY.replace("rateLimit { cost remaining resetAt }", "")
    assert descriptions.rate_limit_problems(wrong) == [
        "query Tags does not ask for rateLimit, so its cost is never seen"
    ]
    assert descriptions.rate_limit_problems(collect.TAGS_QUERY.replace("remaining", "")) == [
        "query Tags asks for rateLimit without remaining"
    ]


def test_a_variable_value_github_would_refuse_fails(schema: GraphQLSchema) -> None:
    problems = descriptions.check_variables(
        schema, collect.PULLS_QUERY, {"owner": "o", "name": "r", "states": ["MERGEDD"], "cursor": None}
    )
    assert problems and "MERGEDD" in problems[0]
    assert descriptions.check_variables(schema, collect.TAGS_QUERY, {"owner": "o", "name": "r", "after": "x"}) == [
        "variable $after is sent but not declared"
    ]

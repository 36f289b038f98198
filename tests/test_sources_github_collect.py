"""The collector's own logic: partial GraphQL answers, per-item fan-out, rulesets read as protection."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import httpx
import pytest
import respx

from chaoss_mcp.budget import Budget, Call
from chaoss_mcp.config import Settings
from chaoss_mcp.errors import NotFoundError
from chaoss_mcp.sources.github.client import GitHubClient
from chaoss_mcp.sources.github.collect import GitHubCollector, _protection_from_rules
from chaoss_mcp.sources.github.names import RepoName
from tests.test_sources_github_client import API, TOKEN

pytestmark = pytest.mark.anyio


def collector(tmp_path: Path) -> GitHubCollector:
    s = Settings(cache_dir=tmp_path / "cache", token=TOKEN)
    client = GitHubClient(s, httpx.AsyncClient(follow_redirects=False), None)
    return GitHubCollector(client, RepoName("octo-org", "widgets"), Call(budget=Budget(30)))


@respx.mock
async def test_a_graphql_answer_with_errors_leaves_the_collection_incomplete_with_a_note(tmp_path: Path) -> None:
    partial = {
        "data": {"rateLimit": {"cost": 1, "remaining": 4999, "resetAt": "2026-12-04T08:00:00Z"}, "repository": None},
        "errors": [{"message": "Something went wrong while executing your query. Please try again later."}],
    }
    respx.post(f"{API}/graphql").mock(return_value=httpx.Response(200, content=json.dumps(partial)))
    c = collector(tmp_path)
    data = await c.graphql("query { rateLimit { cost remaining resetAt } }", {}, "a test query")
    assert data["repository"] is None
    assert c.complete is False
    assert c.notes == ["GitHub returned partial GraphQL data for a test query."]


async def test_each_keeps_every_result_with_its_item_when_one_fails(tmp_path: Path) -> None:
    c = collector(tmp_path)

    async def fetch(n: int) -> str:
        await anyio.sleep(0.01 * (4 - n))  # finish out of order
        if n == 1:
            raise NotFoundError("gone")
        return f"item {n}"

    found, error = await c.each([0, 1, 2, 3], fetch)
    assert isinstance(error, NotFoundError)
    assert all(found[i] == f"item {i}" for i in found) and 1 not in found


def test_rulesets_say_only_what_they_require_and_the_strictest_rule_of_a_kind_wins() -> None:
    rules = [
        {"type": "deletion"},
        {"type": "pull_request", "parameters": {"required_approving_review_count": 1}},
        {
            "type": "pull_request",
            "parameters": {"required_approving_review_count": 2, "require_code_owner_review": True},
        },
        {
            "type": "required_status_checks",
            "parameters": {
                "strict_required_status_checks_policy": True,
                "required_status_checks": [{"context": "ci/test"}, {"context": "ci/test"}, {"context": "lint"}],
            },
        },
    ]
    out = _protection_from_rules(rules)
    assert out["allow_deletions"] == {"enabled": False}
    assert "allow_force_pushes" not in out  # no non_fast_forward rule: unknown, not "allowed"
    reviews = out["required_pull_request_reviews"]
    assert reviews["required_approving_review_count"] == 2 and reviews["require_code_owner_reviews"] is True
    assert out["required_status_checks"] == {"strict": True, "contexts": ["ci/test", "lint"]}

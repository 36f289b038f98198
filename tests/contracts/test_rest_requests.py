"""Every REST request the client builds, against GitHub's OpenAPI descriptions (@octokit/openapi)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaoss_mcp.sources.github.client import GitHubClient

from . import descriptions, harness
from .descriptions import Api


def problems_of(api: Api, recording: harness.Recording) -> list[str]:
    found = {f"{r.method} {r.path}: no documented operation" for r in recording.rest if r.operation is None}
    for r in recording.rest:
        found.update(descriptions.check_request(api, r.method, r.path, dict(r.query)))
    return sorted(found)


def test_every_place_in_the_source_that_makes_a_request_is_exercised_by_the_scenarios(
    recording: harness.Recording,
) -> None:
    sites = harness.request_sites()
    assert len(sites) >= 10, "the scan of src/ for client calls found almost nothing; is it still looking?"
    missed = [str(s) for s in sites if not s.covered_by(recording.sites)]
    assert not missed, f"requests made here are not exercised (add them to harness._run_scenarios): {missed}"


def test_every_request_is_a_documented_get_with_accepted_query_parameters(
    dotcom: Api, recording: harness.Recording
) -> None:
    assert len({r.operation for r in recording.rest}) >= 15
    assert problems_of(dotcom, recording) == []


# Requests GitHub Enterprise Server does not document (in any release @octokit/openapi describes). The
# client skips the community profile and private vulnerability reporting there (with a caveat), so none.
ABSENT_ON_ENTERPRISE_SERVER: set[str] = set()


def test_every_request_is_documented_the_same_on_each_enterprise_server_release(
    dotcom: Api, ghes_recordings: dict[str, harness.Recording]
) -> None:
    for name, recording in ghes_recordings.items():
        assert all(r.path.startswith("/api/v3/") for r in recording.rest), name
        absent = {dotcom.template(r.path.removeprefix("/api/v3")) for r in recording.rest if r.operation is None}
        assert absent == ABSENT_ON_ENTERPRISE_SERVER, name
        kept = harness.Recording(rest=[r for r in recording.rest if r.operation is not None])
        assert problems_of(descriptions.openapi(name), kept) == [], name


def test_pages_ask_for_githubs_maximum_of_100_items(recording: harness.Recording) -> None:
    sizes = {dict(r.query).get("per_page") for r in recording.rest if "per_page" in dict(r.query)}
    assert sizes == {"100"}


# -- the checks fail on wrong requests ---------------------------------------------------------------------
def test_a_query_parameter_github_does_not_accept_fails(dotcom: Api) -> None:
    assert descriptions.check_request(dotcom, "GET", "/repos/o/r/issues", {"state": "all", "per_page": "100"}) == []
    problems = descriptions.check_request(dotcom, "GET", "/repos/o/r/issues", {"sinse": "2024-01-01T00:00:00Z"})
    assert len(problems) == 1 and "query parameter 'sinse' is not accepted" in problems[0]


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/repos/o/r/issues", {"state": "everything"}, "state='everything' is not accepted"),
        ("/repos/o/r/issues", {"per_page": "hundred"}, "per_page='hundred' is not a integer"),
        ("/repos/o/r/issues", {"per_page": "101"}, "per_page=101 is above the documented maximum 100"),
        ("/repos/o/r/pulls", {"sort": "comments"}, "sort='comments' is not accepted"),
        ("/repos/o/r/isues", {}, "no such path in api.github.com"),
        ("/repos/o/r/issues/comments/1/replies", {}, "no such path in api.github.com"),
    ],
)
def test_a_request_github_does_not_document_fails(dotcom: Api, path: str, query: dict[str, str], expected: str) -> None:
    problems = descriptions.check_request(dotcom, "GET", path, query)
    assert any(expected in p for p in problems), problems


def test_a_write_fails_because_the_client_only_reads(dotcom: Api) -> None:
    assert descriptions.check_request(dotcom, "DELETE", "/repos/o/r", {}) == [
        "DELETE /repos/o/r: the client only reads; DELETE is not expected"
    ]


def test_a_client_that_builds_a_misspelt_parameter_fails_the_contract(
    dotcom: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    build = GitHubClient.url

    def misspelt(self: GitHubClient, path: str, params: dict[str, str | int] | None = None) -> str:
        params = {("sinse" if k == "since" else k): v for k, v in (params or {}).items()}
        return build(self, path, params)

    monkeypatch.setattr(GitHubClient, "url", misspelt)
    problems = problems_of(dotcom, harness.record(tmp_path))
    assert problems and all("'sinse' is not accepted" in p for p in problems)
    assert {p.split(" (")[0] for p in problems} >= {
        "GET /repos/{owner}/{repo}/issues",
        "GET /repos/{owner}/{repo}/commits",
    }


def test_a_path_template_is_matched_like_githubs_router(dotcom: Api) -> None:
    assert dotcom.template("/repos/o/r/issues/comments") == "/repos/{owner}/{repo}/issues/comments"
    assert dotcom.template("/repos/o/r/issues/12") == "/repos/{owner}/{repo}/issues/{issue_number}"
    assert dotcom.template("/repos/o/r/contents/.github/workflows/ci.yml") == "/repos/{owner}/{repo}/contents/{path}"

"""security_practices against the fake GitHub: what each check reads from the API, with and without a token.

Each test builds a small repository whose right answer is known by construction, then asks through a real
MCP client session, as an assistant would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fake_github import TEST_TOKEN, FakeData, FakeGitHub, Fault
from tests.test_e2e_github import call, client, error_of, settings

pytestmark = pytest.mark.anyio

AS_OF = "2026-06-30"  # every repository below is older than Maintained's 90-day "new" threshold


def base_data() -> FakeData:
    d = FakeData()
    for login in ("alice", "bob", "carol", "dave"):
        d.add_user(login)
    d.add_user("stale[bot]", "Bot")
    d.add_user("octo-org", "Organization")
    return d


def older_repo(d: FakeData, name: str, maintainers: set[str] | None = None) -> None:
    """An organisation's repository created long before AS_OF, with one commit in the window."""
    d.add_repo(name, owner_type="Organization", created_at="2025-01-01T00:00:00Z", maintainers=maintainers or set())
    d.add_commit(name, "Start", date="2026-06-01T10:00:00Z")


def check(result: dict[str, Any], check_id: str) -> dict[str, Any]:
    found = [c for c in result["value"]["checks"] if c["id"] == check_id]
    assert len(found) == 1, check_id
    return found[0]


async def security(gh: FakeGitHub, tmp: Path, repo: str, token: str | None) -> dict[str, Any]:
    async with client(settings(gh, tmp / str(token), token=token)) as c:
        return await call(c, "security_practices", repo=repo, as_of=AS_OF)


# -- Code-Review: who merged ---------------------------------------------------------------------------
def merges_data() -> FakeData:
    d = base_data()
    r = "octo-org/merges"
    older_repo(d, r, maintainers={"carol"})
    # Merged by someone other than its author, with no approving review: Scorecard counts the merge.
    d.add_pull(
        r,
        "Merged by carol",
        author="bob",
        created_at="2026-06-02T09:00:00Z",
        merged_at="2026-06-03T09:00:00Z",
        merged_by="carol",
    )
    # Approved by carol, merged by its author.
    d.add_pull(
        r,
        "Approved",
        author="alice",
        created_at="2026-06-04T09:00:00Z",
        merged_at="2026-06-05T09:00:00Z",
        merged_by="alice",
    )
    d.add_review(r, 2, author="carol", state="APPROVED", submitted_at="2026-06-04T12:00:00Z")
    # Merged by its own author without review: unreviewed on both paths.
    d.add_pull(
        r,
        "Self-merged",
        author="dave",
        created_at="2026-06-06T09:00:00Z",
        merged_at="2026-06-06T10:00:00Z",
        merged_by="dave",
    )
    return d


async def test_code_review_counts_a_merge_by_someone_else_with_a_token_and_says_why_it_cannot_without_one(
    tmp_path: Path,
) -> None:
    with FakeGitHub(merges_data()) as gh:
        with_token = await security(gh, tmp_path, "octo-org/merges", TEST_TOKEN)
        without = await security(gh, tmp_path, "octo-org/merges", None)
    reviewed = check(with_token, "Code-Review")
    assert reviewed["score"] == 6.0  # 2 of 3: the approval and carol's merge of bob's change
    assert reviewed["evidence"][0] == "2 of 3 recently merged pull requests approved by someone other than the author"
    assert "merged without another person's approval: #3" in reviewed["evidence"]
    anonymous = check(without, "Code-Review")
    assert anonymous["score"] == 3.0  # only the approval is visible in REST listings
    assert "merged without another person's approval: #3, #1" in anonymous["evidence"] or (
        "merged without another person's approval: #1, #3" in anonymous["evidence"]
    )
    assert any("Who merged each pull request is not in GitHub's REST listing" in c for c in without["caveats"])
    assert not any("Who merged" in c for c in with_token["caveats"])


# -- Maintained: issues with maintainer activity, answered issues ------------------------------------------
def maintained_data() -> FakeData:
    d = base_data()
    r = "octo-org/quiet"
    older_repo(d, r, maintainers={"carol"})
    # 1: bob's issue, three replies from maintainer carol: one issue with maintainer activity, answered.
    d.add_issue(r, "Crash on start", author="bob", created_at="2026-06-02T10:00:00Z")
    for hour in (11, 12, 13):
        d.add_comment(r, 1, author="carol", created_at=f"2026-06-02T{hour}:00:00Z", body="Looking.")
    # 2: opened by the maintainer, no comments: maintainer activity, not answered.
    d.add_issue(r, "Plan the next release", author="carol", created_at="2026-06-03T10:00:00Z")
    # 3: dave talks to himself, and a bot chimes in: neither maintained nor answered.
    d.add_issue(r, "Feature idea", author="dave", created_at="2026-06-04T10:00:00Z")
    d.add_comment(r, 3, author="dave", created_at="2026-06-04T11:00:00Z", body="Bump.")
    d.add_comment(r, 3, author="stale[bot]", created_at="2026-06-04T12:00:00Z", body="Marked stale.")
    # 4: a pull request the maintainer commented on: not an issue.
    d.add_pull(r, "Docs", author="bob", created_at="2026-06-05T10:00:00Z")
    d.add_comment(r, 4, author="carol", created_at="2026-06-05T11:00:00Z", body="Thanks.")
    return d


@pytest.mark.parametrize("token", [TEST_TOKEN, None])
async def test_maintained_counts_issues_with_maintainer_activity_once_each_and_answers_from_other_people(
    tmp_path: Path, token: str | None
) -> None:
    with FakeGitHub(maintained_data()) as gh:
        result = await security(gh, tmp_path, "octo-org/quiet", token)
    evidence = check(result, "Maintained")["evidence"]
    assert "2 issue(s) with maintainer activity in the last 90 days" in evidence
    assert "33% of the issues opened in the last 90 days were answered" in evidence


# -- Branch-Protection from rulesets -------------------------------------------------------------------------
async def test_branch_protection_is_read_from_rulesets_when_the_classic_settings_need_admin_rights(
    tmp_path: Path,
) -> None:
    d = base_data()
    r = "octo-org/rules"
    older_repo(d, r)
    d.set_protection(r, "main", "forbidden")
    d.repo(r).rules["main"] = [
        {"type": "non_fast_forward"},
        {
            "type": "pull_request",
            "parameters": {
                "required_approving_review_count": 2,
                "dismiss_stale_reviews_on_push": True,
                "require_code_owner_review": False,
                "require_last_push_approval": True,
                "required_review_thread_resolution": False,
            },
        },
        {"type": "pull_request", "parameters": {"required_approving_review_count": 1}},  # a second ruleset
        {
            "type": "required_status_checks",
            "parameters": {
                "strict_required_status_checks_policy": False,
                "required_status_checks": [{"context": "ci/test"}, {"context": "lint", "integration_id": 1}],
            },
        },
    ]
    with FakeGitHub(d) as gh:
        result = await security(gh, tmp_path, r, None)
        asked = [q.path for q in gh.requests]
    evidence = check(result, "Branch-Protection")["evidence"]
    assert any(p.endswith("/rules/branches/main") for p in asked)
    assert "force pushes blocked: yes" in evidence
    # No rule mentions deletion: classic protection, unreadable without admin rights, may still block it.
    assert "deletion blocked: not readable" in evidence
    assert "at least 1 required status check: yes" in evidence
    assert "at least 2 required approving reviews: yes" in evidence
    assert "stale approvals dismissed: yes" in evidence
    assert "rules enforced on admins: not readable" in evidence  # rulesets do not show who may bypass them


async def test_a_branch_without_protection_or_rulesets_is_reported_unprotected(tmp_path: Path) -> None:
    d = base_data()
    r = "octo-org/open"
    older_repo(d, r)
    with FakeGitHub(d) as gh:
        result = await security(gh, tmp_path, r, None)
    protection = check(result, "Branch-Protection")
    assert protection["score"] == 0.0 and "is not protected" in protection["reason"]


# -- GitHub Enterprise Server ------------------------------------------------------------------------------
async def test_on_enterprise_server_the_community_profile_and_vulnerability_reporting_are_not_asked_for(
    tmp_path: Path,
) -> None:
    d = base_data()
    r = "octo-org/onprem"
    older_repo(d, r)
    d.add_file(r, "SECURITY.md", "Report vulnerabilities to security@example.org; we answer within 3 days.\n")
    with FakeGitHub(d, enterprise=True) as gh:
        result = await security(gh, tmp_path, r, TEST_TOKEN)
        asked = [q.path for q in gh.requests]
    assert all(p.startswith(("/api/v3/", "/api/graphql")) for p in asked)
    assert not [p for p in asked if p.endswith(("/community/profile", "/private-vulnerability-reporting"))]
    assert any("GitHub Enterprise Server has no community profile" in c for c in result["caveats"])
    assert "private vulnerability reporting: unknown" in check(result, "Security-Policy")["evidence"]


# -- the anonymous hourly quota -------------------------------------------------------------------------------
def reviewed_data(pulls: int) -> FakeData:
    d = base_data()
    r = "octo-org/busy"
    older_repo(d, r, maintainers={"carol"})
    for n in range(1, pulls + 1):
        d.add_pull(r, f"Change {n}", author="bob", created_at=f"2026-06-{1 + n % 28:02d}T09:00:00Z")
        d.add_review(r, n, author="carol", state="COMMENTED", submitted_at=f"2026-06-{1 + n % 28:02d}T10:00:00Z")
    return d


async def test_without_a_token_review_reads_stop_short_of_the_hourly_quota_and_the_result_says_so(
    tmp_path: Path,
) -> None:
    with FakeGitHub(reviewed_data(40), anonymous_limits={"core": 30}) as gh:
        async with client(settings(gh, tmp_path, token=None)) as c:
            result = await call(c, "time_to_first_response", repo="octo-org/busy", as_of=AS_OF)
            left = gh.quota("core", token=None)
            # The quota the call left is enough for a further, smaller call in the same hour.
            overview = await call(c, "repository_overview", repo="octo-org/busy")
    provenance = result["provenance"]
    assert provenance["complete"] is False
    assert "reviews: read for" in provenance["incomplete_note"] and "GITHUB_TOKEN" in provenance["incomplete_note"]
    reviews_read = len([q for q in gh.requests if q.path.endswith("/reviews")])
    assert 0 < reviews_read < 40
    assert left[1] >= 5  # (limit, remaining, reset): the reserve was kept
    assert overview["full_name"] == "octo-org/busy"


async def test_without_a_token_a_quota_that_runs_out_mid_model_leaves_an_honest_inconclusive_result(
    tmp_path: Path,
) -> None:
    with FakeGitHub(reviewed_data(3), anonymous_limits={"core": 2}) as gh:
        async with client(settings(gh, tmp_path, token=None)) as c:
            health = await call(c, "project_health", repo="octo-org/busy", as_of=AS_OF)
            message = await error_of(c, "release_frequency", repo="octo-org/busy", as_of=AS_OF)
            listed = await call(c, "list_metrics")
    assert health["status"] == "inconclusive" and health["score"] is None
    assert health["provenance"]["complete"] is False
    assert "rate limit is used up" in health["provenance"]["incomplete_note"]
    # Two members got part of their data before the quota ran out (not scored: cut short), two got none.
    reasons = {e["metric"]: e["reason"] for e in health["excluded"]}
    assert len(reasons) == 4 and all("GITHUB_TOKEN" in r for r in reasons.values())
    assert reasons["time_to_first_response"].startswith("Not scored: the collection of its data was cut short")
    # A single metric with nothing computed is a clear error; the server then keeps serving.
    assert "rate limit is used up" in message and "GITHUB_TOKEN" in message and "Traceback" not in message
    assert listed["metrics"]


async def test_security_practices_on_a_file_snapshot_the_budget_cut_short_is_not_scored(tmp_path: Path) -> None:
    d = maintained_data()
    d.add_file("octo-org/quiet", "SECURITY.md", "Report to security@example.org\n")
    d.add_file("octo-org/quiet", ".github/dependabot.yml", "version: 2\n")
    with FakeGitHub(d) as gh:
        gh.inject(r"/contents/", Fault.slow(5.0), times=None)
        s = settings(gh, tmp_path, token=None).model_copy(update={"time_budget": 1.5, "http_timeout": 5.0})
        async with client(s) as c:
            result = await call(c, "security_practices", repo="octo-org/quiet", as_of=AS_OF)
    assert result["provenance"]["complete"] is False
    assert result["status"] == "inconclusive" and result["score"] is None
    assert result["reason"].startswith("Not scored: the collection of its data was cut short")

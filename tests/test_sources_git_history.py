"""Reading a local history: one git log pass into Commit records, mailmap, windows, errors, shallow clones."""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from chaoss_mcp.errors import BadInputError, BudgetExhaustedError, GitError
from chaoss_mcp.identity import AffiliationPolicy, AgentPolicy, BotPolicy
from chaoss_mcp.metrics import contribution_activity as ca
from chaoss_mcp.metrics import contributor_absence_factor as caf
from chaoss_mcp.metrics import organizational_diversity as od
from chaoss_mcp.records import Actor, Commit
from chaoss_mcp.sources.git import GIT_MISSING
from chaoss_mcp.sources.git import history as history_module
from chaoss_mcp.sources.git.history import iter_commits, read_commits, read_tags, repo_facts
from chaoss_mcp.sources.github import parse
from chaoss_mcp.window import TimeWindow
from tests.gitrepo import C, clone, make_repo, run, service_state

AS_OF = date(2026, 6, 30)
WINDOW = TimeWindow.ending(AS_OF, 365)  # 2025-07-01T00:00Z .. 2026-06-30T23:59:59Z

MAILMAP = "Ada Lovelace <ada@example.com> <ada@old.example>\n"

# Oldest first. Marks (and shas) are fixed because dates and identities are.
HISTORY = [
    C(author="Ada Lovelace <ada@example.com>", when="2024-01-10T09:00:00Z", message="first"),
    C(author="A. Lovelace <ada@old.example>", when="2025-03-01T09:00:00Z", message="from the old address"),
    # Authored the evening before the window opens, committed inside it: outside the window.
    C(
        author="Bob Builder <bob@corp.example>",
        when="2025-06-30T23:00:00Z",
        committer="Merge Bot <merge@corp.example>",
        committed="2025-07-02T08:00:00Z",
        message="late commit",
    ),
    # Authored on as_of, committed after it: inside the window.
    C(
        author="Cy Young <cy@example.org>",
        when="2026-06-30T20:00:00Z",
        committed="2026-07-05T08:00:00Z",
        message="Fix the parser\n\nLong body.\n\nCo-authored-by: Di Ma <di@example.net>\n"
        "co-authored-by: Claude <noreply@anthropic.com>\n",
    ),
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "project", HISTORY, mailmap=MAILMAP)


def test_commits_come_newest_first_with_both_identities_dates_and_parents(repo: Path) -> None:
    history = read_commits(repo)
    assert [c.message.splitlines()[0] for c in history.commits] == [
        "Fix the parser",
        "late commit",
        "from the old address",
        "first",
    ]
    late = history.commits[1]
    assert late.author == Actor(name="Bob Builder", email="bob@corp.example")
    assert late.committer == Actor(name="Merge Bot", email="merge@corp.example")
    assert late.authored_at == datetime(2025, 6, 30, 23, tzinfo=UTC)
    assert late.committed_at == datetime(2025, 7, 2, 8, tzinfo=UTC)
    assert [c.parents for c in history.commits] == [1, 1, 1, 0]
    assert all(len(c.sha) == 40 for c in history.commits)
    assert history.complete and history.incomplete_note is None
    assert history.facts.head == history.commits[0].sha


def test_the_mailmap_merges_an_old_address_into_the_canonical_identity(repo: Path) -> None:
    authors = [c.author for c in read_commits(repo).commits]
    assert authors[2] == Actor(name="Ada Lovelace", email="ada@example.com")
    assert authors[2] is authors[3]  # one shared record per identity


def test_a_bare_repository_honours_the_mailmap_committed_at_head(tmp_path: Path) -> None:
    bare = make_repo(tmp_path / "project.git", HISTORY, mailmap=MAILMAP, bare=True)
    facts = repo_facts(bare)
    assert facts.bare and facts.path == bare.resolve() and facts.git_dir == bare.resolve()
    assert facts.default_branch == "main" and not facts.shallow and not facts.empty
    assert read_commits(bare).commits[2].author == Actor(name="Ada Lovelace", email="ada@example.com")


def test_a_bare_repository_and_a_work_tree_of_one_history_read_the_same(tmp_path: Path, repo: Path) -> None:
    bare = make_repo(tmp_path / "project.git", HISTORY, mailmap=MAILMAP, bare=True)
    assert read_commits(bare).commits == read_commits(repo).commits
    facts = repo_facts(repo / ".git")  # the .git directory of a work tree names the same repository
    assert (facts.bare, facts.path) == (False, facts.git_dir)


def test_a_subdirectory_reads_the_history_of_its_whole_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "project", [C(files=(("src/app.py", "print()\n"),))])
    facts = repo_facts(repo / "src")
    assert facts.path == repo.resolve() and facts.default_branch == "main"
    assert len(read_commits(repo / "src").commits) == 1


def test_the_window_is_judged_on_the_author_date_not_the_committer_date(repo: Path) -> None:
    history = read_commits(repo, since=WINDOW.start, until=WINDOW.end)
    # "late commit" was committed inside the window but authored before it; "Fix the parser" the reverse.
    assert [c.message.splitlines()[0] for c in history.commits] == ["Fix the parser"]
    only_until = read_commits(repo, until=datetime(2025, 6, 30, 23, tzinfo=UTC))
    assert [c.message for c in only_until.commits] == ["late commit", "from the old address", "first"]


def test_co_authored_by_trailers_become_co_authors_whatever_their_case(repo: Path) -> None:
    newest = read_commits(repo).commits[0]
    assert newest.co_authors == (
        Actor(name="Di Ma", email="di@example.net"),
        Actor(name="Claude", email="noreply@anthropic.com"),
    )
    assert newest.message.startswith("Fix the parser\n\nLong body.")


def test_a_merge_commit_has_two_parents(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "m", [C(), C(when="2024-01-02T00:00:00Z"), C(when="2024-01-03T00:00:00Z", merge_with=0)]
    )
    assert [c.parents for c in read_commits(repo).commits] == [2, 1, 0]


def test_tags_are_dated_by_their_commit_annotated_ones_peeled(tmp_path: Path) -> None:
    commits = [C(when="2025-01-01T00:00:00Z"), C(when="2025-02-01T00:00:00Z")]
    repo = make_repo(tmp_path / "t", commits, tags=[("v1.0", 0, True), ("v1.1", 1, False)])
    shas = [c.sha for c in reversed(read_commits(repo).commits)]
    tags = {t.name: t for t in read_tags(repo)}
    # The annotated tag is an hour younger than its commit; its date is the commit's.
    assert (tags["v1.0"].sha, tags["v1.0"].date) == (shas[0], datetime(2025, 1, 1, tzinfo=UTC))
    assert (tags["v1.1"].sha, tags["v1.1"].date) == (shas[1], datetime(2025, 2, 1, tzinfo=UTC))


def test_an_empty_repository_reads_as_no_commits_not_an_error(tmp_path: Path) -> None:
    empty = make_repo(tmp_path / "empty", [])
    history = read_commits(empty)
    assert history.commits == [] and history.facts.empty and history.facts.head is None
    assert history.facts.default_branch == "main"
    assert read_tags(empty) == []


def test_a_directory_that_is_not_a_repository_is_refused_saying_what_to_give(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(BadInputError, match="is not a git repository") as caught:
        read_commits(plain)
    assert "contains a .git directory (or a bare repository)" in str(caught.value)


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="does not exist or is not a directory"):
        read_commits(tmp_path / "nowhere")


def test_git_missing_from_path_is_a_clear_error(tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    with pytest.raises(GitError) as caught:
        read_commits(repo)
    assert str(caught.value) == GIT_MISSING
    with pytest.raises(GitError, match="install git"):
        list(iter_commits(repo))


def test_a_ref_that_names_no_commit_or_looks_like_an_option_is_refused(repo: Path) -> None:
    with pytest.raises(BadInputError, match="does not name a commit"):
        read_commits(repo, ref="no-such-branch")
    with pytest.raises(BadInputError, match="not a valid git ref"):
        read_commits(repo, ref="--output=/tmp/x")
    assert len(read_commits(repo, ref="main~2").commits) == 2


def test_git_variables_in_the_environment_do_not_redirect_the_read(
    tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = make_repo(tmp_path / "other", [C(message="elsewhere")])
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    assert len(read_commits(repo).commits) == 4


def test_a_spent_time_budget_stops_before_running_git(repo: Path) -> None:
    with pytest.raises(BudgetExhaustedError, match="time budget"):
        read_commits(repo, deadline=time.monotonic() - 1)
    status: dict[str, object] = {}
    assert list(iter_commits(repo, deadline=time.monotonic() - 1, status=status)) == []
    assert status["complete"] is False


def test_a_deadline_that_passes_mid_read_stops_git_and_keeps_what_was_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in for a git log that sends one record, then stalls.
    record = "\x1f".join(["a" * 40, "", "Ada", "ada@example.com", "1767225600", "Ada", "ada@example.com"])
    record += "\x1f1767225600\x1f\x1fstalled\n\0"
    script = f"import sys, time; sys.stdout.buffer.write({record.encode()!r}); sys.stdout.flush(); time.sleep(30)"
    real_spawn = history_module.spawn
    monkeypatch.setattr(history_module, "spawn", lambda argv, env=None: real_spawn([sys.executable, "-c", script]))
    started = time.monotonic()
    history = read_commits(repo, deadline=started + 1.0)
    assert time.monotonic() - started < 10
    assert [c.message for c in history.commits] == ["stalled"]
    assert not history.complete
    assert history.incomplete_note is not None
    assert history.incomplete_note.endswith("1 commit (the newest) was read, older ones are missing")


def test_a_shallow_clone_is_flagged_and_holds_only_the_commits_it_fetched(tmp_path: Path, repo: Path) -> None:
    shallow = clone(repo, tmp_path / "shallow", "--depth", "2")
    history = read_commits(shallow)
    assert history.shallow and history.facts.shallow
    assert [c.message.splitlines()[0] for c in history.commits] == ["Fix the parser", "late commit"]
    assert history.commits[-1].parents == 0  # the cut-off commit's parents are not there


# -- through the service: GitData, inconclusive results and caveats -------------------------------------


@pytest.fixture
def shallow(tmp_path: Path, repo: Path) -> Path:
    return clone(repo, tmp_path / "shallow", "--depth", "1")


@pytest.mark.anyio
async def test_an_empty_repository_is_inconclusive_for_every_commit_metric(tmp_path: Path) -> None:
    empty = make_repo(tmp_path / "empty", [])
    async with service_state(tmp_path) as state:
        for metric in ("contributor_absence_factor", "contribution_activity", "organizational_diversity"):
            result = await run(state, metric, empty, as_of="2026-06-30")
            assert result.status == "inconclusive" and result.score is None, metric
            assert result.reason and result.provenance.source == "git" and result.provenance.complete
    activity = await _activity_reason(tmp_path, empty)
    assert activity == "The repository has no commits up to 2026-06-30; there is no activity to measure."


async def _activity_reason(tmp_path: Path, path: Path) -> str:
    async with service_state(tmp_path) as state:
        return (await run(state, "contribution_activity", path, as_of="2026-06-30")).reason


@pytest.mark.anyio
async def test_a_shallow_clone_gives_figures_with_a_caveat_saying_what_is_missing(
    tmp_path: Path, shallow: Path
) -> None:
    async with service_state(tmp_path) as state:
        result = await run(state, "contribution_activity", shallow, as_of="2026-06-30")
    assert result.value.commits == 1 and result.value.new_contributors == 1
    assert any("shallow clone" in c and "git fetch --unshallow" in c for c in result.caveats)


@pytest.mark.anyio
async def test_a_local_history_never_puts_an_email_address_in_a_result(tmp_path: Path, repo: Path) -> None:
    async with service_state(tmp_path) as state:
        for metric in ("contributor_absence_factor", "contribution_activity", "organizational_diversity"):
            result = await run(state, metric, repo, as_of="2026-06-30", window_days=3650)
            assert "@" not in result.model_dump_json(), metric


# -- the same history from GitHub records and from git gives the same figures -----------------------------

# (GitHub login or None, git author, author date, message tail). The GitHub API does not apply the
# mailmap: it links both of Ada's addresses to her login, and git merges them through the mailmap. Both
# addresses share a registrable domain, so affiliation agrees too (see the test after this one).
SAME_MAILMAP = "Ada Lovelace <ada@analytical.example> <ada@laptop.analytical.example>\n"
ADA, ADA_OLD = "Ada Lovelace <ada@analytical.example>", "A. Lovelace <ada@laptop.analytical.example>"
BOB = "Bob Builder <bob@redhat.com>"
DI = "Di Ma <12345+di@users.noreply.github.com>"
DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
PEOPLE: list[tuple[str | None, str, str, str]] = [
    ("ada", ADA, "2024-03-01T10:00:00Z", ""),
    ("ada", ADA_OLD, "2025-08-01T10:00:00Z", ""),
    ("ada", ADA, "2025-09-01T10:00:00Z", ""),
    ("ada", ADA, "2025-10-01T10:00:00Z", ""),
    ("ada", ADA_OLD, "2025-11-01T10:00:00Z", ""),
    ("bob", BOB, "2025-09-15T10:00:00Z", ""),
    ("bob", BOB, "2026-02-15T10:00:00Z", ""),
    ("bob", BOB, "2026-03-15T10:00:00Z", "\n\nCo-authored-by: Claude <noreply@anthropic.com>"),
    (None, "Cy Young <cy@gmail.com>", "2026-04-01T10:00:00Z", ""),  # an address GitHub links to nobody
    ("di", DI, "2026-05-01T10:00:00Z", ""),
    ("di", DI, "2026-05-02T10:00:00Z", ""),
    ("dependabot[bot]", DEPENDABOT, "2026-05-03T10:00:00Z", ""),
    ("eve", "Eve <eve@corp.example>", "2026-06-01T10:00:00Z", ""),
]
BOTS = BotPolicy.from_lists(["dependabot"], [r"\[bot\]$"])
AGENTS = AgentPolicy.from_lists([r"noreply@anthropic\.com"])
AFFILIATIONS = AffiliationPolicy(generic_domains={"gmail.com"}, domains={"redhat.com": "Red Hat"})


def _rest_commit(index: int, login: str | None, author: str, when: str, tail: str) -> dict[str, Any]:
    """An item of GET /repos/{o}/{r}/commits for one row of PEOPLE."""
    name, email = author[: author.index(" <")], author[author.index("<") + 1 : -1]
    user = None if login is None else {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"}
    return {
        "sha": f"{index:040x}",
        "commit": {
            "author": {"name": name, "email": email, "date": when},
            "committer": {"name": name, "email": email, "date": when},
            "message": f"change {index}{tail}",
        },
        "author": user,
        "committer": user,
        "parents": [{"sha": f"{index - 1:040x}"}] if index else [],
    }


def _figures(commits: list[Commit]) -> tuple[caf.Value, ca.Value, od.Value]:
    absence = caf.compute(
        commits=commits,
        window=WINDOW,
        params=caf.Params(window_days=365, share=0.5, tie_rule="at_least", exclude_bots=True),
        bots=BOTS,
    )
    activity = ca.compute(
        commits=commits,
        window=WINDOW,
        params=ca.Params(
            window_days=365,
            core_share=0.8,
            regular_share=0.95,
            repeat_min_contributions=4,
            repeat_within_days=365,
            trend_threshold=0.2,
            exclude_bots=True,
        ),
        bots=BOTS,
        agents=AGENTS,
    )
    orgs = od.compute(
        commits=commits,
        window=WINDOW,
        params=od.Params(window_days=365, share=0.5, generic_share_caveat=0.4, exclude_bots=True),
        bots=BOTS,
        affiliations=AFFILIATIONS,
    )
    return absence, activity, orgs


def test_git_and_github_records_of_one_history_give_the_same_figures(tmp_path: Path) -> None:
    specs = [C(author=a, when=w, message=f"change {i}{t}") for i, (_, a, w, t) in enumerate(PEOPLE)]
    from_git = read_commits(make_repo(tmp_path / "same", specs, mailmap=SAME_MAILMAP)).commits
    from_github = [parse.commit(_rest_commit(i, *row)) for i, row in reversed(list(enumerate(PEOPLE)))]
    assert len(from_git) == len(from_github) == 13

    (g_abs, g_act, g_org), (h_abs, h_act, h_org) = _figures(from_git), _figures(from_github)
    # Names differ (git shows "Ada Lovelace", GitHub "ada"); every count agrees.
    assert g_abs.model_dump(exclude={"top"}) == h_abs.model_dump(exclude={"top"})
    assert [c.commits for c in g_abs.top] == [c.commits for c in h_abs.top]
    assert g_act == h_act
    assert g_org == h_org

    # By hand, window 2025-07-01..2026-06-30: 11 human commits (the bot and Ada's 2024 one are out):
    # Ada 4, Bob 3, Di 2, Cy 1, Eve 1. Ada + Bob = 7 >= 5.5: factor 2; Ada's share 4/11.
    assert (g_abs.factor, g_abs.commits, g_abs.contributors, g_abs.bot_commits, g_abs.top1_share) == (
        2,
        11,
        5,
        1,
        0.3636,
    )
    assert [(c.name, c.commits) for c in g_abs.top[:2]] == [("Ada Lovelace", 4), ("Bob Builder", 3)]
    assert [(c.name, c.commits) for c in h_abs.top[:2]] == [("ada", 4), ("bob", 3)]
    # Ada committed in 2024, so she returns; the other four are new, none with 4 commits (all drive-by,
    # undecided: their 365 days run past as_of). Onion: 4/11 and 7/11 core, 9/11 and 10/11 regular, 1 casual.
    assert (g_act.new_contributors, g_act.returning_contributors, g_act.repeat_contributors) == (4, 1, 0)
    assert (g_act.drive_by_contributors, g_act.drive_by_undecided) == (4, 4)
    assert (g_act.core, g_act.regular, g_act.casual, g_act.top3_share) == (2, 2, 1, 0.8182)
    # Halves split at 2025-12-30 12:00: 5 commits before, 6 after: +20 %, not above the threshold.
    assert (g_act.first_half_commits, g_act.second_half_commits, g_act.trend_change, g_act.trend) == (
        5,
        6,
        0.2,
        "stable",
    )
    assert [(p.start.month, p.commits, p.contributors) for p in g_act.by_period] == [
        (7, 0, 0),
        (8, 1, 1),
        (9, 2, 2),
        (10, 1, 1),
        (11, 1, 1),
        (12, 0, 0),
        (1, 0, 0),
        (2, 1, 1),
        (3, 1, 1),
        (4, 1, 1),
        (5, 2, 1),
        (6, 1, 1),
    ]
    assert not any(p.partial for p in g_act.by_period)
    assert (g_act.bot_commits, g_act.ai_coauthored_commits) == (1, 1)
    # analytical.example 4 (Ada's own domain), Red Hat 3 (domain map), corp.example 1; Cy (gmail) and Di
    # (GitHub noreply) are unaffiliated. Affiliated 8: analytical.example alone reaches 4.
    assert g_org.elephant_factor == 1
    assert [(o.name, o.commits, o.contributors) for o in g_org.organizations] == [
        ("analytical.example", 4, 1),
        ("Red Hat", 3, 1),
        ("corp.example", 1, 1),
    ]
    assert (g_org.affiliated_share, g_org.unaffiliated_share, g_org.unknown_share) == (0.7273, 0.2727, 0.0)


def test_a_mailmap_across_email_domains_is_where_the_sources_part_on_affiliation(tmp_path: Path) -> None:
    # GitHub's API shows each commit's own address; git shows the mailmap's. A person who changed
    # employer domain and merged the addresses in .mailmap is counted under the new domain from git only.
    rows = [
        ("ada", "Ada <ada@new.example>", "2026-01-01T00:00:00Z", ""),
        ("ada", "Ada <ada@old.example>", "2026-02-01T00:00:00Z", ""),
    ]
    specs = [C(author=a, when=w) for _, a, w, _ in rows]
    repo = make_repo(tmp_path / "moved", specs, mailmap="Ada <ada@new.example> <ada@old.example>\n")
    from_git = read_commits(repo).commits
    from_github = [parse.commit(_rest_commit(i, *row)) for i, row in enumerate(rows)]
    git_orgs = _figures(from_git)[2]
    github_orgs = _figures(from_github)[2]
    assert [(o.name, o.commits) for o in git_orgs.organizations] == [("new.example", 2)]
    assert [(o.name, o.commits) for o in github_orgs.organizations] == [("new.example", 1), ("old.example", 1)]
    # The people and commit counts still agree: GitHub merges Ada by login, git by the mailmap.
    assert (git_orgs.contributors, git_orgs.commits) == (github_orgs.contributors, github_orgs.commits) == (1, 2)

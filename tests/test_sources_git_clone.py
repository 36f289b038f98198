"""Blobless bare clones in the cache directory, from a local "remote" served over file://."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from chaoss_mcp.errors import BadInputError, BudgetExhaustedError, GitError
from chaoss_mcp.sources.git.clone import clone_lock, ensure_blobless_clone
from chaoss_mcp.sources.git.history import read_commits, read_tags, repo_facts
from tests.gitrepo import C, append_commits, git, make_repo, run, service_state

FIRST = [C(author=f"P{i} <p{i}@example.org>", when=f"2026-01-{i + 1:02d}T00:00:00Z") for i in range(5)]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare repository standing in for the forge; it serves partial clones like GitHub does."""
    path = make_repo(tmp_path / "forge" / "owner" / "name.git", FIRST, bare=True, tags=[("v1", 2, True)])
    git(path, "config", "uploadpack.allowFilter", "true")
    return path


def missing_objects(repo: Path) -> int:
    """Objects reachable from HEAD that a partial clone has not fetched (never fetching them)."""
    out = git(repo, "rev-list", "--objects", "--missing=print", "HEAD")
    return sum(1 for line in out.splitlines() if line.startswith("?"))


def test_a_first_call_makes_a_bare_blobless_clone_in_the_cache(tmp_path: Path, remote: Path) -> None:
    cache = tmp_path / "cache"
    path = ensure_blobless_clone(f"file://{remote}", cache, "host_owner_name", deadline=None)
    assert path == cache / "clones" / "host_owner_name"
    facts = repo_facts(path)
    assert facts.bare and facts.default_branch == "main" and not facts.shallow
    assert len(read_commits(path).commits) == 5
    assert [t.name for t in read_tags(path)] == ["v1"]
    # Commits and trees came, file contents did not: each commit's file.txt blob is missing.
    assert missing_objects(path) == 5
    assert [p.name for p in (cache / "clones").iterdir() if "partial" in p.name] == []


def test_a_later_call_fetches_new_commits_and_tags_into_the_same_clone(tmp_path: Path, remote: Path) -> None:
    cache = tmp_path / "cache"
    path = ensure_blobless_clone(f"file://{remote}", cache, "k", deadline=None)
    append_commits(remote, [C(author="New Comer <new@example.org>", when="2026-02-01T00:00:00Z")])
    git(remote, "tag", "v2", "main")
    git(remote, "tag", "-d", "v1")
    assert ensure_blobless_clone(f"file://{remote}", cache, "k", deadline=None) == path
    commits = read_commits(path).commits
    assert len(commits) == 6 and commits[0].author.name == "New Comer"
    assert [t.name for t in read_tags(path)] == ["v2"]  # deleted tags are pruned


def test_head_follows_the_remote_when_it_renames_its_default_branch(tmp_path: Path, remote: Path) -> None:
    cache = tmp_path / "cache"
    path = ensure_blobless_clone(f"file://{remote}", cache, "k", deadline=None)
    git(remote, "branch", "-m", "main", "trunk")  # the old name is gone, as after master -> main
    ensure_blobless_clone(f"file://{remote}", cache, "k", deadline=None)
    facts = repo_facts(path)
    assert facts.default_branch == "trunk" and not facts.empty
    assert len(read_commits(path).commits) == 5


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/srv/git/project", "not a clonable URL"),
        ("ssh://git@example.org/owner/name.git", "not a clonable URL"),
        ("git@example.org:owner/name.git", "not a clonable URL"),
        ("-uhttps://example.org/x", "not a clonable URL"),
        ("ext::sh -c touch% /tmp/pwned", "not a clonable URL"),
        ("https://user:secret@example.org/owner/name.git", "carries credentials"),
    ],
)
def test_only_https_and_file_urls_without_credentials_are_cloned(tmp_path: Path, url: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message) as caught:
        ensure_blobless_clone(url, tmp_path / "cache", "k", deadline=None)
    assert "secret" not in str(caught.value)
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("key", ["", "../escape", "a/b", ".hidden", "x" * 201])
def test_a_clone_key_that_could_leave_the_cache_is_refused(tmp_path: Path, remote: Path, key: str) -> None:
    with pytest.raises(BadInputError, match="not a usable clone key"):
        ensure_blobless_clone(f"file://{remote}", tmp_path / "cache", key, deadline=None)


def test_a_remote_that_does_not_exist_is_a_git_error_and_leaves_nothing_behind(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(GitError, match=r"git clone failed \(exit 128\)"):
        ensure_blobless_clone(f"file://{tmp_path}/nowhere.git", cache, "k", deadline=None)
    assert [p.name for p in (cache / "clones").iterdir()] == ["k.lock"]


def test_a_leftover_that_is_not_a_clone_is_replaced(tmp_path: Path, remote: Path) -> None:
    cache = tmp_path / "cache"
    (cache / "clones" / "k").mkdir(parents=True)
    (cache / "clones" / "k" / "junk").write_text("x")
    path = ensure_blobless_clone(f"file://{remote}", cache, "k", deadline=None)
    assert not (path / "junk").exists() and len(read_commits(path).commits) == 5


def test_a_spent_budget_stops_before_cloning(tmp_path: Path, remote: Path) -> None:
    with pytest.raises(BudgetExhaustedError, match="before the clone could start"):
        ensure_blobless_clone(f"file://{remote}", tmp_path / "cache", "k", deadline=time.monotonic() - 1)


def test_a_held_lock_makes_a_second_caller_wait_until_its_budget_runs_out(tmp_path: Path) -> None:
    lock = tmp_path / "clones" / "k.lock"
    with clone_lock(lock, deadline=None):
        started = time.monotonic()
        with (
            pytest.raises(BudgetExhaustedError, match="Another process is updating the clone"),
            clone_lock(lock, deadline=started + 0.2),
        ):
            pass
        assert time.monotonic() - started >= 0.2
    with clone_lock(lock, deadline=time.monotonic() + 1):  # released: taken at once
        pass


def test_git_missing_from_path_is_a_clear_error(tmp_path: Path, remote: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitError, match="git is not installed or not on PATH"):
        ensure_blobless_clone(f"file://{remote}", tmp_path / "cache", "k", deadline=None)


@pytest.mark.anyio
async def test_source_git_on_owner_name_reads_the_servers_clone_and_refetches_it(tmp_path: Path, remote: Path) -> None:
    forge = f"file://{tmp_path / 'forge'}"
    async with service_state(tmp_path, git_base_url=forge) as state:
        first = await run(state, "contributor_absence_factor", "owner/name", source="git", as_of="2026-06-30")
        assert first.repository.source == "git" and first.repository.canonical == "owner/name"
        assert first.value.commits == 5 and first.provenance.source == "git"
        append_commits(remote, [C(author="P0 <p0@example.org>", when="2026-03-01T00:00:00Z")])
        again = await run(state, "contributor_absence_factor", "owner/name", source="git", as_of="2026-06-30")
    assert again.value.commits == 6 and again.value.top[0].commits == 2
    clones = list((tmp_path / "cache" / "clones").iterdir())
    assert sorted(p.name for p in clones) == ["127.0.0.1_9_owner_name", "127.0.0.1_9_owner_name.lock"]

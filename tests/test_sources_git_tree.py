"""The files at HEAD: every path listed, only the wanted files read, oversized ones reported, not read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from chaoss_mcp.checks.snapshot import MAX_FILE_BYTES, files_to_read
from chaoss_mcp.errors import BudgetExhaustedError, GitError
from chaoss_mcp.sources.git.clone import ensure_blobless_clone
from chaoss_mcp.sources.git.tree import blob_sizes, list_paths, read_blobs, read_snapshot_files
from tests.gitrepo import C, git, make_repo

BIG = "x" * (MAX_FILE_BYTES + 1)
FILES = (
    ("README.md", "# Project\n"),
    ("SECURITY.md", BIG),
    ("CONTRIBUTING.md", "Send patches.\n"),
    (".github/workflows/ci.yml", "on: push\n"),
    ("src/main.py", "print('hello')\n"),
    ("docs/odd name ü.md", "spaces and non-ASCII\n"),
)
CONTENT = dict(FILES)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "project", [C(files=FILES)])


def test_every_blob_at_head_is_listed_by_path(repo: Path) -> None:
    assert sorted(list_paths(repo)) == sorted(["file.txt", *(name for name, _ in FILES)])


def test_only_the_wanted_files_are_read_and_an_oversized_one_is_reported(repo: Path) -> None:
    paths, files, oversized = read_snapshot_files(repo)
    assert "src/main.py" in paths and "docs/odd name ü.md" in paths
    wanted = files_to_read(paths)
    assert {"CONTRIBUTING.md", ".github/workflows/ci.yml", "SECURITY.md"} <= set(wanted)
    assert "src/main.py" not in wanted
    assert files == {path: CONTENT[path] for path in wanted if path != "SECURITY.md"}
    assert oversized == ["SECURITY.md"]


def test_uncommitted_edits_and_untracked_files_do_not_count(repo: Path) -> None:
    (repo / "CONTRIBUTING.md").write_text("Edited but not committed\n")
    (repo / "CODE_OF_CONDUCT.md").write_text("untracked\n")
    (repo / ".github" / "workflows" / "ci.yml").unlink()
    paths, files, _ = read_snapshot_files(repo)
    assert "CODE_OF_CONDUCT.md" not in paths and ".github/workflows/ci.yml" in paths
    assert files["CONTRIBUTING.md"] == "Send patches.\n" and files[".github/workflows/ci.yml"] == "on: push\n"


def test_a_bare_repository_is_read_the_same_way(tmp_path: Path) -> None:
    bare = make_repo(tmp_path / "project.git", [C(files=FILES)], bare=True)
    assert read_snapshot_files(bare) == read_snapshot_files(make_repo(tmp_path / "work", [C(files=FILES)]))


def test_a_repository_without_commits_has_no_files(tmp_path: Path) -> None:
    assert read_snapshot_files(make_repo(tmp_path / "empty", [])) == ([], {}, [])


def test_sizes_and_contents_skip_paths_that_name_no_blob(repo: Path) -> None:
    assert blob_sizes(repo, ["README.md", "nope.md", "src"]) == {"README.md": 10}
    assert read_blobs(repo, ["nope.md", "docs/odd name ü.md", "src", "README.md"]) == {
        "docs/odd name ü.md": "spaces and non-ASCII\n",
        "README.md": "# Project\n",
    }
    assert read_blobs(repo, ["bad\nname"]) == {} and blob_sizes(repo, []) == {}


def test_a_symlink_is_read_as_its_target_text_never_followed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "project", [C()])
    (repo / "CONTRIBUTING.md").symlink_to("/etc/hostname")
    git(repo, "add", "CONTRIBUTING.md")
    git(repo, "commit", "-q", "-m", "link")
    assert read_snapshot_files(repo)[1] == {"CONTRIBUTING.md": "/etc/hostname"}


def test_a_blobless_clone_fetches_only_the_files_it_reads(tmp_path: Path) -> None:
    many = tuple((f"src/module_{i}.py", f"# {i}\n") for i in range(40))
    remote = make_repo(tmp_path / "remote.git", [C(files=FILES + many)], bare=True)
    git(remote, "config", "uploadpack.allowFilter", "true")
    clone = ensure_blobless_clone(f"file://{remote}", tmp_path / "cache", "k", deadline=None)

    def missing() -> int:
        out = git(clone, "rev-list", "--objects", "--missing=print", "HEAD")
        return sum(1 for line in out.splitlines() if line.startswith("?"))

    assert missing() == 47  # file.txt, the six FILES and 40 modules
    paths, files, oversized = read_snapshot_files(clone)
    wanted = files_to_read(paths)
    assert len(paths) == 47 and files == {path: CONTENT[path] for path in wanted if path != "SECURITY.md"}
    assert oversized == ["SECURITY.md"]
    # Sizing the wanted files needed their blobs; no other file was fetched.
    assert missing() == 47 - len(wanted)


def test_git_missing_from_path_is_a_clear_error(tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitError, match="git is not installed or not on PATH"):
        read_blobs(repo, ["README.md"])
    with pytest.raises(GitError, match="git is not installed or not on PATH"):
        read_snapshot_files(repo)


def test_a_spent_budget_stops_reading(repo: Path) -> None:
    with pytest.raises(BudgetExhaustedError):
        read_snapshot_files(repo, deadline=time.monotonic() - 1)
    with pytest.raises(BudgetExhaustedError, match="before the files could be read"):
        read_blobs(repo, ["README.md"], deadline=time.monotonic() - 1)

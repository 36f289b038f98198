"""Path confinement: only repositories under an allowed root are read, and a refusal says how to allow one."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaoss_mcp.errors import BadInputError, GitError
from chaoss_mcp.sources.git.paths import check_within_roots, is_within, looks_like_local_path, resolve_local_repo
from tests.gitrepo import C, make_repo, run, service_state


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("./project", True),
        ("../project", True),
        ("/srv/git/project.git", True),
        ("~/src/project", True),
        (".", True),
        ("..", True),
        ("file:///srv/git/project", True),
        ("C:\\src\\project", True),
        (".\\project", True),
        ("owner/name", False),
        ("https://github.com/owner/name", False),
        ("project", False),
        ("", False),
    ],
)
def test_only_forms_that_can_only_mean_a_path_read_git(text: str, local: bool) -> None:
    assert looks_like_local_path(text) is local


@pytest.fixture
def roots(tmp_path: Path) -> list[Path]:
    (tmp_path / "allowed").mkdir()
    return [tmp_path / "allowed"]


def test_a_repository_under_an_allowed_root_resolves_to_its_real_path(tmp_path: Path, roots: list[Path]) -> None:
    repo = make_repo(tmp_path / "allowed" / "project", [C()])
    assert resolve_local_repo(str(repo), roots) == repo.resolve()
    assert resolve_local_repo(f"  {repo}/  ", roots) == repo.resolve()
    assert resolve_local_repo(f"file://{repo}", roots) == repo.resolve()
    assert resolve_local_repo(f"file://localhost{repo}", roots) == repo.resolve()
    assert resolve_local_repo(str(roots[0] / "x" / ".." / "project"), roots) == repo.resolve()


def test_a_path_outside_every_root_is_refused_with_how_to_allow_it(tmp_path: Path, roots: list[Path]) -> None:
    outside = make_repo(tmp_path / "elsewhere", [C()])
    with pytest.raises(BadInputError) as caught:
        resolve_local_repo(str(outside), roots)
    message = str(caught.value)
    assert f"{outside.resolve()} is outside the allowed roots ({roots[0].resolve()})" in message
    assert "--allow-path DIR" in message and "CHAOSS_MCP_ALLOW_PATHS" in message and "root" in message


def test_with_no_root_configured_nothing_is_readable_and_the_message_says_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "project", [C()])
    with pytest.raises(BadInputError, match=r"outside the allowed roots \(none are configured\)\. Start the server"):
        resolve_local_repo(str(repo), [])


def test_dot_dot_cannot_climb_out_of_a_root(tmp_path: Path, roots: list[Path]) -> None:
    make_repo(tmp_path / "elsewhere", [C()])
    with pytest.raises(BadInputError, match="outside the allowed roots"):
        resolve_local_repo(str(roots[0] / ".." / "elsewhere"), roots)


def test_a_symlink_inside_a_root_pointing_outside_it_is_refused(tmp_path: Path, roots: list[Path]) -> None:
    outside = make_repo(tmp_path / "elsewhere", [C()])
    (roots[0] / "link").symlink_to(outside)
    with pytest.raises(BadInputError, match=f"{outside.resolve()} is outside the allowed roots"):
        resolve_local_repo(str(roots[0] / "link"), roots)


def test_a_root_given_through_a_symlink_still_allows_what_is_under_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "real" / "project", [C()])
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    assert resolve_local_repo(str(repo), [tmp_path / "alias"]) == repo.resolve()
    assert is_within(repo.resolve(), [tmp_path / "alias"])
    assert not is_within(repo.resolve(), [tmp_path / "real" / "proj"])  # a name prefix is not a parent


def test_a_subdirectory_of_a_repository_whose_top_is_outside_the_roots_is_refused(tmp_path: Path) -> None:
    # The allowed directory holds no repository of its own: git would find the enclosing one and read
    # its whole history, which lies outside the root.
    repo = make_repo(tmp_path / "outer", [C(files=(("sub/notes.txt", "x\n"),))])
    sub = repo / "sub"
    with pytest.raises(BadInputError) as caught:
        resolve_local_repo(str(sub), [sub])
    message = str(caught.value)
    assert f"belongs to the git repository at {repo.resolve()}, which is outside the allowed roots" in message
    assert "--allow-path" in message
    assert resolve_local_repo(str(sub), [repo]) == sub.resolve()  # allowed once its top is


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "path is empty"),
        ("   ", "path is empty"),
        ("a\0b", "NUL byte"),
        ("/" + "a" * 5000, "longer than 4096"),
        ("file://example.org/srv/project", "on another host"),
    ],
)
def test_malformed_paths_are_refused_before_anything_is_read(text: str, message: str, roots: list[Path]) -> None:
    with pytest.raises(BadInputError, match=message):
        resolve_local_repo(text, roots)


def test_a_missing_path_a_file_and_a_plain_directory_are_each_refused(tmp_path: Path, roots: list[Path]) -> None:
    with pytest.raises(BadInputError, match="does not exist; check the path"):
        resolve_local_repo(str(roots[0] / "nowhere"), roots)
    (roots[0] / "file.txt").write_text("x")
    with pytest.raises(BadInputError, match="is a file, not a directory"):
        resolve_local_repo(str(roots[0] / "file.txt"), roots)
    (roots[0] / "plain").mkdir()
    with pytest.raises(BadInputError, match="is not a git repository"):
        resolve_local_repo(str(roots[0] / "plain"), roots)


def test_check_within_roots_accepts_the_root_itself(tmp_path: Path) -> None:
    assert check_within_roots(tmp_path, [tmp_path]) == tmp_path.resolve()


@pytest.mark.anyio
async def test_a_tool_call_on_a_path_outside_the_roots_is_refused_before_git_runs(tmp_path: Path) -> None:
    outside = make_repo(tmp_path / "elsewhere", [C()])
    (tmp_path / "repos").mkdir()
    async with service_state(tmp_path, allow_paths=(tmp_path / "repos",)) as state:
        with pytest.raises(BadInputError, match="--allow-path"):
            await run(state, "contributor_absence_factor", outside)


@pytest.mark.anyio
async def test_a_tool_call_without_git_on_path_says_to_install_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "project", [C()])
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    async with service_state(tmp_path) as state:
        with pytest.raises(GitError, match="git is not installed or not on PATH; install git"):
            await run(state, "contribution_activity", repo)


def test_credentials_in_a_file_url_are_not_repeated_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(BadInputError) as refused:
        resolve_local_repo("file://bob:s3cret@fileserver/srv/repo", [tmp_path])
    assert "s3cret" not in str(refused.value) and "bob" not in str(refused.value)
    assert "another host (fileserver)" in str(refused.value)

"""The files at HEAD of a local repository, for the security and governance checks.

Reads the object database, not the work tree: uncommitted edits and untracked files do not count, a
bare repository works, and nothing outside the repository is ever opened (symlinks are blobs here).
One ``git ls-tree`` lists every path (names only: asking for sizes would make a blobless clone fetch
every file); one ``git cat-file --batch-check`` sizes the few files the checks need and one
``git cat-file --batch`` reads those small enough. In a blobless clone only those few are fetched.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from chaoss_mcp.checks.snapshot import MAX_FILE_BYTES, files_to_read
from chaoss_mcp.errors import BudgetExhaustedError, GitError
from chaoss_mcp.sources.git import GIT_MISSING, git_command, git_environment, git_failure, remaining, run_git


def list_paths(repo: Path, *, deadline: float | None = None) -> list[str]:
    """Path of every blob at HEAD (submodules left out); empty for a repository without commits."""
    head = run_git(
        repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", deadline=deadline, ok_codes=frozenset({0, 1})
    )
    if head.returncode != 0:
        return []
    done = run_git(repo, "ls-tree", "-r", "-z", "--full-tree", "HEAD", deadline=deadline)
    out: list[str] = []
    for entry in done.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) < 3 or parts[1] != b"blob":
            continue  # submodules (commit entries) have no content here
        out.append(name.decode("utf-8", "replace"))
    return out


def _cat_file(repo: Path, mode: str, request: bytes, deadline: float | None) -> bytes:
    left = remaining(deadline)
    if left is not None and left <= 0:
        raise BudgetExhaustedError("The time budget ran out before the files could be read; try again.")
    try:
        done = subprocess.run(
            git_command(repo, "cat-file", mode),
            input=request,
            capture_output=True,
            env=git_environment(),
            timeout=left,
            check=False,
        )
    except FileNotFoundError:
        raise GitError(GIT_MISSING) from None
    except subprocess.TimeoutExpired:
        raise BudgetExhaustedError("Reading files from git did not finish within the time budget.") from None
    if done.returncode != 0:
        raise git_failure(repo, ["cat-file"], done.returncode, done.stderr)
    return done.stdout


def _requestable(paths: list[str]) -> list[str]:
    # cat-file reads one request per line: a name with a newline (or a NUL) cannot be asked for.
    return [p for p in paths if "\n" not in p and "\0" not in p]


def blob_sizes(repo: Path, paths: list[str], *, deadline: float | None = None) -> dict[str, int]:
    """Size in bytes of ``HEAD:path`` for each path that names a blob."""
    paths = _requestable(paths)
    if not paths:
        return {}
    data = _cat_file(repo, "--batch-check", b"".join(f"HEAD:{p}\n".encode() for p in paths), deadline)
    sizes: dict[str, int] = {}
    for path, line in zip(paths, data.splitlines(), strict=False):
        parts = line.split()
        # "<sha> blob <size>", or "HEAD:<path> missing" (whose path may hold spaces).
        if len(parts) == 3 and parts[1] == b"blob" and parts[2].isdigit():
            sizes[path] = int(parts[2])
    return sizes


def read_blobs(repo: Path, paths: list[str], *, deadline: float | None = None) -> dict[str, str]:
    """Contents of ``HEAD:path`` for each path, decoded as UTF-8 (undecodable bytes replaced)."""
    paths = _requestable(paths)
    if not paths:
        return {}
    data = _cat_file(repo, "--batch", b"".join(f"HEAD:{p}\n".encode() for p in paths), deadline)
    files: dict[str, str] = {}
    pos = 0
    for path in paths:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        header = data[pos:end].split()
        pos = end + 1
        if len(header) != 3 or header[-1] == b"missing" or not header[2].isdigit():
            continue
        size = int(header[2])
        if header[1] == b"blob":
            files[path] = data[pos : pos + size].decode("utf-8", "replace")
        pos += size + 1  # the content is followed by a newline
    return files


def read_snapshot_files(repo: Path, *, deadline: float | None = None) -> tuple[list[str], dict[str, str], list[str]]:
    """(every path at HEAD, contents of the files the checks need, wanted files too large to read)."""
    paths = list_paths(repo, deadline=deadline)
    wanted = files_to_read(paths)
    sizes = blob_sizes(repo, wanted, deadline=deadline)
    small = [p for p in wanted if p in sizes and sizes[p] <= MAX_FILE_BYTES]
    oversized = [p for p in wanted if sizes.get(p, 0) > MAX_FILE_BYTES]
    return paths, read_blobs(repo, small, deadline=deadline), oversized


__all__ = ["blob_sizes", "list_paths", "read_blobs", "read_snapshot_files"]

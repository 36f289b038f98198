"""The files at HEAD of a local repository, for the security and governance checks.

Reads the object database, not the work tree: uncommitted edits and untracked files do not count, a
bare repository works, and nothing outside the repository is ever opened (symlinks are blobs here).
One ``git ls-tree`` lists every path; one ``git cat-file --batch`` reads the few files the checks need.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from chaoss_mcp.checks.snapshot import MAX_FILE_BYTES, files_to_read
from chaoss_mcp.errors import BudgetExhaustedError
from chaoss_mcp.sources.git import git_command, git_environment, remaining, run_git


def list_paths(repo: Path, *, deadline: float | None = None) -> list[tuple[str, int]]:
    """(path, size in bytes) of every blob at HEAD; empty for a repository without commits."""
    head = run_git(
        repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", deadline=deadline, ok_codes=frozenset({0, 1})
    )
    if head.returncode != 0:
        return []
    done = run_git(repo, "ls-tree", "-r", "-z", "--long", "--full-tree", "HEAD", deadline=deadline)
    out: list[tuple[str, int]] = []
    for entry in done.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) < 4 or parts[1] != b"blob":
            continue  # submodules (commit entries) have no content here
        size = int(parts[3]) if parts[3].isdigit() else 0
        out.append((name.decode("utf-8", "replace"), size))
    return out


def read_blobs(repo: Path, paths: list[str], *, deadline: float | None = None) -> dict[str, str]:
    """Contents of ``HEAD:path`` for each path, decoded as UTF-8 (undecodable bytes replaced)."""
    if not paths:
        return {}
    request = b"".join(f"HEAD:{p}\n".encode() for p in paths)
    left = remaining(deadline)
    if left is not None and left <= 0:
        raise BudgetExhaustedError("The time budget ran out before the files could be read; try again.")
    try:
        done = subprocess.run(
            git_command(repo, "cat-file", "--batch"),
            input=request,
            capture_output=True,
            env=git_environment(),
            timeout=left,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BudgetExhaustedError("Reading files from git did not finish within the time budget.") from None
    data = done.stdout
    files: dict[str, str] = {}
    pos = 0
    for path in paths:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[-1] == b"missing":
            continue
        size = int(header[2])
        files[path] = data[pos : pos + size].decode("utf-8", "replace")
        pos += size + 1  # the content is followed by a newline
    return files


def read_snapshot_files(repo: Path, *, deadline: float | None = None) -> tuple[list[str], dict[str, str], list[str]]:
    """(every path at HEAD, contents of the files the checks need, wanted files too large to read)."""
    listing = list_paths(repo, deadline=deadline)
    sizes = dict(listing)
    paths = [p for p, _ in listing]
    wanted = files_to_read(paths)
    small = [p for p in wanted if sizes.get(p, 0) <= MAX_FILE_BYTES]
    oversized = [p for p in wanted if sizes.get(p, 0) > MAX_FILE_BYTES]
    return paths, read_blobs(repo, small, deadline=deadline), oversized


__all__ = ["list_paths", "read_blobs", "read_snapshot_files"]

"""A cached blobless bare clone of a remote repository, for reading its history without the API.

``--filter=blob:none`` fetches commits and trees only (file contents on demand), so even large
projects clone in seconds; later calls ``git fetch --prune`` into the same clone. A lock file keeps
two server processes (or two calls) from cloning or fetching into one directory at once.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from chaoss_mcp.errors import BadInputError, BudgetExhaustedError, GitError
from chaoss_mcp.sources.git import GIT_MISSING, git_command, git_environment, git_failure, remaining, run_git

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_SCHEMES = frozenset({"https", "http", "file"})
_FILTER = "--filter=blob:none"
_REFSPECS = ("+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")
_LOCK_POLL_SECONDS = 0.05


def _check_url(remote_url: str) -> None:
    parts = urlsplit(remote_url)
    if remote_url.startswith("-") or parts.scheme.lower() not in _SCHEMES:
        raise BadInputError(
            f"{remote_url!r} is not a clonable URL; give an https:// URL (or file:// for a local repository)."
        )
    if parts.username or parts.password:
        raise BadInputError("The clone URL carries credentials; give it without user or password.")


def _clone_dir(cache_dir: Path, key: str) -> Path:
    if not _KEY.match(key) or ".." in key:
        raise BadInputError(f"{key!r} is not a usable clone key; use letters, digits, '.', '_' and '-'.")
    return cache_dir / "clones" / key


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def clone_lock(lock_path: Path, *, deadline: float | None) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path``; wait for another holder until the deadline."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        while not _try_lock(handle):
            left = remaining(deadline)
            if left is not None and left <= 0:
                raise BudgetExhaustedError(
                    f"Another process is updating the clone at {lock_path.with_suffix('')} and the time budget "
                    "ran out while waiting; try again shortly."
                )
            time.sleep(_LOCK_POLL_SECONDS if left is None else min(_LOCK_POLL_SECONDS, left))
        # The lock is released when the file is closed (flock) or the process exits.
        yield


def _run(argv: list[str], *, deadline: float | None, what: str, where: Path | None) -> bytes:
    left = remaining(deadline)
    if left is not None and left <= 0:
        raise BudgetExhaustedError(f"The time budget ran out before the {what} could start; try again.")
    try:
        done = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, env=git_environment(), timeout=left, check=False
        )
    except FileNotFoundError:
        raise GitError(GIT_MISSING) from None
    except subprocess.TimeoutExpired:
        raise BudgetExhaustedError(
            f"The {what} did not finish within the time budget; try again (it resumes from what is cached) "
            "or raise CHAOSS_MCP_TIME_BUDGET."
        ) from None
    if done.returncode != 0:
        raise git_failure(where, [what], done.returncode, done.stderr)
    return done.stdout


def _follow_remote_head(target: Path, remote_url: str, *, deadline: float | None) -> None:
    """Point the clone's HEAD at the remote's default branch.

    ``fetch --prune`` drops a branch the remote deleted; when the remote renamed its default branch
    (master -> main), HEAD would name a branch that no longer exists and the clone would look empty.
    """
    listing = _run(
        git_command(target, "ls-remote", "--symref", "--", remote_url, "HEAD"),
        deadline=deadline,
        what="ls-remote",
        where=target,
    )
    branch = None
    for line in listing.decode("utf-8", "replace").splitlines():
        ref, _, name = line.partition("\t")
        if name == "HEAD" and ref.startswith("ref: refs/heads/"):
            branch = ref.removeprefix("ref: ")
            break
    if branch is None:
        return
    current = run_git(target, "symbolic-ref", "-q", "HEAD", deadline=deadline, ok_codes=frozenset({0, 1}))
    if current.stdout.decode("utf-8", "replace").strip() == branch:
        return
    exists = run_git(
        target, "rev-parse", "-q", "--verify", f"{branch}^{{commit}}", deadline=deadline, ok_codes=frozenset({0, 1})
    )
    if exists.returncode == 0:
        run_git(target, "symbolic-ref", "HEAD", branch, deadline=deadline)


def ensure_blobless_clone(remote_url: str, cache_dir: Path, key: str, *, deadline: float | None) -> Path:
    """Path of a bare blobless clone of ``remote_url`` in ``cache_dir/clones/<key>``, fresh as of now.

    First call: ``git clone --bare --filter=blob:none`` into a temporary directory renamed into place
    once complete (an interrupted clone leaves nothing half-made). Later calls: ``git fetch --prune``
    of branches and tags with the same filter, then HEAD follows the remote's default branch.
    """
    _check_url(remote_url)
    target = _clone_dir(cache_dir, key)
    with clone_lock(target.with_name(key + ".lock"), deadline=deadline):
        if (target / "HEAD").is_file():
            _run(
                git_command(
                    target,
                    "fetch",
                    "--quiet",
                    "--prune",
                    "--prune-tags",
                    "--no-write-fetch-head",
                    _FILTER,
                    "--",
                    remote_url,
                    *_REFSPECS,
                ),
                deadline=deadline,
                what="fetch",
                where=target,
            )
            _follow_remote_head(target, remote_url, deadline=deadline)
            return target
        partial = target.with_name(f"{key}.partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        if target.exists():  # a leftover that is not a git directory
            shutil.rmtree(target)
        try:
            _run(
                git_command(None, "clone", "--quiet", "--bare", _FILTER, "--", remote_url, str(partial)),
                deadline=deadline,
                what="clone",
                where=None,
            )
            partial.rename(target)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    return target

"""Reading a local git history into the same records the GitHub source produces.

Every git process goes through ``git_command``/``run_git`` here: no shell, a scrubbed environment
(no system config, no inherited ``GIT_DIR``-style variables, C locale, never a prompt) and a deadline.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from chaoss_mcp.errors import BadInputError, BudgetExhaustedError, GitError

GIT_MISSING = "git is not installed or not on PATH; install git to read local histories."

# Options given to every git invocation: reproducible output whatever the user's configuration says.
_BASE_CONFIG = (
    "-c",
    "log.showSignature=false",
    "-c",
    "log.mailmap=true",
    "-c",
    "core.quotePath=false",
    "-c",
    "credential.helper=",
    "-c",
    "core.askPass=",
    "-c",
    "color.ui=false",
)

# Inherited variables that would point git somewhere else than the repository we name, or prompt.
_DROPPED_PREFIXES = ("GIT_",)
_DROPPED = frozenset({"SSH_ASKPASS", "LANG", "LANGUAGE"})


def git_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment minus git's own variables, plus settings that make git predictable."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(_DROPPED_PREFIXES) and key not in _DROPPED
    }
    env.update(
        {
            "GIT_CONFIG_NOSYSTEM": "1",
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",
            # Reading must never take the index lock a user's own git command may want.
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",
            "GIT_PAGER": "cat",
        }
    )
    if extra:
        env.update(extra)
    return env


def git_command(repo: Path | None, *args: str) -> list[str]:
    """argv for ``git [-C repo] <base config> args``."""
    argv = ["git"]
    if repo is not None:
        argv += ["-C", str(repo)]
    return [*argv, *_BASE_CONFIG, *args]


def remaining(deadline: float | None) -> float | None:
    """Seconds left before ``deadline`` (a ``time.monotonic()`` value); None means unbounded."""
    if deadline is None:
        return None
    return deadline - time.monotonic()


def spawn(argv: Sequence[str], *, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start git with stdout and stderr piped, translating a missing executable into GitError."""
    try:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else git_environment(),
        )
    except FileNotFoundError:
        raise GitError(GIT_MISSING) from None


def run_git(
    repo: Path | None,
    *args: str,
    deadline: float | None = None,
    env: Mapping[str, str] | None = None,
    ok_codes: frozenset[int] = frozenset({0}),
) -> subprocess.CompletedProcess[bytes]:
    """Run one short git command to completion within the deadline; raise on unexpected exit codes."""
    argv = git_command(repo, *args)
    left = remaining(deadline)
    if left is not None and left <= 0:
        raise BudgetExhaustedError("The time budget ran out before git could be run; try again with a larger budget.")
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=dict(env) if env is not None else git_environment(),
            timeout=left,
            check=False,
        )
    except FileNotFoundError:
        raise GitError(GIT_MISSING) from None
    except subprocess.TimeoutExpired:
        raise BudgetExhaustedError(
            f"git {args[0] if args else ''} did not finish within the time budget; "
            "raise CHAOSS_MCP_TIME_BUDGET or try again."
        ) from None
    if done.returncode not in ok_codes:
        raise git_failure(repo, args, done.returncode, done.stderr)
    return done


def git_failure(repo: Path | None, args: Sequence[str], code: int, stderr: bytes) -> Exception:
    """The exception for a failed git command, with the first line of git's complaint."""
    text = stderr.decode("utf-8", "replace").strip()
    first = next((line for line in text.splitlines() if line.strip()), "")
    low = text.lower()
    where = f" at {repo}" if repo is not None else ""
    if "not a git repository" in low:
        return BadInputError(
            f"{repo} is not a git repository. Give the path of a directory that contains a .git "
            "directory (or a bare repository), or clone the project there first."
        )
    if "dubious ownership" in low:
        return GitError(
            f"git refuses to read the repository{where} because it belongs to another user. "
            f"Run `git config --global --add safe.directory {repo}` if you trust it."
        )
    command = args[0] if args else "git"
    return GitError(f"git {command} failed{where} (exit {code}): {first or 'no message'}")

"""Small real git repositories for tests, built in seconds with ``git fast-import``.

Dates and identities are fixed, so every sha and every figure is reproducible.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chaoss_mcp import service
from chaoss_mcp.budget import Budget, Call
from chaoss_mcp.config import Settings
from chaoss_mcp.results import MetricResult
from chaoss_mcp.state import AppState, open_state

DEFAULT_AUTHOR = "Ada Lovelace <ada@example.com>"


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "LC_ALL": "C",
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
            "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
        }
    )
    return env


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, env=git_env(), check=True)
    return done.stdout.decode()


@dataclass(frozen=True)
class C:
    """One commit to create: who, when (ISO or datetime), what message, and an optional merge parent."""

    author: str = DEFAULT_AUTHOR
    when: str | datetime = "2024-01-01T00:00:00Z"
    message: str = "change"
    committer: str | None = None
    committed: str | datetime | None = None
    merge_with: int | None = None  # index of an earlier commit to use as second parent
    files: tuple[tuple[str, str | bytes], ...] = ()  # more files to write (path, content) besides file.txt


def _epoch(when: str | datetime) -> int:
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _data(text: str) -> bytes:
    return _raw(text.encode())


def _raw(raw: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(raw), raw)


def _stream(commits: Sequence[C], *, first_mark: int, branch: str, continue_branch: bool, mailmap: str | None) -> bytes:
    out = bytearray()
    for offset, spec in enumerate(commits):
        mark = first_mark + offset
        committer = spec.committer or spec.author
        committed = spec.committed or spec.when
        out += b"commit refs/heads/%s\nmark :%d\n" % (branch.encode(), mark)
        out += b"author %s %d +0000\n" % (spec.author.encode(), _epoch(spec.when))
        out += b"committer %s %d +0000\n" % (committer.encode(), _epoch(committed))
        out += _data(spec.message)
        if offset == 0 and continue_branch:
            out += b"from refs/heads/%s^0\n" % branch.encode()
        if spec.merge_with is not None:
            out += b"merge :%d\n" % (spec.merge_with + 1)
        out += b"M 100644 inline file.txt\n" + _data(f"{mark}")
        for name, content in spec.files:
            out += b"M 100644 inline %s\n" % name.encode() + _raw(
                content.encode() if isinstance(content, str) else content
            )
        if mailmap is not None and offset == 0:
            out += b"M 100644 inline .mailmap\n" + _data(mailmap)
        out += b"\n"
    return bytes(out)


def make_repo(
    path: Path,
    commits: Sequence[C],
    *,
    mailmap: str | None = None,
    tags: Sequence[tuple[str, int, bool]] = (),
    bare: bool = False,
    branch: str = "main",
) -> Path:
    """A repository at ``path`` with ``commits`` in order (oldest first) on ``branch``.

    ``tags`` are (name, commit index, annotated). Marks are commit index + 1.
    """
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "init", "-q", f"--initial-branch={branch}", *(["--bare"] if bare else []), str(path)],
        check=True,
        env=git_env(),
    )
    if not commits:
        return path
    stream = bytearray(_stream(commits, first_mark=1, branch=branch, continue_branch=False, mailmap=mailmap))
    for name, index, annotated in tags:
        if annotated:
            when = _epoch(commits[index].when) + 3600
            stream += b"tag %s\nfrom :%d\ntagger Rel Eng <rel@example.com> %d +0000\n" % (
                name.encode(),
                index + 1,
                when,
            )
            stream += _data(f"release {name}")
        else:
            stream += b"reset refs/tags/%s\nfrom :%d\n\n" % (name.encode(), index + 1)
    git(path, "fast-import", "--quiet", stdin=bytes(stream))
    if not bare:
        # fast-import writes objects and refs only; a real work tree keeps .mailmap as a file too.
        git(path, "reset", "-q", "--hard", branch)
    return path


def append_commits(path: Path, commits: Sequence[C], *, branch: str = "main") -> None:
    """Add commits on top of ``branch`` of an existing repository."""
    stream = _stream(commits, first_mark=1, branch=branch, continue_branch=True, mailmap=None)
    git(path, "fast-import", "--quiet", stdin=stream)


def git_settings(tmp_path: Path, **extra: Any) -> Settings:
    """Settings for running metrics on local repositories under ``tmp_path`` (never on GitHub)."""
    values: dict[str, Any] = {
        "cache_dir": tmp_path / "cache",
        "config_dir": tmp_path / "config",
        "allow_paths": (tmp_path,),
        "api_url": "http://127.0.0.1:9",  # nothing listens there
        "signing": False,
    }
    values.update(extra)
    return Settings(**values)


@asynccontextmanager
async def service_state(tmp_path: Path, **extra: Any) -> AsyncIterator[AppState]:
    async with open_state(git_settings(tmp_path, **extra)) as state:
        yield state


async def run(state: AppState, metric: str, repo: str | Path, **arguments: Any) -> MetricResult[Any]:
    """``metric`` through the service layer, as a tool call would run it."""
    call = Call(budget=Budget(state.settings.time_budget))
    return await service.run_metric(state, metric, repo=str(repo), call=call, **arguments)


def clone(source: Path, dest: Path, *args: str) -> Path:
    """``git clone -q [args] file://source dest`` (e.g. ``--depth 1`` for a shallow clone)."""
    subprocess.run(["git", "clone", "-q", *args, f"file://{source}", str(dest)], check=True, env=git_env())
    return dest

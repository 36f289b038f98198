"""Commits and tags of a local repository, read with one streaming ``git log`` pass.

The log is read incrementally (NUL-terminated records, unit-separated fields, the message last), so
memory holds the records, never git's whole output. ``.mailmap`` is honoured for author and committer
(``%aN``/``%aE``); co-authors come from git's own trailer parser (``Co-authored-by:``). Windows are
judged on the author date, as CHAOSS does, so filtering happens here rather than with git's
``--since``/``--until`` (which look at the committer date and may stop early on clock skew).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from chaoss_mcp.errors import BadInputError, GitError
from chaoss_mcp.records import Actor, Commit, Tag
from chaoss_mcp.sources.git import git_command, git_environment, git_failure, remaining, run_git, spawn

log = logging.getLogger(__name__)

_FS = "\x1f"  # between fields
_CO = "\x1e"  # between co-author trailer values
_LOG_FORMAT = (
    "%H%x1f%P%x1f%aN%x1f%aE%x1f%at%x1f%cN%x1f%cE%x1f%ct%x1f"
    "%(trailers:key=Co-authored-by,valueonly=true,unfold=true,separator=%x1e)%x1f%B"
)
_FIELDS = 10
_CHUNK = 1 << 20
_NAME_EMAIL = re.compile(r"^\s*(.*?)\s*<([^<>]*)>\s*$")


@dataclass(frozen=True)
class RepoFacts:
    """What is true of a repository regardless of the metric asked for."""

    path: Path = field(metadata={"doc": "Canonical path (the work tree's top, or the bare git dir)"})
    git_dir: Path
    bare: bool
    shallow: bool
    empty: bool
    head: str | None  # commit sha HEAD points at; None when empty
    default_branch: str | None  # branch HEAD names (e.g. "main"); None when detached


@dataclass
class GitHistory:
    """Commits read from one ``git log`` pass, with what a caveat needs to know."""

    commits: list[Commit]
    facts: RepoFacts
    ref: str
    complete: bool = True
    incomplete_note: str | None = None

    @property
    def shallow(self) -> bool:
        return self.facts.shallow


@dataclass(frozen=True)
class RepoLocation:
    """Where git finds the repository for a directory: its top (or bare git dir), and what kind it is."""

    path: Path
    git_dir: Path
    bare: bool
    shallow: bool


def locate_repository(repo: Path, *, deadline: float | None = None) -> RepoLocation:
    """The repository ``repo`` belongs to: one or two ``git rev-parse`` calls.

    ``path`` is the top of the work tree (which may lie above ``repo`` when ``repo`` is a subdirectory)
    or, for a bare repository, its git dir.
    """
    repo = Path(os.path.realpath(repo.expanduser()))
    if not repo.is_dir():
        raise BadInputError(f"{repo} does not exist or is not a directory; give the path of a git repository.")
    out = run_git(
        repo,
        "rev-parse",
        "--is-bare-repository",
        "--is-shallow-repository",
        "--absolute-git-dir",
        "--is-inside-work-tree",
        deadline=deadline,
    )
    lines = out.stdout.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 4:
        raise GitError(f"git rev-parse gave unexpected output for {repo}; is git too old (need 2.15 or later)?")
    bare, shallow, git_dir, inside = lines[0] == "true", lines[1] == "true", Path(lines[2]), lines[3] == "true"
    path = git_dir
    if not bare and inside:
        top = run_git(repo, "rev-parse", "--show-toplevel", deadline=deadline)
        path = Path(top.stdout.decode("utf-8", "surrogateescape").strip())
    return RepoLocation(path=path, git_dir=git_dir, bare=bare, shallow=shallow)


def repo_facts(repo: Path, *, deadline: float | None = None) -> RepoFacts:
    """Bare or not, shallow or not, empty or not, HEAD and its branch; four short git calls at most."""
    where = locate_repository(repo, deadline=deadline)
    repo = Path(os.path.realpath(repo.expanduser()))
    branch_out = run_git(repo, "symbolic-ref", "-q", "--short", "HEAD", deadline=deadline, ok_codes=frozenset({0, 1}))
    branch = branch_out.stdout.decode("utf-8", "replace").strip() or None
    head = _resolve_commit(repo, "HEAD", deadline)
    return RepoFacts(
        path=where.path,
        git_dir=where.git_dir,
        bare=where.bare,
        shallow=where.shallow,
        empty=head is None,
        head=head,
        default_branch=branch,
    )


def _resolve_commit(repo: Path, ref: str, deadline: float | None) -> str | None:
    out = run_git(
        repo,
        "rev-parse",
        "-q",
        "--verify",
        "--end-of-options",
        f"{ref}^{{commit}}",
        deadline=deadline,
        ok_codes=frozenset({0, 1}),
    )
    sha = out.stdout.decode("ascii", "replace").strip()
    return sha if out.returncode == 0 and sha else None


def _timestamp(text: str) -> datetime:
    return datetime.fromtimestamp(int(text), UTC)


def parse_name_email(text: str) -> Actor | None:
    """``Name <email>`` (as in a trailer) -> Actor; a bare name becomes an Actor without email."""
    text = text.strip()
    if not text:
        return None
    match = _NAME_EMAIL.match(text)
    if match:
        name, email = match.group(1).strip(), match.group(2).strip()
        return Actor(name=name or None, email=email or None)
    return Actor(name=text)


class _Parser:
    """Turns NUL-terminated log records into Commits, sharing one Actor per identity."""

    def __init__(self, since: datetime | None, until: datetime | None) -> None:
        self.since = since.timestamp() if since else None
        self.until = until.timestamp() if until else None
        self.actors: dict[tuple[str, str], Actor] = {}
        self.skipped = 0

    def actor(self, name: str, email: str) -> Actor:
        key = (name, email)
        found = self.actors.get(key)
        if found is None:
            found = Actor(name=name or None, email=email or None)
            self.actors[key] = found
        return found

    def parse(self, record: str) -> Commit | None:
        parts = record.split(_FS, _FIELDS - 1)
        if len(parts) < _FIELDS:
            log.warning("skipping a malformed git log record (%d fields)", len(parts))
            self.skipped += 1
            return None
        sha, parents, a_name, a_email, a_time, c_name, c_email, c_time, trailers, message = parts
        authored = int(a_time or 0)
        if (self.since is not None and authored < self.since) or (self.until is not None and authored > self.until):
            return None
        co_authors = tuple(
            actor for actor in (parse_name_email(value) for value in trailers.split(_CO) if value) if actor
        )
        return Commit(
            sha=sha.lstrip("\n"),
            author=self.actor(a_name, a_email),
            authored_at=_timestamp(a_time or "0"),
            committer=self.actor(c_name, c_email),
            committed_at=_timestamp(c_time or "0"),
            parents=len(parents.split()),
            co_authors=co_authors,
            message=message.rstrip("\n"),
        )


def iter_commits(
    repo: Path,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    ref: str = "HEAD",
    deadline: float | None = None,
    status: dict[str, object] | None = None,
) -> Iterator[Commit]:
    """Stream commits reachable from ``ref`` (newest first) with author date in [since, until].

    ``status`` (if given) receives ``complete`` (False when the deadline stopped the read) and
    ``skipped`` (malformed records). The caller must have checked that ``ref`` names a commit.
    """
    argv = git_command(
        repo,
        "log",
        "-z",
        "--use-mailmap",
        "--no-show-signature",
        "--no-color",
        "--no-notes",
        f"--format={_LOG_FORMAT}",
        "--end-of-options",
        ref,
        "--",
    )
    left = remaining(deadline)
    if left is not None and left <= 0:
        if status is not None:
            status.update(complete=False, skipped=0)
        return
    proc = spawn(argv, env=git_environment())
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        proc.kill()

    timer = threading.Timer(max(left, 0.0), kill) if left is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    parser = _Parser(since, until)
    stdout, stderr = proc.stdout, proc.stderr
    assert stdout is not None
    assert stderr is not None
    fd = stdout.fileno()
    tail = b""
    stderr_chunks: list[bytes] = []
    # git's stderr is read on the side so a chatty git can never block on a full pipe.
    drain = threading.Thread(target=lambda: stderr_chunks.append(stderr.read()))
    drain.daemon = True
    drain.start()
    try:
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            records = (tail + chunk).split(b"\0") if tail else chunk.split(b"\0")
            tail = records.pop()
            for raw in records:
                commit = parser.parse(raw.decode("utf-8", "replace"))
                if commit is not None:
                    yield commit
        if tail.strip(b"\n") and not killed.is_set():
            # git ends every record with NUL; an unterminated last one is still a whole record.
            commit = parser.parse(tail.decode("utf-8", "replace"))
            if commit is not None:
                yield commit
        code = proc.wait()
    finally:
        if timer is not None:
            timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        stdout.close()
        drain.join(timeout=5)
        stderr.close()
    complete = not killed.is_set()
    if status is not None:
        status["complete"] = complete
        status["skipped"] = parser.skipped
    if complete and code != 0:
        raise git_failure(repo, ["log"], code, b"".join(stderr_chunks))


def read_commits(
    repo: Path,
    *,
    until: datetime | None = None,
    since: datetime | None = None,
    ref: str = "HEAD",
    deadline: float | None = None,
) -> GitHistory:
    """All commits reachable from ``ref`` with author date in [since, until], newest first.

    An empty repository gives no commits (metrics then say inconclusive); a shallow clone is flagged
    in ``facts.shallow`` for the caveat; a deadline that passes stops git and marks the result
    incomplete, keeping what was read.
    """
    facts = repo_facts(repo, deadline=deadline)
    if facts.empty and ref == "HEAD":
        return GitHistory(commits=[], facts=facts, ref=ref)
    if ref.startswith("-") or "\0" in ref:
        raise BadInputError(f"{ref!r} is not a valid git ref; give a branch, tag or commit sha.")
    if _resolve_commit(facts.path, ref, deadline) is None:
        raise BadInputError(f"{ref!r} does not name a commit in {facts.path}; give an existing branch, tag or sha.")
    status: dict[str, object] = {}
    started = time.monotonic()
    commits = list(iter_commits(facts.path, since=since, until=until, ref=ref, deadline=deadline, status=status))
    history = GitHistory(commits=commits, facts=facts, ref=ref)
    if not status.get("complete", True):
        history.complete = False
        history.incomplete_note = (
            f"the time budget stopped reading the git history after {time.monotonic() - started:.1f} s; "
            f"{len(commits)} commit{' (the newest) was' if len(commits) == 1 else 's (the newest) were'} read, "
            "older ones are missing"
        )
    return history


def _parse_iso(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        return None


def read_tags(repo: Path, *, deadline: float | None = None) -> list[Tag]:
    """Every tag, dated by the commit it points to (annotated tags are peeled); one git call."""
    fmt = (
        "%(refname:strip=2)%00%(objectname)%00%(*objectname)"
        "%00%(*committerdate:iso-strict)%00%(committerdate:iso-strict)"
    )
    out = run_git(repo, "for-each-ref", f"--format={fmt}", "refs/tags", deadline=deadline)
    tags: list[Tag] = []
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split("\0")
        if len(parts) != 5 or not parts[0]:
            continue
        name, sha, peeled_sha, peeled_date, own_date = parts
        tags.append(Tag(name=name, sha=peeled_sha or sha, date=_parse_iso(peeled_date) or _parse_iso(own_date)))
    return tags

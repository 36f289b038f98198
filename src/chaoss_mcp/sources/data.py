"""One interface over both sources: the data families metrics need, each fetched once per call.

``GitHubData`` wraps the GitHub collector; ``GitData`` reads a local history (a work tree, a bare
repository, or the server's blobless clone of a GitHub repository). Families a source cannot provide
(issues and pull requests from git) are refused with a sentence saying what to do instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

import anyio

from chaoss_mcp.budget import Call
from chaoss_mcp.errors import BadInputError
from chaoss_mcp.records import Comment, Commit, Release, RepositoryInfo, Tag
from chaoss_mcp.results import Provenance
from chaoss_mcp.sources.git.history import GitHistory, read_commits, read_tags, repo_facts
from chaoss_mcp.sources.github.collect import Activity, GitHubCollector


class DataSource(Protocol):
    kind: Literal["github", "git"]
    call: Call
    notes: list[str]  # what is missing (incomplete collection)
    caveats: list[str]  # what the reader should know about the data

    @property
    def empty_repository(self) -> bool:  # known to have no commits at all (once commits were read)
        ...

    async def canonical(self) -> str: ...
    async def commits(self, since: datetime | None, until: datetime) -> list[Commit]: ...
    async def releases(self, since: datetime) -> list[Release]: ...
    async def tags(self, commits: list[Commit] | None) -> list[Tag]: ...
    async def activity(self, since: datetime) -> Activity: ...
    async def comments(self, since: datetime) -> list[Comment]: ...
    async def companies(self, logins: list[str], limit: int) -> dict[str, str]: ...
    def complete(self) -> bool: ...
    def provenance(self, fetched_at: datetime) -> Provenance: ...
    # A point in the sequence of data families asked for and of notes on what collection left out.
    def usage_mark(self) -> tuple[int, int]: ...

    # What was left out of the families asked for since ``mark`` (however long ago they were read), and
    # anything else left out since then.
    def cut_since(self, mark: tuple[int, int]) -> list[str]: ...

    def mark_incomplete(self, note: str) -> None: ...  # something was left out outside any family


def _cut_notes(used: list[str], cut: dict[str, list[str]], notes: list[str], mark: tuple[int, int]) -> list[str]:
    out: list[str] = []
    for key in dict.fromkeys(used[mark[0] :]):
        out.extend(n for n in cut.get(key, ()) if n not in out)
    out.extend(n for n in notes[mark[1] :] if n not in out)
    return out


class GitHubData:
    kind: Literal["github", "git"] = "github"

    def __init__(self, collector: GitHubCollector, api_base: str) -> None:
        self.collector = collector
        self.call = collector.call
        self.api_base = api_base
        self.notes = collector.notes
        self.caveats = collector.caveats

    async def repository(self) -> RepositoryInfo:
        return await self.collector.repository()

    async def canonical(self) -> str:
        return (await self.collector.repository()).full_name

    async def commits(self, since: datetime | None, until: datetime) -> list[Commit]:
        start = since or datetime(2000, 1, 1, tzinfo=UTC)
        return await self.collector.commits(start, until)

    async def releases(self, since: datetime) -> list[Release]:
        return await self.collector.releases(since)

    async def tags(self, commits: list[Commit] | None) -> list[Tag]:
        return await self.collector.tags(commits)

    async def activity(self, since: datetime) -> Activity:
        return await self.collector.activity(since)

    async def comments(self, since: datetime) -> list[Comment]:
        return await self.collector.comments(since)

    async def companies(self, logins: list[str], limit: int) -> dict[str, str]:
        return await self.collector.companies(logins, limit)

    def complete(self) -> bool:
        return self.collector.complete

    def usage_mark(self) -> tuple[int, int]:
        return len(self.collector.used), len(self.notes)

    def cut_since(self, mark: tuple[int, int]) -> list[str]:
        return _cut_notes(self.collector.used, self.collector.cut, self.notes, mark)

    def mark_incomplete(self, note: str) -> None:
        self.collector.complete = False
        if note not in self.notes:
            self.notes.append(note)

    @property
    def empty_repository(self) -> bool:
        return self.collector.empty

    def provenance(self, fetched_at: datetime) -> Provenance:
        stats = self.call.stats
        notes = list(dict.fromkeys([*self.notes, *stats.notes]))
        return Provenance(
            source="github",
            api_base=self.api_base,
            requests=stats.requests,
            not_modified=stats.not_modified,
            cache_hits=stats.cache_hits,
            retries=stats.retries,
            rate_limit_remaining=stats.rate_limit_remaining,
            fetched_at=fetched_at,
            elapsed_seconds=round(self.call.budget.elapsed(), 3),
            complete=self.complete(),
            incomplete_note=" ".join(notes) or None,
        )


@dataclass
class GitData:
    path: Path
    call: Call
    label: str | None = None  # owner/name when this is the blobless clone of a GitHub repository
    kind: Literal["github", "git"] = "git"
    notes: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    empty_repository: bool = False
    _complete: bool = True
    _used: list[str] = field(default_factory=list)
    _cut: dict[str, list[str]] = field(default_factory=dict)
    _histories: dict[str, GitHistory] = field(default_factory=dict)
    _tags: list[Tag] | None = None

    def _deadline(self) -> float:
        return time.monotonic() + self.call.budget.remaining()

    async def canonical(self) -> str:
        if self.label:
            return self.label
        facts = await anyio.to_thread.run_sync(lambda: repo_facts(self.path, deadline=self._deadline()))
        return str(facts.path)

    async def commits(self, since: datetime | None, until: datetime) -> list[Commit]:
        key = f"{since.isoformat() if since else '-'}:{until.isoformat()}"
        self._used.append(key)
        if key not in self._histories:
            deadline = self._deadline()
            history = await anyio.to_thread.run_sync(
                lambda: read_commits(self.path, since=since, until=until, deadline=deadline)
            )
            self._histories[key] = history
            self.empty_repository = history.facts.empty
            self.call.items += len(history.commits)
            await self.call.report(f"git history: {len(history.commits)} commits read")
            if not history.complete:
                note = history.incomplete_note or "The git history was read only in part."
                self._complete = False
                self._cut[key] = [note]
                self.notes.append(note)
            if history.shallow:
                note = (
                    "This is a shallow clone: commits before its cut-off are missing, so counts, first "
                    "contributions and the contributor absence factor may be wrong. Run `git fetch --unshallow` "
                    "for full history."
                )
                if note not in self.caveats:
                    self.caveats.append(note)
        return self._histories[key].commits

    async def releases(self, since: datetime) -> list[Release]:
        return []  # a git history has tags, not forge releases; release_frequency falls back to tags

    async def tags(self, commits: list[Commit] | None) -> list[Tag]:
        if self._tags is None:
            deadline = self._deadline()
            self._tags = await anyio.to_thread.run_sync(lambda: read_tags(self.path, deadline=deadline))
        return self._tags

    async def activity(self, since: datetime) -> Activity:
        raise BadInputError(
            "This metric needs issues and pull requests, which a git history does not hold. "
            "Give the repository as owner/name to read them from GitHub."
        )

    async def comments(self, since: datetime) -> list[Comment]:
        return (await self.activity(since)).comments

    async def companies(self, logins: list[str], limit: int) -> dict[str, str]:
        return {}

    def complete(self) -> bool:
        return self._complete

    def usage_mark(self) -> tuple[int, int]:
        return len(self._used), len(self.notes)

    def cut_since(self, mark: tuple[int, int]) -> list[str]:
        return _cut_notes(self._used, self._cut, self.notes, mark)

    def mark_incomplete(self, note: str) -> None:
        self._complete = False
        if note not in self.notes:
            self.notes.append(note)

    def provenance(self, fetched_at: datetime) -> Provenance:
        return Provenance(
            source="git",
            api_base=None,
            fetched_at=fetched_at,
            elapsed_seconds=round(self.call.budget.elapsed(), 3),
            complete=self._complete,
            incomplete_note=" ".join(self.notes) or None,
        )

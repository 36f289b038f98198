"""One exception tree for everything the server can refuse or fail at.

    ChaossError                     every anticipated failure; its message is safe to show a user
    ├── BadInputError               the caller asked for something malformed (repo, window, date, path)
    ├── SpecError                   a YAML criteria file is broken (names the file and field)
    ├── SourceError                 the data source could not give an answer
    │   ├── NotFoundError           no such repository / resource (or private and no token)
    │   ├── AccessDeniedError       the token lacks permission (401 bad credentials, 403 forbidden)
    │   ├── RateLimitedError        primary or secondary rate limit; carries the reset time
    │   ├── UnavailableError        5xx, timeouts, dropped connections, invalid bodies after retries
    │   ├── StillComputingError     GitHub's statistics endpoints kept answering 202
    │   ├── EmptyRepositoryError    the repository has no commits yet (GitHub answers 409)
    │   └── GitError                git missing, not a repository, failed command
    └── BudgetExhaustedError        the per-call time budget ran out before any answer was possible

Only the messages of these exceptions reach an MCP client (as ``ToolError``); anything else is a bug,
logged with its traceback on stderr. Messages never contain a token: the client never puts one in
a message, and ``redact`` is applied where text comes from outside.
"""

from __future__ import annotations

from datetime import datetime


class ChaossError(Exception):
    """Base of every anticipated failure. ``str(error)`` is a sentence that says what to do."""


class BadInputError(ChaossError):
    """The request itself is malformed; nothing was sent anywhere."""


class SpecError(ChaossError):
    """A metric, model or identity spec is invalid."""


class SourceError(ChaossError):
    """The data source failed to give an answer."""


class NotFoundError(SourceError):
    pass


class AccessDeniedError(SourceError):
    pass


class RateLimitedError(SourceError):
    def __init__(self, message: str, reset_at: datetime | None = None, secondary: bool = False) -> None:
        super().__init__(message)
        self.reset_at = reset_at
        self.secondary = secondary


class UnavailableError(SourceError):
    pass


class StillComputingError(SourceError):
    pass


class EmptyRepositoryError(SourceError):
    pass


class GitError(SourceError):
    pass


class BudgetExhaustedError(ChaossError):
    pass

"""GitHub's HTTP protocol rules, with no I/O: headers, links, rate limits, and what a status means.

``decide`` is the one place that reads a response status and maps it to the exception tree or to a
retry. Sources for each rule are in the comments (GitHub REST docs pages).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from chaoss_mcp import __version__
from chaoss_mcp.errors import (
    AccessDeniedError,
    BadInputError,
    ChaossError,
    EmptyRepositoryError,
    NotFoundError,
    RateLimitedError,
    UnavailableError,
)

API_VERSION = "2022-11-28"  # https://docs.github.com/rest/about-the-rest-api/api-versions
ACCEPT_JSON = "application/vnd.github+json"
USER_AGENT = f"chaoss-mcp/{__version__} (+CHAOSS community-health metrics MCP server)"

# Secondary limits: wait retry-after, else at least 60 s, then back off exponentially.
# https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
SECONDARY_FALLBACK_SECONDS = 60.0
MAX_SECONDARY_RETRIES = 3
# Transient failures (5xx, timeouts, resets): a few quick retries with exponential back-off and jitter.
MAX_TRANSIENT_RETRIES = 3
TRANSIENT_BASE_SECONDS = 0.5
TRANSIENT_CAP_SECONDS = 8.0

_LINK_NEXT = re.compile(r'<([^<>]+)>\s*;\s*rel="?next"?')


def request_headers(token: str | None, accept: str = ACCEPT_JSON) -> dict[str, str]:
    headers = {"Accept": accept, "X-GitHub-Api-Version": API_VERSION, "User-Agent": USER_AGENT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def next_link(link_header: str | None) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header; pagination always follows it, never builds pages."""
    if not link_header:
        return None
    match = _LINK_NEXT.search(link_header)
    return match.group(1) if match else None


@dataclass(frozen=True)
class RateLimit:
    resource: str
    limit: int
    remaining: int
    used: int | None
    reset: datetime

    def as_dict(self) -> dict[str, object]:
        return {
            "resource": self.resource,
            "limit": self.limit,
            "remaining": self.remaining,
            "used": self.used,
            "reset": self.reset.isoformat().replace("+00:00", "Z"),
        }


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    """The ``x-ratelimit-*`` state of a response, or None when the response carries none (e.g. GHES)."""
    limit, remaining, reset = (
        _int(headers.get("x-ratelimit-limit")),
        _int(headers.get("x-ratelimit-remaining")),
        _int(headers.get("x-ratelimit-reset")),
    )
    if limit is None or remaining is None or reset is None:
        return None
    return RateLimit(
        resource=headers.get("x-ratelimit-resource", "core"),
        limit=limit,
        remaining=remaining,
        used=_int(headers.get("x-ratelimit-used")),
        reset=datetime.fromtimestamp(reset, tz=UTC),
    )


def error_message(body: bytes) -> str:
    """GitHub's own ``message`` from an error body, shortened; empty when the body is not GitHub JSON."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return ""
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return " ".join(data["message"].split())[:300]
    return ""


def _hhmm(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Retry:
    """Send the same request again after ``after`` seconds (if the call's time budget allows)."""

    after: float
    why: str
    error: ChaossError  # raised instead when the budget does not allow the wait


@dataclass(frozen=True)
class Accept:
    """The response is usable as it is (2xx, 304)."""


Decision = Accept | Retry


def transient_delay(attempt: int, jitter: float) -> float:
    """Exponential back-off with jitter for the ``attempt``-th retry (0-based); jitter in [0, 1)."""
    base = min(TRANSIENT_CAP_SECONDS, TRANSIENT_BASE_SECONDS * (2.0**attempt))
    return base * (0.5 + jitter / 2)


def secondary_delay(retry_after: float | None, attempt: int) -> float:
    if retry_after is not None:
        return max(0.0, retry_after)
    return SECONDARY_FALLBACK_SECONDS * (2.0**attempt)


def decide(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    attempt: int,
    what: str,
    has_token: bool,
    jitter: float = 0.5,
) -> Decision:
    """Map one response to: accept it, retry it, or raise the matching exception.

    ``what`` names the thing requested in messages ("repository acme/widgit"); ``attempt`` counts the
    retries already made for this request.
    """
    if 200 <= status < 300 or status == 304:
        return Accept()
    message = error_message(body)
    limit = rate_limit(headers)
    retry_after = _int(headers.get("retry-after"))
    if status in (403, 429):
        lowered = message.lower()
        if limit is not None and limit.remaining == 0 and "secondary" not in lowered and retry_after is None:
            token_hint = (
                "" if has_token else " Without a token GitHub allows 60 requests an hour; set GITHUB_TOKEN for 5,000."
            )
            raise RateLimitedError(
                f"GitHub's {limit.resource} rate limit is used up ({limit.limit} requests an hour); it resets at "
                f"{_hhmm(limit.reset)}. Try again after that.{token_hint}",
                reset_at=limit.reset,
            )
        if retry_after is not None or "secondary rate" in lowered or status == 429:
            delay = secondary_delay(retry_after, attempt)
            error: ChaossError = RateLimitedError(
                "GitHub's secondary rate limit stopped the collection (too many requests in a short time). "
                f"Wait {max(1, round(delay))} seconds or more and try again.",
                secondary=True,
            )
            if attempt >= MAX_SECONDARY_RETRIES:
                raise error
            return Retry(after=delay, why="secondary rate limit", error=error)
        if status == 403:
            detail = f" GitHub said: {message}" if message else ""
            hint = "" if has_token else " Setting GITHUB_TOKEN may help."
            raise AccessDeniedError(f"Access to {what} was refused (403 Forbidden).{detail}{hint}")
    if status == 401:
        raise AccessDeniedError(
            "GitHub rejected the token (401 Bad credentials). Check that GITHUB_TOKEN is a valid, unexpired token."
        )
    if status in (404, 410):
        if has_token:
            raise NotFoundError(f"{what[0].upper() + what[1:]} was not found, or the token cannot see it.")
        raise NotFoundError(
            f"{what[0].upper() + what[1:]} was not found, or it is private and GITHUB_TOKEN is not set."
        )
    if status == 409:
        # https://docs.github.com/rest/commits/commits#list-commits: 409 Conflict for an empty repository
        raise EmptyRepositoryError(f"{what[0].upper() + what[1:]}: the repository is empty (no commits yet).")
    if status == 422:
        detail = f": {message}" if message else ""
        raise BadInputError(f"GitHub refused the request for {what} (422 Unprocessable){detail}.")
    if status >= 500:
        failure = UnavailableError(
            f"GitHub is not answering properly ({status}) for {what} after {attempt + 1} attempts. Try again shortly."
        )
        if attempt >= MAX_TRANSIENT_RETRIES:
            raise failure
        return Retry(after=transient_delay(attempt, jitter), why=f"HTTP {status}", error=failure)
    detail = f": {message}" if message else ""
    raise UnavailableError(f"Unexpected answer {status} from GitHub for {what}{detail}.")


def graphql_errors(data: object) -> list[dict[str, object]]:
    if isinstance(data, dict) and isinstance(data.get("errors"), list):
        return [e for e in data["errors"] if isinstance(e, dict)]
    return []


def decide_graphql(data: object, headers: Mapping[str, str], *, attempt: int, what: str) -> Decision:
    """GraphQL answers 200 with ``errors``: map rate limits (type RATE_LIMITED) like REST ones."""
    errors = graphql_errors(data)
    if not errors:
        return Accept()
    types = {str(e.get("type", "")) for e in errors}
    messages = "; ".join(str(e.get("message", "")) for e in errors)[:300]
    if types & {"RATE_LIMITED", "RATE_LIMIT"}:
        limit = rate_limit(headers)
        if limit is not None and limit.remaining == 0:
            raise RateLimitedError(
                f"GitHub's GraphQL rate limit is used up; it resets at {_hhmm(limit.reset)}. Try again after that.",
                reset_at=limit.reset,
            )
        # Points left but fewer than the query costs, or a secondary limit: say when the hour's quota resets.
        quota = (
            f" ({limit.remaining} {'point is' if limit.remaining == 1 else 'points are'} left this hour; "
            f"the quota resets at {_hhmm(limit.reset)})"
            if limit is not None
            else ""
        )
        error = RateLimitedError(
            f"GitHub's GraphQL rate limit stopped the collection{quota}. Wait a minute and try again.", secondary=True
        )
        if attempt >= MAX_SECONDARY_RETRIES:
            raise error
        return Retry(
            after=secondary_delay(_int(headers.get("retry-after")), attempt),
            why="graphql rate limit",
            error=error,
        )
    if "NOT_FOUND" in types:
        raise NotFoundError(f"{what[0].upper() + what[1:]} was not found, or the token cannot see it.")
    if types & {"FORBIDDEN", "INSUFFICIENT_SCOPES"}:
        raise AccessDeniedError(f"The token may not read {what}: {messages}")
    if isinstance(data, dict) and data.get("data"):
        # Partial data with errors: usable; the caller notes it.
        return Accept()
    raise UnavailableError(f"GitHub's GraphQL API refused the query for {what}: {messages}")

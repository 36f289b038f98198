"""The async GitHub client: one place that sends requests, follows links, waits, retries and caches.

It knows nothing of metrics. Every request goes through ``_send``: a bounded number in flight, the
call's time budget, rate-limit bookkeeping, retries decided by ``sansio.decide``, and redirects
followed only on the API's own origin (the token never leaves it).
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import anyio
import httpx

from chaoss_mcp.budget import Call
from chaoss_mcp.config import Settings
from chaoss_mcp.errors import (
    AccessDeniedError,
    BudgetExhaustedError,
    ChaossError,
    RateLimitedError,
    StillComputingError,
    UnavailableError,
)
from chaoss_mcp.sources.github import sansio
from chaoss_mcp.sources.github.cache import Entry, HttpCache, cache_key, token_identity

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
PER_PAGE = 100
Sleep = Callable[[float], Any]


@dataclass(frozen=True)
class Response:
    data: Any
    url: str
    next_url: str | None
    status: int
    origin: Literal["network", "revalidated", "cache"]


def _origin(url: str) -> tuple[str, str | None, int]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return ("invalid", None, 0)
    return (parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80))


def redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text


class GitHubClient:
    def __init__(
        self,
        settings: Settings,
        http: httpx.AsyncClient,
        cache: HttpCache | None = None,
        *,
        sleep: Sleep = anyio.sleep,
        jitter: Callable[[], float] = random.random,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self._http = http
        self._cache = cache
        self._sleep = sleep
        self._jitter = jitter
        self._now = now
        self._token = settings.token.get_secret_value() if settings.has_token and settings.token else None
        self._identity = token_identity(self._token)
        self._limiter = anyio.Semaphore(settings.max_concurrency)
        self._origin = _origin(settings.api_url)
        self.rate_limits: dict[str, sansio.RateLimit] = {}
        # GETs on their way, by cache key: concurrent calls asking for the same page send it once.
        self._in_flight: dict[str, anyio.Event] = {}

    @property
    def has_token(self) -> bool:
        return self._token is not None

    @property
    def cache(self) -> HttpCache | None:
        return self._cache

    # -- URLs -----------------------------------------------------------------------------------
    def url(self, path: str, params: Mapping[str, str | int] | None = None) -> str:
        built = httpx.URL(self.settings.api_url + path)
        if params:
            built = built.copy_merge_params({k: str(v) for k, v in params.items()})
        return str(built)

    def _same_origin(self, url: str) -> bool:
        return _origin(url) == self._origin

    # -- sending --------------------------------------------------------------------------------
    def _resource_exhausted(self, resource: str) -> None:
        """Refuse to send while a known limit is used up: hammering GitHub gets integrations banned."""
        state = self.rate_limits.get(resource)
        if state is not None and state.remaining == 0 and state.reset > self._now():
            raise RateLimitedError(
                f"GitHub's {resource} rate limit is used up; it resets at {state.reset:%Y-%m-%d %H:%M} UTC. "
                "Try again after that." + ("" if self._token else " Set GITHUB_TOKEN for 5,000 requests an hour."),
                reset_at=state.reset,
            )

    async def _send(
        self,
        method: str,
        url: str,
        *,
        call: Call,
        what: str,
        headers: dict[str, str],
        content: bytes | None = None,
        resource: str = "core",
    ) -> tuple[httpx.Response, bytes, str]:
        """One logical request: retries, waits and same-origin redirects. Returns the final response."""
        attempt = 0
        redirects = 0
        while True:
            if not self._same_origin(url):
                raise UnavailableError(
                    f"GitHub pointed the request for {what} at another host; it was not followed. Check GITHUB_API_URL."
                )
            self._resource_exhausted(resource)
            call.budget.check(f"fetching {what}")
            try:
                async with self._slot(call, what):
                    # Measured once a slot is free: waiting for one must not extend the call past its budget.
                    timeout = min(self.settings.http_timeout, max(0.1, call.budget.remaining()))
                    log.debug("%s %s", method, url)
                    # httpx's timeout bounds each read, not the exchange: a body that trickles in could
                    # outlast both the timeout and the budget, so the whole exchange gets one deadline.
                    with anyio.fail_after(timeout):
                        response = await self._http.request(
                            method, url, headers=headers, content=content, timeout=timeout
                        )
                        body = response.content
            except (httpx.RequestError, TimeoutError) as exc:  # transport, decoding (a bad gzip body), timeout
                call.stats.requests += 1
                kind = "timed out" if isinstance(exc, httpx.TimeoutException | TimeoutError) else "failed"
                error = UnavailableError(
                    f"The request to GitHub for {what} {kind} after {attempt + 1} "
                    f"attempt{'' if attempt == 0 else 's'}. Try again shortly."
                )
                call.budget.check(f"fetching {what}")  # an exchange cut off by the budget: say so, and what to do
                await self._maybe_retry(
                    sansio.Retry(sansio.transient_delay(attempt, self._jitter()), kind, error),
                    attempt,
                    call,
                    sansio.MAX_TRANSIENT_RETRIES,
                )
                attempt += 1
                continue
            call.stats.requests += 1
            lowered = {k.lower(): v for k, v in response.headers.items()}
            state = sansio.rate_limit(lowered)
            if state is not None:
                self.rate_limits[state.resource] = state
                call.stats.rate_limit_remaining = state.remaining
            if response.status_code in (301, 302, 307, 308) and "location" in lowered:
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise UnavailableError(f"Too many redirects while fetching {what}.")
                # Renamed repositories answer 301; follow on GitHub's own origin only.
                url = str(response.url.join(lowered["location"]))
                if response.status_code in (301, 302) and method == "POST":
                    method, content = "GET", None
                continue
            try:
                decision = sansio.decide(
                    response.status_code,
                    lowered,
                    body,
                    attempt=attempt,
                    what=what,
                    has_token=self._token is not None,
                    jitter=self._jitter(),
                )
            except ChaossError as exc:
                # GitHub's own message is quoted in some errors; never let it carry the token back out.
                exc.args = tuple(redact(str(a), self._token) for a in exc.args)
                raise
            if isinstance(decision, sansio.Retry):
                await self._maybe_retry(decision, attempt, call, None)
                attempt += 1
                continue
            return response, body, url

    @asynccontextmanager
    async def _slot(self, call: Call, what: str) -> AsyncIterator[None]:
        """One of the ``max_concurrency`` request slots, waited for no longer than the call's budget."""
        with anyio.move_on_after(call.budget.remaining()) as waiting:
            await self._limiter.acquire()
        if waiting.cancelled_caught:
            raise BudgetExhaustedError(
                f"The time budget of {call.budget.seconds:g} s ran out while waiting to fetch {what} "
                "(other calls were using every connection). Call again, or raise CHAOSS_MCP_TIME_BUDGET."
            )
        try:
            yield
        finally:
            self._limiter.release()

    async def _maybe_retry(self, retry: sansio.Retry, attempt: int, call: Call, cap: int | None) -> None:
        if cap is not None and attempt >= cap:
            raise retry.error
        if retry.after > call.budget.remaining():
            raise retry.error
        call.stats.retries += 1
        log.info("retrying after %.1f s (%s)", retry.after, retry.why)
        await self._sleep(retry.after)

    def _cached(self, key: str) -> tuple[Entry, Any] | None:
        """The cache entry for ``key`` and its decoded body; an entry that is not JSON is dropped, never served."""
        entry = self._cache.get(key) if self._cache is not None else None
        if entry is None:
            return None
        try:
            return entry, json.loads(entry.body) if entry.body else None
        except (ValueError, UnicodeDecodeError):
            log.warning("dropping an unreadable cache entry for %s", entry.url)
            if self._cache is not None:
                self._cache.delete(key)
            return None

    def _headers(self, accept: str) -> dict[str, str]:
        return sansio.request_headers(self._token, accept)

    def _decode(self, body: bytes, what: str) -> Any:
        try:
            return json.loads(body) if body else None
        except (ValueError, UnicodeDecodeError):
            raise UnavailableError(
                f"GitHub sent an unreadable answer for {what} (not JSON). Try again shortly."
            ) from None

    # -- REST -----------------------------------------------------------------------------------
    async def get(
        self,
        path_or_url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        call: Call,
        what: str,
        accept: str = sansio.ACCEPT_JSON,
        accepted_ok: bool = False,
    ) -> Response:
        """GET with the cache: fresh entries answer without a request; stale ones are revalidated.

        A 202 Accepted (GitHub still preparing the answer) is returned only when ``accepted_ok``
        (the statistics endpoints, which poll); anywhere else it is not the resource and is refused.
        """
        url = path_or_url if path_or_url.startswith(("http://", "https://")) else self.url(path_or_url, params)
        key = cache_key("GET", url, accept, self._identity)
        waited = False
        while True:
            cached = self._cached(key)
            entry, stored = cached if cached is not None else (None, None)
            now = datetime.now(UTC).timestamp()
            if entry is not None and entry.age(now) < self.settings.cache_ttl:
                call.stats.cache_hits += 1
                if self._cache is not None:
                    self._cache.hits += 1
                return Response(stored, entry.url, entry.next_link, 200, "cache")
            # The same request already on its way for another call: wait for it (once), then read the cache.
            ahead = self._in_flight.get(key) if self._cache is not None else None
            if ahead is None or waited:
                break
            waited = True
            with anyio.move_on_after(call.budget.remaining()):
                await ahead.wait()
        if self._cache is None or key in self._in_flight:
            return await self._get_network(
                url, key, entry, stored, call=call, what=what, accept=accept, ok_202=accepted_ok
            )
        done = self._in_flight[key] = anyio.Event()
        try:
            return await self._get_network(
                url, key, entry, stored, call=call, what=what, accept=accept, ok_202=accepted_ok
            )
        finally:
            del self._in_flight[key]
            done.set()

    async def _get_network(
        self,
        url: str,
        key: str,
        entry: Entry | None,
        stored: Any,
        *,
        call: Call,
        what: str,
        accept: str,
        ok_202: bool,
    ) -> Response:
        """The request part of ``get``: conditional when ``entry`` is stale, stored when GitHub allows."""
        headers = self._headers(accept)
        if entry is not None:
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
        for attempt in range(2):
            response, body, final_url = await self._send("GET", url, call=call, what=what, headers=headers)
            if response.status_code == 304 and entry is not None:
                call.stats.not_modified += 1
                if self._cache is not None:
                    self._cache.revalidated += 1
                    self._cache.touch(key)
                return Response(stored, entry.url, entry.next_link, 304, "revalidated")
            if response.status_code == 202 and not ok_202:
                raise StillComputingError(
                    f"GitHub answered 202 Accepted for {what}: it is still preparing the data and sent none. "
                    "Try again in a minute."
                )
            try:
                data = self._decode(body, what)
                break
            except UnavailableError:
                # A truncated or HTML body with a 2xx status: one more try, then give up clearly.
                if attempt == 1 or call.budget.remaining() < 1:
                    raise
                call.stats.retries += 1
        next_url = sansio.next_link(response.headers.get("link"))
        if next_url is not None and not self._same_origin(next_url):
            raise UnavailableError(f"GitHub's next-page link for {what} points at another host; not followed.")
        if self._cache is not None and response.status_code == 200:
            etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
            if etag or modified:
                self._cache.put(key, final_url, etag=etag, last_modified=modified, next_link=next_url, body=body)
        return Response(data, final_url, next_url, response.status_code, "network")

    async def paginate(
        self,
        path: str,
        params: Mapping[str, str | int] | None = None,
        *,
        call: Call,
        what: str,
        unwrap: str | None = None,
    ) -> AsyncIterator[list[Any]]:
        """Yield each page of a list endpoint, following ``Link: rel="next"`` (never building page=N).

        204 and empty bodies are empty lists; ``unwrap`` takes the list out of a wrapping object.
        """
        query: dict[str, str | int] = {"per_page": PER_PAGE}
        query.update(params or {})
        url: str | None = self.url(path, query)
        while url is not None:
            page = await self.get(url, call=call, what=what)
            data = page.data
            if unwrap and isinstance(data, dict):
                data = data.get(unwrap, [])
            if data is None:
                data = []
            if not isinstance(data, list):
                raise UnavailableError(f"GitHub answered {what} with something other than a list.")
            call.pages += 1
            call.items += len(data)
            await call.report(f"{what}: {call.pages} pages, {call.items} items")
            yield data
            url = page.next_url

    async def get_statistics(self, path: str, *, call: Call, what: str, polls: int = 5) -> Any:
        """Statistics endpoints answer 202 while GitHub computes them: poll with back-off in the budget."""
        delay = 1.0
        for _ in range(polls):
            response = await self.get(path, call=call, what=what, accepted_ok=True)
            if response.status != 202:
                return response.data
            if delay > call.budget.remaining():
                break
            await self._sleep(delay)
            delay *= 2
        raise StillComputingError(
            f"GitHub is still computing {what}; statistics are prepared on first request. Try again in a minute."
        )

    # -- GraphQL --------------------------------------------------------------------------------
    async def graphql(self, query: str, variables: Mapping[str, Any], *, call: Call, what: str) -> dict[str, Any]:
        """POST one GraphQL query. Cached by (query, variables, token identity) for the freshness TTL."""
        if self._token is None:
            raise AccessDeniedError("GitHub's GraphQL API needs a token; set GITHUB_TOKEN.")
        payload = json.dumps({"query": query, "variables": dict(variables)}, sort_keys=True).encode()
        url = self.settings.graphql_url
        key = cache_key("POST", url, "graphql", self._identity, payload)
        cached = self._cached(key)
        if cached is not None and cached[0].age(datetime.now(UTC).timestamp()) < self.settings.cache_ttl:
            call.stats.cache_hits += 1
            if self._cache is not None:
                self._cache.hits += 1
            return cached[1] if isinstance(cached[1], dict) else {}
        headers = self._headers(sansio.ACCEPT_JSON)
        headers["Content-Type"] = "application/json"
        attempt = 0
        unreadable = 0
        while True:
            response, body, _ = await self._send(
                "POST", url, call=call, what=what, headers=headers, content=payload, resource="graphql"
            )
            try:
                data = self._decode(body, what)
            except UnavailableError:
                # As for REST: a truncated or HTML body with a 2xx status gets one more try.
                unreadable += 1
                if unreadable > 1 or call.budget.remaining() < 1:
                    raise
                call.stats.retries += 1
                continue
            lowered = {k.lower(): v for k, v in response.headers.items()}
            decision = sansio.decide_graphql(data, lowered, attempt=attempt, what=what)
            if isinstance(decision, sansio.Retry):
                await self._maybe_retry(decision, attempt, call, None)
                attempt += 1
                continue
            break
        result = data.get("data") if isinstance(data, dict) else None
        if not isinstance(result, dict):
            raise UnavailableError(f"GitHub's GraphQL API sent no data for {what}.")
        limit = result.get("rateLimit")
        if isinstance(limit, dict) and isinstance(limit.get("remaining"), int):
            call.stats.rate_limit_remaining = limit["remaining"]
        if sansio.graphql_errors(data):
            call.stats.notes.append(f"GitHub returned partial GraphQL data for {what}.")
        elif self._cache is not None:
            self._cache.put(key, url, etag=None, last_modified=None, next_link=None, body=json.dumps(result).encode())
        return result

    def status(self) -> dict[str, Any]:
        return {k: v.as_dict() for k, v in sorted(self.rate_limits.items())}

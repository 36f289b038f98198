"""The fake GitHub HTTP server: a ThreadingHTTPServer on 127.0.0.1 in a background thread.

It adds to the routes in rest.py and graphql.py what GitHub's front door does: the User-Agent and
API-version checks, token auth, per-token primary rate limits with GitHub's headers, Link pagination
(page numbers, or opaque ``after`` cursors in cursor mode), ETag/Last-Modified conditional requests with
free authorised 304s, 301s for renamed repositories, and a scripted fault queue for resilience tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Literal, Self
from urllib.parse import parse_qsl, urlencode, urlsplit

from .data import FakeData, make_sample_data
from .rest import DOCS, Reply, Request, Rest, error

TEST_TOKEN = "test-token"  # the token the fake accepts by default; not a secret anywhere
SUPPORTED_API_VERSIONS = ("2022-11-28", "2026-03-10")
CONTROL_PREFIX = "/_fake/"  # the fake's own control endpoints (not GitHub's)
RECORDED_HEADERS = (
    "accept",
    "user-agent",
    "x-github-api-version",
    "if-none-match",
    "if-modified-since",
    "content-type",
    "authorization",
)
DEFAULT_LIMITS: dict[str, int] = {"core": 5000, "search": 30, "graphql": 5000, "code_search": 10}
ANONYMOUS_LIMITS: dict[str, int] = {"core": 60, "search": 10, "graphql": 0, "code_search": 0}
WINDOWS: dict[str, int] = {"core": 3600, "search": 60, "graphql": 3600, "code_search": 60}
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {rid}."
)

Action = Literal["respond", "drop_before", "drop_mid_body", "truncate", "invalid_json", "html", "trickle"]
TRICKLE_PIECES = 20


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour. Build with the classmethods; queue with ``FakeGitHub.inject``.

    ``status=None`` with ``action="respond"`` serves the real answer (after ``delay``); the mangling actions
    (``drop_mid_body``, ``truncate``) mangle the real answer.
    """

    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0
    action: Action = "respond"
    spread: float = 0.0  # ``trickle``: seconds over which the body is sent

    @classmethod
    def error(cls, status: int, message: str = "Server Error", headers: Mapping[str, str] | None = None) -> Fault:
        return cls(status, dict(headers or {}), {"message": message, "documentation_url": DOCS})

    @classmethod
    def bad_gateway(cls) -> Fault:
        return cls(502, {"Content-Type": "text/html"}, "<html><body><h1>502 Bad Gateway</h1></body></html>")

    @classmethod
    def unavailable(cls) -> Fault:
        return cls.error(503, "Service Unavailable")

    @classmethod
    def secondary_rate_limit(cls, retry_after: int | None = 60, status: int = 403) -> Fault:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        msg = SECONDARY_MESSAGE.format(rid="0000:0000:0000000:0000000:00000000")
        return cls(
            status,
            headers,
            {
                "message": msg,
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                "#about-secondary-rate-limits",
            },
        )

    @classmethod
    def too_many_requests(cls, retry_after: int | None = 1) -> Fault:
        return cls.secondary_rate_limit(retry_after, status=429)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        return cls(delay=seconds)

    @classmethod
    def trickle(cls, seconds: float) -> Fault:
        """The real answer on time, its body sent in small pieces over ``seconds``: each read is quick, the whole
        is slow (what defeats a per-read timeout)."""
        return cls(action="trickle", spread=seconds)

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection before any byte of the response."""
        return cls(action="drop_before")

    @classmethod
    def drop_mid_body(cls) -> Fault:
        """Send the headers (full Content-Length) and half the body, then close."""
        return cls(action="drop_mid_body")

    @classmethod
    def truncated_json(cls) -> Fault:
        """A complete HTTP answer whose JSON body is cut in half."""
        return cls(action="truncate")

    @classmethod
    def invalid_json(cls) -> Fault:
        return cls(action="invalid_json")

    @classmethod
    def html_page(cls, status: int = 200) -> Fault:
        """What a captive portal or a broken proxy sends: HTML where JSON was expected."""
        return cls(
            status,
            {"Content-Type": "text/html; charset=utf-8"},
            "<!DOCTYPE html><html><body>Unicorn!</body></html>",
            action="html",
        )

    @classmethod
    def accepted(cls) -> Fault:
        """202 with ``{}`` (stats still computing); inject with ``times=None`` for "forever"."""
        return cls(202, {}, {})


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # as received, prefix included, no query string
    query: dict[str, str]
    status: int
    headers: dict[str, str]  # lower-case names; Authorization replaced by "sha256:<12 hex>"
    body: Any = None  # parsed JSON body of POSTs (GraphQL), else None


@dataclass
class _Bucket:
    limit: int
    remaining: int
    reset: int

    @property
    def used(self) -> int:
        return max(0, self.limit - self.remaining)


@dataclass
class _Injected:
    pattern: re.Pattern[str]
    fault: Fault
    times: int | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeGitHub


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a client's pool reuses connections
    disable_nagle_algorithm = True  # loopback latency, not 40 ms delayed-ACK stalls
    server: _Server
    server_version = "GitHub.com"
    sys_version = ""

    def do_GET(self) -> None:
        self.server.fake._serve(self)

    do_POST = do_HEAD = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the fake keeps its own structured log


class FakeGitHub:
    """A local GitHub (REST + GraphQL) for tests. Use as a context manager.

    >>> with FakeGitHub(make_sample_data()) as gh:
    ...     gh.url  # 'http://127.0.0.1:PORT' (or '.../api/v3' when enterprise=True)
    """

    DEFAULT_TOKENS: ClassVar[frozenset[str]] = frozenset({TEST_TOKEN})

    def __init__(
        self,
        data: FakeData | None = None,
        *,
        latency: float = 0.0,
        enterprise: bool = False,
        valid_tokens: Iterable[str] = DEFAULT_TOKENS,
        cursor_pagination: bool = False,
        stats_pending: int = 1,
        limits: Mapping[str, int] | None = None,
        anonymous_limits: Mapping[str, int] | None = None,
        port: int = 0,
        require_user_agent: bool = True,
    ) -> None:
        self.data = data if data is not None else make_sample_data()
        self.latency = latency
        self.enterprise = enterprise
        self.valid_tokens = set(valid_tokens)
        self.cursor_pagination = cursor_pagination
        self.stats_pending = stats_pending
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.anonymous_limits = {**ANONYMOUS_LIMITS, **(anonymous_limits or {})}
        self.require_user_agent = require_user_agent
        self._port = port
        self._lock = threading.Lock()
        self._log: list[RequestRecord] = []
        self._faults: list[_Injected] = []
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._quota_override: dict[str, tuple[int, int | None]] = {}
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._rest: Rest | None = None
        self._graphql: Any = None

    # ---- lifecycle -----------------------------------------------------------------------------
    def start(self) -> Self:
        from .graphql import GraphQLEndpoint

        httpd = _Server(("127.0.0.1", self._port), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._rest = Rest(self.data, self.url, self.html_url, self.stats_pending)
        self._graphql = GraphQLEndpoint(self.data, self.url, self.html_url)
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-github", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---- addresses -----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeGitHub is not running: use it as a context manager or call start()")
        return int(self._httpd.server_address[1])

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The REST API base, what GITHUB_API_URL should be set to."""
        return self.origin + ("/api/v3" if self.enterprise else "")

    @property
    def graphql_url(self) -> str:
        return self.origin + ("/api/graphql" if self.enterprise else "/graphql")

    @property
    def html_url(self) -> str:
        # GHES serves its web UI at the host root; github.com's web UI is never fetched by clients.
        return self.origin if self.enterprise else "https://github.com"

    # ---- test controls -------------------------------------------------------------------------
    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    def inject(self, path_regex: str, fault: Fault, times: int | None = 1) -> None:
        """Queue a fault for requests whose API path (prefix stripped) matches; ``times=None`` is forever."""
        with self._lock:
            self._faults.append(_Injected(re.compile(path_regex), fault, times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def set_quota(
        self, remaining: int, reset: float | None = None, *, resource: str = "core", token: str | None = None
    ) -> None:
        """Set the remaining primary quota (and reset epoch) of one token, or of every caller."""
        with self._lock:
            reset_i = int(reset) if reset is not None else None
            if token is None:
                self._quota_override[resource] = (remaining, reset_i)
                targets = [b for (ident, res), b in self._buckets.items() if res == resource]
            else:
                targets = [self._bucket_locked(self._identity(token), resource)]
            for b in targets:
                b.remaining = min(remaining, b.limit) if b.limit else remaining
                if reset_i is not None:
                    b.reset = reset_i

    def quota(self, resource: str = "core", token: str | None = TEST_TOKEN) -> tuple[int, int, int]:
        """(limit, remaining, reset) of a caller's bucket, for assertions."""
        with self._lock:
            b = self._bucket_locked(self._identity(token), resource)
            return b.limit, b.remaining, b.reset

    def summary(self) -> dict[str, Any]:
        """Counts of the requests received so far (what the control endpoint reports)."""
        log = self.requests
        by_status: dict[str, int] = {}
        by_kind: dict[str, int] = {}
        for r in log:
            by_status[str(r.status)] = by_status.get(str(r.status), 0) + 1
            kind = "graphql" if r.path.endswith("/graphql") else "rest"
            by_kind[kind] = by_kind.get(kind, 0) + 1
        return {
            "requests": len(log),
            "not_modified": by_status.get("304", 0),
            "conditional": sum(1 for r in log if "if-none-match" in r.headers or "if-modified-since" in r.headers),
            "by_status": by_status,
            "by_kind": by_kind,
        }

    def _control(self, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        """Test controls over HTTP, for a fake running in another process: never recorded, never delayed.

        GET /_fake/summary: request counts; GET /_fake/requests: the log; POST /_fake/reset: clear the log.
        """
        name = path[len(CONTROL_PREFIX) :].strip("/")
        if method == "GET" and name == "summary":
            return self._json(200, self.summary())
        if method == "GET" and name == "requests":
            log = [{"method": r.method, "path": r.path, "query": r.query, "status": r.status} for r in self.requests]
            return self._json(200, log)
        if method == "POST" and name == "reset":
            self.reset_log()
            return self._json(200, {"requests": 0})
        return self._json(404, {"message": f"No fake control {method} {path}"})

    # ---- internals: quotas ---------------------------------------------------------------------
    @staticmethod
    def _identity(token: str | None) -> str:
        if token is None:
            return "anonymous"
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:16]

    def _bucket_locked(self, identity: str, resource: str) -> _Bucket:
        key = (identity, resource)
        now = int(time.time())
        b = self._buckets.get(key)
        limits = self.anonymous_limits if identity == "anonymous" else self.limits
        if b is None:
            limit = limits.get(resource, 5000)
            b = _Bucket(limit, limit, now + WINDOWS.get(resource, 3600))
            if resource in self._quota_override:
                rem, rst = self._quota_override[resource]
                b.remaining = rem
                if rst is not None:
                    b.reset = rst
            self._buckets[key] = b
        elif now >= b.reset:  # the window rolled over
            b.remaining, b.reset = b.limit, now + WINDOWS.get(resource, 3600)
        return b

    @staticmethod
    def _rate_headers(b: _Bucket, resource: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(b.limit),
            "X-RateLimit-Remaining": str(max(0, b.remaining)),
            "X-RateLimit-Reset": str(b.reset),
            "X-RateLimit-Used": str(b.used),
            "X-RateLimit-Resource": resource,
        }

    def rate_limit_body(self, identity: str, api_version: str) -> dict[str, Any]:
        with self._lock:
            resources = {}
            for res in ("core", "search", "graphql", "code_search"):
                b = self._bucket_locked(identity, res)
                resources[res] = {"limit": b.limit, "used": b.used, "remaining": max(0, b.remaining), "reset": b.reset}
            resources["integration_manifest"] = {
                "limit": 5000,
                "used": 0,
                "remaining": 5000,
                "reset": resources["core"]["reset"],
            }
        body: dict[str, Any] = {"resources": resources}
        if api_version != "2026-03-10":  # `rate` is removed from 2026-03-10 on
            body["rate"] = dict(resources["core"])
        return body

    # ---- internals: request handling -----------------------------------------------------------
    def _take_fault(self, api_path: str) -> Fault | None:
        with self._lock:
            for inj in self._faults:
                if inj.pattern.search(api_path):
                    if inj.times is not None:
                        inj.times -= 1
                        if inj.times <= 0:
                            self._faults.remove(inj)
                    return inj.fault
        return None

    def _record(self, h: _Handler, path: str, query: dict[str, str], status: int, body: Any) -> None:
        headers: dict[str, str] = {}
        for name in RECORDED_HEADERS:
            value = h.headers.get(name)
            if value is None:
                continue
            if name == "authorization":
                value = "sha256:" + hashlib.sha256(value.encode()).hexdigest()[:12]
            headers[name] = value
        with self._lock:
            self._log.append(RequestRecord(h.command, path, query, status, headers, body))

    def _serve(self, h: _Handler) -> None:
        split = urlsplit(h.path)
        path = split.path
        pairs = parse_qsl(split.query, keep_blank_values=True)
        query = dict(pairs)
        length = int(h.headers.get("Content-Length") or 0)
        raw_body = h.rfile.read(length) if length else b""
        if path.startswith(CONTROL_PREFIX):
            self._send(h, *self._control(h.command, path))
            return
        parsed_body: Any = None
        if raw_body:
            with contextlib.suppress(ValueError):
                parsed_body = json.loads(raw_body)
        if self.latency:
            time.sleep(self.latency)

        prefix = "/api/v3" if self.enterprise else ""
        gql_path = "/api/graphql" if self.enterprise else "/graphql"
        is_graphql = path == gql_path
        if is_graphql:
            api_path = "/graphql"
        elif path == prefix or path.startswith(prefix + "/"):
            api_path = path[len(prefix) :] or "/"
        else:
            api_path = None

        fault = self._take_fault(api_path or path)
        status, headers, body = self._answer(h, api_path, is_graphql, pairs, query, parsed_body, raw_body)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.action == "drop_before":
                self._record(h, path, query, 0, parsed_body)
                self._drop(h)
                return
            if fault.status is not None or fault.action in ("invalid_json", "html"):
                body_b = _to_bytes(fault.body) if fault.action != "invalid_json" else b'{"message": "oops", '
                rate = {k: v for k, v in headers.items() if k.lower().startswith("x-ratelimit")}
                headers = {"Content-Type": "application/json; charset=utf-8", **rate, **fault.headers}
                status = fault.status or 200
                body = body_b
            elif fault.action == "truncate":
                body = body[: max(1, len(body) // 2)]
            elif fault.action == "drop_mid_body":
                self._record(h, path, query, status, parsed_body)
                self._send(h, status, headers, body, cut=True)
                return
            elif fault.action == "trickle":
                self._record(h, path, query, status, parsed_body)
                self._send(h, status, headers, body, spread=fault.spread)
                return
        self._record(h, path, query, status, parsed_body)
        self._send(h, status, headers, body)

    def _answer(
        self,
        h: _Handler,
        api_path: str | None,
        is_graphql: bool,
        pairs: list[tuple[str, str]],
        query: dict[str, str],
        parsed_body: Any,
        raw_body: bytes,
    ) -> tuple[int, dict[str, str], bytes]:
        if api_path is None:
            return self._json(404, {"message": "Not Found", "documentation_url": DOCS})
        if self.require_user_agent and not h.headers.get("User-Agent"):
            return self._json(
                403,
                {
                    "message": "Request forbidden by administrative rules. Please make sure your request has a "
                    "User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api"
                    "#user-agent-required). Check https://developer.github.com for other possible causes."
                },
            )
        version = h.headers.get("X-GitHub-Api-Version") or "2022-11-28"
        if version not in SUPPORTED_API_VERSIONS:
            return self._json(
                400,
                {
                    "message": f"Unsupported 'X-GitHub-Api-Version' header: {version}. Supported versions are: "
                    + ", ".join(SUPPORTED_API_VERSIONS),
                    "documentation_url": "https://docs.github.com/rest/about-the-rest-api/api-versions",
                },
            )
        token = _token(h.headers.get("Authorization"))
        if token is not None and token not in self.valid_tokens:
            return self._json(401, {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"})
        identity = self._identity(token)
        authorised = token is not None

        if is_graphql:
            if h.command != "POST":
                return self._json(404, {"message": "Not Found", "documentation_url": DOCS})
            if not authorised:
                return self._json(
                    401,
                    {
                        "message": "This endpoint requires you to be authenticated.",
                        "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql"
                        "#authenticating-with-graphql",
                    },
                )
            if not isinstance(parsed_body, dict) or "query" not in parsed_body:
                return self._json(400, {"message": "Problems parsing JSON", "documentation_url": DOCS})
            return self._graphql_answer(identity, parsed_body)

        if api_path.rstrip("/") == "/rate_limit":
            limits = self.rate_limit_body(identity, version)
            with self._lock:
                rate = self._rate_headers(self._bucket_locked(identity, "core"), "core")
            return self._json(200, limits, rate)

        resource = "search" if api_path.startswith("/search/") else "core"
        with self._lock:
            bucket = self._bucket_locked(identity, resource)
            exhausted = bucket.remaining <= 0
            rate = self._rate_headers(bucket, resource)
        if exhausted:
            who = "user ID 1" if authorised else "127.0.0.1"
            return self._json(
                403,
                {
                    "message": f"API rate limit exceeded for {who}. (But here's the good news: Authenticated "
                    "requests get a higher rate limit. Check out the documentation for more details.)"
                    if not authorised
                    else f"API rate limit exceeded for {who}.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                },
                rate,
            )

        assert self._rest is not None
        req = Request(h.command, api_path, query, authorised, version)
        reply = self._rest.handle(req)
        status, headers, body = self._render(h, reply, pairs)
        free = status == 304 and authorised  # GitHub: authorised 304s cost no primary quota
        with self._lock:
            if not free:
                bucket.remaining = max(0, bucket.remaining - 1)
            headers.update(self._rate_headers(bucket, resource))
        return status, headers, body

    def _graphql_answer(self, identity: str, payload: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            bucket = self._bucket_locked(identity, "graphql")

        def charge(cost: int) -> tuple[bool, int, int, int, int]:
            with self._lock:
                if bucket.remaining < cost or bucket.remaining <= 0:
                    return False, bucket.limit, bucket.remaining, bucket.used, bucket.reset
                bucket.remaining -= cost
                return True, bucket.limit, bucket.remaining, bucket.used, bucket.reset

        result = self._graphql.execute(payload, charge)
        with self._lock:
            rate = self._rate_headers(bucket, "graphql")
        return self._json(200, result, rate)

    def _render(self, h: _Handler, reply: Reply, pairs: list[tuple[str, str]]) -> tuple[int, dict[str, str], bytes]:
        headers = dict(reply.headers)
        body_obj: Any = reply.body
        if reply.items is not None:
            page, link, err = self._paginate(reply.items, h.path, pairs)
            if err is not None:
                return self._json(err.status, err.body)
            if link:
                headers["Link"] = link
            body_obj = {**reply.body, "items": page} if isinstance(reply.body, dict) else page
        status = reply.status
        if status == 204:
            return 204, headers, b""
        body = json.dumps(body_obj, separators=(",", ":")).encode()
        headers.setdefault("Content-Type", "application/json; charset=utf-8")
        if status == 200 and not reply.no_store:
            etag = 'W/"' + hashlib.sha1(body, usedforsecurity=False).hexdigest() + '"'
            headers["ETag"] = etag
            headers["Cache-Control"] = "private, max-age=60, s-maxage=60"
            headers["Vary"] = "Accept, Authorization, Cookie, X-GitHub-OTP"
            if reply.last_modified is not None:
                headers["Last-Modified"] = format_datetime(reply.last_modified.astimezone(UTC), usegmt=True)
            inm = h.headers.get("If-None-Match")
            ims = h.headers.get("If-Modified-Since")
            if inm is not None:
                if _etag_matches(inm, etag):
                    return 304, _keep_304(headers), b""
            elif ims and reply.last_modified is not None and _not_modified_since(ims, reply.last_modified):
                return 304, _keep_304(headers), b""
        return status, headers, body

    def _paginate(
        self, items: list[Any], raw_path: str, pairs: list[tuple[str, str]]
    ) -> tuple[list[Any], str | None, Reply | None]:
        q = dict(pairs)
        try:
            per_page = int(q.get("per_page", "30"))
        except ValueError:
            per_page = 30
        per_page = 30 if per_page < 1 else min(per_page, 100)  # GitHub clamps silently
        total = len(items)
        path = urlsplit(raw_path).path
        base = [(k, v) for k, v in pairs if k not in ("page", "after", "before")]

        def link(extra: list[tuple[str, str]], rel: str) -> str:
            return f'<{self.origin}{path}?{urlencode(base + extra)}>; rel="{rel}"'

        if self.cursor_pagination:
            if int(q.get("page", "1") or 1) > 1:
                return (
                    [],
                    None,
                    error(
                        422,
                        "Pagination with the page parameter is not supported for large datasets, please use "
                        "cursor based pagination (after/before)",
                    ),
                )
            if "before" in q:
                end = _decode_cursor(q["before"])
                start = max(0, end - per_page)
            else:
                start = _decode_cursor(q["after"]) if "after" in q else 0
                end = start + per_page
            if start < 0 or end < 0:
                return [], None, error(422, "Invalid cursor")
            page = items[start:end]
            links = []
            if end < total:
                links.append(link([("after", _encode_cursor(end))], "next"))
            if start > 0:
                links.append(link([("before", _encode_cursor(start))], "prev"))
            return page, ", ".join(links) or None, None

        try:
            number = max(1, int(q.get("page", "1") or 1))
        except ValueError:
            number = 1
        last = max(1, -(-total // per_page))
        page = items[(number - 1) * per_page : number * per_page]
        links = []
        if number > 1:
            links.append(link([("page", str(min(number - 1, last)))], "prev"))
        if number < last:
            links.append(link([("page", str(number + 1))], "next"))
            links.append(link([("page", str(last))], "last"))
        if number > 1:
            links.append(link([("page", "1")], "first"))
        return page, ", ".join(links) or None, None

    @staticmethod
    def _json(status: int, body: Any, headers: Mapping[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        out = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        return status, out, json.dumps(body, separators=(",", ":")).encode()

    def _send(
        self,
        h: _Handler,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        *,
        cut: bool = False,
        spread: float = 0.0,
    ) -> None:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}"]
        hdrs = {
            "Server": "GitHub.com",
            "Date": format_datetime(datetime.now(UTC), usegmt=True),
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Request-Id": uuid.uuid4().hex[:20].upper(),
            **headers,
        }
        if status not in (204, 304):
            hdrs["Content-Length"] = str(len(body))
        lines += [f"{k}: {v}" for k, v in hdrs.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        send_body = h.command != "HEAD" and status not in (204, 304)
        payload = head + (body if send_body else b"")
        try:
            if cut:
                h.wfile.write(head + body[: max(1, len(body) // 2)])
                h.wfile.flush()
                self._drop(h)
                return
            if spread and send_body:
                h.wfile.write(head)
                h.wfile.flush()
                step = -(-len(body) // TRICKLE_PIECES)
                for start in range(0, len(body), step):
                    time.sleep(spread / TRICKLE_PIECES)
                    h.wfile.write(body[start : start + step])
                    h.wfile.flush()
                return
            h.wfile.write(payload)  # one write: headers and body in one segment
            h.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True

    @staticmethod
    def _drop(h: _Handler) -> None:
        h.close_connection = True
        with contextlib.suppress(OSError):
            h.connection.shutdown(socket.SHUT_RDWR)


_REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    301: "Moved Permanently",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    410: "Gone",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def _token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() in ("bearer", "token") and value.strip():
        return value.strip()
    return "\x00invalid"  # an Authorization GitHub cannot parse is bad credentials, not anonymous


def _etag_matches(header: str, etag: str) -> bool:
    def bare(tag: str) -> str:
        return tag.strip().removeprefix("W/")

    return header.strip() == "*" or any(bare(t) == bare(etag) for t in header.split(","))


def _not_modified_since(header: str, last_modified: datetime) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= since


def _keep_304(headers: Mapping[str, str]) -> dict[str, str]:
    keep = ("ETag", "Last-Modified", "Cache-Control", "Vary", "Link")
    return {k: v for k, v in headers.items() if k in keep}


def _encode_cursor(offset: int) -> str:
    import base64

    return base64.b64encode(f"cursor:v2:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    import base64
    import binascii

    try:
        text = base64.b64decode(cursor, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return -1
    prefix, _, num = text.rpartition(":")
    return int(num) if prefix == "cursor:v2" and num.isdigit() else -1


def _to_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()

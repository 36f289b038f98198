"""Read the recorded GitHub interactions in tests/fixtures/github into plain values for respx."""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "github"


@dataclass(frozen=True)
class Interaction:
    method: str
    url: str
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


def octokit(name: str) -> list[Interaction]:
    """A nock recording (octokit/fixtures ``*_raw-fixture.json``)."""
    out = []
    for item in json.loads((FIXTURES / "octokit-fixtures" / name).read_text()):
        raw = item.get("rawHeaders") or []
        headers = {raw[i].lower(): raw[i + 1] for i in range(0, len(raw), 2)}
        headers.pop("content-length", None)
        body = item["response"]
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        out.append(Interaction(item["method"].upper(), item["scope"] + item["path"], item["status"], headers, data))
    return out


def betamax(name: str) -> list[Interaction]:
    """A Betamax cassette (github3.py ``tests/cassettes``); bodies are gunzipped."""
    out = []
    cassette = json.loads((FIXTURES / "github3py-cassettes" / name).read_text())
    for item in cassette["http_interactions"]:
        response = item["response"]
        headers = {k.lower(): v for k, v in response["headers"].items()}
        body_info = response.get("body") or {}
        if "base64_string" in body_info:
            data = base64.b64decode(body_info["base64_string"])
        else:
            data = (body_info.get("string") or "").encode()
        if headers.pop("content-encoding", "") == "gzip" and data:
            data = gzip.decompress(data)
        headers.pop("content-length", None)
        headers.pop("transfer-encoding", None)
        out.append(
            Interaction(item["request"]["method"], item["request"]["uri"], response["status"]["code"], headers, data)
        )
    return out

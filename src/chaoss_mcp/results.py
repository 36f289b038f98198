"""The one result envelope every metric tool returns, and the provenance that travels with it.

The envelope's JSON schema is each tool's ``outputSchema``; every field is described for the model
that reads it. ``value`` is typed per metric (a pydantic model of the metric's own figures).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

ValueT = TypeVar("ValueT", bound=BaseModel)

SourceKind = Literal["github", "git"]

# Typed loosely in the schema on purpose: the layout is documented once (chaoss://keys/public, README)
# instead of in every tool's output schema; the signer always writes an ``attestation.Attestation``.
AttestationField = Annotated[
    dict[str, str] | None,
    Field(
        description=(
            "Signature block (format, algorithm, digest, key_id, tool_version, signed_at, signature): Ed25519 "
            "over the RFC 8785 JSON of everything else here; check with verify_result. Null when signing is off"
        )
    ),
]


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RepositoryRef(Envelope):
    input: str = Field(description="The repository argument exactly as given")
    canonical: str = Field(description="Canonical owner/name on the forge (after renames), or the resolved local path")
    source: SourceKind = Field(description="Where the data came from: the GitHub API or a local git history")


class Window(Envelope):
    start: datetime = Field(description="Start of the measured window (inclusive, UTC)")
    end: datetime = Field(description="End of the window (inclusive, UTC); equals as_of")
    days: int = Field(description="Length of the window in days")


class SpecRef(Envelope):
    id: str = Field(description="Spec id (the YAML file name without extension)")
    version: str = Field(description="The spec's own version string")
    sha256: str = Field(description="SHA-256 of the spec's canonical form; identifies the exact criteria")
    chaoss_url: str | None = Field(None, description="The CHAOSS knowledge-base page the metric follows")
    origin: Literal["built-in", "user"] = Field(description="Shipped with the server, or from a user directory")
    path: str = Field(description="File the spec was loaded from")


class Provenance(Envelope):
    source: SourceKind = Field(description="Data source kind")
    api_base: str | None = Field(None, description="GitHub API base URL used (GitHub source only)")
    requests: int = Field(0, description="HTTP requests sent over the network for this answer")
    not_modified: int = Field(0, description="Conditional requests answered 304 Not Modified (free of quota)")
    cache_hits: int = Field(0, description="Responses served from the local cache without any request")
    retries: int = Field(0, description="Requests retried after a transient failure or secondary limit")
    rate_limit_remaining: int | None = Field(None, description="Primary rate-limit quota left after the call")
    fetched_at: datetime = Field(description="When the data was collected (UTC)")
    elapsed_seconds: float = Field(description="Wall time spent answering")
    complete: bool = Field(
        True, description="False when a time budget or a cap cut the collection short; see `incomplete_note`"
    )
    incomplete_note: str | None = Field(None, description="What is missing when `complete` is false")


class MetricResult(Envelope, Generic[ValueT]):
    metric: str = Field(description="Metric id, e.g. time_to_first_response")
    title: str = Field(description="Human-readable metric name")
    repository: RepositoryRef
    status: Literal["ok", "inconclusive"] = Field(
        description="`inconclusive` when there was not enough data to score; never reported as a zero"
    )
    value: ValueT | None = Field(description="The metric's own figures")
    score: float | None = Field(description="Score on 0-10 against the spec's bands; null when inconclusive")
    band: str | None = Field(description="Label of the band the value fell in, e.g. 'healthy'")
    reason: str = Field(description="One sentence: the figure, the window and the threshold crossed")
    as_of: date = Field(description="The date the answer is computed as of; reproduce it with the same as_of")
    window: Window | None = Field(description="The time window measured (null for point-in-time metrics)")
    definition: dict[str, object] = Field(description="The definition variant and the parameter values actually used")
    sample: dict[str, int] = Field(description="Sizes of the populations behind the figures")
    spec: SpecRef = Field(description="The criteria this result was scored against")
    provenance: Provenance
    caveats: list[str] = Field(
        default_factory=list, description="Plain sentences the assistant should pass on to the user"
    )
    attestation: AttestationField = None

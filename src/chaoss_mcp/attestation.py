"""Signed, verifiable results: anyone holding a result can check who produced it and that no figure changed.

A signed result is the result's JSON object with one extra top-level member, ``attestation``::

    {
      ...the result...,
      "attestation": {
        "format": "chaoss-mcp-attestation/1",
        "algorithm": "ed25519",
        "digest": "sha256:<64 lowercase hex>",
        "key_id": "ed25519:<32 lowercase hex>",
        "tool_version": "0.1.0",
        "signed_at": "2026-06-30T12:00:00Z",
        "signature": "<standard base64, with padding, of the 64-byte Ed25519 signature>"
      }
    }

What is signed, exactly (enough to verify with any Ed25519 and any RFC 8785 implementation):

1. Content digest. Remove the top-level member ``attestation`` from the result object (nothing else).
   Serialise the rest with the JSON Canonicalization Scheme (RFC 8785: members sorted by their UTF-16
   code units, no whitespace, ECMAScript number formatting, UTF-8). ``digest`` is ``"sha256:"``
   followed by the lowercase hex SHA-256 of those bytes.
2. Signed statement. Take the ``attestation`` object and remove its ``signature`` member; the six
   remaining members are all strings. Serialise that object with RFC 8785; for example::

       {"algorithm":"ed25519","digest":"sha256:…","format":"chaoss-mcp-attestation/1",
        "key_id":"ed25519:…","signed_at":"2026-06-30T12:00:00Z","tool_version":"0.1.0"}

   (on one line). ``signature`` is the pure Ed25519 signature (RFC 8032, not pre-hashed) of those
   UTF-8 bytes. Signing the statement rather than the bare digest means the tool version and the
   signing time cannot be edited either; ``format`` separates these statements from anything else the
   key might ever sign.
3. Key id. ``key_id`` is ``"ed25519:"`` followed by the lowercase hex of the first 16 bytes of the
   SHA-256 of the raw 32-byte public key. It only selects a trusted key; trust comes from the key.

A verifier recomputes the digest (a mismatch means the content changed), then checks the signature
with a key it already trusts. Because the digest is over the canonical form, member order and
whitespace do not matter, and neither does ``2.0`` versus ``2`` (the same JSON number). Values must
be JSON: strings, booleans, null, integers within +/-(2**53 - 1), finite floats, arrays and objects
with string keys, nested at most ``MAX_DEPTH`` deep.

The signing core (``canonical_bytes``, ``digest_of``, ``sign_result``, ``verify_result``) is pure:
the signing time is passed in. Key files are PEM: PKCS#8 for the private key (mode 0600), and
SubjectPublicKeyInfo for public keys.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import math
import os
import re
import secrets
import stat
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import rfc8785
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chaoss_mcp.errors import BadInputError

__all__ = [
    "ATTESTATION_FORMAT",
    "ATTESTATION_KEY",
    "MAX_DEPTH",
    "Attestation",
    "Verification",
    "VerificationReason",
    "canonical_bytes",
    "default_key_path",
    "digest_of",
    "key_id",
    "load_or_create_private_key",
    "load_private_key",
    "load_public_key",
    "load_trusted_keys",
    "public_key_base64",
    "public_key_pem",
    "sign_result",
    "signed_payload",
    "verify_json",
    "verify_result",
]

ATTESTATION_KEY = "attestation"
ATTESTATION_FORMAT: Literal["chaoss-mcp-attestation/1"] = "chaoss-mcp-attestation/1"
# Result envelopes nest a handful of levels; a hard cap keeps hostile input from exhausting the stack.
MAX_DEPTH = 64
KEY_FILE_NAME = "signing-key.pem"
_MAX_KEY_FILE_BYTES = 1 << 20
_JSON_SAFE_INT = 2**53 - 1

_DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
_KEY_ID_RE = re.compile(r"^ed25519:[0-9a-f]{32}$")
_SIGNED_AT_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z$")
_PEM_BLOCK_RE = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\s.*?-----END \1-----", re.DOTALL)

VerificationReason = Literal["valid", "malformed", "digest_mismatch", "bad_signature", "unknown_key"]


class Attestation(BaseModel):
    """The signature block carried in a result's top-level ``attestation`` member."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["chaoss-mcp-attestation/1"] = Field(
        ATTESTATION_FORMAT, description="Version of this attestation layout and of what is signed"
    )
    algorithm: Literal["ed25519"] = Field("ed25519", description="Signature algorithm (RFC 8032 Ed25519)")
    digest: str = Field(
        pattern=_DIGEST_RE.pattern,
        description=("'sha256:' + hex SHA-256 of the result's RFC 8785 canonical JSON, without the attestation member"),
    )
    key_id: str = Field(
        pattern=_KEY_ID_RE.pattern,
        description="'ed25519:' + hex of the first 16 bytes of SHA-256 of the raw 32-byte public key",
    )
    tool_version: str = Field(description="Version of chaoss-mcp that produced and signed the result")
    signed_at: str = Field(
        pattern=_SIGNED_AT_RE.pattern, description="When the result was signed (ISO 8601, UTC, 'Z' suffix)"
    )
    signature: str = Field(
        description=("Base64 Ed25519 signature over the RFC 8785 canonical JSON of this object without `signature`")
    )


class Verification(BaseModel):
    """The outcome of checking a signed result; ``valid`` is the only field to act on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    valid: bool = Field(description="True only when the content matches the digest and a trusted key signed it")
    reason: VerificationReason = Field(
        description=(
            "valid; malformed (not a JSON object, or a missing or ill-formed attestation); digest_mismatch "
            "(the content changed after signing); bad_signature (the attestation was altered or another "
            "key signed it); unknown_key (signed by a key that is not trusted)"
        )
    )
    message: str = Field(description="One sentence saying what was found and what it means")
    key_id: str | None = Field(None, description="Key id the attestation names (as claimed)")
    digest: str | None = Field(None, description="Digest of the content as received, computed by the verifier")
    tool_version: str | None = Field(None, description="Tool version as claimed; trustworthy only when valid")
    signed_at: str | None = Field(None, description="Signing time as claimed; trustworthy only when valid")


class _NotJson(ValueError):
    """A value that has no place in a canonical JSON document; the message names where it is."""


# --- canonical form and digest -------------------------------------------------------------------------


def _plain(value: object, where: str, depth: int) -> object:
    """A plain dict/list/scalar copy of ``value``, or ``_NotJson`` naming the first offending place."""
    if depth > MAX_DEPTH:
        raise _NotJson(f"{where} is nested more than {MAX_DEPTH} levels deep")
    if value is None or value is True or value is False:
        return value
    if isinstance(value, bool):  # a bool subclass is not a JSON boolean
        raise _NotJson(f"{where} is of type {type(value).__name__}, not a JSON value")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _NotJson(f"{where} contains a lone surrogate, which UTF-8 cannot encode") from None
        return str.__str__(value)  # a str subclass (an Enum) would otherwise print its own way
    if isinstance(value, int):
        number = int(value)
        if not -_JSON_SAFE_INT <= number <= _JSON_SAFE_INT:
            raise _NotJson(f"{where} is an integer beyond +/-(2**53 - 1), which JSON cannot carry exactly")
        return number
    if isinstance(value, float):
        real = float(value)
        if not math.isfinite(real):
            raise _NotJson(f"{where} is {real}, which JSON cannot represent")
        return real
    if isinstance(value, Mapping):
        copy: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotJson(f"{where} has a key of type {type(key).__name__}; JSON keys are strings")
            name = _plain(key, f"{where} key {key!r}", depth)
            copy[str(name)] = _plain(item, f"{where}.{key}", depth + 1)
        return copy
    if isinstance(value, list | tuple):
        return [_plain(item, f"{where}[{index}]", depth + 1) for index, item in enumerate(value)]
    raise _NotJson(f"{where} is of type {type(value).__name__}, not a JSON value")


def _canonical(result: object) -> bytes:
    if not isinstance(result, Mapping):
        raise _NotJson(f"the result is a {type(result).__name__}, not a JSON object")
    content = _plain({k: v for k, v in result.items() if k != ATTESTATION_KEY}, "$", 0)
    try:
        return rfc8785.dumps(content)  # type: ignore[arg-type]  # _plain returned JSON-only values
    except (rfc8785.CanonicalizationError, ValueError, RecursionError) as exc:  # pragma: no cover
        raise _NotJson(f"the result cannot be canonicalised: {exc}") from None


def canonical_bytes(result: Mapping[str, object]) -> bytes:
    """RFC 8785 canonical JSON of ``result`` without its top-level ``attestation`` member.

    Pass ``model.model_dump(mode="json")``. Raises ``BadInputError`` naming the first value that is not
    JSON (NaN, an integer beyond 2**53 - 1, a datetime object, a non-string key, too deep a nesting).
    """
    try:
        return _canonical(result)
    except _NotJson as exc:
        raise BadInputError(f"Cannot sign or check this result: {exc}.") from None


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def digest_of(result: Mapping[str, object]) -> str:
    """``"sha256:<hex>"`` of ``canonical_bytes(result)``."""
    return _digest(canonical_bytes(result))


# --- keys ------------------------------------------------------------------------------------------------


def _raw_public(key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """``"ed25519:"`` + hex of the first 16 bytes of SHA-256 over the raw public key (of a private key's pair)."""
    return "ed25519:" + hashlib.sha256(_raw_public(key)).hexdigest()[:32]


def public_key_pem(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The public key as PEM SubjectPublicKeyInfo text, safe to publish."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(
        "ascii"
    )


def public_key_base64(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The raw 32-byte public key in standard base64 (a one-line form ``load_public_key`` accepts)."""
    return base64.b64encode(_raw_public(key)).decode("ascii")


def default_key_path(config_dir: Path) -> Path:
    """Where the server keeps its signing key: ``config_dir/signing-key.pem``."""
    return config_dir / KEY_FILE_NAME


def _read_key_file(path: Path, what: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError:
        raise BadInputError(f"No {what} at {path}; check the path.") from None
    except OSError as exc:
        raise BadInputError(f"Cannot read the {what} at {path}: {exc.strerror or exc}.") from None
    if len(data) > _MAX_KEY_FILE_BYTES:
        raise BadInputError(f"{path} is larger than 1 MiB, too large to be a {what}; check the path.")
    return data


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read an unencrypted PEM PKCS#8 Ed25519 private key that only its owner can read.

    Refuses (``BadInputError``) a missing or unreadable file, a file other users may read or write
    (POSIX), an encrypted key, and any key that is not Ed25519.
    """
    if os.name == "posix":
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise BadInputError(f"No signing key at {path}; check the path.") from None
        except OSError as exc:
            raise BadInputError(f"Cannot read the signing key at {path}: {exc.strerror or exc}.") from None
        if not stat.S_ISREG(mode):
            raise BadInputError(f"The signing key path {path} is not a regular file; check the path.")
        # Like ssh: a private key others can read is not private any more.
        if stat.S_IMODE(mode) & 0o077:
            raise BadInputError(
                f"The signing key {path} is accessible to other users (mode {stat.S_IMODE(mode):04o}); "
                f"run `chmod 600 {path}` and try again."
            )
    data = _read_key_file(path, "signing key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise BadInputError(
            f"The signing key {path} is encrypted; chaoss-mcp needs an unencrypted PKCS#8 PEM key (file mode 600)."
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise BadInputError(
            f"{path} does not hold a PEM private key; delete it to have chaoss-mcp create a new one, "
            "or point to the right file."
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BadInputError(
            f"{path} holds a key of type {type(key).__name__.removesuffix('PrivateKey')}; chaoss-mcp "
            "signs with Ed25519 only (generate one with `openssl genpkey -algorithm ed25519`)."
        )
    return key


def load_or_create_private_key(path: Path) -> Ed25519PrivateKey:
    """Load the signing key at ``path``, creating it on first use.

    A new key is written to a private temporary file (O_EXCL, 0600) in the same directory and then
    hard-linked into place, which fails rather than overwrites if another process got there first; the
    loser discards its key and reads the winner's, so concurrent first calls agree on one key. Missing
    directories are created 0700; an existing directory's mode is left alone.
    """
    if path.exists():
        return load_private_key(path)
    directory = path.parent
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInputError(f"Cannot create the directory {directory} for the signing key: {exc}.") from None
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    temporary = directory / f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(descriptor, pem)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            os.link(temporary, path)  # atomic, and never replaces a key another process just placed
        except FileExistsError:
            pass  # lost the race: the winner's key is the key
        except OSError:
            # No hard links on this file system: rename, after the best check available without them.
            if not path.exists():
                os.replace(temporary, path)
    except OSError as exc:
        raise BadInputError(f"Cannot create the signing key at {path}: {exc.strerror or exc}.") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return load_private_key(path)


def _public_from_pem(block: bytes, source: str) -> Ed25519PublicKey:
    if b"PRIVATE KEY-----" in block:
        raise BadInputError(
            f"{source} holds a private key; give the public key instead (`chaoss-mcp` can print it) "
            "and keep the private key secret."
        )
    try:
        key = serialization.load_pem_public_key(block)
    except (ValueError, UnsupportedAlgorithm):
        raise BadInputError(f"{source} does not hold a valid PEM public key.") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BadInputError(f"{source} holds a key of type {type(key).__name__}; chaoss-mcp keys are Ed25519.")
    return key


def _pem_blocks(text: bytes) -> list[bytes]:
    # Anything outside ASCII inside the armour becomes "?", which then fails as an invalid PEM block.
    found = _PEM_BLOCK_RE.finditer(text.decode("ascii", "replace"))
    return [match.group(0).encode("ascii", "replace") for match in found]


def _public_from_base64(text: str) -> Ed25519PublicKey | None:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 32:
        return None
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:  # pragma: no cover - every 32-byte string is accepted by the backend
        return None


def load_public_key(path_or_pem_text: Path | str) -> Ed25519PublicKey:
    """One Ed25519 public key from a file (a ``Path``) or from text (a ``str``).

    Text is PEM SubjectPublicKeyInfo or the standard base64 of the raw 32-byte key, never a file name:
    text comes from callers over MCP, who must not be able to make the server open files. A file must
    hold exactly one PEM public key (or the base64 form).
    """
    if isinstance(path_or_pem_text, str):
        text = path_or_pem_text.strip()
        if "-----BEGIN" in text:
            return _exactly_one(text.encode("utf-8", "replace"), "the given PEM text")
        raw_key = _public_from_base64(text)
        if raw_key is not None:
            return raw_key
        raise BadInputError("The public key is neither PEM text nor the base64 of a 32-byte Ed25519 key.")
    path = path_or_pem_text
    data = _read_key_file(path, "public key")
    if b"-----BEGIN" not in data:
        raw_key = _public_from_base64(data.decode("ascii", "replace").strip())
        if raw_key is not None:
            return raw_key
    return _exactly_one(data, str(path))


def _exactly_one(data: bytes, source: str) -> Ed25519PublicKey:
    blocks = _pem_blocks(data)
    if len(blocks) != 1:
        raise BadInputError(
            f"{source} holds {len(blocks)} PEM blocks; give exactly one public key "
            "(use a trusted-keys file for several)."
        )
    return _public_from_pem(blocks[0], source)


def load_trusted_keys(paths: Sequence[Path]) -> dict[str, Ed25519PublicKey]:
    """Every PEM public key in the given files, by key id. Text between PEM blocks is ignored (notes)."""
    trusted: dict[str, Ed25519PublicKey] = {}
    for path in paths:
        data = _read_key_file(path, "trusted-keys file")
        blocks = _pem_blocks(data)
        if not blocks:
            raise BadInputError(
                f"{path} holds no PEM public key; a trusted-keys file holds one or more "
                "'-----BEGIN PUBLIC KEY-----' blocks."
            )
        for block in blocks:
            key = _public_from_pem(block, str(path))
            trusted[key_id(key)] = key
    return trusted


# --- signing and verifying -------------------------------------------------------------------------------


def signed_payload(attestation: Mapping[str, object]) -> bytes:
    """The exact bytes the signature covers: RFC 8785 JSON of the attestation without ``signature``."""
    statement = {k: v for k, v in attestation.items() if k != "signature"}
    return rfc8785.dumps(statement)  # type: ignore[arg-type]  # callers pass string members only


def _format_signed_at(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadInputError("signed_at must be a timezone-aware datetime (UTC), not a naive one.")
    utc = moment.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"


def sign_result(
    result: Mapping[str, object], key: Ed25519PrivateKey, *, tool_version: str, signed_at: datetime
) -> dict[str, object]:
    """A new dict: a deep, plain copy of ``result`` with an ``attestation`` member (replacing any old one).

    ``result`` is JSON-compatible data (``model.model_dump(mode="json")``); the input is not modified and
    shares nothing with the returned dict, which is exactly what was digested.
    Pure: the caller passes the signing time. Raises ``BadInputError`` for non-JSON values.
    """
    try:
        content = _plain({k: v for k, v in result.items() if k != ATTESTATION_KEY}, "$", 0)
    except _NotJson as exc:
        raise BadInputError(f"Cannot sign or check this result: {exc}.") from None
    assert isinstance(content, dict)  # _plain copies a mapping into a dict
    digest = _digest(canonical_bytes(content))
    statement: dict[str, str] = {
        "format": ATTESTATION_FORMAT,
        "algorithm": "ed25519",
        "digest": digest,
        "key_id": key_id(key),
        "tool_version": tool_version,
        "signed_at": _format_signed_at(signed_at),
    }
    try:
        payload = signed_payload(statement)
    except rfc8785.CanonicalizationError:
        raise BadInputError("tool_version must be text that UTF-8 can encode.") from None
    signature = base64.b64encode(key.sign(payload)).decode("ascii")
    attestation = Attestation.model_validate({**statement, "signature": signature})
    content[ATTESTATION_KEY] = attestation.model_dump(mode="json")
    return content


def _outcome(reason: VerificationReason, message: str, **fields: str | None) -> Verification:
    return Verification(valid=reason == "valid", reason=reason, message=message, **fields)


def _malformed(message: str, **fields: str | None) -> Verification:
    return _outcome("malformed", message, **fields)


def verify_result(
    result: object,
    trusted_keys: Mapping[str, Ed25519PublicKey] | None = None,
    public_key: Ed25519PublicKey | None = None,
) -> Verification:
    """Check a signed result. Never raises on bad input: anything unusable is ``malformed``.

    ``public_key``, when given, is the one key to check against (the named key id is not consulted);
    otherwise the attestation's ``key_id`` must be one of ``trusted_keys``. Checks run in order:
    well-formed, digest matches the content, key known, signature valid.
    """
    if not isinstance(result, Mapping):
        return _malformed(f"The result is a {type(result).__name__}, not a JSON object.")
    raw = result.get(ATTESTATION_KEY)
    if raw is None:
        return _malformed("The result carries no attestation, so it is not signed.")
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        return _malformed("The attestation must be a JSON object whose members are all strings.")
    missing = sorted(set(Attestation.model_fields) - set(raw))
    if missing:
        return _malformed(f"The attestation lacks {', '.join(missing)}.")
    try:
        attestation = Attestation.model_validate(dict(raw), strict=True)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'attestation'}: {error['msg']}"
            for error in exc.errors(include_url=False)[:3]
        )
        return _malformed(f"The attestation is ill-formed ({problems}).")
    claimed = {
        "key_id": attestation.key_id,
        "tool_version": attestation.tool_version,
        "signed_at": attestation.signed_at,
    }
    try:
        signature = base64.b64decode(attestation.signature, validate=True)
    except (binascii.Error, ValueError):
        return _malformed("The attestation's signature is not valid base64.", **claimed)
    if len(signature) != 64:
        return _malformed(
            f"The signature is {len(signature)} bytes long; an Ed25519 signature is 64 (truncated?).",
            **claimed,
        )
    try:
        digest = _digest(_canonical(result))
    except _NotJson as exc:
        return _malformed(f"The result is not plain JSON: {exc}.", **claimed)
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops nesting long before the stack does
        return _malformed("The result is nested too deeply to check.", **claimed)
    if digest != attestation.digest:
        return _outcome(
            "digest_mismatch",
            f"The content changed after signing: it hashes to {digest}, but {attestation.digest} was signed.",
            digest=digest,
            **claimed,
        )
    if public_key is not None:
        key = public_key
    else:
        found = (trusted_keys or {}).get(attestation.key_id)
        if found is None:
            return _outcome(
                "unknown_key",
                f"The result was signed by key {attestation.key_id}, which is not among the trusted keys; "
                "add its public key to the trusted keys if you trust who holds it.",
                digest=digest,
                **claimed,
            )
        key = found
    try:
        payload = signed_payload(dict(raw))
    except (rfc8785.CanonicalizationError, ValueError):
        return _malformed("The attestation contains text that UTF-8 cannot encode.", **claimed)
    try:
        key.verify(signature, payload)
    except InvalidSignature:
        return _outcome(
            "bad_signature",
            f"The signature does not match: the attestation was altered or key {attestation.key_id} did not "
            "sign this result.",
            digest=digest,
            **claimed,
        )
    return _outcome(
        "valid",
        f"Valid: signed by key {attestation.key_id} with chaoss-mcp {attestation.tool_version} at "
        f"{attestation.signed_at}; the content is unchanged since.",
        digest=digest,
        **claimed,
    )


def _reject_constant(name: str) -> object:
    raise _NotJson(f"{name} is not a JSON number")


def _unique_members(pairs: list[tuple[str, object]]) -> dict[str, object]:
    members: dict[str, object] = {}
    for name, value in pairs:
        if name in members:
            # Parsers disagree on which duplicate wins, so a duplicate could show one thing and sign another.
            raise _NotJson(f"the member {name!r} appears twice in one object")
        members[name] = value
    return members


def verify_json(
    text: str | bytes,
    trusted_keys: Mapping[str, Ed25519PublicKey] | None = None,
    public_key: Ed25519PublicKey | None = None,
) -> Verification:
    """``verify_result`` on JSON text, parsed strictly: duplicate members, NaN and Infinity are malformed."""
    try:
        parsed = json.loads(text, object_pairs_hook=_unique_members, parse_constant=_reject_constant)
    except _NotJson as exc:
        return _malformed(f"The text is not strict JSON: {exc}.")
    except RecursionError:
        return _malformed("The JSON text is nested too deeply to check.")
    except (ValueError, TypeError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return _malformed(f"The text is not valid JSON: {exc}.")
    return verify_result(parsed, trusted_keys=trusted_keys, public_key=public_key)

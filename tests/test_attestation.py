from __future__ import annotations

import base64
import copy
import hashlib
import json
import math
import multiprocessing
import os
import stat
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from chaoss_mcp import attestation as att
from chaoss_mcp.attestation import (
    Attestation,
    Verification,
    canonical_bytes,
    default_key_path,
    digest_of,
    key_id,
    load_or_create_private_key,
    load_private_key,
    load_public_key,
    load_trusted_keys,
    public_key_base64,
    public_key_pem,
    sign_result,
    signed_payload,
    verify_json,
    verify_result,
)
from chaoss_mcp.errors import BadInputError
from chaoss_mcp.results import MetricResult, Provenance, RepositoryRef, SpecRef, Window

KEY = Ed25519PrivateKey.generate()
OTHER_KEY = Ed25519PrivateKey.generate()
SIGNED_AT = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
VERSION = "0.1.0"

RESULT: dict[str, Any] = {
    "metric": "time_to_first_response",
    "status": "ok",
    "score": 7.5,
    "band": "healthy",
    "as_of": "2026-06-30",
    "value": {"median_hours": 12.25, "p90_hours": 96, "responders": ["alice", "bøb", "名前"]},
    "sample": {"issues": 42, "pull_requests": 17},
    "window": {"start": "2026-04-01T00:00:00Z", "end": "2026-06-30T00:00:00Z", "days": 90},
    "caveats": [],
    "definition": {"variant": "any_non_author", "exclude_bots": True, "threshold": None},
}


def signed(result: dict[str, Any] | None = None, key: Ed25519PrivateKey = KEY) -> dict[str, Any]:
    return sign_result(RESULT if result is None else result, key, tool_version=VERSION, signed_at=SIGNED_AT)


def check(result: object, key: Ed25519PrivateKey = KEY) -> Verification:
    return verify_result(result, public_key=key.public_key())


# --- round trip and tampering ------------------------------------------------------------------------


def test_a_signed_result_verifies_and_says_who_signed_it() -> None:
    outcome = check(signed())
    assert outcome.valid
    assert outcome.reason == "valid"
    assert outcome.key_id == key_id(KEY)
    assert outcome.digest == digest_of(RESULT)
    assert outcome.signed_at == "2026-06-30T12:00:00Z"
    assert outcome.tool_version == VERSION
    assert key_id(KEY) in outcome.message


def test_signing_adds_only_an_attestation_and_leaves_the_input_alone() -> None:
    before = copy.deepcopy(RESULT)
    result = signed()
    assert before == RESULT
    assert {k: v for k, v in result.items() if k != "attestation"} == RESULT
    result["value"]["responders"].append("mallory")
    assert before == RESULT
    attestation = Attestation.model_validate(result["attestation"])
    assert attestation.algorithm == "ed25519"
    assert attestation.format == "chaoss-mcp-attestation/1"
    assert attestation.digest == digest_of(RESULT)


def test_signing_again_replaces_the_previous_attestation() -> None:
    later = sign_result(signed(), OTHER_KEY, tool_version="0.2.0", signed_at=SIGNED_AT + timedelta(days=1))
    assert later["attestation"]["key_id"] == key_id(OTHER_KEY)
    assert later["attestation"]["digest"] == digest_of(RESULT)
    assert check(later, OTHER_KEY).valid


def test_a_result_survives_a_trip_through_json_text() -> None:
    text = json.dumps(signed(), indent=2, ensure_ascii=True)
    assert verify_json(text, public_key=KEY.public_key()).valid
    assert check(json.loads(text)).valid


def set_in(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(result: dict[str, Any]) -> None:
        target: Any = result
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def delete(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def mutate(result: dict[str, Any]) -> None:
        target: Any = result
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(set_in(("value", "median_hours"), 12.26), id="nested float"),
        pytest.param(set_in(("value", "p90_hours"), 95), id="nested integer"),
        pytest.param(set_in(("score",), 9.5), id="top-level score"),
        pytest.param(set_in(("band",), "critical"), id="string"),
        pytest.param(set_in(("value", "responders", 1), "bob"), id="list element"),
        pytest.param(set_in(("definition", "exclude_bots"), False), id="boolean"),
        pytest.param(set_in(("definition", "threshold"), 0), id="null to zero"),
        pytest.param(set_in(("sample", "issues"), "42"), id="number to string"),
        pytest.param(set_in(("status",), "ok "), id="trailing space"),
        pytest.param(delete(("band",)), id="removed field"),
        pytest.param(delete(("value", "responders", 2)), id="removed list element"),
        pytest.param(set_in(("value", "extra"), 1), id="added nested field"),
        pytest.param(set_in(("note",), "trust me"), id="added top-level field"),
        pytest.param(set_in(("caveats",), ["added caveat"]), id="added list element"),
    ],
)
def test_any_change_to_the_content_is_a_digest_mismatch(mutate: Callable[[dict[str, Any]], None]) -> None:
    result = signed()
    mutate(result)
    outcome = check(result)
    assert not outcome.valid
    assert outcome.reason == "digest_mismatch"
    assert outcome.digest == digest_of(result)


def reordered(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reordered(item) for item in value]
    return value


def test_reordered_members_at_every_level_still_verify() -> None:
    result = reordered(signed())
    assert list(result) != list(signed())
    assert list(result["attestation"]) != list(signed()["attestation"])
    assert check(result).valid


def test_reordering_list_elements_is_a_change() -> None:
    result = signed()
    result["value"]["responders"].reverse()
    assert check(result).reason == "digest_mismatch"


def test_a_whole_number_written_as_a_float_is_the_same_json_number() -> None:
    result = signed()
    result["sample"]["issues"] = 42.0
    assert check(result).valid


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tool_version", "0.1.1"),
        ("signed_at", "2026-06-30T12:00:01Z"),
    ],
)
def test_changing_what_the_attestation_claims_breaks_the_signature(field: str, value: str) -> None:
    result = signed()
    result["attestation"][field] = value
    assert check(result).reason == "bad_signature"


def test_a_recomputed_digest_over_changed_content_breaks_the_signature() -> None:
    result = signed()
    result["score"] = 10.0
    result["attestation"]["digest"] = digest_of(result)
    assert check(result).reason == "bad_signature"


def test_a_signature_from_another_key_is_a_bad_signature_when_the_key_is_given() -> None:
    outcome = check(signed(key=OTHER_KEY), KEY)
    assert not outcome.valid
    assert outcome.reason == "bad_signature"


def test_trusted_keys_are_chosen_by_key_id() -> None:
    trusted = {key_id(KEY): KEY.public_key()}
    assert verify_result(signed(), trusted_keys=trusted).reason == "valid"
    outcome = verify_result(signed(key=OTHER_KEY), trusted_keys=trusted)
    assert outcome.reason == "unknown_key"
    assert outcome.key_id == key_id(OTHER_KEY)
    assert key_id(OTHER_KEY) in outcome.message


def test_a_forged_key_id_naming_a_trusted_key_is_a_bad_signature() -> None:
    result = signed(key=OTHER_KEY)
    result["attestation"]["key_id"] = key_id(KEY)
    assert verify_result(result, trusted_keys={key_id(KEY): KEY.public_key()}).reason == "bad_signature"


def test_with_no_keys_at_all_every_signer_is_unknown() -> None:
    assert verify_result(signed()).reason == "unknown_key"
    assert verify_result(signed(), trusted_keys={}).reason == "unknown_key"


def with_attestation(**changes: Any) -> dict[str, Any]:
    result = signed()
    for name, value in changes.items():
        if value is ...:
            del result["attestation"][name]
        else:
            result["attestation"][name] = value
    return result


TRUNCATED = base64.b64encode(base64.b64decode(signed()["attestation"]["signature"])[:63]).decode()


@pytest.mark.parametrize(
    "result",
    [
        pytest.param(None, id="null"),
        pytest.param([RESULT], id="array"),
        pytest.param("{}", id="string"),
        pytest.param(42, id="number"),
        pytest.param(RESULT, id="missing attestation"),
        pytest.param({**RESULT, "attestation": None}, id="null attestation"),
        pytest.param({**RESULT, "attestation": "signed"}, id="attestation is a string"),
        pytest.param(with_attestation(signature=TRUNCATED), id="truncated signature"),
        pytest.param(with_attestation(signature="not base64!"), id="bad base64"),
        pytest.param(with_attestation(signature=...), id="no signature"),
        pytest.param(with_attestation(format=...), id="no format"),
        pytest.param(with_attestation(format="chaoss-mcp-attestation/2"), id="unknown format"),
        pytest.param(with_attestation(algorithm="rsa"), id="other algorithm"),
        pytest.param(with_attestation(digest="sha256:abc"), id="short digest"),
        pytest.param(with_attestation(digest="md5:" + "0" * 64), id="other hash"),
        pytest.param(with_attestation(digest=signed()["attestation"]["digest"] + "0"), id="long digest"),
        pytest.param(with_attestation(key_id=" " + key_id(KEY)), id="padded key id"),
        pytest.param(with_attestation(signed_at="2026-06-30T12:00:00Z\n"), id="time with a newline"),
        pytest.param(with_attestation(key_id="alice"), id="ill-formed key id"),
        pytest.param(with_attestation(signed_at="yesterday"), id="ill-formed time"),
        pytest.param(with_attestation(signed_at=1782820800), id="time as a number"),
        pytest.param(with_attestation(tool_version=None), id="null version"),
        pytest.param(with_attestation(comment="extra"), id="unsigned extra member"),
        pytest.param(with_attestation(tool_version="\ud800"), id="lone surrogate in the attestation"),
    ],
)
def test_unusable_input_is_malformed_and_never_raises(result: object) -> None:
    outcome = check(result)
    assert not outcome.valid
    assert outcome.reason == "malformed"
    assert outcome.message.endswith(".")


def nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "named"),
    [
        pytest.param(nested(100_000), "nested more than", id="deep nesting"),
        pytest.param(2**53, "2**53", id="integer too large"),
        pytest.param(-(10**400), "2**53", id="huge integer"),
        pytest.param(math.nan, "nan", id="NaN"),
        pytest.param(math.inf, "inf", id="infinity"),
        pytest.param(datetime(2026, 1, 1, tzinfo=UTC), "datetime", id="datetime object"),
        pytest.param({1: "one"}, "key of type int", id="non-string key"),
        pytest.param({"a", "b"}, "set", id="set"),
        pytest.param(b"bytes", "bytes", id="bytes"),
        pytest.param("\udc80", "surrogate", id="lone surrogate"),
    ],
)
def test_values_that_are_not_json_are_refused_when_signing_and_malformed_when_verifying(value: Any, named: str) -> None:
    content = {**RESULT, "value": {"figure": value}}
    with pytest.raises(BadInputError, match="Cannot sign or check this result") as raised:
        sign_result(content, KEY, tool_version=VERSION, signed_at=SIGNED_AT)
    assert named in str(raised.value)
    tampered = {**signed(), "value": {"figure": value}}
    outcome = check(tampered)
    assert outcome.reason == "malformed"
    assert named in outcome.message


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("not json", id="not json"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="deep nesting"),
        pytest.param('{"score": NaN}', id="NaN"),
        pytest.param('{"score": -Infinity}', id="Infinity"),
        pytest.param(b"\xff\xfe\x00", id="undecodable bytes"),
        pytest.param("[]", id="array"),
    ],
)
def test_json_text_that_is_not_a_plain_object_is_malformed(text: str | bytes) -> None:
    assert verify_json(text, public_key=KEY.public_key()).reason == "malformed"


def test_json_text_with_a_duplicated_member_is_malformed() -> None:
    # A reader taking the first "score" would see 0.5 while the signature covers 7.5.
    text = json.dumps(signed())
    forged = text.replace('"score": 7.5', '"score": 0.5, "score": 7.5')
    assert forged != text
    outcome = verify_json(forged, public_key=KEY.public_key())
    assert outcome.reason == "malformed"
    assert "twice" in outcome.message


# --- the canonical form and the signed payload, checked from first principles -----------------------------


def test_canonical_bytes_follow_rfc_8785() -> None:
    value = {
        "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000001, 1e-7, 1.0, -0.0, 9007199254740991],
        "literals": [None, True, False],
        "string": '€$\u000f\nA\'B"\\\\"/',
        "\u20ac": "euro key",
        "\r": "carriage return key",
        "1": "digit key",
        "\U0001f600": "emoji key",
        "\u00f6": "o umlaut key",
        "attestation": {"dropped": True},
    }
    expected = (
        '{"\\r":"carriage return key","1":"digit key",'
        '"literals":[null,true,false],'
        '"numbers":[333333333.3333333,1e+30,4.5,0.002,0.000001,1e-7,1,0,9007199254740991],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/",'
        '"ö":"o umlaut key","€":"euro key","😀":"emoji key"}'
    ).encode()
    assert canonical_bytes(value) == expected
    assert digest_of(value) == "sha256:" + hashlib.sha256(expected).hexdigest()


def test_key_id_is_a_prefix_of_the_sha256_of_the_raw_public_key() -> None:
    raw = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert key_id(KEY.public_key()) == "ed25519:" + hashlib.sha256(raw).digest()[:16].hex()
    assert key_id(KEY) == key_id(KEY.public_key())


def test_a_third_party_can_verify_from_the_documented_recipe_alone() -> None:
    result = json.loads(json.dumps(signed()))
    attestation = result.pop("attestation")
    # Step 1: the digest of the content (ASCII-only keys here, so sorted compact JSON is JCS).
    content = json.dumps(result, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert content == canonical_bytes(result)
    assert attestation["digest"] == "sha256:" + hashlib.sha256(content).hexdigest()
    # Step 2: the statement is the attestation without its signature, canonical JSON.
    signature = base64.b64decode(attestation.pop("signature"))
    statement = json.dumps(attestation, sort_keys=True, separators=(",", ":")).encode()
    assert statement == signed_payload(attestation)
    assert statement.startswith(b'{"algorithm":"ed25519","digest":"sha256:')
    raw = base64.b64decode(public_key_base64(KEY))
    Ed25519PublicKey.from_public_bytes(raw).verify(signature, statement)  # raises if wrong


def test_signed_at_is_written_in_utc_with_a_z() -> None:
    plus_two = timezone(timedelta(hours=2))
    result = sign_result(
        RESULT, KEY, tool_version=VERSION, signed_at=datetime(2026, 6, 30, 14, 0, 0, 250000, tzinfo=plus_two)
    )
    assert result["attestation"]["signed_at"] == "2026-06-30T12:00:00.250000Z"
    assert check(result).valid


def test_a_naive_signing_time_is_refused() -> None:
    with pytest.raises(BadInputError, match="timezone-aware"):
        sign_result(RESULT, KEY, tool_version=VERSION, signed_at=datetime(2026, 6, 30))


def test_every_attestation_and_verification_field_is_described() -> None:
    for model in (Attestation, Verification):
        properties = model.model_json_schema()["properties"]
        assert all(schema.get("description") for schema in properties.values()), model.__name__


class Figures(BaseModel):
    median_hours: float
    responders: list[str]


def test_a_real_result_envelope_signs_and_verifies_after_serialisation() -> None:
    envelope = MetricResult[Figures](
        metric="time_to_first_response",
        title="Time to first response",
        repository=RepositoryRef(input="chaoss/augur", canonical="chaoss/augur", source="github"),
        status="ok",
        value=Figures(median_hours=3.0, responders=["zoë"]),
        score=8.0,
        band="healthy",
        reason="Median first response 3.0 h over 90 days; under the 24 h threshold.",
        as_of=date(2026, 6, 30),
        window=Window(start=datetime(2026, 4, 1, tzinfo=UTC), end=datetime(2026, 6, 30, tzinfo=UTC), days=90),
        definition={"variant": "any_non_author"},
        sample={"issues": 3},
        spec=SpecRef(id="time_to_first_response", version="1", sha256="0" * 64, origin="built-in", path="x"),
        provenance=Provenance(source="github", fetched_at=datetime(2026, 6, 30, tzinfo=UTC), elapsed_seconds=1.5),
    )
    result = sign_result(envelope.model_dump(mode="json"), KEY, tool_version=VERSION, signed_at=SIGNED_AT)
    assert verify_json(json.dumps(result), public_key=KEY.public_key()).valid
    result["value"]["median_hours"] = 2.0
    assert check(result).reason == "digest_mismatch"


# --- keys on disk ----------------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_default_key_lives_in_the_config_directory(tmp_path: Path) -> None:
    assert default_key_path(tmp_path) == tmp_path / "signing-key.pem"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_key_is_created_private_on_first_use_and_reused_after(tmp_path: Path) -> None:
    path = default_key_path(tmp_path / "config" / "chaoss-mcp")
    first = load_or_create_private_key(path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert key_id(load_or_create_private_key(path)) == key_id(first)
    assert key_id(load_private_key(path)) == key_id(first)
    assert [p.name for p in path.parent.iterdir()] == ["signing-key.pem"]


def test_the_loser_of_a_creation_race_uses_the_winners_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "signing-key.pem"
    winner = Ed25519PrivateKey.generate()
    real_link = os.link

    def another_process_wins(source: Any, target: Any) -> None:
        # The other process places its key between our existence check and our link.
        write_private_key(Path(target), winner)
        real_link(source, target)

    monkeypatch.setattr(att.os, "link", another_process_wins)
    assert key_id(load_or_create_private_key(path)) == key_id(winner)
    assert [p.name for p in tmp_path.iterdir()] == ["signing-key.pem"]


def create_in_child(path: str, start: Any, results: Any) -> None:
    start.wait()
    results.put(key_id(load_or_create_private_key(Path(path))))


def test_processes_creating_the_key_at_once_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing-key.pem"
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(4)
    results = context.Queue()
    children = [context.Process(target=create_in_child, args=(str(path), start, results)) for _ in range(4)]
    for child in children:
        child.start()
    ids = {results.get(timeout=30) for _ in children}
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0
    results.close()
    results.join_thread()
    assert ids == {key_id(load_private_key(path))}
    assert [p.name for p in path.parent.iterdir()] == ["signing-key.pem"]


def write_private_key(path: Path, key: Any, encryption: Any = None, file_mode: int = 0o600) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        encryption or serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    path.chmod(file_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("file_mode", [0o640, 0o604, 0o620, 0o666])
def test_a_private_key_other_users_can_reach_is_refused(tmp_path: Path, file_mode: int) -> None:
    path = tmp_path / "signing-key.pem"
    write_private_key(path, KEY, file_mode=file_mode)
    with pytest.raises(BadInputError, match=f"chmod 600 {path}"):
        load_private_key(path)
    with pytest.raises(BadInputError, match="chmod 600"):
        load_or_create_private_key(path)


@pytest.mark.parametrize(
    ("write", "message"),
    [
        pytest.param(
            lambda p: write_private_key(p, ec.generate_private_key(ec.SECP256R1())), "Ed25519 only", id="EC key"
        ),
        pytest.param(
            lambda p: write_private_key(p, KEY, serialization.BestAvailableEncryption(b"secret")),
            "encrypted",
            id="encrypted key",
        ),
        pytest.param(lambda p: p.write_text("hello"), "does not hold a PEM private key", id="garbage"),
        pytest.param(lambda p: p.write_text(public_key_pem(KEY)), "does not hold", id="public key"),
        pytest.param(lambda p: p.mkdir(), "not a regular file|Cannot read", id="a directory"),
        pytest.param(lambda p: None, "No signing key", id="missing"),
    ],
)
def test_unusable_private_key_files_are_refused_with_a_reason(
    tmp_path: Path, write: Callable[[Path], None], message: str
) -> None:
    path = tmp_path / "signing-key.pem"
    write(path)
    if path.is_file():
        path.chmod(0o600)
    with pytest.raises(BadInputError, match=message):
        load_private_key(path)


def test_public_keys_load_from_pem_text_base64_and_files(tmp_path: Path) -> None:
    expected = key_id(KEY)
    pem_file = tmp_path / "key.pub"
    pem_file.write_text(public_key_pem(KEY))
    b64_file = tmp_path / "key.b64"
    b64_file.write_text(public_key_base64(KEY) + "\n")
    for source in (public_key_pem(KEY), public_key_base64(KEY), pem_file, b64_file):
        assert key_id(load_public_key(source)) == expected, source
    with pytest.raises(BadInputError, match="neither PEM"):  # text is never taken for a file name
        load_public_key(str(pem_file))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            KEY.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ).decode(),
            "holds a private key",
            id="private key",
        ),
        pytest.param(public_key_pem(KEY) + public_key_pem(OTHER_KEY), "exactly one", id="two keys"),
        pytest.param(
            ec.generate_private_key(ec.SECP256R1())
            .public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode(),
            "Ed25519",
            id="EC public key",
        ),
        pytest.param("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "not hold a valid", id="bad PEM"),
        pytest.param(base64.b64encode(b"x" * 31).decode(), "neither PEM", id="31 bytes of base64"),
        pytest.param("", "neither PEM", id="empty"),
    ],
)
def test_unusable_public_keys_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        load_public_key(text)


def test_trusted_key_files_may_hold_several_keys_and_notes(tmp_path: Path) -> None:
    team = tmp_path / "team.pem"
    team.write_text(f"Alice's server\n{public_key_pem(KEY)}\nBob's laptop\n{public_key_pem(OTHER_KEY)}")
    third = Ed25519PrivateKey.generate()
    single = tmp_path / "ci.pem"
    single.write_text(public_key_pem(third))
    trusted = load_trusted_keys([team, single])
    assert set(trusted) == {key_id(KEY), key_id(OTHER_KEY), key_id(third)}
    assert verify_result(signed(key=OTHER_KEY), trusted_keys=trusted).valid


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("just notes", "holds no PEM public key", id="no keys"),
        pytest.param(None, "No trusted-keys file", id="missing"),
    ],
)
def test_unusable_trusted_key_files_are_refused(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "trusted.pem"
    if content is not None:
        path.write_text(content)
    with pytest.raises(BadInputError, match=message):
        load_trusted_keys([path])


# --- properties ------------------------------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
json_objects = st.dictionaries(
    st.text(max_size=8).filter(lambda k: k != "attestation"), json_values, min_size=1, max_size=6
)


def places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a member or element below ``value``."""
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for step, item in items:
        found.append((*path, step))
        found.extend(places(item, (*path, step)))
    return found


def mutated(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return "changed" if value is None else not value
    if isinstance(value, str):
        return value + "!"
    return [value]  # a number cannot always be nudged (1e308 + 1 == 1e308), but it can be wrapped


@given(content=json_objects, data=st.data())
@settings(max_examples=150, deadline=None)
def test_sign_then_verify_holds_and_any_single_mutation_is_caught(content: dict[str, Any], data: Any) -> None:
    result = sign_result(content, KEY, tool_version=VERSION, signed_at=SIGNED_AT)
    assert check(result).valid
    assert check(json.loads(json.dumps(result))).valid
    assert check(reordered(result)).valid

    tampered = copy.deepcopy(result)
    body = {k: v for k, v in tampered.items() if k != "attestation"}
    path = data.draw(st.sampled_from(places(body)))
    parent: Any = tampered
    for step in path[:-1]:
        parent = parent[step]
    kind = data.draw(st.sampled_from(["replace", "remove", "add"]))
    if kind == "replace":
        parent[path[-1]] = mutated(parent[path[-1]])
    elif kind == "remove":
        del parent[path[-1]]
    elif isinstance(parent, list):
        parent.insert(path[-1], None)
    else:
        parent["\x00added" + "".join(map(str, parent))] = 0
    assert check(tampered).reason == "digest_mismatch"

"""The server's signer: every tool result leaves with an attestation, and results can be checked here.

The key is read (or created, owner-only) on the first signature, not at start-up. Signing can be turned
off (``CHAOSS_MCP_SIGNING=false``); results then carry ``attestation: null`` and say nothing about origin.
Verification trusts this server's own public key plus any keys listed in ``CHAOSS_MCP_TRUSTED_KEYS``.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel

from chaoss_mcp import __version__
from chaoss_mcp.attestation import (
    Verification,
    key_id,
    load_or_create_private_key,
    load_public_key,
    load_trusted_keys,
    public_key_pem,
    sign_result,
    verify_json,
    verify_result,
)
from chaoss_mcp.config import Settings

ModelT = TypeVar("ModelT", bound=BaseModel)


class Signer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._key: Ed25519PrivateKey | None = None
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.settings.signing

    def private_key(self) -> Ed25519PrivateKey:
        with self._lock:
            if self._key is None:
                self._key = load_or_create_private_key(self.settings.signing_key_path)
            return self._key

    def public_key(self) -> Ed25519PublicKey:
        return self.private_key().public_key()

    def public_pem(self) -> str:
        return public_key_pem(self.private_key())

    def key_id(self) -> str:
        return key_id(self.private_key())

    def sign(self, result: ModelT) -> ModelT:
        """The same result with its ``attestation`` filled in (unchanged when signing is off)."""
        if not self.enabled:
            return result
        signed = sign_result(
            result.model_dump(mode="json"),
            self.private_key(),
            tool_version=__version__,
            signed_at=datetime.now(UTC),
        )
        return type(result).model_validate(signed)

    def trusted(self) -> dict[str, Ed25519PublicKey]:
        """Keys whose signatures count as valid: the configured trusted keys plus this server's own."""
        keys = load_trusted_keys(self.settings.trusted_keys)
        if self.enabled or self.settings.signing_key_path.exists():
            own = self.public_key()
            keys[key_id(own)] = own
        return keys

    def verify(self, result: object, public_key: str | None = None) -> Verification:
        """Check a result (a JSON object, or its JSON text) against one public key (PEM), or the trusted keys.

        A bad ``public_key`` raises ``BadInputError``; anything wrong with the result is a ``Verification``.
        """
        if public_key is not None:
            given = load_public_key(public_key)
            if isinstance(result, str | bytes):
                return verify_json(result, public_key=given)
            return verify_result(result, public_key=given)
        if isinstance(result, str | bytes):
            return verify_json(result, trusted_keys=self.trusted())
        return verify_result(result, trusted_keys=self.trusted())


__all__ = ["Signer"]

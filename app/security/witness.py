"""The audit trail's witness: its end, recorded outside the database (issue 17 §1).

The chain's own head lives in the database, so whoever can write the database can cut the
trail's tail and write a fresh head over what is left. The witness is a small file beside
``keyslots.json`` holding the last sequence number and MAC, tagged with a key of its own
(HKDF of the audit secret, distinct from the chain's MAC key). It is rewritten after each
commit that appends events, so a database that falls *behind* its witness, or no longer
holds the event the witness names, shows that events were removed or replaced.

A database *ahead* of its witness is normal: the witness is written after the commit, so a
crash in between leaves it one transaction behind. What no witness can show is the database
and the witness rolled back together (both restored from an old backup): that is what the
fingerprint on each quarterly report is for (:func:`fingerprint`).

Pure functions only: the file is read and written by :mod:`app.services.audit_witness`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

WITNESS_KEY_INFO = b"homeward-audit-witness-v1"
FORMAT = "homeward-audit-witness"
FORMAT_VERSION = 1
_TAG_LABEL = b"witness"
_FINGERPRINT_LABEL = b"homeward-audit-fingerprint-v1"


@dataclass(frozen=True)
class Witness:
    """The end of the trail as last recorded: event ``sequence`` had MAC ``mac``."""

    sequence: int
    mac: bytes


class WitnessDamaged(ValueError):
    """The witness file is not one Homeward wrote with this workspace's key."""


def witness_key(audit_secret: bytes) -> bytes:
    """The witness's tag key, from the workspace's audit secret (which survives data-key
    rotation, as the chain's key does)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=WITNESS_KEY_INFO).derive(
        audit_secret
    )


def _tag(key: bytes, sequence: int, mac: bytes) -> str:
    return hmac.digest(key, _TAG_LABEL + sequence.to_bytes(8, "big") + mac, "sha256").hex()


def encode(key: bytes, witness: Witness) -> bytes:
    body = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "sequence": witness.sequence,
        "mac": witness.mac.hex(),
        "tag": _tag(key, witness.sequence, witness.mac),
    }
    return (json.dumps(body, sort_keys=True) + "\n").encode("ascii")


def decode(key: bytes, data: bytes) -> Witness:
    """The witness in ``data``; :class:`WitnessDamaged` if it is malformed or its tag is not
    genuine."""
    try:
        body = json.loads(data)
        sequence, mac, tag = body["sequence"], bytes.fromhex(body["mac"]), body["tag"]
        if body.get("format") != FORMAT or not isinstance(sequence, int) or sequence < 0:
            raise WitnessDamaged("format")
        genuine = isinstance(tag, str) and hmac.compare_digest(_tag(key, sequence, mac), tag)
    except (ValueError, TypeError, KeyError, OverflowError, AttributeError):
        raise WitnessDamaged("malformed") from None
    if not genuine:
        raise WitnessDamaged("tag")
    return Witness(sequence, mac)


def fingerprint(sequence: int, mac: bytes) -> str:
    """A short public fingerprint of the trail up to event ``sequence`` (whose MAC chains
    every event before it): 16 hex digits in four groups. It reveals nothing about the
    events — it is a hash of a keyed MAC — so it may be printed on a published report; any
    later change to events 1..``sequence`` changes it."""
    digest = hashlib.sha256(_FINGERPRINT_LABEL + sequence.to_bytes(8, "big") + mac).hexdigest()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))

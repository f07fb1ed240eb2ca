"""The audit log's hash chain: each entry commits to its content and to the entry before it.

Pure: entries in, hashes and verdicts out. Editing, removing or reordering any entry
breaks the chain at that entry, which `first_break` names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """One operation on the workspace: who, when, what, with which inputs and outputs."""

    seq: int
    at: str
    actor: str
    operation: str
    parameters: dict
    inputs: dict
    outputs: dict
    prev_hash: str = GENESIS
    hash: str = ""

    def content(self) -> dict:
        """Everything the hash covers: all fields but the hash itself."""
        fields = asdict(self)
        del fields["hash"]
        return fields


def canonical(value: dict) -> str:
    """The one JSON text of a mapping: sorted keys, no spaces, non-JSON values as strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 of the entry's canonical content, which includes the previous entry's hash."""
    return hashlib.sha256(canonical(entry.content()).encode("utf-8")).hexdigest()


def chained(previous: AuditEntry | None, *, at: str, actor: str, operation: str,
            parameters: dict, inputs: dict, outputs: dict) -> AuditEntry:
    """The entry that follows `previous` (or starts the log), with its hash filled in."""
    entry = AuditEntry(seq=previous.seq + 1 if previous else 1, at=at, actor=actor, operation=operation,
                       parameters=parameters, inputs=inputs, outputs=outputs,
                       prev_hash=previous.hash if previous else GENESIS)
    return replace(entry, hash=entry_hash(entry))


@dataclass(frozen=True)
class Break:
    """Where and why the chain stops verifying."""

    seq: int
    reason: str


def first_break(entries: Sequence[AuditEntry]) -> Break | None:
    """The first entry (in stored order) that was edited, removed or moved; None if the chain holds."""
    previous_hash, expected_seq = GENESIS, 1
    for entry in entries:
        if entry.seq != expected_seq:
            return Break(entry.seq, f"expected entry {expected_seq} here: an entry was removed or moved")
        if entry.prev_hash != previous_hash:
            return Break(entry.seq, "does not follow the entry before it: an entry was removed, moved or rewritten")
        if entry.hash != entry_hash(entry):
            return Break(entry.seq, "its content does not match its hash: the entry was edited")
        previous_hash, expected_seq = entry.hash, expected_seq + 1
    return None

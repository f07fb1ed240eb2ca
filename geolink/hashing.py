"""Content hashes of files, read in blocks so a large file never sits in memory."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path, salt: bytes = b"") -> str:
    """SHA-256 (hex) of `salt` followed by the file's bytes."""
    digest = hashlib.sha256(salt)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()

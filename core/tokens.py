"""Secret keys shown once and stored only as their hash (meter tokens, partner tokens)."""

import hashlib
import secrets


def key_hash(key: str) -> str:
    """The SHA-256 hex digest a token row stores instead of its key."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_new(prefix: str) -> str:
    """A new random key with a recognisable prefix (e.g. ``smx_``, ``smxp_``)."""
    return prefix + secrets.token_urlsafe(32)

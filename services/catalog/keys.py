"""API keys: random tokens shown once, stored as sha256 (they carry 256 bits, so no slow hash is needed)."""

import hashlib
import secrets
from enum import StrEnum

KEY_PREFIX = "rt_"


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


SCOPE_RANK = {Scope.READ: 0, Scope.WRITE: 1, Scope.ADMIN: 2}


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def allows(granted: str, needed: Scope) -> bool:
    return SCOPE_RANK[Scope(granted)] >= SCOPE_RANK[needed]

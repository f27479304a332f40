"""Ask the broker which queues have a live worker (a short broadcast; no torch needed)."""

from celery import Celery

from services.api.ttl_cache import TTLCache

PROBE_TIMEOUT_S = 1.0
# A broadcast waits its whole timeout for replies: requests share one answer for a few seconds.
_recent: TTLCache[frozenset[str]] = TTLCache(ttl_s=5.0)


def live_queues(celery: Celery, timeout: float = PROBE_TIMEOUT_S) -> set[str]:
    try:
        replies = celery.control.inspect(timeout=timeout).active_queues() or {}
    except Exception:  # broker down: no live queues; /readyz reports the broker separately
        return set()
    return {queue["name"] for queues in replies.values() for queue in queues}


def recently_live_queues(celery: Celery) -> frozenset[str]:
    """live_queues, at most five seconds old; a miss is not cached (a worker just started counts)."""
    found = _recent.get_or_compute(id(celery), lambda: frozenset(live_queues(celery)))
    if not found:
        _recent.forget(id(celery))
    return found

"""Ask the broker which queues have a live worker (a short broadcast; no torch needed)."""

from celery import Celery

PROBE_TIMEOUT_S = 1.0


def live_queues(celery: Celery, timeout: float = PROBE_TIMEOUT_S) -> set[str]:
    try:
        replies = celery.control.inspect(timeout=timeout).active_queues() or {}
    except Exception:  # broker down: no live queues; /readyz reports the broker separately
        return set()
    return {queue["name"] for queues in replies.values() for queue in queues}

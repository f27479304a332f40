"""What the API and workers ask of the broker beyond sending: how many messages wait in a queue."""

import redis


def waiting_messages(redis_url: str, queue: str, *, timeout_s: float = 2.0) -> int | None:
    """Messages waiting in `queue` (kombu's Redis transport keeps each queue as a list under its
    name); None when the broker cannot be asked."""
    try:
        client = redis.Redis.from_url(redis_url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        return int(client.llen(queue))
    except redis.RedisError:
        return None

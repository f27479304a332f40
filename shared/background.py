"""Work a process does beside its tasks: renewing a lease while a task runs, sweeping on a timer."""

import threading
from collections.abc import Callable
from types import TracebackType

import structlog

log = structlog.get_logger(__name__)


class Every:
    """Calls `action` every `interval_s` seconds on a daemon thread until stopped; an exception in
    one call is logged and the next call still happens (a backend outage must not end the loop)."""

    def __init__(self, interval_s: float, action: Callable[[], object], name: str):
        self.interval_s, self.action, self.name = interval_s, action, name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> "Every":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.interval_s + 5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.action()
            except Exception as error:
                log.warning(
                    "background_call_failed", name=self.name, error=f"{type(error).__name__}: {error}"
                )

    def __enter__(self) -> "Every":
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

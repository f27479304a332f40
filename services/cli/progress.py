"""Progress bars for long steps: one bar per step, fed by a `(step, done, total)` callback."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

StepProgress = Callable[[str, int, int | None], None]


@contextmanager
def step_bars(console: Console) -> Iterator[StepProgress]:
    """Yields a callback: `(step, done, total)` adds the step's bar on first sight, then moves it
    (total None: a step of unknown length, shown pulsing until it reports done = total)."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        tasks: dict[str, TaskID] = {}

        def update(step: str, done: int, total: int | None) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=total)

        yield update

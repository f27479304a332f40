"""Training runs that are not on their way are handed out again: never sent (the broker was
down), held by a worker that stopped renewing its lease (killed mid-run: the run starts over,
up to `run_max_attempts`), or queued while the broker no longer holds their message."""

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from services.train import runs_repository
from shared.db.clock import now
from shared.db.models import TrainingRun
from shared.dispatch import WORKER_LOST


@dataclass(frozen=True)
class RunSweepRules:
    lease_s: float
    outbox_grace_s: float
    max_attempts: int


@dataclass
class RunSweep:
    to_send: list[tuple[str, str]] = field(default_factory=list)  # run id, task id
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def sweep_runs(
    session: Session, rules: RunSweepRules, waiting_in_queue: Callable[[], int | None]
) -> RunSweep:
    moment = now()
    lease_cut = moment - timedelta(seconds=rules.lease_s)  # a holder silent since then has lapsed
    sweep = RunSweep()
    for run in runs_repository.lapsed(session, lapsed_before=lease_cut):
        if run.attempts >= rules.max_attempts:
            runs_repository.finish(
                session,
                run_id=run.id,
                status="failed",
                error=f"the run was tried {run.attempts} times and {WORKER_LOST}",
            )
            sweep.counts["gave_up"] += 1
            continue
        run.status = "queued"
        sweep.to_send.append(_resend(run))
        sweep.counts["lease_lapsed"] += 1
    for run in runs_repository.unsent(
        session, accepted_before=moment - timedelta(seconds=rules.outbox_grace_s)
    ):
        sweep.to_send.append((run.id, run.task_id or run.id))
        sweep.counts["never_sent"] += 1
    queued = runs_repository.waiting(session, sent_before=lease_cut)
    held = waiting_in_queue() if queued else None
    if held is not None and held < len(queued):
        sweep.to_send += [_resend(run) for run in queued]
        sweep.counts["message_lost"] += len(queued)
    return sweep


def _resend(run: TrainingRun) -> tuple[str, str]:
    run.task_id, run.sent_at = str(uuid.uuid4()), None
    return run.id, run.task_id

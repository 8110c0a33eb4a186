"""The demo's one background job: settling the loaded history (demo/settle.py), a step per
task; the task re-enqueues itself while work is left."""

from celery import shared_task

from core.transient import TASK_RETRY

# pg_try_advisory_lock's key for the chain: one chain at a time, however many were enqueued.
HISTORY_SETTLE_LOCK = 0x5E771E


@shared_task(name="demo.history_settle", ignore_result=True, **TASK_RETRY)
def history_settle() -> None:
    from core.locks import advisory_lock_try
    from demo.settle import history_settle_step

    with advisory_lock_try(HISTORY_SETTLE_LOCK) as held:
        if not held:
            return  # another chain is at work and carries on
        more = history_settle_step()
    if more:
        history_settle.delay()

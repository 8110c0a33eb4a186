"""The demo's one background job: settling the loaded history (demo/settle.py), a chain per
lane of households, a step per task; each task re-enqueues itself while its lane has work."""

from celery import shared_task

from core.transient import TASK_RETRY

# pg_try_advisory_lock's key for lane 0's chain, + lane for the others: one chain a lane at a
# time, however many were enqueued.
HISTORY_SETTLE_LOCK = 0x5E771E00


@shared_task(name="demo.history_settle", ignore_result=True, **TASK_RETRY)
def history_settle(lane: int = 0) -> None:
    from core.locks import advisory_lock_try
    from demo.settle import history_settle_step

    with advisory_lock_try(HISTORY_SETTLE_LOCK + lane) as held:
        if not held:
            return  # another chain is at work on the lane and carries on
        more = history_settle_step(lane=lane)
    if more:
        history_settle.delay(lane)

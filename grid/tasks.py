"""Celery tasks of the grid: thin wrappers over services."""

from celery import shared_task

from core.locks import advisory_lock_try
from core.transient import TASK_RETRY
from grid.services.charging import SETPOINTS_PUBLISH_TASK
from grid.services.sessions import CHARGING_PLAN_TASK

CHARGING_PLAN_LOCK = 0x6C4A4E00
# A change that arrives while a plan is being made is planned right after it.
REPLAN_AFTER_S = 20


@shared_task(name=CHARGING_PLAN_TASK, ignore_result=True, **TASK_RETRY)
def charging_plan_run(trigger: str = "beat") -> None:
    from grid.services.charging import charging_plan_run as charging_plan_run_service

    with advisory_lock_try(CHARGING_PLAN_LOCK) as held:
        if held:
            charging_plan_run_service(trigger=trigger)
            return
    if trigger != "beat":
        charging_plan_run.apply_async(kwargs={"trigger": trigger}, countdown=REPLAN_AFTER_S)


@shared_task(name=SETPOINTS_PUBLISH_TASK, ignore_result=True, **TASK_RETRY)
def setpoints_publish(plan_id: int) -> None:
    from grid.models import Plan
    from grid.services.setpoints_mqtt import setpoints_publish as setpoints_publish_service

    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is not None:
        setpoints_publish_service(plan=plan)

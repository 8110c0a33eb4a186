"""Celery tasks of the metering domain: thin wrappers over services."""

from celery import shared_task
from django.conf import settings

from core.transient import TASK_RETRY


@shared_task(name="metering.slots_rollup", ignore_result=True, **TASK_RETRY)
def slots_rollup() -> None:
    from metering.services.rollup import slots_rollup as slots_rollup_service

    slots_rollup_service(max_seconds=settings.SLOTS_TICK_SECONDS, waits=False)


@shared_task(name="metering.readings_prune", ignore_result=True, **TASK_RETRY)
def readings_prune() -> None:
    from metering.services.retention import readings_prune as readings_prune_service

    readings_prune_service()


@shared_task(name="metering.autarky_states_evaluate", ignore_result=True, **TASK_RETRY)
def autarky_states_evaluate() -> None:
    from metering.services.autarky import autarky_states_evaluate as evaluate_service

    evaluate_service()

"""Celery tasks of the metering domain: thin wrappers over services."""

from celery import shared_task

from core.queues import Queue


@shared_task(name="metering.slots_rollup", queue=Queue.DEFAULT.value, ignore_result=True)
def slots_rollup() -> None:
    from metering.services.rollup import slots_rollup as slots_rollup_service

    slots_rollup_service()


@shared_task(name="metering.readings_prune", queue=Queue.LONG_RUNNING.value, ignore_result=True)
def readings_prune() -> None:
    from metering.services.rollup import readings_prune as readings_prune_service

    readings_prune_service()


@shared_task(
    name="metering.autarky_states_evaluate", queue=Queue.NOTIFICATIONS.value, ignore_result=True
)
def autarky_states_evaluate() -> None:
    from metering.services.autarky import autarky_states_evaluate as evaluate_service

    evaluate_service()

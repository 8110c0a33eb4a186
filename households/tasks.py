"""Celery tasks of the households domain: thin wrappers over services."""

from celery import shared_task

from core.transient import TASK_RETRY
from households.services import NOTIFICATION_EMAIL_TASK


@shared_task(name=NOTIFICATION_EMAIL_TASK, ignore_result=True, **TASK_RETRY)
def notification_email(notification_id: int) -> None:
    from households.models import Notification
    from households.services import notification_email as notification_email_service

    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is not None:
        notification_email_service(notification=notification)


@shared_task(name="households.notifications_email_pending", ignore_result=True, **TASK_RETRY)
def notifications_email_pending() -> None:
    from households.services import notifications_email_pending as email_pending_service

    email_pending_service()

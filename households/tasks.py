"""Celery tasks of the households domain: thin wrappers over services."""

from celery import shared_task


@shared_task(name="households.notification_email", ignore_result=True)
def notification_email(notification_id: int) -> None:
    from households.models import Notification
    from households.services import notification_email as notification_email_service

    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is not None:
        notification_email_service(notification=notification)

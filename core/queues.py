"""Celery queues, split by kind of workload (PostHog's CeleryQueue)."""

from enum import StrEnum


class Queue(StrEnum):
    DEFAULT = "default"
    METERING_INGEST = "metering_ingest"
    BILLING = "billing"
    NOTIFICATIONS = "notifications"
    LONG_RUNNING = "long_running"

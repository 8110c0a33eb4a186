"""Messages a consumer could not ingest: logged and kept (counted in the admin), never fatal."""

import logging

from metering.models import IngestFailure

logger = logging.getLogger(__name__)

PAYLOAD_KEPT = 1000  # characters of the body kept with a failure


def ingest_failure_record(
    *, source: str, meter_id: str, code: str, message: str, payload: bytes
) -> IngestFailure:
    logger.warning("%s message for %r refused (%s): %s", source, meter_id, code, message)
    return IngestFailure.objects.create(
        source=source,
        meter_id=_text(meter_id[:64]),
        code=code[:64],
        message=_text(message),
        payload=_text(payload[:PAYLOAD_KEPT].decode("utf-8", errors="replace")),
    )


def _text(value: str) -> str:
    """What PostgreSQL's text keeps: a NUL (which a refused message may well hold) is shown
    as the replacement character instead of failing the record."""
    return value.replace("\x00", "\ufffd")

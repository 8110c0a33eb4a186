"""Why a telegram is refused. Each refusal is counted per meter under its code."""

from core.exceptions import ApplicationError


class TelegramIncompleteError(ApplicationError):
    """Truncated, or lacking what every telegram must carry (equipment id, registers, power)."""

    code = "telegram_incomplete"


class CrcMismatchError(ApplicationError):
    code = "crc_mismatch"


class TelegramUnsupportedError(ApplicationError):
    """A telegram the path cannot take: DSMR 2.2/3 carry no time, so only the datalogger's local
    mode (which stamps them on arrival) stores them."""

    code = "telegram_unsupported"


class EquipmentMismatchError(ApplicationError):
    """The telegram's equipment belongs to another meter than the one it was sent for."""

    code = "equipment_mismatch"
    http_status = 403


class EquipmentUnknownError(ApplicationError):
    """No meter is linked to the equipment and none was named to link it to."""

    code = "equipment_unknown"
    http_status = 403


class TelegramsTooManyError(ApplicationError):
    code = "too_many_telegrams"
    http_status = 413


class TelegramValueOutOfRangeError(ApplicationError):
    """A value wider than the register column that keeps it: a corrupt or foreign telegram."""

    code = "telegram_value_out_of_range"

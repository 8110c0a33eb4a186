"""Telegrams for tests: the shared samples, and valid variants of them (new time, new values,
the CRC recomputed)."""

from pathlib import Path

from metering.dsmr.telegrams import crc16

SAMPLES = Path(__file__).resolve().parent / "telegrams"


def sample(name: str) -> bytes:
    """A sample telegram byte for byte: ``dsmr5`` or ``fluvius``."""
    return (SAMPLES / f"{name}.txt").read_bytes()


def telegram(base: str = "dsmr5", **lines: str) -> bytes:
    """The sample ``base`` with some lines replaced, keyed by OBIS code with ``_`` for ``-``,
    ``:`` and ``.`` (``p0_0_1_0_0="(241027025959S)"``), and its CRC recomputed."""
    replacements = {_obis(key): value for key, value in lines.items()}
    text = sample(base).decode("ascii")
    body = text[: text.rindex("!")]
    out = []
    for line in body.split("\r\n"):
        obis = line.split("(", 1)[0]
        out.append(obis + replacements.pop(obis) if obis in replacements else line)
    assert not replacements, f"lines not in the sample: {replacements}"
    signed = ("\r\n".join(out) + "!").encode("ascii")
    return signed + f"{crc16(signed):04X}\r\n".encode("ascii")


def at(stamp: str, base: str = "dsmr5", **lines: str) -> bytes:
    """A valid telegram of ``base`` at the DSMR time ``stamp`` (YYMMDDhhmmss + S or W)."""
    return telegram(base, p0_0_1_0_0=f"({stamp})", **lines)


def corrupted(raw: bytes) -> bytes:
    """A copy with one digit changed and the CRC left alone."""
    index = raw.index(b"1-0:1.8.1(") + len(b"1-0:1.8.1(") + 5
    digit = raw[index : index + 1]
    return raw[:index] + (b"1" if digit != b"1" else b"2") + raw[index + 1 :]


def _obis(key: str) -> str:
    # p0_0_1_0_0 -> 0-0:1.0.0 ; p1_0_1_8_1 -> 1-0:1.8.1
    digits = key.removeprefix("p").split("_")
    return f"{digits[0]}-{digits[1]}:{'.'.join(digits[2:])}"

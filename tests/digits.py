"""Digits Python's int(), float() and date parsers take although they are not ASCII: what a
parser of this platform must refuse."""


def full_width(text: str) -> str:
    """Each ASCII digit as its full-width form (U+FF10…U+FF19)."""
    return text.translate({ord("0") + d: 0xFF10 + d for d in range(10)})


def arabic_indic(text: str) -> str:
    """Each ASCII digit as its Arabic-Indic form (U+0660…U+0669)."""
    return text.translate({ord("0") + d: 0x0660 + d for d in range(10)})

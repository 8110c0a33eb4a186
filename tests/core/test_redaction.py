from core.redaction import redact


def test_device_and_partner_keys_are_redacted_wherever_they_appear() -> None:
    line = "sent smx_AbC-12_x and smxp_Zy9-_q in a body; Authorization: Token smxp_k3y"
    assert redact(line) == (
        "sent smx_[redacted] and smxp_[redacted] in a body; Authorization: Token [redacted]"
    )
    assert redact("GET /partners/me?key=smxp_abc") == "GET /partners/me?key=[redacted]"

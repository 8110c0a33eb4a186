"""A mail server that refuses connections a given number of times, then accepts (locmem)."""

from typing import Any, override

from django.core.mail.backends.locmem import EmailBackend


class RefusingThenAccepting(EmailBackend):
    refusals_left = 0
    refused = 0

    @override
    def send_messages(self, email_messages: Any) -> int:
        if RefusingThenAccepting.refusals_left > 0:
            RefusingThenAccepting.refusals_left -= 1
            RefusingThenAccepting.refused += 1
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(email_messages)

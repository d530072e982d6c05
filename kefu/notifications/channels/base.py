"""What every channel adapter offers: `send(message) -> SendResult`, raising DeliveryError."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str = ""
    response_code: str = ""


class DeliveryError(Exception):
    """This attempt failed. `permanent`: another attempt cannot help (a 5xx refusal, a
    malformed recipient, a channel that is not configured)."""

    def __init__(self, message: str, *, permanent: bool = False, response_code: str = "") -> None:
        super().__init__(message)
        self.permanent = permanent
        self.response_code = response_code

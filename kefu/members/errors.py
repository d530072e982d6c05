"""Domain errors of the members app, each with a stable code the API returns unchanged."""

from __future__ import annotations

from kefu.core.errors import Conflict, ValidationFailed


class MemberIncomplete(ValidationFailed):
    code = "member_incomplete"
    default_message = "The application form is incomplete."


class WrongMemberStatus(Conflict):
    code = "member_wrong_status"
    default_message = "This cannot be done in the member's current status."


class InsufficientPoints(Conflict):
    code = "points_insufficient"
    default_message = "The member does not have enough points."


class DuplicateReceipt(Conflict):
    code = "purchase_duplicate_receipt"
    default_message = "This receipt number is already recorded at this store."


class DuplicateCardNumber(Conflict):
    code = "member_duplicate_card"
    default_message = "This card number is already in use."

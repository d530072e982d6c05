"""What every API router shares: the error responses and the authenticated actor."""

from typing import Any

from django.http import HttpRequest

from kefu.core.api_errors import ErrorOut
from kefu.core.models import User

ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def actor_of(request: HttpRequest) -> User:
    """The user the request authenticated as (session or bearer token)."""
    user = request.user
    assert isinstance(user, User)
    return user

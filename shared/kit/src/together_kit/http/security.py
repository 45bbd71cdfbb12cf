"""Admin API keys: a FastAPI dependency that compares in constant time."""

import hmac
from collections.abc import Callable
from typing import Any

from fastapi import HTTPException, Security, status
from fastapi.security import APIKeyHeader
from pydantic import SecretStr

ADMIN_KEY_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid X-API-Key header, or the admin API is disabled"}
}
"""For `responses=` of a route that depends on `require_admin_key`."""

admin_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Admin API key")


def require_admin_key(configured: SecretStr | None) -> Callable[[str | None], None]:
    def check(presented: str | None = Security(admin_key_header)) -> None:
        if configured is None or not configured.get_secret_value():
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "The admin API is disabled: no admin key is configured.",
            )
        if presented is None or not hmac.compare_digest(
            presented.encode(), configured.get_secret_value().encode()
        ):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "A valid X-API-Key header is required."
            )

    return check

"""Tests that need a service skip locally without it, and fail in CI (ROUNDTRIP_REQUIRE_SERVICES=1)."""

import os

import pytest

REQUIRE_SERVICES_VAR = "ROUNDTRIP_REQUIRE_SERVICES"


def service_missing(what: str) -> None:
    if os.environ.get(REQUIRE_SERVICES_VAR) == "1":
        pytest.fail(f"{what} is required ({REQUIRE_SERVICES_VAR}=1) but not available")
    pytest.skip(f"{what} not available")

"""Fixtures for the measure and PDSA tests."""

from tests.followup.conftest import en_client_for  # noqa: F401  (a fixture)

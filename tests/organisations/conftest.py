from __future__ import annotations

import pytest
from django.tasks import default_task_backend


@pytest.fixture
def enqueued():
    """The tasks enqueued during the test (test settings use Django's DummyBackend)."""
    default_task_backend.clear()
    yield default_task_backend.results
    default_task_backend.clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path

"""Uploaded files go to object storage when S3_BUCKET is set, so that several
application servers share them; otherwise to MEDIA_ROOT on the one server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRINT_STORAGE = (
    "import json, django; django.setup(); from django.conf import settings;"
    " print(json.dumps(settings.STORAGES['default']))"
)


def default_storage_with(**env: str) -> dict:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "visitt.settings", **env}
    for name in ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION"):
        if name not in env:
            environment.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", PRINT_STORAGE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_files_stay_on_the_server_without_a_bucket():
    assert default_storage_with()["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_puts_files_in_private_object_storage():
    storage = default_storage_with(
        S3_BUCKET="visitt-filer", S3_ENDPOINT_URL="https://s3.example.no"
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "visitt-filer"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.no"
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["file_overwrite"] is False

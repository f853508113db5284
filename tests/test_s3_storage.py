"""With MEDIA_S3_BUCKET set, evidence attachments go to an S3-compatible bucket through
django-storages and come back through the app: here against a real S3 endpoint (moto's
server, on 127.0.0.1), so that the requests are the ones a real bucket receives."""

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tracker.models import Evidence

from .support import free_port

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture
def bucket(settings):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{server._port}"
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **KEYS)
    s3.create_bucket(Bucket="evidence")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "evidence",
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "location": "media",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield s3
    server.stop()


def test_an_attachment_is_stored_in_the_bucket_and_served_by_the_app(
    analyst_client, commitment, bucket
):
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {
            "action": "log-evidence",
            "summary": "Signed minutes",
            "stance": "progress",
            "reliability": "A",
            "credibility": "1",
            "attachment": SimpleUploadedFile("minutes.pdf", PDF),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket="evidence")["Contents"]]
    assert keys == [f"media/{evidence.attachment.name}"]
    stored = bucket.get_object(Bucket="evidence", Key=keys[0])["Body"].read()
    assert stored == PDF
    download = analyst_client.get(reverse("tracker:evidence-attachment", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_the_settings_choose_the_bucket_when_it_is_named():
    script = (
        "from django.conf import settings; import django; django.setup();"
        "print(settings.STORAGES['default']['BACKEND'],"
        " settings.STORAGES['default']['OPTIONS']['bucket_name'],"
        " settings.STORAGES['default']['OPTIONS']['endpoint_url'])"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "MEDIA_S3_BUCKET": "tracker-media",
        "MEDIA_S3_ENDPOINT_URL": "https://s3.example.org",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "tracker-media",
        "https://s3.example.org",
    ], result.stderr[-1000:]

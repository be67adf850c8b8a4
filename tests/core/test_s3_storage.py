"""Documents stored in an S3-compatible object store (moto's server, run locally) through django-storages."""

import socket

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from secpa_portal.core.storage_config import default_storage
from structures.enums import DocumentKind
from tests.conftest import client_for, make_user
from tests.factories import PDF_BYTES, StructureFactory

BUCKET = "secpa-documents"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "eu-west-3"}


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class FakeEnv(dict):
    def str(self, name, default=""):
        return self.get(name, default)


@pytest.fixture
def s3_storage(s3_server, settings):
    client = boto3.client("s3", endpoint_url=s3_server, **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    env = FakeEnv(
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=s3_server,
        S3_REGION="eu-west-3",
        S3_ACCESS_KEY_ID="testing",
        S3_SECRET_ACCESS_KEY="testing",
    )
    settings.STORAGES = {**settings.STORAGES, "default": default_storage(env, "/nowhere")}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.mark.django_db
def test_a_document_goes_to_the_bucket_and_comes_back_through_the_scoped_view(s3_storage, manager, ars_ara):
    structure = StructureFactory(manager=manager)
    client = client_for(manager)
    response = client.post(
        reverse("structures:step", args=[structure.pk, "documents"]),
        {
            "kind": DocumentKind.STATUTES,
            "file": SimpleUploadedFile("statuts.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    [document] = structure.documents.all()
    keys = [item["Key"] for item in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"documents/{document.file.name}"]
    assert s3_storage.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read() == PDF_BYTES

    url = reverse("structures:document_download", args=[structure.pk, document.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    # Out of scope: a 404, and the object's URL is never handed out.
    assert client_for(ars_ara).get(url).status_code == 404
    other = make_user("autre.gestion@test.example")
    assert client_for(other).get(url).status_code == 404
    assert BUCKET not in download.get("Location", "")

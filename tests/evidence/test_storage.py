"""Content-addressed storage: write-once on the filesystem and on an S3-compatible server (moto's,
over real HTTP on a local port)."""
import hashlib
import os
import stat

import pytest

from evidence.storage import FilesystemStorage, S3Storage, key_for, storage_from_config
from tests.conftest import _free_port


def blob(tmp_path, content: bytes):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    return path, hashlib.sha256(content).hexdigest()


def test_filesystem_store_is_write_once_and_read_only(tmp_path):
    store = FilesystemStorage(tmp_path / "store")
    path, sha = blob(tmp_path, b"invoice 42")
    store.put(path, sha)
    stored = tmp_path / "store" / key_for(sha)
    assert stored.read_bytes() == b"invoice 42"
    assert not stat.S_IMODE(os.stat(stored).st_mode) & 0o222  # nobody may write to it
    path.write_bytes(b"something else")  # a second put under the same hash changes nothing
    store.put(path, sha)
    assert stored.read_bytes() == b"invoice 42"
    with store.open(sha) as fh:
        assert fh.read() == b"invoice 42"
    assert store.exists(sha) and not store.exists("0" * 64)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ABC", "g" * 64])
def test_keys_must_be_hex_digests(bad):
    with pytest.raises(ValueError):
        key_for(bad)


def test_config_strings(tmp_path):
    assert isinstance(storage_from_config(f"fs:{tmp_path}"), FilesystemStorage)
    s3 = storage_from_config("s3://bucket?endpoint_url=http://127.0.0.1:9&region=ap-south-1")
    assert isinstance(s3, S3Storage) and s3.bucket == "bucket"
    with pytest.raises(ValueError):
        storage_from_config("ftp://nope")


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def test_s3_store_round_trip(tmp_path, s3_endpoint):
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="ap-south-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket="evidence", CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
    store = S3Storage("evidence", staging=tmp_path / "staging", client=client)
    path, sha = blob(tmp_path, b"%PDF-1.4 purchase order")
    assert not store.exists(sha)
    store.put(path, sha)
    assert store.exists(sha)
    body = store.open(sha)
    assert body.read() == b"%PDF-1.4 purchase order"
    body.close()
    head = client.head_object(Bucket="evidence", Key=key_for(sha), ChecksumMode="ENABLED")
    assert head["ContentLength"] == len(b"%PDF-1.4 purchase order")
    path.write_bytes(b"tampered")  # write-once: an existing object is never replaced
    store.put(path, sha)
    body = store.open(sha)
    assert body.read() == b"%PDF-1.4 purchase order"
    body.close()


def test_a_made_document_is_written_once_and_read_only_and_staging_is_left_empty(app, db_session):
    """store_pdf writes the bytes once into the store's staging folder and adopts them: the blob is
    there under its hash, nobody may write to it, no staged file is left, and storing the same
    bytes again changes nothing."""
    from evidence.services import store, store_pdf

    with app.app_context():
        pdf = b"%PDF-1.7 a signed notice\n%%EOF\n"
        sha = store_pdf(pdf)
        assert sha == hashlib.sha256(pdf).hexdigest()
        with store().open(sha) as fh:
            assert fh.read() == pdf
        stored = store().root / key_for(sha)
        assert not stat.S_IMODE(os.stat(stored).st_mode) & 0o222
        assert list(store().staging_dir().iterdir()) == []
        assert store_pdf(pdf) == sha and stored.read_bytes() == pdf
        assert list(store().staging_dir().iterdir()) == []

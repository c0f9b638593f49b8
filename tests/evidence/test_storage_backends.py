"""The stores beyond the basics: the S3 backend chosen by its config string and used by the real upload,
download and bundle routes (moto over HTTP), the SHA-256 the object carries, and no stray files."""
import base64
import hashlib
import io
import zipfile

import pytest
from sqlalchemy import select

from evidence.models import Document
from evidence.storage import FilesystemStorage, S3Storage, key_for, storage_from_config
from portal.cases.states import CaseStatus
from tests.conftest import csrf_from
from tests.evidence.builders import PDF, docx_bytes, moto_s3
from tests.factories import CaseFactory, CreditorFactory

BUCKET = "sulah-evidence-backends"


@pytest.fixture(scope="module")
def s3_endpoint():
    with pytest.MonkeyPatch.context() as mp:
        # moto takes any credentials; set them so boto3 never reads a real profile.
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}.items():
            mp.setenv(name, value)
        with moto_s3(BUCKET) as endpoint:
            yield endpoint


@pytest.fixture
def s3(s3_endpoint, tmp_path):
    store = storage_from_config(f"s3://{BUCKET}?endpoint_url={s3_endpoint}&region=ap-south-1", tmp_path)
    assert isinstance(store, S3Storage)
    return store


def test_config_string_carries_endpoint_region_and_staging(tmp_path):
    s3 = storage_from_config("s3://my-bucket?endpoint_url=http://127.0.0.1:9000&region=ap-south-1", tmp_path)
    assert s3.client.meta.endpoint_url == "http://127.0.0.1:9000"
    assert s3.client.meta.region_name == "ap-south-1"
    assert s3.staging_dir().is_relative_to(tmp_path)


@pytest.mark.parametrize("url", ["", "/var/evidence", "s3://", "gs://bucket"])
def test_unknown_config_strings_say_what_is_expected(url):
    with pytest.raises(ValueError, match="EVIDENCE_STORE must be fs:/path or s3://bucket"):
        storage_from_config(url)


def test_filesystem_put_leaves_no_temp_files_and_stages_beside_the_blobs(tmp_path):
    store = FilesystemStorage(tmp_path / "store")
    local = tmp_path / "a"
    local.write_bytes(b"delivery challan")
    digest = hashlib.sha256(b"delivery challan").hexdigest()
    store.put(local, digest)
    store.put(local, digest)
    files = [p.relative_to(tmp_path / "store").as_posix() for p in (tmp_path / "store").rglob("*")
             if p.is_file()]
    assert files == [key_for(digest)]
    # Same filesystem as the blobs, so a finished upload is linked into place, never copied across devices.
    assert store.staging_dir().is_relative_to(tmp_path / "store")


def test_s3_object_carries_our_sha256(s3, tmp_path):
    data = b"ledger,amount\nA-1,100\n"
    local = tmp_path / "ledger.csv"
    local.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    s3.put(local, digest)
    attrs = s3.client.get_object_attributes(Bucket=BUCKET, Key=key_for(digest),
                                            ObjectAttributes=["Checksum", "ObjectSize"])
    # S3 recomputes this on upload and refuses a body that does not match; it also lets an auditor
    # check an object against the ledger without downloading it.
    assert attrs["Checksum"]["ChecksumSHA256"] == base64.b64encode(bytes.fromhex(digest)).decode()
    assert attrs["ObjectSize"] == len(data)


def test_s3_put_of_an_existing_hash_sends_nothing(s3, tmp_path):
    original, impostor = tmp_path / "a", tmp_path / "b"
    original.write_bytes(b"signed agreement")
    impostor.write_bytes(b"a forgery")
    digest = hashlib.sha256(b"signed agreement").hexdigest()
    sent = []
    s3.client.meta.events.register("before-call.s3.PutObject", lambda **kw: sent.append(kw["model"].name))
    s3.put(original, digest)
    assert sent == ["PutObject"]
    s3.put(impostor, digest)
    assert sent == ["PutObject"]  # head_object found the key: the second put sent nothing
    with s3.open(digest) as body:
        assert body.read() == b"signed agreement"


def test_upload_download_and_bundle_through_s3(client, auth, db_session, app, s3, monkeypatch, tmp_path):
    monkeypatch.setitem(app.extensions, "evidence_store", s3)
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED)
    auth.login_as(creditor)
    word = docx_bytes()
    for data, name, kind in [(PDF, "invoice.pdf", "invoice"), (word, "po.docx", "purchase_order")]:
        page = client.get(f"/cases/{case.reference}/evidence")
        resp = client.post(f"/cases/{case.reference}/evidence", content_type="multipart/form-data",
                           data={"csrf_token": csrf_from(page), "kind": kind, "file": (io.BytesIO(data), name)})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        assert s3.exists(hashlib.sha256(data).hexdigest())
    assert not any((tmp_path / "staging").iterdir())  # staged parts are gone once stored
    docs = db_session.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)).all()
    got = client.get(f"/cases/{case.reference}/evidence/{docs[1].id}")
    assert got.status_code == 200 and got.data == word
    got.close()
    bundle = client.get(f"/cases/{case.reference}/evidence/bundle.zip")
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as zf:
        contents = {hashlib.sha256(zf.read(n)).hexdigest() for n in zf.namelist()}
    bundle.close()
    assert {d.sha256 for d in docs} <= contents

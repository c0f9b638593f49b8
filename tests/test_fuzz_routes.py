"""Generated junk, posted to every form and JSON route by every principal the authorization matrix
knows: never a server error; a refusal (4xx) says what is wrong (the page's error text, or the
JSON `message`/`errors`) and leaves nothing behind (no row in any table, no blob in the evidence
store or the import staging area).

The matrix (tests/test_authorization_matrix.py, tests/matrix/) says how to build each route's URL
and a valid request; Hypothesis replaces, drops and adds fields: text with NULs, control and
bidirectional characters, huge strings, numbers with exponents and many decimals, impossible and
out-of-range dates, files with junk content and names, and in JSON values of the wrong type. A valid
CSRF token goes with each request, so the handler itself is reached.

Bounded for every CI run: a few examples for each user the route lets in, one for the signed-out
visitor and one for a user it refuses (the refusal comes before the form is read: `_fuzzers`); a
fixed seed per route and user (no example database), so every run sends the same junk; no
shrinking (the failing example is printed as generated). A refusal may keep a row only where the view says so (KEPT_ON_REFUSAL).
"""
from __future__ import annotations

import io
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.extensions import db, limiter
from tests.accounts.parties import ACTORS
from tests.conftest import csrf_for
from tests.test_authorization_matrix import ROUTES, World

# PostgreSQL enforces what SQLite lets through (column lengths, types), so junk finds more there;
# running it once, in the PostgreSQL pass, keeps `make test` within its time.
pytestmark = pytest.mark.skipif(os.environ.get("SULAH_TEST_DB", "sqlite") != "postgresql",
                                reason="runs in the PostgreSQL pass (make test runs it)")

ALLOWED_EXAMPLES = 5  # for the first user the route lets in
OTHER_ALLOWED_EXAMPLES = 3  # for each other user it lets in
REFUSED_EXAMPLES = 1  # for the signed-out visitor and for one signed-in user it refuses
MISSING = object()  # the field is left out of the request

# Text a person (or a script) might paste: NUL and other C0/C1 controls, bidirectional overrides and
# isolates, zero-width and BOM characters, markup, SQL, Devanagari digits.
NASTY_CHARS = list("\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f\r\n\t\u00a0\u200b\u200e\u200f\u202a\u202b"
                   "\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\ufffd") + list("aZ9 .,-/<>&'\";%₹९")
NUMBERS = ["1e9", "1E+308", "-1e-7", "1e9999", "-1e9999", "NaN", "nan", "Infinity", "-inf", "-0", "0x1F",
           "100.555", "0.0000001", "12.345678901234567890", "99999999999999999999999999.99",
           "1,00,000.123", "1,0,0", "१००.५०", "₹ 1,00,000", "+-1", "1_000", " 1 ", "9" * 400]
DATES = ["0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30", "2026-13-01",
         "2026-00-10", "-2026-01-01", "31/12/2026", "2026-1-1", "1900-01-01", "2100-01-01",
         "2026-02-01T25:61:00", "today", "1e3-01-01"]
MARKUP = ["<script>alert(1)</script>", "'; DROP TABLE cases; --", "{{ 7*7 }}", "${jndi:ldap://x}",
          "=HYPERLINK(\"http://x\")", "../../etc/passwd", "CON", "NUL.txt", "\u202egpj.exe"]



@dataclass(frozen=True)
class Huge:
    """A huge string, written out only when the request is sent (its repr stays short)."""

    piece: str
    times: int

    def __str__(self) -> str:
        return self.piece * self.times


text_junk = st.one_of(
    st.text(alphabet=st.sampled_from(NASTY_CHARS), max_size=60),
    st.text(max_size=60),
    st.builds(Huge, st.text(min_size=1, max_size=3), st.integers(min_value=10_000, max_value=60_000)),
    st.sampled_from(MARKUP),
)
number_junk = st.one_of(
    st.sampled_from(NUMBERS),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
)
date_junk = st.one_of(st.sampled_from(DATES), st.dates().map(lambda d: d.isoformat()))
string_junk = st.one_of(text_junk, number_junk, date_junk)
file_junk = st.tuples(
    st.one_of(st.binary(max_size=2_000),
              st.sampled_from([b"", b"%PDF-1.7\n1 0 obj<</OpenAction<</JS(app.alert(1))>>>>endobj\n%%EOF",
                               b"PK\x03\x04" + b"\x00" * 40, b"\xff\xfe" + "a,b\n".encode("utf-16-le"),
                               b"<html><script>alert(1)</script></html>"])),
    st.one_of(st.text(alphabet=st.sampled_from(NASTY_CHARS), max_size=30),
              st.sampled_from(["ledger.txt", "CON.csv", "a.pdf.exe", "\u202efdp.exe", ".csv", "x" * 300 + ".csv",
                               "evil.xlsm", "../../x.csv", "inv\x00oice.csv"])),
)
json_scalar_junk = st.one_of(
    string_junk, st.none(), st.booleans(), st.integers(min_value=-10**40, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, -1e-308, 100.555]),
)
json_junk = st.recursive(json_scalar_junk,
                         lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                 st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                         max_leaves=6)
extra_fields = st.dictionaries(st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(["id", "org_id", "status",
                                                                                            "is_admin", "csrf_token"])),
                               string_junk, max_size=2)


def _form_value(value):
    if isinstance(value, tuple):  # a file: junk content under a junk name
        return st.one_of(st.just(MISSING), file_junk, string_junk)
    return st.one_of(st.just(MISSING), string_junk, st.just(value))


def form_junk(base: dict):
    fields = st.fixed_dictionaries({key: _form_value(value) for key, value in base.items()})
    return st.builds(lambda f, extra: {**extra, **{k: v for k, v in f.items() if v is not MISSING}},
                     fields, extra_fields)


def _without_missing(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if v is not MISSING}


def _json_value(value):
    """The value as the matrix sends it, with its parts junked, or junk of any JSON type."""
    if isinstance(value, dict):
        fields = {k: st.one_of(st.just(MISSING), _json_value(v)) for k, v in value.items()}
        return st.one_of(st.builds(lambda f, extra: {**extra, **_without_missing(f)},
                                   st.fixed_dictionaries(fields), extra_fields), json_junk)
    if isinstance(value, list):
        shapes = [_json_value(v) for v in value] or [json_junk]
        return st.one_of(st.lists(st.one_of(*shapes), max_size=3), json_junk)
    return st.one_of(json_junk, st.just(value))


def json_junk_body(base: dict):
    return _json_value(base)


def _cells():
    for endpoint, method in sorted(ROUTES):
        if method != "GET":
            yield pytest.param(endpoint, method, id=f"{endpoint}:{method}")


# ---- what a request left behind ------------------------------------------------------------------

_TABLES: list[str] = []
# Tables a refusal may write to on purpose (`keep_changes()` in the view), and why.
KEPT_ON_REFUSAL = {
    "room_read_markers": "the ODR room page shown with a refused message marks what it shows as read",
}


def row_counts() -> dict[str, int]:
    """Rows in every table of the schema, in one query."""
    if not _TABLES:
        names = sa.inspect(db.session.connection()).get_table_names()
        _TABLES.extend(sorted(n for n in names if n != "alembic_version"))
    counts = [sa.select(sa.func.count()).select_from(sa.table(t)).scalar_subquery() for t in _TABLES]
    return dict(zip(_TABLES, db.session.execute(sa.select(*counts)).one(), strict=True))


def blobs(app) -> set[str]:
    """Every file in the evidence store (its staging folder included) and the import staging area."""
    instance = Path(app.config["INSTANCE_PATH"])
    roots = [Path(app.config["EVIDENCE_STORE"].removeprefix("fs:")), instance / "imports"]
    return {str(p) for root in roots if root.exists() for p in root.rglob("*") if p.is_file()}


# ---- what a refusal must say ---------------------------------------------------------------------

_ERROR_ELEMENT = re.compile(
    r'<(p|div|span|li|ul)\b[^>]*(?:class="[^"]*\b(?:error|error-message|error-summary|flash)\b[^"]*"'
    r'|role="alert")[^>]*>(.*?)</\1>', re.S)


def refusal_message(resp) -> str:
    """The words that tell the user what went wrong ('' if none)."""
    if resp.is_json:
        body = resp.get_json(silent=True)
        if isinstance(body, dict):
            return str(body.get("message") or body.get("errors") or "")
        return ""
    text = resp.get_data(as_text=True)
    if resp.mimetype == "text/plain":
        return text.strip()
    found = " ".join(re.sub(r"<[^>]+>", " ", inner) for _, inner in _ERROR_ELEMENT.findall(text))
    return " ".join(found.split())


def _main(body: str) -> str:
    """The part of a page that differs from page to page, for a failure's message."""
    start = body.find('id="main"')
    return body[start:start + 1500] if start >= 0 else body[:1500]


# ---- the test --------------------------------------------------------------------------------------

def _settings(examples: int):
    return settings(max_examples=examples, deadline=None, database=None,
                    phases=(Phase.explicit, Phase.generate), print_blob=False,
                    suppress_health_check=list(HealthCheck))


def _written_out(value):
    if isinstance(value, Huge):
        return str(value)
    if isinstance(value, dict):
        return {_written_out(k): _written_out(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_written_out(v) for v in value]
    if isinstance(value, tuple):  # a file
        return io.BytesIO(value[0]), _written_out(value[1])
    return value


def _send(client, method: str, path: str, junk, as_json: bool):
    token = csrf_for(client)
    junk = _written_out(junk)
    if as_json:
        return client.open(path, method=method, json=junk, headers={"X-CSRFToken": token})
    data = dict(junk)
    data["csrf_token"] = token  # the handler is reached: the CSRF check passes
    if not any(isinstance(v, tuple) for v in data.values()):
        return client.open(path, method=method, data=data)
    # With a file, encoded here in memory: werkzeug's test client spools a multipart body over
    # 500 KB (a huge junk field) to a temporary file it never closes, and the ResourceWarning
    # would land on whichever test the garbage collector runs in.
    fields = {k: FileStorage(v[0], filename=v[1]) if isinstance(v, tuple) else v for k, v in data.items()}
    boundary, body = encode_multipart(fields)
    return client.open(path, method=method, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _sign_in(client, auth, user) -> None:
    if user is None:
        with client.session_transaction() as sess:
            sess.clear()
    else:
        auth.login_as(user)


def fuzz_as(app, client, actor: str, method: str, path: str, strategy, *, as_json: bool, examples: int):
    """Post `examples` junk requests as `actor` (already signed in); check what each answer left."""

    @seed(zlib.crc32(f"{actor} {method} {path}".encode()))  # fixed: each CI run sends the same junk
    @_settings(examples)
    @given(junk=strategy)
    def post_junk(junk):
        limiter.reset()  # a throttle (429) would hide the handler behind it
        rows, files = row_counts(), blobs(app)
        resp = _send(client, method, path, junk, as_json)
        status, body = resp.status_code, resp.get_data(as_text=True)
        resp.close()
        where = f"{actor} {method} {path}: {status}\n{_main(body)}"
        assert status < 500, where
        if 400 <= status < 500:
            assert refusal_message(resp), f"a refusal without a message: {where}"
            after = row_counts()
            written = {t: (rows[t], after[t]) for t in rows
                       if rows[t] != after[t] and t not in KEPT_ON_REFUSAL}
            assert not written, f"rows left by a refusal {written}: {where}"
            assert blobs(app) == files, f"blobs left by a refusal: {where}"

    post_junk()


@pytest.mark.parametrize("endpoint,method", list(_cells()))
def test_junk_from_every_principal(app, client, auth, db_session, endpoint, method):
    probe = ROUTES[(endpoint, method)]
    world = World()
    path = probe.path(world)
    as_json = probe.json is not None
    base = probe.json(world) if as_json else (probe.form(world) if probe.form else {})
    strategy = json_junk_body(base) if as_json else form_junk(base)
    for actor, examples in _fuzzers(probe):
        _sign_in(client, auth, world.user(actor))
        fuzz_as(app, client, actor, method, path, strategy, as_json=as_json, examples=examples)


def _fuzzers(probe) -> list[tuple[str, int]]:
    """Who sends junk to the route, and how many examples: the most to the first user it lets in,
    fewer to the others it lets in (the same handler, reached with other rights), and one each to
    the signed-out visitor and the first signed-in user it refuses. The policy refuses before the
    form is read (the matrix proves who is refused, with a valid request); one junk request from a
    refused user checks that order still holds."""
    allowed = [a for a in ACTORS if probe.ok.get(a, 403) < 400]
    refused = [a for a in ACTORS if a not in allowed]
    chosen = [(actor, ALLOWED_EXAMPLES if i == 0 else OTHER_ALLOWED_EXAMPLES) for i, actor in enumerate(allowed)]
    signed_in_refused = [a for a in refused if a != "anonymous"][:1]
    return chosen + [(a, REFUSED_EXAMPLES) for a in refused if a == "anonymous" or a in signed_in_refused]


def test_a_whole_number_too_long_for_a_float_is_refused_not_a_crash(app):
    """What the fuzzing found: WTForms' NumberRange turned a 400-digit number into a float (500)."""
    from flask_wtf import FlaskForm
    from wtforms.validators import InputRequired, NumberRange

    from portal.web.forms import IntegerField

    class Rounds(FlaskForm):
        rounds = IntegerField("Rounds", validators=[InputRequired(), NumberRange(1, 10)])

    with app.test_request_context(method="POST", data={"rounds": "9" * 400}):
        form = Rounds(meta={"csrf": False})
        assert not form.validate()
        assert form.rounds.errors[0] == "Enter a whole number of at most 12 digits."
    with app.test_request_context(method="POST", data={"rounds": "7"}):
        form = Rounds(meta={"csrf": False})
        assert form.validate() and form.rounds.data == 7

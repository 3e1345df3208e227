"""Safety: headers, escaping of untrusted text, read-only serving, the token-guarded write."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from rasd.web.app import create_app
from tests.conftest import BACKENDS

PAGES = ["/timeline", "/map", "/search?q=حلب", "/documents", "/actors", "/places", "/stories", "/docs"]


def test_security_headers_on_pages_and_api(client):
    for url in PAGES + ["/api/events", "/static/style.css"]:
        r = client.get(url)
        assert r.status_code == 200, url
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_tiles_host_is_added_to_img_src(demo_db):
    app = create_app(demo_db[0], tiles_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png", index=False)
    with TestClient(app) as c:
        csp = c.get("/map").headers["content-security-policy"]
    assert "img-src 'self' data: https://*.tiles.example.org" in csp


def test_pages_have_no_inline_script(client, demo_db):
    urls = PAGES + [f"/documents/{demo_db[1]['xss']}"]
    for url in urls:
        html = client.get(url).text
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, (url, tag)
        # no event-handler attribute inside any real tag (escaped text has no raw "<")
        assert not re.search(r"<[a-zA-Z][^>]*\son\w+\s*=", html), url


def test_payloads_are_escaped_everywhere(client, demo_db):
    xss = demo_db[1]["xss"]
    ev = client.get("/api/events", params={"type": "shelling"}).json()["items"][0]
    for url in [f"/documents/{xss}", f"/events/{ev['id']}", "/timeline", "/documents", "/search?q=حلب",
                "/actors", f"/actors/{ev['actors'][0]['name']}"]:
        html = client.get(url).text
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
    doc_html = client.get(f"/documents/{xss}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in doc_html


def test_store_is_opened_read_only(client):
    reader = client.app.state.reader
    # sqlite3.OperationalError on a file opened mode=ro; ReadOnlySqlTransaction on PostgreSQL
    with pytest.raises(reader.backend.ReadOnlyError):
        reader.conn().execute("DELETE FROM documents")


def test_ingest_is_forbidden_without_token(client):
    r = client.post("/api/ingest", files={"file": ("a.txt", "نص".encode(), "text/plain")})
    assert r.status_code == 403


@pytest.fixture(params=BACKENDS)
def writable(request, tmp_path):
    """A client with the write token over a one-article store: an SQLite file, then PostgreSQL."""
    import shutil

    from fill import DEMO, fill_store

    if request.param == "postgresql":
        db = request.getfixturevalue("pg_cluster").database("w")
    else:
        db = str(tmp_path / "w.db")
    fill_store(db, DEMO[:1])
    with TestClient(create_app(db, token="s3cret-token")) as c:
        yield c
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_ingest_needs_the_right_bearer(writable):
    files = {"file": ("a.txt", "نص".encode(), "text/plain")}
    assert writable.post("/api/ingest", files=files).status_code == 401
    assert writable.post("/api/ingest", files=files, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert writable.post("/api/ingest", files=files, headers={"Authorization": "Basic s3cret-token"}).status_code == 401


def test_ingest_runs_the_pipeline_with_the_token(writable):
    pytest.importorskip("rasd.extract.stage")
    page = ("قالت مصادر محلية إن قوات النظام شنت هجوماً على مدينة معرة النعمان في ريف إدلب الجنوبي، "
            "واندلعت اشتباكات عنيفة مع فصائل المعارضة استمرت حتى المساء.\n\n"
            "وأضافت المصادر أن الاشتباكات أسفرت عن مقتل عشرة مقاتلين من الطرفين.\n")
    r = writable.post("/api/ingest", files={"file": ("../../evil name.txt", page.encode(), "text/plain")},
                      headers={"Authorization": "Bearer s3cret-token"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["file"] == "evil_name.txt" and body["documents_written"] == 1
    found = writable.get("/api/search", params={"q": "معرة النعمان"}).json()
    assert found["total"] == 1


def _asgi_call(app, method: str, headers: dict[str, str], path: str = "/api/ingest") -> tuple[int, dict, bool]:
    """One request straight through the ASGI app; returns (status, headers, whether the body was read)."""
    import asyncio

    read = {"body": False}
    out: dict = {}

    async def receive():
        read["body"] = True
        return {"type": "http.request", "body": b"x" * 10, "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            out["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()], "scheme": "http",
             "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5555), "root_path": "", "http_version": "1.1"}
    asyncio.run(app(scope, receive, send))
    return out["status"], out["headers"], read["body"]


def test_a_refused_upload_is_answered_before_its_body_is_read(demo_db, tmp_path):
    big = {"host": "127.0.0.1:8000", "content-type": "multipart/form-data; boundary=b",
           "content-length": str(2 * 1024 ** 3)}
    ro = create_app(demo_db[0], index=False)
    status, headers, read = _asgi_call(ro, "POST", big)
    assert (status, read) == (403, False) and headers["x-content-type-options"] == "nosniff"
    rw = create_app(demo_db[0], index=False, token="s3cret-token")
    assert _asgi_call(rw, "POST", {**big, "authorization": "Bearer wrong"})[::2] == (401, False)
    assert _asgi_call(rw, "POST", {**big, "authorization": "Bearer s3cret-token"})[::2] == (413, False)
    no_length = {k: v for k, v in big.items() if k != "content-length"}
    assert _asgi_call(rw, "POST", {**no_length, "authorization": "Bearer s3cret-token"})[::2] == (411, False)
    # reading is untouched
    assert _asgi_call(ro, "GET", {"host": "127.0.0.1:8000"}, "/api/events")[0] == 200


def test_only_trusted_host_names_are_answered(demo_db):
    from rasd.web.app import trusted_hosts

    hosts = trusted_hosts("127.0.0.1", ["rasd.lan"])
    assert {"127.0.0.1", "localhost", "::1", "rasd.lan"} <= set(hosts)
    app = create_app(demo_db[0], index=False, allowed_hosts=hosts)
    for ok in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "RASD.lan"):
        assert _asgi_call(app, "GET", {"host": ok}, "/api/events")[0] == 200, ok
    status, headers, _ = _asgi_call(app, "GET", {"host": "attacker.example:8000"}, "/api/events")
    assert status == 400 and "content-security-policy" in headers
    assert _asgi_call(app, "GET", {}, "/api/events")[0] == 400


def test_bidi_controls_from_page_text_never_reach_a_page():
    from markupsafe import Markup

    from rasd.web.pages import _env

    out = _env.from_string("<a href='/d'>{{ t }}</a>{{ m }}").render(
        t="\u202eexe.gpj قصف على حلب\u2066", m=Markup("<mark>\u202bحلب\u202c</mark>"))
    assert not any(ch in out for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "exe.gpj قصف على حلب" in out and "<mark>حلب</mark>" in out
    # the marks that only nudge one character stay
    assert _env.from_string("{{ t }}").render(t="\u200fحلب") == "\u200fحلب"


def test_search_sees_a_cli_run_made_beside_a_running_server(tmp_path):
    import subprocess
    import sys

    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("قصفت المدفعية أحياء في مدينة حلب صباح الاثنين، وأفاد ناشطون بسقوط جرحى.\n", "utf-8")
    second.write_text("نظم أهالي بلدة المشيرفة وقفة احتجاجية أمام مبنى البلدية للمطالبة بالمياه.\n", "utf-8")
    db = str(tmp_path / "s.db")

    def run(path):
        r = subprocess.run([sys.executable, "-m", "rasd.cli", "run", str(path), "--db", db, "-q"],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr

    run(first)
    with TestClient(create_app(db)) as c:   # the server indexes what is there when it starts
        assert c.get("/api/search", params={"q": "المشيرفة"}).json()["total"] == 0
        run(second)                          # a CLI run beside it
        assert c.get("/api/search", params={"q": "المشيرفة"}).json()["total"] == 1

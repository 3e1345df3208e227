"""Issue 12: one bad record never kills or hangs the batch, and repeated articles keep their text.

Each test reproduces a probe that failed on the earlier main (see docs/reliability.md).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rasd.clean.boilerplate import learn_site_boilerplate
from rasd.clean.normalize import normalize_key
from rasd.clean.pipeline import clean_document
from rasd.document import Document, Origin
from rasd.extract.quantities import find_quantities
from rasd.ingest import read_paths
from tests.reliability.pages import OPED, varied_copies

RASD = [sys.executable, "-m", "rasd.cli"]


def rasd(*args, timeout=120):
    return subprocess.run(RASD + list(args), capture_output=True, text=True, timeout=timeout)


def export_docs(db):
    out = rasd("export", "documents", "--db", db).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def feed(path: Path, records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")


def body_chars(text: str) -> int:
    return len(normalize_key(text))


# --- repeated articles ---------------------------------------------------------------------------

def test_same_article_five_times_loses_no_text(tmp_path):
    rec = {"url": "https://opinion.example.net/a/1", "title": "مقال رأي", "author": "كاتب المقال",
           "full_text": OPED}
    # the same op-ed five times (re-published under five URLs), plus two other pages of the site
    recs = [dict(rec, url=f"https://opinion.example.net/a/{i}") for i in range(5)]
    recs += [{"url": "https://opinion.example.net/n/9", "author": "كاتب المقال",
              "full_text": "خبر قصير عن اجتماع عقده المجلس المحلي في المدينة أمس لبحث الخدمات.\n"
                           "وقال رئيس المجلس إن الاجتماع تناول ملفات المياه والكهرباء."}]
    feed(tmp_path / "feed.jsonl", recs)
    db = str(tmp_path / "s.db")
    r = rasd("run", str(tmp_path / "feed.jsonl"), "--db", db)
    assert r.returncode == 0, r.stderr
    docs = export_docs(db)
    assert len(docs) == 6
    for d in docs[:5]:
        assert body_chars(d["text"]) >= 0.9 * body_chars(OPED)
        assert not [x for x in d["removed"] if x["reason"] == "site_boilerplate"]


def test_slightly_varied_copies_lose_no_text():
    pages = [("opinion.example.net", t) for t in varied_copies(OPED, 12)]
    site = learn_site_boilerplate(pages, min_docs=5, min_share=0.2)
    assert site == {}  # twelve copies of one article are one article, not a template


def test_template_still_learnt_across_distinct_articles():
    footer = "تابعونا على قناتنا في تطبيقات المراسلة"
    pages = [("news.example.org", f"الخبر رقم {i}: جرى اليوم حدث مختلف عن سواه في المدينة رقم {i}.\n"
              f"وأضاف المصدر تفاصيل أخرى تخص الخبر رقم {i} وحده.\n{footer}") for i in range(12)]
    # the same site also published one article eight times: it must not hide or become the template
    pages += [("news.example.org", t) for t in varied_copies(OPED, 8)]
    site = learn_site_boilerplate(pages, min_docs=5, min_share=0.2)
    assert site == {"news.example.org": frozenset({normalize_key(footer)})}


def test_learnt_lines_never_take_most_of_a_page():
    lines = [ln for ln in OPED.split("\n") if ln.strip()]
    site = {"opinion.example.net": frozenset(normalize_key(ln) for ln in lines[:-1])}
    d = Document(id="d1", text=OPED, raw_text=OPED, origin=Origin(url="https://opinion.example.net/x"))
    out = clean_document(d, site_boilerplate=site)[0]
    assert body_chars(out.text) >= 0.9 * body_chars(OPED)
    assert "site_boilerplate_kept" in out.meta


def test_author_is_not_a_site(tmp_path):
    # no URL, no outlet field: an author's five copies must not make a template for "the author"
    recs = [{"author": "كاتب المقال", "full_text": t} for t in varied_copies(OPED, 5)]
    feed(tmp_path / "feed.jsonl", recs)
    db = str(tmp_path / "s.db")
    assert rasd("run", str(tmp_path / "feed.jsonl"), "--db", db).returncode == 0
    for d in export_docs(db):
        assert body_chars(d["text"]) >= 0.8 * body_chars(OPED)


# --- one bad record ------------------------------------------------------------------------------

GOOD = {"url": "https://example.org/ok", "full_text": "قالت مصادر محلية إن اشتباكات اندلعت صباح اليوم في ريف درعا."}


def test_deeply_nested_json_is_quarantined_and_the_rest_stored(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text("[" * 100_000 + "\n" + json.dumps(GOOD, ensure_ascii=False) + "\n", "utf-8")
    db = str(tmp_path / "s.db")
    r = rasd("run", str(p), "--db", db)
    assert r.returncode == 3, r.stderr
    assert len(export_docs(db)) == 1
    q = [json.loads(l) for l in rasd("quarantine", "list", "--db", db, "--json").stdout.splitlines()]
    assert [x["reason"] for x in q] == ["parse_error"] and "nested" in q[0]["detail"]


def test_lone_surrogate_in_json_is_stored_as_replacement_character(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text('{"url": "https://example.org/s", "full_text": "نص فيه \\ud800 محرف يتيم عن اشتباكات في حماة."}\n'
                 + json.dumps(GOOD, ensure_ascii=False) + "\n", "utf-8")
    db = str(tmp_path / "s.db")
    r = rasd("run", str(p), "--db", db)
    assert r.returncode == 0, r.stderr
    texts = [d["text"] for d in export_docs(db)]
    assert len(texts) == 2 and any("\ufffd" in t for t in texts)


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses non-UTF-8 file names")
def test_file_name_that_is_not_utf8_is_read(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = os.path.join(os.fsencode(folder), b"page-\xff\xfe.txt")
    with open(bad, "wb") as f:
        f.write("قالت مصادر إن اشتباكات اندلعت في ريف إدلب صباح اليوم بين فصيلين.".encode())
    db = str(tmp_path / "s.db")
    r = rasd("run", str(folder), "--db", db)
    assert r.returncode == 0, r.stderr
    docs = export_docs(db)
    assert len(docs) == 1 and "\\xff" in docs[0]["origin"]["path"]


def _folder_with_good_page(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "z-good.txt").write_text("قالت مصادر إن اشتباكات اندلعت في ريف حماة الشمالي صباح اليوم.", "utf-8")
    return folder


def test_fifo_in_a_folder_is_skipped_not_waited_on(tmp_path):
    folder = _folder_with_good_page(tmp_path)
    os.mkfifo(folder / "a-pipe.txt")
    items = list(read_paths([str(folder)]))
    reasons = [getattr(it.result, "reason", "doc") for it in items]
    assert reasons == ["not_text", "doc"]
    assert "FIFO" in items[0].result.detail


def test_symlink_to_dev_zero_is_skipped(tmp_path):
    folder = _folder_with_good_page(tmp_path)
    os.symlink("/dev/zero", folder / "a-zero.txt")
    items = list(read_paths([str(folder)]))
    assert [getattr(it.result, "reason", "doc") for it in items] == ["not_text", "doc"]


def test_symlink_cycle_does_not_drop_the_folder(tmp_path):
    folder = _folder_with_good_page(tmp_path)
    os.symlink(folder, folder / "loop")               # a cycle through a folder link
    os.symlink(folder / "self", folder / "self")      # a link to itself (ELOOP)
    items = list(read_paths([str(folder)]))
    docs = [it for it in items if isinstance(it.result, Document)]
    assert len(docs) == 1
    assert all(getattr(it.result, "reason", None) == "parse_error" for it in items if it not in docs)


@pytest.mark.parametrize("text", ["²", "⑤", "قتل ⑤ أشخاص", "أصيب ³ مدنيين", "١² جنود"])
def test_digit_like_symbols_are_not_numbers(text):
    for s in find_quantities(text):
        assert isinstance(s.value["value"], int) or s.value["value"] is None


# --- terminal --------------------------------------------------------------------------------------

def test_quarantine_list_shows_markup_and_escapes_as_text(tmp_path):
    folder = tmp_path / "in" / "x["
    folder.mkdir(parents=True)
    (folder / "b]\x1b[31mred.txt").write_bytes(b"")   # path ".../x[/b]<ESC>[31mred.txt", empty: quarantined
    folder = folder.parent
    db = str(tmp_path / "s.db")
    assert rasd("run", str(folder), "--db", db).returncode == 3
    r = rasd("quarantine", "list", "--db", db)
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "[/b]" in r.stdout.replace("\n", "").replace("│", "").replace(" ", "")

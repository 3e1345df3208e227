"""The local engine: one bad document never stops the batch; timeouts and stage errors are quarantined."""
import time

from rasd.clean.pipeline import CleanStage
from rasd.document import Document, Item, Origin, RawInput, make_doc_id, sha256_hex
from rasd.engine.local import EngineOptions, LocalEngine
from rasd.stage import StageCounters
from rasd.store.sqlite import SqliteStore

PAGE = ("الفصائل تسيطر على بلدة جديدة في ريف حلب\n\n"
        "قالت مصادر ميدانية إن فصائل المعارضة سيطرت صباح اليوم على بلدة في ريف حلب الغربي بعد اشتباكات "
        "عنيفة مع قوات النظام استمرت ساعات.\n\nوأضافت المصادر أن المعارك أسفرت عن سقوط قتلى من الطرفين.\n")


def item(text: str, name: str) -> Item:
    data = text.encode("utf-8")
    sha = sha256_hex(data)
    origin = Origin(path=name, raw_sha256=sha)
    doc = Document(id=make_doc_id(origin.source_key(), sha), text=text, raw_text=text, origin=origin)
    return Item(RawInput(sha256=sha, data=data, size=len(data), path=name), doc)


class ExplodingStage:
    """A stage that raises on documents whose text contains a marker."""

    def __init__(self, marker: str, exc: Exception):
        self.marker, self.exc = marker, exc
        self.counters = StageCounters("extract")

    def run(self, docs):
        for d in docs:
            self.counters.seen()
            if self.marker in d.text:
                raise self.exc
            yield d


class SlowStage:
    def __init__(self):
        self.counters = StageCounters("extract")

    def run(self, docs):
        for d in docs:
            if "بطيء" in d.text:
                time.sleep(2)
            yield d


def test_stage_error_is_quarantined_and_batch_goes_on(tmp_path):
    store = SqliteStore(str(tmp_path / "t.db"))
    run_id = store.begin_run({}, "test")
    eng = LocalEngine(store, clean=CleanStage(), extract=ExplodingStage("انفجار", ValueError("boom")))
    items = [item(PAGE, "a.txt"), item(PAGE + "\n\nانفجار في النص.\n", "b.txt"), item(PAGE + "\n\nسطر آخر.\n", "c.txt")]
    report = eng.run(items, run_id)
    assert report.quarantined == {"parse_error": 1}
    assert report.documents_written == 2
    rows = store.list_quarantine()
    assert len(rows) == 1 and rows[0]["stage"] == "extract" and "boom" in rows[0]["detail"]
    assert store.get_raw(rows[0]["raw_sha256"]) is not None  # the raw page is kept


def test_timeout_is_quarantined(tmp_path):
    store = SqliteStore(str(tmp_path / "t.db"))
    run_id = store.begin_run({}, "test")
    eng = LocalEngine(store, clean=CleanStage(), extract=SlowStage(), options=EngineOptions(doc_timeout_s=0.3))
    report = eng.run([item(PAGE + "\n\nنص بطيء جدا.\n", "slow.txt"), item(PAGE, "ok.txt")], run_id)
    assert report.quarantined == {"timeout": 1}
    assert report.documents_written == 1


def test_rerun_skips_done_records(tmp_path):
    store = SqliteStore(str(tmp_path / "t.db"))
    eng = LocalEngine(store, clean=CleanStage(), extract=None)
    first = eng.run([item(PAGE, "a.txt")], store.begin_run({}, "t"))
    second = LocalEngine(store, clean=CleanStage()).run([item(PAGE, "a.txt")], store.begin_run({}, "t"))
    assert first.documents_written == 1
    assert second.documents_written == 0 and second.skipped_done == 1


def test_empty_after_clean_is_quarantined(tmp_path):
    store = SqliteStore(str(tmp_path / "t.db"))
    eng = LocalEngine(store, clean=CleanStage(), extract=None)
    report = eng.run([item("زر الذهاب إلى الأعلى\n\n[ad_1]\n", "ui.txt")], store.begin_run({}, "t"))
    assert report.quarantined == {"empty_after_clean": 1}


class OddError(Exception):
    """An exception class no stage is expected to raise (issue 12: only a listed set was caught)."""


def test_any_exception_in_a_stage_is_quarantined(tmp_path):
    store = SqliteStore(str(tmp_path / "t.db"))
    eng = LocalEngine(store, clean=CleanStage(), extract=ExplodingStage("انفجار", OddError("odd")))
    items = [item(PAGE + "\n\nانفجار في النص.\n", "b.txt"), item(PAGE, "a.txt")]
    report = eng.run(items, store.begin_run({}, "test"))
    assert report.quarantined == {"parse_error": 1} and report.documents_written == 1
    assert "OddError: odd" in store.list_quarantine()[0]["detail"]


def test_a_store_failure_on_one_record_is_quarantined(tmp_path):
    store = SqliteStore(str(tmp_path / "t.db"))
    real = store.put_result

    def flaky(raw, docs, run_id):
        if any("عطل" in d.text for d in docs):
            raise OddError("disk said no")
        return real(raw, docs, run_id)

    store.put_result = flaky
    eng = LocalEngine(store, clean=CleanStage(), extract=None)
    report = eng.run([item(PAGE + "\n\nعطل في الكتابة.\n", "b.txt"), item(PAGE, "a.txt")], store.begin_run({}, "t"))
    assert report.quarantined == {"parse_error": 1} and report.documents_written == 1
    row = store.list_quarantine()[0]
    assert row["stage"] == "store" and "disk said no" in row["detail"]

"""The labelled-corpus harness: labels joined to texts in ../shared, scoring and error causes.

Articles here are our own sentences in a throwaway "shared" folder; the scorer is the real
../shared/tools/score.py (skipped where absent).
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rasd.evaluation.corpus import CorpusMissing, LabelledCorpus
from rasd.evaluation.scoring import evaluate, load_scorer, same_sentence
from tests.conftest import shared_path

S1 = "قالت مصادر محلية إن طائرات حربية شنت غارات على بلدة كفرنبل صباح اليوم الخميس."
S2 = "وخرج مئات المتظاهرين في مدينة السويداء للمطالبة بالإفراج عن المعتقلين."
S3 = "وكانت المدينة قد شهدت معارك عنيفة قبل عشر سنوات."
TEXT = "\n".join([S1, S2, S3])
KEY = "https://news.example.org/a/1"


def gold(i, typ, loc, s, required=True, date=None):
    start = TEXT.index(s)
    return {"id": f"g{i}", "doc": KEY, "type": typ, "location": {"ar": [loc], "en": None, "country": "SY"},
            "date": date, "date_precision": "day" if date else None, "actors": [], "quantities": [],
            "attributed_to": None, "modality": "asserted", "required": required,
            "status": "news" if required else "background", "evidence_start": start, "evidence_end": start + len(s)}


def make_eval(tmp_path: Path) -> tuple[Path, Path]:
    shared = tmp_path / "shared"
    data = shared / "data" / "arabic-conflict-news-multisource"
    data.mkdir(parents=True)
    rec = {"id": "x:1", "url": KEY, "title": "غارات على كفرنبل", "date": "2018-04-12", "outlet": "Example News",
           "text": TEXT}
    (data / "articles.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", "utf-8")
    ev = tmp_path / "eval"
    (ev / "gold").mkdir(parents=True)
    (ev / "articles.jsonl").write_text(json.dumps({"key": KEY, "corpus": "multisource", "source_id": "x:1", "url": KEY,
                                                   "outlet": "Example News", "split": "test"}) + "\n", "utf-8")
    rows = [gold(1, "air_strike", "كفرنبل", S1, date="2018-04-12"), gold(2, "protest", "السويداء", S2),
            gold(3, "armed_clash", "السويداء", S3, required=False)]
    (ev / "gold" / "events.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    (ev / "gold" / "pages.jsonl").write_text(json.dumps({"doc": KEY, "genre": "news_report"}) + "\n", "utf-8")
    return ev, shared


def test_gold_evidence_comes_from_the_shared_text_by_offsets(tmp_path):
    ev, shared = make_eval(tmp_path)
    c = LabelledCorpus.load(ev, shared)
    assert [a["key"] for a in c.labelled("test")] == [KEY] and c.labelled("train") == []
    assert [g["evidence"] for g in c.gold_events([KEY])] == [S1, S2, S3]
    c.write_input([KEY], tmp_path / "in.jsonl")
    assert json.loads((tmp_path / "in.jsonl").read_text("utf-8"))["url"] == KEY


def test_the_development_part_is_a_set_of_its_own_and_never_training(tmp_path):
    ev, shared = make_eval(tmp_path)
    man = ev / "articles.jsonl"
    rec = json.loads(man.read_text("utf-8"))
    man.write_text(json.dumps({**rec, "split": "dev", "draw": 5}) + "\n", "utf-8")
    c = LabelledCorpus.load(ev, shared)
    assert [a["key"] for a in c.labelled("dev")] == [KEY]
    assert c.labelled("train") == [] and c.labelled("test") == [] and len(c.labelled("all")) == 1


def test_missing_corpus_is_a_clear_error(tmp_path):
    ev, shared = make_eval(tmp_path)
    (shared / "data" / "arabic-conflict-news-multisource" / "articles.jsonl").unlink()
    with pytest.raises(CorpusMissing):
        LabelledCorpus.load(ev, shared)


def system(typ, loc, mention, date=None):
    return {"type": typ, "location": {"text": loc, "name": loc}, "date": {"value": date},
            "actors": [], "attribution": [], "quantities": [], "modality": "asserted",
            "mentions": [{"doc_id": "d1", "text": mention}]}


def test_errors_get_their_cause_and_the_headline_is_the_shared_scorers(tmp_path):
    sc = load_scorer(shared_path("tools", "score.py"))
    ev, shared = make_eval(tmp_path)
    g = LabelledCorpus.load(ev, shared).gold_events([KEY])
    docs = [{"id": "d1", "origin": {"path": None, "url": KEY, "part": 0}}]
    events = [system("air_strike", "كفرنبل", S1, "2018-04-12"),       # right
              system("air_strike", "كفرنبل", S1, "2018-04-12"),       # the same event twice
              system("shelling", "السويداء", S2),                      # the protest, as the wrong type
              system("bombing", "درعا", "انفجرت عبوة ناسفة في سوق المدينة المزدحم")]  # nothing there
    rep = evaluate(sc, docs, events, g, genres={KEY: "news_report"}, outlets={KEY: "Example News"})
    assert rep["headline"] == sc.score_events(docs, events, g)
    assert rep["headline"]["recall"] == 0.5
    assert rep["missed_by_cause"]["wrong_type"] == 1
    assert rep["spurious_by_cause"] == {"opinion_page": 0, "duplicate": 1, "wrong_type": 1, "wrong_place": 0,
                                        "wrong_date": 0, "not_an_event": 1}
    assert rep["confusion"]["protest"] == {"shelling": 1}
    assert rep["per_outlet"]["Example News"]["recall"] == 0.5


def test_spurious_events_on_opinion_pages_are_counted_apart(tmp_path):
    sc = load_scorer(shared_path("tools", "score.py"))
    ev, shared = make_eval(tmp_path)
    g = LabelledCorpus.load(ev, shared).gold_events([KEY])
    docs = [{"id": "d1", "origin": {"path": None, "url": KEY, "part": 0}}]
    rep = evaluate(sc, docs, [system("bombing", "درعا", "نص آخر تماما")], g, genres={KEY: "opinion_analysis"})
    assert rep["spurious_by_cause"]["opinion_page"] == 1


def test_a_place_within_10_km_of_the_gold_place_counts_for_the_near_measure(tmp_path):
    from rasd.evaluation.geocode import distance_km, gold_geocoder

    sc = load_scorer(shared_path("tools", "score.py"))
    ev, shared = make_eval(tmp_path)
    g = LabelledCorpus.load(ev, shared).gold_events([KEY])
    docs = [{"id": "d1", "origin": {"path": None, "url": KEY, "part": 0}}]
    geocode = gold_geocoder()
    kafr = geocode({"ar": ["كفرنبل"], "country": "SY"})
    assert kafr is not None and geocode({"ar": ["كفرنبل"], "country": "IQ"}) is None
    assert geocode({"ar": ["اسم لا يعرفه أحد"], "country": "SY"}) is None

    def at(ev, lat, lon):
        ev["location"].update(lat=lat, lon=lon)
        return ev
    # the strike placed 5 km away under another name; the protest 60 km away
    near = at(system("air_strike", "حاس", S1, "2018-04-12"), kafr[0] + 0.045, kafr[1])
    far = at(system("protest", "درعا", S2), 32.62, 36.1)
    assert 4 < distance_km((near["location"]["lat"], near["location"]["lon"]), kafr) < 6
    rep = evaluate(sc, docs, [near, far], g, geocode=geocode)
    assert rep["place_accuracy"] == 0.0 and rep["place_pairs"] == 2
    assert rep["place_geocoded_pairs"] == 2 and rep["place_within_10km"] == 0.5
    assert evaluate(sc, docs, [near, far], g)["place_within_10km"] is None   # no geocoder, no measure


def test_same_sentence_is_word_overlap_not_offsets():
    sc = load_scorer(shared_path("tools", "score.py"))
    assert same_sentence(sc, "شنت غارات على بلدة كفرنبل", S1)
    assert not same_sentence(sc, S2, S1)


def test_rasd_eval_runs_the_pipeline_on_a_labelled_set(tmp_path):
    scorer = shared_path("tools", "score.py")
    ev, shared = make_eval(tmp_path)
    (shared / "tools").mkdir()
    (shared / "tools" / "score.py").symlink_to(scorer)
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "eval", "--set", "test", "--shared", str(shared),
                        "--labels", str(ev), "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)["events"]
    assert out["headline"]["gold_required"] == 2 and out["pages"] == 1
    assert set(out["missed_by_cause"]) == {"no_trigger", "wrong_type", "wrong_place", "wrong_date", "merged_away"}
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "eval", "--set", "train", "--shared", str(shared),
                        "--labels", str(ev)], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "no labelled articles" in r.stderr


VILLAGES = ["المشيرفة", "تل الورد", "كفر نجد", "عين الزيتون", "الرميلة", "خربة السوق", "دير سنبل",
            "المزيرعة", "الحاكورة", "بيت سوا", "السنديانة", "أم الجرن"]


def make_training_corpus(tmp_path: Path) -> tuple[Path, Path]:
    """Twelve invented articles (train part), each with a shelling of a village and a plan, labelled."""
    shared = tmp_path / "shared"
    data = shared / "data" / "arabic-conflict-news-multisource"
    data.mkdir(parents=True)
    (shared / "tools").mkdir()
    (shared / "tools" / "score.py").write_bytes(shared_path("tools", "score.py").read_bytes())
    ev = tmp_path / "eval"
    (ev / "gold").mkdir(parents=True)
    arts, recs, golds, pages = [], [], [], []
    for i, v in enumerate(VILLAGES):
        key = f"https://news.example.org/t/{i}"
        s1 = f"قصفت قوات النظام قرية {v} بالمدفعية الثقيلة صباح اليوم، وأفاد ناشطون بسقوط جرحى."
        s2 = f"ويعتزم المجلس المحلي في {v} عقد اجتماع الأسبوع المقبل لبحث أوضاع النازحين في الخيام."
        text = s1 + "\n" + s2
        recs.append({"id": f"t:{i}", "url": key, "title": f"قصف على {v}", "date": "2018-04-12",
                     "outlet": "Example News", "text": text})
        arts.append({"key": key, "corpus": "multisource", "source_id": f"t:{i}", "url": key,
                     "outlet": "Example News", "split": "train"})
        golds.append({"id": f"g{i}", "doc": key, "type": "shelling", "location": {"ar": [v], "en": None, "country": "SY"},
                      "date": None, "date_precision": None, "actors": [], "quantities": [], "attributed_to": None,
                      "modality": "asserted", "required": True, "status": "news", "evidence_start": 0,
                      "evidence_end": len(s1)})
        pages.append({"doc": key, "genre": "news_report"})
    for path, rows in ((data / "articles.jsonl", recs), (ev / "articles.jsonl", arts),
                       (ev / "gold" / "events.jsonl", golds), (ev / "gold" / "pages.jsonl", pages)):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return ev, shared


def test_rasd_train_events_is_deterministic_and_learns_from_the_training_part(tmp_path):
    pytest.importorskip("sklearn")
    ev, shared = make_training_corpus(tmp_path)
    outs = []
    for name in ("a.json", "b.json"):
        r = subprocess.run([sys.executable, "-m", "rasd.cli", "train", "events", "--labels", str(ev),
                            "--shared", str(shared), "--out", str(tmp_path / name)],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    model = json.loads(outs[0])
    assert model["types"] == ["shelling"] and model["meta"]["articles"] == len(VILLAGES)
    assert "12 training articles" in r.stderr

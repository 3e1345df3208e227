"""The CRF name tagger: split and metrics, model round trip, and what the pipeline takes from it.

Every sentence here is our own invented Arabic; the shipped model is used where present.
"""
from __future__ import annotations

import pytest

from rasd.document import Document, Origin
from rasd.extract.ner import NameLexicon, NameTagger, default_model_path, entity_spans, evaluate
from rasd.extract.ner.corpus import CorpusError, read_iob, split_sentences, split_train_test
from rasd.extract.ner.features import sentence_features, strip_clitics
from rasd.extract.ner.spans import names_as_actors
from rasd.extract.textview import make_view

pycrfsuite = pytest.importorskip("pycrfsuite")
needs_model = pytest.mark.skipif(not default_model_path().is_file(), reason="no shipped name-tagger model")

# -- split and metrics ---------------------------------------------------------------------------


def test_entity_spans_follow_conlleval_on_a_stray_inside_tag():
    tags = ["B-PERS", "I-PERS", "O", "I-LOC", "B-ORG", "I-PERS", "I-PERS"]
    assert entity_spans(tags) == {(0, 2, "PERS"), (3, 4, "LOC"), (4, 5, "ORG"), (5, 7, "PERS")}


def test_entity_f1_on_a_hand_made_example():
    gold = [["B-PERS", "I-PERS", "O", "B-LOC"], ["O", "B-ORG", "I-ORG", "O"]]
    # person right, place missed, organisation cut short (wrong span) plus one spurious place
    pred = [["B-PERS", "I-PERS", "O", "O"], ["B-LOC", "B-ORG", "O", "O"]]
    r = evaluate(gold, pred)
    assert r["token_accuracy"] == pytest.approx(5 / 8, abs=1e-4)
    assert (r["overall"]["tp"], r["overall"]["fp"], r["overall"]["fn"]) == (1, 2, 2)
    assert r["overall"]["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert r["overall"]["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert r["overall"]["f1"] == pytest.approx(1 / 3, abs=1e-4)
    assert r["per_type"]["PERS"]["f1"] == 1.0
    assert r["per_type"]["LOC"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 1, "fn": 1}
    assert r["per_type"]["ORG"]["fn"] == 1 and r["per_type"]["ORG"]["fp"] == 1


def test_evaluate_refuses_sequences_of_different_lengths():
    with pytest.raises(ValueError):
        evaluate([["O", "O"]], [["O"]])


def test_split_cuts_at_a_sentence_end_in_corpus_order():
    sents = [[("كلمة", "O")] * 4 + [(".", "O")] for _ in range(10)]   # 10 sentences of 5 tokens
    train, test = split_train_test(sents, 0.83)
    assert len(train) == 9 and len(test) == 1          # 41.5 tokens reached inside the 9th sentence
    assert train + test == sents
    assert split_train_test(sents, 0.83) == (train, test)
    with pytest.raises(ValueError):
        split_train_test(sents, 1.0)


def test_read_iob_splits_glued_lines_and_names_a_bad_tag(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("زار B-PERS\n O\n. Oحلب O\nاليوم O\n. O\n", encoding="utf-8")
    pairs = read_iob(good)
    assert pairs == [("زار", "B-PERS"), (".", "O"), ("حلب", "O"), ("اليوم", "O"), (".", "O")]
    assert [len(s) for s in split_sentences(pairs)] == [2, 3]
    bad = tmp_path / "b.txt"
    bad.write_text("زار B-PERSON\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=":1:"):
        read_iob(bad)


def test_strip_clitics_keeps_short_names_whole():
    assert strip_clitics("والرئيس") == ("وال", "رئيس")
    assert strip_clitics("للجيش") == ("لل", "جيش")
    assert strip_clitics("وبحمص") == ("وب", "حمص")
    assert strip_clitics("وعد") == ("", "وعد")


# -- model file round trip -----------------------------------------------------------------------

_TINY = [
    [("قال", "O"), ("الرئيس", "O"), ("سامر", "B-PERS"), ("الخطيب", "I-PERS"), ("في", "O"), ("حلب", "B-LOC"), (".", "O")],
    [("زار", "O"), ("الوزير", "O"), ("نادر", "B-PERS"), ("العلي", "I-PERS"), ("مدينة", "O"), ("حماة", "B-LOC"), (".", "O")],
    [("أعلنت", "O"), ("شركة", "B-ORG"), ("النور", "I-ORG"), ("عن", "O"), ("خطة", "O"), ("جديدة", "O"), (".", "O")],
]


def _tiny_corpus(path):
    path.write_text("".join(f"{t} {g}\n" for s in _TINY * 5 for t, g in s), encoding="utf-8")
    return path


def test_trained_model_round_trips_and_retrains_to_the_same_bytes(tmp_path):
    from rasd.extract.ner.train import TrainOptions, train

    lex = NameLexicon.from_names(places=["حلب", "حماة"], titles={"الرئيس": "plain", "الوزير": "complement"})
    corpus = _tiny_corpus(tmp_path / "tiny.txt")
    opts = TrainOptions(c1=0.0, c2=0.01, max_iterations=30, train_fraction=0.8)
    card = train(corpus, tmp_path / "m.crfsuite", opts, lexicon=lex)
    assert card["split"]["train_sentences"] + card["split"]["test_sentences"] == 15
    assert (tmp_path / "m.json").is_file()
    train(corpus, tmp_path / "again.crfsuite", opts, lexicon=lex)
    assert (tmp_path / "m.crfsuite").read_bytes() == (tmp_path / "again.crfsuite").read_bytes()
    tagger = NameTagger(tmp_path / "m.crfsuite", lex)
    words = ["قال", "الوزير", "سامر", "العلي", "في", "حماة", "."]
    assert tagger.tag(words) == tagger.tag_crfsuite(words)
    assert tagger.tag(words)[2:4] == ["B-PERS", "I-PERS"]


def test_missing_model_file_names_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="rasd train ner"):
        NameTagger(tmp_path / "absent.crfsuite", NameLexicon())


# -- the shipped model ---------------------------------------------------------------------------


@needs_model
def test_shipped_model_finds_a_person_after_a_title():
    tagger = NameTagger(default_model_path())
    words = "قال الرئيس سامر الخطيب إن الوفد وصل أمس .".split()
    assert tagger.tag(words)[2:4] == ["B-PERS", "I-PERS"]
    spans = tagger.find("قال الرئيس سامر الخطيب إن الوفد وصل أمس.")
    assert [(s.value["type"], s.value["text"]) for s in spans] == [("PERS", "سامر الخطيب")]


@needs_model
def test_fast_viterbi_matches_crfsuite_on_the_shipped_model():
    tagger = NameTagger(default_model_path())
    sentences = ["اعتقلت دورية عبد الكريم المصري في حمص .", "التقى الوزير كريم العلي بنظيره في دمشق أمس .",
                 "وأعلنت منظمة الهلال الأحمر عن قافلة جديدة"]
    batch = tagger.tag_many([s.split() for s in sentences])
    assert batch == [tagger.tag_crfsuite(s.split()) for s in sentences]


# -- what the pipeline takes ---------------------------------------------------------------------


class _FakeTagger:
    """Tags fixed words PERS, whatever their context (a tagger that errs on towns)."""

    def __init__(self, persons):
        self.persons = persons

    def tag_many(self, sentences):
        out = []
        for words in sentences:
            tags, prev = [], False
            for w in words:
                hit = w in self.persons
                tags.append(("I-PERS" if prev else "B-PERS") if hit else "O")
                prev = hit
            out.append(tags)
        return out


def test_a_town_tagged_as_a_person_is_not_a_person():
    text = "اعتقال سامر الخطيب في حمص أمس"
    view = make_view(text)
    fake = _FakeTagger({"سامر", "الخطيب", "حمص"})
    found = names_as_actors(fake, view, [(0, len(view.norm))], [], place_keys={"حمص"})
    assert [(n.label, n.value["text"]) for n in found] == [("PERSON", "سامر الخطيب")]
    # with a clitic in front the town is still a town
    view2 = make_view("وصل وبحمص")
    assert names_as_actors(_FakeTagger({"وبحمص"}), view2, [(0, len(view2.norm))], [], place_keys={"حمص"}) == []


def test_a_name_overlapping_a_known_actor_is_left_to_the_knowledge_base():
    from rasd.extract.attribution import NSpan

    view = make_view("قال سامر الخطيب")
    kb = NSpan(4, 15, "PERSON", {"actor_id": "someone"})
    assert names_as_actors(_FakeTagger({"سامر", "الخطيب"}), view, [(0, 15)], [kb], place_keys=set()) == []


@needs_model
def test_pipeline_with_the_tagger_gives_an_event_without_actor_the_tagged_person():
    from rasd.extract.events import EventExtractor, ExtractOptions

    text = "اعتقال سامر الخطيب في حمص يوم الأحد 3 آذار 2024."
    doc = Document(id="d1", text=text, origin=Origin(url="u"), published="2024-03-04")
    _, with_ner = EventExtractor(ExtractOptions(ner_persons=True, learned=False)).extract(doc)
    _, without = EventExtractor(ExtractOptions(learned=False)).extract(doc)
    assert [e.type for e in with_ner] == [e.type for e in without] == ["arrest"]
    assert [a["text"] for a in with_ner[0].actors] == ["سامر الخطيب"]
    assert without[0].actors == ()


def test_features_mark_a_title_before_a_word():
    lex = NameLexicon.from_names(titles={"العميد": "rank"}, places=["حمص"])
    feats = sentence_features(["والعميد", "نادر", "حمص"], lex)
    assert "-1:title" in feats[1] and "-1:title=rank" in feats[1]
    assert "gaz" in feats[2] and "gaz" not in feats[1]

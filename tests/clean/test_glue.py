"""Words glued by scraping are split into known words; real words never; offsets stay exact."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasd.clean.glue import GlueOptions, GlueSplitter, build_counts, expand_pattern, main, packaged_splitter, read_counts
from rasd.clean.pipeline import CleanOptions, CleanStage, clean_document
from rasd.document import Document, Origin

LONG = "وأضاف المتحدث في بيان نشره صباح اليوم أن فرق الإطفاء وصلت إلى المكان بعد دقائق من البلاغ الأول."


def _doc(text: str) -> Document:
    return Document(id="g", text=text, raw_text=text, origin=Origin(path="g.txt"))


def _parts(word: str) -> list[tuple[str, ...]]:
    return [g.parts for g in packaged_splitter().find(word)]


@pytest.mark.parametrize("glued, parts", [
    ("مراسلالميادينفي", ("مراسل", "الميادين", "في")),      # outlet glued between two words
    ("مصادرالميادين", ("مصادر", "الميادين")),
    ("الأميركيةمقتل", ("الأميركية", "مقتل")),              # word + word, ة inside the token
    ("الحكومةالسورية", ("الحكومة", "السورية")),
    ("قصفالطيران", ("قصف", "الطيران")),
    ("أنّالمنطقة", ("أنّ", "المنطقة")),                      # the shadda stays on its letter
    ("مستشفىالمدينة", ("مستشفى", "المدينة")),
    ("الطيرانأنّ", ("الطيران", "أنّ")),                      # أن glued on: no dual ending has a hamza
    ("لبنانإن", ("لبنان", "إن")),
])
def test_glued_words_are_split_into_known_words(glued: str, parts: tuple[str, ...]) -> None:
    assert _parts(glued) == [parts]


@pytest.mark.parametrize("word", [
    "والمدينة", "بالمدينة", "مستشفى", "ومستشفى", "بالمستشفى", "وللمستشفيات", "لمستشفياتها",
    "استهدافهم", "مسؤولياتهم", "بينما", "كلما", "أيمن", "معالي", "الاندفاع", "عبدالرحمن", "كفرسوسة",
    "بشأن", "الشأن", "وبشأن", "مطمئن", "الطرفان", "البلدان",
])
def test_real_words_and_words_with_clitics_are_not_split(word: str) -> None:
    assert _parts(word) == []


def test_a_word_read_as_a_dual_is_split_only_where_a_hamza_opens_its_ending() -> None:
    splitter = GlueSplitter({"الجيش": 5000, "في": 90000, "ان": 60000})
    assert splitter.find("الجيشان") == []                   # a dual of a known word
    assert splitter.find("الجيشأن")[0].parts == ("الجيش", "أن")


def test_a_token_with_no_good_split_is_left_alone() -> None:
    splitter = GlueSplitter({"سوق": 5000, "المدينة": 4000, "في": 90000, "مدرسة": 800})
    assert splitter.find("قزبلطونا") == []                  # made of no known words
    assert splitter.find("سوقزبلط") == []                   # a known word + an unknown rest
    assert splitter.find("مدرسةالمدينة")[0].parts == ("مدرسة", "المدينة")


def test_an_uncued_split_with_a_three_letter_word_is_refused() -> None:
    # two frequent words the token could be, but no cue and a short part: not trusted
    splitter = GlueSplitter({"نصر": 4000, "كاتب": 3000})
    assert splitter.find("نصركاتب") == []
    assert splitter.find("نصر كاتب") == []


def test_the_split_must_beat_an_unknown_word_by_the_margin() -> None:
    counts = {"مدرسة": 800, "المدينة": 4000}
    assert GlueSplitter(counts).find("مدرسةالمدينة")
    assert GlueSplitter(counts, options=GlueOptions(margin=40.0)).find("مدرسةالمدينة") == []


def test_a_curated_name_is_a_known_word() -> None:
    counts = {"مدرسة": 800, "المدينة": 4000}
    assert GlueSplitter(counts, names=["مدرسةالمدينة الكبرى"]).find("مدرسةالمدينة") == []


def test_the_cleaned_text_gets_the_spaces_and_maps_back_exactly() -> None:
    raw = "عنوان قصير\n\nأفاد مراسلالميادينفي المدينة بأن الوزارة الأميركيةمقتل ثلاثة أشخاص في الحادث.\n\n" + LONG
    main_part = clean_document(_doc(raw))[0]
    assert "مراسل الميادين في المدينة" in main_part.text
    assert "الأميركية مقتل" in main_part.text
    splits = main_part.meta["glued_splits"]
    assert [s["parts"] for s in splits] == [["مراسل", "الميادين", "في"], ["الأميركية", "مقتل"]]
    for s in splits:
        assert raw[s["raw_start"]:s["raw_end"]] == "".join(s["parts"])
    for seg in main_part.offset_map:
        assert main_part.text[seg.clean_start:seg.clean_start + seg.length] == raw[seg.raw_start:seg.raw_start + seg.length]
    i = main_part.text.index("الميادين في")
    j = i + len("الميادين في")
    assert raw[main_part.raw_offset(i):main_part.raw_offset(j)] == "الميادينفي"
    space = main_part.text.index(" ", i)
    assert main_part.raw_offset(space) == raw.index("الميادينفي") + len("الميادين")
    # nothing lost: dropping the inserted spaces gives the raw paragraph back
    inserted = {seg.clean_start - 1 for seg in main_part.offset_map[1:]
                if main_part.text[seg.clean_start - 1] == " " and main_part.text[seg.clean_start - 2] != "\n"}
    para = main_part.text.split("\n\n")[0]
    assert "".join(ch for k, ch in enumerate(para) if k not in inserted) in raw


def test_splitting_can_be_turned_off_and_is_counted() -> None:
    raw = "أفاد مراسلالميادينفي المدينة بأن الحريق امتد إلى ثلاثة منازل قبل أن تصل فرق الإطفاء.\n\n" + LONG
    off = clean_document(_doc(raw), CleanOptions(split_glued=False))[0]
    assert "مراسلالميادينفي" in off.text and "glued_splits" not in off.meta
    stage = CleanStage()
    list(stage.run([_doc(raw)]))
    assert stage.counters.as_dict()["glued_splits"] == 1


def test_the_outlet_named_in_a_glued_mention_is_found() -> None:
    raw = "أفاد مراسلالميادينفي المدينة بأن الحريق امتد إلى ثلاثة منازل قبل أن تصل فرق الإطفاء.\n\n" + LONG
    assert clean_document(_doc(raw))[0].outlet == "الميادين"


def test_trigger_patterns_expand_to_their_words() -> None:
    assert sorted(expand_pattern("قصف(?:ت|وا)?")) == ["قصف", "قصفت", "قصفوا"]
    assert expand_pattern(r"\S+ قصف") == []


def _corpus(root: Path) -> Path:
    """A small invented corpus in the shared layout: a glued link form, and a real word (بينما)."""
    a = root / "data" / "arabic-conflict-news-multisource"
    b = root / "data" / "almayadeen-syria-articles"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    texts = ["قال مراسل القناة إن السوق مزدحم بينما المدرسة مغلقة"] * 3 + ["قال مراسلالقناة إن السوق مغلق"] * 2
    a.joinpath("articles.jsonl").write_text(
        "".join(json.dumps({"title": "عنوان", "text": t}, ensure_ascii=False) + "\n" for t in texts), "utf-8")
    b.joinpath("x.jsonl").write_text(json.dumps({"title": "عنوان", "full_text": "بينما بينما السوق"}, ensure_ascii=False) + "\n", "utf-8")
    return root


def test_the_build_is_deterministic_and_drops_glued_forms(tmp_path: Path) -> None:
    shared = _corpus(tmp_path / "shared")
    out1, out2 = tmp_path / "c1.tsv", tmp_path / "c2.tsv"
    assert main(["build", "--shared", str(shared), "--out", str(out1), "--min-count", "2"]) == 0
    assert main(["build", "--shared", str(shared), "--out", str(out2), "--min-count", "2"]) == 0
    assert out1.read_bytes() == out2.read_bytes()
    counts = read_counts(out1.read_text("utf-8"))
    assert counts["بينما"] == 5 and counts["السوق"] == 6
    assert "مراسلالقناه" not in counts           # seen twice glued, three times spaced
    assert "مراسل" in counts and "القناه" in counts


def test_build_counts_keeps_a_word_more_frequent_glued_than_spaced() -> None:
    counts, glued = build_counts(["السوق الكبيرة"] + ["السوقالكبيرة"] * 3, min_count=1)
    assert "السوقالكبيره" in counts and glued == {}


def test_the_build_names_a_missing_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--shared", str(tmp_path), "--out", str(tmp_path / "c.tsv")]) == 2
    assert "no corpus file matches" in capsys.readouterr().err


def test_a_malformed_counts_file_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="line 2"):
        read_counts("# header\nكلمة بلا عدد\n")

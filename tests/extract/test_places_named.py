"""Places no gazetteer holds, found by how the text names them: a quoted name after a place word,
a list after a plural place word and an opener, a topographic word that begins a name, and a
definite second word after a cue. Our own sentences; the village names are invented."""
from __future__ import annotations

from rasd.extract.places_unknown import (
    find_listed_places, find_quoted_places, find_unknown_places, unknown_place_spans,
)
from rasd.extract.textview import make_view


def _found(fn, text: str) -> list[str]:
    v = make_view(text)
    return [v.norm[a:b] for a, b, _ in fn(v)]


# -- quoted names after a place word ------------------------------------------------------------

def test_a_quoted_name_after_a_position_word_is_a_site():
    assert _found(find_quoted_places, 'أعلنت الفصائل استهداف موقع "تل الزيزفون" بالصواريخ') == ["تل الزيزفون"]
    assert _found(find_quoted_places, "وقصفت المدفعية ثكنة «المرجانة» فجراً") == ["المرجانه"]


def test_adjectives_may_stand_between_the_word_and_the_quoted_name():
    assert _found(find_quoted_places, 'هاجمت مسيرة القاعدة الأميركية "وادي الصفصاف" شرق البلاد') == ["وادي الصفصاف"]


def test_a_plural_word_takes_a_list_of_quoted_names():
    got = _found(find_quoted_places, 'استعادت القوات مناطق "الرميلة"، و"الحوايج"، و"المسطاح" بعد معارك')
    assert got == ["الرميله", "الحوايج", "المسطاح"]


def test_a_quoted_website_is_not_a_place():
    # "موقع" is also a website: after a reporting word, with ب or ل, or with a media adjective
    assert _found(find_quoted_places, 'ونشر موقع "الشاهد" صوراً للقصف') == []
    assert _found(find_quoted_places, 'وقال في تغريدة بموقع "المدونة" إن القصف توقف') == []
    assert _found(find_quoted_places, 'واستهدفت الغارة موقع "الراصد" الإخباري في المدينة') == []


def test_a_quoted_name_after_a_word_that_is_no_place_word_is_not_taken():
    assert _found(find_quoted_places, 'أصدر مركز "الدراسات الميدانية" تقريراً عن القصف') == []


def test_quoted_places_become_unresolved_place_spans_named_as_written():
    text = 'واستهدفت المقاومة ثكنة "الصنوبرة" بالقذائف'
    spans = unknown_place_spans(make_view(text), [])
    assert [(text[s.start:s.end], s.value["resolved_by"], s.value["precision"]) for s in spans] == \
        [("الصنوبرة", "quoted_after_cue", "site")]


# -- lists after a plural place word and an opener ----------------------------------------------

def test_names_listed_after_a_plural_place_word_and_an_opener_are_places():
    got = _found(find_listed_places, "شنت الطائرات غارات على بلدات عدة، منها الكرمة وتل الورد، فضلاً عن نقاط أخرى")
    assert got == ["الكرمه", "تل الورد"]


def test_a_dash_list_in_brackets_after_an_opener():
    # a lone tatweel standing as a dash is two spaces once normalised
    got = _found(find_listed_places, "سيطرت القوات على ثلاث قرى هي (الكرمة ـ السنديانة ـ عين الورد) بعد معارك")
    assert got == ["الكرمه", "السنديانه", "عين الورد"]


def test_a_comma_list_whose_last_name_takes_wa():
    got = _found(find_listed_places, "في محافظات عدة، هي الرمانة، والسنديانة، والكرمة.")
    assert got == ["الرمانه", "السنديانه", "الكرمه"]


def test_no_list_without_two_names_and_no_list_of_common_words():
    assert _found(find_listed_places, "شهدت مناطق عديدة هي الأكثر تضرراً من القصف.") == []
    # a change of delimiter ends the list; a run of more than three words is no name
    assert _found(find_listed_places, "قصفت مواقع عدة أبرزها الكرمة، وقال المصدر إن القصف استمر طويلاً") == []


def test_names_right_after_a_plural_settlement_word_with_no_article_are_places():
    # the construct state: "في قرى X وY وZ", a dual "محافظتي X وY"; a preposition ends the last name
    got = _found(find_listed_places, "اندلعت اشتباكات في قرى الكرمة والسنديانة وعين الورد صباح اليوم")
    assert got == ["الكرمه", "السنديانه", "عين الورد"]
    got = _found(find_listed_places, "خرجت مظاهرات في محافظتي الرمانة والسنديانة في شرق البلاد")
    assert got == ["الرمانه", "السنديانه"]


def test_a_plural_settlement_word_before_a_region_or_with_the_article_lists_nothing():
    assert _found(find_listed_places, "قصفت المدفعية قرى الريف الشرقي والشمالي للمحافظة") == []
    assert _found(find_listed_places, "قصفت المدفعية القرى الكرمة والسنديانة") == []
    assert _found(find_listed_places, "قصفت المدفعية قرى عدة في المنطقة") == []


def test_an_installation_word_in_a_list_is_left_to_the_site_finder():
    assert _found(find_listed_places, "انسحبت من مواقع عدة، منها مطارا الكرمة والسنديانة") == []


# -- topographic heads and definite second words -------------------------------------------------

def test_a_topographic_word_begins_the_name_after_it():
    assert _found(find_unknown_places, "تمركز الجنود في قلعة الصنوبر وتلة المراصد") == ["قلعه الصنوبر", "تله المراصد"]
    assert _found(find_unknown_places, "سقطت قذيفة في تل الورد") == ["تل الورد"]


def test_a_topographic_word_before_a_verb_names_nothing():
    assert _found(find_unknown_places, "صعدوا إلى تلة وفرضوا حصاراً") == []


def test_a_definite_second_word_after_a_cue_belongs_to_the_name_an_adjective_does_not():
    assert _found(find_unknown_places, "غارة على بلدة عين الجبل جنوباً") == ["عين الجبل"]
    assert _found(find_unknown_places, "غارة على بلدة الكرمة الجبل") == ["الكرمه الجبل"]
    assert _found(find_unknown_places, "قصف على قرية الكرمة السورية") == ["الكرمه"]
    assert _found(find_unknown_places, "قصف على بلدة الكرمة الحدودية") == ["الكرمه"]


def test_a_connective_after_a_list_ends_it():
    # "، بينما …" and "، بالإضافة إلى …" go on with the sentence: they name no place
    got = _found(find_listed_places, "قصفت المدفعية بلدات الكرمة والسنديانة وعين الورد، بينما حلقت الطائرات فوق المنطقة")
    assert got == ["الكرمه", "السنديانه", "عين الورد"]
    got = _found(find_listed_places, "استهدفت المقاومة مواقع عدة هي: الكرمة، السنديانة، بالإضافة إلى نقاط أخرى")
    assert got == ["الكرمه", "السنديانه"]


def test_a_participle_after_a_list_is_no_name():
    # "في قرى وبلدات X، الخاضعة لسيطرة …": the participle describes the places, it names none
    assert _found(find_listed_places, "خرجت مظاهرات في قرى الكرمة والسنديانة، الخاضعة لسيطرة الفصائل") == ["الكرمه", "السنديانه"]


def test_an_installation_word_names_a_place_only_before_a_name_that_begins_with_a_head():
    # "قاعدة عين X": the base's own name, the place; "قاعدة الاشتباك", "قاعدة عسكرية": no name
    assert _found(find_unknown_places, "واستهدفت ثلاث هجمات قاعدة عين الكرمة غربي البلاد") == ["عين الكرمه"]
    assert _found(find_unknown_places, "كما استهدفت قاعدتا تل الورد والسنديانة") == ["تل الورد", "السنديانه"]
    assert _found(find_unknown_places, "وخرقت الطائرات قاعدة الاشتباك المعمول بها") == []
    assert _found(find_unknown_places, "وأقامت القوات قاعدة عسكرية جديدة قرب الحدود") == []
    assert _found(find_unknown_places, "واستهدفت المقاومة قاعدة الاحتلال الأميركي") == []


def test_settlements_and_districts_are_places_after_their_word():
    # a settlement or a (Yemeni) district named after its word, singular or plural
    assert _found(find_unknown_places, "سقطت صواريخ على مستوطنة كفر هدار فجراً") == ["كفر هدار"]
    assert _found(find_unknown_places, "قصفت المقاومة مستوطنات الرمانة والسنديان") == ["الرمانه", "السنديان"]
    assert _found(find_unknown_places, "شنت الطائرات غارات على مديرية الوادي الأخضر") == ["الوادي الاخضر"]
    assert _found(find_unknown_places, "استهدفت الصواريخ المستوطنة مجدداً") == []


def test_words_after_a_settlement_or_directorate_that_name_none_are_no_place():
    # "مديرية" is also a directorate, "مستوطنات" is followed by its adjectives and its region
    assert _found(find_unknown_places, "أعلنت مديرية الأمن العام توقيف مطلوبين") == []
    assert _found(find_unknown_places, "وقالت مديرية أمن المدينة إن الطريق آمن") == []
    assert _found(find_unknown_places, "أدانت الدول بناء مستوطنات غير شرعية") == []
    assert _found(find_unknown_places, "دوت صفارات الإنذار في مستوطنات الغلاف") == []


def test_an_area_named_after_its_word_is_a_place_and_an_area_of_a_kind_is_not():
    # "منطقة X" names an area a gazetteer may not hold; the words that describe a kind of area
    # (buffer, de-escalation, demilitarised, mountainous, the Middle East) name none
    assert _found(find_unknown_places, "انفجرت سيارة مفخخة في منطقة الزعفرانة بالريف الشرقي") == ["الزعفرانه"]
    assert _found(find_unknown_places, "سيطرت القوات على منطقتي الرملة والوعرة") == ["الرمله", "الوعره"]
    assert _found(find_unknown_places, "دخلت الدوريات منطقة خفض التصعيد") == []
    assert _found(find_unknown_places, "سقطت قذيفة في منطقة عازلة قرب الحدود") == []
    assert _found(find_unknown_places, "يعيش في منطقة جبلية وعرة") == []
    assert _found(find_unknown_places, "تشهد منطقة الشرق الأوسط توتراً") == []
    assert _found(find_unknown_places, "هاجم المسلحون منطقة تسيطر عليها القوات") == []


def test_another_kind_of_place_word_after_a_cue_names_no_place():
    # "settlements and positions": the list goes on with another place word, not a name
    assert _found(find_unknown_places, "استهدفت الصواريخ مستوطنات ومواقع عسكرية عدة") == []
    assert _found(find_unknown_places, "قصفت الطائرات قرى ومطار المنطقة") == []
    # a name after "و" in a list after a plural cue is still a name
    assert _found(find_unknown_places, "قصفت المدفعية بلدات الزعفرانة والمسعودية") == ["الزعفرانه", "المسعوديه"]

"""Attribution: who a sentence says reported, claimed or denied what it relates.

Works over a sentence of the normalised text (see `rasd.extract.sentences`) with the source,
actor and person spans already found in it (normalised offsets). Three forms are read:
  * a preposition cue followed by the source: بحسب / وفق(اً) لـ / نقلاً عن / طبقاً لـ ...;
  * a reporting verb with its subject after it (أفادت وكالة ...) or before it (... سانا نفتها);
  * a continuation verb with no new subject (وأضاف القيادي أن ...): the previous source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Sequence

from rasd.clean.normalize import normalize_arabic
from rasd.extract.events_lexicon import EventLexicon

_WORD = re.compile(r"[^\s،,:؛;.\"“”«»()\-]+|[،,:؛;.\"“”«»()]")
_PUNCT_GAP = re.compile(r"[.؛;:\"“”«»]")
#: "أن" between a verb and a name: the name is the subject of what was said, not the sayer
#: ("وأضاف أن قوات النظام انسحبت").
_COMPLEMENT = re.compile(r"(?<!\w)(?:ب)?ان(?:ه|ها|هم)?(?!\w)")
# An SVO subject must end this close before its verb (one or two words of title may sit between).
SVO_MAX_GAP = 3  # chars; a span ending right before the verb ("... سانا نفتها") — from the seeds' forms
#: ... or further, over the words the lexicon's `svo_gap` allows ("وكانت الوزارة قد أعلنت", "أعلن
#: الجيش، ومقره دمشق، أن"): at most this many characters (a place name of three words).
SVO_MAX_CLAUSE = 40


@dataclass(frozen=True, slots=True)
class NSpan:
    """A finder span moved to normalised offsets."""

    start: int
    end: int
    label: str
    value: Any


@dataclass(frozen=True, slots=True)
class Attribution:
    """One source cue in a sentence: the cue's place, the source, and its record."""

    cue_start: int
    cue_end: int
    kind: str                  # preposition | verb | continuation
    source_start: int
    source_end: int
    record: dict = field(default_factory=dict)   # {text, name, source_id}
    value: Any = None          # the knowledge-base value of the source span, when one matched
    denial: bool = False       # the cue denies (نفت): its source is the denier, not an actor
    accusation: bool = False   # the cue accuses (اتهم): its source is the accuser, not an actor


#: Opening and closing quotes and brackets around a short name ("سانا"، «الوطن»، (وفا)).
_OPEN = {'"': '"', "“": "”", "«": "»", "(": ")"}
#: A quoted or bracketed name after a cue or a word of a source holds at most this many words
#: (the outlet and agency names of the training part: "الوطن"، (وفا)، «جيش الإسلام»).
QUOTED_MAX_WORDS = 3


def _quoted(norm: str, i: int, end: int) -> int | None:
    """The end (after the closing mark) of a short quoted or bracketed name opening at i, else None."""
    close = _OPEN.get(norm[i]) if i < end else None
    if close is None:
        return None
    j = norm.find(close, i + 1, min(end, i + 40))
    if j < 0:
        return None
    inner = norm[i + 1:j].split()
    return j + 1 if 1 <= len(inner) <= QUOTED_MAX_WORDS and not _PUNCT_GAP.search(norm, i + 1, j) else None


def _free_source(norm: str, start: int, end: int, lex: EventLexicon,
                 max_words: int | None = None) -> tuple[int, int] | None:
    """The source written as plain words after a cue: up to N words, stopping at a stop word.

    A short quoted or bracketed name counts as one word: first ("أعلن "جيش" الاحتلال") or right
    after the words (صحيفة "الوطن"، وكالة الأنباء الفلسطينية (وفا)), where it ends the source."""
    s = start
    while s < end and norm[s].isspace():
        s += 1
    first, last, n = None, None, 0
    pos = s
    while pos < end:
        while pos < end and norm[pos].isspace():
            pos += 1
        q = _quoted(norm, pos, end) if pos < end else None
        if q is not None:
            if n == 0 and norm[pos] == "(":
                break   # a parenthesis right after the cue is an aside, not a source
            first = pos if first is None else first
            last, pos, n = q, q, n + 1
            if n > 1:
                break   # a quoted name after words closes the source
            continue
        m = _WORD.match(norm, pos, end)
        if m is None or lex.attr_stop.match(m.group()) or n >= (max_words or lex.attr_max_free_words):
            break
        first = m.start() if first is None else first
        last, pos, n = m.end(), m.end(), n + 1
    if first is None:
        return None
    return first, last


#: A holder's name of one to three words between commas after a title.
_HOLDER = re.compile(r"[،,] ((?:[^\s،,.:\"“”«»()]+ ){0,2}[^\s،,.:\"“”«»()]+)[،,]")
#: A present-tense reporting verb (يعلن، تعلن، يؤكد، تقول ...), with و or ف before it.
_IMPERFECT = re.compile(r"^[وف]?[يت]")
#: How far before a present-tense verb its subject written as plain words may start (characters):
#: four words of a name ("وزارة الدفاع الروسية").
FREE_BEFORE_REACH = 40


def _free_before(norm: str, lo: int, end: int, lex: EventLexicon) -> tuple[int, int] | None:
    """The plain words right before a verb (at most the lexicon's max_free_words), back to a stop
    word, a punctuation mark or the start of the sentence; a leading و is left out. None when the
    word before the verb is itself a stop word."""
    words = [w for w in _WORD.finditer(norm, lo, end)]
    if lo > 0 and words and not norm[lo - 1].isspace() and words[0].start() == lo:
        words = words[1:]   # a word cut by the reach
    picked: list[re.Match] = []
    for w in reversed(words):
        if lex.attr_stop.match(w.group()) or not w.group()[0].isalpha() or len(picked) >= lex.attr_max_free_words:
            break
        picked.append(w)
    if not picked or norm[picked[0].end():end].strip():
        return None
    start = picked[-1].start()
    if norm.startswith(("وال", "وو"), start):
        start += 1   # "والمرصد"، "ووزارة": the conjunction is not part of the name
    return start, picked[0].end()


def _place_after(norm: str, end: int, places: Sequence[NSpan]) -> int:
    """The end of "في <place>" right after a source ("وزارة الصحة في غزة"، "المقاومة الإسلامية في
    العراق"): the place says which body of that name speaks; else `end` unchanged."""
    m = _IN_PLACE.match(norm, end)
    if m is None:
        return end
    for p in places:
        if p.start in (m.end(1), m.end()):
            return p.end
        if p.start > m.end():
            break
    return end


_IN_PLACE = re.compile(r"\s+(في\s+)(?:(?:قطاع|اقليم|مدينه|محافظه)\s+)?")


def _record(view, s: int, e: int, span: NSpan | None) -> dict:
    text = view.text[view.to_orig(s):view.to_orig_end(e)]
    if span is not None and isinstance(span.value, dict):
        return {"text": text, "name": span.value.get("name") or text, "source_id": span.value.get("actor_id")}
    return {"text": text, "name": text, "source_id": None}


#: Preposition cues whose source comes with ل glued to it ("وفقاً لمصادر", "استناداً لتقارير").
_TAKES_LAM = ("وفق", "وفقا", "طبقا", "استنادا")
#: Characters between the plain words after a cue and a name that continues them ("وزير الخارجية
#: الروسي سيرغي لافروف", "مدير المرصد، رامي عبد الرحمن"): a space, or a comma and a space.
APPOSITION_GAP = 2


def find_attributions(view, sent_start: int, sent_end: int, candidates: Sequence[NSpan],
                      lex: EventLexicon, places: Sequence[NSpan] = ()) -> list[Attribution]:
    """The attribution cues of one sentence (normalised offsets), each with its source.

    `places` (sorted by start) lets a source run over "في <place>" ("وزارة الصحة في غزة")."""
    norm = view.norm
    out: list[Attribution] = []
    cands = sorted(candidates, key=lambda c: c.start)

    def after(pos: int, max_gap: int) -> NSpan | None:
        for c in cands:
            if c.start >= pos and c.start - pos <= max_gap and not _PUNCT_GAP.search(norm, pos, c.start) \
                    and not _COMPLEMENT.search(norm, pos, c.start):
                return c
            if c.start > pos + max_gap:
                break
        return None

    def before(pos: int, lo: int) -> NSpan | None:
        best = None
        for c in cands:
            if lo <= c.start and c.end <= pos and (pos - c.end <= SVO_MAX_GAP or (
                    lex.attr_svo_gap is not None and pos - c.end <= SVO_MAX_CLAUSE
                    and lex.attr_svo_gap.match(norm, c.end, pos))):
                best = c
        return best

    def named(free: tuple[int, int]) -> NSpan | None:
        """The first name inside the plain words after a cue or right after them (a title and its
        holder's name, "حصيلة أوردها المرصد")."""
        for c in cands:
            if free[0] <= c.start <= free[1] + APPOSITION_GAP and not _PUNCT_GAP.search(norm, free[0], c.start):
                return c
            if c.start > free[1] + APPOSITION_GAP:
                break
        return None

    def person_after(c: NSpan) -> NSpan | None:
        """A person named right after a source, in apposition ("مدير المرصد، رامي عبد الرحمن")."""
        for p in cands:
            if p.label == "PERSON" and c.end <= p.start <= c.end + APPOSITION_GAP \
                    and not norm[c.end:p.start].strip(" ،,"):
                return p
            if p.start > c.end + APPOSITION_GAP:
                break
        return None

    def _extend(end: int, start: int) -> int:
        """A source's end, run over a short quoted name ("وكالة الأنباء الفلسطينية (وفا)") and over
        "في <place>"."""
        gap = re.match(r"[،,]? ", norm[end:end + 2])
        if gap is not None and end + gap.end() < sent_end:
            # a short quoted name right after, or in apposition after a comma ("وزارة الدفاع
            # الأميركية، "البنتاغون"")
            q = _quoted(norm, end + gap.end(), sent_end)
            if q is not None:
                end = q
        first = norm[start:end].split()[:1]
        if first and lex.attr_title_heads is not None and lex.attr_title_heads.match(first[0]):
            # a title, then its holder's name between commas ("وزير الدفاع التركي، خلوصي أكار،")
            h = _HOLDER.match(norm, end, sent_end)
            if h is not None and not any(lex.attr_stop.match(w) or w.startswith("ال") for w in h.group(1).split()[:1]) \
                    and not any(lex.attr_stop.match(w) for w in h.group(1).split()):
                end = h.end(1)
        sp = lex.attr_spokesman_of.match(norm, end, sent_end) if lex.attr_spokesman_of is not None else None
        if sp is not None:
            body = after(sp.end(), 0)
            free = (body.start, body.end) if body is not None else _free_source(norm, sp.end(), sent_end, lex)
            if free is not None:
                end = free[1]
        return _place_after(norm, end, places)

    def source(kind: str, m: re.Match, c: NSpan | None, denial: bool = False, accusation: bool = False) -> None:
        """Add the attribution of cue m: the name found after it (with a person in apposition), else
        the plain words after it, stretched to a name they run into."""
        if c is None:
            free = _free_source(norm, m.end(), sent_end, lex)
            if not free:
                return
            if kind == "preposition" and norm[free[0]] == "ل" and m.group().endswith(_TAKES_LAM) \
                    and free[1] - free[0] > 2:
                free = (free[0] + 1, free[1])   # "وفقاً لمصادر": the source is مصادر
            link = lex.attr_document_link.match(norm, free[0]) if lex.attr_document_link is not None else None
            if link is not None:
                # "بيان صادر عن الجيش", "تقرير لمنظمة العفو": the issuer is the source
                c = after(link.end(), APPOSITION_GAP)
                if c is None:
                    free = _free_source(norm, link.end(), sent_end, lex) or free
                else:
                    free = (c.start, c.end)
            c = c or named(free)
            if c is None:
                end = _extend(free[1], free[0])
                rec = _record(view, free[0], end, None)
                if kind == "preposition" and norm.startswith("ل", free[0]) and m.group().endswith(_TAKES_LAM):
                    # "وفقاً للدعوى": ل + الدعوى with its alef dropped; the name is الدعوى
                    rec["name"] = "ا" + rec["text"]
                out.append(Attribution(m.start(), m.end(), kind, free[0], end, rec, None, denial, accusation))
                return
            start = min(free[0], c.start)
        else:
            start = c.start
        end = c.end
        p = person_after(c) if c.label != "PERSON" else None
        if p is not None:
            end = p.end
        end = _extend(end, start)
        rec = _record(view, start, end, c)
        out.append(Attribution(m.start(), m.end(), kind, start, end, rec, c.value, denial, accusation))

    for m in lex.attr_prepositions.finditer(norm, sent_start, sent_end):
        source("preposition", m, after(m.end(), lex.attr_max_gap_after_verb))
    for m in lex.attr_verbs.finditer(norm, sent_start, sent_end):
        if any(a.cue_start <= m.start() < a.cue_end for a in out):
            continue  # part of "بحسب ما ذكرت"
        denial = any(k == "denied" and rx.match(norm, m.start()) for k, rx in lex.modality)
        accusation = any(k == "alleged" and rx.match(norm, m.start()) for k, rx in lex.modality)
        c = before(m.start(), sent_start) or after(m.end(), lex.attr_max_gap_after_verb)
        if c is None and lex.attr_verbs_named_only is not None and lex.attr_verbs_named_only.match(m.group()):
            continue   # "إعلان الهدنة": a verbal noun with its object, not a source
        if c is None and _IMPERFECT.match(m.group()):
            # a present-tense verb after its subject, as headlines and digests write it ("ووزارة
            # الدفاع تعلن تدمير ..."، "روسيا تعلن ..."): the plain words before it
            free = _free_before(norm, max(sent_start, m.start() - FREE_BEFORE_REACH), m.start(), lex)
            if free is not None:
                rec = _record(view, *free, None)
                out.append(Attribution(m.start(), m.end(), "verb", *free, rec, None, denial, accusation))
                continue
        source("verb", m, c, denial, accusation)
    out.sort(key=lambda a: a.cue_start)
    return out


#: A full name given before a short form runs to at most this many words ("مصدر مسؤول بوزارة
#: الخارجية السعودية"): longer than a source after a cue, since it is read up to a stop word.
FULL_NAME_MAX_WORDS = 6
#: Words that qualify a source as an adjective without being one of origin ("مصدر مسؤول").
_QUALIFIERS = tuple(normalize_arabic(w) for w in ("مسؤول", "مسؤوله", "مطلع", "مطلعه", "رفيع", "مقرب", "مقربه"))


def _head(word: str) -> str:
    """A name's head word without و/ف and the article ("والمقاومه" -> "مقاومه")."""
    if word[:1] in "وفبل" and word[1:3] == "ال":
        word = word[1:]
    return word[2:] if word.startswith("ال") else word


def _holder_before(att: Attribution, view, earlier: Sequence[NSpan], lex: EventLexicon) -> Attribution:
    """A title without its holder ("وزير الدفاع التركي") named by the person the page gave right
    after the same title before ("وزير الدفاع التركي خلوصي أكار")."""
    norm = view.norm
    title = norm[att.source_start:att.source_end]
    if lex.attr_title_heads is None or not lex.attr_title_heads.match(title.split()[0]) \
            or any(c.label == "PERSON" and att.source_start <= c.start < att.source_end for c in earlier):
        return att
    persons = [c for c in earlier if c.label == "PERSON" and c.end <= att.source_start]
    pos = norm.rfind(title, 0, att.source_start)
    while pos >= 0:
        end = pos + len(title)
        for p in persons:
            if end <= p.start <= end + APPOSITION_GAP and not norm[end:p.start].strip(" ،,"):
                return replace(att, record={**att.record, "name": view.text[view.to_orig(pos):view.to_orig_end(p.end)]})
        pos = norm.rfind(title, 0, pos)
    return att


def resolve_short(att: Attribution, view, earlier: Sequence[NSpan], lex: EventLexicon,
                  places: Sequence[NSpan] = (), issuer: "Attribution | None" = None) -> Attribution:
    """The attribution with its short source ("المقاومة"، "الوزارة"، "المصادر") named by the full
    name the page gave before ("المقاومة الإسلامية في لبنان"); a document noun alone ("البيان")
    named by `issuer`, the last source named before it. The text stays as written; the record's
    name (and its knowledge-base value, when the full name is a known actor) are the full name's."""
    norm = view.norm
    word = norm[att.source_start:att.source_end]
    if " " in word:
        return _holder_before(att, view, earlier, lex)
    if lex.attr_document_nouns is not None and lex.attr_document_nouns.match(word):
        if issuer is None or issuer.source_start >= att.source_start:
            return att
        return replace(att, record={**att.record, "name": issuer.record.get("name") or issuer.record.get("text"),
                                    "source_id": issuer.record.get("source_id")}, value=issuer.value)
    if lex.attr_short_heads is None or not lex.attr_short_heads.match(word):
        # a person named by one word ("لي"، "أكار"): the full name the page gave before
        for c in reversed(earlier):
            if c.label == "PERSON" and c.end <= att.source_start:
                words = norm[c.start:c.end].split()
                if len(words) > 1 and word in (words[-1], words[0]):
                    return replace(att, record={**att.record, "name": view.text[view.to_orig(c.start):view.to_orig_end(c.end)]})
        return att
    head = _head(word)
    for c in reversed(earlier):   # a known name with that head, last first
        if c.end <= att.source_start:
            words = norm[c.start:c.end].split()
            if len(words) > 1 and _head(words[0]) == head:
                end = _place_after(norm, c.end, places)
                name = view.text[view.to_orig(c.start):view.to_orig_end(end)]
                sid = c.value.get("actor_id") if isinstance(c.value, dict) else None
                return replace(att, record={**att.record, "name": name, "source_id": sid}, value=c.value)
    rx = re.compile(rf"(?<!\w)[وفبل]?(?:ال)?{re.escape(head)}(?!\w)")
    for m in reversed(list(rx.finditer(norm, 0, att.cue_start))):
        free = _free_source(norm, m.start() + (1 if norm[m.start()] in "وفبل" and norm[m.start() + 1:m.start() + 3] == "ال" else 0),
                            att.cue_start, lex, FULL_NAME_MAX_WORDS)
        words = norm[free[0]:free[1]].split() if free is not None else []
        # the full name goes on with a definite word or an adjective of origin ("وزارة الخارجية"،
        # "مصادر عسكرية"), not with a verb ("المقاومة تواصل")
        if len(words) < 2 or not (words[1].startswith("ال") or words[1].endswith(("يه", "ي")) or words[1] in _QUALIFIERS):
            continue
        end = _place_after(norm, free[1], places)
        name = view.text[view.to_orig(free[0]):view.to_orig_end(end)]
        return replace(att, record={**att.record, "name": name})
    return att


def is_continuation(norm: str, sent_start: int, sent_end: int, lex: EventLexicon) -> bool:
    """True when the sentence opens with a continuation verb and names no new source."""
    return bool(lex.attr_continuation.match(norm[sent_start:sent_end]))


def source_sides(att: Attribution, norm: str, lex: EventLexicon) -> frozenset[str]:
    """Knowledge-base ids of the side a source speaks for (empty when it is not a party)."""
    ids: set[str] = set()
    v = att.value if isinstance(att.value, dict) else {}
    kind = (v.get("kind") or "")
    if v.get("actor_id") and (v.get("inter") or kind not in ("media", "ngo_monitor", "international_org")):
        ids.add(v["actor_id"])
        ids.update(v.get("affiliations") or ())
    text = norm[att.source_start:att.source_end]
    for side_ids, rx in lex.party_media:
        if rx.search(text):
            ids.update(side_ids)
    return frozenset(ids)


def actor_sides(value: Any) -> frozenset[str]:
    """Knowledge-base ids an actor span stands for: itself and its direct affiliations."""
    if not isinstance(value, dict) or not value.get("actor_id"):
        return frozenset()
    return frozenset([value["actor_id"], *(value.get("affiliations") or ())])

"""Event extraction: a cleaned document -> the event records of EVENTS.md / OUTPUT.md.

`EventExtractor` is built once per process (it loads the lexicons and, unless they are passed
in, the default place, actor, date and quantity finders) and then turns one `Document` into
its spans and its `Event`s:

1. run the finders over the text and find the trigger words of the 16 event types
   (data/events/triggers.yaml), dropping names of operations, zones of control, purposes;
2. split sentences and clauses; read each sentence's attributions;
3. for each trigger attach place(s) (one event per listed place), actors, date, quantities,
   attribution and modality within its clause and sentence; keep it only with a place or an actor;
4. merge the mentions of one event inside the document (lede repeated in the body).
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter

import datetime as dt
import hashlib
import warnings
from dataclasses import dataclass, replace
import re
from typing import Any, Callable, Iterable, Iterator, Sequence

from rasd.clean.normalize import normalize_arabic
from rasd.document import Document, Event, Span
from rasd.extract.attribution import (Attribution, NSpan, actor_sides, find_attributions, is_continuation,
                                      resolve_short)
from rasd.extract.dates import later_than
from rasd.extract.events_args import (
    COUNTRY_LEVEL_TYPES, LOCATIVE_BEFORE, PlaceTracker, country_of, Trigger, _anaphor_span, _extend_list, dates_compatible, is_country, is_town, owning_clauses, parse_day,
    claims_responsibility, quantity_record, select_actors, select_date, select_places, select_quantities, trigger_tense,
)
from rasd.extract.events_context import (
    TOLL_TYPES, back_reference_types, casualty_unit, forward_place, in_spans, inherit_place, is_background, is_unit_place,
    mark_inherited, named_deaths, pick_toll_owner, strike_type, toll_quantities, work_title_spans,
)
from rasd.extract.events_lexicon import EventLexicon, load_event_lexicon
from rasd.extract.events_places import PageSites, PlaceModel, describe, place_name
from rasd.extract.events_places import candidates as place_candidates
from rasd.extract.events_model import EventModel, SentenceFacts, mention_features, sentence_features, stem
from rasd.extract.events_scope import (
    government_places, is_aggregate, is_outlet_place, is_unrealised, launch_places, load_scope_lexicon, motive_spans,
)
from rasd.extract.modality import classify_modality
from rasd.extract.places_unknown import site_spans, unknown_place_spans
from rasd.extract.sentences import Sentence, split_sentences
from rasd.extract.textview import TextView, make_view

PRODUCED_BY = "events"
#: Characters of context read before/after a trigger by the negative-context patterns.
CONTEXT_WINDOW = 30
#: Clauses before a trigger's own searched for the act of a sanctions/talks/deal trigger: a
#: verb, a place and a date each set off by commas make two (our own test sentences).
ACT_CLAUSES_BACK = 2
#: Attacks a group claims responsibility for (تبنى، أعلن مسؤوليته عن): a page's claimant is
#: their doer where the sentence names none (issue 10).
CLAIMABLE_TYPES = frozenset({"bombing", "attack_on_civilians", "armed_clash", "shelling"})
#: Modalities that make a mention a different claim from an asserted one: never merged across.
STRONG_MODALITIES = frozenset({"denied", "expected", "alleged"})
#: Actor kinds whose country is where they act when a page names no place (a state's own forces).
STATE_KINDS = frozenset({"state_forces", "external_state"})
#: Day dates this far apart may still be one happening told across a night ("ليل السبت" / "فجر الأحد").
NIGHT_DAYS = 1


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Tuning of the event extractor (defaults chosen on our own test sentences and the seeds)."""

    # dates within this many days of the document's date are "the news of the day": an undated
    # event in that frame takes the frame's date (a week covers "أمس الثلاثاء" style reporting).
    recent_days: int = 7
    # at most this many actors per event (subject, target and a coordinated one or two)
    max_actors: int = 4
    # an event needs a place or an actor besides its trigger (precision on real pages)
    require_argument: bool = True
    # keep the trigger spans (label EVENT_TRIGGER) among the document's spans
    emit_trigger_spans: bool = True
    # infer the document's date from its text when `published` is missing
    infer_document_date: bool = True
    # let the learned model (data/models/event_types.json) add triggers to sentences and keep or
    # drop candidate mentions, rule-filtered ones included (docs/evaluation.md: it wins F1 on the
    # training folds and the test part); off, or with no model file, the trigger rules decide alone
    learned: bool = True
    # the model file to use instead of the packaged one ("" = packaged)
    model_path: str = ""
    # a sentence with no source of its own takes the attribution of the sentence before it in
    # the same paragraph (a continuation verb, "وأضاف", always does)
    inherit_attribution: bool = True
    # a sentence still without a source takes the page's lede source (the first source among its
    # first LEDE_SENTENCES sentences, less a denial or an accusation): a report opened "according
    # to X" or "X announced" goes on telling X's account in the paragraphs after (issue 10: on the
    # training part most sourceless event sentences with a gold source had it from the lede)
    lede_attribution: bool = True
    # ... and, after the lede's, the nearest source quoted before it in any paragraph: the page
    # does not say which of the two it is told on, and both are kept (issue 10, CV on the training
    # part: lede alone 0.670 attribution / 0.555 modality, nearest alone 0.683 / 0.520, both 0.714 /
    # 0.563, the lede's first deciding the modality)
    nearest_attribution: bool = True
    # with `learned`: the model's place ranker picks each event's place among every candidate
    # (events_places); off, the argument rules pick it
    learned_places: bool = True
    # a name right after a place cue word ("قرية X") is a place even when no gazetteer lists it
    cue_places: bool = True
    # persons the knowledge base and the patterns miss, from the CRF name tagger (rasd.extract.ner),
    # as the actor of an event that has none (its sentence is tagged then). Off by default: on the
    # labelled train part it changed no score, and it cost Al Mayadeen extraction ~20 % (199 -> 160
    # docs/s CPU, under the 200 floor); see docs/ner.md. Without the model file it stays off.
    ner_persons: bool = False
    # organisations from the tagger as actors where the knowledge base has nothing there
    ner_orgs: bool = False


def _default(name: str) -> Any:
    """Build the default collaborator `name`; a missing module gives None (no finder) and a warning."""
    try:
        if name == "places":
            from rasd.extract.gazetteer import Gazetteer, PlaceFinder
            return PlaceFinder(Gazetteer.load_default())
        if name == "actors":
            from rasd.extract.actors import ActorFinder, ActorKB
            return ActorFinder(ActorKB.load_default())
        if name == "dates":
            from rasd.extract.dates import find_dates
            return find_dates
        if name == "quantities":
            from rasd.extract.quantities import find_quantities
            return find_quantities
        if name == "names":
            from rasd.extract.ner.tagger import load_default_tagger
            return load_default_tagger()
    except ImportError as e:
        warnings.warn(f"event extraction runs without {name}: {e}", RuntimeWarning, stacklevel=3)
        return None
    raise ValueError(f"unknown collaborator {name!r}")


def _call_finder(finder: Any, *args: Any) -> list[Span]:
    if finder is None:
        return []
    if hasattr(finder, "find"):
        return list(finder.find(*args))
    return list(finder(*args))


#: The page's own people and sources, in the first person plural ("مراسلنا", "مصادرنا"); the
#: name they are given with the outlet's name after it.
#: A document noun alone as a source ("وأضاف البيان") names the last source of at most this many
#: sentences before it: a statement is quoted over a paragraph of three to five sentences.
ISSUER_REACH = 5
#: The page's lede: its first sentences (a title and one or two opening sentences).
LEDE_SENTENCES = 3
_OUR_SOURCE = re.compile(r"^[وفبل]?(مراسل|مراسله|موفد|موفده|مندوب|مصادر|كاميرا)(?:نا|تنا)$")


#: Words that may stand between a verb trigger and the word before it as its particle (قد سيطر).
_QAD = frozenset({"قد", "لقد", "وقد", "فقد", "ولقد", "فلقد"})


def _trigger_matches(lex: EventLexicon, norm: str) -> Iterator[re.Match[str]]:
    """Same matches as `lex.combined.finditer(norm)`, tried only where a stem head occurs.

    Every trigger starts (after its clitics, or a قد particle) with one of the heads in
    `lex.trigger_keys`, so a match can only begin at the start of the word holding a head or at
    the particle word before it. There only the lexicon entries that can start with that head
    are tried, in the order of `combined`'s alternatives (the first that matches wins there too).
    """
    starts: dict[int, set[int]] = {}
    for end, (n, ks) in lex.trigger_keys.iter(norm):
        i = end - n + 1
        while i > 0 and (norm[i - 1].isalnum() or norm[i - 1] == "_"):
            i -= 1
        starts.setdefault(i, set()).update(ks)
        j = i - 1
        while j > 0 and norm[j - 1].isspace():
            j -= 1
        k = j
        while k > 0 and norm[k - 1].isalnum():
            k -= 1
        if k < j and norm[k:j] in _QAD:
            starts.setdefault(k, set()).update(ks)
    last = 0
    for pos in sorted(starts):
        if pos < last:
            continue
        for k in sorted(starts[pos]):
            m = lex.entries[k].match(norm, pos)
            if m is not None:
                last = m.end()
                yield m
                break


class EventExtractor:
    """Turns cleaned documents into spans and events; collaborators are injectable for tests.

    `places` and `actors` are finder objects (`.find(text)`, `.find(text, doc_date=None)`);
    `dates` is `find_dates(text, anchor)`; `quantities` is `find_quantities(text)`.
    `infer_date` is `infer_document_date(text) -> (date|None, basis, explanation)`.
    """

    def __init__(self, options: ExtractOptions = ExtractOptions(), *, places: Any = None,
                 actors: Any = None, dates: Callable | None = None, quantities: Callable | None = None,
                 infer_date: Callable | None = None, lexicon: EventLexicon | None = None,
                 model: EventModel | None | bool = None, names: Any = None) -> None:
        self.options = options
        # the learned decisions (events_model): None loads the model file when options.learned
        # is on, False runs the rules alone
        if model is None:
            model = EventModel.load(options.model_path or None) if options.learned else None
        self.model = model or None
        self._genre: Any = None   # a GenreClassifier, made on first need (page_genre)
        self.lex = lexicon or load_event_lexicon()
        self.scope = load_scope_lexicon()
        self.places = places if places is not None else _default("places")
        self.actors = actors if actors is not None else _default("actors")
        self.dates = dates if dates is not None else _default("dates")
        self.quantities = quantities if quantities is not None else _default("quantities")
        wants_names = options.ner_persons or options.ner_orgs
        self.names = names if names is not None or not wants_names else _default("names")
        self._name_finder: Any = None
        self._countries: dict[str, Any] | None = None   # ISO code -> the gazetteer's country place
        if infer_date is None and dates is None and options.infer_document_date:
            try:
                from rasd.extract.dates import infer_document_date as infer_date
            except ImportError:
                infer_date = None
        self.infer_date = infer_date

    # -- finders ---------------------------------------------------------------------------

    def _anchor(self, doc: Document) -> tuple[dt.date | None, bool]:
        if doc.published:
            try:
                return dt.date.fromisoformat(doc.published[:10]), doc.published_source == "inferred"
            except ValueError:
                pass
        if self.infer_date is not None:
            got = self.infer_date(doc.text)
            if got and got[0] is not None:
                return got[0], True
        return None, False

    def find_spans(self, doc: Document, anchor: dt.date | None) -> list[Span]:
        """All finder spans of the document (offsets into `doc.text`), stamped with its id."""
        text = doc.text
        spans: list[Span] = []
        spans += _call_finder(self.places, text)
        if self.options.cue_places:
            v = make_view(text)
            sites, replaced = site_spans(v, spans)
            spans = [s for s in spans if (s.start, s.end) not in replaced] + sites
            spans += unknown_place_spans(v, spans)
        if self.actors is not None:
            day = anchor.isoformat() if anchor else None
            spans += (self.actors.find(text, doc_date=day) if hasattr(self.actors, "find")
                      else self.actors(text, day))
        if self.dates is not None:
            spans += list(self.dates(text, anchor))
        spans += _call_finder(self.quantities, text)
        return [s if s.doc_id == doc.id else Span(s.start, s.end, s.label, s.value, s.produced_by, doc.id)
                for s in spans]

    def find_triggers(self, view: TextView, blocked: Sequence[NSpan], air_ok: Sequence[NSpan]) -> list[Trigger]:
        """Trigger occurrences (normalised offsets), negatives removed, overlaps resolved."""
        lex, norm = self.lex, view.norm
        found: list[Trigger] = []
        for m in _trigger_matches(lex, norm):
            ti, ei = map(int, m.lastgroup[1:].split("_"))
            tt = lex.types[ti]
            s, e = m.span()
            before = norm[max(0, s - CONTEXT_WINDOW):s]
            after = norm[e:e + CONTEXT_WINDOW]
            if tt.negative_before is not None and tt.negative_before.search(before):
                continue
            if tt.negative_after is not None and tt.negative_after.search(after):
                continue
            if lex.purpose_before.search(before):
                continue
            pos = tt.pos[ei]
            typ = tt.name
            if typ == "territory_control" and lex.attempt_before.search(before):
                typ = lex.attempt_type
            found.append(Trigger(typ, s, e, pos))
        # a trigger inside a name (هيئة تحرير الشام, سجن حمص) is not a trigger, except the air
        # force phrases, actors and triggers at once (الطيران الروسي): triggers.yaml triggers_inside_actors
        keep = []
        blocked = sorted(blocked, key=lambda b: b.start)
        b_starts = [b.start for b in blocked]
        for t in found:
            inside = [b for b in _spans_starting_before(blocked, b_starts, t.start) if t.end <= b.end + 1]
            if inside and not (t.type in lex.inside_actors and any(b in air_ok for b in inside)):
                continue
            keep.append(t)
        keep.sort(key=lambda t: (t.start, -(t.end - t.start)))
        out: list[Trigger] = []
        for t in keep:
            if out and t.start < out[-1].end:
                continue
            out.append(t)
        return out

    def find_names(self, view: TextView, sent: Sentence, blocked: Sequence[NSpan]) -> list[NSpan]:
        """Tagger persons (and organisations) in one sentence that nothing in `blocked` covers."""
        opt = self.options
        if self.names is None or not (opt.ner_persons or opt.ner_orgs):
            return []
        if self._name_finder is None:
            from rasd.extract.ner.spans import NameActorFinder

            self._name_finder = NameActorFinder(self.names, getattr(self.places, "gazetteer", None))
        types = ("PERS",) * opt.ner_persons + ("ORG",) * opt.ner_orgs
        return self._name_finder.find(view, [(sent.start, sent.end)], blocked, types)

    # -- main ------------------------------------------------------------------------------

    def analyse(self, doc: Document) -> "Analysis":
        """Finder spans, rule triggers and sentences of a document, before any event is built."""
        anchor, anchor_inferred = self._anchor(doc)
        spans = self.find_spans(doc, anchor)
        view = make_view(doc.text)
        nspans = [NSpan(view.to_norm(s.start), view.to_norm(s.end), s.label, s.value) for s in spans
                  if 0 <= s.start < s.end <= len(doc.text)]
        # a title of a work ("السلسلة الوثائقية «العبور إلى دمشق»") holds no event and no place;
        # a place inside a unit's name (بقيادة قاسيون) is not where anything happened
        titles = work_title_spans(view.norm, self.lex)
        # a name that is a media outlet and a place, used as the outlet ("مصادر للميادين")
        media = [s for s in nspans if s.label == "SOURCE" and isinstance(s.value, dict)
                 and s.value.get("kind") == "media"]
        outlets = {(s.start, s.end) for s in nspans if s.label == "PLACE" and media
                   and is_outlet_place(view.norm, s, media, self.scope)}
        places = sorted((s for s in nspans if s.label == "PLACE" and not in_spans(s.start, titles)
                         and not is_unit_place(view.norm, s, self.lex) and (s.start, s.end) not in outlets),
                        key=lambda s: s.start)
        actors = sorted((s for s in nspans if s.label in ("ACTOR", "PERSON")), key=lambda s: s.start)
        sources = sorted((s for s in nspans if s.label in ("ACTOR", "PERSON", "SOURCE")), key=lambda s: s.start)
        # a place inside the name of an armed group or a body ("المقاومة الإسلامية في العراق"، "مجلس
        # منبج العسكري"، "قوات سوريا الديمقراطية") names the group, not where its act happened
        actor_starts = [s.start for s in actors]
        places = [p for p in places if not _inside_actor_name(view.norm, p, actors, actor_starts)]
        dates = sorted((s for s in nspans if s.label == "DATE" and isinstance(s.value, dict)
                        and s.value.get("value")), key=lambda s: s.start)
        # a number inside a date ("15 من نيسان") is not a count
        date_starts = [d.start for d in dates]
        quants = sorted((s for s in nspans if s.label == "QUANTITY"
                         and not _inside_any(dates, date_starts, s.start)), key=lambda s: s.start)
        blocked = places + [s for s in sources if s.label in ("ACTOR", "SOURCE")] + titles
        triggers = self.find_triggers(view, blocked, actors)
        breaks = [t.start for t in triggers if t.pos == "verb" and view.norm[t.start] in "وف"]
        sents = split_sentences(view.norm, self.lex.clause_openers, breaks, need=[t.start for t in triggers])
        # a motive or a backdrop ("رداً على المجازر في غزة") reports no event and gives no place
        motives = motive_spans(view.norm, [c for s in sents for c in s.clauses],
                               [(t.start, t.end, t.pos == "verb") for t in triggers], self.scope)
        triggers = [t for t in triggers if not in_spans(t.start, motives)]
        places = [p for p in places if not in_spans(p.start, motives)]
        # a capital or a country that speaks or decides ("أعلنت واشنطن"), or leads or sponsors an
        # actor ("التحالف الذي تقوده X"), names a government, not a place
        governments = government_places(view.norm, places, self.scope, is_country)
        return Analysis(anchor, anchor_inferred, spans, view, places, actors, sources, dates, quants,
                        triggers, sents, outlets, titles, governments)

    def sentence_facts(self, a: "Analysis") -> list[SentenceFacts]:
        """Per sentence: the rule triggers and the finders' hits the learned model reads."""
        out, prev = [], ()
        lists = [(name, [x.start for x in lst]) for name, lst in (
            ("places", a.places), ("dates", a.dates), ("quants", a.quants), ("actors", model_actors(a.actors)))]
        countries = [p.start for p in a.places if is_country(p)]
        tstarts = [t.start for t in a.triggers]
        for sent in a.sents:
            n = {name: bisect_left(st, sent.end) - bisect_left(st, sent.start) for name, st in lists}
            trig = a.triggers[bisect_left(tstarts, sent.start):bisect_left(tstarts, sent.end)]
            rule = tuple((t.type, t.pos) for t in trig)
            out.append(SentenceFacts(rule, n["places"], bisect_left(countries, sent.end) - bisect_left(countries, sent.start),
                                     n["dates"], n["quants"], n["actors"], sent.para, sent.index, prev))
            prev = tuple(sorted({t for t, _ in rule}))
        return out

    def candidates(self, a: "Analysis", model: EventModel,
                   add: float | None = None) -> tuple[list[Trigger], dict[int, tuple[dict, dict]], set]:
        """The rule triggers plus the ones the sentence model adds (p >= `add`, default the model's).

        Returns the triggers, each sentence's (features, type probabilities) by sentence index,
        and the (start, end) of the added triggers.
        """
        norm = a.view.norm
        tstarts = [t.start for t in a.triggers]
        triggers, added = list(a.triggers), set()   # added: ids of the added Trigger objects
        per_sent: dict[int, tuple[dict, dict]] = {}
        # an added trigger never stands on a place, a date, an actor or a count ("فجر الأربعاء"،
        # "للجيش"): the word the event's arguments are found around must be the act's own (asked
        # only of the words of a sentence the model adds to)
        entities = [(spans, [s.start for s in spans]) for spans in (a.places, a.dates, a.actors, a.quants)]

        def entity_at(i: int) -> bool:
            # each list is sorted by start: a window search, not a scan (a page of 160,000 characters
            # spent 56 of its 60 s here)
            return any(_inside_any(spans, starts, i) for spans, starts in entities)

        feats_all = [sentence_features(norm, sent.start, sent.end, facts)
                     for sent, facts in zip(a.sents, self.sentence_facts(a))]
        for sent, feats, probs in zip(a.sents, feats_all, model.probabilities_many(feats_all)):
            per_sent[sent.index] = (feats, probs)
            have = {t.type for t in a.triggers[bisect_left(tstarts, sent.start):bisect_left(tstarts, sent.end)]}
            for typ, s, e, _p in model.additions(norm, sent.start, sent.end, probs, have, add, skip=entity_at):
                t = Trigger(typ, s, e, "noun")
                triggers.append(t)
                added.add(id(t))
        # a rule trigger first at equal spans: an added word on a rule trigger gives way to it
        triggers.sort(key=lambda t: (t.start, -(t.end - t.start), id(t) in added))
        out: list[Trigger] = []
        for t in triggers:
            if out and t.start < out[-1].end:
                continue
            out.append(t)
        return out, per_sent, {(t.start, t.end) for t in out if id(t) in added}

    def mentions(self, doc: Document, a: "Analysis", triggers: Sequence[Trigger],
                 named: dict[int, list[NSpan]] | None = None, keep_filtered: bool = False,
                 place_model: PlaceModel | None = None, collect_places: bool = False) -> list["_Mention"]:
        """Every event mention the argument rules build from these triggers (`named` collects the
        name tagger's spans per sentence, when the tagger is on); with `keep_filtered`, also the
        ones a rule filter drops, marked with the filter's name, as candidates for the model."""
        builder = _DocEvents(self, doc, a.view, a.anchor, a.anchor_inferred, a.places, a.actors, a.sources,
                             a.dates, a.quants, list(triggers), a.sents, a.governments)
        builder.keep_filtered = keep_filtered
        builder.collect_places = collect_places
        if place_model is not None:
            builder.place_model = place_model
        if self.names is not None and named is not None:
            # tagged only where an event is left without an actor (tagging every page costs more
            # than the rest of extraction); a sentence is tagged once
            blocked_names = a.places + a.sources + a.titles

            def names_in(sent: Sentence) -> list[NSpan]:
                if sent.index not in named:
                    named[sent.index] = self.find_names(a.view, sent, blocked_names)
                return named[sent.index]
            builder.names_in = names_in
        return builder.run()

    def page_genre(self, doc: Document) -> str:
        """The page's genre label (the learned mention model reads it), classified once here when
        the caller has not (`ExtractStage` passes its own)."""
        if self._genre is None:
            from rasd.extract.genre import GenreClassifier

            self._genre = GenreClassifier()
        return self._genre.classify(doc).label

    def extract(self, doc: Document, genre: str | None = None) -> tuple[list[Span], list[Event]]:
        """The document's spans (finders' and triggers') and its events (`genre`: the page's genre
        label, when already known)."""
        a = self.analyse(doc)
        model = self.model
        named: dict[int, list[NSpan]] = {}
        if model is None:
            raw = self.mentions(doc, a, a.triggers, named)
        else:
            triggers, per_sent, added = self.candidates(a, model)
            if not model.meta.get("genre_feature"):
                genre = None
            elif genre is None:
                genre = self.page_genre(doc)
            raw = []
            for m in self.mentions(doc, a, triggers, named, keep_filtered=True):
                feats, probs = per_sent.get(m.sent.index, ({}, {}))
                is_added = (m.trigger.start, m.trigger.end) in added
                facts = mention_facts(m, is_added)
                if genre is not None:
                    facts["genre"] = genre
                mf = mention_features(feats, m.type, probs.get(m.type, 0.0), facts)
                # a denial the rules found stays whatever the model thinks: the record keeps both
                # sides of a disputed event visible (denials are too rare in the labels to learn);
                # so does a rule event of a type too rare in the labels for the model to learn
                # (defections, releases): the rules decide those, as they decide the triggers
                rule_kept = m.filtered is None and not is_added
                if model.mention_probability(mf) >= model.keep or (
                        rule_kept and (m.modality == "denied" or m.type not in model.types)):
                    raw.append(m)
        events = self._country_fallback(_merge(raw, doc.id, self.options.recent_days), a)
        view = a.view
        out_spans = [s for s in a.spans
                     if not (s.label == "PLACE" and (view.to_norm(s.start), view.to_norm(s.end)) in a.outlets)]
        out_spans += [Span(view.to_orig(n.start), view.to_orig_end(n.end), n.label, n.value, "ner", doc.id)
                      for found in named.values() for n in found]
        if self.options.emit_trigger_spans:
            for ev in events:
                for t in ev.meta.get("triggers", ()):
                    out_spans.append(Span(t["start"], t["end"], "EVENT_TRIGGER",
                                          {"type": ev.type, "event_id": ev.id}, PRODUCED_BY, doc.id))
        return out_spans, events


    def _country_fallback(self, events: list[Event], a: "Analysis") -> list[Event]:
        """Every event carries a country: one no place was found for takes the country most of the
        page's places are in, else the country of its actor (a state's forces), at country
        precision, `resolved_by` saying which. The place ranker has already tried the page's
        places; this is what is left when the page names none."""
        if all(ev.location is not None for ev in events):
            return events
        gaz = getattr(self.places, "gazetteer", None)
        if gaz is None:
            return events
        if self._countries is None:
            self._countries = {p.country: p for p in gaz.places() if p.kind == "country"}
        # a country named only as a government ("التحالف الذي تقوده السعودية") does not make the
        # page that country's
        found = Counter(p.value.get("country") for p in a.places
                        if isinstance(p.value, dict) and p.value.get("country") and p.start not in a.governments)
        page = found.most_common(1)[0][0] if found else None
        kb = getattr(self.actors, "kb", None)
        out = []
        for ev in events:
            code, how = page, "page_country"
            if ev.location is None and code is None and kb is not None:   # no place on the page
                ids = [x.get("actor_id") for x in ev.actors if x.get("role") == "actor" and x.get("actor_id") in kb]
                code = next((kb.get(i).country for i in ids
                             if kb.get(i).country and kb.get(i).kind in STATE_KINDS), None)
                how = "actor_country"
            country = self._countries.get(code) if ev.location is None and code else None
            if country is not None:
                ev = replace(ev, location={
                    "text": country.name, "name": country.name, "name_en": country.name_en,
                    "place_id": country.id, "lat": country.lat, "lon": country.lon, "admin1": None,
                    "country": country.country, "precision": "country", "resolved_by": how,
                    "unresolved_reason": "country_level"})
            out.append(ev)
        return out


def model_actors(actors) -> list:
    """The actors the learned model counts: not those named by a nationality adjective on the act or
    body (غارة تركية، البحرية الإسرائيلية), which the trigger and place words already stand for
    (counting them shifted the retrained models: CV F1 0.497 -> 0.490 on the training part), nor a
    page's claimant filled into an attack of another sentence (issue 10)."""
    return [a for a in actors
            if not (isinstance(a.value, dict) and (str(a.value.get("resolved_by") or "").startswith("nationality")
                                                   or a.value.get("page_claim")))]


def mention_facts(m: "_Mention", added: bool) -> dict[str, Any]:
    """What the argument rules found for a candidate mention, as the mention model reads it."""
    v = m.place.value if m.place is not None and isinstance(m.place.value, dict) else {}
    place = "none" if m.place is None else (v.get("precision") or v.get("kind") or "other")
    d = m.date or {}
    date = "none" if not d.get("value") else ("frame" if d.get("frame") else (d.get("basis") or "written"))
    trig = m.view.norm[m.trigger.start:m.trigger.end]
    return {"place": place, "place_inherited": bool(v.get("inherited")),
            "place_unresolved": m.place is not None and not v.get("place_id"),
            "place_anaphora": v.get("resolved_by") == "anaphora", "date": date, "modality": m.modality,
            "aggregate": m.aggregate, "lede": m.lede, "pos": m.trigger.pos, "added": added,
            "trig": stem(trig.split()[0]) if trig.split() else "", "actors": min(len(model_actors(x for x, _ in m.actors)), 2),
            "quantities": bool(m.quantities), "attributed": bool(m.attributions), "filtered": m.filtered or "none"}


@dataclass(frozen=True, slots=True)
class Analysis:
    """A document as the finders and trigger rules see it (normalised offsets)."""

    anchor: dt.date | None
    anchor_inferred: bool
    spans: list[Span]
    view: TextView
    places: list[NSpan]
    actors: list[NSpan]
    sources: list[NSpan]
    dates: list[NSpan]
    quants: list[NSpan]
    triggers: list[Trigger]
    sents: list[Sentence]
    outlets: set[tuple[int, int]]
    titles: list[NSpan]
    governments: frozenset[int]   # starts of the places that name a government (government_places)


@dataclass
class _Mention:
    """One event mention before merging."""

    type: str
    trigger: Trigger
    sent: Sentence
    place: NSpan | None
    actors: list[tuple[NSpan, str]]
    date: dict
    quantities: list[NSpan]
    attributions: list[Attribution]
    modality: str
    lede: bool
    view: TextView
    doc_id: str
    aggregate: bool = False    # a generic or counting statement ("تواصل هجماتها", "12 هجوماً منذ")
    filtered: str | None = None  # the rule filter that drops it (a candidate only for the learned model)
    place_options: list | None = None  # the place candidates weighed (`events_places`), when collected


#: Longest name span looked back over when asking which spans hold a position (places, actors and
#: titles are under 120 characters in the Al Mayadeen corpus; 300 leaves a wide margin).
MAX_SPAN_CHARS = 300


def _any_start_in(starts: list[int], lo: int, hi: int) -> bool:
    """Whether some start lies in [lo, hi) (starts sorted)."""
    i = bisect_left(starts, lo)
    return i < len(starts) and starts[i] < hi


def _spans_starting_before(spans: list, starts: list[int], pos: int) -> list:
    """Spans (sorted by start) that start at or before pos and could still reach it."""
    hi = bisect_left(starts, pos + 1)
    lo = bisect_left(starts, pos - MAX_SPAN_CHARS)
    return spans[lo:hi]


def _inside_any(spans: list, starts: list[int], pos: int) -> bool:
    """Whether pos falls inside one of the spans (sorted by start)."""
    return any(s.start <= pos < s.end for s in _spans_starting_before(spans, starts, pos))


class _DocEvents:
    """Walks one document's sentences and builds its event mentions."""

    def __init__(self, ex: EventExtractor, doc: Document, view: TextView, anchor: dt.date | None,
                 anchor_inferred: bool, places, actors, sources, dates, quants, triggers, sents,
                 governments: frozenset[int]) -> None:
        self.ex, self.doc, self.view, self.lex = ex, doc, view, ex.lex
        self.anchor, self.anchor_inferred = anchor, anchor_inferred
        self.places, self.actors, self.sources = places, actors, sources
        # tagger names in a sentence, the fallback actors (EventExtractor.find_names); None: no tagger
        self.names_in: Callable[[Sentence], list[NSpan]] | None = None
        self.keep_filtered = False   # keep rule-filtered mentions as candidates (`_Mention.filtered`)
        self.dates, self.quants, self.triggers, self.sents = dates, quants, triggers, sents
        norm = view.norm
        place_starts = [p.start for p in places]
        # "المدينة" right before a place name is that name's head, not a back-reference
        self.anaphors = [NSpan(m.start(), m.end(), "ANAPHOR", None) for m in self.lex.anaphora.finditer(norm)
                         if not _any_start_in(place_starts, m.end(), m.end() + 4)]
        self.tracker = PlaceTracker([(p.start, p) for p in places if is_town(p)])
        # where fire came from ("أطلقت من X"): never the place of a strike or a clash
        self.launch = launch_places(norm, places, self.lex.place_list_gap, ex.scope)
        # a place that names a government is never the place of a violent event (a sanction or a
        # visit is the country's own act)
        self.governments = governments
        # the one party the page says claimed responsibility (تبنى X، أعلن X مسؤوليته): the doer of
        # the page's attacks that name none (issue 10); two claimants leave it open
        claimed = [a for a in actors if a.label == "ACTOR" and isinstance(a.value, dict)
                   and a.value.get("actor_id") and claims_responsibility(norm, a)]
        self.claimant = (NSpan(claimed[0].start, claimed[0].end, claimed[0].label, {**claimed[0].value, "page_claim": True})
                         if len({a.value["actor_id"] for a in claimed}) == 1 else None)
        self.retrospective = False
        self.para_of: dict[int, int] = {}
        si = 0
        for p in places:
            while si + 1 < len(sents) and sents[si + 1].start <= p.start:
                si += 1
            if sents:
                self.para_of[p.start] = sents[si].para
        self.last_event: tuple[int, int, NSpan] | None = None   # (para, position, place)
        self.last_places: tuple[int, list[NSpan]] = (-1, [])      # (position, places) of the last event
        self.recent: list[tuple[int, int, str, _Mention]] = []  # (para, sentence, type, mention)
        self.cur_sent = 0
        # per-sentence windows over the page's spans (bisect on starts): looking at every span of
        # the page for every trigger made long pages quadratic (issue 12: 14-109 s at 1-3.5 MB)
        self._windows = {name: ([x.start for x in lst], lst) for name, lst in (
            ("places", places), ("actors", actors), ("dates", dates), ("quants", quants),
            ("anaphors", self.anaphors))}
        self._local_key: int | None = None
        self._local: dict[str, list] = {}
        # the learned place decision (events_places): the ranker, and whether to keep every
        # mention's candidates (training reads them)
        model = ex.model
        self.place_model = (PlaceModel(model.place_weights, model.place_margin) if model is not None and model.place_weights
                            and ex.options.learned_places else None)
        self.collect_places = False
        self._page_sites: PageSites | None = None   # made on the first candidates weighed

    def local(self, sent: Sentence) -> dict[str, list]:
        """The sentence's own places, actors, dates, counts and anaphors (cached per sentence)."""
        if self._local_key != sent.start:
            self._local_key = sent.start
            self._local = {name: lst[bisect_left(starts, sent.start):bisect_left(starts, sent.end)]
                           for name, (starts, lst) in self._windows.items()}
        return self._local

    def _frame_date(self, rt: dict | None) -> dict | None:
        """The reference date if it is in the document's news frame (near its own date)."""
        if rt is None or self.anchor is None or self.retrospective:
            return None
        day = parse_day(rt.get("value"))
        if day is None or abs((day - self.anchor).days) > self.ex.options.recent_days:
            return None
        return rt

    def run(self) -> list[_Mention]:
        lex, norm = self.lex, self.view.norm
        out: list[_Mention] = []
        anchor_rec = None
        if self.anchor is not None:
            anchor_rec = {"value": self.anchor.isoformat(), "precision": "day",
                          "basis": "inferred" if self.anchor_inferred else "document"}
        # an anniversary piece ("تصادف اليوم الذكرى ...") retells the past: its undated events
        # do not happen on the page's day
        if self.sents and lex.anniversary.search(norm, self.sents[0].start, self.sents[0].end):
            anchor_rec = None
            self.retrospective = True
        carry = anchor_rec           # reference time carried between paragraphs
        para, para_rt, flashback = -1, None, False
        ti = 0
        sources = sorted(self.sources, key=lambda c: c.start)
        dates = sorted(self.dates, key=lambda d: d.start)
        source_starts = [c.start for c in sources]
        date_starts = [d.start for d in dates]
        atts_cache: dict[int, list[Attribution]] = {}

        inherit = self.ex.options.inherit_attribution
        outlet = self.doc.outlet

        def own_outlet(a: Attribution) -> Attribution:
            """"مراسلنا" (our correspondent) is the page's outlet's: named so, with the outlet's name."""
            m = _OUR_SOURCE.match(normalize_arabic(a.record.get("text") or "")) if outlet else None
            if m is None:
                return a
            who = m.group(1)[:-1] + "ة" if m.group(1).endswith("ه") else m.group(1)   # مراسله -> مراسلة
            return replace(a, record={**a.record, "name": f"{who} {outlet}"})

        places = self.places
        raw_cache: dict[int, list[Attribution]] = {}

        def raw_atts(j: int, lo: int, hi: int) -> list[Attribution]:
            if j not in raw_cache:
                sj = self.sents[j]
                raw_cache[j] = find_attributions(self.view, sj.start, sj.end, sources[lo:hi], lex, places)
            return raw_cache[j]

        def resolve(a: Attribution, j: int, hi: int) -> Attribution:
            """A short source named by its earlier full name; a document noun by its issuer, the
            last source named in the sentences before (at most ISSUER_REACH of them)."""
            issuer = None
            if lex.attr_document_nouns is not None and lex.attr_document_nouns.match(norm[a.source_start:a.source_end]):
                for k in range(j - 1, max(-1, j - 1 - ISSUER_REACH), -1):
                    sk = self.sents[k]
                    prev = [b for b in raw_atts(k, bisect_left(source_starts, sk.start), bisect_left(source_starts, sk.end))
                            if not lex.attr_document_nouns.match(norm[b.source_start:b.source_end])]
                    if prev:
                        issuer = prev[-1]
                        break
            return resolve_short(a, self.view, sources[:hi], lex, places, issuer)

        def atts_of(i: int) -> list[Attribution]:
            """Sentence i's attributions; a continuation sentence with none of its own takes the
            previous sentence's, and (`inherit_attribution`) so does any sentence of the same
            paragraph, less a denial or an accusation, which speak of their own sentence.
            Computed only for sentences with triggers (and the chain they continue): running the
            cues over every sentence was a tenth of extraction time."""
            chain, j = [], i
            while j >= 0 and j not in atts_cache:
                sj = self.sents[j]
                lo, hi = bisect_left(source_starts, sj.start), bisect_left(source_starts, sj.end)
                own = [own_outlet(resolve(a, j, hi)) for a in raw_atts(j, lo, hi)]
                cont = not own and is_continuation(norm, sj.start, sj.end, lex)
                if own or not (cont or (inherit and j > 0 and self.sents[j - 1].para == sj.para)):
                    atts_cache[j] = own
                    break
                chain.append((j, cont))
                j -= 1
            base = atts_cache.get(j, []) if j >= 0 else []
            for k, cont in reversed(chain):
                if not cont:
                    base = [a for a in base if not (a.denial or a.accusation)]
                atts_cache[k] = base
            if not atts_cache[i] and self.ex.options.lede_attribution:
                if not self.ex.options.nearest_attribution:
                    return lede()
                base = lede()
                seen = {(a.source_start, a.source_end) for a in base}
                return base + [a for a in nearest(i) if (a.source_start, a.source_end) not in seen]
            return atts_cache[i]

        def nearest(i: int) -> list[Attribution]:
            """The sources of the nearest sentence before i that has its own (less a denial or an
            accusation)."""
            for k in range(i - 1, -1, -1):
                sk = self.sents[k]
                lo, hi = bisect_left(source_starts, sk.start), bisect_left(source_starts, sk.end)
                found = [own_outlet(resolve(a, k, hi)) for a in raw_atts(k, lo, hi) if not (a.denial or a.accusation)]
                if found:
                    return found
            return []

        lede_cache: list[list[Attribution]] = []

        def lede() -> list[Attribution]:
            """The page's lede source: the first sentence of LEDE_SENTENCES with a source of its own."""
            if not lede_cache:
                found: list[Attribution] = []
                for k in range(min(LEDE_SENTENCES, len(self.sents))):
                    sk = self.sents[k]
                    lo, hi = bisect_left(source_starts, sk.start), bisect_left(source_starts, sk.end)
                    found = [own_outlet(resolve(a, k, hi)) for a in raw_atts(k, lo, hi)
                             if not (a.denial or a.accusation)]
                    if found:
                        break
                lede_cache.append(found)
            return lede_cache[0]

        for si, sent in enumerate(self.sents):
            if sent.para != para:
                if para >= 0 and not flashback and para_rt is not None:
                    carry = para_rt
                para, para_rt = sent.para, None
                flashback = bool(lex.flashback_openers.match(norm, sent.start))
            rt = para_rt or carry
            strig = []
            while ti < len(self.triggers) and self.triggers[ti].start < sent.end:
                if self.triggers[ti].start >= sent.start:
                    strig.append(self.triggers[ti])
                ti += 1
            atts = atts_of(si) if strig else []
            self.cur_sent = sent.index
            got = self._sentence(sent, strig, atts, rt)
            kept = [m for m in got if m.filtered is None]
            self._follow_up(sent, kept)
            self.recent += [(sent.para, sent.index, m.type, m) for m in kept]
            out += got
            lo, hi = bisect_left(date_starts, sent.start), bisect_left(date_starts, sent.end)
            # the sentence's last date is the reference time of what follows, unless it starts a
            # span ("منذ 2015"), lies after the page (a planned meeting "غداً") or dates a noun in
            # a relative clause ("..., الذي شنته الأحد الماضي")
            told = [d for d in dates[lo:hi] if not d.value.get("since") and not later_than(d.value, self.anchor)
                    and not lex.relative_before.search(norm, sent.clause_of(d.start)[0], d.start)]
            if told:
                v = told[-1].value
                para_rt = {"value": v["value"], "precision": v.get("precision"), "basis": "inferred"}
        return out

    def _sentence_place(self, sent: Sentence, t: Trigger) -> list[NSpan]:
        """The place of an earlier event of the same sentence, for a trigger whose clause has none."""
        pos, places = self.last_places
        if not places or not sent.start <= pos < t.start:
            return []
        return [mark_inherited(p) for p in places]

    def _story_place(self, t: Trigger, sent: Sentence, d: NSpan | None) -> list[NSpan]:
        """The place of an event sentence that names none: where its story happens.

        A defection takes the place of the next sentence about the same person; a dated event,
        or one told by a finite verb or a verb phrase ("وأفرجت الإدارة لاحقاً عن 40 موقوفاً"), the place
        of the previous event or the last place named (same or previous paragraph).
        """
        if t.type == "defection":
            nxt = self.sents[sent.index + 1] if sent.index + 1 < len(self.sents) else None
            p = forward_place(sent, nxt, self.actors, self.places, self.view.norm)
            if p is not None:
                return [p]
        # only a sentence that names no place at all: one that names another place elsewhere is
        # not about the story's place
        narrated = d is not None or t.pos in ("verb", "phrase")
        launch = self.launch if t.type in self.ex.scope.launch_types else frozenset()
        loc = self.local(sent)
        if narrated and not any(not is_country(p) and p.start not in launch for p in loc["places"]) \
                and not loc["anaphors"]:
            p = inherit_place(self.last_event, self.places, sent, self.para_of)
            if p is None:
                return []
            # a sentence that names a country as a location (after a preposition of place) is about
            # that country: the story's place stands only when it lies there ("غارة على موقع في
            # ليبيا" under a New York dateline is in Libya), else the named country nearest the
            # trigger; a country that acts or speaks ("وشنت إسرائيل غارات") names no place
            countries = [c for c in loc["places"] if is_country(c) and country_of(c) and c.start not in launch
                         and LOCATIVE_BEFORE.search(self.view.norm, max(0, c.start - 24), c.start)]
            if countries and country_of(p) not in {country_of(c) for c in countries}:
                return [min(countries, key=lambda c: abs(c.start - t.start))]
            return [p]
        return []

    def _follow_up(self, sent: Sentence, own: list[_Mention]) -> None:
        """A sentence that gives the toll of an earlier event ("بعد الحادث، أفاد ناشطون بأن 150 ...").

        It has no violent event of its own; with no back-reference word it must also have no
        event at all and follow the event's sentence directly.
        """
        norm, lex = self.view.norm, self.lex
        if not self.recent or any(m.type in TOLL_TYPES for m in own):
            return
        loc = self.local(sent)
        tolls = toll_quantities(norm, sent, loc["quants"], lex) + named_deaths(norm, sent, loc["actors"], lex)
        if not tolls:
            return
        types = back_reference_types(norm, sent, lex)
        if types is None and (own or not any(rx.search(norm, sent.start, sent.end) for _, rx in lex.casualty_verbs)):
            return
        for m in pick_toll_owner(self.recent, sent, types):
            m.quantities = m.quantities + [q for q in tolls if q not in m.quantities]

    def _sentence(self, sent: Sentence, trigs: list[Trigger], atts: list[Attribution],
                  rt: dict | None) -> list[_Mention]:
        lex, norm = self.lex, self.view.norm
        if not trigs:
            return []
        owned = owning_clauses(sent, trigs)
        anniv = {c for c in sent.clauses if lex.anniversary.search(norm, c[0], c[1])}
        # a clause holding another type's trigger that overrides this one (massacre by aircraft)
        by_clause: dict[tuple[int, int], set[str]] = {}
        for t in trigs:
            by_clause.setdefault(sent.clause_of(t.start), set()).add(t.type)
        out: list[_Mention] = []
        for t in trigs:
            clause = sent.clause_of(t.start)
            typ = t.type
            for winner in lex.clause_overrides.get(typ, ()):
                if winner in by_clause[clause]:
                    typ = winner
                    break
            typ = strike_type(norm, typ, (t.start, t.end), clause, (sent.start, sent.end), lex)
            t = Trigger(typ, t.start, t.end, t.pos)
            ci = sent.clauses.index(clause)
            # "على مرحلتين، الأولى ... والثانية ..." repeats the event per stage; "إلى جزأين، الأول
            # ..." describes parts of something else
            staged = lex.enumeration_heads.search(norm, clause[0], clause[1])
            enum = [c for c in sent.clauses[ci + 1:] if staged and lex.enumeration_openers.match(norm, c[0])
                    and c not in owned]
            scopes = [(c, True) for c in enum] if enum else [(clause, False)]
            for scope, is_enum in scopes:
                out += self._mentions(t, sent, scope, owned - {scope}, anniv, atts, rt, is_enum)
        return out

    def _mentions(self, t: Trigger, sent: Sentence, clause: tuple[int, int], owned, anniv,
                  atts: list[Attribution], rt: dict | None, is_enum: bool) -> list[_Mention]:
        lex, norm, opt = self.lex, self.view.norm, self.ex.options
        # the rule filters below drop a mention; with `keep_filtered` (the learned mention model
        # decides) it is kept as a candidate with the filter's name, and changes no state
        why: str | None = None
        # a condition, a wish or a question did not happen ("إذا طلبت دمشق ذلك")
        if lex.irrealis.search(norm, sent.start, sent.end):
            why = "irrealis"
        # a demanded, refused or negated event did not happen ("طالبت بانسحاب", "لم تنسحب")
        elif is_unrealised(norm, (sent.start, sent.end), (t.start, t.end), self.ex.scope, lex.clause_openers):
            why = "unrealised"
        # sanctions, talks and deals named in passing are not events: an act must be in the clause
        # or in one of the ACT_CLAUSES_BACK clauses before it ("وقعت X وY في دمشق، مساء الاثنين،
        # اتفاقا ...": a date or a place set off by commas between the verb and its object)
        act_rx = lex.acts.get(t.type)
        if why is None and act_rx is not None and not act_rx.search(norm, clause[0], clause[1]):
            ci = sent.clauses.index(clause)
            lo = sent.clauses[max(0, ci - ACT_CLAUSES_BACK)][0]
            if ci == 0 or not act_rx.search(norm, lo, clause[0]):
                why = "no_act"
        if why is not None and not self.keep_filtered:
            return []
        # a clause that characterises a place ("كانت X من أولى البلدات التي عرفت الاحتجاجات")
        loc = self.local(sent)
        pool = loc["places"]
        if self.launch and t.type in self.ex.scope.launch_types:
            pool = [p for p in pool if p.start not in self.launch]
        if self.governments and t.type not in COUNTRY_LEVEL_TYPES:
            pool = [p for p in pool if p.start not in self.governments]
        places = select_places(norm, t, sent, clause, pool, loc["anaphors"], owned, self.tracker, lex)
        if why is None and is_background(norm, t, clause, lex):
            # no event, but the story is about that place: "المدينة" after it points there
            for p in places:
                self.tracker.note_event(t.start, p)
            if not self.keep_filtered:
                return []
            why = "background"
        # an accuser or a denier is the source, not a party to the event it speaks of
        not_actors = {(a.source_start, a.source_end) for a in atts if a.denial or a.accusation}
        actors = [a for a in loc["actors"] if (a.start, a.end) not in not_actors]
        acts = select_actors(norm, t, sent, clause, actors, opt.max_actors)
        d = select_date(t, sent, clause, loc["dates"], owned, anniv,
                        lambda a, b: casualty_unit(norm, a, b, lex) is not None,
                        anchor=self.anchor, tense=trigger_tense(norm, t, clause))
        if not places:
            # a clause without a place of its own ("..., بعد انسحاب قسد منها") happens where the
            # sentence's earlier event does
            places = self._sentence_place(sent, t)
        if not places and t.type not in COUNTRY_LEVEL_TYPES:
            places = self._story_place(t, sent, d)
        # a concrete anchor: a place, or an actor with a date written in the sentence
        if why is None and opt.require_argument and not places and not (acts and d is not None):
            if not self.keep_filtered:
                return []
            why = "no_argument"
        options = None
        if self.place_model is not None or self.collect_places:
            places, options = self._learned_places(t, sent, clause, loc, places)
        if (self.claimant is not None and t.type in CLAIMABLE_TYPES
                and not any(role == "actor" for _, role in acts)):
            # after the argument check and outside the model's actor count: the page's claim names
            # the doer, it does not make the mention an event
            acts = [(self.claimant, "actor")] + acts[:max(0, opt.max_actors - 1)]
        if not acts and self.names_in is not None:
            # a tagged name only fills an empty actor slot: on the labelled train part, letting it
            # compete with knowledge-base actors or count as an event's argument lowered actor
            # accuracy and precision (docs/ner.md)
            acts = select_actors(norm, t, sent, clause, self.names_in(sent), opt.max_actors)
        if d is not None:
            date = {"value": d.value["value"], "precision": d.value.get("precision"),
                    "basis": d.value.get("basis")}
            if self.anchor_inferred and date["basis"] in ("relative", "document"):
                date["basis"] = "inferred"
        elif t.pos != "participle" and sent.clause_of(t.start) not in anniv and not is_enum:
            frame = self._frame_date(rt)
            date = dict(frame) if frame else {"value": None, "precision": None, "basis": None}
            if frame:
                date["frame"] = True   # not written in the sentence (dropped when merging)
        else:
            date = {"value": None, "precision": None, "basis": None}
        quants = select_quantities(t, sent, clause, loc["quants"], owned)
        if t.type in TOLL_TYPES:
            quants = quants + [q for q in named_deaths(norm, sent, loc["actors"], lex)
                               if not any(x.start <= q.start < x.end for x in quants)]
        side_ids = frozenset().union(*(actor_sides(a.value) for a, r in acts if r == "actor")) if acts else frozenset()
        modality = classify_modality(norm, (sent.start, sent.end), clause, (t.start, t.end), atts, side_ids, lex)
        if modality != "denied":
            atts = [a for a in atts if not a.denial]   # a denial of another event says nothing of this one
        else:
            atts = sorted(atts, key=lambda a: not a.denial)   # the denier first: the event stands denied by it
        aggregate = is_aggregate(norm, (sent.start, sent.end), sent.clause_of(t.start), self.ex.scope)
        lede = sent.para == 0
        if why is not None:
            return [_Mention(t.type, t, sent, p, acts, date, quants, list(atts), modality, lede,
                             self.view, self.doc.id, aggregate, filtered=why, place_options=options)
                    for p in places or [None]]
        out = []
        own = [p for p in places if not (isinstance(p.value, dict) and p.value.get("inherited"))]
        if own:
            self.last_places = (t.start, own)
        for p in places or [None]:
            if p is not None and not (isinstance(p.value, dict) and p.value.get("inherited")):
                self.tracker.note_event(t.start, p)
                self.last_event = (sent.para, t.start, p)
            out.append(_Mention(t.type, t, sent, p, acts, date, quants, list(atts), modality, lede,
                                self.view, self.doc.id, aggregate, place_options=options))
        return out

    def _learned_places(self, t: Trigger, sent: Sentence, clause: tuple[int, int], loc: dict,
                        rule: list[NSpan]) -> tuple[list[NSpan], list]:
        """The place(s) the ranker picks among every candidate (the rules' pick is one feature),
        and the candidates weighed."""
        pm = self.place_model
        if rule and not self.collect_places and (pm is None or pm.margin is None):
            return rule, []   # the rules' pick stands: nothing to weigh
        norm = self.view.norm
        resolved = []
        for a in loc["anaphors"]:
            res = self.tracker.resolve(a.start)
            if res is not None:
                resolved.append(_anaphor_span(a, res))
        last = self.last_event[2] if self.last_event is not None else None
        if self._page_sites is None:
            self._page_sites = PageSites.of(self.places)
        cands = place_candidates(sent, loc["places"], resolved, rule, last, self._page_sites)
        describe(norm, t, sent, clause, cands, rule, self._page_sites, self.launch, self.governments)
        pick = self.place_model.pick(cands) if self.place_model is not None else None
        if pick is None or (rule and any(place_name(p) == place_name(pick.span) for p in rule)):
            return rule, cands
        if pick.source == "sentence":
            return _extend_list(norm, pick.span, loc["places"], sent.end, self.lex), cands
        return [pick.span], cands


#: Compass words right before a place name ("جنوب سوريا", "شمال شرقي الأردن", "بجنوب لبنان"), or the
#: border with it ("الحدود مع الأردن"): group 1 starts after a clitic و ب ل ف; diacritics may be
#: written on them ("غربيّ").
_DIRECTION_BEFORE = re.compile(
    r"(?<![\u0621-\u064A\u064B-\u0652])[وبلف]?((?:(?:شمال|جنوب|شرق|غرب)[\u064B-\u0652]*(?:ي[\u064B-\u0652]*)?"
    r"(?:\s+(?:شرق|غرب)[\u064B-\u0652]*(?:ي[\u064B-\u0652]*)?)?|(?:ال)?حدود[\u064B-\u0652]*\s+مع)\s+)$")


#: A word of three letters or more (not a clitic or a particle left beside a place in a name).
_NAME_WORD = re.compile(r"[\u0621-\u064A]{3,}")


def _inside_actor_name(norm: str, place: NSpan, actors: list, starts: list[int]) -> bool:
    """Whether a place lies inside a longer actor name, one with a word of its own beside the place
    (not "للسعودية", the country itself with a clitic). `actors` sorted by start, `starts` theirs."""
    for a in _spans_starting_before(actors, starts, place.start):
        if a.label == "ACTOR" and a.end >= place.end and (a.start, a.end) != (place.start, place.end):
            if _NAME_WORD.search(norm[a.start:place.start] + " " + norm[place.end:a.end]):
                return True
    return False


def _location(m: _Mention, view: TextView) -> dict | None:
    return place_record(m.place, view)


def place_record(p: NSpan | None, view: TextView) -> dict | None:
    """The exported location of a place span (None for none)."""
    if p is None:
        return None
    v = p.value if isinstance(p.value, dict) else {}
    start = view.to_orig(p.start)
    text = view.text[start:view.to_orig_end(p.end)]
    if v.get("place_id"):
        # a compass word before the name belongs to the place as written ("جنوب غربي سوريا", "شمال
        # القطاع", "الحدود مع الأردن"): the name stays the place's own, the text says which part of
        # it the page meant
        d = _DIRECTION_BEFORE.search(view.text, max(0, start - 32), start)
        if d is not None:
            text = view.text[d.start(1):start] + text
    rec = {"text": text, "name": v.get("name") or text, "name_en": v.get("name_en"),
           "place_id": v.get("place_id"), "lat": v.get("lat"), "lon": v.get("lon"),
           "admin1": v.get("admin1"), "country": v.get("country"), "precision": v.get("precision")}
    if v.get("admin2") is not None:
        rec["admin2"] = v.get("admin2")
    if v.get("aliases"):
        rec["aliases"] = list(v["aliases"])   # the gazetteer's other names ("التنف" of قاعدة التنف)
    if v.get("resolved_by") == "anaphora":
        rec["resolved_by"] = "anaphora"
    if v.get("inherited"):
        rec["inherited"] = True
    if rec["place_id"] is None:
        rec["unresolved_reason"] = v.get("unresolved_reason") or "not_in_gazetteer"
    elif rec["lat"] is None or not rec["admin1"]:
        # every exported place has coordinates and a governorate, or says why not
        rec["unresolved_reason"] = v.get("unresolved_reason") or (
            "country_level" if rec["precision"] == "country" else "no_governorate_in_gazetteer")
    return rec


def _place_key(loc: dict | None) -> str | None:
    """What makes two locations the same place when merging: the canonical name, normalised.

    A city and its governorate share a name (حمص); a text that says "حمص" and later "المدينة"
    or "ريف حمص" about one event is resolved once to each, and must still merge.
    """
    if loc is None:
        return None
    return normalize_arabic(loc.get("name") or loc.get("text") or "") or loc.get("place_id")


def _actor_rec(a: NSpan, role: str, view: TextView) -> dict:
    v = a.value if isinstance(a.value, dict) else {}
    text = view.text[view.to_orig(a.start):view.to_orig_end(a.end)]
    rec = {"text": text, "name": v.get("name") or text, "actor_id": v.get("actor_id"), "role": role}
    if v.get("inter") is not None:
        rec["inter"] = v.get("inter")
    if v.get("kind"):
        rec["kind"] = v.get("kind")
    return rec


def _uniq(items: Iterable[dict], key: Callable[[dict], Any]) -> tuple[dict, ...]:
    seen, out = set(), []
    for it in items:
        k = key(it)
        if k not in seen:
            seen.add(k)
            out.append(it)
    return tuple(out)


def event_id(doc_id: str, type_: str, place_key: str | None, date_value: str | None, start: int) -> str:
    """Stable event id: hash of (doc, type, place, date, first mention's start)."""
    key = f"{doc_id}\x00{type_}\x00{place_key or ''}\x00{date_value or ''}\x00{start}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _soft_date(rec: dict) -> bool:
    """The record's date is only the page's news frame, not written with the event."""
    return bool(rec["date"].get("frame"))


def _days_apart_in_frame(a: dict, b: dict, frame_days: int) -> bool:
    """Two day dates more than a night apart within the page's news frame (`recent_days`): two
    happenings of that week (a new attack on a base and the page's recall of the one two days
    before), not a retelling. A dated mention outside the frame may retell the page's undated event."""
    da, db = parse_day(a["date"]["value"]), parse_day(b["date"]["value"])
    if da is None or db is None:
        return False
    return NIGHT_DAYS < abs((da - db).days) <= frame_days


def _night_apart(a: dict, b: dict) -> bool:
    """Two day dates at most a night apart: one happening dated by the night it began and by the
    morning it was reported ("ليل الخميس - الجمعة"), as the gold's one-day tolerance reads it."""
    da, db = parse_day(a["date"]["value"]), parse_day(b["date"]["value"])
    return da is not None and db is not None and abs((da - db).days) <= NIGHT_DAYS


def _can_merge(a: dict, b: dict, frame_days: int) -> bool:
    if a["type"] != b["type"] or a["place_key"] != b["place_key"]:
        return False
    # a dated retelling that took its place from the story ("ووقعت المجزرة في 19 من ...") is the
    # event told before with only the page's date
    retold = ((_soft_date(a) and (b["location"] or {}).get("inherited")) or
              (_soft_date(b) and (a["location"] or {}).get("inherited"))) and not _days_apart_in_frame(a, b, frame_days)
    if not retold and not dates_compatible(a["date"]["value"], b["date"]["value"]) \
            and not _night_apart(a, b):
        return False
    if (a["modality"] in STRONG_MODALITIES or b["modality"] in STRONG_MODALITIES) and a["modality"] != b["modality"]:
        return False
    if a["aggregate"] != b["aggregate"]:
        return False
    if a["place_key"] is None and a["actor_names"].isdisjoint(b["actor_names"]) and (a["actor_names"] or b["actor_names"]):
        return False
    return True


def _merge(mentions: list[_Mention], doc_id: str, frame_days: int) -> list[Event]:
    """One event per distinct happening in the document (repeated mentions merged; `frame_days`:
    the page's news frame, ExtractOptions.recent_days)."""
    if not mentions:
        return []
    groups: list[dict] = []
    for m in mentions:
        rec = _mention_record(m)
        for g in groups:
            if _can_merge(g, rec, frame_days):
                _absorb(g, rec)
                break
        else:
            groups.append(rec)
    out = []
    for g in groups:
        date = {k: v for k, v in g["date"].items() if k != "frame"}
        mentions_ = _uniq(g["mentions"], lambda x: (x["start"], x["end"]))
        start = min(x["start"] for x in mentions_)
        eid = event_id(doc_id, g["type"], g["place_key"], date["value"], start)
        meta = {"triggers": g["triggers"]}
        if len(set(g["modalities"])) > 1:
            meta["modalities"] = sorted(set(g["modalities"]))
        if g["aggregate"]:
            meta["aggregate"] = True
        out.append(Event(eid, g["type"], doc_id, _uniq(g["actors"], lambda a: (a["name"], a["role"])),
                         g["location"], date, _uniq(g["quantities"], lambda q: (q.get("value"), q.get("min"),
                                                                                   q.get("max"), q.get("unit"))),
                         _uniq(g["attribution"], lambda a: a["name"]), g["modality"], mentions_, meta))
    return out


def _mention_record(m: _Mention) -> dict:
    view = m.view
    loc = _location(m, view)
    s0, s1 = view.to_orig(m.sent.start), view.to_orig_end(m.sent.end)
    atts = [a.record for a in m.attributions]
    actors = [_actor_rec(a, r, view) for a, r in m.actors]
    return {
        "type": m.type, "place_key": _place_key(loc), "location": loc, "date": dict(m.date),
        "modality": m.modality, "modalities": [m.modality], "lede": m.lede, "sent": {m.sent.index},
        "aggregate": m.aggregate,
        "actors": actors, "actor_names": {a["name"] for a in actors},
        "attribution": atts, "att_names": {a["name"] for a in atts},
        "quantities": [quantity_record(q, view.text[view.to_orig(q.start):view.to_orig_end(q.end)])
                       for q in m.quantities],
        "mentions": [{"doc_id": m.doc_id, "start": s0, "end": s1, "text": view.text[s0:s1]}],
        "triggers": [{"start": view.to_orig(m.trigger.start), "end": view.to_orig_end(m.trigger.end),
                      "text": view.text[view.to_orig(m.trigger.start):view.to_orig_end(m.trigger.end)]}],
    }


def _absorb(g: dict, r: dict) -> None:
    if r["date"]["value"] and _soft_date(g) and not _soft_date(r):
        g["date"] = r["date"]
    elif g["date"]["value"] is None or (r["date"]["value"] and not _soft_date(r)
                                        and len(r["date"]["value"]) > len(g["date"]["value"])):
        if r["date"]["value"]:
            g["date"] = r["date"]
    if "asserted" in (g["modality"], r["modality"]) and g["modality"] not in STRONG_MODALITIES:
        g["modality"] = "asserted"
    g["modalities"] += r["modalities"]
    g["lede"] = g["lede"] or r["lede"]
    g["sent"] |= r["sent"]
    for k in ("actors", "attribution", "quantities", "mentions", "triggers"):
        g[k] += r[k]
    g["actor_names"] |= r["actor_names"]
    g["att_names"] |= r["att_names"]
    if g["location"] is not None and r["location"] is not None and not r["location"].get("inherited") and (
            g["location"].get("inherited") or (g["location"].get("resolved_by") and not r["location"].get("resolved_by"))):
        g["location"] = r["location"]

"""Train the event model (`rasd.extract.events_model`) on the training part, deterministically.

1. The training articles are read and cleaned exactly as `rasd run` does (boilerplate pre-pass,
   cleaner), then analysed by the rule extractor (finders, trigger rules, sentences).
2. Sentence model: a sentence is labelled with type T when a required gold event of type T (a
   specific event reported as news) has its evidence there (word overlap); one L2 logistic
   regression per type over the sentence features.
3. Mention model: the candidates are the mentions the argument rules build from the rule triggers
   plus the triggers the sentence model adds (for each article, a sentence model trained without
   that article's fold, so the candidates look like those of unseen pages). A candidate is
   positive when it would match a required gold event of its page by the shared scorer's rules
   (type, place, date); one L2 logistic regression over all candidates.
4. The two thresholds (add a trigger, keep a mention) are chosen on out-of-fold probabilities
   (5 folds by article) for the best page-level F1 of the kept candidates; the final weights are
   trained on the whole training part.

Only the training part is read; the test part stays unseen. Same gold, same code: same file.
"""
from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from rasd.clean.normalize import normalize_arabic
from rasd.document import Document
from rasd.evaluation.corpus import LabelledCorpus

#: Word overlap (share of the smaller side) for a sentence to hold a gold event's evidence.
ALIGN_MIN = 0.5
#: A type needs this many positive sentences to be learned; rarer types stay with the rules.
MIN_POSITIVES = 5
#: Inverse regularisation strength of the regressions.
C = 0.25
#: A feature must occur in this many training articles to be used.
MIN_ARTICLES = 2
#: Weights smaller than this are left out of the shipped file (they change no decision).
MIN_WEIGHT = 0.01
FOLDS = 5
#: The mention model reads the page's genre (as classified by the genre model, crossed with type).
GENRE_FEATURE = True
#: The lowest sentence probability at which a trigger is added as a candidate while training.
ADD_FLOOR = 0.1
ADD_GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
#: How much a candidate must outscore the rules' pick to replace it; None: never (the ranker only
#: places the events the rules leave unplaced).
PLACE_MARGIN: float | None = None
#: Splits of the articles over which the mention model's out-of-fold grid is averaged (3 let two
#: rule sets CV could not tell apart pick keep 0.1 and 0.05; 10 picks the same for both).
KEEP_REPEATS = 10
KEEP_GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)


@dataclass
class SentenceRow:
    key: str                       # article key (the fold unit)
    feats: dict[str, float]
    labels: frozenset[str]
    rule: tuple[str, ...]          # rule trigger types in the sentence


def cleaned_documents(corpus: LabelledCorpus, keys: Sequence[str]) -> dict[str, Document]:
    """The articles as `rasd run` cleans them (part 0 of each page), by corpus key."""
    from rasd.clean.pipeline import CleanOptions, CleanStage, load_lexicon
    from rasd.clean.sitestate import SiteState, page_facts
    from rasd.ingest import ReadOptions, read_paths

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "input.jsonl")
        corpus.write_input(keys, path)
        clean_opts = CleanOptions()
        lexicon = load_lexicon(clean_opts.lexicon_dirs)
        docs = [it.result for it in read_paths([path], ReadOptions()) if isinstance(it.result, Document)]
        state = SiteState.learn(page_facts(d, clean_opts, lexicon) for d in docs)   # the pre-pass of `rasd run`
        stage = CleanStage(clean_opts, lexicon=lexicon, site_boilerplate=state.boilerplate(),
                           site_outlets=state.outlets())
        out: dict[str, Document] = {}
        for d in stage.run(docs):
            if isinstance(d, Document) and d.origin.part == 0:
                out.setdefault(d.origin.url or "", d)
        return out


def _wordset(text: str) -> set[str]:
    return set(normalize_arabic(text).split())


def aligned(sentence: str, evidence: str) -> bool:
    a, b = _wordset(sentence), _wordset(evidence)
    if len(a) < 2 or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= ALIGN_MIN


def _fold(key: str, repeat: int = 0) -> int:
    salt = f"{repeat}:" if repeat else ""
    return int(hashlib.sha256((salt + key).encode()).hexdigest(), 16) % FOLDS


def _oof_mentions(mrows: Sequence[MentionRow], y: Sequence[bool], repeat: int = 0) -> list[float]:
    """Out-of-fold probabilities of the mention model, the articles split by `_fold(key, repeat)`."""
    from rasd.extract.events_model import _logistic

    oof = [0.0] * len(mrows)
    for k in range(FOLDS if 0 < sum(y) < len(y) else 0):   # both classes needed to learn anything
        tr = [i for i, r in enumerate(mrows) if _fold(r.key, repeat) != k]
        if len({y[i] for i in tr}) < 2:
            continue
        X, names = _matrix([mrows[i].feats for i in tr], [mrows[i].key for i in tr])
        mw, mb = _regression(X, names, [y[i] for i in tr])
        for i, r in enumerate(mrows):
            if _fold(r.key, repeat) == k:
                oof[i] = _logistic(mw, mb, r.feats)
    return oof


def _matrix(rows: Sequence[dict[str, float]], keys: Sequence[str]):
    """Sparse design matrix of the features seen in at least MIN_ARTICLES articles."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer

    seen: dict[str, set[str]] = {}
    for r, k in zip(rows, keys):
        for f in r:
            seen.setdefault(f, set()).add(k)
    keep = {f for f, ks in seen.items() if len(ks) >= MIN_ARTICLES}
    vec = DictVectorizer(sort=True)
    X = vec.fit_transform([{f: v for f, v in r.items() if f in keep} for r in rows]).tocsr()
    # column order inside a row follows the feature dicts' (set-built, hash-seeded) order, and
    # liblinear sums in that order: sorted, the weights are the same in every process
    X.sort_indices()
    X.indices = X.indices.astype(np.int32)   # liblinear takes 32-bit indices only
    X.indptr = X.indptr.astype(np.int32)
    return X, vec.get_feature_names_out()


def _regression(X, names, y) -> tuple[dict[str, float], float]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, solver="liblinear", max_iter=2000, random_state=0, class_weight="balanced")
    clf.fit(X, y)
    coef = clf.coef_[0]
    return ({str(names[i]): float(coef[i]) for i in coef.nonzero()[0] if abs(coef[i]) >= MIN_WEIGHT},
            float(clf.intercept_[0]))


def fit_sentences(rows: Sequence[SentenceRow]) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Per-type weights and biases of the sentence model (types with too few positives left out)."""
    from rasd.extract.events_lexicon import EVENT_TYPES

    X, names = _matrix([r.feats for r in rows], [r.key for r in rows])
    weights, bias = {}, {}
    for t in EVENT_TYPES:
        y = [t in r.labels for r in rows]
        if MIN_POSITIVES <= sum(y) < len(y):
            weights[t], bias[t] = _regression(X, names, y)
    return weights, bias


@dataclass
class MentionRow:
    key: str
    feats: dict[str, float]
    p_add: float               # sentence probability of an added trigger (1.0 for a rule trigger)
    group: tuple               # (type, place key, date): mentions of one event merge
    gold: frozenset[str]       # required gold ids it would match
    any_gold: bool             # matches a gold event of any status
    rules_keep: bool = True    # the rules alone would keep it (a rule trigger, no rule filter)


class _Page:
    """One training article, cleaned and analysed once."""

    def __init__(self, key: str, doc: Document, analysis: Any, rows: list[SentenceRow], genre: str = "") -> None:
        self.key, self.doc, self.analysis, self.rows, self.genre = key, doc, analysis, rows, genre


def _pages(corpus: LabelledCorpus, keys: Sequence[str]) -> tuple[Any, list[_Page]]:
    from rasd.extract.events import EventExtractor, ExtractOptions
    from rasd.extract.events_model import sentence_features

    ex = EventExtractor(ExtractOptions(learned=False), model=False)
    docs = cleaned_documents(corpus, keys)
    gold = corpus.gold_events(keys)
    pages = []
    for key in keys:
        doc = docs.get(key)
        if doc is None:
            continue
        a = ex.analyse(doc)
        norm = a.view.norm
        evs = [g for g in gold if g["doc"] == key and g["required"]]
        rows = []
        for sent, facts in zip(a.sents, ex.sentence_facts(a)):
            text = norm[sent.start:sent.end]
            labels = frozenset(t for g in evs if aligned(text, g["evidence"]) for t in (g["type"], *g.get("type_also", [])))
            rows.append(SentenceRow(key, sentence_features(norm, sent.start, sent.end, facts), labels,
                                    tuple(t for t, _ in facts.rule_types)))
        pages.append(_Page(key, doc, a, rows, ex.page_genre(doc)))
    return ex, pages


def sentence_rows(corpus: LabelledCorpus, keys: Sequence[str]) -> list[SentenceRow]:
    """One row per sentence of the cleaned training articles, with its gold types."""
    return [r for p in _pages(corpus, keys)[1] for r in p.rows]


def _mention_rows(ex: Any, page: _Page, model: Any, gold: list[dict], sc: Any,
                  places: Any = None) -> list[MentionRow]:
    """The page's candidate mentions under this sentence model (and place ranker), labelled by the
    scorer's rules."""
    from rasd.extract.events import _mention_record, _place_key, mention_facts
    from rasd.extract.events_model import mention_features

    triggers, per_sent, added = ex.candidates(page.analysis, model, ADD_FLOOR)
    out = []
    for m in ex.mentions(page.doc, page.analysis, triggers, keep_filtered=True, place_model=places):
        feats, probs = per_sent.get(m.sent.index, ({}, {}))
        is_added = (m.trigger.start, m.trigger.end) in added
        facts = mention_facts(m, is_added)
        if GENRE_FEATURE:
            facts["genre"] = page.genre
        mf = mention_features(feats, m.type, probs.get(m.type, 0.0), facts)
        rec = _mention_record(m)
        ev = {"type": m.type, "location": rec["location"], "date": rec["date"]}
        hits = [g for g in gold if m.type in {g["type"], *g.get("type_also", [])} and sc.place_match(g, ev)
                and sc.date_match(g["date"], g["date_precision"], sc.date_value(ev)) is not False]
        out.append(MentionRow(page.key, mf, probs.get(m.type, 0.0) if is_added else 1.0,
                              (m.type, _place_key(rec["location"]), rec["date"].get("value")),
                              frozenset(g["id"] for g in hits if g["required"]), bool(hits),
                              not is_added and m.filtered is None))
    return out


@dataclass
class PlaceRow:
    """One candidate mention's place candidates, for a mention whose sentence holds a gold event of
    its type with a place one of the candidates matches."""

    key: str
    feats: list[dict[str, float]]
    right: list[bool]
    rule_right: bool           # the argument rules' own pick matches


def _place_rows(ex: Any, page: _Page, model: Any, gold: list[dict], sc: Any) -> list[PlaceRow]:
    """The page's candidate mentions' place candidates, each labelled by the scorer's place rule."""
    from rasd.extract.events import place_record

    triggers, _per_sent, _added = ex.candidates(page.analysis, model, ADD_FLOOR)
    norm, view = page.analysis.view.norm, page.analysis.view
    out, seen = [], set()
    for m in ex.mentions(page.doc, page.analysis, triggers, keep_filtered=True, collect_places=True):
        if not m.place_options or (m.trigger.start, m.trigger.end) in seen:
            continue
        seen.add((m.trigger.start, m.trigger.end))   # one row per trigger (a listed place repeats it)
        text = norm[m.sent.start:m.sent.end]
        gs = [g for g in gold if g["location"] is not None and m.type in {g["type"], *g.get("type_also", [])}
              and aligned(text, g["evidence"])]
        if not gs:
            continue
        right = [any(sc.place_match(g, {"location": place_record(c.span, view)}) for g in gs)
                 for c in m.place_options]
        if not any(right):
            continue
        rule = place_record(m.place, view)
        out.append(PlaceRow(page.key, [c.feats for c in m.place_options], right,
                            rule is not None and any(sc.place_match(g, {"location": rule}) for g in gs)))
    return out


def fit_places(rows: Sequence[PlaceRow]) -> dict[str, float]:
    """Weights of the place ranker: a logistic regression over every candidate (right or not)."""
    feats = [f for r in rows for f in r.feats]
    keys = [r.key for r in rows for _ in r.feats]
    y = [x for r in rows for x in r.right]
    if not 0 < sum(y) < len(y):
        return {}
    X, names = _matrix(feats, keys)
    w, _b = _regression(X, names, y)
    return w


def place_accuracy(rows: Sequence[PlaceRow], weights: dict[str, float], margin: float | None = 0.0) -> float:
    """Share of rows whose pick is a right one."""
    from rasd.extract.events_places import Candidate, PlaceModel

    pm = PlaceModel(weights, margin)
    ok = 0
    for r in rows:
        cands = [Candidate(None, "", f) for f in r.feats]   # type: ignore[arg-type]
        best = pm.pick(cands)
        ok += bool(best is not None and r.right[cands.index(best)])
    return ok / len(rows) if rows else 0.0


def _page_f1(rows: Sequence[MentionRow], probs: Sequence[float] | None, required: int, add: float = 0.0,
             keep: float = 0.0) -> tuple[float, float, float]:
    """Recall of required gold and precision of the merged kept candidates (one per type, place,
    date); `probs` None: what the rules alone keep."""
    found: set[str] = set()
    groups: dict[tuple, bool] = {}
    for i, r in enumerate(rows):
        if (not r.rules_keep) if probs is None else (r.p_add < add or probs[i] < keep):
            continue
        found |= r.gold
        g = (r.key, *r.group)
        groups[g] = groups.get(g, False) or r.any_gold
    rec = len(found) / required if required else 0.0
    prec = sum(groups.values()) / len(groups) if groups else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def pick_thresholds(f1: dict[tuple[int, int], float]) -> tuple[int, int]:
    """The (add, keep) grid cell with the best out-of-fold F1, the lowest cell on a tie.

    Choosing by the mean F1 of a cell and its neighbours (steadier in principle) lost under
    cross-validation on the training part: 0.464 against 0.475, and 0.485 against 0.499 on the
    first draw alone (bench/cv_events.py, docs/evaluation.md)."""
    best = None
    for c in sorted(f1):
        if best is None or f1[c] > f1[best] + 1e-9:
            best = c
    assert best is not None
    return best


def train(corpus: LabelledCorpus, log: Any = print, keys: Sequence[str] | None = None,
          use_places: bool = True) -> Any:
    """Train on the labelled training part (or these keys of it); returns the EventModel (not saved).
    `use_places` False leaves the place to the argument rules (no ranker in the model)."""
    from rasd.evaluation.scoring import load_scorer
    from rasd.extract.events_model import EventModel, _logistic
    from rasd.extract.events_places import PlaceModel

    sc = load_scorer(corpus.shared / "tools" / "score.py")
    keys = sorted(keys if keys is not None else (a["key"] for a in corpus.labelled("train")))
    ex, pages = _pages(corpus, keys)
    rows = [r for p in pages for r in p.rows]
    gold = corpus.gold_events(keys)
    required = sum(g["required"] for g in gold)
    log(f"{len(pages)} training articles, {len(rows)} sentences, "
        f"{sum(bool(r.labels) for r in rows)} holding a required event ({required} required gold events)")
    # candidates of each fold come from a sentence model that did not see that fold
    fold_models = {}
    prows: list[PlaceRow] = []
    for k in range(FOLDS):
        w, b = fit_sentences([r for r in rows if _fold(r.key) != k])
        fold_models[k] = EventModel(types=tuple(w), weights=w, bias=b)
        for page in pages:
            if _fold(page.key) == k:
                prows += _place_rows(ex, page, fold_models[k], [g for g in gold if g["doc"] == page.key], sc)
    # the place ranker, out of fold: its picks against the rules' on the same candidates
    fold_w = {k: fit_places([r for r in prows if _fold(r.key) != k]) for k in range(FOLDS)} if use_places else {}

    def oof_accuracy(margin: float | None) -> float:
        right = sum(place_accuracy([r for r in prows if _fold(r.key) == k], fold_w[k], margin)
                    * sum(_fold(r.key) == k for r in prows) for k in fold_w)
        return right / len(prows) if prows else 0.0
    # the ranker places what the rules leave unplaced and leaves the rules' own picks alone: letting
    # it replace them scored higher on these rows but lower end to end (bench/cv_events.py,
    # variants learned and place_fill; docs/evaluation.md)
    margin = PLACE_MARGIN
    fold_places = {k: PlaceModel(fold_w[k], margin) if use_places else None for k in range(FOLDS)}
    rule_acc = sum(r.rule_right for r in prows) / len(prows) if prows else 0.0
    fill_acc, any_acc = (oof_accuracy(None), oof_accuracy(0.0)) if use_places else (0.0, 0.0)
    log(f"place decision on {len(prows)} mentions of gold events with a right candidate, out of fold: "
        f"rules {rule_acc:.3f}, ranker where the rules found none {fill_acc:.3f}, ranker everywhere {any_acc:.3f}")
    mrows: list[MentionRow] = []
    for k in range(FOLDS):
        for page in pages:
            if _fold(page.key) == k:
                mrows += _mention_rows(ex, page, fold_models[k], [g for g in gold if g["doc"] == page.key], sc,
                                       fold_places[k])
    y = [bool(r.gold) for r in mrows]
    log(f"{len(mrows)} candidate mentions, {sum(y)} matching a required gold event")
    # out-of-fold mention probabilities for the thresholds
    # out-of-fold mention probabilities, over KEEP_REPEATS different splits of the articles: the
    # threshold grid is averaged over them, so the pick rests on more than one split's luck
    oofs = [_oof_mentions(mrows, y, rep) for rep in range(KEEP_REPEATS)]
    rules_only = _page_f1(mrows, None, required)
    grid = {(i, j): tuple(sum(v) / len(oofs) for v in zip(*(_page_f1(mrows, oof, required, add, keep) for oof in oofs)))
            for i, add in enumerate(ADD_GRID) for j, keep in enumerate(KEEP_GRID)}
    (i, j) = pick_thresholds({c: prf[2] for c, prf in grid.items()})
    (p, r, f), add, keep = grid[(i, j)], ADD_GRID[i], KEEP_GRID[j]
    log(f"page-level candidates, out of fold: rules only P {rules_only[0]:.3f} R {rules_only[1]:.3f} "
        f"F1 {rules_only[2]:.3f}; learned P {p:.3f} R {r:.3f} F1 {f:.3f} (add {add}, keep {keep})")
    weights, bias = fit_sentences(rows)
    mw, mb = {}, 0.0   # no mention weights: every candidate is kept
    if 0 < sum(y) < len(y):
        X, names = _matrix([r.feats for r in mrows], [r.key for r in mrows])
        mw, mb = _regression(X, names, y)
    meta = {"genre_feature": GENRE_FEATURE, "trained_on": "eval train part", "articles": len(pages), "sentences": len(rows),
            "candidates": len(mrows), "C": C, "folds": FOLDS, "min_articles": MIN_ARTICLES,
            "oof_page_prf": {"rules": [round(x, 4) for x in rules_only], "learned": [round(p, 4), round(r, 4), round(f, 4)]},
            "place_rows": len(prows), "oof_place_accuracy": {"rules": round(rule_acc, 4), "ranker_fill": round(fill_acc, 4),
                                   "ranker_everywhere": round(any_acc, 4)},
            "place_margin": margin}
    log(f"learned types: {', '.join(weights)}")
    return EventModel(types=tuple(weights), weights=weights, bias=bias, add=add, mention_weights=mw,
                      mention_bias=mb, keep=keep, meta=meta, place_weights=fit_places(prows) if use_places else {},
                      place_margin=margin)

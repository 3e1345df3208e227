"""Train the page-genre model (`rasd train genre`): train part of the labelled corpus -> genre.json.

    python -m rasd.extract.genre_train [--labels eval] [--shared ../shared] [--out FILE]

Reads the train part of the labelled corpus (eval/articles.jsonl `split == "train"`, genres from
eval/gold/pages.jsonl, texts from ../shared), reads and cleans each article as `rasd run` does,
computes `genre_features`, picks the regularisation strength by repeated stratified 5-fold
cross-validation on the train part alone, fits a multinomial logistic regression on all of it and
writes its weights with a card (data, date, cross-validated scores). Needs scikit-learn
(`pip install rasd[train]`); the model it writes is read without it. Deterministic: the same
labels and texts give the same file, byte for byte (no date or random state in it).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

from rasd.document import Document
from rasd.extract.genre import GENRES, GenreModel, genre_features

#: Regularisation strengths tried (inverse L2 weight); the best mean CV accuracy wins, ties to the
#: smaller (stronger regularisation): 97 pages with 9 opinion pieces do not carry a weak prior.
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
#: Folds and repeats of the cross-validation (stratified; repeats reshuffle with seeds 0..n-1).
FOLDS = 5
REPEATS = 5
#: Decimals kept in the model file: far below any effect on a probability, keeps the file small.
DECIMALS = 6


def _require_sklearn() -> Any:
    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise ImportError("training the genre model needs scikit-learn: pip install rasd[train]") from exc
    return sklearn


def training_pages(eval_dir: str | Path, shared: str | Path, which: str = "train") -> tuple[list[Document], list[str]]:
    """The labelled articles of a set, read and cleaned as `rasd run` reads them, with their genres."""
    from rasd.clean.pipeline import CleanOptions, CleanStage, load_lexicon
    from rasd.evaluation.corpus import LabelledCorpus
    from rasd.ingest import ReadOptions, read_paths

    corpus = LabelledCorpus.load(eval_dir, shared)
    arts = corpus.labelled(which)
    options = CleanOptions()
    stage = CleanStage(options, lexicon=load_lexicon(options.lexicon_dirs))
    cleaned: dict[str, Document] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.jsonl"
        corpus.write_input([a["key"] for a in arts], path)
        for item in read_paths([str(path)], ReadOptions()):
            if not isinstance(item.result, Document):
                continue
            for doc in stage.run([item.result]):
                if isinstance(doc, Document) and doc.origin.part == 0 and doc.origin.url:
                    cleaned[doc.origin.url] = doc
    docs, labels = [], []
    for a in arts:
        if a["key"] in cleaned:
            docs.append(cleaned[a["key"]])
            labels.append(corpus.pages[a["key"]])
    return docs, labels


def _matrix(docs: Sequence[Document]) -> tuple[list[str], list[list[float]]]:
    rows = [genre_features(d) for d in docs]
    names = list(rows[0])
    return names, [[r[k] for k in names] for r in rows]


def _pipeline(C: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=10000))


def cross_validate(X: list[list[float]], y: list[str], C: float) -> dict[str, Any]:
    """Repeated stratified k-fold on (X, y): mean accuracy, per-label F1 and the first repeat's confusion."""
    import numpy as np
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    Xa, ya = np.array(X), np.array(y)
    labels = [g for g in GENRES if g in set(y)]
    accs, f1s, confusion = [], [], None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class with fewer members than folds (1 interview) warns
        for seed in range(REPEATS):
            cv = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
            pred = cross_val_predict(_pipeline(C), Xa, ya, cv=cv)
            accs.append(accuracy_score(ya, pred))
            f1s.append(f1_score(ya, pred, labels=labels, average=None, zero_division=0))
            if confusion is None:
                confusion = confusion_matrix(ya, pred, labels=labels).tolist()
    f1 = np.mean(f1s, axis=0)
    return {"C": C, "accuracy": round(float(np.mean(accs)), 3),
            "accuracy_per_repeat": [round(float(a), 3) for a in accs],
            "f1": {lab: round(float(v), 3) for lab, v in zip(labels, f1)},
            "confusion_labels": labels, "confusion_first_repeat": confusion}


def train(docs: Sequence[Document], labels: Sequence[str]) -> tuple[dict, list[dict]]:
    """(model JSON, the CV result of every C tried) for these pages; C picked by CV accuracy."""
    _require_sklearn()
    unknown = set(labels) - set(GENRES)
    if unknown:
        raise ValueError(f"unknown genre labels {sorted(unknown)}; use {GENRES}")
    names, X = _matrix(docs)
    y = list(labels)
    tried = [cross_validate(X, y, C) for C in C_GRID]
    best = max(tried, key=lambda r: (r["accuracy"], -r["C"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe = _pipeline(best["C"]).fit(X, y)
    scaler, lr = pipe.steps[0][1], pipe.steps[1][1]
    r = lambda v: round(float(v), DECIMALS)  # noqa: E731
    model = {
        "labels": [str(c) for c in lr.classes_],
        "features": names,
        "mean": [r(v) for v in scaler.mean_],
        "scale": [r(v) for v in scaler.scale_],
        "coef": [[r(v) for v in row] for row in lr.coef_],
        "intercept": [r(v) for v in lr.intercept_],
        "card": {
            "model": "multinomial logistic regression over standardised genre_features (rasd.extract.genre)",
            "trained_on": "eval/ labelled corpus, split == train only",
            "pages": len(y), "labels": dict(sorted(Counter(y).items())),
            "C": best["C"],
            "cv": {"folds": FOLDS, "repeats": REPEATS, "accuracy": best["accuracy"], "f1": best["f1"],
                   "confusion_labels": best["confusion_labels"],
                   "confusion_first_repeat": best["confusion_first_repeat"]},
            "majority_baseline": round(max(Counter(y).values()) / len(y), 3),
            "test_part": "not measured here (the lead measures the test part)",
            "command": "rasd train genre",
        },
    }
    GenreModel.from_json(model)  # the file must load as it will at run time
    return model, tried


def write_model(model: dict, out: str | Path) -> None:
    """Write the model JSON (indented, so a retrain shows as a readable diff)."""
    Path(out).write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def default_model_path() -> Path:
    """Where the packaged model lives in this source tree."""
    return Path(__file__).resolve().parents[1] / "data" / "models" / "genre.json"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of `python -m rasd.extract.genre_train`."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", default="eval", help="folder of the labelled corpus (articles.jsonl, gold/)")
    ap.add_argument("--shared", default=str(Path("..") / "shared"), help="the shared folder with the corpora")
    ap.add_argument("--out", default=str(default_model_path()), help="model file to write")
    args = ap.parse_args(argv)
    docs, labels = training_pages(args.labels, args.shared, "train")
    model, tried = train(docs, labels)
    write_model(model, args.out)
    for t in tried:
        print(f"C={t['C']}: cv accuracy {t['accuracy']}  f1 {t['f1']}", file=sys.stderr)
    print(json.dumps({"out": args.out, **model["card"]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

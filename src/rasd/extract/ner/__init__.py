"""A CRF name tagger (persons, organisations, places, other names) trained on ANERcorp."""
from rasd.extract.ner.corpus import ENTITY_TYPES, entity_spans, evaluate, read_iob, split_sentences, split_train_test
from rasd.extract.ner.features import NameLexicon, default_lexicon, sentence_features, strip_clitics
from rasd.extract.ner.tagger import NameTagger, default_model_path, load_default_tagger

__all__ = [
    "ENTITY_TYPES", "NameLexicon", "NameTagger", "default_lexicon", "default_model_path", "entity_spans",
    "evaluate", "load_default_tagger", "read_iob", "sentence_features", "split_sentences", "split_train_test",
    "strip_clitics",
]

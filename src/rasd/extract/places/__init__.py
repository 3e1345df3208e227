"""Places: the gazetteer (`gazetteer`), its importers (`importers`) and the finder (`finder`)."""

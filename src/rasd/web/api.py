"""The JSON API: paginated, filterable reads of a store, and one guarded write (POST /api/ingest)."""
from __future__ import annotations

import hmac
import json
from typing import Any, Literal, Optional, TypeVar

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from rasd.web.queries import MAX_LIMIT, EventFilter, StoreReader

try:  # optional: orjson encodes our pages 5-10x faster than the json module
    import orjson

    def dumps(content: Any) -> bytes:
        """Compact UTF-8 JSON with Arabic as Arabic."""
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
except ImportError:  # the standard library writes the same bytes, slower
    def dumps(content: Any) -> bytes:
        """Compact UTF-8 JSON with Arabic as Arabic."""
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class FastJSON(JSONResponse):
    """JSON with Arabic as Arabic, written straight from dicts (skips FastAPI's re-encoding pass)."""

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):  # already encoded (the map's features)
            return content
        return dumps(content)


router = APIRouter(prefix="/api", default_response_class=FastJSON)

T = TypeVar("T")

#: Largest file POST /api/ingest accepts (bytes); a news page is rarely over 1 MB.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

_LIMIT = Query(50, ge=1, le=MAX_LIMIT, description="Page size")
#: Largest offset or count a route accepts: far above any store's rows, far below SQLite's 64-bit
#: integers (an offset of 2**63 overflowed into a 500 on nine routes, issue 12).
MAX_OFFSET = 10**9
#: Deepest zoom the cluster route accepts (Leaflet's and OpenStreetMap's largest).
MAX_ZOOM = 20
_OFFSET = Query(0, ge=0, le=MAX_OFFSET, description="Items to skip")


def _reader(request: Request) -> StoreReader:
    return request.app.state.reader


def event_filter(type: Optional[str] = None, actor: Optional[str] = None, place: Optional[str] = None,
                 governorate: Optional[str] = None, date_from: Optional[str] = None,
                 date_to: Optional[str] = None, modality: Optional[str] = None,
                 disputed: Optional[bool] = None, background: Optional[bool] = None) -> EventFilter:
    """The event filters from query parameters (empty strings, as HTML forms send them, mean 'any')."""
    def clean(v: Optional[str]) -> Optional[str]:
        v = (v or "").strip()
        return v or None
    return EventFilter(type=clean(type), actor=clean(actor), place=clean(place), governorate=clean(governorate),
                       date_from=clean(date_from), date_to=clean(date_to), modality=clean(modality),
                       disputed=disputed, background=background or None)


def found(value: T | None, what: str, key: str) -> T:
    """`value`, or a 404 ("no WHAT 'KEY'") when the store has nothing under `key`."""
    if value is None:
        raise HTTPException(status_code=404, detail=f"no {what} {key!r}")
    return value


# The filter parameters are declared on each endpoint so they show in the OpenAPI docs.
_F = dict(
    type=Query(None, description="Event type (EVENTS.md)"),
    actor=Query(None, description="Actor id or name"),
    place=Query(None, description="Place id or name"),
    governorate=Query(None, description="Governorate (admin1), Arabic or English"),
    date_from=Query(None, description="YYYY[-MM[-DD]], inclusive"),
    date_to=Query(None, description="YYYY[-MM[-DD]], inclusive"),
    modality=Query(None, description="asserted, reported, claimed, alleged, denied, expected, hedged"),
    disputed=Query(None, description="Only events whose sources disagree (true) or agree (false)"),
    background=Query(None, description="Also background events: opinion/analysis pages, before 1900, recalled "
                                       "history (1/true; left out by default)"),
)


@router.get("/documents", summary="Documents, newest first (without their text)")
def list_documents(request: Request, limit: int = _LIMIT, offset: int = _OFFSET,
                   outlet: Optional[str] = None, date_from: Optional[str] = None, date_to: Optional[str] = None,
                   duplicates: bool = Query(True, description="Include documents that repeat another")) -> dict:
    """Documents with title, date, outlet, origin and event count."""
    return FastJSON(_reader(request).list_documents(limit=limit, offset=offset, outlet=outlet or None,
                                                    date_from=date_from or None, date_to=date_to or None,
                                                    duplicates=duplicates))


@router.get("/documents/{doc_id}", summary="One document with removed pieces, social posts, spans and events")
def get_document(request: Request, doc_id: str) -> dict:
    """The OUTPUT.md document record plus removed pieces' detectors, spans, events and meta."""
    return FastJSON(found(_reader(request).get_document(doc_id), "document", doc_id))


@router.get("/events", summary="Events, filterable")
def list_events(request: Request, limit: int = _LIMIT, offset: int = _OFFSET,
                type: Optional[str] = _F["type"], actor: Optional[str] = _F["actor"],
                place: Optional[str] = _F["place"], governorate: Optional[str] = _F["governorate"],
                date_from: Optional[str] = _F["date_from"], date_to: Optional[str] = _F["date_to"],
                modality: Optional[str] = _F["modality"], disputed: Optional[bool] = _F["disputed"],
                background: Optional[bool] = _F["background"],
                order: Literal["oldest", "newest"] = Query("oldest", description="oldest or newest first "
                                                           "(undated events last either way)")) -> dict:
    """OUTPUT.md event records (plus `doc_id`, `disputes` and `n_sources`: distinct source documents,
    a verbatim copy counted with the one it repeats), by date."""
    f = event_filter(type, actor, place, governorate, date_from, date_to, modality, disputed, background)
    return FastJSON(_reader(request).list_events(f, limit=limit, offset=offset, newest_first=order == "newest"))


@router.get("/events.geojson", summary="Events with coordinates as GeoJSON")
def events_geojson(request: Request, limit: int = Query(MAX_LIMIT, ge=1, le=MAX_LIMIT),
                   type: Optional[str] = _F["type"], actor: Optional[str] = _F["actor"],
                   place: Optional[str] = _F["place"], governorate: Optional[str] = _F["governorate"],
                   date_from: Optional[str] = _F["date_from"], date_to: Optional[str] = _F["date_to"],
                   modality: Optional[str] = _F["modality"], disputed: Optional[bool] = _F["disputed"],
                background: Optional[bool] = _F["background"]) -> dict:
    """A FeatureCollection of Points (lon, lat) with the event's type, date, place and modality."""
    f = event_filter(type, actor, place, governorate, date_from, date_to, modality, disputed, background)
    return FastJSON(_reader(request).geojson_bytes(f, limit=limit))


@router.get("/map/clusters", summary="Events in a viewport, clustered on a grid by zoom (the map)")
def map_clusters(request: Request,
                 bbox: str = Query("-180,-90,180,90", max_length=200,
                                   description="west,south,east,north in degrees (WGS84)"),
                 zoom: int = Query(6, ge=0, le=MAX_ZOOM, description="Map zoom level (Leaflet/XYZ)"),
                 type: Optional[str] = _F["type"], actor: Optional[str] = _F["actor"],
                 place: Optional[str] = _F["place"], governorate: Optional[str] = _F["governorate"],
                 date_from: Optional[str] = _F["date_from"], date_to: Optional[str] = _F["date_to"],
                 modality: Optional[str] = _F["modality"], disputed: Optional[bool] = _F["disputed"],
                 background: Optional[bool] = _F["background"]) -> dict:
    """A FeatureCollection of the matching events inside `bbox` (widened to whole grid cells, given back
    as `bbox`): a cell holding one event gives that event (properties as /api/events.geojson), any
    other a cluster (`cluster`: true, `count`, `bbox` of its events). At most a few hundred features
    whatever the store's size; `total` counts the events inside."""
    from rasd.web.mapdata import parse_bbox

    try:
        box = parse_bbox(bbox)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=f"bad bbox: {exc}") from None
    f = event_filter(type, actor, place, governorate, date_from, date_to, modality, disputed, background)
    return FastJSON(_reader(request).map_clusters(f, box, zoom))


@router.get("/map/countries", summary="Country outlines around Syria with Arabic names (the map's base layer)")
def map_countries(request: Request) -> dict:
    """Natural Earth 1:50m countries meeting the region (GeoJSON, `name` Arabic, `name_en`, `label`
    [lon, lat]) and extra place labels (`labels`); 404 when the npm package world-atlas is missing."""
    from rasd.web.mapdata import countries_geojson

    nm = request.app.state.node_modules
    return FastJSON(found(countries_geojson(str(nm) if nm else None), "country outlines",
                          "world-atlas (run npm ci)"))


@router.get("/events/{event_id}", summary="One event with each source's evidence in context")
def get_event(request: Request, event_id: str) -> dict:
    """The event record plus `evidence`: per mention, the source document and the text around the span.

    On a linked store the id may be a fused event's or one of its documents' events; the fused
    event comes back with `members`: each source's own version (outlet, published, attribution,
    modality, date, quantities), its evidence in its document, and `passages`: its mentions' excerpts
    merged where they overlap, every mention marked; dispute sides carry the `documents` they name.
    An unlinked event has `passages` per document. `n_sources` counts distinct source documents, a
    verbatim copy (`duplicate_of`) counted with the document it repeats.
    """
    return FastJSON(found(_reader(request).get_event(event_id), "event", event_id))


@router.get("/timeline", summary="Event counts per date and type")
def timeline(request: Request,
             type: Optional[str] = _F["type"], actor: Optional[str] = _F["actor"],
             place: Optional[str] = _F["place"], governorate: Optional[str] = _F["governorate"],
             date_from: Optional[str] = _F["date_from"], date_to: Optional[str] = _F["date_to"],
             modality: Optional[str] = _F["modality"], disputed: Optional[bool] = _F["disputed"],
                background: Optional[bool] = _F["background"]) -> dict:
    """`items`: one per date (as stored: day, month or year) with counts by type; `undated` by type."""
    f = event_filter(type, actor, place, governorate, date_from, date_to, modality, disputed, background)
    return FastJSON(_reader(request).timeline(f))


@router.get("/actors", summary="Actors found in events, most events first")
def list_actors(request: Request, limit: int = _LIMIT, offset: int = _OFFSET,
                q: Optional[str] = Query(None, description="Name contains")) -> dict:
    """Actors keyed by knowledge-base id (or canonical name), with event counts and date range."""
    return FastJSON(_reader(request).list_entities("actors", q=q, limit=limit, offset=offset))


@router.get("/actors/{actor_id}", summary="One actor and its events")
def get_actor(request: Request, actor_id: str) -> dict:
    """The actor with its events and counts per month."""
    return FastJSON(found(_reader(request).get_entity("actors", actor_id), "actor", actor_id))


@router.get("/places", summary="Places of events, most events first")
def list_places(request: Request, limit: int = _LIMIT, offset: int = _OFFSET,
                q: Optional[str] = Query(None, description="Name contains")) -> dict:
    """Places keyed by gazetteer id (or canonical name), with coordinates and event counts."""
    return FastJSON(_reader(request).list_entities("places", q=q, limit=limit, offset=offset))


@router.get("/places/{place_id}", summary="One place and its events")
def get_place(request: Request, place_id: str) -> dict:
    """The place with its events and counts per month."""
    return FastJSON(found(_reader(request).get_entity("places", place_id), "place", place_id))


@router.get("/stories", summary="Story clusters with their documents (empty until `rasd link` builds them)")
def stories(request: Request, limit: int = _LIMIT, offset: int = _OFFSET,
            min_documents: int = Query(1, ge=1, le=MAX_OFFSET, description="Only stories told by at least this many documents")) -> dict:
    """Stories, most documents first, each with `documents` (id, title, outlet, published, role) and
    `outlets`; an empty list with a `note` on a store never linked."""
    return FastJSON(_reader(request).stories(limit=limit, offset=offset, min_documents=min_documents))


@router.get("/stories/{story_id}", summary="One story: its documents and its events")
def get_story(request: Request, story_id: str) -> dict:
    """The story with its documents and its events (one record per fused event), by date."""
    return FastJSON(found(_reader(request).get_story(story_id), "story", story_id))


@router.get("/search", summary="Arabic-aware full-text search")
def search(request: Request, q: str = Query(..., min_length=1, max_length=500),
           limit: int = Query(20, ge=1, le=200), offset: int = _OFFSET) -> dict:
    """Documents containing every word of `q` after normalisation and stemming, with snippets
    cut from the original text; `highlights` are [start, end) offsets into `snippet`."""
    return FastJSON(_reader(request).search(q, limit=limit, offset=offset))


@router.get("/facets", summary="Values present in the store (for filter menus)")
def facets(request: Request) -> dict:
    """Event types, governorates, modalities and the date range present."""
    return FastJSON(_reader(request).facets())


@router.get("/governorates", summary="Governorates with centroids")
def governorates(request: Request) -> dict:
    """The 14 governorates with Arabic and English names and a rough centroid."""
    return FastJSON({"items": _reader(request).governorates})


def check_token(request: Request) -> None:
    """403 when the server has no token (writes disabled); 401 unless the request bears it."""
    token = request.app.state.token
    if not token:
        raise HTTPException(status_code=403, detail="writes are disabled: start the server with --token")
    auth = request.headers.get("authorization", "")
    scheme, _, given = auth.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(status_code=401, detail="missing or wrong bearer token",
                            headers={"WWW-Authenticate": "Bearer"})


def _ingest_limiter(app: Any) -> Any:
    """The app's own thread for uploads: a pipeline run (and its wait for the store's writer lock)
    must not hold one of the few threads that answer reads (`rasd.web.app.REQUEST_THREADS`)."""
    import anyio

    limiter = getattr(app.state, "ingest_limiter", None)
    if limiter is None:
        limiter = app.state.ingest_limiter = anyio.CapacityLimiter(1)
    return limiter


@router.post("/ingest", summary="Upload a file and run the pipeline on it (needs --token)",
             dependencies=[Depends(check_token)])
async def ingest(request: Request, file: UploadFile = File(...)) -> dict:
    """Run read → clean → extract → store on one uploaded file; 403 without --token, 401 without the bearer."""
    import anyio.to_thread

    from rasd.web.ingest import ingest_upload

    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(status_code=413, detail=f"file over {MAX_UPLOAD_BYTES} bytes")
    return await anyio.to_thread.run_sync(ingest_upload, request.app.state.db_path, file.filename or "upload.txt",
                                          data, limiter=_ingest_limiter(request.app))

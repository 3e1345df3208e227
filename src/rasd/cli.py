"""The `rasd` command line: one entry point, subcommands in pipeline order.

Errors are reported in a single line with a non-zero exit status; `--debug` adds the traceback.
Exit codes: 0 done, 1 error, 2 usage error or missing path, 3 done but some inputs were quarantined,
4 `rasd serve` cannot bind its address, 5 nothing was read (the inputs hold no records), 130 interrupted.
"""
from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from rasd import __version__
from rasd.cli_help import ClassicTyper, type_label
from rasd.cli_output import emit, out_console, plain, print_summary

EXIT_QUARANTINED = 3
EXIT_NOTHING_READ = 5
DEFAULT_DB = "rasd.db"

# Help text is Markdown, not Rich markup: `[read]` or `rasd[train]` in a help string is shown as
# written (Rich markup took them for style tags and dropped them), and `code` is set apart.
_HELP = dict(no_args_is_help=True, rich_markup_mode="markdown")
app = ClassicTyper(
    help="rasd (رصد): Arabic news pages -> clean documents -> a source-attributed record of events.",
    add_completion=False,
    pretty_exceptions_enable=False,
    **_HELP,
)
quarantine_app = ClassicTyper(help="Inspect inputs that were quarantined, with their reasons.", **_HELP)
gazetteer_app = ClassicTyper(help="Manage the place gazetteer (import fuller sources).", **_HELP)
train_app = ClassicTyper(help="Rebuild the shipped models from their training data, deterministically (needs rasd[train]).",
                         **_HELP)
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(gazetteer_app, name="gazetteer")
app.add_typer(train_app, name="train")

# markup and highlighting off: what rasd prints is file names, config keys and page text, where
# `[read]` or `[/b]` is data, not a style (issue 13 item 9)
err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)
_state = {"debug": False}


class CliError(Exception):
    """An error reported to the user as one line (traceback only with --debug)."""

    exit_code = 1


class PortError(CliError):
    """The port `rasd serve` was asked for cannot be bound (in use, or not allowed)."""

    exit_code = 4


class PathError(CliError):
    """A path on the command line that does not exist: nothing was read, created or written."""

    exit_code = 2


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit(0)


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """rasd (رصد): Arabic news pages -> clean documents -> a source-attributed record of events."""
    _state["debug"] = debug


def _progress_total(paths: list[str]) -> int | None:
    """Bytes the run's progress bar counts to: the inputs' sizes, or None (no total, the bar only
    counts) when an input is compressed: its records' bytes are the decompressed ones, which the
    files' sizes on disk would understate."""
    from rasd.ingest import iter_input_files
    from rasd.ingest.compressed import compression_of

    total = 0
    for p in iter_input_files(paths):
        if p == "-" or not os.path.isfile(p):
            continue
        try:
            with open(p, "rb") as f:
                if compression_of(f.read(4)):
                    return None
        except OSError:
            continue   # the reader quarantines it with its reason
        total += os.path.getsize(p)
    return total


def _open_store(db: str, must_exist: bool = False):
    if must_exist and "://" not in db and not Path(db).exists():
        raise CliError(f"no store at {db} (run `rasd run PATH --db {db}` first)")
    from rasd.store import open_store

    return open_store(db)


def _shown(db: str) -> str:
    """The store as messages name it: a URL without its password."""
    if "://" not in db:
        return db
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(db).render_as_string(hide_password=True)
    except ArgumentError:   # not a URL SQLAlchemy reads: shown as given
        return db


def _extract_stage(cfg_extract: dict, store):
    """The extraction stage, with the places the store holds (`rasd gazetteer import`) layered on the
    packaged gazetteer."""
    from rasd.config import build_options
    from rasd.extract.stage import ExtractOptions, ExtractStage

    opts = build_options(ExtractOptions, cfg_extract, "extract")
    imported = list(store.iter_places())
    if not imported:
        return opts, ExtractStage(opts)
    from rasd.extract.events import EventExtractor
    from rasd.extract.gazetteer import Gazetteer, PlaceFinder, merge_layers, place_from_record

    gaz = Gazetteer(merge_layers(list(Gazetteer.load_default().places()), map(place_from_record, imported)))
    return opts, ExtractStage(opts, extractor=EventExtractor(opts, places=PlaceFinder(gaz)))


def _check_port(host: str, port: int) -> None:
    """Bind the address once before serving: a busy port is an error (PortError), not a start-up
    message followed by the server's traceback."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise PortError(f"cannot serve on {host}:{port}: {e.strerror or e}") from None


def _check_paths(paths: List[str], db: str) -> None:
    """Every input path exists and --db's folder does, before anything is created (PathError)."""
    for p in paths:
        if p != "-" and not os.path.lexists(p):
            raise PathError(f"no such file: {p}")
    if "://" not in db and db != ":memory:":
        folder = Path(db).expanduser().parent
        if not folder.is_dir():
            raise PathError(f"no such folder for --db: {folder}")


def _writer_lock(db: str, waits: list | None = None):
    """The store's writer lock (rasd.store.lock): a second writer says it waits, then waits (and
    the moment it began waiting is appended to `waits`)."""
    from rasd.store.lock import writer_lock

    def on_wait(msg: str) -> None:
        if waits is not None:
            waits.append(time.perf_counter())
        err.print(Text(msg))

    return writer_lock(db, on_wait=on_wait)


def _pipeline(paths: List[str], db: str, config: Optional[str], extract: bool, reprocess: bool,
              overrides: dict, quiet: bool, workers: Optional[int] = None, engine: Optional[dict] = None) -> int:
    """read -> clean (-> extract -> link) into the store, holding its writer lock."""
    started = time.perf_counter()
    _check_paths(paths, db)
    waits: list[float] = []
    with _writer_lock(db, waits):
        waited = time.perf_counter() - waits[0] if waits else 0.0
        return _pipeline_locked(paths, db, config, extract, reprocess, overrides, quiet, started, waited, workers,
                                engine)


def _engine_class(name: str):
    """The engine `[run] engine` names: LocalEngine, or RayEngine (ImportError naming the extra)."""
    from rasd.engine.local import LocalEngine

    if name == "local":
        return LocalEngine
    if name != "ray":
        raise CliError(f'unknown engine "{name}": "local" or "ray"')
    try:
        from rasd.engine.ray import RayEngine, require_ray

        require_ray()
    except ImportError as e:
        raise CliError(str(e)) from None
    return RayEngine


def _pipeline_locked(paths: List[str], db: str, config: Optional[str], extract: bool, reprocess: bool,
                     overrides: dict, quiet: bool, started: float, waited: float = 0.0,
                     workers: Optional[int] = None, engine: Optional[dict] = None) -> int:
    from rasd.config import LinkRunOptions, build_options, load_config, options_dict
    from rasd.clean.pipeline import CleanOptions, CleanStage, load_lexicon
    from rasd.engine.local import EngineOptions, LearnReport, learn_site_state, stored_site_state
    from rasd.ingest import ReadOptions, read_paths

    timings: dict[str, float] = {"waiting for the writer lock": waited} if waited else {}
    clock = time.perf_counter
    cfg = load_config(config)
    cfg["read"].update({k: v for k, v in overrides.items() if v is not None})
    cfg["run"].setdefault("extract", extract)
    cfg["run"].setdefault("reprocess", reprocess)
    if workers is not None:
        cfg["run"]["workers"] = workers
    cfg["run"].update({k: v for k, v in (engine or {}).items() if v is not None})
    ingested_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    read_opts = build_options(ReadOptions, {**cfg["read"], "ingested_at": ingested_at}, "read")
    clean_opts = build_options(CleanOptions, cfg["clean"], "clean")
    run_opts = build_options(EngineOptions, cfg["run"], "run")
    link_opts = build_options(LinkRunOptions, cfg["link"], "link")
    use_embeddings = _use_embeddings(link_opts.embeddings) if run_opts.extract else None  # "on" but missing: error
    Engine = _engine_class(run_opts.engine)   # "ray" without Ray: say so before any work
    store = _open_store(db)
    extract_opts, extract_stage = _extract_stage(cfg["extract"], store) if run_opts.extract else (None, None)

    lexicon = load_lexicon(clean_opts.lexicon_dirs)
    timings["setup"] = clock() - started - waited   # config, store, lexicons, gazetteer and models
    # The pre-pass: what cleaning borrows from a page's site (boilerplate lines, the host's outlet),
    # learnt from these inputs and added to what the store holds, then frozen for the run
    # (rasd.clean.sitestate). Stdin cannot be read twice: it uses the stored state only.
    t = clock()
    learnt = LearnReport()
    if run_opts.learn_boilerplate and "-" not in paths:
        state = learn_site_state(store, read_paths(paths, read_opts), clean_opts, lexicon, workers=run_opts.workers,
                                 doc_timeout_s=run_opts.doc_timeout_s, report=learnt)
    else:
        state = stored_site_state(store)
    site_bp, site_outlets = state.boilerplate(), state.outlets()
    timings["learn boilerplate"] = clock() - t
    clean_stage = CleanStage(clean_opts, lexicon=lexicon, site_boilerplate=site_bp, site_outlets=site_outlets)

    resolved = {"read": options_dict(read_opts), "clean": options_dict(clean_opts), "run": options_dict(run_opts),
                "extract": options_dict(extract_opts) if extract_opts else None,
                "link": {**options_dict(link_opts), "embeddings_used": use_embeddings} if run_opts.extract else None,
                "paths": paths, "learned_boilerplate_lines": {k: len(v) for k, v in sorted(site_bp.items())},
                "site_state": {"pages": len(state), "pages_learnt_now": learnt.learnt, "pages_known": learnt.known,
                               "outlet_hosts": len(site_outlets), "version": state.summary()["version"]}}
    run_id = store.begin_run(resolved, __version__)
    total = _progress_total(paths)
    show = not quiet and err.is_terminal
    status = "running"
    link_counters: dict = {}
    # --engine ray: one Ray, started when first needed, for the engine and the linking after it
    session = _ray_session(run_opts) if run_opts.engine == "ray" else None
    extra = {"session": session} if session is not None else {}
    try:
        if show:
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

            with Progress(TextColumn("[bold]rasd run"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[n]} records"),
                          TimeRemainingColumn(), console=err) as bar:
                task = bar.add_task("run", total=total or None, n=0)
                engine = Engine(store, clean=clean_stage, extract=extract_stage, options=run_opts,
                                progress=lambda n, b: bar.update(task, completed=b, n=n), **extra)
                report = engine.run(read_paths(paths, read_opts, on_skip=engine.read_counters.dropped), run_id)
        else:
            engine = Engine(store, clean=clean_stage, extract=extract_stage, options=run_opts, **extra)
            report = engine.run(read_paths(paths, read_opts, on_skip=engine.read_counters.dropped), run_id)
        timings.update(report.timings_s)
        if run_opts.extract:
            # Linking fuses events across documents, so it follows extraction; `rasd ingest` stops at the
            # stored documents and `rasd extract` + `rasd link` (or a later `rasd run`) take it from there.
            t = clock()
            link_counters = _link_store(store, quiet=quiet, announce=False, embeddings=link_opts.embeddings,
                                        planner=_ray_planner(session, run_opts.workers) if session else None)
            timings["link"] = clock() - t
        # also when this run wrote nothing: the run it resumes may have been killed before indexing
        t = clock()
        _update_search(store)
        timings["search index"] = clock() - t
        status = "ok"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        if session is not None:
            session.close()
        if status != "ok":
            store.finish_run(run_id, {}, status="interrupted" if status == "interrupted" else "failed")
    wall_s = clock() - started
    store.finish_run(run_id, {"stages": report.counters, "quarantined": dict(report.quarantined),
                              "documents_written": report.documents_written, "records": report.records,
                              "skipped_done": report.skipped_done, "elapsed_s": round(report.elapsed_s, 3),
                              "link": link_counters,
                              "timings_s": {k: round(v, 3) for k, v in {**timings, "total": wall_s}.items()}})
    store.close()
    if not quiet:
        print_summary(report, err, timings, wall_s,
                        embeddings=_embeddings_note(link_opts.embeddings, use_embeddings) if run_opts.extract else None)
    if report.records == 0:
        # An empty JSON Lines file or folder: say so, even with --quiet, and exit non-zero so a
        # script notices that its feed was empty (issue 13 item 11).
        err.print(plain(f"nothing was read: no records in {', '.join(paths)} (empty file or folder?)"))
        return EXIT_NOTHING_READ
    return EXIT_QUARANTINED if report.quarantined else 0


def _ray_session(run_opts):
    """The Ray session of a `--engine ray` run (rasd.engine.ray.RaySession)."""
    from rasd.engine.ray import RaySession

    return RaySession(run_opts.address, run_opts.workers)


def _ray_planner(session, workers: int):
    """The Linker's planner for a `--engine ray` run: near duplicates and fusion on its Ray."""
    from rasd.engine.ray_link import RayLinkPlanner

    return RayLinkPlanner(workers=workers, session=session)


def _use_embeddings(mode: str) -> bool:
    """Whether linking uses sentence embeddings under `[link] embeddings = mode`; "on" without the
    encoder installed is an error naming the fix."""
    from rasd.link import embed

    available = embed.embeddings_available()
    if mode == "on" and not available:
        raise CliError(f'[link] embeddings = "on", but the sentence encoder is not installed: '
                       f'{embed.INSTALL_HINT} (or set [link] embeddings = "auto" or "off")')
    return mode == "on" or (mode == "auto" and available)


def _embeddings_note(mode: str, used: bool) -> str:
    """`embeddings on ([link] embeddings = "auto")`: the run summary's line on story clustering."""
    from rasd.link.embed import INSTALL_HINT

    why = f"; the encoder is not installed: {INSTALL_HINT}" if mode == "auto" and not used else ""
    return f'embeddings {"on" if used else "off"} ([link] embeddings = "{mode}"{why})'


def _update_search(store) -> None:
    """Index the new documents for search now, so a server already running on this store finds
    them (it indexes only when it starts). SQLite (FTS5) and PostgreSQL (`arabic` text search)
    stores have one; an in-memory SQLite store has none."""
    from rasd.store.search import update_search_index

    try:
        update_search_index(store)
    except TypeError:   # an in-memory SQLite store: no second connection to index from
        pass


_PATHS = typer.Argument(..., help="Files, folders (read recursively) or - for stdin: text, HTML, JSON Lines/JSON, "
                                   "CSV/TSV, Parquet, WARC; gzip or zstd compressed too (.jsonl.gz, .warc.gz, .csv.zst).")
_DB = typer.Option(DEFAULT_DB, "--db", help="SQLite file of the store, or a postgresql:// URL (pip install 'rasd[postgres]').")
_CONFIG = typer.Option(None, "--config", help="TOML file with [read] [clean] [extract] [run] [link] sections.")


def _pipeline_command(extract: bool, doc: str):
    """Build the `ingest` (extract=False) or `run` (extract=True) command: same options, one body."""

    def command(
        paths: List[str] = _PATHS,
        db: str = _DB,
        config: Optional[str] = _CONFIG,
        reprocess: bool = typer.Option(False, "--reprocess", help="Process records again even if already done."),
        text_field: Optional[str] = typer.Option(None, help="JSON Lines, CSV, Parquet: field (column) holding the article text."),
        title_field: Optional[str] = typer.Option(None, help="JSON Lines, CSV, Parquet: field (column) holding the title."),
        url_field: Optional[str] = typer.Option(None, help="JSON Lines, CSV, Parquet: field (column) holding the URL."),
        date_field: Optional[str] = typer.Option(None, help="JSON Lines, CSV, Parquet: field (column) holding the publication date."),
        outlet_field: Optional[str] = typer.Option(None, help="JSON Lines, CSV, Parquet: field (column) holding the outlet name."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or count table."),
        workers: Optional[int] = typer.Option(
            None, "--workers", min=1,
            help="Processes that clean and extract (default 1, or [run] workers); the results do not depend on it."),
        engine: Optional[str] = typer.Option(
            None, "--engine",
            help='"local" (default, or [run] engine): this process and forked workers; "ray": --workers Ray actors '
                 "clean and extract, and Ray tasks and actors find near duplicates and fuse events "
                 "(pip install rasd[ray]). The results do not depend on it."),
        address: Optional[str] = typer.Option(
            None, "--address", help='--engine ray: the Ray cluster to join ("auto", "ray://HOST:10001"); '
                                    "default: a local Ray with --workers CPUs for this run."),
    ) -> None:
        overrides = dict(text_field=text_field, title_field=title_field, url_field=url_field,
                         date_field=date_field, outlet_field=outlet_field)
        raise typer.Exit(_pipeline(paths, db, config, extract=extract, reprocess=reprocess, overrides=overrides,
                                   quiet=quiet, workers=workers, engine={"engine": engine, "address": address}))

    command.__doc__ = doc
    return command


app.command("ingest")(_pipeline_command(
    False, "Read, clean and store pages (no event extraction); bad inputs are quarantined."))
app.command("run")(_pipeline_command(
    True, "Ingest, clean, extract events and store: the whole pipeline over PATH... ."))


@app.command("learn")
def learn_cmd(
    paths: List[str] = typer.Argument(..., help="Files or folders (read recursively)."),
    db: str = _DB,
    config: Optional[str] = _CONFIG,
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Processes (default 1, or [run] workers)."),
) -> None:
    """Only the pre-pass: learn site boilerplate and host outlets from PATH... (all inputs or a
    sample) into the store, adding to what it holds; later runs clean with the merged state."""
    from rasd.clean.pipeline import CleanOptions, load_lexicon
    from rasd.config import build_options, load_config
    from rasd.engine.local import EngineOptions, LearnReport, learn_site_state
    from rasd.ingest import ReadOptions, read_paths

    _check_paths(paths, db)
    if "-" in paths:
        raise CliError("rasd learn reads its inputs once more at each run: give files or folders, not stdin")
    cfg = load_config(config)
    if workers is not None:
        cfg["run"]["workers"] = workers
    read_opts = build_options(ReadOptions, cfg["read"], "read")
    clean_opts = build_options(CleanOptions, cfg["clean"], "clean")
    run_opts = build_options(EngineOptions, cfg["run"], "run")
    report = LearnReport()
    with _writer_lock(db):
        store = _open_store(db)
        state = learn_site_state(store, read_paths(paths, read_opts), clean_opts, load_lexicon(clean_opts.lexicon_dirs),
                                 workers=run_opts.workers, doc_timeout_s=run_opts.doc_timeout_s, report=report)
        store.close()
    summary = state.summary()
    err.print(plain(f"{report.pages} pages: {report.learnt} learnt, {report.known} already known, {report.failed} failed; "
                    f"the store now holds {summary['pages']} pages, boilerplate for "
                    f"{len(summary['boilerplate_lines'])} sites, outlets for {summary['outlet_hosts']} hosts "
                    f"({report.elapsed_s:.1f} s)"))


@app.command("extract")
def extract_cmd(db: str = _DB, config: Optional[str] = _CONFIG) -> None:
    """Re-run event extraction over the documents already in the store."""
    from dataclasses import replace

    from rasd.config import LinkRunOptions, build_options, load_config

    cfg = load_config(config)
    link_opts = build_options(LinkRunOptions, cfg["link"], "link")
    _use_embeddings(link_opts.embeddings)   # "on" without the encoder: say so before any work
    store = _open_store(db, must_exist=True)
    with _writer_lock(db):
        _, stage = _extract_stage(cfg["extract"], store)
        n_docs = n_events = 0
        for doc in stage.run(replace(d, events=()) for d in store.iter_documents()):  # streamed, not loaded whole
            store.replace_events(doc.id, doc.events, meta=doc.meta)
            n_docs += 1
            n_events += len(doc.events)
        # fused events follow the new per-document events
        _link_store(store, quiet=True, embeddings=link_opts.embeddings)
    store.close()
    err.print(f"{n_docs} documents, {n_events} events")


@app.command("export")
def export_cmd(
    what: str = typer.Argument(..., help="documents or events"),
    db: str = _DB,
    fmt: str = typer.Option("jsonl", "--format", "-f", help="documents: jsonl|csv|parquet; events: jsonl|csv|geojson|acled"),
    out: Optional[str] = typer.Option(None, "--out", "-o", help="Output file (default: stdout)."),
    include_background: bool = typer.Option(
        False, "--include-background",
        help="events, geojson/acled: keep background events (opinion pages, before 1900, recalled history); "
             "jsonl/csv always keep them, marked `background`."),
) -> None:
    """Export documents or events with the fields of OUTPUT.md (JSON Lines on stdout by default), plus the
    page's `genre` and each event's `background` flag."""
    from rasd.store.export import export_documents, export_events

    if what not in ("documents", "events"):
        raise CliError(f"export what? {what!r}: use `documents` or `events`")
    store = _open_store(db, must_exist=True)
    binary = fmt == "parquet"
    if binary and out is None:
        raise CliError("parquet needs --out FILE")
    def fn(store, fmt, stream):
        if what == "documents":
            return export_documents(store, fmt, stream)
        return export_events(store, fmt, stream, include_background=include_background)

    if out is None:
        n = fn(store, fmt, sys.stdout)
    else:
        with open(out, "wb" if binary else "w", encoding=None if binary else "utf-8", newline="" if fmt == "csv" else None) as f:
            n = fn(store, fmt, f)
    store.close()
    err.print(f"{n} {what} exported", highlight=False)


def _link_store(store, quiet: bool = True, rebuild: bool = False, announce: bool | None = None,
                embeddings: str = "auto", planner=None) -> dict:
    """Link the store's documents not linked yet (duplicates, stories, fused events); return the counters.

    `embeddings` is the `[link] embeddings` setting: "auto", "on" or "off"; `planner` decides near
    duplicates and fusion elsewhere (rasd.link.plan; None: in this process)."""
    from rasd.link.embed import load_embedder
    from rasd.link.stage import Linker, member_from_row
    from rasd.store.links import drop_links, link_pending

    use = _use_embeddings(embeddings)
    if rebuild:
        drop_links(store)
    embed = load_embedder() if use else None
    if embed is not None:
        embed.start()   # its processes load the model while the store's links are read
    if embed is None and (not quiet if announce is None else announce):
        err.print(Text(f"link: {_embeddings_note(embeddings, False)}: stories from extracted features only"))
    try:
        result = link_pending(store, Linker(embed=embed, planner=planner), member_from_row)
    finally:
        if embed is not None:
            embed.close()
    if not quiet:
        err.print(Text("link: " + (", ".join(f"{k}={v}" for k, v in result.counters.items()) or "nothing new")))
    return result.counters


@app.command("link")
def link_cmd(
    db: str = _DB,
    rebuild: bool = typer.Option(False, "--rebuild", help="Forget every link and relink all documents."),
    config: Optional[str] = _CONFIG,
    engine: Optional[str] = typer.Option(
        None, "--engine", help='"local" (default, or [run] engine): in this process; "ray": --workers Ray tasks and '
                               "actors find near duplicates and fuse events (pip install rasd[ray]). "
                               "The links do not depend on it."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1,
                                          help="--engine ray: Ray link actors (default 1, or [run] workers)."),
    address: Optional[str] = typer.Option(
        None, "--address", help='--engine ray: the Ray cluster to join ("auto", "ray://HOST:10001"); '
                                "default: a local Ray with --workers CPUs."),
) -> None:
    """Link documents not linked yet: near duplicates, stories, one fused event per real-world event."""
    from rasd.config import LinkRunOptions, build_options, load_config
    from rasd.engine.local import EngineOptions

    cfg = load_config(config)
    cfg["run"].update({k: v for k, v in {"engine": engine, "workers": workers, "address": address}.items()
                       if v is not None})
    run_opts = build_options(EngineOptions, cfg["run"], "run")
    link_opts = build_options(LinkRunOptions, cfg["link"], "link")
    _use_embeddings(link_opts.embeddings)   # "on" without the encoder: say so before any work
    _engine_class(run_opts.engine)          # an unknown engine, or "ray" without Ray: say so too
    store = _open_store(db, must_exist=True)
    session = _ray_session(run_opts) if run_opts.engine == "ray" else None
    try:
        with _writer_lock(db):
            counters = _link_store(store, quiet=True, rebuild=rebuild, announce=True, embeddings=link_opts.embeddings,
                                   planner=_ray_planner(session, run_opts.workers) if session else None)
    finally:
        if session is not None:
            session.close()
    store.close()
    err.print("link: " + (", ".join(f"{k}={v}" for k, v in counters.items()) or "nothing new"))


@app.command("stories")
def stories_cmd(
    db: str = _DB,
    min_documents: int = typer.Option(2, "--min-documents", help="Only stories with at least this many documents."),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most this many stories."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of a table."),
) -> None:
    """List story clusters (documents about the same happening), largest first."""
    from rasd.store.links import list_stories

    store = _open_store(db, must_exist=True)
    rows = list_stories(store, min_documents=min_documents, limit=limit)
    store.close()
    emit(rows, as_json, f"{len(rows)} stories with >= {min_documents} documents",
          ("story", "docs", "events", "first", "last", "titles"),
          lambda r: (r["id"], r["n_documents"], r["n_events"], r["first_published"] or "", r["last_published"] or "",
                     " | ".join((d["title"] or d["doc_id"])[:60] for d in r["documents"][:4])),
          whole=("story", "docs", "events", "first", "last"))


@app.command("migrate")
def migrate_cmd(db: str = _DB) -> None:
    """Bring the store's schema to the newest Alembic revision (SQLite or PostgreSQL; needs rasd[migrations])."""
    from rasd.store import migrate

    store = _open_store(db, must_exist=True)
    try:
        before = migrate.current(store)
        with _writer_lock(db):
            after = migrate.upgrade(store)
    except ImportError as exc:
        raise CliError(str(exc)) from exc
    finally:
        store.close()
    err.print(f"schema at revision {after}" + (f" (was {before})" if before != after else " (already)"),
              highlight=False)


@app.command("search")
def search_cmd(
    query: str = typer.Argument(..., help="Arabic words (normalised and stemmed as the index is); every word must match."),
    db: str = _DB,
    limit: int = typer.Option(20, "--limit", min=1, help="At most this many documents."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines (id, title, score, snippet, highlights) instead of a table."),
) -> None:
    """Search the stored documents (best first, with a snippet around the hits): SQLite FTS5 or
    PostgreSQL's arabic text search, over the same normalised, stemmed words."""
    from rasd.store.read import prepare_search_index
    from rasd.web.queries import StoreReader

    _open_store(db, must_exist=True).close()
    prepare_search_index(db)   # index what a run left unindexed (an ingest, an older store)
    res = StoreReader(db).search(query, limit=limit)
    rows = [{k: r[k] for k in ("id", "title", "outlet", "published", "score", "snippet", "highlights")}
            for r in res["items"]]
    emit(rows, as_json, f"{res['total']} documents match {query!r}",
         ("id", "score", "title", "snippet"),
         lambda r: (r["id"][:12], r["score"], (r["title"] or "")[:50], r["snippet"][:120]),
         whole=("id", "score"))


@app.command("events")
def events_cmd(
    db: str = _DB,
    disputed: bool = typer.Option(False, "--disputed", help="Only events whose sources disagree."),
    min_sources: int = typer.Option(2, "--min-sources", help="Only events reported by at least this many documents."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines (the export record) instead of a table."),
) -> None:
    """List fused events (one per real-world event, with every source); `--disputed` shows disagreements."""
    from rasd.store.export import event_record
    from rasd.store.links import list_fused_events

    store = _open_store(db, must_exist=True)
    evs = list_fused_events(store, disputed=disputed, min_sources=1 if disputed else min_sources)
    store.close()
    def disputes(ev) -> str:
        return "; ".join(
            f"{d['field']}{':' + d['unit'] if d.get('unit') else ''}: "
            + " vs ".join(f"{s['value']} ({', '.join(map(str, s['sources']))})" for s in d["sides"])
            for d in ev.meta.get("disputes") or [])

    emit([event_record(ev) for ev in evs] if as_json else evs, as_json,
          f"{len(evs)} {'disputed ' if disputed else ''}fused events",
          ("id", "type", "place", "date", "modality", "sources", "disputes"),
          lambda ev: (ev.id, ev.type, (ev.location or {}).get("name") or "", (ev.date or {}).get("value") or "",
                      ev.modality, len(ev.meta.get("sources") or []), disputes(ev)),
          whole=("id", "date", "sources"))


#: `rasd serve`'s processes when --workers is not given: one per core up to this many (each holds
#: its own caches and connections to the store).
MAX_DEFAULT_WORKERS = 4


@app.command("serve")
def serve_cmd(
    db: str = _DB,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    token: Optional[str] = typer.Option(None, "--token", envvar="RASD_TOKEN",
                                        help="Enable POST /api/ingest for requests with 'Authorization: Bearer TOKEN'."),
    tiles_url: Optional[str] = typer.Option(None, "--tiles-url", help="XYZ tile URL template for the map (default: none, offline)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1,
                                          help="Server processes (uvicorn workers); default: one per CPU core, "
                                               f"at most {MAX_DEFAULT_WORKERS}."),
    cache_mb: int = typer.Option(64, "--cache-mb", min=0,
                                 help="Memory per process for cached API answers (0: no cache)."),
    allowed_host: List[str] = typer.Option([], "--allowed-host",
                                           help="Another Host name to answer besides the bound address and localhost (repeatable)."),
    threads: Optional[int] = typer.Option(None, "--threads", min=1,
                                          help="Threads per process that answer requests (default 2: more only "
                                               "time-slice one core and stretch every answer)."),
) -> None:
    """Serve the web pages and the JSON API over a store (read-only unless --token is given)."""
    from rasd.store.read import is_postgres

    postgres = is_postgres(db)
    if not postgres and ("://" in db or not Path(db).exists()):
        raise CliError(f"no store at {db} (run `rasd run PATH --db {db}` first)")
    try:
        import uvicorn

        from rasd.web.app import APP_ARGS_ENV, create_app, ensure_read_indexes, prepare_search_index, trusted_hosts
    except ImportError as exc:
        raise CliError(f"{exc}; install the web extra: pip install 'rasd[web]'") from exc
    hosts = trusted_hosts(host, allowed_host)
    # one process answers on one core at a time (the GIL): a second one on a 2-core machine served
    # about 40 % more requests a second under the load bench (issue 12)
    workers = workers or max(1, min(MAX_DEFAULT_WORKERS, os.cpu_count() or 1))
    from rasd.web.app import REQUEST_THREADS

    threads = threads or REQUEST_THREADS
    _check_port(host, port)
    err.print(f"rasd serving {_shown(db)} on http://{host}:{port}/  (API docs at /docs; "
              f"writes {'enabled with token' if token else 'disabled'}; {workers} worker(s))", highlight=False)
    if workers == 1:
        uvicorn.run(create_app(db, token=token, tiles_url=tiles_url, cache_mb=cache_mb, allowed_hosts=hosts,
                               threads=threads),
                    host=host, port=port, log_level="warning")
        return
    # the start-up writes once, here; then each worker process builds the app without them
    ensure_read_indexes(db)
    prepare_search_index(db)
    os.environ[APP_ARGS_ENV] = json.dumps({"db": db if postgres else str(Path(db).resolve()), "token": token, "tiles_url": tiles_url,
                                           "cache_mb": cache_mb, "index": False, "allowed_hosts": hosts,
                                           "threads": threads})
    from rasd.web.serve import serve_workers

    config = uvicorn.Config("rasd.web.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                            log_level="warning")
    # each worker on a listening socket of its own, so connections spread evenly (rasd.web.serve)
    if serve_workers(config, workers):
        raise typer.Exit(1)


@quarantine_app.command("list")
def quarantine_list(
    db: str = _DB,
    reason: Optional[str] = typer.Option(None, help="Only this reason."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of a table."),
) -> None:
    """List quarantined inputs: path, record, stage, reason, detail."""
    store = _open_store(db, must_exist=True)
    rows = store.list_quarantine(reason)
    store.close()
    emit(rows, as_json, f"{len(rows)} quarantined",
          ("id", "path", "record", "stage", "reason", "detail", "raw_sha256"),
          lambda r: (r.get("id"), r.get("path"), r.get("record") or "", r.get("stage"), r.get("reason"),
                     str(r.get("detail"))[:160], (r.get("raw_sha256") or "")[:12]),
          whole=("id", "record", "raw_sha256"), fold=("path",))


@quarantine_app.command("raw")
def quarantine_raw(sha256: str = typer.Argument(..., help="raw_sha256 (or a unique prefix) of the quarantined input"),
                   db: str = _DB) -> None:
    """Write a quarantined input's raw bytes to stdout (nothing is lost)."""
    store = _open_store(db, must_exist=True)
    if len(sha256) < 64:  # a prefix as shown by `quarantine list`
        full = {r["raw_sha256"] for r in store.list_quarantine() if (r.get("raw_sha256") or "").startswith(sha256)}
        if len(full) != 1:
            store.close()
            raise CliError(f"{len(full)} quarantined inputs match prefix {sha256!r}; give more characters")
        sha256 = full.pop()
    data = store.get_raw(sha256)
    store.close()
    if data is None:
        raise CliError(f"no raw bytes kept for {sha256} (unknown, or too large to keep: see its path)")
    sys.stdout.buffer.write(data)


@app.command("stats")
def stats_cmd(db: str = _DB, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Counts in the store: inputs, documents, duplicates, removed pieces by reason, quarantine, events, runs."""
    store = _open_store(db, must_exist=True)
    s = store.stats()
    store.close()
    if as_json:
        typer.echo(json.dumps(s, ensure_ascii=False, indent=2, default=str))
        return
    console = out_console()
    table = Table(title=plain(f"store {_shown(db)}"))
    table.add_column("what")
    table.add_column("count")
    def rows(prefix: str, value):
        if isinstance(value, dict):
            for kk, vv in value.items():
                yield from rows(f"{prefix}.{kk}" if prefix else str(kk), vv)
        else:
            yield prefix, str(value)

    for k, v in rows("", s):
        table.add_row(plain(k), plain(v))
    console.print(table)


@app.command("runs")
def runs_cmd(db: str = _DB, as_json: bool = typer.Option(False, "--json", help="JSON Lines (every setting and count) instead of a table.")) -> None:
    """List the runs kept in the store (an id begins with its UTC start time): status, version, records, documents, seconds, and whether story clustering used embeddings."""
    store = _open_store(db, must_exist=True)
    rows = store.list_runs()
    store.close()

    def embeddings(r: dict) -> str:
        link = (r.get("config") or {}).get("link")
        if not link:
            return ""   # `rasd ingest` (no linking), or a run from before the setting
        return f'{"on" if link.get("embeddings_used") else "off"} ({link.get("embeddings")})'

    def seconds(r: dict) -> str:
        total = ((r.get("counts") or {}).get("timings_s") or {}).get("total")
        return f"{total:.1f}" if isinstance(total, (int, float)) else ""

    emit(rows, as_json, f"{len(rows)} runs in {_shown(db)}",
          ("id", "status", "version", "records", "docs", "seconds", "embeddings"),   # the id starts with the UTC time
          lambda r: (r["id"], r["status"], r["version"], (r.get("counts") or {}).get("records", ""),
                     (r.get("counts") or {}).get("documents_written", ""), seconds(r), embeddings(r)),
          whole=("id", "embeddings"))


@app.command("eval")
def eval_cmd(
    which: str = typer.Option("seeds", "--set", help="seeds | train | dev | test | all (the labelled corpus in --labels)."),
    shared: str = typer.Option(str(Path("..") / "shared"), help="The shared folder: seeds, gold, corpora, scorer."),
    labels: str = typer.Option("", help="Folder of the labelled corpus (articles.jsonl, gold/); default: eval/ here or in the repository."),
    db: str = typer.Option("", help="Store to use (default: a temporary file)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object instead of tables."),
    errors: int = typer.Option(0, help="Also list the first N missed and spurious events."),
    config: Optional[str] = _CONFIG,
) -> None:
    """Run the pipeline on labelled pages (the seeds or the labelled corpus) and print recall, precision and a breakdown."""
    import io
    import tempfile

    from rasd.evaluation.corpus import SETS, CorpusMissing, LabelledCorpus
    from rasd.evaluation.report import format_report
    from rasd.evaluation.scoring import evaluate, load_scorer

    sh = Path(shared)
    scorer = sh / "tools" / "score.py"
    if not scorer.exists():
        raise CliError(f"not found: {scorer} (eval needs ../shared)")
    sc = load_scorer(scorer)
    if which not in ("seeds", *SETS):
        raise CliError(f"--set must be one of seeds, {', '.join(SETS)}, not {which!r}")
    with tempfile.TemporaryDirectory() as tmp:
        dbp = db or str(Path(tmp) / "eval.db")
        out: dict = {"set": which}
        if which == "seeds":
            seeds, gold_dir = sh / "seeds", sh / "gold"
            for p in (seeds, gold_dir):
                if not p.exists():
                    raise CliError(f"not found: {p} (eval needs ../shared)")
            gold = sc.load_jsonl(str(gold_dir / "events.jsonl"))
            inputs, genres = [str(seeds)], {}
        else:
            ldir = Path(labels) if labels else _labels_dir()
            try:
                corpus = LabelledCorpus.load(ldir, sh)
                arts = corpus.labelled(which)
                if not arts:
                    raise CliError(f"no labelled articles in set {which!r} under {ldir}")
                keys = [a["key"] for a in arts]
                corpus.write_input(keys, Path(tmp) / "input.jsonl")
                gold = corpus.gold_events(keys)
            except CorpusMissing as e:
                raise CliError(f"cannot evaluate here: {e}")
            inputs, genres = [str(Path(tmp) / "input.jsonl")], corpus.pages
        _pipeline(inputs, dbp, config, extract=True, reprocess=True, overrides={}, quiet=True)
        from rasd.store.export import export_documents, export_events

        store = _open_store(dbp)
        buf_d, buf_e = io.StringIO(), io.StringIO()
        export_documents(store, "jsonl", buf_d)
        export_events(store, "jsonl", buf_e)
        store.close()
    docs = [json.loads(l) for l in buf_d.getvalue().splitlines() if l.strip()]
    events = [json.loads(l) for l in buf_e.getvalue().splitlines() if l.strip()]
    if which == "seeds":
        outlets = {k: d.get("outlet") or "?" for d in docs for k in sc.page_keys(d)}
        out["cleaning"], _rows = sc.score_cleaning(docs, sc.load_jsonl(str(sh / "gold" / "cleaning.jsonl")))
    else:
        outlets = {a["key"]: a["outlet"] for a in arts}
    from rasd.evaluation.geocode import gold_geocoder

    rep = evaluate(sc, docs, events, gold, genres=genres, outlets=outlets, geocode=gold_geocoder())
    rep["pages"] = len({g["doc"] for g in gold}) if which == "seeds" else len(arts)
    out["events"] = rep
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    if "cleaning" in out:
        c = out["cleaning"]
        print("== cleaning on seeds: " + "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                                   for k, v in c.items()))
    print(format_report(which, rep, errors=errors))


def _labels_dir() -> Path:
    """eval/ in the working directory, else beside the source tree (an editable install)."""
    here = Path("eval")
    if (here / "articles.jsonl").exists():
        return here
    return Path(__file__).resolve().parents[2] / "eval"


@train_app.command("events")
def train_events_cmd(
    shared: str = typer.Option(str(Path("..") / "shared"), help="The shared folder holding the corpora."),
    labels: str = typer.Option("", help="Folder of the labelled corpus (default: eval/ here or in the repository)."),
    out: str = typer.Option("", "--out", "-o", help="Model file to write (default: the packaged model)."),
) -> None:
    """Train the event model (triggers to add, candidates to keep) on the training part of the labelled corpus, deterministically."""
    from rasd.evaluation.corpus import CorpusMissing, LabelledCorpus
    from rasd.extract.events_model import MODEL_PATH

    try:
        from rasd.evaluation.train_events import train
    except ImportError as e:  # pragma: no cover - depends on the install
        raise CliError(f"training needs scikit-learn: pip install 'rasd[train]' ({e})")
    try:
        corpus = LabelledCorpus.load(Path(labels) if labels else _labels_dir(), Path(shared))
        model = train(corpus, log=lambda m: err.print(Text(m)))
    except (CorpusMissing, FileNotFoundError) as e:
        raise CliError(f"cannot train here: {e}")
    path = Path(out) if out else MODEL_PATH
    model.save(path)
    err.print(Text(f"model written to {path} ({path.stat().st_size // 1024} KB)"))


@train_app.command("genre")
def train_genre(
    labels: str = typer.Option("", help="Folder of the labelled corpus (articles.jsonl, gold/); default: eval/ here or in the repository."),
    shared: str = typer.Option(str(Path("..") / "shared"), help="The shared folder with the corpora."),
    out: str = typer.Option("", "--out", "-o", help="Model file to write (default: the packaged rasd/data/models/genre.json)."),
) -> None:
    """Retrain the page-genre model on the train part of the labelled corpus (deterministic) and print its CV scores."""
    from rasd.evaluation.corpus import CorpusMissing
    from rasd.extract.genre_train import default_model_path, train, training_pages, write_model

    try:
        docs, genres = training_pages(Path(labels) if labels else _labels_dir(), shared, "train")
        model, tried = train(docs, genres)
    except CorpusMissing as e:
        raise CliError(f"cannot train here: {e}")
    path = out or str(default_model_path())
    write_model(model, path)
    for t in tried:
        err.print(f"C={t['C']}: cv accuracy {t['accuracy']}  f1 {t['f1']}", highlight=False)
    typer.echo(json.dumps({"out": path, **model["card"]}, ensure_ascii=False))


@gazetteer_app.command("import")
def gazetteer_import(
    source: str = typer.Argument(..., help="A GeoNames dump (SY.txt), an OpenSyria folder or an OCHA populated-places table (CSV or HDX .xlsx)."),
    fmt: str = typer.Option("auto", "--format",
                            help="geonames | opensyria | ocha | auto (a folder is opensyria, an .xlsx or a CSV with a P-code column ocha, else geonames)"),
    db: str = _DB,
    out: Optional[str] = typer.Option(None, "--out", "-o", help="Also write the places to this JSON file."),
) -> None:
    """Import places from a GeoNames dump, OpenSyria JSON or OCHA's populated places (villages, quarters) into the store; later runs layer them on the gazetteer."""
    from rasd.extract.gazetteer import import_geonames, import_ocha, import_opensyria, save_places
    from rasd.extract.places.importers import looks_like_ocha

    p = Path(source)
    if not p.exists():
        raise CliError(f"not found: {source}")
    if fmt not in ("auto", "geonames", "opensyria", "ocha"):
        raise CliError(f"unknown --format {fmt!r}: geonames, opensyria, ocha or auto")
    kind = fmt if fmt != "auto" else ("opensyria" if p.is_dir() else "ocha" if looks_like_ocha(p) else "geonames")
    importer = {"opensyria": import_opensyria, "ocha": import_ocha, "geonames": import_geonames}[kind]
    try:
        places = importer(str(p))
    except (ValueError, UnicodeDecodeError, OSError, ImportError) as exc:
        raise CliError(f"{source}: {exc}") from exc
    if not places:
        raise CliError(f"{source}: no places with an Arabic name and coordinates found (format {kind})")
    store = _open_store(db)
    n = store.put_places((pl.to_record() for pl in places), source=f"{kind}:{p.name}")
    store.close()
    if out:
        save_places(places, out)
    err.print(f"{n} places from {kind} stored in {_shown(db)}" + (f" and written to {out}" if out else ""),
              highlight=False)


def _walk_commands(group, prefix: str):
    """Yield (full name, click command) for every command under `group`, in declaration order."""
    for name, cmd in group.commands.items():
        full = f"{prefix} {name}"
        if getattr(cmd, "hidden", False):
            continue
        yield full, cmd
        if hasattr(cmd, "commands"):
            yield from _walk_commands(cmd, full)


def cli_reference() -> str:
    """The CLI reference in Markdown, generated from the commands' own help (docs/CLI.md)."""
    root = typer.main.get_command(app)
    lines = ["# rasd command reference", "",
             "Generated from `--help` by `rasd cli-reference > docs/CLI.md`; a test fails when it is stale.", ""]
    for full, cmd in _walk_commands(root, "rasd"):
        lines += [f"## `{full}`", "", (cmd.help or "").strip(), ""]
        args = [p for p in cmd.params if p.param_type_name == "argument"]
        opts = [p for p in cmd.params if p.param_type_name == "option" and p.name != "help"]
        if args or opts:
            lines += ["| argument / option | help |", "|---|---|"]
        for p in args:
            lines.append(f"| `{p.name.upper()}` {type_label(p)} | {(getattr(p, 'help', None) or '').strip()} |")
        for p in opts:
            names = ", ".join(f"`{o}`" for o in p.opts + p.secondary_opts) + (f" {type_label(p)}" if type_label(p) else "")
            default = "" if p.default in (None, False, "") else f" (default: `{p.default}`)"
            lines.append(f"| {names} | {(p.help or '').strip()}{default} |")
        lines.append("")
    return "\n".join(lines)


@train_app.command("ner")
def train_ner(
    shared: str = typer.Option(str(Path("..") / "shared"), help="The shared folder holding data/anercorp/ANERCorp.txt."),
    corpus: str = typer.Option("", help="An ANERcorp file (overrides --shared)."),
    out: str = typer.Option("", help="Model path (default: the shipped rasd/data/models/ner_anercorp.crfsuite)."),
) -> None:
    """Train the CRF name tagger on ANERcorp's first 83 %, score it on the rest, write the model and its card."""
    from rasd.extract.ner.train import ANERCORP, train

    path = Path(corpus) if corpus else Path(shared) / ANERCORP
    try:
        card = train(path, out or None)
    except (FileNotFoundError, ImportError, ValueError) as e:
        raise CliError(str(e))
    t = card["test"]
    print(f"model {card['model']}: {card['model_bytes'] / 1e6:.1f} MB, {card['active_features']} features, "
          f"trained in {card['train_seconds']}s on {card['split']['train_tokens']} tokens")
    print(f"test part ({t['tokens']} tokens): token accuracy {t['token_accuracy']:.4f}")
    print(f"  {'type':<8}{'precision':>10}{'recall':>10}{'F1':>8}")
    for name, sc in [*t["per_type"].items(), ("overall", t["overall"])]:
        print(f"  {name:<8}{sc['precision']:>10.3f}{sc['recall']:>10.3f}{sc['f1']:>8.3f}")


@app.command("cli-reference", hidden=True)
def cli_reference_cmd() -> None:
    """Print the Markdown CLI reference generated from every command's help."""
    typer.echo(cli_reference())


def main() -> None:
    """Entry point: run the app, turning errors into one line unless --debug."""
    from rasd.config import ConfigError

    try:
        rc = app(standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except SystemExit:
        raise
    except (CliError, ConfigError, OSError) as e:
        if _state["debug"]:
            raise
        err.print(plain(f"error: {e}"))
        sys.exit(getattr(e, "exit_code", 1))
    except Exception as e:  # noqa: BLE001 - the CLI boundary: one line, traceback with --debug
        # Typer vendors its own click, so usage errors are recognised by shape, not by class.
        if hasattr(e, "show") and isinstance(getattr(e, "exit_code", None), int):
            if type(e).__name__ == "NoArgsIsHelpError":
                sys.exit(0)
            e.show()
            sys.exit(e.exit_code)
        if type(e).__name__ == "Abort":
            err.print("aborted")
            sys.exit(130)
        if _state["debug"]:
            raise
        err.print(plain(f"error: {type(e).__name__}: {e} (rerun with --debug for the traceback)"))
        sys.exit(1)


if __name__ == "__main__":
    main()

"""The corpus-search command: thin click wrappers over the library.

Library errors become one `Error: ...` line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import time
from pathlib import Path

import click

from . import build
from .errors import CorpusSearchError
from .language import language_name
from .search import CorpusIndex, QuoteResults, SearchResults, make_query, make_quote_query

DEFAULT_CORPUS = os.environ.get("CORPUS_SEARCH_CORPUS", "corpus")
DEFAULT_INDEX = os.environ.get("CORPUS_SEARCH_INDEX", "index")

index_option = click.option(
    "--index", "index_dir", default=DEFAULT_INDEX, show_default=True,
    type=click.Path(file_okay=False), help="Index folder.",
)


class Group(click.Group):
    """Turns library errors into `Error: ...` and an exit code, for every command; with
    --json, also the error as the HTTP API gives it, on standard output, for a script."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CorpusSearchError as exc:
            click.echo(f"Error: {exc}", err=True)
            if ctx.meta.get(_JSON):
                error: dict[str, object] = {"message": str(exc)}
                if getattr(exc, "parameter", None):
                    error["parameter"] = exc.parameter
                click.echo(json.dumps({"error": error}, ensure_ascii=False))
            ctx.exit(exc.exit_code)


_JSON = "corpus_search.json"  # ctx.meta: the command was asked for JSON


def json_option(help: str):  # noqa: A002 - click's name
    """--json, remembered where Group's error handling can see it."""
    def remember(ctx: click.Context, _param, value: bool) -> bool:
        ctx.meta[_JSON] = value
        return value
    return click.option("--json", "as_json", is_flag=True, help=help, callback=remember)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="corpus-search")
def main() -> None:
    """Search a corpus of news coverage: build the index, inspect documents, search."""


# --------------------------------------------------------------------------- index


class _Progress:
    """A progress bar on a terminal; a line every 10% when output goes to a log."""

    def __init__(self) -> None:
        self.bar = None
        self.tty = sys.stderr.isatty()
        self.next_report = 0.0

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.tty:
            if self.bar is None:
                self.bar = click.progressbar(length=total, label="Indexing", file=sys.stderr,
                                             show_pos=True, show_eta=True, width=30)
                self.bar.__enter__()
            self.bar.update(1)
        elif total and done / total >= self.next_report:
            click.echo(f"Indexing: {done}/{total} files ({done / total:.0%})", err=True)
            self.next_report += 0.1
        if done == total:  # what follows can take a while on a large corpus: say what it is
            self.close()
            click.echo("Writing the index (sorting and saving postings)...", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.command("index")
@click.option("--corpus", "corpus_dir", default=DEFAULT_CORPUS, show_default=True,
              type=click.Path(file_okay=False), help="Corpus folder.")
@index_option
@click.option("--rebuild", is_flag=True, help="Start over instead of updating what changed.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes preparing documents in parallel (default: one per CPU).")
@json_option("Print the build report as JSON.")
def index_cmd(corpus_dir: str, index_dir: str, rebuild: bool, workers: int | None,
              as_json: bool) -> None:
    """Build or update the index from the corpus folder."""
    progress = _Progress()
    try:
        report = build.build_index(Path(corpus_dir), Path(index_dir), rebuild=rebuild,
                                   progress=progress, workers=workers)
    finally:
        progress.close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
        return
    click.echo(
        f"Indexed {report.indexed} documents in {report.seconds:.1f} s"
        f"{' (full rebuild)' if report.rebuilt else ''}: "
        f"{len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed, "
        f"{len(report.skipped)} skipped"
        + (f" ({len(report.kept)} of them kept as indexed before)." if report.kept else ".")
    )
    for s in report.skipped:
        click.echo(f"  skipped {s.path}: {s.reason}")
    for w in report.warnings:
        click.echo(f"  warning: {w}")


# --------------------------------------------------------------------------- show


@main.command()
@click.argument("doc_id")
@index_option
@json_option("Print every field as JSON.")
def show(doc_id: str, index_dir: str, as_json: bool) -> None:
    """Show one document: every stored field, where it came from, and what was removed."""
    with CorpusIndex(index_dir) as ix:
        doc = ix.document(doc_id)
    data = doc.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    prov = data["provenance"]

    def line(label: str, value: object, key: str | None = None) -> None:
        if value in (None, "", []):
            value = click.style("-", dim=True)
        src = prov.get(key or label.lower())
        suffix = click.style(f"  [{src}]", dim=True) if src else ""
        click.echo(f"{label:>18}: {value}{suffix}")

    click.echo(click.style(data["title"] or doc.id, bold=True))
    line("Id", doc.id, "-")
    line("Outlet", data["outlet"])
    if doc.also_in:
        line("Also in", "; ".join(doc.also_in), "also_in")
    if doc.series:
        line("Series", doc.series)
    line("Date", f"{data['date']} ({data['date_precision']})" if data["date"] else None)
    lang = f"{language_name(doc.language)} ({doc.language}, {doc.language_confidence:.2f})"
    line("Language", lang)
    if doc.translated:
        line("Translated from", language_name(doc.original_language) or "unknown language",
             "translated")
    line("Original title", data["original_title"])
    line("Type", data["doc_type"], "doc_type")
    line("Author", data["author"])
    line("URL", data["url"])
    line("Organizations", "; ".join(data["organizations"]))
    line("People", "; ".join(data["people"]))
    click.echo()
    click.echo(doc.body)
    if doc.removed:
        click.echo()
        click.echo(click.style(f"Removed by the cleaner ({len(doc.removed)}):", bold=True))
        for r in doc.removed:
            click.echo(f"  - [{r.reason}] {r.text}")


# --------------------------------------------------------------------------- stats


@main.command()
@index_option
@json_option("Print the statistics as JSON.")
def stats(index_dir: str, as_json: bool) -> None:
    """Documents per outlet, language, year and type; index size."""
    with CorpusIndex(index_dir) as ix:
        st = ix.stats()
    if as_json:
        click.echo(json.dumps(st.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{st.documents} documents, {st.translated} translated; index "
               f"{st.index_bytes / 1e6:.2f} MB ({st.generation})")
    for title, counts in (("Outlets", st.by_outlet), ("Languages", st.by_language),
                          ("Years", st.by_year), ("Types", st.by_doc_type)):
        click.echo(f"\n{title}:")
        for value, n in counts.items():
            click.echo(f"  {n:6d}  {value}")


# --------------------------------------------------------------------------- search


def _emphasise(fragment: str) -> str:
    """Snippet HTML to terminal text: <mark> becomes bold, entities are unescaped."""
    parts = re.split(r"(<mark[^>]*>.*?</mark>)", fragment)
    out = []
    for part in parts:
        m = re.fullmatch(r"<mark[^>]*>(.*?)</mark>", part)
        if m:
            out.append(click.style(html.unescape(m.group(1)), bold=True, underline=True))
        else:
            out.append(html.unescape(part))
    return "".join(out)


@main.command()
@click.argument("query", required=False, default="")
@click.option("--outlet", multiple=True, help="Only this outlet (repeat for several: OR).")
@click.option("--org", multiple=True, help="Only documents mentioning this organization.")
@click.option("--person", multiple=True, help="Only documents mentioning this person.")
@click.option("--lang", multiple=True, help="Language code, e.g. en, es.")
@click.option("--type", "doc_type", multiple=True,
              help="press release, blog post, interview or news article.")
@click.option("--from", "date_from", help="From date: 2019, 2019-08 or 2019-08-11.")
@click.option("--to", "date_to", help="To date: 2019, 2019-08 or 2019-08-11.")
@click.option("--translated", help="true: only translations; false: only originals.")
@click.option("--original-lang", help="Only translations from this language.")
@click.option("--sort", default="relevance", show_default=True,
              help="relevance, newest or oldest.")
@click.option("--page", default="1", show_default=True, help="Page number.")
@click.option("--per-page", default="10", show_default=True, help="Hits per page (1-100).")
@click.option("--exact", is_flag=True, help="Match word forms as written (no stemming).")
@json_option("Print the HTTP API's JSON object.")
@index_option
def search(query, outlet, org, person, lang, doc_type, date_from, date_to, translated,
           original_lang, sort, page, per_page, exact, as_json, index_dir) -> None:
    """Search the index. QUERY uses Whoosh syntax: AND OR NOT, "phrases", "a b"~3, word~,
    wildcards*, title: outlet: org: person: author: lang: type: year: date:[2019-01 TO 2019-06]."""
    sq = make_query(q=query, outlet=outlet, org=org, person=person, lang=lang, type=doc_type,
                    date_from=date_from, date_to=date_to, sort=sort, page=page,
                    per_page=per_page, exact=exact, translated=translated,
                    original_lang=original_lang)
    with CorpusIndex(index_dir) as ix:
        results = ix.search(sq)
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_results(results)


def _print_results(r: SearchResults) -> None:
    first = (r.page - 1) * r.per_page + 1
    last = first + len(r.hits) - 1
    shown = f"{first}-{last} of " if r.hits else ""
    click.echo(click.style(f"{shown}{r.total} documents", bold=True) +
               click.style(f"  query: {r.parsed_query}", dim=True))
    for note in r.notes:
        click.echo(click.style(f"note: {note}", fg="yellow"))
    if r.suggestion:
        click.echo(f"Did you mean: {click.style(r.suggestion, bold=True)}?")
    for i, h in enumerate(r.hits, first):
        facts = [x for x in (h.outlet, h.date, h.doc_type) if x]
        lang = h.language + (f", translated from {language_name(h.original_language)}"
                             if h.translated and h.original_language else
                             ", translated" if h.translated else "")
        click.echo()
        click.echo(f"{i:>3}. " + click.style(_emphasise(h.title_html or h.title or h.id),
                                             bold=True))
        click.echo(f"     {' · '.join(facts)} [{lang}]" + click.style(f"  {h.id}", dim=True))
        for snip in h.snippets:
            click.echo("     " + _emphasise(snip))
    if r.total:
        click.echo()
        for name in ("outlet", "doc_type", "year"):
            values = ", ".join(f"{v.value} ({v.count})" for v in r.facets[name][:8])
            click.echo(click.style(f"{name}: ", dim=True) + values)
    if r.total > r.page * r.per_page:
        click.echo(click.style(f"page {r.page} of {r.pages}: --page {r.page + 1} for more",
                               dim=True))


# --------------------------------------------------------------------------- quotes


@main.command()
@click.argument("query", required=False, default="")
@click.option("--speaker", multiple=True, help="Only this speaker (repeat for several: OR).")
@click.option("--outlet", multiple=True, help="Only quotations from this outlet.")
@click.option("--kind", multiple=True,
              help="speech, written statement, sign/slogan, interview answer or question.")
@click.option("--lang", multiple=True, help="Language code of the quotation's text.")
@click.option("--from", "date_from", help="From date: 2019, 2019-08 or 2019-08-11.")
@click.option("--to", "date_to", help="To date: 2019, 2019-08 or 2019-08-11.")
@click.option("--translated", help="true: only quotations read in translation.")
@click.option("--sort", default="relevance", show_default=True,
              help="relevance, newest or oldest.")
@click.option("--page", default="1", show_default=True, help="Page number.")
@click.option("--per-page", default="10", show_default=True, help="Hits per page (1-100).")
@click.option("--exact", is_flag=True, help="Match the wording as written (no stemming).")
@json_option("Print the HTTP API's JSON object.")
@index_option
def quotes(query, speaker, outlet, kind, lang, date_from, date_to, translated, sort, page,
           per_page, exact, as_json, index_dir) -> None:
    """Search quotations: who said what, where and when."""
    qq = make_quote_query(q=query, speaker=speaker, outlet=outlet, kind=kind, lang=lang,
                          date_from=date_from, date_to=date_to, translated=translated,
                          sort=sort, page=page, per_page=per_page, exact=exact)
    with CorpusIndex(index_dir) as ix:
        results = ix.search_quotes(qq)
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_quotes(results)


def _print_quotes(r: QuoteResults) -> None:
    first = (r.page - 1) * r.per_page + 1
    click.echo(click.style(f"{r.total} quotations", bold=True) +
               click.style(f"  query: {r.parsed_query}", dim=True))
    for note in r.notes:
        click.echo(click.style(f"note: {note}", fg="yellow"))
    if r.suggestion:
        click.echo(f"Did you mean: {click.style(r.suggestion, bold=True)}?")
    for i, h in enumerate(r.hits, first):
        who = h.speaker or "(speaker not named)"
        if h.affiliation:
            who += f", {h.affiliation}"
        click.echo()
        click.echo(f"{i:>3}. “{_emphasise(h.snippet)}”")
        click.echo(f"     — {click.style(who, bold=True)} [{h.kind}]")
        src = " · ".join(x for x in (h.outlet, h.date, h.title) if x)
        warn = click.style("  (translation: not the speaker's own words)", fg="yellow") \
            if h.translated else ""
        click.echo(f"     {src}{warn}" + click.style(f"  {h.doc_id}#q", dim=True) +
                   click.style(f"{h.id.rsplit('#q', 1)[-1]}", dim=True))
    if r.total:
        click.echo()
        for name in ("speaker", "kind"):
            values = ", ".join(f"{v.value} ({v.count})" for v in r.facets[name][:8])
            click.echo(click.style(f"{name}: ", dim=True) + values)


# --------------------------------------------------------------------------- serve


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@index_option
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads per process.")
@click.option("--processes", type=click.IntRange(1, 64), default=None,
              help="Server processes sharing the port (default: one per CPU).")
def serve(host: str, port: int, index_dir: str, threads: int, processes: int | None) -> None:
    """Serve the web UI and the JSON API (waitress, a production WSGI server)."""
    import socket

    processes = processes or os.cpu_count() or 1
    if not hasattr(os, "fork"):
        processes = 1
    if build.current_generation(Path(index_dir)) is None:
        click.echo(f"warning: no index in {index_dir} yet; pages will say so until "
                   f"`corpus-search index --index {index_dir}` has run", err=True)
    try:
        sock = socket.create_server((host, port), backlog=1024)
    except OSError as exc:
        raise CorpusSearchError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    click.echo(f"Serving corpus search on http://{host}:{port}/ (index: {index_dir}, "
               f"{processes} process{'es' if processes > 1 else ''}); Ctrl-C stops it.",
               err=True)
    from search_ui import create_app

    app = create_app({"INDEX_DIR": index_dir})
    started = time.monotonic()
    try:  # before forking: every process inherits the tables instead of building its own
        app.extensions["corpus_index"].warm()
    except Exception as exc:  # noqa: BLE001 - requests will report what is wrong
        click.echo(f"warning: could not prepare the index ahead of requests: {exc}", err=True)
    if time.monotonic() - started > 1:
        click.echo(f"Index tables ready in {time.monotonic() - started:.1f} s.", err=True)
    from . import gcpolicy

    gcpolicy.for_serving()  # before forking: the tables built above are frozen for all
    if processes == 1:
        _serve_on(sock, app, threads)
    else:
        _serve_forked(sock, app, threads, processes)


def _serve_on(sock, app, threads: int) -> None:
    import waitress

    waitress.serve(app, sockets=[sock], threads=threads, ident="corpus-search", _quiet=True)


def _serve_forked(sock, app, threads: int, processes: int) -> None:
    """Python runs one thread at a time per process: to use every core, several processes
    accept from the one listening socket (the kernel hands each connection to one). A
    process that dies is replaced; they all stop with the parent, however it stops."""
    import signal

    parent = os.getpid()
    children: set[int] = set()

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:  # the child: its own index handle, caches and threads
            code = 0
            try:
                build.die_with_parent(parent)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                _serve_on(sock, app, threads)
            except KeyboardInterrupt:
                pass
            except BaseException:  # noqa: BLE001 - reported, then the parent replaces it
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        children.add(pid)

    def stop(signum, frame) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    for _ in range(processes):
        spawn()
    restarts: list[float] = []
    try:
        while True:
            pid, status = os.wait()
            children.discard(pid)
            now = time.monotonic()
            restarts = [t for t in restarts if now - t < 60] + [now]
            if len(restarts) > 10 * processes:
                raise CorpusSearchError("server processes keep dying; see the errors above")
            click.echo(f"warning: server process {pid} stopped ({_exit_reason(status)}); "
                       f"starting another", err=True)
            spawn()
    except KeyboardInterrupt:
        pass
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in list(children):
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _exit_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


# --------------------------------------------------------------------------- evaluate


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--corpus", "corpus_dir", default=DEFAULT_CORPUS, show_default=True,
              type=click.Path(file_okay=False),
              help="Corpus folder whose registry and gazetteers extraction uses.")
@click.option("--no-registry", is_flag=True,
              help="Measure without the outlet registry and gazetteers.")
@json_option("Print the figures as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="Also list missed organizations/people.")
def evaluate(folder: str, corpus_dir: str, no_registry: bool, as_json: bool,
             verbose: bool) -> None:
    """Measure cleaning and extraction on documents with known answers (truth.json)."""
    from . import corpus as corpus_mod
    from .evaluate import evaluate as run
    from .evaluate import format_report

    resources = corpus_mod.Resources() if no_registry else corpus_mod.load_resources(
        Path(corpus_dir))
    ev = run(Path(folder), resources)
    if as_json:
        click.echo(json.dumps({"summary": ev.summary(), "documents": [
            {"name": r.name, "missing": r.missing, "left": r.left, "checks": r.checks,
             "got": r.got, "error": r.error} for r in ev.results]}, ensure_ascii=False, indent=2))
        return
    click.echo(format_report(ev, verbose))


@main.command("evaluate-quotes")
@click.argument("annotations", type=click.Path(exists=True, dir_okay=False),
                default="tests/data/quotes/annotations.json")
@click.option("--root", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder the annotated paths are relative to.")
@click.option("--corpus", "corpus_dir", default=DEFAULT_CORPUS, show_default=True,
              type=click.Path(file_okay=False), help="Corpus whose registries extraction uses.")
@json_option("Print the figures as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="Also list wrong kinds.")
def evaluate_quotes_cmd(annotations: str, root: str, corpus_dir: str, as_json: bool,
                        verbose: bool) -> None:
    """Precision and recall of speaker attribution on hand-annotated quotations."""
    from . import corpus as corpus_mod
    from .evaluate import evaluate_quotes, format_quote_report

    ev = evaluate_quotes(Path(annotations), Path(root),
                         corpus_mod.load_resources(Path(corpus_dir)))
    if as_json:
        click.echo(json.dumps({"summary": ev.summary(), "cases": [vars(c) for c in ev.cases]},
                              ensure_ascii=False, indent=2))
        return
    click.echo(format_quote_report(ev, verbose))


if __name__ == "__main__":  # pragma: no cover
    main()

"""The baseline: the same corpus in SQLite FTS5 (bm25 ranking, snippet, highlight), the
embedded search a user would otherwise reach for.

It is given more than it would have: the generated metadata (outlet, date, language,
organizations, people) comes from meta.jsonl instead of being extracted, and text is taken
from HTML by dropping tags (no boilerplate removal, language detection, entities or
quotations). Its stemming is FTS5's English Porter stemmer for every language.

    python -m bench.baseline build CORPUS_FOLDER META DB
    python -m bench.baseline update CORPUS_FOLDER META DB ID...
    python -m bench.baseline serve DB PORT
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs

FACETS = {"outlet": "outlet", "language": "lang", "year": "year", "doc_type": "doc_type"}
FACET_LIMIT = 50
_TAG = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S | re.I)

SCHEMA = """
CREATE TABLE docs (rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, outlet TEXT,
                   lang TEXT, date TEXT, year INTEGER, month TEXT, doc_type TEXT);
CREATE INDEX docs_outlet ON docs(outlet);
CREATE INDEX docs_lang ON docs(lang);
CREATE INDEX docs_year ON docs(year);
CREATE INDEX docs_date ON docs(date);
CREATE TABLE doc_orgs (rowid INTEGER, org TEXT);
CREATE INDEX doc_orgs_rowid ON doc_orgs(rowid);
CREATE TABLE doc_people (rowid INTEGER, person TEXT);
CREATE INDEX doc_people_rowid ON doc_people(rowid);
CREATE VIRTUAL TABLE fts USING fts5(title, body,
    tokenize = "porter unicode61 remove_diacritics 2");
"""


def file_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        raw = html.unescape(_TAG.sub(" ", raw))
    return raw


def _insert(con: sqlite3.Connection, rowid: int, meta: dict, corpus: Path) -> None:
    body = file_text(corpus / meta["path"])
    con.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?,?,?)",
                (rowid, meta["id"], meta["title"], meta["outlet"], meta["language"],
                 meta["date"], int(meta["date"][:4]), meta["date"][:7], meta["doc_type"]))
    con.execute("DELETE FROM fts WHERE rowid = ?", (rowid,))
    con.execute("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)", (rowid, meta["title"], body))
    con.execute("DELETE FROM doc_orgs WHERE rowid = ?", (rowid,))
    con.execute("DELETE FROM doc_people WHERE rowid = ?", (rowid,))
    con.executemany("INSERT INTO doc_orgs VALUES (?,?)",
                    [(rowid, o) for o in meta["organizations"]])
    con.executemany("INSERT INTO doc_people VALUES (?,?)", [(rowid, p) for p in meta["people"]])


def build(corpus: Path, meta: Path, db: Path) -> None:
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.executescript(SCHEMA)
    with meta.open(encoding="utf-8") as f, con:
        for rowid, line in enumerate(f, 1):
            _insert(con, rowid, json.loads(line), corpus)
    con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    con.commit()
    con.close()


def update(corpus: Path, meta: Path, db: Path, ids: set[str]) -> None:
    """Re-read the given documents (what an incremental update does)."""
    con = sqlite3.connect(db)
    with meta.open(encoding="utf-8") as f, con:
        for rowid, line in enumerate(f, 1):
            m = json.loads(line)
            if m["id"] in ids:
                _insert(con, rowid, m, corpus)
    con.close()


# --------------------------------------------------------------------------- queries


def fts_query(terms: tuple[str, ...], cls: str) -> str:
    """Our query classes in FTS5's syntax."""
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
    if cls in ("phrase", "phrase_filtered"):
        return '"' + " ".join(t.replace('"', '""') for t in terms) + '"'
    return " AND ".join(quoted)


class Searcher:
    """What /api/search does, in SQL: total, 10 best hits with a snippet, facet counts
    (outlet, language, year, type, organization, person) and the timeline per month."""

    def __init__(self, db: Path) -> None:
        self.db = str(db)
        self._local = threading.local()

    @property
    def con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = sqlite3.connect(self.db, check_same_thread=False)
        return con

    def search(self, match: str | None, outlet: str | None = None, lang: str | None = None,
               year: int | None = None) -> dict:
        con = self.con
        where, args = [], []
        if match:
            where.append("d.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            args.append(match)
        for col, value in (("outlet", outlet), ("lang", lang), ("year", year)):
            if value:
                where.append(f"d.{col} = ?")
                args.append(value)
        cond = " AND ".join(where) or "1"
        con.execute("DROP TABLE IF EXISTS temp.m")
        con.execute(f"CREATE TEMP TABLE m AS SELECT d.rowid AS rowid FROM docs d WHERE {cond}",
                    args)
        total = con.execute("SELECT count(*) FROM m").fetchone()[0]
        if match:
            filt = "".join(f" AND d.{c} = ?" for c, v in (("outlet", outlet), ("lang", lang),
                                                          ("year", year)) if v)
            hits = con.execute(
                "SELECT d.id, d.title, d.outlet, d.date, snippet(fts, 1, '<mark>', '</mark>',"
                " '…', 24) FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ?"
                f"{filt} ORDER BY bm25(fts) LIMIT 10",
                [match] + [v for v in (outlet, lang, year) if v]).fetchall()
        else:
            hits = con.execute("SELECT d.id, d.title, d.outlet, d.date, '' FROM docs d "
                               "JOIN m ON m.rowid = d.rowid ORDER BY d.date DESC LIMIT 10"
                               ).fetchall()
        facets = {}
        for name, col in FACETS.items():
            facets[name] = con.execute(
                f"SELECT d.{col}, count(*) c FROM docs d JOIN m ON m.rowid = d.rowid "
                f"GROUP BY d.{col} ORDER BY c DESC LIMIT {FACET_LIMIT}").fetchall()
        for name, table, col in (("organization", "doc_orgs", "org"),
                                 ("person", "doc_people", "person")):
            facets[name] = con.execute(
                f"SELECT t.{col}, count(*) c FROM {table} t JOIN m ON m.rowid = t.rowid "
                f"GROUP BY t.{col} ORDER BY c DESC LIMIT {FACET_LIMIT}").fetchall()
        timeline = con.execute("SELECT d.month, count(*) FROM docs d JOIN m ON "
                               "m.rowid = d.rowid GROUP BY d.month").fetchall()
        return {"total": total, "hits": [dict(zip(("id", "title", "outlet", "date", "snippet"),
                                                  h, strict=True)) for h in hits],
                "facets": {k: [list(v) for v in vals] for k, vals in facets.items()},
                "timeline": timeline}

    def top_rowids(self, match: str) -> list[int]:
        return [r[0] for r in self.con.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 10", (match,))]

    def highlight(self, rowids: list[int]) -> list[str]:
        marks = ",".join("?" * len(rowids))
        return [r[0] for r in self.con.execute(
            f"SELECT highlight(fts, 1, '<mark>', '</mark>') FROM fts WHERE rowid IN ({marks})",
            rowids)]


# --------------------------------------------------------------------------- server


def app(db: Path):
    """A WSGI app answering /api/search?q=&outlet=&lang=&from= like ours, in JSON."""
    searcher = Searcher(db)

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") != "/api/search":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        args = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        q = args.get("q", "")
        terms = tuple(t for t in re.findall(r"[^\W_]+", q) if t != "AND")
        match = fts_query(terms, "phrase" if q.startswith('"') else "and") if terms else None
        try:
            body = searcher.search(match, args.get("outlet"), args.get("lang"),
                                   int(args["from"]) if "from" in args else None)
            status = "200 OK"
        except sqlite3.Error as exc:
            body, status = {"error": str(exc)}, "400 Bad Request"
        data = json.dumps(body, ensure_ascii=False).encode()
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(data)))])
        return [data]

    return wsgi


def main(argv: list[str]) -> None:
    cmd, *rest = argv
    if cmd == "build":
        build(Path(rest[0]), Path(rest[1]), Path(rest[2]))
    elif cmd == "update":
        update(Path(rest[0]), Path(rest[1]), Path(rest[2]), set(rest[3:]))
    elif cmd == "serve":
        import waitress

        waitress.serve(app(Path(rest[0])), host="127.0.0.1", port=int(rest[1]), threads=8,
                       _quiet=True)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

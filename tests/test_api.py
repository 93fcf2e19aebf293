"""The JSON API: every route, parameter and error, through Flask's test client."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from indexer import build
from indexer.cli import main
from indexer.search import MAX_SLOP
from search_ui import create_app
from search_ui.params import QUOTE_PARAMS, SEARCH_PARAMS

from .conftest import write_corpus


def get_json(client, url: str, status: int = 200) -> dict:
    r = client.get(url)
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.mimetype == "application/json"
    return r.get_json()


# --------------------------------------------------------------------------- /api/search


def test_search_returns_what_the_cli_prints(client, web_index):
    api = get_json(client, "/api/search?q=%22deportation+machine%22&lang=en&sort=newest")
    cli = json.loads(CliRunner().invoke(main, [
        "search", '"deportation machine"', "--lang", "en", "--sort", "newest", "--json",
        "--index", str(web_index)]).output)
    assert api == cli


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("q=Amazon&outlet=Newsweek&outlet=La+Opini%C3%B3n",
         lambda d: {h["outlet"] for h in d["hits"]} == {"Newsweek", "La Opinión"}),
        ("org=Mijente", lambda d: all("Mijente" in h["organizations"] for h in d["hits"])),
        ("person=Cata+Santiago", lambda d: d["total"] == 2),
        ("lang=es", lambda d: d["total"] > 0 and all(h["language"] == "es" for h in d["hits"])),
        ("type=interview", lambda d: {h["doc_type"] for h in d["hits"]} == {"interview"}),
        ("from=2019-08&to=2019-08", lambda d: all(h["date"].startswith("2019-08")
                                                   for h in d["hits"])),
        ("translated=true", lambda d: all(h["translated"] for h in d["hits"])),
        ("original_lang=es", lambda d: all(h["original_language"] == "es" for h in d["hits"])),
        ("sort=oldest", lambda d: d["hits"][0]["date"] <= d["hits"][-1]["date"]),
        ("q=Amazon&page=2&per_page=3", lambda d: (d["page"], d["per_page"], len(d["hits"]))
         == (2, 3, 3)),
        ("q=deporting&exact=1", lambda d: d["exact"] is True),
        ("q=", lambda d: d["parsed_query"] == "everything"),
    ],
)
def test_search_parameters(client, query, check):
    assert check(get_json(client, f"/api/search?{query}"))


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=0", "page"), ("page=abc", "page"), ("per_page=1000", "per_page"),
        ("sort=best", "sort"), ("from=yesterday", "from"), ("to=2019-13-01", "to"),
        ("type=op-ed", "type"), ("lang=english!", "lang"), ("exact=maybe", "exact"),
        ("translated=sometimes", "translated"), ("bogus=1", "bogus"), ("page=1&page=2", "page"),
        ("q=" + "x" * 1001, "q"), ("from=2020&to=2019", "from"),
        ("q=%FF%FE", "q"), ("q=amazon%ED%A0%80", "q"), ("outlet=El+Pa%EDs", "outlet"),
        ("doc_type=op-ed", "doc_type"), ("language=english!", "language"),
    ],
)
def test_search_bad_parameters_are_400_naming_the_parameter(client, query, parameter):
    body = get_json(client, f"/api/search?{query}", 400)
    assert body == {"error": {"status": 400, "message": body["error"]["message"],
                              "parameter": parameter}}
    assert parameter in body["error"]["message"]


def test_utf8_arguments_pass_and_other_bytes_are_refused_everywhere(client):
    assert get_json(client, "/api/search?q=Cl%C3%A9rigos+%E2%80%9Cwon%E2%80%99t%E2%80%9D")[
        "query"] == "Clérigos “won’t”"
    for path in ("/api/quotes?q=%FF", "/api/export?q=%C3", "/?q=%FF"):
        r = client.get(path)
        assert r.status_code == 400, path
        assert "not UTF-8" in r.get_data(as_text=True), path


def test_malformed_queries_are_never_errors(client):
    for q in ("(((", '"', "title:", "AND", "*", "~", "[2019 TO", "\\", "date:[x TO y]"):
        assert get_json(client, f"/api/search?q={q}")["total"] >= 0


# --------------------------------------------------------------------------- /api/documents


def test_document_is_what_show_prints(client, web_index):
    api = get_json(client, "/api/documents/003_bf74998e5c9b8689")
    cli = json.loads(CliRunner().invoke(main, ["show", "003_bf74998e5c9b8689", "--json",
                                               "--index", str(web_index)]).output)
    assert api == cli


def test_document_matches_with_q(client):
    d = get_json(client, "/api/documents/002_2a4115fd894731b4?q=%22deportation+machine%22")
    assert d["matches"]["total"] == 2
    assert {m["text"] for m in d["matches"]["matches"]} == {"deportation machine"}
    assert "matches" not in get_json(client, "/api/documents/002_2a4115fd894731b4")


def test_document_ids_with_folders(client):
    d = get_json(client, "/api/documents/heldout/01_amazon-rekognition-letter")
    assert d["id"] == "heldout/01_amazon-rekognition-letter"


@pytest.mark.parametrize("doc_id", ["nope", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd",
                                    "%2Fetc%2Fpasswd", "heldout/../../../etc/hosts",
                                    "gen-000001/CURRENT"])
def test_unknown_documents_and_traversal_are_404(client, doc_id):
    body = get_json(client, f"/api/documents/{doc_id}", 404)
    assert body["error"]["status"] == 404 and "root:" not in json.dumps(body)


def test_document_unknown_parameter(client):
    assert get_json(client, "/api/documents/003_bf74998e5c9b8689?x=1", 400)["error"][
        "parameter"] == "x"


# --------------------------------------------------------------------------- /api/export


@pytest.fixture(scope="module")
def big_client(tmp_path_factory):
    """150 documents: more than a page can hold, so an export must not stop at 100."""
    root = tmp_path_factory.mktemp("export")
    files = {f"doc{i:03d}.txt": f"Headline number {i}\n\nThe strike at warehouse {i} went on "
             f"for a day, the union said." for i in range(150)}
    files["evil.txt"] = "=SUM(A1:A2) strike\n\n@cmd strike +1 -1 the union said so."
    write_corpus(root / "c", files)
    build.build_index(root / "c", root / "i")
    return create_app({"INDEX_DIR": str(root / "i"), "TESTING": True}).test_client()


def test_export_csv_holds_every_result(big_client):
    r = big_client.get("/api/export?q=strike&format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert len(rows) == 151
    assert rows[0]["snippet"] and "<mark>" not in rows[0]["snippet"]
    evil = next(row for row in rows if row["id"] == "evil")
    # a leading = + - @ is neutralised: a spreadsheet will not run it
    assert evil["title"][:2] in ("'=", "'@") and evil["snippet"][:1] != "="


def test_export_jsonl(big_client):
    r = big_client.get("/api/export?q=strike&format=jsonl&sort=oldest")
    lines = [json.loads(x) for x in r.get_data(as_text=True).splitlines()]
    assert len(lines) == 151 and "<mark>strike</mark>" in lines[0]["snippet"]
    assert {"id", "title", "outlet", "date", "snippet"} <= set(lines[0])


@pytest.mark.parametrize(("query", "parameter"), [("format=xml", "format"),
                                                  ("page=2", "page"), ("per_page=5", "per_page"),
                                                  ("sort=best", "sort")])
def test_export_bad_parameters(client, query, parameter):
    assert get_json(client, f"/api/export?{query}", 400)["error"]["parameter"] == parameter


def test_an_exports_unknown_parameter_lists_only_what_an_export_takes(client):
    message = get_json(client, "/api/export?pge=2", 400)["error"]["message"]
    listed = message.split("the parameters are ")[1].split(", ")
    assert "format" in listed and "q" in listed
    assert "page" not in listed and "per_page" not in listed


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("q", ["*tion", '"strike union"~99999999999'])
def test_export_of_a_refused_query_is_a_400_not_a_stream_cut_off(big_client, fmt, q):
    """The search runs before the answer starts: a query /api/search refuses is refused
    here the same way, not answered 200 and then broken off."""
    error = get_json(big_client, f"/api/export?format={fmt}&q={quote(q)}", 400)["error"]
    assert error["parameter"] == "q"
    assert error == get_json(big_client, f"/api/search?q={quote(q)}", 400)["error"]


def test_a_phrases_words_may_be_at_most_max_slop_apart(big_client):
    """"strike ... union" stand ten words apart in every document here but one (four
    apart in "@cmd strike +1 -1 the union")."""
    assert get_json(big_client, f'/api/search?q={quote(chr(34) + "strike union" + chr(34))}'
                                f'~{MAX_SLOP}')["total"] == 151
    assert get_json(big_client, "/api/search?q=%22strike%20union%22~5")["total"] == 1
    for slop in (MAX_SLOP + 1, 99_999_999_999):  # (the latter once never ended)
        q = quote(f'"strike union"~{slop}')
        for url in (f"/api/search?q={q}", f"/api/documents/doc001?q={q}"):
            error = get_json(big_client, url, 400)["error"]
            assert error["parameter"] == "q" and f"at most {MAX_SLOP} apart" in error["message"]
        page = big_client.get(f"/doc/doc001?q={q}")  # the document's page, highlighted
        assert page.status_code == 400 and f"at most {MAX_SLOP} apart" in page.get_data(
            as_text=True)


@pytest.mark.parametrize(("q", "says"), [
    ("strike~3", "at most 2 edits off"),
    ("*ike", "starts with a wildcard"),
])
def test_what_a_search_refuses_a_documents_matches_refuse_too(big_client, q, says):
    for url in (f"/api/search?q={quote(q)}", f"/api/quotes?q={quote(q)}",
                f"/api/documents/doc001?q={quote(q)}"):
        error = get_json(big_client, url, 400)["error"]
        assert error["parameter"] == "q" and says in error["message"], url
    page = big_client.get(f"/doc/doc001?q={quote(q)}")
    assert page.status_code == 400 and says in page.get_data(as_text=True)


def test_a_phrase_with_slop_0_is_the_phrase(big_client):
    plain = get_json(big_client, "/api/search?q=%22strike%20union%22")
    zero = get_json(big_client, "/api/search?q=%22strike%20union%22~0")
    assert zero["total"] == plain["total"] and zero["parsed_query"] == plain["parsed_query"]


# --------------------------------------------------------------------------- openapi, errors


def test_openapi_describes_every_route_and_parameter(client, app):
    spec = get_json(client, "/api/openapi.json")
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {"/api/search", "/api/quotes", "/api/documents/{id}",
                                  "/api/export", "/api/openapi.json"}
    names = [p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]]
    assert sorted(names) == sorted(SEARCH_PARAMS)
    names = [p["name"] for p in spec["paths"]["/api/quotes"]["get"]["parameters"]]
    assert sorted(names) == sorted(QUOTE_PARAMS)
    routes = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    described = {re.sub(r"\{(\w+)\}", r"<path:doc_\1>", p) for p in spec["paths"]}
    assert routes - {"/api/"} == described  # every route described, nothing made up


@pytest.mark.parametrize(("path", "schema", "key"), [
    ("/api/search?q=amazon", "Results", "hits"),
    ("/api/quotes?q=amazon", "QuoteResults", "hits"),
])
def test_responses_have_the_described_shape(client, path, schema, key):
    spec = get_json(client, "/api/openapi.json")["components"]["schemas"]
    body = get_json(client, path)
    assert set(spec[schema]["required"]) <= set(body) <= set(spec[schema]["properties"])
    item = spec[schema]["properties"][key]["items"]
    assert body[key]
    for hit in body[key]:
        assert set(item["required"]) <= set(hit) <= set(item["properties"])


def test_hits_give_their_title_marked(client):
    hits = get_json(client, "/api/search?q=title:amazon")["hits"]
    assert hits and all("<mark>" in h["title_html"] for h in hits)
    assert all(h["title_html"].replace("<mark>", "").replace("</mark>", "")
               == html.escape(h["title"], quote=False) for h in hits)


def test_the_order_given_is_the_order_of_the_hits(client):
    assert get_json(client, "/api/search?q=amazon")["sort"] == "relevance"
    assert get_json(client, "/api/search?q=")["sort"] == "newest"  # no words: by date
    assert get_json(client, "/api/search?q=&sort=oldest")["sort"] == "oldest"
    assert get_json(client, "/api/quotes?q=")["sort"] == "newest"


def test_document_quotes_have_the_described_shape(client):
    spec = get_json(client, "/api/openapi.json")["components"]["schemas"]["Document"]
    doc_id = get_json(client, "/api/quotes?q=amazon")["hits"][0]["doc_id"]
    doc = get_json(client, f"/api/documents/{doc_id}")
    assert set(spec["required"]) <= set(doc)
    assert set(doc) == set(spec["properties"]) - {"matches"}  # (only with q)
    props = spec["properties"]["quotes"]["items"]["properties"]
    assert doc["quotes"] and all(set(q) == set(props) for q in doc["quotes"])
    assert [q["id"] for q in doc["quotes"]] == [f"q{n}" for n in
                                                 range(1, len(doc["quotes"]) + 1)]


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_wrong_methods_are_405_json(client, method):
    r = getattr(client, method)("/api/search?q=x")
    assert r.status_code == 405 and r.get_json()["error"]["status"] == 405


def test_unknown_api_route_is_404_json(client):
    assert get_json(client, "/api/nothing", 404)["error"]["status"] == 404


def test_missing_index_is_503_naming_the_command(tmp_path):
    c = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    body = get_json(c, "/api/search?q=x", 503)
    assert "corpus-search index" in body["error"]["message"]
    page = c.get("/?q=x")
    assert page.status_code == 503 and "corpus-search index" in page.get_data(as_text=True)


def test_rebuilt_index_is_picked_up_without_restart(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": "Strike news\n\nThe strike began."})
    build.build_index(corpus_dir, tmp_path / "i")
    c = create_app({"INDEX_DIR": str(tmp_path / "i"), "TESTING": True}).test_client()
    assert get_json(c, "/api/search?q=strike")["total"] == 1
    (corpus_dir / "b.txt").write_text("More strike news\n\nThe strike went on.")
    build.build_index(corpus_dir, tmp_path / "i", rebuild=True)
    assert get_json(c, "/api/search?q=strike")["total"] == 2


def test_security_headers_on_every_response(client):
    for url in ("/", "/api/search?q=x", "/api/documents/nope", "/static/style.css",
                "/doc/003_bf74998e5c9b8689", "/nothing", "/api/search?page=0"):
        r = client.get(url)
        assert "default-src 'self'" in r.headers["Content-Security-Policy"], url
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"


def test_a_facets_own_name_filters_as_its_parameter_does(client):
    """What a script reads under `facets` it may send back under the same name."""
    browse = get_json(client, "/api/search?q=")
    for facet, short in (("organization", "org"), ("language", "lang"),
                         ("doc_type", "type")):
        value = browse["facets"][facet][-1]["value"]  # the rarest: a filter that narrows
        by_facet = get_json(client, f"/api/search?q=&{facet}={quote(value)}")
        by_short = get_json(client, f"/api/search?q=&{short}={quote(value)}")
        assert 0 < by_facet["total"] == by_short["total"] < browse["total"]
        assert by_facet["filters"] == by_short["filters"] == {short: [value]}


def test_typed_filter_values_are_read_as_the_names_they_match(client):
    """outlet, org, person and speaker take facet names; typed in another case, without
    accents or punctuation, a value finds what the name finds, and the answer says so."""
    for path, facet, parameter in (("/api/search", "outlet", "outlet"),
                                   ("/api/search", "person", "person"),
                                   ("/api/quotes", "speaker", "speaker")):
        name = get_json(client, path)["facets"][facet][0]["value"]
        typed = re.sub(r"\W+", " ", name).upper()
        exact = get_json(client, f"{path}?{parameter}={quote(name)}")
        read = get_json(client, f"{path}?{parameter}={quote(typed)}")
        assert read["total"] == exact["total"] > 0
        assert read["notes"] == ([] if typed == name else
                                 [f"{parameter} {typed.strip()!r} read as {name!r}"])
    r = get_json(client, "/api/search?outlet=Nowhere%20Gazette%20Qx")
    assert r["total"] == 0 and r["notes"][0].startswith("outlet 'Nowhere Gazette Qx': no outlet")

"""The HTML pages through Flask's test client: content, links, escaping, errors."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit

import pytest

from indexer.citation import bibtex, citations, human_date, plain
from indexer.models import Document, PartialDate


def page(client, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, url
    assert r.mimetype == "text/html"
    return r.get_data(as_text=True)


def links(html: str) -> list[str]:
    """Every link of a page, relative ones ("?q=...") resolved against "/"."""
    return ["/" + h if h.startswith("?") else h
            for h in (unescape(m) for m in re.findall(r'<a href="([^"]+)"', html))]


# --------------------------------------------------------------------------- search page


def test_search_page_shows_count_hits_snippets_and_facets(client):
    html = page(client, "/?q=Amazon+ICE")
    assert re.search(r"<strong>\d+</strong> documents", html)
    assert html.count('<li class="hit">') == 10
    assert "<mark>Amazon</mark>" in html and "<mark>ICE</mark>" in html
    for title in ("Outlet", "Organization", "Language", "Year", "Type"):
        assert f">{title}</h3>" in html
    assert 'aria-label="Pages"' in html  # more than one page
    assert "Search syntax" in html


def test_translated_badge(client):
    html = page(client, "/?q=lucrar+costillas")
    assert "translated from Spanish" in html


def test_facet_links_toggle_values_and_keep_the_rest(client):
    html = page(client, "/?q=Amazon&sort=oldest&page=2")
    href = next(h for h in links(html) if "outlet=Newsweek" in h)
    args = parse_qs(urlsplit(href).query)
    assert args == {"q": ["Amazon"], "outlet": ["Newsweek"], "sort": ["oldest"]}  # page reset
    selected = page(client, href)
    assert 'aria-pressed="true"' in selected
    off = next(h for h in links(selected) if "outlet=Newsweek" not in h and "q=Amazon" in h
               and "sort=oldest" in h and "page" not in h and "doc/" not in h and "api" not in h)
    assert parse_qs(urlsplit(off).query) == {"q": ["Amazon"], "sort": ["oldest"]}


def test_a_filter_typed_otherwise_is_switched_off_by_its_value(client):
    # 'newsweek' is read as the outlet Newsweek: the selected value's link drops it.
    html = page(client, "/?q=Amazon&outlet=newsweek")
    assert re.search(r'class="selected" aria-pressed="true"\s+data-facet="outlet">\s*'
                     r'<span class="value">Newsweek<', html)
    toggles = [h for h in links(html) if "q=Amazon" in h and "doc/" not in h
               and "api" not in h and "page=" not in h]
    assert any(parse_qs(urlsplit(h).query) == {"q": ["Amazon"]} for h in toggles)
    assert not any("outlet=newsweek" in h for h in links(html))
    # the same on the quotations page, for a speaker typed in lower case
    speaker = client.get("/api/quotes?q=amazon").get_json()["facets"]["speaker"][0]["value"]
    html = page(client, "/quotes?" + urlencode({"q": "amazon", "speaker": speaker.lower()}))
    assert 'aria-pressed="true"' in html or 'class="selected"' in html
    assert not any(f"speaker={quote_plus(speaker.lower())}" in h for h in links(html))
    assert any(parse_qs(urlsplit(h).query) == {"q": ["amazon"]} for h in links(html))


def test_year_facet_links_set_the_date_range(client):
    html = page(client, "/?q=Amazon")
    href = next(h for h in links(html) if "from=2018&to=2018" in h)
    assert "from=2018" in href and "to=2018" in href
    html = page(client, href)
    assert 'value="2018"' in html  # the form shows the range


def test_timeline_bars_link_to_their_month(client):
    html = page(client, "/?q=Amazon")
    assert "<svg" in html and "Documents per month" in html
    month_links = [h for h in links(html) if re.search(r"from=(\d{4}-\d{2})&to=\1", h)]
    assert month_links
    m = re.search(r"from=(\d{4}-\d{2})", month_links[0]).group(1)
    filtered = page(client, month_links[0])
    assert all(d.startswith(m) for d in re.findall(r'<time datetime="([^"]+)"', filtered))


def test_permalink_reproduces_the_page(client):
    url = "/?q=Amazon&outlet=Newsweek&outlet=La+Opini%C3%B3n&from=2019&sort=newest&exact=1"
    first = page(client, url)
    permalink = unescape(re.search(r'<a href="([^"]+)">Permalink to this search</a>',
                                   first).group(1))
    assert page(client, "/" + permalink) == first


def test_did_you_mean_link(client):
    html = page(client, "/?q=Palantri")
    assert "Did you mean" in html and "q=palantir" in html


def test_pagination_links(client):
    html = page(client, "/?q=Amazon&page=2")
    assert 'rel="prev"' in html and 'aria-current="page">2<' in html


def test_page_past_the_end(client):
    assert "past the last one" in page(client, "/?q=Amazon&page=999")


def test_browse_without_query(client):
    html = page(client, "/")
    assert "everything" in html and html.count('<li class="hit">') == 10


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("url", [
    "/?q=Protesters+contract",
    "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
    "/?outlet=%3Cb%3EEvil+Outlet%3C%2Fb%3E",
    "/doc/hostile?q=contract",
    "/doc/hostile?q=%3Cscript%3E",
])
def test_no_markup_from_documents_or_queries_gets_through(client, url):
    html = page(client, url)
    body = html.split("<body>", 1)[1]
    # the only tags are our own: no script, img, b or event handler from the data or the query
    assert "<script>alert" not in body and "<img" not in body and "onerror=" not in \
        body.replace("onerror=alert", "")
    assert "<b>Evil" not in body
    for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", body):
        assert tag in {"a", "header", "span", "form", "div", "label", "input", "button",
                       "select", "option", "details", "summary", "table", "tr", "td", "p",
                       "code", "main", "aside", "h2", "h3", "section", "ul", "li", "strong",
                       "figure", "figcaption", "svg", "rect", "title", "ol", "time", "mark",
                       "nav", "footer", "h1", "article", "thead", "th", "tbody", "caption",
                       "q", "pre", "script"}, tag
    assert body.count("<script") == 0


def test_hostile_document_text_is_shown_escaped(client):
    html = page(client, "/doc/hostile")
    assert "&lt;script&gt;alert(&#39;escaped&#39;)&lt;/script&gt;" in html or \
        "&lt;script&gt;alert('escaped')&lt;/script&gt;" in html


# --------------------------------------------------------------------------- document page


def test_document_page_metadata_provenance_and_translation_note(client):
    html = page(client, "/doc/003_bf74998e5c9b8689")
    assert "This text is a translation from Spanish" in html
    assert "not the speakers’ own words" in html
    for label, source in (("Outlet", "manifest"), ("Original language", "registry")):
        assert re.search(rf'<th scope="row">{label}</th>.*?<td class="source">{source}</td>',
                         html, re.S)
    assert "Text the cleaner removed" in html and "Please enter your comment!" in html


def test_document_page_marks_every_match_with_navigation(client):
    html = page(client, "/doc/002_2a4115fd894731b4?q=Amazon")
    n = len(re.findall(r'<mark id="m\d+">Amazon</mark>', html))
    assert n > 10
    assert f"{n} matches for <q>Amazon</q>" in html
    assert all(f'href="#m{i}"' in html for i in range(1, n + 1))
    assert "Back to the results" in html and "/?q=Amazon" in html


def test_document_page_without_query_has_no_marks(client):
    html = page(client, "/doc/002_2a4115fd894731b4")
    assert "<mark" not in html and "Go to match" not in html


def test_document_page_citations(client):
    html = unescape(page(client, "/doc/004_3ef628bc7d8abaa3"))
    assert "Newsweek, August 2019" in html
    assert "@article{newsweek2019" in html and "journal = {Newsweek}" in html
    assert '"container-title": "Newsweek"' in html and '"date-parts": [\n' in html
    assert "https://www.newsweek.com/jews-against-ice-protest-amazon-bookstore" in html
    assert "Accessed" in html and "urldate" in html


@pytest.mark.parametrize("url", ["/doc/nope", "/doc/../../etc/passwd", "/doc//etc/passwd",
                                 "/nothing-here"])
def test_not_found_pages(client, url):
    html = page(client, url, 404)
    assert "Not found" in html and "Start a new search" in html


@pytest.mark.parametrize(("url", "parameter"), [("/?page=0", "page"),
                                                ("/?per_page=500", "per_page"),
                                                ("/?from=yesterday", "from"),
                                                ("/?sort=best", "sort"),
                                                ("/?q=" + "x" * 1001, "q")])
def test_bad_parameters_give_a_friendly_page(client, url, parameter):
    html = page(client, url, 400)
    assert "That search cannot be run" in html and f"<code>{parameter}</code>" in html


def test_pages_ignore_unknown_parameters(client):
    assert page(client, "/?q=Amazon&utm_source=mail")


def test_wrong_method_on_a_page(client):
    r = client.post("/")
    assert r.status_code == 405 and "not allowed" in r.get_data(as_text=True)


# --------------------------------------------------------------------------- citations


DOC = Document(id="x", path="x.txt", format="text", content_hash="", body="",
               title="Workers {strike} & win", outlet="The Herald", author="Ana Gil, Bo Ruiz",
               date=PartialDate(2019, 8, 11), url="https://herald.example/a_b", translated=True,
               original_language="es", original_title="Trabajadores ganan")


def test_citation_forms():
    import datetime as dt
    import json

    day = dt.date(2026, 11, 22)
    assert plain(DOC, day) == ('Ana Gil, Bo Ruiz. "Workers {strike} & win." The Herald, '
                               '11 August 2019. Translated from Spanish. '
                               'https://herald.example/a_b. Accessed 22 November 2026.')
    bib = bibtex(DOC, day)
    assert "title = {Workers \\{strike\\} \\& win}" in bib
    assert "author = {Ana Gil and Bo Ruiz}" in bib and "url = {https://herald.example/a_b}" in bib
    assert "month = {aug}" in bib and "urldate = {2026-11-22}" in bib
    csl = json.loads(citations(DOC, day)["csl"])[0]
    assert csl["issued"] == {"date-parts": [[2019, 8, 11]]}
    assert csl["accessed"] == {"date-parts": [[2026, 11, 22]]}
    assert csl["container-title"] == "The Herald" and csl["original-title"] == "Trabajadores ganan"
    assert human_date(PartialDate(2019)) == "2019" and human_date(None) == "n.d."

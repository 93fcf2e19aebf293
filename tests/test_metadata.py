"""Metadata: dates with precision, titles, outlets, authors and doc types, with provenance."""

from __future__ import annotations

import pytest

from indexer import clean, corpus, metadata
from indexer.models import PartialDate, SourceFacts

# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("July 10, 2018", "en", (2018, 7, 10)),
        ("Jul. 10, 2018", "en", (2018, 7, 10)),
        ("Sept. 18, 2018 5:00 pm", "en", (2018, 9, 18)),
        ("10 July 2018", "en", (2018, 7, 10)),
        ("Tuesday, July 10th, 2018", "en", (2018, 7, 10)),
        ("2019-08-11", "en", (2019, 8, 11)),
        ("2019/8/11", "en", (2019, 8, 11)),
        ("08/1/2019", "en", (2019, 8, 1)),  # month first in English
        ("3/9/2019", "es", (2019, 9, 3)),  # day first in Spanish
        ("28/05/2019", "en", (2019, 5, 28)),  # 28 cannot be a month
        ("23.11.2018", "de", (2018, 11, 23)),
        ("15 de agosto de 2019", "es", (2019, 8, 15)),
        ("lunes 4 de noviembre del 2019", "es", (2019, 11, 4)),
        ("le 3 mars 2019", "fr", (2019, 3, 3)),
        ("10. Juli 2018", "de", (2018, 7, 10)),
        ("1º de dezembro de 2017", "pt", (2017, 12, 1)),
    ],
)
def test_text_dates(text, lang, expected):
    (d,) = list(metadata.iter_text_dates(text, lang))
    assert (d.year, d.month, d.day) == expected


@pytest.mark.parametrize("text", ["We may 5 times", "Room 12/40", "Call 555-1234",
                                  "February 30, 2019", "13/13/2019"])
def test_not_dates(text):
    assert list(metadata.iter_text_dates(text)) == []


def test_year_is_resolved_by_the_weekday():
    (d,) = metadata.iter_text_dates("Thursday, March 14")
    # 2018 and 2019 are both mentioned; only in 2019 is March 14 a Thursday
    text = "The coalition formed in June 2018 ... the march on March 27, 2019."
    assert metadata.resolve_year(d, text) == PartialDate(2019, 3, 14)


def test_weekday_that_fits_no_mentioned_year_gives_no_date():
    # March 12 was a Friday in 2021 only: neither 2019 nor a year next to it
    (d,) = metadata.iter_text_dates("Friday, March 12")
    assert metadata.resolve_year(d, "Only 2019 is mentioned.") is None


def test_weekday_may_resolve_to_a_neighbouring_year():
    # a January article about last December mentions only the old year
    (d,) = metadata.iter_text_dates("Thursday, January 9")
    assert metadata.resolve_year(d, "Protests in December 2019 ...") == PartialDate(2020, 1, 9)


def test_wrong_weekday_with_full_date_is_rejected():
    (d,) = metadata.iter_text_dates("Monday, July 10, 2018")  # it was a Tuesday
    assert metadata.resolve_year(d, "") is None


def test_date_without_year_or_weekday_needs_a_single_year():
    (d,) = metadata.iter_text_dates("March 14")
    assert metadata.resolve_year(d, "In 2019 ...") == PartialDate(2019, 3, 14)
    assert metadata.resolve_year(d, "In 2018 and 2019 ...") is None


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Headline here", "Published March 3, 2019", "Body text that is long enough."],
         PartialDate(2019, 3, 3)),
        (["Headline", "July 15, 2019 / 4:48 PM / Updated an hour ago", "Body"],
         PartialDate(2019, 7, 15)),
        (["Headline", "Publicado el 3/9/2019 a las 12:41", "Actualizado el 4/9/2019",
          "Cuerpo"], PartialDate(2019, 9, 3)),
        (["Updated March 5, 2019", "Headline", "Body"], None),
        (["Headline", "Intro paragraph. This interview appears in the June 2019 issue of "
          "Labor Review. It has been edited."], PartialDate(2019, 6)),
        (["Headline", "SEATTLE, WA, March 3, 2020 /PRNewswire/ -- A company said today..."],
         PartialDate(2020, 3, 3)),
        # a date inside the article's sentences is an event, not the publication
        (["Headline", "By Ann Lee", "x " * 30 + "the rally on August 11, 2019 drew hundreds."],
         None),
    ],
)
def test_publication_date_from_text(lines, expected):
    lang = "es" if "Publicado" in lines[1] else "en"
    assert metadata.find_text_date(lines, [], lang) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-11-19T21:57:01+0000", PartialDate(2019, 11, 19)),
        ("2017-11-16T14:15+0000", PartialDate(2017, 11, 16)),
        ("2020-02-19", PartialDate(2020, 2, 19)),
        ("20191120", PartialDate(2019, 11, 20)),
        ("Wed, 04 May 2022 02:41:00 GMT", PartialDate(2022, 5, 4)),
        ("20 Nov 2019 08:02 GMT", PartialDate(2019, 11, 20)),
        ("1 de diciembre de 2017 3:00 AM PST", PartialDate(2017, 12, 1)),
        ("2019-08", PartialDate(2019, 8)),
        ("soon", None),
    ],
)
def test_machine_dates(value, expected):
    assert metadata.parse_date_value(value, "es" if " de " in value else "en") == expected


# --------------------------------------------------------------------------- HTML metadata

PAGE = """<html lang="es"><head>
<title>Se inunda el puerto | Diario del Sur</title>
<meta property="og:title" content="Se inunda el puerto tras la tormenta">
<meta property="og:site_name" content="Mundo">
<meta property="article:modified_time" content="2021-03-09T10:00:00-03:00">
<link rel="canonical" href="https://www.diariodelsur.example/2021/03/08/puerto">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "NewsArticle", "headline": "Se inunda el puerto tras la tormenta",
  "datePublished": "2021-03-08T22:15:00-03:00", "dateCreated": "2021-03-01",
  "author": [{"@type": "Person", "name": "Inés Paz"}],
  "publisher": {"@type": "Organization", "name": "Diario del Sur"}}]}</script>
</head><body><h1>Se inunda el puerto tras la tormenta</h1><p>Texto.</p></body></html>"""


def test_page_metadata_votes_past_a_section_name_in_og_site_name(no_resources):
    soup = clean.parse_html(PAGE)
    page = metadata.read_page_meta(soup)
    meta = metadata.extract_metadata(clean.clean_html(soup), no_resources, page=page,
                                     language="es")
    assert meta.title == "Se inunda el puerto tras la tormenta"
    assert meta.outlet == "Diario del Sur"  # og:site_name "Mundo" is a section
    assert meta.date == PartialDate(2021, 3, 8)  # published, not modified or created
    assert meta.author == "Inés Paz"
    assert meta.url == "https://www.diariodelsur.example/2021/03/08/puerto"
    assert {meta.provenance[k] for k in ("title", "outlet", "date", "author", "url")} == {
        "html-meta"}


def page_metadata(page: str, resources, **kw):
    """A page's metadata as build.prepare extracts it."""
    soup = clean.parse_html(page)
    pm = metadata.read_page_meta(soup)
    return metadata.extract_metadata(clean.clean_html(soup, *metadata.stated_facts(pm)),
                                     resources, page=pm, **kw)


def test_h1_is_the_headline_only_when_metadata_agrees(no_resources):
    page = ("<html><head><meta property='og:title' content='Budget passes after long night'>"
            "<title>Budget passes after long night - The Courier</title></head>"
            "<body><h1>The Courier</h1><p>Body text.</p></body></html>")
    assert page_metadata(page, no_resources).title == "Budget passes after long night"


@pytest.mark.parametrize(
    ("head", "body", "author"),
    [
        # a byline element's date, time, view count and handle are not the author's name
        ("", "<div class='byline'>By Maren Holt 14 Mar 2020 1,204</div>", "Maren Holt"),
        ("", "<p class='author'>Por Iván Soto @ivansoto -</p>", "Iván Soto"),
        ("<meta name='author' content='Teo Brandt, The Courier'>"
         "<meta property='og:site_name' content='The Courier'>", "", "Teo Brandt"),
        ("<meta name='author' content='Lía Ponce 3 de mayo de 2021 10:15 AM'>", "", "Lía Ponce"),
    ],
)
def test_page_author_is_the_names_alone(no_resources, head, body, author):
    page = (f"<html><head>{head}</head><body>{body}<p>The ferry operator raised fares by a "
            f"fifth on Monday, and commuters complained.</p></body></html>")
    assert page_metadata(page, no_resources).author == author


def test_a_site_names_slogan_is_not_part_of_the_outlet(no_resources):
    page = ("<html><head><meta property='og:site_name' content='Bay Courier – all the news "
            "from the harbor'><title>Ferry fares rise again</title></head><body><p>The ferry "
            "operator raised fares by a fifth on Monday.</p></body></html>")
    assert page_metadata(page, no_resources).outlet == "Bay Courier"


def test_registry_recognises_outlet_by_domain(resources):
    page = ("<html><head><link rel='canonical' href='https://www.newsweek.com/x-123'>"
            "<meta property='og:site_name' content='World'></head><body><p>Text.</p></body></html>")
    soup = clean.parse_html(page)
    pm = metadata.read_page_meta(soup)
    meta = metadata.extract_metadata(clean.clean_html(soup), resources, page=pm)
    assert (meta.outlet, meta.provenance["outlet"]) == ("Newsweek", "registry")


# --------------------------------------------------------------------------- titles, outlets


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Blog", "08/1/2019 | Immigrant Rights", "Workers Rally Against New Cuts", "Body."],
         "Workers Rally Against New Cuts"),
        (["FOR IMMEDIATE RELEASE", "Tuesday, June 4,", "at 10:00 am", "Tenants Occupy City Hall",
          "Body."], "Tenants Occupy City Hall"),
        (["FOR IMMEDIATE RELEASE", "Contact:", "Jo Park, Press Secretary", "Tenant Union",
          "(555) 555-0100", "Tenants Occupy City Hall Over Rent Hikes", "Body."],
         "Tenants Occupy City Hall Over Rent Hikes"),
        (["In this episode we talk to an organizer about the strike and what comes next for "
          "the workers at the plant and beyond, in a long opening paragraph."], None),
        (["'They Time Our Breaks': A Worker on Organizing", "Intro."],
         "'They Time Our Breaks': A Worker on Organizing"),
        # scripts without spaces: a short line of characters is a headline, a sentence is not
        (["２０２０年３月２日", "市议会批准新预算", "周一，市议会以七票对两票通过了新预算。"],
         "市议会批准新预算"),
        (["周一，市议会以七票对两票通过了新预算。", "议员们随后休会。"], None),
        (["市议会", "周一，市议会以七票对两票通过了新预算，反对者表示将继续抗议，并要求公开"
          "所有的会议记录以及预算草案的全部附件，以便市民能够监督每一笔开支的去向和用途。"], None),
    ],
)
def test_headline_of_plain_text(lines, expected):
    assert metadata.find_headline(lines) == expected


def test_headline_skips_the_site_name():
    lines = ["Valley Ledger", "Council Delays Drone Vote", "Body."]
    assert metadata.find_headline(lines, {"valley ledger"}) == "Council Delays Drone Vote"


@pytest.mark.parametrize(
    ("text", "removed", "expected"),
    [
        ("Body. The Herald has contacted the ministry for comment.", [], "The Herald"),
        ("Body. El Sol contactó a la empresa, pero no obtuvo respuesta.", [], "El Sol"),
        ("LONDON (Reuters) - Markets fell.", [], "Reuters"),
        ("Paris (AFP) — Les marchés ont chuté.", [], "AFP"),
        ("Intro. This interview appears in the May 2020 issue of Labor Review. More.", [],
         "Labor Review"),
        ("Body.\n\nThis article was translated from Spanish. Read the original version in "
         "Diario Uno.", [], "Diario Uno"),
        ("The Stranger\n\nHeadline of the story\n\nBody.", ["Support The Stranger",
         "© 2018 Index Newspapers, LLC. All rights reserved."], "The Stranger"),
        ("Valley Ledger\n\nHeadline of the story\n\nBody.",
         ["© 2019 Valley Ledger. All rights reserved."], "Valley Ledger"),
        # a short headline in title case above its text is not a masthead
        ("Tenants Win Rent Freeze\n\nThe council voted on Monday to freeze rents for a "
         "year.\n\nMore text.", [], None),
        ("Dock Strike Spreads\n\nROTTERDAM — Crane drivers walked out on Friday, joining "
         "the strike.\n\nMore text.", [], None),
        ("Harbor Gazette\n\nDock Strike Spreads to Second Port\n\nCrane drivers walked "
         "out on Friday.", [], "Harbor Gazette"),
        # a copyright holder alone is weak evidence; a pronoun is never an outlet
        ("Headline of the story\n\nBody.", ["© 2019 Some Media Group"], None),
        ("He has contacted the ministry for comment.", [], None),
        ("The report said officials were contacted.", [], None),
    ],
)
def test_outlet_from_text(text, removed, expected):
    assert metadata.find_outlet_in_text(text, removed) == expected


@pytest.mark.parametrize(
    ("lines", "removed", "expected"),
    [
        (["FOR IMMEDIATE RELEASE", "Headline", "Body."], [], "press release"),
        (["COMUNICADO DE PRENSA", "Titular", "Cuerpo."], [], "press release"),
        (["Headline", "Body.", "###"], [], "press release"),
        (["Intro.", "Ana Gil: Question one here?", "Bo Ruiz: Answer one, quite long here.",
          "Ana Gil: Question two here?", "Bo Ruiz: Answer two, also long."], [], "interview"),
        (["In this week's episode, we talk to Bo Ruiz.", "Ana Gil: Question?",
          "Bo Ruiz: A long answer here it is.", "This interview has been edited."], [],
         "interview"),
        (["Q: What happened there?", "A: We walked out together.", "Q: Why then?",
          "A: The heat was unbearable."], [], "interview"),
        (["Headline", "Body."], ["Blog"], "blog post"),
        (["Headline", "FILE PHOTO: A logo. REUTERS/A B", "Related: Something else here",
          "Our Standards: The Principles."], [], "news article"),
    ],
)
def test_doc_types(lines, removed, expected):
    doc_type, _ = metadata.classify_doc_type(lines, removed, SourceFacts(), None, None, {})
    assert doc_type == expected


def test_doc_type_from_url_and_manifest():
    assert metadata.classify_doc_type(["x"], [], SourceFacts(), None,
                                      "https://x.org/blog/2019/post", {}) == ("blog post", "url")
    assert metadata.classify_doc_type(["FOR IMMEDIATE RELEASE"], [],
                                      SourceFacts(doc_type="interview"), None, None, {}) == (
        "interview", "manifest")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Headline", "By Ann Lee and Bo Diaz | Sept. 9, 2018"], "Ann Lee, Bo Diaz"),
        (["Titular", "Por Gabriela Ordóñez"], "Gabriela Ordóñez"),
        (["Headline", "By the way, this is not a byline."], None),
    ],
)
def test_bylines(lines, expected):
    assert metadata.find_byline(lines) == expected


@pytest.mark.parametrize("headline", ["Workers Rally Against Cuts", "Protest at Depot",
                                      "Tenants Win Rent Freeze"])
def test_a_short_title_case_headline_above_its_text_is_the_title_not_the_outlet(
        prepare, headline):
    doc = prepare(f"{headline}\n\nHundreds of warehouse workers rallied on Monday against "
                  f"cuts.\n\n\"We are not going anywhere,\" said Tom Baker.")
    assert doc.title == headline
    assert doc.outlet is None


def test_manifest_facts_win_and_say_so(resources):
    ct = clean.clean_text("Headline From Text\n\nBody. Newsweek has contacted Amazon for comment.")
    facts = SourceFacts(title="Manifest Title", outlet="la opinion", date="2019-11",
                        url="https://laopinion.com/x")
    meta = metadata.extract_metadata(ct, resources, facts)
    assert meta.title == "Manifest Title"
    assert meta.outlet == "La Opinión"  # canonical name from the registry
    assert meta.date == PartialDate(2019, 11) and meta.date.precision == "month"
    assert {meta.provenance[k] for k in ("title", "outlet", "date", "url")} == {"manifest"}


def test_registry_lookups():
    reg = metadata.OutletRegistry(corpus.load_resources(__import__("pathlib").Path(
        __file__).parents[1] / "corpus").outlets)
    assert reg.by_domain("https://edition.cnn.com/2021/x").name == "CNN"
    assert reg.by_name("nytimes").name == "The New York Times"
    assert reg.languages("La Opinion") == ("es",)
    assert reg.by_domain("https://unknown.example") is None

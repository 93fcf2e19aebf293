"""Cleaning: normalisation, residue rules for scraped text, HTML boilerplate, Markdown."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import clean, metadata

from .conftest import DATA

# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("raw", "display", "index"),
    [
        ("“Curly” ‘quotes’", "“Curly” ‘quotes’", "\"Curly\" 'quotes'"),
        ("won’t", "won’t", "won't"),
        ("«guillemets» „low“", "«guillemets» „low“", '"guillemets" "low"'),
        ("a\u00a0b\u202fc", "a\u00a0b\u202fc", "a b c"),
        ("2018–2019 — dash", "2018–2019 — dash", "2018-2019 - dash"),
        ("Cafe\u0301", "Café", "Café"),  # NFC
        ("co\u00adoperate\u200b", "cooperate", "cooperate"),  # soft hyphen, zero width
        ("line\r\nend\rold", "line\nend\nold", "line\nend\nold"),
        ("tab\there\x07", "tab  here", "tab  here"),  # a tab keeps columns apart
    ],
)
def test_normalisation(raw, display, index):
    shown = clean.normalize_display(raw)
    assert shown == display
    assert clean.normalize_for_index(shown) == index


@given(st.text())
def test_index_form_has_the_same_length_as_display_form(text):
    shown = clean.normalize_display(text)
    assert len(clean.normalize_for_index(shown)) == len(shown)


# --------------------------------------------------------------------------- residue lines


_SEPARATORS = "|›»>·•\t/–—-:,.x"
_SPACES = ["", " ", "  ", "\t", "\u00a0", "\n", " \u2003 "]


@pytest.mark.parametrize("sep", _SEPARATORS)
def test_menu_hint_finds_what_menu_split_finds(sep):
    # _is_menu asks the cheaper _MENU_HINT whether _MENU_SPLIT would find a separator
    for left in _SPACES:
        for right in _SPACES:
            line = f"Home{left}{sep}{right}News"
            assert bool(clean._MENU_HINT.search(line)) == bool(clean._MENU_SPLIT.search(line))


@given(st.text(alphabet=st.sampled_from("ab |›»>·•\t/–—-\n\u00a0\u2003")))
def test_menu_hint_agrees_on_any_text(line):
    assert bool(clean._MENU_HINT.search(line)) == bool(clean._MENU_SPLIT.search(line))


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Please enter your comment!", "comment form"),
        ("Please enter your name here", "comment form"),
        ("You have entered an incorrect email address!", "comment form"),
        ("Leave a Reply", "comment form"),
        ("Name *", "comment form"),
        ("Por favor ingrese su comentario", "comment form"),
        ("Deja un comentario", "comment form"),
        ("Comentarios (7)", "comment form"),
        ("Click on the star of Google News and follow us", "share/follow widget"),
        ("Haz clic en la estrella de Google News y síguenos", "share/follow widget"),
        ("Share this:", "share/follow widget"),
        ("Compartir en WhatsApp", "share/follow widget"),
        ("Follow us on Instagram", "share/follow widget"),
        ("Sign up for our daily newsletter", "newsletter prompt"),
        ("Suscríbete a nuestro boletín", "newsletter prompt"),
        ("Get the Morning Brief in your inbox every day.", "newsletter prompt"),
        ("Advertisement", "advertisement"),
        ("Publicidad", "advertisement"),
        ("Skip to main content", "navigation"),
        ("Home | Politics | Sports | Opinion", "navigation"),
        ("Inicio › Nacional › Sociedad", "navigation"),
        ("World\tBusiness\tMarkets\tTech", "navigation"),
        ("© 2021 The Daily Example. All rights reserved.", "copyright or cookie notice"),
        ("Todos los derechos reservados. Prohibida su reproducción.", "copyright or cookie notice"),
        ("We use cookies to improve your experience on our site.", "copyright or cookie notice"),
        ("Related: Council votes on budget", "related-story teaser"),
        ("Lee también: El Congreso aprueba la reforma", "related-story teaser"),
        ("Lire aussi : La grève continue à Lyon", "related-story teaser"),
        ("Leia também: Greve continua", "related-story teaser"),
        ("5 min read", "reading time"),
        ("Listen to this article", "media player"),
        ("Photo: Jane Roe/AP", "photo credit"),
        ("Foto: EFE", "photo credit"),
        ("Courtesy photo / Courtesy photo", "photo credit"),
        ("Maria Lopez/Getty Images", "photo credit"),
        ("FILE PHOTO: A logo is seen at a warehouse. REUTERS/Ann Doe/File Photo", "photo caption"),
        ("Menu Search Close", "site chrome"),
        ("— Jane Doe (@janedoe) May 5, 2020", "embedded social post"),
        ("Want updates? Join our mailing list.", "newsletter prompt"),
    ],
)
def test_residue_lines_are_recognised(line, reason):
    assert clean.is_widget_line(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "The union said it would share the data with city officials.",
        "“Please enter your comments on the proposal by Friday,” the clerk told residents.",
        "Photographers waited outside the courthouse for hours.",
        "Comments from the public will be accepted until March.",
        "Advertisement revenue fell 12% in the quarter, the company said.",
        "Support for the measure grew in the suburbs, officials said.",
        "Home prices rose again in May.",
        "10/23/2018 | Written by Tessa Lindqvist",
        "Contact:",
        "Photo courtesy of the family, who asked that the boy not be named, shows him at age six.",
    ],
)
def test_article_sentences_are_not_residue(line):
    assert clean.is_widget_line(line) is None


SCRAPE = """\
Skip to content
The Valley Ledger
News | Politics | Business | Sports | Opinion
Subscribe
POLITICS

City Council Delays Vote on Police Drone Contract

By Ana Ruiz | Nov. 3, 2019

Share on Facebook
Tweet

The city council on Tuesday postponed a vote on a $2 million contract for police drones after
residents filled the chamber to object.

Photo: Lee Park/The Valley Ledger

“Nobody asked us whether we want to be watched from the sky,” said Marta Gil, who lives near
the park.

Photo: Lee Park/The Valley Ledger

The vendor, Skyward Systems, said its drones store footage for 30 days.

Residents fill the council chamber on Tuesday night. (Photo provided)

Council members asked staff to return with a privacy policy in January.

Related: Police union backs new contract
Sign up for our newsletter
Comments (4)
© 2019 Valley Ledger Media LLC. All rights reserved.
"""


def test_scrape_keeps_every_sentence_and_drops_residue():
    ct = clean.clean_text(SCRAPE)
    for sentence in (
        "City Council Delays Vote on Police Drone Contract",
        "By Ana Ruiz | Nov. 3, 2019",
        "The city council on Tuesday postponed a vote on a $2 million contract for police drones",
        "“Nobody asked us whether we want to be watched from the sky,” said Marta Gil",
        "The vendor, Skyward Systems, said its drones store footage for 30 days.",
        "Council members asked staff to return with a privacy policy in January.",
    ):
        assert sentence in ct.text
    for residue in ("Skip to content", "The Valley Ledger\n", "News | Politics", "Subscribe",
                    "POLITICS", "Share on Facebook", "Tweet", "Photo: Lee Park",
                    "Residents fill the council chamber", "Related:", "Sign up", "Comments (4)",
                    "All rights reserved"):
        assert residue not in ct.text
    reasons = {r.text: r.reason for r in ct.removed}
    assert reasons["Photo: Lee Park/The Valley Ledger"] == "photo credit"
    assert reasons["Residents fill the council chamber on Tuesday night. (Photo provided)"] == \
        "photo caption"
    assert reasons["The Valley Ledger"] == "masthead"
    assert reasons["POLITICS"] == "section label"
    assert reasons["Subscribe"] == "newsletter prompt"


def test_section_labels_are_removed_only_around_the_article():
    text = ("News\n\nA long first paragraph of the article that has more than twelve words in "
            "it for sure.\n\nPolitics\n\nAnother long paragraph of the article with more than "
            "twelve words in it, to close.\n\nOpinion")
    ct = clean.clean_text(text)
    assert "Politics" in ct.text  # between paragraphs it may be a subheading
    assert [(r.text, r.reason) for r in ct.removed] == [("News", "section label"),
                                                        ("Opinion", "section label")]


def test_repeated_paragraph_keeps_first_occurrence():
    para = "A caption that repeats itself in the scraped page text, as captions sometimes do."
    ct = clean.clean_text(f"{para}\n\nThe article body goes here.\n\n{para}")
    assert ct.text.count(para) == 1
    assert [r.reason for r in ct.removed] == ["repeated paragraph"]


def test_wire_sign_off_ends_the_article():
    text = "\n\n".join(
        ["BOSTON (Reuters) - A long article paragraph number one with many words in it today."] * 1
        + [f"Paragraph {i} of the wire story, written with enough words to count as prose."
           for i in range(4)]
        + ["Reporting by Ann Lee; Editing by Bo Ma",
           "Our Standards: The Example Trust Principles.", "Apps Newsletters Advertise"]
    )
    ct = clean.clean_text(text)
    assert "Reporting by Ann Lee" in ct.text
    assert "Our Standards" not in ct.text
    assert any(r.reason == "after the sign-off" for r in ct.removed)


@pytest.mark.parametrize(
    "caption",
    [
        "Students marched to the plaza on Friday afternoon. Ana Diaz/AFP",
        "Protesters linked arms outside the State House on Friday.ELLIOT KRANE/GLOBE STAFF",
        "Relatives wait outside the processing center late Tuesday. Elena Marchetti / Staff "
        "photographer",
        "Los manifestantes frente a la tienda. (Foto: Archivo)",
    ],
)
def test_a_line_ending_with_a_photo_credit_is_a_caption(caption):
    body = "The article's first paragraph says what happened, at length, with many words."
    ct = clean.clean_text(f"{body}\n\n{caption}\n\n{body} Again.")
    assert caption not in ct.text and body in ct.text
    assert [(r.text, r.reason) for r in ct.removed] == [(caption, "photo caption")]


def test_caption_right_above_a_credit_line():
    body = "The article's first paragraph says what happened, at length, with many words."
    ct = clean.clean_text(f"{body}\n\nA moment of the council meeting on Tuesday.\n"
                          f"Foto: Archivo / Ana Gil\n\nA short closing line.\n\n"
                          f"Foto: Archivo / Ana Gil")
    assert "A moment of the council meeting" not in ct.text
    assert "A short closing line." in ct.text  # a blank line separates it from the credit


def test_teaser_list_under_a_label():
    body = "An article paragraph, long enough to be prose, that ends like a sentence does."
    text = (f"{body}\n\nMost Popular\nCouncil names interim chief after long meeting\n"
            f"2. Cold front brings rain and a drop by Thursday\nTexans sign veteran kicker\n\n"
            f"{body} More.\n\nLo más leído\nDetenido un joven por robar en seis coches\n\n"
            f"{body} End.")
    ct = clean.clean_text(text)
    assert ct.text.count(body) == 3
    for teaser in ("Most Popular", "Council names", "Cold front", "Texans", "Lo más leído",
                   "Detenido"):
        assert teaser not in ct.text


def test_chrome_before_the_headline_and_after_the_article():
    text = ("Jump to content\nThe Daily Example\nSign In\nLocal\nSports\nLABOR\n\n"
            "Union Wins Vote at the Riverside Warehouse After Long Campaign\n\nBy Ann Lee\n"
            "Nov. 3, 2019\n\nWorkers at the warehouse voted 120 to 80 on Friday to join the "
            "union, organizers said.\n\nAbout Us\nCareers\nTerms of Use")
    ct = clean.clean_text(text)
    assert ct.text.startswith("Union Wins Vote")
    assert "By Ann Lee" in ct.text and "Nov. 3, 2019" in ct.text
    reasons = {r.text: r.reason for r in ct.removed}
    assert reasons["The Daily Example"] == "masthead"
    assert all(reasons[x] in ("site chrome", "section label") for x in
               ("Local", "Sports", "LABOR", "About Us", "Careers", "Terms of Use"))


POOL = [
    "The mayor said the budget would be balanced by June.",
    "Los trabajadores votaron a favor de la huelga el martes por la tarde.",
    "Share this:", "Advertisement", "Photo: A. B./AP", "Home | News | Sports | Weather",
    "Related: Another story", "“We are not leaving,” said Rosa Díaz.", "",
    "Comments (3)", "A short line", "Please enter your comment!",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(POOL), max_size=25))
def test_cleaning_is_idempotent_and_never_drops_prose(lines):
    text = "\n".join(lines)
    once = clean.clean_text(text)
    assert clean.clean_text(once.text).text == once.text
    for sentence in ("The mayor said the budget would be balanced by June.",
                     "Los trabajadores votaron a favor de la huelga el martes por la tarde."):
        if sentence in text:
            assert sentence in once.text


# --------------------------------------------------------------------------- HTML

PAGE = (DATA / "coastal_times.html").read_text(encoding="utf-8")


def test_html_article_kept_and_furniture_removed():
    ct = clean.clean_html(clean.parse_html(PAGE))
    for kept in ("The port authority kept all berths closed on Wednesday",
                 "“We will not reopen until the wind drops below 50 km/h,” said harbour master",
                 "More than 40 ships were waiting at anchor",
                 "Forecasters expect the winds to ease by Friday.",
                 "Shipping backs up along the coast"):
        assert kept in ct.text
    for gone in ("We use cookies", "Accept", "News", "Share on Facebook", "Waves hit the pier",
                 "Port strike ends", "briefing in your inbox", "worst storm I have ever seen",
                 "All rights reserved", "Privacy Policy", "do not index me", "color:red"):
        assert gone not in ct.text
    assert ct.text.index("Shipping backs up") < ct.text.index("The port authority")
    reasons = {r.reason for r in ct.removed}
    assert {"figure and caption", "footer"} <= reasons


def test_html_page_wrapped_in_a_form_keeps_its_article():
    body = "".join(f"<p>Paragraph {i} of a long article, with commas, clauses, and enough words "
                   f"to read as prose in any scoring scheme.</p>" for i in range(6))
    page = (f"<html><body><form id='aspnetForm'><div class='menu'><a href='/'>Home</a></div>"
            f"<div class='content'>{body}</div></form></body></html>")
    ct = clean.clean_html(clean.parse_html(page))
    assert all(f"Paragraph {i} of a long article" in ct.text for i in range(6))


def test_html_wrapper_with_furniture_class_keeps_article_but_widgets_inside_go():
    body = "".join(f"<div class='para'>Sentence {i} of the story, long enough, with commas, to be "
                   f"counted as running text by the cleaner.</div>" for i in range(5))
    page = (f"<html><body><div class='layout has-sidebar rail-wrapper'><div class='article-text'>"
            f"{body}<div class='gallery'><p>Caption one of a gallery that is long, with commas, "
            f"and should not be kept as article text at all.</p></div></div></div>"
            f"<div class='sidebar'><p>Most read: something else entirely, elsewhere.</p></div>"
            f"</body></html>")
    ct = clean.clean_html(clean.parse_html(page))
    assert all(f"Sentence {i} of the story" in ct.text for i in range(5))
    assert "Caption one of a gallery" not in ct.text
    assert "Most read" not in ct.text


def test_taxonomy_classes_do_not_mark_the_article_as_furniture():
    body = "".join(f"<p>Absatz {i} des Artikels, mit Kommas, Nebensätzen und genug Wörtern, um "
                   f"als Fließtext zu gelten.</p>" for i in range(5))
    comments = "".join(f"<li class='comment'><p>Leserkommentar {i}, sehr lang, mit vielen Worten "
                       f"und Meinungen zum Thema, die niemand braucht.</p></li>" for i in range(30))
    page = (f"<html><body><article class='post tag-streik tag-social category-news'>{body}"
            f"</article><ol class='commentlist'>{comments}</ol></body></html>")
    ct = clean.clean_html(clean.parse_html(page))
    assert all(f"Absatz {i} des Artikels" in ct.text for i in range(5))
    assert "Leserkommentar" not in ct.text


def test_itemprop_article_body_is_preferred():
    page = ("<html><body><div><p>" + "Teaser text, with commas, long enough to score well. " * 8 +
            "</p></div><div itemprop='articleBody'><p>" + "The real story begins here. " * 12 +
            "</p></div></body></html>")
    ct = clean.clean_html(clean.parse_html(page))
    assert ct.text.startswith("The real story begins here.")
    assert "Teaser text" not in ct.text


def test_html_line_breaks_and_hidden_elements():
    page = ("<html><body><div class='content'><p>First line<br>second line</p><p>Next "
            "paragraph<br><br>after a double break</p><p hidden>hidden text</p>"
            "<p style='display: none'>invisible</p></div></body></html>")
    ct = clean.clean_html(clean.parse_html(page))
    assert "First line\nsecond line" in ct.text
    assert "Next paragraph\n\nafter a double break" in ct.text
    assert "hidden text" not in ct.text and "invisible" not in ct.text



def test_markup_pasted_into_the_article_is_not_text():
    """A CMS that pastes a whole page into the body leaves its doctype there."""
    page = ("<!doctype html><html><body><article><p>The ferry resumed service on Monday, the "
            "operator said, after a week of repairs to its ramp.</p><div><!DOCTYPE html PUBLIC "
            "\"-//W3C//DTD HTML 4.0 Transitional//EN\"><?xml-stylesheet href='a.css'?>"
            "<!-- an editor's note --><p>Passengers were told to expect delays, and crews "
            "added two sailings in the evening.</p></div></article></body></html>")
    ct = clean.clean_html(clean.parse_html(page))
    assert "The ferry resumed service on Monday" in ct.text
    assert "Passengers were told to expect delays" in ct.text
    for gone in ("DOCTYPE", "W3C", "DTD", "xml-stylesheet", "a.css", "editor's note"):
        assert gone not in ct.text

# --------------------------------------------------------------------------- markdown


def test_front_matter_and_markdown_to_text():
    meta, body = clean.split_front_matter(
        "---\ntitle: 'Six months of organizing'\ndate: 2019-06-30\noutlet: Tech Workers Blog\n---\n"
        "# Six months\n\nWe **won** a [policy change](https://example.org) and `more`.\n\n"
        "- first item\n- second item\n\n![chart](c.png)\n\n[1]: https://example.org\n"
    )
    assert meta == {"title": "Six months of organizing", "date": "2019-06-30",
                    "outlet": "Tech Workers Blog"}
    text = clean.markdown_to_text(body)
    assert text == "Six months\n\nWe won a policy change and more.\n\nfirst item\nsecond item"


def test_markdown_without_front_matter():
    meta, body = clean.split_front_matter("# Title\n\nText --- with a dash.")
    assert meta == {} and body.startswith("# Title")


@pytest.mark.parametrize(
    ("markdown", "title"),
    [
        ("# Rent Strike\n\nTenants stopped paying on Monday.", "Rent Strike"),
        ("\n  # Rent *Strike* Ends #\n\nText.", "Rent Strike Ends"),
        ("Rent Strike Ends\n================\n\nText.", "Rent Strike Ends"),
        ("Tenants stopped paying.\n\n## Why\n\nRents rose.", None),  # a section first
        ("Background\n----------\n\n# Notes", None),
        ("```\n# not a heading\n```\n\n# Later", None),
        ("One.\n\nTwo.\n\nThree.\n\nFour.\n\nFive.\n\n# Appendix", None),
    ],
)
def test_markdown_title_is_an_opening_level_one_heading(markdown, title):
    assert clean.markdown_title(markdown) == title


def test_a_markdown_heading_is_the_title_however_short(prepare):
    doc = prepare("# Deal Defended\n\nThe port authority defended the contract on Tuesday, "
                  "saying it saved jobs.", fmt="markdown")
    assert doc.title == "Deal Defended" and doc.provenance["title"] == "text"


# --------------------------------------------------------------------------- bylines, timestamps


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Thu 14 Nov 2019 09.05 EST", "timestamp"),
        ("November 14, 2019 9:05 AM", "timestamp"),
        ("14/11/2019 09:05", "timestamp"),
        ("Published 9:05 AM ET, Thu November 14, 2019", "timestamp"),
        ("14 de noviembre de 2019 - 09:05", "timestamp"),
        ("jueves 14 de noviembre de 2019, 09:05 hrs", "timestamp"),
        ("Actualizado: 15 nov 2019 10:20 AM", "timestamp"),
        ("Publié le 14 novembre 2019 à 9h05 - Mis à jour le 14 novembre 2019 à 11h20",
         "timestamp"),
        ("14. November 2019, 9:05 Uhr", "timestamp"),
        ("2019-11-14T09:05:00Z", "timestamp"),
        ("Last modified on Thu 14 Nov 2019 11.20 EST", "timestamp"),
        ("Nov. 14, 2019", "timestamp"),
        ("By Marisol Okonkwo", "byline"),
        ("BY MARISOL OKONKWO", "byline"),
        ("Marisol Okonkwo in Tacoma", "byline"),
        ("Por Joaquín Ferreyra", "byline"),
        ("Marisol Okonkwo and Tobias Lindqvist, Reuters", "byline"),
        ("Marisol Okonkwo, Staff Writer", "byline"),
        ("Story by María del Carmen Ibarra", "byline"),
        ("Von Henrike Albers", "byline"),
        ("By Marisol Okonkwo | Nov. 14, 2019", "byline and timestamp"),
        ("Por Joaquín Ferreyra 14 de noviembre de 2019 - 09:05", "byline and timestamp"),
    ],
)
def test_bylines_and_timestamps_are_recognised(line, kind):
    assert clean.is_byline_or_timestamp(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "On Thursday 14 November 2019, Marisol Okonkwo asked the port authority.",
        "Marisol Okonkwo in Tacoma said the crews would not move the container.",
        "El 14 de noviembre de 2019 a las 09:05 comenzó la huelga en el puerto.",
        "By Thursday, the container had not moved.",
        "By the numbers",
        "Published in November 2019, the report found flaws in the contract.",
        "Marisol Okonkwo",  # a name alone: a signature, a speaker, a caption
        "Who wrote it, Marisol Okonkwo in Tacoma?",
        "November 2019",
        "Thursday",
        "Updated guidance for dock crews",
    ],
)
def test_sentences_with_a_date_or_a_name_are_not_bylines_or_timestamps(line):
    assert clean.is_byline_or_timestamp(line) is None


LEDGER = (DATA / "harbor_ledger.html").read_text(encoding="utf-8")


def page_cleaned(html: str):
    """A page cleaned as build.prepare cleans it: told what its markup states."""
    soup = clean.parse_html(html)
    return clean.clean_html(soup, *metadata.stated_facts(metadata.read_page_meta(soup)))


def test_page_byline_and_timestamps_the_markup_states_are_removed():
    ct = page_cleaned(LEDGER)
    reasons = {r.text: r.reason for r in ct.removed}
    assert reasons["Marisol Okonkwo in Tacoma"] == "byline"
    assert reasons["Thu 14 Nov 2019 09.05 EST"] == "timestamp"
    assert reasons["Last modified on Thu 14 Nov 2019 11.20 EST"] == "timestamp"
    for gone in ("Marisol Okonkwo in Tacoma", "09.05 EST", "Last modified"):
        assert gone not in ct.text
    assert ct.text.startswith("Dockworkers refuse to unload surveillance cameras")
    for kept in ("A shipment of thermal cameras sat on a Tacoma pier",
                 "On Thursday 14 November 2019, Marisol Okonkwo asked the port authority",
                 "Thu 14 Nov 2019 10.30 EST",  # inside the article: an update's time
                 "until Monday, when a meeting with the union is scheduled."):
        assert kept in ct.text


def test_page_byline_and_timestamp_stay_where_the_markup_does_not_state_them():
    """Then they are where the metadata finds the author and the date."""
    bare = re.sub(r'<meta (?:property="article:published_time"|name="author")[^>]*>', "", LEDGER)
    ct = page_cleaned(bare)
    assert "Marisol Okonkwo in Tacoma" in ct.text and "Thu 14 Nov 2019 09.05 EST" in ct.text
    assert not {"byline", "timestamp"} & {r.reason for r in ct.removed}
    # an author the markup names otherwise: the byline stays, the timestamp goes
    other = LEDGER.replace('content="Marisol Okonkwo"', 'content="Tobias Lindqvist"')
    ct = page_cleaned(other)
    assert "Marisol Okonkwo in Tacoma" in ct.text
    assert "Thu 14 Nov 2019 09.05 EST" not in ct.text


def test_spanish_page_byline_and_timestamp_from_json_ld():
    body = "".join(f"<p>Párrafo {i} de la crónica, con comas, cláusulas y palabras suficientes "
                   f"para leerse como texto corrido en cualquier puntuación.</p>" for i in range(4))
    page = ('<html><head><script type="application/ld+json">{"@context": "https://schema.org",'
            '"@type": "NewsArticle", "datePublished": "2019-11-14T09:05:00-06:00", "author": '
            '{"@type": "Person", "name": "Joaquín Ferreyra"}}</script></head><body><article>'
            "<p>Por Joaquín Ferreyra</p><p>14 de noviembre de 2019 - 09:05</p>"
            f"{body}</article></body></html>")
    ct = page_cleaned(page)
    assert [(r.text, r.reason) for r in ct.removed] == [
        ("Por Joaquín Ferreyra", "byline"), ("14 de noviembre de 2019 - 09:05", "timestamp")]
    assert ct.text.startswith("Párrafo 0")


def test_plain_text_keeps_bylines_unless_told_the_facts_are_stated():
    body = ("Longshore crews declined on Wednesday to unload a container of thermal cameras "
            "bound for a federal contractor, union officials said.")
    text = (f"Dockworkers Refuse to Unload Cameras\n\nBy Marisol Okonkwo\n14/11/2019 09:05\n\n"
            f"Longshore Workers in Tacoma\n\n{body}\n\nUpdated: 15 nov 2019 10:20 AM")
    assert clean.clean_text(text).text == text
    ct = clean.clean_text(text, dated=True, authors=("Marisol Okonkwo",))
    assert [(r.text, r.reason) for r in ct.removed] == [
        ("By Marisol Okonkwo", "byline"), ("14/11/2019 09:05", "timestamp"),
        ("Updated: 15 nov 2019 10:20 AM", "timestamp")]
    # shaped like a byline, but naming no author: a subheading, kept
    assert "Longshore Workers in Tacoma" in ct.text and body in ct.text
    # a paragraph goes whole or not at all: the byline the rest does not state keeps its date
    only_dated = clean.clean_text(text, dated=True)
    assert "By Marisol Okonkwo\n14/11/2019 09:05" in only_dated.text
    assert [r.text for r in only_dated.removed] == ["Updated: 15 nov 2019 10:20 AM"]


def test_timestamps_past_the_start_of_the_body_stay():
    prose = [f"Paragraph {i} of the report, long enough and with clauses, to be read as the "
             f"body of the article by any measure." for i in range(4)]
    text = "\n\n".join([prose[0], prose[1], prose[2], "14/11/2019 09:05", prose[3]])
    assert clean.clean_text(text, dated=True).text == text


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="article:published_time" content="2019-11-14T09:05:00Z">'
         '<meta name="author" content="By Marisol Okonkwo and Tobias Lindqvist">',
         (True, ("Marisol Okonkwo", "Tobias Lindqvist"))),
        ('<script type="application/ld+json">{"@graph": [{"@type": "WebPage", "author": "X Y"},'
         '{"@type": ["NewsArticle"], "datePublished": "2019-11-14", "author": [{"@type": '
         '"Person", "name": "Ana Gil"}, {"@type": "Organization", "name": "Agencia Sur"}], '
         '"publisher": {"@type": "Organization", "name": "Harbor Ledger"}}]}</script>'
         '<meta name="author" content="Not Used">', (True, ("Ana Gil", "Agencia Sur"))),
        ('<script type="application/ld+json">{"@type": "WebPage", "datePublished": '
         '"2019-11-14"}</script>', (True, ())),
        ('<meta name="date" content="2019-13-40"><meta name="author" content="https://x.org/a">',
         (False, ())),
        ('<meta property="og:site_name" content="The Harbor Ledger">'
         '<meta name="author" content="Harbor Ledger">', (False, ("Harbor Ledger",))),
        ('<meta property="og:updated_time" content="2019-11-14">', (False, ())),
        ('<body><time class="updated" datetime="2019-11-15">15 Nov</time></body>', (False, ())),
        ('<body><p class="meta"><time datetime="2019-11-14T09:05">14 Nov</time></p></body>',
         (True, ())),
    ],
)
def test_what_a_page_states_about_its_date_and_authors(head, expected):
    """As the metadata reads them (an organization named as author included: a byline must
    name one of them to go, and a name alone is no byline)."""
    soup = clean.parse_html(f"<html><head>{head}</head></html>")
    assert metadata.stated_facts(metadata.read_page_meta(soup)) == expected


FACT_POOL = [
    "By Marisol Okonkwo", "Marisol Okonkwo in Tacoma", "Thu 14 Nov 2019 09.05 EST", "",
    "The port said the container would stay on the pier until the union met on Monday.",
    "On 14 November 2019 Marisol Okonkwo asked the port authority for the shipping records.",
    "Longshore Workers in Tacoma", "Share this:",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FACT_POOL), max_size=20))
def test_removing_stated_facts_is_idempotent_and_never_drops_prose(lines):
    text = "\n".join(lines)
    facts = {"dated": True, "authors": ("Marisol Okonkwo",)}
    once = clean.clean_text(text, **facts)
    assert clean.clean_text(once.text, **facts).text == once.text
    for sentence in FACT_POOL[4:6]:
        if sentence in text:
            assert sentence in once.text


def test_shared_pages_keep_their_text_and_lose_their_boilerplate(shared_pages):
    """The real pages' truth: what must survive cleaning, and what must not."""
    from indexer import corpus
    from indexer.evaluate import normalize

    for page in sorted(p for p in shared_pages.iterdir() if (p / "truth.json").exists()):
        truth = json.loads((page / "truth.json").read_text(encoding="utf-8"))
        html, _ = corpus.decode((page / "source.html").read_bytes(), "html")
        text = normalize(page_cleaned(html).text)
        assert [s for s in truth["must_contain"] if normalize(s) not in text] == [], page.name
        assert [s for s in truth["must_not_contain"] if normalize(s) in text] == [], page.name

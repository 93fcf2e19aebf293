"""Title, date, outlet, URL, author, doc type, organizations and people, each with provenance.

Sources, strongest first: the manifest (corpus/sources.toml), Markdown front matter, HTML
metadata (<meta>, JSON-LD, <title>, <time>), the text itself, and the registries in corpus/.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from .clean import is_widget_line
from .corpus import OutletInfo, Resources
from .entities import CONNECTORS, find_organizations, find_people
from .models import CleanText, Entity, PartialDate, SourceFacts
from .textutil import (
    MONTHS,
    WEEKDAYS,
    fold,
    name_key,
    squash,
    straight_quotes,
    strip_accents,
    words,
)

# =========================================================================== page metadata


@dataclass
class PageMeta:
    """What a page's markup says about itself, read before cleaning."""

    title_tag: str | None = None
    meta: dict[str, list[str]] = field(default_factory=dict)  # name/property (lower) -> values
    jsonld: list[dict] = field(default_factory=list)
    canonical: str | None = None
    html_lang: str | None = None
    h1: list[str] = field(default_factory=list)
    times: list[tuple[str, str]] = field(default_factory=list)  # (datetime attr, class/itemprop)
    bylines: list[str] = field(default_factory=list)

    def first(self, *names: str) -> str | None:
        for n in names:
            for v in self.meta.get(n, ()):
                if v.strip():
                    return v.strip()
        return None


def read_page_meta(soup: BeautifulSoup) -> PageMeta:
    """Collect a page's self-description: meta tags, JSON-LD, title, h1, time elements."""
    pm = PageMeta()
    if soup.title and soup.title.string:
        pm.title_tag = _squash(soup.title.get_text())
    for m in soup.find_all("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or m.get("http-equiv") or "")
        content = m.get("content")
        if key and content:
            pm.meta.setdefault(key.strip().lower(), []).append(_squash(content))
    for s in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        pm.jsonld.extend(_jsonld_objects(s.string or s.get_text()))
    link = soup.find("link", rel=lambda v: v and "canonical" in (v if isinstance(v, list) else [v]))
    if link and link.get("href"):
        pm.canonical = link["href"].strip()
    html = soup.find("html")
    if html is not None and html.get("lang"):
        pm.html_lang = str(html.get("lang")).strip()
    pm.h1 = [_squash(h.get_text(" ")) for h in soup.find_all("h1") if _squash(h.get_text(" "))]
    for t in soup.find_all("time"):
        value = t.get("datetime") or t.get("content")
        if value:
            hint = " ".join(t.get("class") or []) + " " + str(t.get("itemprop") or "")
            parent = t.find_parent(attrs={"class": True})
            if parent is not None:
                hint += " " + " ".join(parent.get("class") or [])
            pm.times.append((value.strip(), hint.lower()))
    for el in soup.find_all(attrs={"itemprop": re.compile(r"^datePublished$", re.I)}):
        value = el.get("content") or el.get("datetime")
        if value:
            pm.meta.setdefault("itemprop:datepublished", []).append(value.strip())
    for el in soup.find_all(attrs={"class": re.compile(r"byline|author", re.I)}):
        if isinstance(el, Tag) and el.name not in ("meta", "link", "script", "style", "body"):
            text = _squash(el.get_text(" "))
            if 3 <= len(text) <= 120:
                pm.bylines.append(text)
    return pm


def _jsonld_objects(raw: str) -> list[dict]:
    try:
        data = json.loads(raw.strip().rstrip(";"), strict=False)
    except (ValueError, TypeError):
        return []
    out: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            out.append(node)
            if "@graph" in node:
                walk(node["@graph"])

    walk(data)
    return out


def _squash(s: str) -> str:
    return squash(s or "")


_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle",
                  "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle",
                  "webpage", "posting", "socialmediaposting", "liveblogposting", "pressrelease",
                  "reviewnewsarticle", "scholarlyarticle"}


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    types = t if isinstance(t, list) else [t]
    return {str(x).lower() for x in types if x}


def _articles(pm: PageMeta) -> list[dict]:
    arts = [o for o in pm.jsonld if _types(o) & _ARTICLE_TYPES - {"webpage"}]
    return arts or [o for o in pm.jsonld if "webpage" in _types(o)]


def _name_of(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _name_of(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _name_of(v)]
    return []


# =========================================================================== result


@dataclass(frozen=True)
class Metadata:
    """Everything extracted about one document; provenance maps field -> source."""

    title: str | None = None
    original_title: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    doc_type: str = "news article"
    date: PartialDate | None = None
    organizations: tuple[Entity, ...] = ()
    people: tuple[Entity, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)


def extract_metadata(
    clean: CleanText,
    resources: Resources,
    facts: SourceFacts | None = None,
    page: PageMeta | None = None,
    front: dict[str, str] | None = None,
    language: str = "en",
    heading: str | None = None,
) -> Metadata:
    """All metadata for one document; every field records where it came from. heading: the
    title the text's markup gives it (a Markdown `# Title`)."""
    facts = facts or SourceFacts()
    front = front or {}
    prov: dict[str, str] = {}
    lines = [ln.strip() for ln in clean.text.split("\n") if ln.strip()]
    removed = [r.text for r in clean.removed]
    registry = OutletRegistry(resources.outlets)

    def pick(name: str, *candidates: tuple[object, str]) -> object:
        for value, source in candidates:
            if value:
                prov[name] = source
                return value
        return None

    url = pick(
        "url", (facts.url, "manifest"), (front.get("url") or front.get("link"), "front-matter"),
        (_page_url(page), "html-meta"),
    )
    mastheads = [r.text for r in clean.removed if r.reason == "masthead"]
    outlet_value, outlet_source = _find_outlet(facts, front, page, url, clean.text, removed,
                                               registry, mastheads)
    outlet = pick("outlet", (outlet_value, outlet_source))

    site_names = {_key(n) for n in (outlet, *registry.names_for(outlet),
                                     page.first("og:site_name") if page else None) if n}
    host = _domain(url)
    if host:
        site_names |= {host, host.split(".")[0]}
    title = pick(
        "title", (facts.title, "manifest"), (front.get("title"), "front-matter"),
        (_page_title(page, site_names), "html-meta"), (heading, "text"),
        (find_headline(lines, site_names), "text"),
    )
    if title is None:
        title = pick("title", (_first_sentence(lines), "text"))
    original_title = pick("original_title", (facts.original_title, "manifest"),
                          (front.get("original_title"), "front-matter"))

    date = _find_date(facts, front, page, url, lines, removed, language, prov)

    author = pick(
        "author", (facts.author, "manifest"), (front.get("author"), "front-matter"),
        (_page_author(page, outlet), "html-meta"), (find_byline(lines[:12]), "text"),
    )
    doc_type, source = classify_doc_type(lines, removed, facts, page, url, front)
    prov["doc_type"] = source

    orgs = find_organizations(clean.text, resources.organizations)
    people = find_people(clean.text, resources.people, orgs)
    if orgs:
        prov["organizations"] = _mixed_source(orgs)
    if people:
        prov["people"] = _mixed_source(people)
    return Metadata(
        title=title, original_title=original_title, outlet=outlet, url=url, author=author,
        doc_type=doc_type, date=date, organizations=orgs, people=people, provenance=prov,
    )


def _mixed_source(entities: tuple[Entity, ...]) -> str:
    sources = sorted({e.source for e in entities})
    return "+".join(sources)


# =========================================================================== helpers


_fold = fold
_key = name_key


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return None
    return host.lower().removeprefix("www.") or None


# =========================================================================== outlets


class OutletRegistry:
    """Lookups into corpus/outlets.toml: by domain and by any of an outlet's names."""

    def __init__(self, outlets: tuple[OutletInfo, ...]) -> None:
        self.outlets = outlets
        self._by_name: dict[str, OutletInfo] = {}
        self._by_domain: dict[str, OutletInfo] = {}
        for o in outlets:
            for n in (o.name, *o.aliases):
                self._by_name.setdefault(_key(n), o)
            for d in o.domains:
                self._by_domain.setdefault(d, o)

    def by_name(self, name: str | None) -> OutletInfo | None:
        return self._by_name.get(_key(name)) if name else None

    def by_domain(self, url: str | None) -> OutletInfo | None:
        host = _domain(url)
        while host:
            if host in self._by_domain:
                return self._by_domain[host]
            host = host.partition(".")[2] if "." in host else ""
        return None

    def canonical(self, name: str) -> str:
        info = self.by_name(name)
        return info.name if info else name

    def names_for(self, name: str | None) -> tuple[str, ...]:
        info = self.by_name(name)
        return (info.name, *info.aliases) if info else ()

    def languages(self, name: str | None) -> tuple[str, ...]:
        info = self.by_name(name)
        return info.languages if info else ()


# Text patterns that name the publishing outlet, with how much each says.
_CAP = r"[A-ZÀ-ÖØ-Þ0-9]"
_NAME_WORD = rf"{_CAP}(?:[\w&'’-]|\.(?=\w))*"
_OUTLET_NAME = rf"(?:(?:The|El|La|Los|Las|Le|Die)\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}"
_OUTLET_TEXT: list[tuple[re.Pattern, int]] = [
    # "Newsweek has contacted Amazon ... for comment"; "The Times reached out to ... for comment"
    (re.compile(
        rf"(?<![\w,])(?P<o>{_OUTLET_NAME})\s+(?:has\s+|had\s+)?(?:contacted|reached out to|asked"
        rf"|emailed|called|requested comment from|sought comment from|attempted to reach)\b"
        rf"[^.!?\n]{{0,160}}\b(?:for|seeking) (?:a\s+)?(?:comment|response|statement)"), 3),
    (re.compile(
        rf"(?<![\w,])(?P<o>{_OUTLET_NAME})\s+(?:could not|was unable to|cannot|has not been able"
        rf" to)\s+(?:immediately\s+|independently\s+)+(?:reach|verify|confirm)"), 3),
    (re.compile(
        rf"(?<![\w,])(?P<o>{_OUTLET_NAME})\s+(?:contactó|se comunicó con|buscó|solicitó|intentó "
        rf"contactar|consultó)\b[^.!?\n]{{0,160}}\b(?:comentari|respuesta|postura|versión"
        rf"|declaraciones|respondi)"), 3),
    # Wire datelines: "NEW YORK (Reuters) -", "London (CNN)It was"
    (re.compile(
        rf"^[A-ZÀ-Þ][A-ZÀ-Þa-zà-ÿ .,'’-]{{1,40}}\((?P<o>{_CAP}[\w .&'’-]{{1,30}}?)\)\s*"
        rf"(?:[-–—]|(?=[A-Z]))", re.M), 3),
    # Statements of where the text appeared
    (re.compile(
        rf"\b(?i:originally (?:appeared|published|ran) (?:on|in|at|by)|first (?:appeared|published)"
        rf" (?:on|in|by)|was (?:first )?published (?:on|in|by)|publicado originalmente (?:en|por)"
        rf"|this (?:article|story) (?:first )?appeared (?:on|in)|the original (?:article|story|"
        rf"version|piece|report) (?:appeared|was published|ran) (?:on|in|by)"
        rf"|read the original (?:version|"
        rf"article|story)? ?(?:in|on|at)|lea la versión original en|la versión original en)"
        rf"\s+(?P<o>{_OUTLET_NAME})"), 3),
    (re.compile(
        rf"\b(?:appears|appeared|ran|runs|was published) in the [\w ]{{0,30}}?"
        rf"(?:issue|edition|print edition|number) of (?P<o>{_OUTLET_NAME})"), 3),
    (re.compile(rf"\b(?P<o>{_OUTLET_NAME}) (?:staff writer|staff reporter|reporter|correspondent|"
                rf"editor|contributor|columnist)s? {_NAME_WORD}"), 1),
    # a byline naming the outlet: "Noor Haddad for KJZZ", "Por Ana Gil para El Sol"
    (re.compile(rf"^(?:[Bb]y |[Pp]or |[Pp]ar )?{_NAME_WORD}(?: {_NAME_WORD}){{1,3}},? (?:for|para"
                rf"|pour|für) (?P<o>{_OUTLET_NAME})(?=\s*(?:[-–—|,]|$))", re.M), 3),
]
# Self-promotion lines the cleaner removed usually name the site.
_PROMO_NAMES = [
    re.compile(rf"^(?:support|donate to|contribute to|subscribe to|apoya a|suscríbete a|follow)\s+"
               rf"(?P<o>{_OUTLET_NAME})\s*$", re.I),
    re.compile(rf"^get (?P<o>{_OUTLET_NAME}) in your inbox", re.I),
    re.compile(rf"^(?P<o>{_OUTLET_NAME}) (?:depends|relies) on", re.I),
    re.compile(rf"^sign up (?:for|to) (?P<o>{_OUTLET_NAME})['’]s\b", re.I),
]
_COPYRIGHT = re.compile(
    rf"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{{4}}(?:\s*[-–]\s*\d{{4}})?\s*,?\s*)?"
    rf"(?P<o>{_OUTLET_NAME})",
    re.I,
)
_COMPANY_SUFFIX = re.compile(
    r"(?:,?\s+(?:LLC|L\.L\.C\.|Inc\.?|Ltd\.?|Limited|Corp\.?|Corporation|Company|Co\.|S\.A\.?"
    r"|S\.L\.?|GmbH|Media Group|Media Partners|Partners|Media|Group|Holdings|Publishing"
    r"|Newspapers|Communications|Editora|Editorial|Ediciones|Digital News|News & Media"
    r"|S\.A\. de C\.V\.))+$"
)
_NOT_OUTLETS = {"he", "she", "we", "they", "it", "i", "you", "this", "that", "police", "officials",
                "the company", "amazon", "ice", "the", "el", "la", "reporters", "the agency",
                "the group", "organizers", "él", "ella", "ellos", "nosotros", "all", "todos"}


def _find_outlet(facts, front, page, url, text, removed, registry,
                 mastheads: list[str] = ()) -> tuple[str | None, str]:
    if facts.outlet:
        return registry.canonical(facts.outlet), "manifest"
    for key in ("outlet", "publication", "source", "site", "publisher"):
        if front.get(key):
            return registry.canonical(front[key]), "front-matter"
    known = registry.by_domain(url) or (registry.by_domain(page.canonical) if page else None)
    if known:
        return known.name, "registry"
    if page is not None:
        name = _page_outlet(page, url)
        if name:
            return registry.canonical(name), "html-meta"
    name = find_outlet_in_text(text, removed, mastheads)
    if name:
        return registry.canonical(name), "text"
    return None, ""


def find_outlet_in_text(text: str, removed: list[str] = (),
                        removed_mastheads: list[str] = ()) -> str | None:
    """The outlet a text names as its publisher, by votes: statements such as "Newsweek has
    contacted ... for comment" or "NEW YORK (Reuters) -" count most; a masthead line, the
    copyright holder and the site's self-promotion count less, and must agree.

    >>> find_outlet_in_text("The Tribune has contacted the mayor's office for comment.")
    'The Tribune'
    >>> find_outlet_in_text("WASHINGTON (Reuters) - Senators voted on Tuesday.")
    'Reuters'
    >>> find_outlet_in_text("Daily Planet\\n\\nHeadline of the day here\\n\\nBody.",
    ...                     ["© 2019 Daily Planet Media Group. All rights reserved."])
    'Daily Planet'
    """
    flat = straight_quotes(text)
    votes: Counter[str] = Counter()
    display: dict[str, str] = {}

    def vote(name: str, weight: int) -> None:
        name = _COMPANY_SUFFIX.sub("", name.strip(" .,'-–—:")).strip(" .,'")
        name = re.sub(r"^(?:by|por)\s+", "", name, flags=re.I)
        name = re.sub(r"[\s,]+(?:19|20)\d{2}$", "", name)
        name = re.sub(r"\.(com|org|net|es|mx|cl|ar|co|uk|fr|de|pt|br|cz)$", "", name, flags=re.I)
        k = _key(name)
        if not k or _fold(name) in _NOT_OUTLETS or k in _NOT_OUTLETS or len(name) < 2:
            return
        votes[k] += weight
        display.setdefault(k, name)

    for line in removed_mastheads:
        vote(line, 2)
    for rx, weight in _OUTLET_TEXT:
        for m in rx.finditer(flat):
            vote(m.group("o"), weight)
    for line in removed:
        line = straight_quotes(line.strip())
        m = _COPYRIGHT.search(line)
        if m:
            name = re.split(r"\s*[-–—|]\s+|\.\s|\s+(?:All rights|Todos los|Tous droits)",
                            m.group("o"), flags=re.I)[0]
            vote(name, 1 if _COMPANY_SUFFIX.search(m.group("o")) else 2)
        for rx in _PROMO_NAMES:
            m = rx.search(line)
            if m:
                vote(m.group("o"), 1)
    if not removed_mastheads:
        masthead = _masthead(flat)
        if masthead:
            vote(masthead, 2)
    if not votes:
        return None
    # "Heraldo de Aragón Editora", "Grupo Milenio": a company name around the outlet's name
    for k in sorted(votes, key=len, reverse=True):
        shorter = [o for o in votes if o != k and (k.startswith(o + " ") or k.endswith(" " + o))]
        if shorter:
            votes[min(shorter, key=len)] += votes.pop(k)
    best, score = votes.most_common(1)[0]
    return display[best] if score >= 2 else None


def _masthead(text: str) -> str | None:
    """A site name standing alone as the first line, above the headline ("GeekWire")."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if len(lines) < 3:
        return None
    first = lines[0]
    words = first.split()
    if not 1 <= len(words) <= 4 or re.search(r"[.!?,:;|\"]$|\d{3,}", first):
        return None
    if not all(w[0].isupper() or w[0].isdigit() or w.lower() in CONNECTORS for w in words):
        return None
    if is_widget_line(first) or _is_dateline(first) or _PRESS_RELEASE.match(first) or \
            _NOT_HEADLINE.match(first) or (first.isupper() and len(words) > 1):
        return None
    # a masthead stands above a headline, a dateline or a byline; a short headline stands
    # above its text ("Workers Rally Against Cuts", then "Hundreds of workers rallied ...")
    second = lines[1].split()
    if len(second) > 30 or (len(second) >= 6 and re.search(r"(?<!\.\.)[.:;,]['\"”’)]?$",
                                                           lines[1])):
        return None
    return first


_SECTIONISH = {"news", "world", "us", "u.s.", "u.s", "home", "politics", "business", "tech",
               "sport", "sports", "opinion", "local", "national", "noticias", "mundo", "inicio",
               "portada", "hosted", "article", "articles", "blog", "video", "en", "es"}


def _page_outlet(pm: PageMeta, url: str | None) -> str | None:
    """The site's name from its markup, voting across JSON-LD, og:site_name and <title>."""
    votes: Counter[str] = Counter()
    display: dict[str, str] = {}

    def vote(name: str | None, weight: int) -> None:
        if not name:
            return
        name = _squash(name).strip(" |-–—")
        k = _key(name)
        if not k or k in _SECTIONISH or _fold(name) in _SECTIONISH or k.replace(" ", "") in \
                _SECTIONISH or len(name) > 60 or name.startswith("http"):
            return
        votes[k] += weight
        display.setdefault(k, name)

    for art in _articles(pm):
        for n in _name_of(art.get("publisher")):
            vote(n, 3)
    for o in pm.jsonld:
        if _types(o) & {"newsmediaorganization", "organization"} and "publisher" not in o:
            for n in _name_of(o.get("name")):
                vote(n, 1)
    vote(_without_tagline(pm.first("og:site_name")), 3)
    vote(pm.first("application-name", "al:iphone:app_name", "al:android:app_name"), 1)
    suffix = _title_suffix(pm.title_tag)
    vote(suffix, 2)
    twitter = pm.first("twitter:site")
    if twitter and twitter.startswith("@"):
        # A handle names the site only when it agrees with another candidate.
        handle = twitter[1:].lower()
        for k in list(votes):
            if k.replace(" ", "") == handle or k.replace(" ", "").startswith(handle):
                votes[k] += 1
    if not votes:
        return None
    best, _ = votes.most_common(1)[0]
    return display[best]


def _without_tagline(name: str | None) -> str | None:
    """A site name without the slogan some sites put after it.

    >>> _without_tagline("Aktuálně.cz - Víte, co se právě děje")
    'Aktuálně.cz'
    >>> _without_tagline("Harbor Gazette | news for the whole bay")
    'Harbor Gazette'
    >>> _without_tagline("Tech - Workers - Coalition"), _without_tagline("El Sol - Diario")
    ('Tech - Workers - Coalition', 'El Sol - Diario')
    """
    parts = re.split(r"\s+[-|–—:]\s+", name or "", maxsplit=1)
    if len(parts) == 2:
        head, tail = parts
        words = tail.split()
        if 1 <= len(head.split()) <= 4 and len(words) >= 3 and \
                sum(w[:1].islower() for w in words) >= 2:
            return head
    return name


def _title_suffix(title: str | None) -> str | None:
    if not title:
        return None
    parts = re.split(r"\s+[|\-–—:·•]\s+", title)
    if len(parts) >= 2 and len(parts[-1].split()) <= 5:
        return parts[-1]
    return None


def _page_url(pm: PageMeta | None) -> str | None:
    if pm is None:
        return None
    for art in _articles(pm):
        u = art.get("url") or art.get("mainEntityOfPage")
        if isinstance(u, dict):
            u = u.get("@id") or u.get("url")
        if isinstance(u, str) and u.startswith("http"):
            cand = u
            break
    else:
        cand = None
    return pm.canonical if (pm.canonical or "").startswith("http") else (
        pm.first("og:url") or cand)


def stated_facts(pm: PageMeta) -> tuple[bool, tuple[str, ...]]:
    """Whether a page's markup gives its publication date, and the authors it names, as the
    metadata reads them: a byline or a timestamp of its text that only repeats them can go
    (clean.clean_text).

    >>> stated_facts(read_page_meta(BeautifulSoup('<meta property="article:published_time" '
    ...     'content="2019-07-11T14:42:00-04:00"><meta name="author" '
    ...     'content="By Dana Whitfield and Luis Ortega">', "html.parser")))
    (True, ('Dana Whitfield', 'Luis Ortega'))
    """
    author = _page_author(pm, None) or ""
    names = re.split(r"\s*(?:[,;&]|\band\b|\by\b)\s*", author)
    return _page_date(pm, "und") is not None, tuple(n for n in names if n)


def _page_author(pm: PageMeta | None, outlet: str | None) -> str | None:
    if pm is None:
        return None
    names: list[str] = []
    for art in _articles(pm):
        names += [n for n in _name_of(art.get("author")) if n]
    if not names:
        meta = pm.first("author", "article:author", "dc.creator", "parsely-author",
                        "sailthru.author", "byl")
        if meta and not meta.startswith("http"):
            names = [re.sub(r"^(by|por|par|von)\s+", "", meta, flags=re.I)]
    if not names:
        for b in pm.bylines:
            m = re.match(r"^(?:by|por|par|von)\s+(.+)$", b, re.I)
            if m:
                names = [m.group(1)]
                break
    names = [a for n in names if n for a in _author_names(n, outlet)]
    unique = list(dict.fromkeys(n for n in names if n))
    return ", ".join(unique) if unique else None


_AUTHOR_RESIDUE = re.compile(r"\s+(?:@\w|\d|(?:hace|updated|actualizado|publicado|published)\b)",
                             re.I)


def _author_names(value: str, outlet: str | None) -> list[str]:
    """The person names of a page's author value, without what a byline element carries
    beside them: a date, a time, a count, a handle, trailing dashes, the outlet's name.

    >>> _author_names("Lucas Nolan 22 Dec 2016 651", None)
    ['Lucas Nolan']
    >>> _author_names("César Salza 1 de diciembre de 2017 3:00 AM PST", None)
    ['César Salza']
    >>> _author_names("Williams Perdomo @wperdomod -", None)
    ['Williams Perdomo']
    >>> _author_names("Rob Picheta, CNN", "CNN"), _author_names("CNN", "CNN")
    (['Rob Picheta'], [])
    >>> _author_names("Ana Gil Dec. 9, 2018", None), _author_names("Louis XIV", None)
    (['Ana Gil'], ['Louis XIV'])
    """
    name = _squash(value)
    dated = [d.start() for rx in _DATE_RXS if (d := rx.search(name)) and d.start() > 0]
    if dated:
        name = name[:min(dated)]
    m = _AUTHOR_RESIDUE.search(name)
    if m:
        name = name[:m.start()]
    parts = re.split(r"\s*,\s*", name.strip(" -–—|·•,;:"))
    return [p.strip(" -–—|·•,;:") for p in parts
            if p.strip(" -–—|·•,;:") and not (outlet and _key(p) == _key(outlet))]


# =========================================================================== titles


def _page_title(pm: PageMeta | None, site_names: set[str]) -> str | None:
    """The headline: the page's <h1> when other metadata agrees it is the headline (a logo or
    section name in <h1> does not), else og:title, JSON-LD headline, <title>."""
    if pm is None:
        return None
    og = pm.first("og:title", "twitter:title")
    ld = next((a["headline"] for a in _articles(pm) if isinstance(a.get("headline"), str)), None)
    h1 = pm.h1[0] if pm.h1 else None
    others = [x for x in (og, ld, pm.title_tag) if x]
    if h1 and len(h1.split()) >= 3 and (
        not others or any(_word_overlap(h1, o) >= 0.5 for o in others)
    ):
        return _strip_site_suffix(h1, site_names)
    for c in (og, ld, h1, pm.title_tag):
        if c and len(c.split()) >= 2:
            return _strip_site_suffix(_squash(c), site_names)
    return next((_squash(c) for c in (og, ld, h1, pm.title_tag) if c), None)


def _word_overlap(a: str, b: str) -> float:
    wa, wb = set(_fold(a).split()), set(_fold(b).split())
    return len(wa & wb) / len(wa) if wa else 0.0


def _strip_site_suffix(title: str, site_names: set[str]) -> str:
    """Drop a trailing " - Site Name" / " | Site" when it names the site.

    >>> _strip_site_suffix("Storm hits coast | The Herald", {"herald"})
    'Storm hits coast'
    """
    parts = re.split(r"(\s+[|\-–—·•]\s+)", title)
    if len(parts) < 3:
        return title
    last = _key(parts[-1])
    if any(last == n or n.startswith(last + " ") or last.startswith(n + " ") or
           last.replace(" ", "") == n.replace(" ", "") for n in site_names if n):
        return "".join(parts[:-2]).strip()
    return title


_NOT_HEADLINE = re.compile(
    r"^(for immediate release|press release|comunicado de prensa|para (su )?publicaci[oó]n "
    r"inmediata|media contact|contact|contacto|embargoed|update[ds]?|by |por |photo|foto|"
    r"image|listen|watch|advertisement|publicidad|breaking|exclusive)\b",
    re.I,
)


def find_headline(lines: list[str], site_names: set[str] = frozenset()) -> str | None:
    """The headline of a plain text: an early short line that is not a dateline or label.

    >>> find_headline(["Blog", "08/1/2019 | News", "Workers Rally Against Cuts", "Body text."])
    'Workers Rally Against Cuts'
    """
    in_contact = False
    for ln in lines[:14]:
        found = [m.group() for m in words(ln)]
        if re.match(r"^(media |press )?contacts?\s*:|^contacto( de prensa)?\s*:", ln, re.I):
            in_contact = True
            continue
        if in_contact:
            # a contact block: name, role, organization, phone, e-mail, each on its own line
            if re.search(r"@|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}|^\+?\d[\d\s().-]{6,}$", ln) or \
                    len(found) <= 6:
                continue
            in_contact = False
        if _key(ln) in site_names:
            continue
        if len(found) > 40:
            return None  # the text opens with a paragraph: no headline line
        if len(found) < 3 or _NOT_HEADLINE.match(ln) or _is_dateline(ln):
            continue
        if not re.match(r"[\w\"'“‘¿¡#«(「『]", ln) or ln[0].islower() or \
                sum(len(w) > 1 and w[0].isalpha() for w in found) < 3:
            continue  # "at 1:00 pm", "| News |"
        if re.search(r"[.;,。，；、]$", ln) and not ln.endswith("..."):
            continue
        if re.match(r"^[^:：]{1,40}[:：]\s?", ln) and len(found) > 12:
            continue  # "Name: answer" turns of an interview
        return ln.strip()
    return None


def _first_sentence(lines: list[str]) -> str | None:
    """The first sentence of at least six words, cut after twenty.

    >>> _first_sentence(["Monday", "Dock workers at the port stopped work. More."])
    'Dock workers at the port stopped work.'
    >>> _first_sentence(["周一凌晨，港口的码头工人停止了工作。工会说。"])
    '周一凌晨，港口的码头工人停止了工作。'
    """
    for ln in lines:
        if len(words(ln)) >= 6 and not _is_dateline(ln):
            m = re.match(r"(.+?(?:[.!?](?=\s|$)|[。！？]))", ln)
            s = m.group(1) if m else ln
            found = words(s)
            if len(found) <= 20:
                return squash(s)
            return squash(s[:found[19].end()]) + "…"
    return None


def _is_dateline(line: str) -> bool:
    """A short line that is mostly a date, time or category list."""
    if len(words(line)) > 16:
        return False
    found = list(iter_text_dates(line, "en"))
    if found:
        return True
    return bool(re.match(r"^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b", line))


_BYLINE = re.compile(
    rf"^(?:by|por|par|von|written by|escrito por|reporting by)\s+"
    rf"(?P<n>{_CAP}[\w.'’-]+(?:\s+(?:{_CAP}[\w.'’-]+|de|del|la|van|von|da|di|y|and|&|,)){{1,8}})",
    re.I,
)


def find_byline(lines: list[str]) -> str | None:
    """The author named by a "By ..." / "Por ..." line.

    >>> find_byline(["Headline here", "By Ann Lee and Bo Diaz | Sept. 9, 2018"])
    'Ann Lee, Bo Diaz'
    """
    for ln in lines:
        m = _BYLINE.match(ln.strip())
        if not m:
            continue
        names = re.split(r"\s*(?:,|\band\b|\by\b|&)\s*", m.group("n"))
        names = [n.strip() for n in names if len(n.split()) >= 2 and n[0].isupper()]
        if names:
            return ", ".join(names)
    return None


# =========================================================================== dates

_MONTH_RX = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WDAY_RX = r"(?:(?P<wd>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+)?"
_ORD = r"(?:st|nd|rd|th|º|°|er|o)?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_DATE_RXS = [
    # Tuesday, July 10th, 2018 / July 10 / Jul. 10, 2018 / julio 10 de 2018
    re.compile(rf"\b{_WDAY_RX}{_MONTH_RX}\s+(?P<d>\d{{1,2}}){_ORD}\b(?:,?\s+(?:de\s+)?{_YEAR})?",
               re.I),
    # 10 July 2018 / 10 de julio de 2018 / martes 10 de julio / 10. Juli 2018 / le 3 mars 2019
    re.compile(
        rf"\b{_WDAY_RX}(?:(?:le|el|the)\s+)?(?P<d>\d{{1,2}}){_ORD}\.?\s+(?:de\s+|of\s+)?"
        rf"{_MONTH_RX}(?:,?\s+(?:de\s+|del\s+)?{_YEAR})?\b",
        re.I,
    ),
    # ISO 2019-08-11
    re.compile(rf"\b{_YEAR}-(?P<m>\d{{2}})-(?P<d>\d{{2}})\b"),
    # 08/1/2019, 3.9.2019, 03-09-2019 (order decided by language)
    re.compile(rf"(?<![\d/.-])(?P<a>\d{{1,2}})[/.-](?P<b>\d{{1,2}})[/.-]{_YEAR}(?![\d/])"),
    # 2019/08/11
    re.compile(rf"\b{_YEAR}/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})\b"),
    # 18.ago.2019, 18-Aug-2019
    re.compile(rf"\b(?P<d>\d{{1,2}})[./-]{_MONTH_RX}[./-]{_YEAR}\b", re.I),
    # 2019年6月21日 (Chinese, Japanese; digits full width too), 2019년 6월 21일 (Korean): no
    # word boundary before the year, "于2019年" runs on from a word
    re.compile(r"(?<!\d)(?P<y>[12１２]\d{3})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*"
               r"(?P<d>\d{1,2})\s*[日일]"),
]
_MONTH_YEAR_RX = re.compile(rf"\b{_MONTH_RX}\s+(?:de\s+|of\s+)?{_YEAR}\b", re.I)
_DAY_FIRST_LANGS = {"es", "fr", "de", "pt", "it", "cs", "nl", "ca", "ru", "pl"}


@dataclass(frozen=True)
class TextDate:
    """A date written in a text; year None when the text left it out."""

    year: int | None
    month: int
    day: int | None
    weekday: int | None
    start: int
    end: int


_strip_accents = strip_accents


def iter_text_dates(text: str, language: str = "en"):
    """Dates written out in a text, in order of appearance (overlaps resolved left to right).

    >>> [(d.year, d.month, d.day) for d in iter_text_dates("Tuesday, July 10th, at 1 pm")]
    [(None, 7, 10)]
    >>> [(d.year, d.month, d.day) for d in iter_text_dates("el 3/9/2019", "es")]
    [(2019, 9, 3)]
    >>> [(d.year, d.month, d.day) for d in iter_text_dates("于２０１９年６月２１日", "zh")]
    [(2019, 6, 21)]
    """
    plain = _strip_accents(text)  # same length: only combining marks are dropped... usually
    if len(plain) != len(text):
        plain = text
    found: list[TextDate] = []
    taken: list[tuple[int, int]] = []
    for rx in _DATE_RXS:
        for m in rx.finditer(plain):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            d = _to_text_date(m, language)
            if d:
                found.append(d)
                taken.append((m.start(), m.end()))
    return iter(sorted(found, key=lambda d: d.start))


def _to_text_date(m: re.Match, language: str) -> TextDate | None:
    g = m.groupdict()
    year = int(g["y"]) if g.get("y") else None
    if g.get("mon"):
        month = MONTHS.get(g["mon"].lower().rstrip("."))
        day = int(g["d"])
    elif g.get("a"):
        a, b = int(g["a"]), int(g["b"])
        if a > 12 and b <= 12:
            day, month = a, b
        elif b > 12 and a <= 12:
            month, day = a, b
        elif language in _DAY_FIRST_LANGS:
            day, month = a, b
        else:
            month, day = a, b
    else:
        month, day = int(g["m"]), int(g["d"])
    if not month or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    # "May 5" needs care: "may" is also a verb; demand a capital or a year.
    if g.get("mon", "") and g["mon"].lower() == "may" and not g["mon"][0].isupper():
        return None
    wd = WEEKDAYS.get(g["wd"].lower().rstrip(".")) if g.get("wd") else None
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: Feb 29 stays possible
    except ValueError:
        return None
    return TextDate(year, month, day, wd, m.start(), m.end())


def resolve_year(d: TextDate, text: str, hint_years: tuple[int, ...] = ()) -> PartialDate | None:
    """Give a year to a date written without one, checking its weekday when it names one.

    >>> t = next(iter_text_dates("Tuesday, July 10th"))
    >>> resolve_year(t, "... a national day of action on July 31st, 2018.")
    PartialDate(year=2018, month=7, day=10)
    """
    if d.year is not None:
        try:
            pd = PartialDate(d.year, d.month, d.day)
        except ValueError:
            return None
        if d.weekday is not None and pd.start.weekday() != d.weekday:
            return None  # "Tuesday, July 11, 2018" is not a date that existed
        return pd
    mentioned = Counter(int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text))
    years = list(hint_years) + [y for y, _ in mentioned.most_common()]
    if not years:
        return None
    candidates = list(dict.fromkeys(years))
    if d.weekday is not None:
        # the years the text mentions, then their neighbours (December articles about January)
        for pool in (candidates, [y + k for y in candidates for k in (1, -1)]):
            fits = [y for y in pool if _weekday_fits(y, d)]
            if fits:
                return PartialDate(fits[0], d.month, d.day)
        return None
    if len(set(mentioned)) == 1 or hint_years:
        return PartialDate(candidates[0], d.month, d.day)
    return None


def _weekday_fits(year: int, d: TextDate) -> bool:
    try:
        return dt.date(year, d.month, d.day).weekday() == d.weekday
    except ValueError:
        return False


def parse_date_value(value: str, language: str = "en") -> PartialDate | None:
    """A machine-readable date from metadata: ISO 8601, RFC 2822, or a written-out date.

    The calendar day is taken as written (the publisher's own time zone).

    >>> parse_date_value("2019-11-19T21:57:01+0000")
    PartialDate(year=2019, month=11, day=19)
    >>> parse_date_value("Wed, 04 May 2022 02:41:00 GMT")
    PartialDate(year=2022, month=5, day=4)
    """
    value = value.strip()
    m = re.match(r"^((?:19|20)\d{2})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ]|$)", value)
    if m:
        try:
            return PartialDate(int(m.group(1)), int(m.group(2)) if m.group(2) else None,
                               int(m.group(3)) if m.group(3) else None)
        except ValueError:
            return None
    m = re.match(r"^((?:19|20)\d{2})(\d{2})(\d{2})\b", value)
    if m:
        try:
            return PartialDate(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
        return PartialDate(parsed.year, parsed.month, parsed.day)
    except (TypeError, ValueError, IndexError):
        pass
    for d in iter_text_dates(value, language):
        if d.year:
            try:
                return PartialDate(d.year, d.month, d.day)
            except ValueError:
                return None
    return None


_PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "article:published",
    "itemprop:datepublished", "datepublished", "date_published", "publishdate", "publish-date",
    "publish_date", "pubdate", "og:pubdate", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created",
    "citation_publication_date", "article.published", "date", "cxenseparse:recs:publishtime",
    "article_date_original", "original-publish-date", "publication_date",
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})(?:[/-](\d{1,2}))?(?:/|-|$)")


def _find_date(facts, front, page, url, lines, removed, language, prov) -> PartialDate | None:
    if facts.date:
        prov["date"] = "manifest"
        return PartialDate.parse(facts.date)
    if front.get("date"):
        d = parse_date_value(front["date"], language)
        if d:
            prov["date"] = "front-matter"
            return d
    if page is not None:
        d = _page_date(page, language)
        if d:
            prov["date"] = "html-meta"
            return d
    d = find_text_date(lines, removed, language)
    if d:
        prov["date"] = "text"
        return d
    m = _URL_DATE.search(urlsplit(url).path if url else "")
    if m:
        try:
            d = PartialDate(int(m.group(1)), int(m.group(2)),
                            int(m.group(3)) if m.group(3) else None)
            prov["date"] = "url"
            return d
        except ValueError:
            pass
    return None


def _page_date(pm: PageMeta, language: str) -> PartialDate | None:
    """Publication date from markup: datePublished first, creation dates last."""
    for art in _articles(pm):
        v = art.get("datePublished")
        if isinstance(v, str):
            d = parse_date_value(v, language)
            if d:
                return d
    for key in _PUBLISHED_KEYS:
        for v in pm.meta.get(key, ()):
            d = parse_date_value(v, language)
            if d:
                return d
    for value, hint in pm.times:
        if not re.search(r"modif|updat|actualiz", hint):
            d = parse_date_value(value, language)
            if d:
                return d
    for art in _articles(pm):
        for key in ("dateCreated", "uploadDate"):
            v = art.get(key)
            if isinstance(v, str):
                d = parse_date_value(v, language)
                if d:
                    return d
    return None


_PUBLISHED_LABEL = re.compile(r"\b(published|publicado|posted|publié|veröffentlicht|fecha)\b",
                              re.I)
_UPDATED_LABEL = re.compile(r"\b(updated|actualizado|modified|mis à jour|aktualisiert|"
                            r"last modified|editado)\b", re.I)


_APPEARS_IN = re.compile(
    r"\b(?:appears|appeared|was published|published|ran|first ran|aparece|aparecio|publicad[oa]"
    r"|publié|publicado originalmente)(?: by [^.;]{1,60}?)? (?:in|on|en|el|le) (?:the )?[^;]{0,40}?"
    r"(?:issue|edition|edicion|numero|number)?\b[^;]{0,40}",
    re.I,
)


def find_text_date(lines: list[str], removed: list[str] = (), language: str = "en"
                   ) -> PartialDate | None:
    """The publication date a text states near its top: a dateline, "Published ..." line, etc.

    Dates inside the article's sentences are events, not publication: only short lines near
    the top, lines labelled "Published", and wire datelines at the start of a paragraph count.

    >>> find_text_date(["Blog", "08/1/2019 | Immigrant Rights", "Headline", "Body text..."])
    PartialDate(year=2019, month=8, day=1)
    """
    text = "\n".join(lines)
    candidates: list[tuple[int, str]] = []
    for i, ln in enumerate(lines[:14]):
        short = len(ln.split()) <= 16
        if (short and i < 10) or _PUBLISHED_LABEL.search(ln[:40]):
            candidates.append((0 if _PUBLISHED_LABEL.search(ln) else 1, ln))
        elif i < 4:
            # a wire or press-release dateline opening the first paragraphs
            head = ln[:90]
            if re.match(r"^[A-ZÀ-Þ][A-ZÀ-Þ .,'’-]{2,40}(?:,\s*[A-Z][\w.]+)*\s*[,(–—-]", head) or \
               "/PRNewswire/" in ln or "/PRNewswire-USNewswire/" in ln:
                candidates.append((2, head))
    for label in removed:
        if _PUBLISHED_LABEL.search(label[:40]) and len(label.split()) <= 16:
            candidates.append((0, label))
    candidates.sort(key=lambda c: c[0])
    for _, ln in candidates:
        updated = _UPDATED_LABEL.search(ln)
        published = _PUBLISHED_LABEL.search(ln)
        for d in iter_text_dates(ln, language):
            # "July 15, 2019 / Updated an hour ago": a date after "Updated" is the update
            if updated and d.start > updated.start() and not (published and published.start()
                                                                > updated.start()):
                continue
            pd = resolve_year(d, text)
            if pd:
                return pd
    # a dateline opening the first paragraphs: "Guadalajara, Jalisco, a 21 de octubre de
    # 2019.- El Observatorio ...", "SEATTLE, March 3, 2020 -- ..."
    for ln in lines[:8]:
        head = ln[:120]
        for d in iter_text_dates(head, language):
            rest = head[d.end:]
            before = head[:d.start]
            if re.match(r"\s*(?:\.-|\.—|—|–|--| - |\(|/)", rest) and re.fullmatch(
                    r"[A-ZÀ-Þ][\w .,'’-]{1,60}?,\s*(?:a |el |le |on )?(?:\w+,? )?", before):
                pd = resolve_year(d, text)
                if pd:
                    return pd
    # "This interview appears in the June 2019 issue of ...": a statement of publication
    for ln in lines[:6] + lines[-4:]:
        m = _APPEARS_IN.search(_strip_accents(ln))
        if m:
            for d in iter_text_dates(m.group(0), language):
                pd = resolve_year(d, text)
                if pd:
                    return pd
            my = _MONTH_YEAR_RX.search(m.group(0))
            if my and MONTHS.get(my.group("mon").lower().rstrip(".")):
                return PartialDate(int(my.group("y")), MONTHS[my.group("mon").lower().rstrip(".")])
    for _, ln in candidates:
        m = _MONTH_YEAR_RX.search(_strip_accents(ln))
        if m and len(ln.split()) <= 8:
            month = MONTHS.get(m.group("mon").lower().rstrip("."))
            if month:
                return PartialDate(int(m.group("y")), month)
    return None


# =========================================================================== doc types

_PRESS_RELEASE = re.compile(
    r"^(for immediate release|immediate release|press release|news release|media release|"
    r"comunicado de prensa|comunicado|para (su )?(publicaci[oó]n|difusi[oó]n) inmediata|"
    r"communiqu[ée] de presse|pressemitteilung|nota de prensa)\b",
    re.I,
)
_INTERVIEW_NOTE = re.compile(
    r"\b(this interview has been (lightly )?(edited|condensed)|interview (has been |was )?"
    r"(edited|condensed)|(esta|la) entrevista (ha sido|fue) editada|in this (week's )?"
    r"(episode|interview)|we (talk|spoke|speak) (to|with)|en esta entrevista|conversamos con)",
    re.I,
)
_TURN = re.compile(r"^(?P<who>[A-ZÀ-Þ][\w.'’-]*(?:\s+[A-ZÀ-Þ][\w.'’-]*){0,3}|Q|A|P|R)\s*:\s+\S")


def classify_doc_type(lines, removed, facts, page, url, front) -> tuple[str, str]:
    """press release / interview / blog post / news article, and the evidence's source."""
    if facts.doc_type:
        return facts.doc_type, "manifest"
    for key in ("type", "doc_type", "category"):
        v = (front.get(key) or "").lower()
        for t in ("press release", "blog post", "interview", "news article"):
            if v == t or v == t.split()[0]:
                return t, "front-matter"
    head = lines[:6]
    if any(_PRESS_RELEASE.match(ln) for ln in head) or (lines and lines[-1].strip() in
                                                        ("###", "# # #", "-30-", "- 30 -")):
        return "press release", "text"
    speakers = Counter()
    for ln in lines:
        m = _TURN.match(ln)
        # a "Note: ..." line is not a turn; short Q:/A: turns are
        if m and (len(ln.split()) > 4 or m.group("who") in ("Q", "A", "P", "R")):
            speakers[m.group("who")] += 1
    if (len(speakers) >= 2 and sum(speakers.values()) >= 3) or (
        len(speakers) >= 2 and any(_INTERVIEW_NOTE.search(ln) for ln in lines)
    ) or sum(1 for ln in lines if _INTERVIEW_NOTE.search(ln)) >= 2:
        return "interview", "text"
    if page is not None:
        types = {t for o in page.jsonld for t in _types(o)}
        if "pressrelease" in types:
            return "press release", "html-meta"
        if "blogposting" in types or (page.first("og:type") or "").lower() == "blog":
            return "blog post", "html-meta"
        generator = (page.first("generator") or "").lower()
        # Blog software: Blogger, Substack, Ghost and Tumblr pages are blogs; a WordPress page
        # is one unless it describes itself as news.
        if re.search(r"blogger|substack|ghost|tumblr|medium", generator) or (
                "wordpress" in generator and not types & {"newsarticle", "reportagenewsarticle"}):
            return "blog post", "html-meta"
    if url and re.search(r"/blogs?/", urlsplit(url).path or ""):
        return "blog post", "url"
    if any(_key(r) in ("blog", "blogs", "blog post") for r in removed[:10]) or any(
        _key(ln) in ("blog", "blogs") for ln in head
    ):
        return "blog post", "text"
    if any(re.match(r"^(press releases?|news releases?)$", _key(r)) for r in removed[:10]):
        return "press release", "text"
    return "news article", "default"

"""Organizations and people mentioned in a text, merged under canonical names.

Three sources, combined:
- the gazetteers in corpus/ (organizations.toml, people.toml): known names and aliases;
- the shape of a name: "Long Form (ACR)", capitalised names ending in an organization word
  ("Tech Workers Coalition") or opening with one ("Department of Homeland Security"),
  "a group called X", "X, a nonprofit";
- the context of a person's name: speech verbs ("said X", "X dijo", "sagte X"), role nouns
  ("activist X", "la meteoróloga X", "X, an organizer with"), titles ("Pastor X"),
  interview labels ("X: ...").

An acronym decides merges: "the Migration and Customs Service (ICE)" in a machine translation
is ICE, because the gazetteer knows ICE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources as importlib_resources

from .corpus import GazetteerEntry
from .models import Entity
from .textutil import TITLE_ABBREVIATIONS, compiled, fold_same_length, name_key, straight_quotes

# =========================================================================== shared

# A token: letters/digits with inner apostrophes, hyphens and dots ("U.S", "Ocasio-Cortez");
# a trailing full stop is punctuation, not part of the token.
TOKEN = re.compile(r"[\w&](?:[\w&'’-]|\.(?=\w))*")
_ELISION = re.compile(r"^(?:l|d|qu|j|n|s|c|m|t)['’](?=\w)", re.I)  # l’Université, d’Amazon

CONNECTORS = {"of", "and", "for", "the", "on", "to", "in", "de", "del", "la", "las", "los", "y",
               "e", "para", "por", "en", "an", "a", "&", "und", "für", "der", "die", "des", "et",
               "du", "pour", "da", "do", "dos", "das", "le", "les", "al", "against", "contra",
               "at", "sur", "with", "con", "von", "zur", "zum"}


def _elided(tok: str) -> bool:
    return "'" in tok[1:3] or "’" in tok[1:3]  # an elided article is one or two letters


def _bare(tok: str) -> str:
    """A token without a French/Italian elided article ("l’Université" -> "Université")."""
    return _ELISION.sub("", tok) if _elided(tok) else tok


@lru_cache(maxsize=1 << 16)  # called for every token, several times: words repeat
def _is_cap(tok: str) -> bool:
    t = _bare(tok)
    return t[:1].isupper() or t[:1].isdigit() or tok == "&"


def _after_connector_number(words: list[str], tok: str) -> bool:
    """tok is a number right after a connector: "… Solidaires en 2019", "Security in 2018",
    a date or an amount that ends the name before it ("Local 117" goes on: no connector)."""
    return bool(words) and tok[:1].isdigit() and words[-1].lower() in CONNECTORS


@dataclass
class _EntityBag:
    """Collects names and merges aliases under one canonical name."""

    entries: dict[str, list[str]] = field(default_factory=dict)  # canonical -> aliases
    sources: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # alias key -> canonical

    def add(self, canonical: str, aliases: tuple[str, ...] = (), source: str = "text") -> str:
        names = (canonical, *aliases)
        existing = next((self.keys[name_key(n)] for n in names if name_key(n) in self.keys),
                        None)
        target = existing or canonical
        lst = self.entries.setdefault(target, [])
        if source == "gazetteer" or target not in self.sources:
            self.sources[target] = source
        for n in names:
            if n and n != target and n not in lst:
                lst.append(n)
            self.keys.setdefault(name_key(n), target)
        return target

    def restore(self, straight: str, original: str) -> None:
        """Give names found in straightened text back their original typography (’ “ ”)."""
        if straight == original:
            return

        def orig(name: str) -> str:
            i = straight.find(name)
            return original[i: i + len(name)] if i >= 0 else name

        entries: dict[str, list[str]] = {}
        sources: dict[str, str] = {}
        for name, aliases in self.entries.items():
            new = orig(name) if self.sources.get(name) != "gazetteer" else name
            entries[new] = [orig(a) for a in aliases]
            sources[new] = self.sources.get(name, "text")
        self.entries, self.sources = entries, sources

    def entities(self) -> tuple[Entity, ...]:
        return tuple(
            Entity(name, tuple(sorted(set(al) - {name})), self.sources.get(name, "text"))
            for name, al in sorted(self.entries.items(), key=lambda kv: kv[0].lower())
        )


def _is_acronym(name: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", name)
    return 2 <= len(letters) <= 8 and letters.isupper() and " " not in name.strip()


class Gazetteer:
    """Fast lookup of known names in a text: acronyms case-sensitive, names folded."""

    def __init__(self, entries: tuple[GazetteerEntry, ...]) -> None:
        self.entries = entries
        self.by_key: dict[str, GazetteerEntry] = {}
        acronyms: list[str] = []
        names: list[str] = []
        for e in entries:
            for n in (e.name, *e.aliases):
                self.by_key.setdefault(name_key(n), e)
                if _is_acronym(n):
                    acronyms.append(re.escape(n))
                else:
                    folded = fold_same_length(n.strip())
                    names.append(r"\s+".join(re.escape(w) for w in folded.split()))
        self._acr = re.compile(r"(?<![\w&])(" + "|".join(sorted(acronyms, key=len, reverse=True))
                               + r")(?![\w&])") if acronyms else None
        self._names = re.compile(r"(?<![\w&])(" + "|".join(sorted(names, key=len, reverse=True))
                                 + r")(?![\w&])") if names else None

    def find(self, text: str) -> list[tuple[GazetteerEntry, str]]:
        """(entry, form as written) for every mention."""
        return [(e, form) for e, form, _ in self.find_spans(text)]

    def find_spans(self, text: str) -> list[tuple[GazetteerEntry, str, tuple[int, int]]]:
        """(entry, form as written, where) for every mention."""
        out = []
        if self._acr:
            out += [(self.by_key[name_key(m.group(1))], m.group(1), m.span(1))
                    for m in self._acr.finditer(text)]
        if self._names:
            for m in self._names.finditer(fold_same_length(text)):
                e = self.by_key.get(name_key(m.group(1)))
                if e:
                    out.append((e, re.sub(r"\s+", " ", text[m.start(1):m.end(1)]), m.span(1)))
        return out

    def lookup(self, name: str) -> GazetteerEntry | None:
        return self.by_key.get(name_key(name))


_gazetteers: dict[int, Gazetteer] = {}


def gazetteer(entries: tuple[GazetteerEntry, ...]) -> Gazetteer:
    """A compiled gazetteer, cached for the tuple it was built from."""
    g = _gazetteers.get(id(entries))
    if g is None or g.entries is not entries:
        if len(_gazetteers) > 8:
            _gazetteers.clear()
        g = _gazetteers[id(entries)] = Gazetteer(entries)
    return g


# =========================================================================== organizations

_ORG_END = set(
    """Coalition Alliance Union Association Council Committee Subcommittee Commission Department
    Agency Administration Bureau Office Service Services Foundation Institute Project Network
    Movement Party Corporation Corp Inc LLC Ltd Company Group Fund Federation Society League
    Center Centre Church University College Court Congress Senate Board Authority Ministry
    Organization Organisation Caucus Collective Campaign Partners Partnership Initiative Trust
    Lab Labs Guard Patrol Police Enforcement Workers Coalición Alianza Sindicato Asociación
    Fundación Movimiento Comité Comisión Consejo Federación Liga Organización Partido Ministerio
    Secretaría Universidad Frente Colectivo Red Instituto Centro Oficina Servicio Departamento
    Unidos Unidas Action Obreras Syndicat Gewerkschaft Verband Bund Ministerium Behörde Amt
    Institut Université Conseil Fédération Confédération Association Comisiones Consulate
    Consulado Embassy Embajada Museum Museo Club Collaborative Nation Assembly Corps Force
    Opera Orchestra Symphony Hospital Clinic Network Bank Banco Prefeitura Secretaria
    Ministério Sociedade Fundação Associação Sindicato Conselho Câmara Tribunal Mobilités
    Carabineros Gendarmería Ejército Armada Logistics Technologies Technology Systems
    Solutions Industries Holdings Enterprises Communications Airlines Bank""".split()
)
_ORG_START = set(
    """Department Center Centre Institute Office Bureau Ministry Council Coalition Alliance
    Committee Commission Federation Association University League Union Society Fund Foundation
    Movement Network Organization Board Court Agency Authority Administration Departamento
    Servicio Oficina Centro Instituto Coalición Alianza Sindicato Unión Asociación Fundación
    Movimiento Red Comité Comisión Consejo Federación Liga Organización Partido Ministerio
    Secretaría Universidad Frente Colectivo Inspección Agencia Dirección Procuraduría Fiscalía
    Tribunal Juzgado Ayuntamiento Policía Protección Instituto Comisiones Confederación
    Institut Université Centre Conseil Syndicat Ministère Fédération Confédération Bundesamt
    Ministerium Verband Consulate Consulado Embassy Embajada Museum Museo Prefeitura
    Secretaria Ministério Sociedade Fundação Associação Conselho Câmara Metro Carabineros
    Colegio Guardia Cruz Ejército Armada Fuerza Gendarmería Banco Bank Club""".split()
)
# Romance names put the head noun first and an adjective after: "Guardia Nacional",
# "Colegio Médico", "Policía Federal", "Ministério Público".
_HEAD_FIRST = set(
    """Guardia Colegio Policía Secretaría Secretaria Ministerio Ministério Consejo Conselho
    Tribunal Instituto Servicio Serviço Banco Partido Ejército Armada Fuerza Cruz Fiscalía
    Procuraduría Defensoría Comisión Comité Congreso Senado Cámara Câmara Junta Sindicato
    Asamblea Prefeitura Defensoria Polícia Institut Conseil Ministère Parti""".split()
)
# Compound words that are organizations by their ending (German: Dienstleistungsgewerkschaft).
_ORG_SUFFIXES = ("gewerkschaft", "verband", "ministerium", "behörde", "bundesamt", "partei")
_SENTENCE_STARTERS = set(
    """According In On At By From With After Before During Since While When The This That These
    Those Under For Of To As Last Meanwhile Both Neither Either Also But And Or So If Although
    Though Because Even Yet Then Now Today Yesterday Through Across Against Among Without
    Según Para En El La Los Las Con Por Desde Durante Tras Ante Bajo Sin Sobre Un Una Este Esta
    Dubbed Led Including Like Unlike Members Member Protesters Demonstrators Activists Workers
    Employees Leaders Officials Representatives Organizers Group Groups Some Many Several
    Pastor Mayor Senator Rep Sen Councilmember Commissioner Captain Judge President Governor
    Director Chief Professor Dr Mr Mrs Ms Rev Father Sister Rabbi Bishop Les Le Die Der Das
    Au Aux Dans Pour Selon Avec A O Os As Em No Na Nos Nas Do Da""".split()
)
_JOINERS = {"and", "&", "y", "e", "und", "et"}  # may join capitalised words inside a name
_OF = {"of", "for", "on", "against", "de", "del", "para", "por", "contra", "des", "du", "für",
       "pour", "da", "do", "der"}
_ACRONYM_PAREN = re.compile(r"\(\s*(?P<acr>[A-Z][A-Za-z0-9&.-]{1,11})\s*\)")
_GROUP_NOUNS = (
    r"group|organization|organisation|coalition|collective|committee|campaign|movement|network|"
    r"alliance|union|nonprofit|non-profit|association|initiative|project|grupo|organización|"
    r"coalición|colectivo|comité|movimiento|red|alianza|sindicato|asociación|agrupación|"
    r"plataforma|collectif|association|syndicat|gruppe|initiative|bündnis"
)
_NAMING = (r"called|named|known as|calls itself|called itself|llamad[oa]|denominad[oa]|"
           r"conocid[oa] como|nommée?|appelée?|namens")
_GROUP_NAMED = re.compile(
    rf"\b(?:{_GROUP_NOUNS})\b[^.;:!?\n]{{0,40}}?\b(?:{_NAMING})\s+"
    rf"(?P<o>[A-ZÀ-Þ][^.,;:!?()\n]{{1,60}})",
    re.I,
)
# Every match of _GROUP_NAMED holds one of these: a text without any is not searched for it
# (trying each group noun of a text is the slow part).
_NAMING_RE = re.compile(rf"\b(?:{_NAMING})\s", re.I)
_GROUP_THE = re.compile(
    rf"\b(?:the|el|la|le|der|die)\s+(?:{_GROUP_NOUNS})\s+(?P<o>[A-ZÀ-Þ][^.,;:!?()\n]{{1,60}})",
)
_ORG_APPOSITIVE = re.compile(
    r"(?P<o>(?:[A-ZÀ-Þ][\w&'’.-]*)(?:\s+(?:(?:of|for|and|&|the|de|del|y|la)\s+)*[A-ZÀ-Þ][\w&'’.-]*)"
    r"{0,6}),\s+(?:a|an|the|una?|el|la)\s+(?:(?!(?:with|of|for|at|in|from|by|on|to|de|con|para"
    r"|en|del)\b)[\w-]+\s+){0,4}?(?:nonprofit|non-profit|advocacy "
    r"group|group|organization|organisation|coalition|union|collective|network|alliance|charity|"
    r"foundation|think tank|company|firm|startup|contractor|agency|association|campaign|"
    r"supplier|provider|manufacturer|retailer|insurer|conglomerate|multinational|"
    r"proveedora|proveedor|fabricante|distribuidora|aseguradora|minorista|multinacional|"
    r"organización|asociación|colectivo|sindicato|empresa|compañía|agrupación|coalición|"
    r"fundación|red|plataforma)\b"
)
# "a spokesperson for X", "el concejal de Vox", "an organizer with X": X is an organization
_AFFILIATION_ROLES = {
    "spokesperson", "spokesman", "spokeswoman", "member", "members", "organizer", "organizers",
    "organiser", "director", "president", "founder", "co-founder", "chair", "chairman",
    "chairwoman", "executive", "employee", "employees", "analyst", "researcher", "lawyer",
    "attorney", "counsel", "coordinator", "leader", "leaders", "volunteer", "volunteers",
    "activist", "activists", "secretary", "treasurer", "official", "officials", "staff",
    "portavoz", "vocero", "vocera", "miembro", "miembros", "integrante", "integrantes",
    "organizador", "organizadora", "directora", "presidenta", "fundador", "fundadora",
    "coordinador", "coordinadora", "dirigente", "dirigentes", "concejal", "concejala",
    "diputado", "diputada", "senador", "senadora", "secretario", "secretaria", "abogado",
    "abogada", "líder", "militante", "militantes", "porte-parole", "membre", "membres",
    "professor", "profesor", "profesora", "professeur", "investigador", "investigadora",
    "dirigeant", "porta-voz", "membro", "membros", "diretor", "diretora",
}
_AFFILIATION = re.compile(
    r"\b(?P<role>[\w-]+)\s+(?:of|for|with|at|from|de|del|da|do|du|des|en|con)\s+(?:the\s+|la\s+|el"
    r"\s+|los\s+|las\s+|le\s+|a\s+)?(?P<o>[A-ZÀ-Þ][^.;:!?()\n\"“”]{1,80})"
)
_FUNCTION_WORDS = {"and", "or", "in", "on", "at", "to", "who", "that", "which", "said", "says",
                   "y", "o", "en", "que", "quien", "dijo", "e", "et", "qui", "und", "for", "de",
                   "del", "since", "from", "with", "about"}
_NOT_ORG_FIRST = {"The", "This", "That", "Los", "Las", "La", "El", "Monday", "Tuesday",
                  "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
                  "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December"}
_ACRONYM_OF_PLACE = re.compile(r"\b(?P<o>[A-Z]{3,6} of (?:the )?[A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")


def find_organizations(
    text: str, gazetteer_entries: tuple[GazetteerEntry, ...] = ()
) -> tuple[Entity, ...]:
    """Organizations mentioned: gazetteer names plus names discovered by their shape.

    >>> [e.name for e in find_organizations("Members of the Tenant Defense Network (TDN) met.")]
    ['Tenant Defense Network']
    """
    original, text = text, straight_quotes(text)
    gaz = gazetteer(gazetteer_entries)
    bag = _EntityBag()
    # where the organizations found so far are written: a name found only inside a longer one,
    # at its place, is part of it ("Dignidad Migrante" in "Coalición por la Dignidad Migrante")
    taken: list[tuple[int, int]] = []
    for entry, form, span in gaz.find_spans(text):
        bag.add(entry.name, (form,), "gazetteer")
        taken.append(span)

    # "Long Form (ACR)": the acronym decides both the extent and the merge.
    for m in _ACRONYM_PAREN.finditer(text):
        acr = m.group("acr").rstrip(".")
        if acr.lower() in ("am", "pm") or re.fullmatch(r"[A-Z]{1,5}\.[A-Z]{1,2}", acr):
            continue  # times and stock tickers such as AMZN.O
        mixed = sum(c.isupper() for c in acr) < 2 or not acr.replace("-", "").isupper()
        prefix = text[: m.start()]
        long_form = _long_form_before(prefix, acr)
        end = m.start()  # the long form ends where the "(ACR)" begins
        while end and text[end - 1].isspace():
            end -= 1
        long_span = (end - len(long_form or ""), end)
        known = gaz.lookup(acr)
        if known and not mixed:
            bag.add(known.name, (acr, long_form) if long_form else (acr,), "gazetteer")
            taken.append(long_span)
            continue
        if not long_form:
            continue
        if mixed and not (_has_org_word(long_form) and _initials_in(long_form, acr)):
            continue  # "(Madrid)" after a place, "(Reuters)" after a dateline
        if not mixed and not (_initials_match(long_form, acr) or _has_org_word(long_form) or (
                len(long_form.split()) >= 2 and _initials_in(long_form, acr))):
            continue  # "United Steelworkers (USW)": a compound word gives two letters
        known = gaz.lookup(long_form) or (gaz.lookup(acr) if mixed else None)
        if known:
            bag.add(known.name, (long_form, acr), "gazetteer")
        else:
            bag.add(long_form, (acr,), "text")
        taken.append(long_span)

    places: dict[str, list[tuple[int, int]]] = {}
    for name, span in _named_groups(text) + _org_shaped_names(text):
        places.setdefault(name, []).append(span)
    for name in sorted(places, key=lambda n: -len(n)):  # longest first: they take their place
        spans = places[name]
        if not gaz.lookup(name) and all(_within_longer(span, taken) for span in spans):
            continue  # only ever part of a longer name found at the same place
        if _add_discovered(bag, gaz, name):
            taken += spans
    bag.restore(text, original)
    return bag.entities()


def _within_longer(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    """Whether a longer span of `taken` holds this one.

    >>> _within_longer((17, 34), [(0, 34)]), _within_longer((0, 34), [(0, 34), (40, 60)])
    (True, False)
    """
    start, end = span
    return any(a <= start and end <= b and b - a > end - start for a, b in taken)


def _written_at(text: str, name: str, lo: int, hi: int) -> tuple[int, int] | None:
    """Where a name is first written in text[lo:hi], any spaces between its words.

    >>> _written_at("the Dignidad\\n Migrante", "Dignidad Migrante", 0, 22)
    (4, 22)
    """
    first, *rest = name.split() or [""]
    i = text.find(first, lo, hi) if first else -1
    while i >= 0:
        j = i + len(first)
        for word in rest:
            k = j
            while k < hi and text[k].isspace():
                k += 1
            if k == j or not text.startswith(word, k, hi):
                break
            j = k + len(word)
        else:
            return i, j
        i = text.find(first, i + 1, hi)
    return None


def _add_discovered(bag: _EntityBag, gaz: Gazetteer, name: str) -> bool:
    """Add a name found by its shape or context; False if it is not an organization after all."""
    known = gaz.lookup(name)
    if known:
        bag.add(known.name, (name,), "gazetteer")
        return True
    k = name_key(name)
    if k in bag.keys:
        return True
    if len({e.name for e, _ in gaz.find(name)}) >= 2:
        return False  # "Mijente Immigrant Defense Project": two known names run together
    related = next((c for c in bag.keys if c.startswith(k + " ") or (
        k.endswith(" " + c) and len(c.split()) >= 3)), None)
    if related:
        # a shortened or longer form of a name already found ("Office of Customs and Border
        # Protection" beside "Customs and Border Protection (CBP)")
        bag.add(bag.keys[related], (name,))
        return True
    bag.add(name, (), "text")
    return True


_Found = tuple[str, tuple[int, int]]  # a name and where it is written


def _named_groups(text: str) -> list[_Found]:
    """Names a text introduces as groups ("a group called X", "X, a nonprofit"), with where
    each is written."""
    out: list[_Found] = []

    def found(name: str, lo: int, hi: int) -> None:
        span = _written_at(text, name, lo, hi)
        if span:
            out.append((name, span))

    for rx in (_GROUP_NAMED, _GROUP_THE):
        if rx is _GROUP_NAMED and not _NAMING_RE.search(text):
            continue
        for m in rx.finditer(text):
            words = []
            for tok in m.group("o").split():
                if _after_connector_number(words, tok):
                    break
                if _is_cap(tok) or (words and tok.lower() in CONNECTORS | {"won't", "won’t"}):
                    words.append(tok)
                elif words and re.match(r"^[A-Za-z]+['’]t$", tok):
                    words.append(tok)  # "We Won't Build It"
                else:
                    break
            while words and words[-1].lower() in CONNECTORS:
                words.pop()
            name = " ".join(words).strip(" '\"")
            if name and (len(words) >= 2 or (len(name) >= 4 and rx is _GROUP_NAMED)):
                found(name, *m.span("o"))
    for m in _ORG_APPOSITIVE.finditer(text):
        after = text[m.end():m.end() + 40]
        role = re.match(r"\s+([\w-]+)", after)
        if re.match(r"['’]s\b", after) or (role and is_role_word(role.group(1))):
            continue  # "X, the union's negotiator", "X, a union leader": X is a person
        words = re.split(r"\s+(?:of|de|with|con|from)\s+", m.group("o"))[-1].split()
        while words and (words[0] in _SENTENCE_STARTERS or words[0].lower() in CONNECTORS):
            words = words[1:]
        if words and not (len(words) == 1 and len(words[0]) < 3):
            found(" ".join(words), *m.span("o"))
    out += [(m.group("o"), m.span("o")) for m in _ACRONYM_OF_PLACE.finditer(text)]
    for m in _AFFILIATION.finditer(text):
        if m.group("role").lower() not in _AFFILIATION_ROLES:
            continue
        frag = m.group("o")
        words: list[str] = []
        end = 0
        for t in TOKEN.finditer(frag):
            if words and frag[end:t.start()].strip():
                break  # punctuation or a dash ends the name
            tok = t.group(0)
            if _after_connector_number(words, tok):
                break
            if _is_cap(tok) or (words and tok.lower() in CONNECTORS):
                words.append(tok)
                end = t.end()
            else:
                break
        while words and words[-1].lower() in CONNECTORS:
            words.pop()
        words = words[:_person_after_org(words, text)]
        if not words or words[0] in _NOT_ORG_FIRST:
            continue
        rest = frag[end:].lstrip()
        nxt = TOKEN.match(rest)
        if len(words) == 1 and (len(words[0]) < 3 or words[0].isdigit() or (
                nxt and rest[:1].islower() and nxt.group(0) not in _FUNCTION_WORDS)):
            continue  # "members of the Jewish community": an adjective, not a name
        found(" ".join(words), *m.span("o"))
    return out


def _person_after_org(words: list[str], text: str) -> int:
    """Where the name of the person a role introduces begins, right after the name of their
    organization ("el diputado de Convergencia Social Diego Ibáñez"): a given name and one
    or two more capitalised words ending the run, the last of them found on its own
    elsewhere in the text (the story's later "Ibáñez"), and at least two words of the
    organization before them; len(words) when there is none ("la directora de la
    Fundación Pablo Neruda": Neruda never stands alone).

    >>> _person_after_org("Convergencia Social Diego Ibáñez".split(), "... Ibáñez dijo")
    2
    >>> _person_after_org("Centro Cultural Pablo Neruda".split(), "el Centro Cultural Pablo Neruda")
    4
    """
    for i in range(2, len(words) - 1):
        tail = words[i:]
        if len(tail) > 3 or words[i] not in given_names() or \
                words[i - 1].lower() in CONNECTORS or \
                any(w.lower() in CONNECTORS or not _is_cap(w) for w in tail):
            continue
        alone = compiled(rf"(?<!{re.escape(tail[-2])} ){re.escape(tail[-1])}\b")
        if alone.search(text):
            return i
    return len(words)


def _long_form_before(prefix: str, acr: str) -> str | None:
    """The name that an "(ACR)" follows, trimmed to where the acronym's letters start."""
    window = prefix[-200:]
    toks = list(TOKEN.finditer(window))
    if not toks or window[toks[-1].end():].strip():
        return None  # something other than a space separates the name from "("
    if not any(c.isalpha() for c in acr):
        return None
    # 1. capitalised words and connectors, back to punctuation or a lowercase word
    run: list[re.Match] = []
    for t in reversed(toks):
        end = run[0].start() if run else len(window)
        if run and re.search(r"[,.;:!?()\"\n]", window[t.end(): end]):
            break
        word = t.group(0)
        if _is_cap(word) or word.lower() in CONNECTORS:
            run.insert(0, t)
            if len(run) > 12:
                break
        else:
            break
    words = [t.group(0) for t in run]
    picked = _trim_to_acronym(words, acr)
    if picked:
        start = run[len(run) - len(picked)].start()
        return _bare_start(window[start: run[-1].end()].strip())
    # 2. sentence-case names ("Centre national de la recherche scientifique (CNRS)"): walk back
    # over any words whose initials spell the acronym, ending on a capitalised word.
    letters = _undouble(_acronym_letters(acr))
    i = len(toks) - 1
    need = len(letters) - 1
    chosen_start = None
    while i >= 0 and need >= 0 and len(toks) - i <= 24:
        t = toks[i]
        # a long official name may hold commas ("Instituto de Transparencia, Información
        # Pública y ... (ITEI)"); a sentence break ends it
        if i < len(toks) - 1 and re.search(r"[.;:!?()\"\n]", window[t.end(): toks[i + 1].start()]):
            break
        w = _bare(t.group(0))
        if w.lower() in CONNECTORS:
            i -= 1
            continue
        if w[:1].upper() == letters[need]:
            need -= 1
            chosen_start = t.start()
        elif not (_is_cap(w) and acr.isupper() and len(letters) >= 3):
            return None  # only a capitalised word may go unspelled in a long acronym
        i -= 1
    if need < 0 and chosen_start is not None:
        first = TOKEN.match(window, chosen_start).group(0)
        if _is_cap(first):
            return _bare_start(window[chosen_start: toks[-1].end()].strip())
    return None


def _bare_start(name: str) -> str:
    return _ELISION.sub("", name)


def _acronym_letters(acr: str) -> list[str]:
    """Letters an acronym spells; a digit repeats the letter before it (C5 = CCCCC).

    >>> _acronym_letters("C5"), _acronym_letters("ACLU-WA")
    (['C', 'C', 'C', 'C', 'C'], ['A', 'C', 'L', 'U', 'W', 'A'])
    """
    out: list[str] = []
    for c in acr.upper():
        if c.isalpha():
            out.append(c)
        elif c.isdigit() and out and 2 <= int(c) <= 9:
            out.extend(out[-1] * (int(c) - 1))
    return out


def _undouble(letters: list[str]) -> list[str]:
    """Spanish plural acronyms double their letters: CCOO is Comisiones Obreras."""
    n = len(letters)
    if n >= 4 and n % 2 == 0 and all(letters[i] == letters[i + 1] for i in range(0, n, 2)):
        return letters[::2]
    return letters


def _trim_to_acronym(words: list[str], acr: str) -> list[str] | None:
    while words and words[0].lower() in CONNECTORS:
        words = words[1:]
    if not words or not _is_cap(words[-1]):
        return None
    first = acr[0].upper()
    for i, w in enumerate(words):
        if _bare(w)[:1].upper() == first and _is_cap(w) and (
            _initials_match(" ".join(words[i:]), acr) or _initials_in(" ".join(words[i:]), acr)
        ):
            words = words[i:]
            break
    else:
        while words and (words[0] in _SENTENCE_STARTERS or words[0].lower() in CONNECTORS):
            words = words[1:]
    while words and words[-1].lower() in CONNECTORS:
        words.pop()
    if not words or (len(words) == 1 and (len(words[0]) < 3 or words[0].isupper())):
        return None
    return [_bare(words[0])] + words[1:]


def _initials(long_form: str) -> list[str]:
    return [_bare(w)[0].upper() for w in TOKEN.findall(long_form) if _bare(w)[:1].isalpha()]


def _initials_match(long_form: str, acr: str) -> bool:
    """Is the acronym spelled by the initials of the long form (small words may be skipped)?

    >>> _initials_match("Jews for Racial & Economic Justice", "JFREJ")
    True
    >>> _initials_match("Migration and Customs Service", "ICE")
    False
    >>> _initials_match("American Civil Liberties Union of Washington", "ACLU-WA")
    True
    """
    letters = _undouble([c for c in acr.upper() if c.isalpha()])
    initials = _initials(long_form)
    if not letters or not initials or letters[0] != initials[0]:
        return False
    it = iter(initials)
    if all(any(c == i for i in it) for c in letters):
        return True
    # "ACLU-WA": a region code after a hyphen may abbreviate a name, not spell initials
    head = acr.split("-")[0]
    return head != acr and _initials_match(long_form, head)


def _initials_in(long_form: str, acr: str) -> bool:
    """Mixed-case acronyms take more than initials: Conagua = Comisión Nacional del Agua.

    >>> _initials_in("Comisión Nacional del Agua", "Conagua")
    True
    >>> _initials_in("San Fernando de Henares", "Madrid")
    False
    """
    caps = [w for w in TOKEN.findall(long_form) if _is_cap(w)]
    initials = [_bare(w)[0].lower() for w in caps]
    letters = acr.lower()
    if not initials or letters[0] != initials[0]:
        return False
    it = iter(letters)
    return all(any(c == i for c in it) for i in initials)


def _has_org_word(name: str) -> bool:
    words = TOKEN.findall(name)
    if not words:
        return False
    if words[-1] in _ORG_END or _bare(words[0]) in _ORG_START:
        return True
    return any(w.lower().endswith(_ORG_SUFFIXES) for w in words)


_POSSESSIVE = re.compile(r"(?:['’]s)+$|['’]$")


def _capitalised_runs(line: str) -> list[tuple[list[str], list[int]]]:
    """Runs of capitalised words (with connectors between them) not crossing punctuation,
    each with where its words start in the line.

    A possessive ends a run ("Amazon's"), unless an organization word follows it
    ("Multnomah County Sheriff's Office").
    """
    runs: list[tuple[list[str], list[int]]] = []
    run: list[str] = []
    starts: list[int] = []
    last_end = 0
    pending_possessive = False
    for m in TOKEN.finditer(line):
        word, gap = m.group(0), line[last_end:m.start()]
        last_end = m.end()
        if run and (gap.strip() or (pending_possessive and word not in _ORG_END)):
            runs.append((run, starts))
            run, starts = [], []
        pending_possessive = False
        if _after_connector_number(run, word):
            runs.append((run, starts))  # (its closing connector is trimmed where runs are used)
            run, starts = [], []
        elif _is_cap(word) or (run and word.lower() in CONNECTORS):
            run.append(word)
            starts.append(m.start())
            pending_possessive = ("'" in word or "’" in word) and bool(_POSSESSIVE.search(word))
        else:
            if run:
                runs.append((run, starts))
            run, starts = [], []
    if run:
        runs.append((run, starts))
    # a run that ended on a possessive loses the "'s"
    return [(r[:-1] + [_POSSESSIVE.sub("", r[-1])], st) if r else (r, st) for r, st in runs]


@lru_cache(maxsize=1024)  # organizations and people both ask, line by line
def _is_headline_case(line: str) -> bool:
    """Most words capitalised: a Title Case headline, where capitals say nothing about names."""
    words = [w for w in TOKEN.findall(line) if w.lower() not in CONNECTORS]
    return len(words) >= 4 and sum(_is_cap(w) for w in words) >= 0.75 * len(words)


def _org_shaped_names(text: str) -> list[_Found]:
    """Capitalised names ending in an organization word ("Tech Workers Coalition") or opening
    with one followed by of/for ("Department of Homeland Security"), with where each is
    written."""
    out: list[_Found] = []
    offset = 0
    for line in text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        if _is_headline_case(line):
            continue
        for words, starts in _capitalised_runs(line):
            n = len(words)
            begin = [line_start + st for st in starts]  # where each word is in the text
            end = [b + len(w) for b, w in zip(begin, words, strict=True)]
            for j, w in enumerate(words):
                after = words[j + 2: j + 4]
                if after and after[0].lower() in ("the", "la", "el", "les", "le"):
                    after = after[1:]
                continues = j + 1 < n and (words[j + 1] in _ORG_END or (
                    words[j + 1].lower() in _OF and bool(after) and _is_cap(after[0]) and
                    _bare(w) in _ORG_START))  # "Chicago Federation of Labor" is one name
                if (w in _ORG_END or w.lower().endswith(_ORG_SUFFIXES)) and not continues:
                    k = j
                    while k > 0 and (
                        _is_cap(words[k - 1])
                        or (words[k - 1].lower() in _JOINERS and k > 1 and _is_cap(words[k - 2]))
                    ):
                        k -= 1
                    # the front may hold words that open a sentence ("Members", "In")
                    while k < j and (words[k] in _SENTENCE_STARTERS or
                                     words[k].lower() in _JOINERS):
                        k += 1
                    if k < j or w.lower().endswith(_ORG_SUFFIXES):
                        out.append((" ".join(words[k: j + 1]), (begin[k], end[j])))
                if _bare(w) in _HEAD_FIRST and j + 1 < n and _is_cap(words[j + 1]) and \
                        words[j + 1].lower() not in CONNECTORS and (j == 0 or not _is_cap(
                            words[j - 1]) or words[j - 1] in _SENTENCE_STARTERS):
                    e = j + 2
                    while e < n and (_is_cap(words[e]) or (words[e].lower() in _OF and e + 1 < n
                                                          and _is_cap(words[e + 1]))):
                        e += 1
                    out.append((" ".join([_bare(w)] + words[j + 1:e]), (begin[j], end[e - 1])))
                    continue
                if _bare(w) in _ORG_START and j + 2 < n and words[j + 1].lower() in _OF:
                    k = j
                    while k > 0 and _is_cap(words[k - 1]) and words[k - 1] not in \
                            _SENTENCE_STARTERS and words[k - 1] not in _ORG_END:
                        k -= 1
                    e = n
                    while e > j and words[e - 1].lower() in CONNECTORS:
                        e -= 1
                    out.append((" ".join([_bare(words[k])] + words[k + 1:e]),
                                (begin[k], end[e - 1])))
    return [(name, where) for name, where in dict.fromkeys(out) if _plausible_org(name)]


def _plausible_org(name: str) -> bool:
    words = name.split()
    if len(words) == 1:
        return words[0].lower().endswith(_ORG_SUFFIXES) and len(words[0]) > 12
    if len(words) > 10:
        return False
    caps = [w for w in words if w.lower() not in CONNECTORS]
    if len(caps) < 2:
        return False
    if all(w.isupper() for w in caps):
        return False  # SHOUTED HEADLINE WORDS
    return not (words[-1] in ("Enforcement", "Workers", "Action", "Unidos", "Unidas", "Police")
                and len(caps) < 3)


# =========================================================================== people


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Common given names in many languages (indexer/data/given_names.txt)."""
    text = importlib_resources.files("indexer").joinpath("data/given_names.txt").read_text(
        encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#")
                     for w in line.split())


_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"
_LOW = "a-zß-öø-ÿā-ž"
_NAME_TOKEN_RE = re.compile(
    rf"(?:[{_UP}][{_LOW}'’]+(?:-(?:[{_UP}][{_LOW}'’]+|[{_LOW}]{{1,4}}))*|[{_UP}]\.|"
    rf"[{_UP}][{_LOW}]*[{_UP}][{_LOW}]+"
    rf"|(?:O|D|L)['’][{_UP}][{_LOW}]+)"
)
_PARTICLES = {"de", "del", "la", "van", "von", "der", "da", "di", "dos", "das", "du", "le", "bin",
              "al", "ibn", "ten", "ter", "zu"}
_TITLES = set(
    """Mr Mrs Ms Mx Dr Rev Sen Rep Gov Sgt Lt Capt Prof Pastor Father Sister Brother Rabbi Bishop
    Imam Senator Representative Congresswoman Congressman Councilmember Councilwoman Councilman
    Assemblymember Assemblywoman Assemblyman Mayor Governor President Judge Justice
    Commissioner Secretary Sheriff Officer Detective Chief Director Reverend Deputy Supervisor
    Captain Lieutenant Sergeant Commander Colonel General Major Coach Professor Doctor Dean
    Ambassador Minister Chancellor Supervisora Alcalde Alcaldesa Senador Senadora Presidente
    Ald Alderman Alderwoman Councillor Cllr Delegate Del Assemblyman Trustee Superintendent
    Presidenta Padre Monseñor Don Doña Señor Señora Sr Sra Dra Lic Ing Madame Monsieur Herr
    Frau""".split()
)
_SPEECH = set(
    """said says told added explained stated noted wrote asked argued recalled insisted warned
    continued declared tweeted posted announced expressed assured affirmed indicated commented
    maintained denounced emphasized emphasised stressed highlighted acknowledged admitted
    confirmed replied responded urged claimed complained lamented estimated
    dijo dice afirmó aseguró señaló explicó declaró agregó añadió indicó comentó expresó
    sostuvo manifestó advirtió denunció destacó subrayó recordó precisó reconoció admitió
    insistió relató contó lamentó consideró opinó apuntó respondió informó anunció
    planteó criticó defendió valoró estimó recalcó adelantó apostilló acotó replicó contestó
    explique explique estime souligne précise ajoute affirme indique raconte confie déclare
    rappelle poursuit assure selon
    sagte sagt erklärte erklärt betonte betont sagten kritisierte kritisiert meinte
    disse afirmou explicou declarou acrescentou""".split()
)
_SPEECH_BEFORE = re.compile(r"\b(" + "|".join(sorted(_SPEECH, key=len, reverse=True)) + r")\b")
_ROLE_NOUNS = set(
    """spokesperson spokesman spokeswoman organizer organiser activist student worker employee
    engineer lawyer attorney professor researcher scientist analyst official director founder
    co-founder president chairman chairwoman chair ceo executive manager leader pastor rabbi
    priest reverend senator representative congresswoman congressman mayor governor
    councilmember councilwoman councilman commissioner judge businessman businesswoman
    entrepreneur journalist reporter photographer writer author artist economist teacher nurse
    doctor volunteer resident coordinator strategist consultant historian sociologist
    meteorologist glaciologist coach player cyclist rider driver farmer owner advocate
    campaigner protester demonstrator stower picker sorter counsel secretary treasurer
    councillor councilor alderman alderwoman poet composer singer musician soprano
    mezzo-soprano tenor baritone actor actress playwright novelist librettist filmmaker
    painter dancer chef historian curator infectologist epidemiologist physician surgeon
    pediatrician psychologist sociologist anthropologist economist lawmaker legislator
    delegate assemblyman assemblywoman deputy sheriff officer detective prosecutor defender
    trustee superintendent principal pastor minister bishop imam nun monk organizer
    consejero consejera regidor regidora diputado diputada edil edila infectólogo infectóloga
    epidemióloga epidemiólogo cantante compositor compositora poeta actriz dramaturga
    dramaturgo cineasta pintor pintora bailarina chef historiador historiadora
    infectologista epidemiologista cantora compositora vereador vereadora
    negotiator steward member portavoz vocero vocera organizador organizadora activista
    estudiante trabajador trabajadora
    empleado empleada ingeniero ingeniera abogado abogada profesor profesora investigador
    investigadora científico científica analista funcionario funcionaria directora fundador
    fundadora presidenta gerente líder pastora sacerdote rabino senadora congresista alcalde
    alcaldesa gobernador gobernadora concejal concejala juez jueza empresario empresaria
    periodista fotógrafo fotógrafa escritor escritora economista maestro maestra médico médica
    voluntario voluntaria vecino vecina integrante coordinador coordinadora meteorólogo
    meteoróloga ciclista corredor corredora seleccionador seleccionadora entrenador entrenadora
    jugador jugadora secretaria delegado delegada dirigente sindicalista párroco migrante
    inmigrante madre padre hijo hija esposa esposo
    porte-parole militant militante étudiant étudiante chercheur chercheuse professeur
    glaciologue directeur directrice présidente maire sénateur sénatrice député députée avocat
    avocate syndicaliste
    porta-voz ativista trabalhador pesquisador prefeito prefeita deputado advogado
    jornalista
    ministro ministra exministro exministra presidente vicepresidente vicepresidenta
    expresidente expresidenta subsecretario subsecretaria secretario canciller mandatario
    mandataria senador embajador embajadora jefe jefa rector rectora decano decana asesor
    asesora comisionado comisionada defensor defensora
    governador governadora secretário secretária senadora
    ministre président secrétaire conseiller conseillère adjoint adjointe
    ministerin präsident präsidentin sprecher sprecherin bürgermeister bürgermeisterin
    vorsitzende abgeordnete""".split()
)
_NATIONALITIES = set(
    """estadounidense mexicano mexicana neerlandés neerlandesa holandés holandesa italiano
    italiana español española francés francesa alemán alemana británico británica belga suizo
    suiza colombiano colombiana venezolano venezolana argentino argentina chileno chilena
    peruano peruana cubano cubana guatemalteco guatemalteca hondureño hondureña salvadoreño
    salvadoreña dominicano dominicana brasileño brasileña canadiense australiano australiana
    polaco polaca portugués portuguesa noruego noruega danés danesa sueco sueca""".split()
)
_ACCORDING = re.compile(r"\b(according to|según|segun|selon|laut|de acordo com)\b", re.I)
_CONVERSATION = re.compile(r"\b(talk|talks|talked|spoke|speak|speaks|conversation|interview|"
                           r"interviews|habló|conversó|entrevista)\s+(to|with|con|a)\b", re.I)
_LABEL = re.compile(rf"^(?P<n>(?:{_NAME_TOKEN_RE.pattern})(?:[ \t]+(?:{_NAME_TOKEN_RE.pattern}|"
                    rf"(?:de|del|van|von|da|di|la)\b)){{1,3}})[ \t]*:[ \t]+\S", re.M)
_NOT_NAME_WORDS = set(
    """The This That These Those In On At By From With After Before During Since While When Last
    Meanwhile But And Or So If Monday Tuesday Wednesday Thursday Friday Saturday Sunday January
    February March April May June July August September October November December Amazon ICE
    Immigration Customs Enforcement Department Homeland Security Police New York City Street
    Avenue Boulevard Park Square Mall Store Center Web Services Prime Day Twitter Facebook
    Instagram Google News Press Release Contact Media Photo Editor Note Update Source Related
    Read More Click Please Share Comments Reporting Additional Writing Editing Video Image
    Los Angeles San Francisco Washington Seattle Portland Manhattan Brooklyn Chicago Boston
    Philadelphia Minneapolis Arlington Atlanta Georgia Congress House Senate White Federal
    National State United States America American US U.S. Democrats Republicans Democratic
    Republican Lunes Martes Miércoles Jueves Viernes Sábado Domingo Enero Febrero Marzo Abril
    Mayo Junio Julio Agosto Septiembre Octubre Noviembre Diciembre Según Para Como Pero Sin
    Que Por Con Una Uno Los Las Del Este Esta Estos Estas Tech Workers Coalition Jewish Jews
    Black Latino Latinx Hispanic Muslim Christian Catholic Q A P R Question Answer Pregunta
    Respuesta Interviewer Host Moderator It We They He She I You Un Une Il Elle Nous Ils Der
    Die Das Ein Eine Er Sie Wir Es Mit Auch Am Im Our Their His Her Its Street Road County
    Court University College School Hospital Church Station Airport Bridge Hall Building
    Tower Plaza Center Centre Mr Mrs Ms Dr Rev Chile México Mexico Colombia Perú Peru Cuba
    Argentina Brasil Brazil Spain España France Francia Italy Italia Germany Alemania China
    India Japan Japón Canada Canadá Venezuela Ecuador Bolivia Paraguay Uruguay Honduras
    Guatemala Nicaragua Panamá Panama Haiti Haití Texas California Arizona Florida Oregon
    Minnesota Jalisco Chiapas Madrid Barcelona Zaragoza Paris París London Londres Berlin
    Beach Valley Heights Lake River Island Hills Springs Falls Bay Port Harbor Village Town
    Township Borough Ward District Province Region Airport Station Museum Library Theater
    Theatre Stadium Arena Gardens Garden Highway Freeway Route Bridge Prize Award Act Law Bill
    Day Week Month Year Avenida Calle Plaza Colonia Parque Puente Estación Sector Sectors
    Senior Junior Correspondent Published Updated Later Earlier Then Now Still However Also
    Today Yesterday Tomorrow Instead Afterwards Afterward Finally Eventually Recently Currently
    Previously Nevertheless Moreover Furthermore Indeed Perhaps Maybe Here There Asked When
    Where Why How What Who Which Whether Despite Although Though Unlike Like Such Every Each
    Luego Después Antes Ahora Hoy Ayer Mañana Además También Entonces Aquí Allí Cuando Donde
    Mientras Aunque Ante Tras Sin Incluso Puis Ensuite Aujourd Hier Alors Ainsi Heute Gestern
    Dann Jetzt Hoje Ontem Depois Agora Também Então""".split()
) | _TITLES
_ROLE_OF_THEN_NAME = re.compile(
    r"\b(?P<role>[\w-]+)\s+(?:de|del|of|for|da|do|du|des|von)\s+(?:la |el |los |las |the )?"
    r"[A-ZÀ-Þ][\w'’.-]*(?:\s+(?:y\s+|and\s+|de\s+)?[A-ZÀ-Þ][\w'’.-]*){0,4},\s+(?P<n>[A-ZÀ-Þ])"
)
_STOP_LINE = re.compile(r"[.;:!?\"“”«»()\[\]\n]")


@dataclass(slots=True)
class _Tok:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text)]


def _is_name_token(tok: str) -> bool:
    return bool(_NAME_TOKEN_RE.fullmatch(tok)) and tok not in _NOT_NAME_WORDS


def _name_runs(text: str, toks: list[_Tok], i: int, j: int) -> list[tuple[int, int]]:
    """Runs [a, b) of name tokens (particles inside) among toks[i:j], not crossing punctuation."""
    runs = []
    a = None
    for k in range(i, j):
        t = toks[k]
        gap = text[toks[k - 1].end: t.start] if k > i else ""
        if a is not None and _STOP_LINE.search(gap.replace(",", ";") if k > a + 0 else gap):
            runs.append((a, k))
            a = None
        if _is_name_token(t.text):
            if a is None:
                a = k
        elif a is not None and t.text in _PARTICLES and k + 1 < j and \
                _is_name_token(toks[k + 1].text):
            continue
        else:
            if a is not None:
                runs.append((a, k))
            a = None
    if a is not None:
        runs.append((a, j))
    return runs


def _run_text(text: str, toks: list[_Tok], a: int, b: int) -> str:
    return re.sub(r"\s+", " ", text[toks[a].start: toks[b - 1].end])


_PREPOSITIONS = {"with", "of", "for", "at", "in", "from", "on", "by", "to", "de", "del", "con",
                 "en", "para", "por", "à", "au", "aux", "chez", "du", "des", "bei", "von", "zu",
                 "zum", "zur", "im", "am", "an", "auf", "dans", "sur", "a", "that", "than",
                 "que", "if", "when", "while", "because"}


def _first_name_after(text: str, toks: list[_Tok], i: int, span: int = 8,
                      after: int | None = None, adjacent: bool = False) -> str | None:
    """The first person-shaped name among the few tokens after position i (in the same
    clause as the trigger that ends at offset `after`)."""
    j = min(len(toks), i + span)
    if i >= len(toks) or (after is not None and re.search(r"[.;:!?\"“”«»()\n]",
                                                           text[after: toks[i].start])):
        return None
    for k in range(i + 1, j):  # stop at the end of the clause
        if re.search(r"[.;:!?\"“”«»()\n]", text[toks[k - 1].end: toks[k].start]):
            j = k
            break
    for a, b in _name_runs(text, toks, i, j):
        if adjacent and any(toks[x].text.lower() in _PREPOSITIONS for x in range(i, a)):
            return None  # "professor at the University of X": X is not the professor
        if b - a >= 3 and "-" in toks[a].text:
            a += 1  # "Amazon-Sprecherin Katrin Böhm": a compound role before the name
        if b - a >= 2:
            return _run_text(text, toks, a, min(b, a + 4))
    return None


def _name_before(text: str, toks: list[_Tok], i: int, comma: bool = False) -> str | None:
    """The person-shaped name ending right before token i ("Sara Cullinane said"); with
    comma=True the name may be followed by a comma ("Jim Kowalczyk, who ...")."""
    if i == 0 or text[toks[i - 1].end: toks[i].start].strip(" ," if comma else " "):
        return None
    k = i
    while k > 0 and (_is_name_token(toks[k - 1].text) or (
            toks[k - 1].text in _PARTICLES and k - 1 > 0 and _is_name_token(toks[k - 2].text))):
        if k < i and text[toks[k - 1].end: toks[k].start].strip():
            break
        k -= 1
    if i - k >= 2:
        return _run_text(text, toks, max(k, i - 4), i)
    return None


def find_people(
    text: str,
    gazetteer_entries: tuple[GazetteerEntry, ...] = (),
    organizations: tuple[Entity, ...] = (),
) -> tuple[Entity, ...]:
    """People mentioned: gazetteer names plus names in speech, role and title contexts.

    >>> [e.name for e in find_people("“We will stay,” said Ana María Ruiz, an organizer with "
    ...                              "the union. Ruiz said more would come.")]
    ['Ana María Ruiz']
    >>> [e.name for e in find_people("dijo la meteoróloga Alejandra Ríos Zúñiga, del SMN.")]
    ['Alejandra Ríos Zúñiga']
    """
    original, text = text, straight_quotes(text)
    gaz = gazetteer(gazetteer_entries)
    bag = _EntityBag()
    org_keys = {name_key(n) for e in organizations for n in (e.name, *e.aliases)}
    for entry, form in gaz.find(text):
        bag.add(entry.name, (form,), "gazetteer")

    toks = _tokens(text)
    index = {t.start: k for k, t in enumerate(toks)}
    found: list[str] = []
    for k, t in enumerate(toks):
        word = t.text
        low = word.lower()
        if low in _SPEECH:
            found += [n for n in (_first_name_after(text, toks, k + 1, after=t.end,
                                                    adjacent=True),
                                  _name_before(text, toks, k)) if n]
        elif (word in _TITLES or word.rstrip(".") in _TITLES) and \
                text[t.end: t.end + 2].lstrip(".")[:1] == " ":
            n = _first_name_after(text, toks, k + 1, span=4, after=t.end)
            if n:
                found.append(n)
        elif (low in _ROLE_NOUNS or low in _NATIONALITIES) and text[t.end: t.end + 1] in (" ", ","):
            n = _first_name_after(text, toks, k + 1, span=4, after=t.end, adjacent=True)
            if n:
                found.append(n)
    # "La consejera de Hacienda, María Luisa Berdejo, defendió": the name between commas after
    # a role and its complement
    for m in _ROLE_OF_THEN_NAME.finditer(text):
        if m.group("role").lower() in _ROLE_NOUNS:
            k = index.get(m.start("n"))
            if k is not None:
                n = _first_name_after(text, toks, k, span=5)
                if n:
                    found.append(n)
    for rx in (_ACCORDING, _CONVERSATION):
        for m in rx.finditer(text):
            k = next((index[s] for s in range(m.end(), min(len(text), m.end() + 3))
                      if s in index), None)
            if k is not None:
                n = _first_name_after(text, toks, k, span=6)
                if n:
                    found.append(n)
    # "Sara Cullinane, Executive Director of ..." / "Priya Raman, a software engineer"
    for m in re.finditer(r",\s+(?:(?:an?|the|el|la|un|una|its|their|our|his|her|le|der|die)\s+)?"
                         r"(?P<words>(?:[\w’'-]+[ \t]+){0,4}[\w’'-]+)", text):
        head = []
        for w in m.group("words").split():
            if w.lower() in ("with", "of", "for", "at", "in", "from", "de", "del", "con", "en"):
                break
            head.append(w.lower())
        if any(w in _ROLE_NOUNS for w in head):
            k = index.get(_token_start_before(text, toks, m.start()))
            if k is not None:
                n = _name_before(text, toks, k + 1, comma=True)
                if n:
                    found.append(n)
    found += [m.group("n") for m in _LABEL.finditer(text)]
    found += _names_by_given_name(text, toks)
    found += _names_with_relative_clause(text, toks)

    for raw in found:
        # "Convergencia Social Diego Ibáñez", the party known: the person after it
        words = raw.split()
        cut = next((len(k.split()) for k in org_keys if name_key(raw).startswith(k + " ")
                    and len(words) - len(k.split()) >= 2), 0)
        name = _clean_person(" ".join(words[cut:]))
        if not name or name_key(name) in org_keys or any(
                k.endswith(" " + name_key(name)) for k in org_keys):
            continue
        known = gaz.lookup(name)
        bag.add(known.name if known else name, (name,) if known else (),
                "gazetteer" if known else "text")
    # Surnames alone ("Ruiz said") join the full name already found.
    full = {e: e.split()[-1] for e in bag.entries if len(e.split()) >= 2}
    for k, t in enumerate(toks):
        if t.text.lower() in _SPEECH:
            for j in (k - 1, k + 1):
                if 0 <= j < len(toks):
                    for name, surname in full.items():
                        if toks[j].text == surname and surname not in bag.entries[name]:
                            bag.entries[name].append(surname)
    bag.restore(text, original)
    return bag.entities()


def is_role_word(word: str) -> bool:
    """Whether a word names an office or role ("Minister", "spokesman", "ministra")."""
    return word.lower() in _ROLE_NOUNS or word.rstrip(".") in _TITLES


@cache
def _titled_surname_rx() -> tuple[re.Pattern, frozenset[str]]:
    heads = frozenset(_TITLES | {w.capitalize() for w in _ROLE_NOUNS} | _ROLE_NOUNS)
    return re.compile(rf"(?<=[ \t])(?P<n>[{_UP}][{_LOW}'’-]+)(?![\w'’-]|[ \t]+[{_UP}])"), heads


def titled_surnames(text: str) -> list[str]:
    """Surnames that a title or a role puts before them, alone: how a story names someone
    it has named in full elsewhere, or never ("el Presidente Boric", "Mayor Hale").

    >>> titled_surnames("El asunto lo abordó el Presidente Boric. Mayor Hale said the Lake.")
    ['Boric', 'Hale']
    >>> titled_surnames("Ana Gil met the mayor. Firefighters came. President Trump's tariffs.")
    ['Trump']
    """
    text = straight_quotes(text)
    word, heads = _titled_surname_rx()
    lower = None  # the words the text writes in lower case, made once if needed
    out: dict[str, None] = {}
    for m in word.finditer(text):
        before = text[max(0, m.start() - 30):m.start()].split("\n")[-1].split()
        if not before:
            continue
        head = before[-1]
        if head.endswith(".") and head[:-1] not in TITLE_ABBREVIATIONS:
            continue  # "the mayor. Firefighters": a sentence ends, no title is before it
        if head.rstrip(".") not in heads:
            continue
        n = re.sub(r"['’]s?$", "", m.group("n"))  # "Trump's tariffs", "Adams’ office"
        if n in out or len(n) < 2:
            continue
        if lower is None:
            lower = set(re.findall(r"(?<![\w-])[a-zß-öø-ÿā-ž][\w'’-]*", text))
        if n in _NOT_NAME_WORDS or n.lower() in _ROLE_NOUNS or n in _TITLES or \
                n.lower() in lower:
            continue  # a word written in lower case elsewhere is no name
        out[n] = None
    return list(out)


def _names_by_given_name(text: str, toks: list[_Tok]) -> list[str]:
    """"Rosa Meléndez", "Gov. Roy Cooper": a known given name and a surname, anywhere."""
    names = given_names()
    out = []
    headline_lines = {i for i, line in enumerate(text.split("\n")) if _is_headline_case(line)}
    line_of = _line_index(text)
    for k, t in enumerate(toks):
        if t.text not in names or line_of(t.start) in headline_lines:
            continue
        if k > 0 and _is_cap(toks[k - 1].text) and not \
                re.search(r"[.;:!?\"“”()\n,]", text[toks[k - 1].end: t.start]):
            continue  # inside a longer capitalised name ("San Fernando", "Santa Monica")
        for a, b in _name_runs(text, toks, k, min(len(toks), k + 4)):
            if a == k and b - a >= 2:
                nxt = toks[b].text if b < len(toks) else ""
                gap = text[toks[b - 1].end: toks[b].start] if b < len(toks) else ""
                if nxt in _NOT_NAME_WORDS and not gap.strip():
                    break  # "Rosa Parks Boulevard", "Martin Luther King Day"
                out.append(_run_text(text, toks, a, b))
            break
    return out


def _line_index(text: str):
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def line_of(pos: int) -> int:
        lo, hi = 0, len(starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if starts[mid] <= pos:
                lo = mid + 1
            else:
                hi = mid
        return lo - 1

    return line_of


_RELATIVE = re.compile(r",\s+(?:who|whose|who's|que|quien|quienes|cuyo|cuya|qui|dont|der|die"
                       r"|dessen|deren|que|cujo|cuja)\b")


def _names_with_relative_clause(text: str, toks: list[_Tok]) -> list[str]:
    """"Jim Kowalczyk, who has owned a two-flat ...": a name followed by a relative clause."""
    out = []
    index = {t.end: k for k, t in enumerate(toks)}
    for m in _RELATIVE.finditer(text):
        k = index.get(m.start())
        if k is not None:
            n = _name_before(text, toks, k + 1, comma=True)
            if n:
                out.append(n)
    return out


def _token_start_before(text: str, toks: list[_Tok], pos: int) -> int | None:
    """Start offset of the last token ending at or before pos."""
    lo, hi = 0, len(toks)
    while lo < hi:
        mid = (lo + hi) // 2
        if toks[mid].end <= pos:
            lo = mid + 1
        else:
            hi = mid
    return toks[lo - 1].start if lo else None


#: a place's head in Romance languages, which a particle follows: "Sierra de Ríos", "Villa del
#: Parque", "Ilha do Mel" ("Sierra" and "Paz" are given names too; "Sierra de" is no person)
_PLACE_HEADS = frozenset(
    """Sierra Serra Cerro Morro Río Rio Laguna Lago Lagoa Valle Vale Val Paso Passo Puerto
    Porto Port Playa Praia Plage Bahía Baía Isla Islas Ilha Île Cabo Cap Arroyo Quebrada Villa
    Vila Ville Ciudad Cidade Provincia Província Departamento Estado Parque Barrio Bairro
    Colonia Municipio Município Cañada Pico Punta Ponta Golfo Llano Llanos Lac Pont Puente
    Paseo Rua Rue Estación Península Delta Reserva Selva Bosque Mina Fortaleza""".split())
_PLACE_PARTICLES = frozenset("de del da do dos das du des di della".split())
#: a name that opens with a saint or an article is a place's: "San Pedro", "La Pampa"
_SAINT_OR_ARTICLE = frozenset("San Santa Santo São Saint Sainte La El Los Las".split())


def _clean_person(name: str) -> str | None:
    """The name as a person's, or None.

    >>> _clean_person("Sierra de Ríos"), _clean_person("Ilha do Mel"), _clean_person("Ana de Ríos")
    (None, None, 'Ana de Ríos')
    >>> _clean_person("São Braz"), _clean_person("La Pampa"), _clean_person("Pilar del Río")
    (None, None, 'Pilar del Río')
    """
    words = name.split()
    if len(words) >= 3 and words[0] in _PLACE_HEADS and words[1] in _PLACE_PARTICLES:
        return None
    if words and words[0] in _SAINT_OR_ARTICLE:
        return None  # "São Braz", "Santa Fe", "La Pampa", "El Alto": a place
    while words and (words[0] in _NOT_NAME_WORDS or words[0].rstrip(".") in _NOT_NAME_WORDS):
        words = words[1:]
    while words and (words[-1] in _NOT_NAME_WORDS or words[-1] in _PARTICLES):
        words = words[:-1]
    if len(words) < 2 or len(words) > 5:
        return None
    if any(w in _NOT_NAME_WORDS for w in words):
        return None
    if any(w.rstrip(".'’s") in _ORG_END for w in words):
        return None
    if all(w.isupper() for w in words):
        return None
    return re.sub(r"['’]s$", "", " ".join(words))

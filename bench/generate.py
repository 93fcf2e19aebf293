"""A corpus generator for the benchmark: N realistic news documents from real text.

Real text (the corpus and the shared test pages, cleaned by our own pipeline) trains a
word-level Markov chain per language, English and Spanish; each document is written from it:
a headline, ~600 words in paragraphs, quotations attributed to people of named organizations,
mentions of organizations, an outlet drawn from a few hundred with a skewed (Zipf)
distribution, a date over five years (denser in the protest months), saved as a web page
(with the site's menus and footer) or as a text file. Document i depends only on the seed and
i, so the first 1,000 documents of a 100,000 corpus are the 1,000 corpus.

    python -m bench.generate --n 1000 --out bench/data/n1000

writes OUT/corpus/ (what is indexed) and OUT/meta.jsonl (what was generated: the baseline
reads its metadata, tests compare with it).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import html
import json
import multiprocessing
import os
import random
import re
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_PAGES = Path(os.environ.get("CORPUS_SEARCH_SHARED", REPO.parent / "shared")) / \
    "testdata" / "pages"

LANG_SHARE = {"en": 0.7, "es": 0.3}
HTML_SHARE = 0.6
START, END = dt.date(2016, 1, 1), dt.date(2020, 12, 31)
BURST = (dt.date(2018, 6, 1), dt.date(2019, 12, 31))  # the protest months: more coverage

CITIES_EN = """Portland Seattle Tacoma Spokane Oakland Fresno Sacramento Phoenix Tucson Denver
Boulder Austin Dallas Houston Omaha Tulsa Chicago Detroit Cleveland Toledo Columbus Dayton
Pittsburgh Buffalo Albany Boston Worcester Hartford Newark Trenton Baltimore Richmond Norfolk
Raleigh Durham Atlanta Savannah Miami Tampa Orlando Memphis Nashville Louisville Lexington
Milwaukee Madison Minneapolis Duluth Wichita Topeka Boise Reno Eugene Salem Anchorage Honolulu
Burlington Portsmouth Providence Camden Yonkers Paterson Allentown Scranton Erie Akron""".split()
PAPERS_EN = """Times Herald Ledger Post Tribune Gazette Courier Chronicle Observer Independent
Dispatch Sentinel Journal Register Record Examiner Star Mirror Bulletin Advocate Daily""".split()
CITIES_ES = """Tijuana Monterrey Guadalajara Puebla Oaxaca Mérida Chihuahua Hermosillo Culiacán
Morelia Querétaro Toluca Veracruz Acapulco Saltillo Durango Zacatecas León Aguascalientes
Bogotá Medellín Cali Quito Lima Arequipa Cusco Santiago Valparaíso Rosario Córdoba Mendoza
Montevideo Asunción Caracas Maracaibo Barcelona Sevilla Valencia Málaga Bilbao Zaragoza Murcia
Granada Oviedo Salamanca""".split()
PAPERS_ES = ["Diario de", "El Heraldo de", "La Voz de", "El Correo de", "Noticias de",
             "El Sol de", "La Prensa de", "El Informador de", "Crónica de", "El Periódico de"]

SURNAMES = """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore
Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott
Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans
Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Bailey Reed Kelly
Howard Cox Ward Richardson Watson Brooks Wood James Bennett Gray Hughes Price Sanders Myers
Long Ross Foster Okafor Nguyen Tran Kim Park Chen Wang Singh Patel Shah Khan Ali Hassan Cohen
Levy Friedman Novak Kowalski García Rodríguez Martínez Hernández López González Pérez Sánchez
Ramírez Torres Flores Rivera Gómez Díaz Reyes Morales Cruz Ortiz Gutiérrez Chávez Ramos Ruiz
Álvarez Mendoza Castillo Jiménez Moreno Romero Herrera Medina Aguilar Vargas Castro Guzmán
Fernández Delgado Vega Soto Navarro Rojas Campos Salazar Santiago Cabrera Ortega Molina
Contreras Luna Ríos Espinoza Serrano Acosta Fuentes Carrillo Pacheco Valencia Miranda""".split()

ORG_PATTERNS_EN = ["{city} Tenants Union", "{city} Immigrant Rights Coalition",
                   "Coalition for {cause}", "{city} Workers Center", "Friends of {city}",
                   "{city} Community Alliance", "Center for {cause}", "{city} Legal Aid Society",
                   "Institute for {cause}", "{city} Teachers Association"]
ORG_PATTERNS_ES = ["Sindicato de Trabajadores de {city}", "Red de Apoyo a Migrantes de {city}",
                   "Fundación {surname}", "Colectivo {cause_es}", "Asociación Vecinal de {city}",
                   "Comité de Defensa de {city}", "Observatorio de {cause_es}"]
CAUSES = ["Immigrant Justice", "Digital Rights", "Worker Power", "Fair Housing",
          "Public Accountability", "Civil Liberties", "Economic Justice", "Data Privacy",
          "Climate Action", "Community Safety", "Racial Equity", "Open Government"]
CAUSES_ES = ["Derechos Digitales", "Justicia Migrante", "Vivienda Digna", "Memoria y Justicia",
             "Trabajo Decente", "Derechos Humanos", "Transparencia"]
ROLES_EN = ["an organizer with", "a spokesperson for", "the director of", "a member of",
            "a lawyer with", "a volunteer with", "the president of", "a researcher at"]
ROLES_ES = ["portavoz de", "directora de", "miembro de", "abogado de", "coordinadora de",
            "presidente de", "investigadora de"]
SAID_EN = ["said {who}", "{who} said", "says {who}", "{who} told reporters", "added {who}"]
SAID_ES = ["dijo {who}", "afirmó {who}", "señaló {who}", "explicó {who}", "añadió {who}"]
NAV = {"en": ["Home", "News", "Local", "Politics", "Business", "Opinion", "Sports", "Subscribe"],
       "es": ["Inicio", "Noticias", "Local", "Política", "Economía", "Opinión", "Deportes",
              "Suscríbete"]}
FOOTER = {"en": "© {year} {outlet}. All rights reserved. Privacy Policy | Terms of Use",
          "es": "© {year} {outlet}. Todos los derechos reservados. Aviso de privacidad"}
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre"]


# --------------------------------------------------------------------------- source text


def source_texts() -> dict[str, list[str]]:
    """Clean paragraphs of the real documents, by language (en, es)."""
    from indexer import build, corpus
    from indexer.models import RawDocument

    resources = corpus.Resources()
    out: dict[str, list[str]] = defaultdict(list)
    paths = sorted((REPO / "corpus").glob("*.txt"))
    if SHARED_PAGES.is_dir():
        paths += sorted(SHARED_PAGES.glob("*/source.html"))
    for path in paths:
        fmt = "html" if path.suffix == ".html" else "text"
        raw = RawDocument(id=path.parent.name, path=str(path), format=fmt,
                                 data=path.read_bytes(), content_hash="", source=None)
        try:
            doc = build.prepare(raw, resources)
        except Exception:  # a source that does not prepare is simply not used
            continue
        for para, lang in zip(doc.body.split("\n\n"), doc.paragraph_languages, strict=False):
            if lang in LANG_SHARE and len(para.split()) >= 8:
                out[lang].append(para)
    return dict(out)


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡“\"])")
_WORD = re.compile(r"\S+")


@dataclass
class Chain:
    """An order-2 word Markov chain: (w1, w2) -> next words, with sentence starts."""

    starts: list[tuple[str, str]]
    nexts: dict[tuple[str, str], list[str]]

    @classmethod
    def train(cls, paragraphs: list[str]) -> Chain:
        starts: list[tuple[str, str]] = []
        nexts: dict[tuple[str, str], list[str]] = defaultdict(list)
        for para in paragraphs:
            for sentence in _SENTENCE.split(para):
                words = [w for w in _WORD.findall(sentence) if not re.search(r"[“”\"«»]", w)]
                if len(words) < 5:
                    continue
                starts.append((words[0], words[1]))
                for a, b, c in zip(words, words[1:], [*words[2:], None], strict=False):
                    nexts[(a, b)].append(c)  # None ends a sentence
        return cls(starts, dict(nexts))

    def sentence(self, rng: random.Random, max_words: int = 40) -> str:
        a, b = rng.choice(self.starts)
        words = [a, b]
        while len(words) < max_words:
            options = self.nexts.get((a, b))
            if not options:
                break
            c = rng.choice(options)
            if c is None:
                if len(words) >= 8:
                    break
                a, b = rng.choice(self.starts)  # too short: go on with another start
                words += [a, b]
                continue
            words.append(c)
            a, b = b, c
        text = " ".join(words)
        text = text[0].upper() + text[1:]
        return text if text[-1] in ".!?" else text.rstrip(",;:") + "."


# --------------------------------------------------------------------------- the world


@dataclass(frozen=True)
class Outlet:
    name: str
    language: str
    domain: str


def _slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def _zipf_cumulative(n: int, s: float = 1.07) -> list[float]:
    weights = [1 / (rank ** s) for rank in range(1, n + 1)]
    total, acc, out = sum(weights), 0.0, []
    for w in weights:
        acc += w
        out.append(acc / total)
    return out


def _pick(rng: random.Random, items: list, cumulative: list[float]):
    return items[min(bisect.bisect_left(cumulative, rng.random()), len(items) - 1)]


@dataclass
class World:
    """Outlets, organizations and people shared by every document of a seed."""

    outlets: dict[str, list[Outlet]]
    orgs: dict[str, list[str]]
    people: list[str]
    chains: dict[str, Chain]

    @classmethod
    def make(cls, seed: int) -> World:
        rng = random.Random(f"world-{seed}")
        outlets: dict[str, list[Outlet]] = {"en": [], "es": []}
        names = {f"The {c} {p}" for c in CITIES_EN for p in PAPERS_EN}
        for name in rng.sample(sorted(names), 220):
            outlets["en"].append(Outlet(name, "en", _slug(name.removeprefix("The ")) + ".com"))
        names = {f"{p} {c}" for c in CITIES_ES for p in PAPERS_ES}
        for name in rng.sample(sorted(names), 100):
            outlets["es"].append(Outlet(name, "es", _slug(name) + ".mx"))
        given = [g for g in (REPO / "indexer" / "data" / "given_names.txt").read_text()
                 .split() if g.isalpha() and g[0].isupper()]
        people = sorted({f"{rng.choice(given)} {rng.choice(SURNAMES)}" for _ in range(3000)})
        rng.shuffle(people)
        orgs: dict[str, list[str]] = {"en": [], "es": []}
        for lang, patterns, cities in (("en", ORG_PATTERNS_EN, CITIES_EN),
                                       ("es", ORG_PATTERNS_ES, CITIES_ES)):
            seen: set[str] = set()
            while len(seen) < 300:
                seen.add(rng.choice(patterns).format(
                    city=rng.choice(cities), cause=rng.choice(CAUSES),
                    cause_es=rng.choice(CAUSES_ES), surname=rng.choice(SURNAMES)))
            orgs[lang] = sorted(seen)
            rng.shuffle(orgs[lang])
        known = ["Amazon", "Palantir", "Mijente", "Movimiento Cosecha", "Microsoft",
                 "Salesforce", "Tech Workers Coalition", "American Civil Liberties Union"]
        for lang in orgs:
            orgs[lang] = known + orgs[lang]  # the story's own organizations are the commonest
        texts = source_texts()
        chains = {lang: Chain.train(texts[lang]) for lang in LANG_SHARE}
        return cls(outlets, orgs, people, chains)


# --------------------------------------------------------------------------- documents


@dataclass
class Generated:
    id: str
    path: str
    format: str
    language: str
    outlet: str
    date: str
    title: str
    author: str
    doc_type: str
    organizations: list[str]
    people: list[str]
    text: str


def _date(rng: random.Random) -> dt.date:
    lo, hi = BURST if rng.random() < 0.3 else (START, END)
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


def _long_date(d: dt.date, lang: str) -> str:
    if lang == "es":
        return f"{d.day} de {MONTHS_ES[d.month - 1]} de {d.year}"
    return f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"


def make_document(world: World, seed: int, i: int) -> tuple[Generated, str]:
    """Document i: its facts and its file content."""
    rng = random.Random(f"{seed}-{i}")
    lang = "en" if rng.random() < LANG_SHARE["en"] else "es"
    chain = world.chains[lang]
    outlet = _pick(rng, world.outlets[lang], _CUM[len(world.outlets[lang])])
    date = _date(rng)
    org_pool = world.orgs[lang]
    orgs = list(dict.fromkeys(_pick(rng, org_pool, _CUM[len(org_pool)])
                              for _ in range(rng.randint(1, 4))))
    people = list(dict.fromkeys(rng.choice(world.people) for _ in range(rng.randint(1, 3))))
    author = rng.choice(world.people)
    doc_type = rng.choices(["news article", "press release", "blog post"], [85, 8, 7])[0]
    title = chain.sentence(rng, 14).rstrip(".")
    target = int(rng.triangular(300, 900, 600))
    paragraphs: list[str] = []
    words = 0
    mentioned: set[str] = set()
    while words < target:
        sentences = [chain.sentence(rng) for _ in range(rng.randint(2, 4))]
        roll = rng.random()
        if roll < 0.25 and people:
            who = people[len(paragraphs) % len(people)]
            org = rng.choice(orgs)
            first = who not in mentioned
            if lang == "es":
                tail = f"{who}, {rng.choice(ROLES_ES)} {org}" if first else who.split()[-1]
                said = rng.choice(SAID_ES).format(who=tail)
                sentences.append(f"«{chain.sentence(rng, 25).rstrip('.')}», {said}.")
            else:
                tail = f"{who}, {rng.choice(ROLES_EN)} {org}," if first else who.split()[-1]
                said = rng.choice(SAID_EN).format(who=tail).replace(",,", ",").rstrip(",")
                sentences.append(f"“{chain.sentence(rng, 25).rstrip('.')},” {said}.")
            mentioned.add(who)
        elif roll < 0.5:
            org = rng.choice(orgs)
            where = rng.randrange(len(sentences))
            word = "según" if lang == "es" else "according to"
            sentences[where] = sentences[where].rstrip(".") + f", {word} {org}."
        para = " ".join(sentences)
        paragraphs.append(para)
        words += len(para.split())
    body = "\n\n".join(paragraphs)
    doc_id = f"{i // 1000:03d}/{i:06d}-{_slug(title)[:40]}".rstrip("-")
    fmt = "html" if rng.random() < HTML_SHARE else "text"
    if fmt == "html":
        content = _html_page(rng, lang, outlet, date, title, author, paragraphs)
        path = doc_id + ".html"
    else:
        byline = ("Por " if lang == "es" else "By ") + author
        content = "\n\n".join([title, byline, _long_date(date, lang), body,
                               f"{outlet.name} — {outlet.domain}"]) + "\n"
        path = doc_id + ".txt"
    facts = Generated(id=doc_id, path=path, format=fmt, language=lang, outlet=outlet.name,
                      date=date.isoformat(), title=title, author=author, doc_type=doc_type,
                      organizations=orgs, people=sorted(mentioned), text=body)
    return facts, content


def _html_page(rng, lang, outlet: Outlet, date: dt.date, title: str, author: str,
               paragraphs: list[str]) -> str:
    e = html.escape
    nav = "".join(f'<li><a href="/{_slug(x)}">{e(x)}</a></li>' for x in NAV[lang])
    paras = "\n".join(f"<p>{e(p)}</p>" for p in paragraphs)
    related = "".join(f'<li><a href="/story/{rng.randrange(10**6)}">'
                      f"{e(rng.choice(paragraphs)[:60])}</a></li>" for _ in range(3))
    label = "Lo más leído" if lang == "es" else "Most read"
    by = "Por" if lang == "es" else "By"
    hour = rng.randrange(6, 22)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{e(title)} | {e(outlet.name)}</title>
<meta property="og:site_name" content="{e(outlet.name)}">
<meta property="og:title" content="{e(title)}">
<meta property="og:url" content="https://www.{outlet.domain}/{date:%Y/%m/%d}/{_slug(title)[:50]}">
<meta property="article:published_time" content="{date.isoformat()}T{hour:02d}:00:00Z">
</head><body>
<header><div class="logo">{e(outlet.name)}</div><nav><ul>{nav}</ul></nav></header>
<main><article>
<h1>{e(title)}</h1>
<p class="byline">{by} {e(author)}</p>
<time datetime="{date.isoformat()}">{e(_long_date(date, lang))}</time>
{paras}
</article>
<aside class="related"><h2>{label}</h2><ul>{related}</ul></aside></main>
<footer><p>{e(FOOTER[lang].format(year=date.year, outlet=outlet.name))}</p></footer>
</body></html>
"""


_CUM: dict[int, list[float]] = {}
_WORLD: World | None = None


def _init(seed: int) -> None:
    global _WORLD
    _WORLD = World.make(seed)
    for lang in LANG_SHARE:
        for n in (len(_WORLD.outlets[lang]), len(_WORLD.orgs[lang])):
            _CUM.setdefault(n, _zipf_cumulative(n))


def _write(args: tuple[int, int, str]) -> str:
    seed, i, out = args
    assert _WORLD is not None
    facts, content = make_document(_WORLD, seed, i)
    path = Path(out) / "corpus" / facts.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return json.dumps(asdict(facts), ensure_ascii=False)


def generate(n: int, out: Path, seed: int = 1, workers: int | None = None,
             progress: bool = True) -> Path:
    """Write n documents under out/corpus and their facts to out/meta.jsonl; reuse a
    complete earlier run."""
    out = Path(out)
    done = out / "COMPLETE"
    if done.exists() and done.read_text().strip() == f"n={n} seed={seed}":
        return out
    if not SHARED_PAGES.is_dir():  # checked here: a worker failing to start is respawned forever
        raise FileNotFoundError(
            f"the generator learns its text from the real pages in {SHARED_PAGES}, which is "
            f"missing: put ../shared beside the repository or set CORPUS_SEARCH_SHARED")
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    workers = workers or multiprocessing.cpu_count()
    jobs = [(seed, i, str(out)) for i in range(n)]
    with multiprocessing.get_context("fork").Pool(workers, _init, (seed,)) as pool, \
            (out / "meta.jsonl").open("w", encoding="utf-8") as meta:
        for k, line in enumerate(pool.imap(_write, jobs, chunksize=200), 1):
            meta.write(line + "\n")
            if progress and (k % 1000 == 0 or k == n):
                print(f"\rGenerating: {k:,}/{n:,} documents", end="", file=sys.stderr)
    if progress:
        print(f" ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    done.write_text(f"n={n} seed={seed}\n")
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=100_000, help="number of documents")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, help="folder (default bench/data/n<N>-s<seed>)")
    a = p.parse_args(argv)
    generate(a.n, a.out or REPO / "bench" / "data" / f"n{a.n}-s{a.seed}", a.seed)


if __name__ == "__main__":
    main()

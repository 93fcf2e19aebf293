"""The fixed query mix, drawn from the generated corpus with a fixed seed, and the same
queries as HTTP requests.

Classes (20 queries each): a single term; two terms joined by AND; a three-word phrase taken
from a document; that phrase filtered by the document's outlet and language; browsing (no
words) under one filter, with every facet counted; highlighting every match in the full text
of a 10-hit page.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

PER_CLASS = 20
CLASSES = ("term", "and", "phrase", "phrase_filtered", "browse", "highlight")
_WORD = re.compile(r"[^\W\d_]+")
_STOP = set("""the and that with from this have were they their been which would there about
after into than said also more some what when will them other over only could these those
para como pero este esta sobre entre desde hasta porque cuando todo todos tiene ellos ellas
donde durante según muy más también había están son fue ser""".split())


@dataclass(frozen=True)
class Query:
    cls: str
    text: str = ""
    outlet: str | None = None
    lang: str | None = None
    year: int | None = None
    terms: tuple[str, ...] = field(default=())  # the words, for the baseline's syntax

    def params(self) -> dict[str, str]:
        """As /api/search parameters."""
        p = {"q": self.text}
        if self.outlet:
            p["outlet"] = self.outlet
        if self.lang:
            p["lang"] = self.lang
        if self.year:
            p["from"], p["to"] = str(self.year), str(self.year)
        return {k: v for k, v in p.items() if v}

    def url(self) -> str:
        return "/api/search?" + urlencode(self.params())


def _read_meta(meta: Path, limit: int) -> list[dict]:
    docs = []
    with meta.open(encoding="utf-8") as f:
        for line in f:
            docs.append(json.loads(line))
            if len(docs) >= limit:
                break
    return docs


def query_mix(meta: Path, seed: int = 7) -> list[Query]:
    """PER_CLASS queries of each class, deterministic for a corpus and a seed."""
    rng = random.Random(seed)
    docs = _read_meta(meta, 3000)
    df: Counter = Counter()
    for d in docs:
        df.update({w for w in _WORD.findall(d["text"].lower()) if len(w) >= 4})
    n = len(docs)
    # words in 0.5% to 20% of documents: neither rare nor everywhere
    vocab = sorted(w for w, c in df.items() if 0.005 * n <= c <= 0.2 * n and w not in _STOP)
    if len(vocab) < 3 * PER_CLASS:
        vocab = sorted(w for w, c in df.most_common(3 * PER_CLASS * 4) if w not in _STOP)
    out: list[Query] = []
    for w in rng.sample(vocab, PER_CLASS):
        out.append(Query("term", w, terms=(w,)))
    for _ in range(PER_CLASS):
        a, b = rng.sample(vocab, 2)
        out.append(Query("and", f"{a} AND {b}", terms=(a, b)))
    phrases = []
    while len(phrases) < 2 * PER_CLASS:
        d = rng.choice(docs)
        words = [m.group() for m in _WORD.finditer(d["text"])]
        if len(words) < 10:
            continue
        i = rng.randrange(len(words) - 3)
        three = tuple(w.lower() for w in words[i:i + 3])
        if all(len(w) >= 2 for w in three):
            phrases.append((three, d))
    for three, _ in phrases[:PER_CLASS]:
        out.append(Query("phrase", '"' + " ".join(three) + '"', terms=three))
    for three, d in phrases[PER_CLASS:]:
        out.append(Query("phrase_filtered", '"' + " ".join(three) + '"', outlet=d["outlet"],
                         lang=d["language"], terms=three))
    outlets = [o for o, _ in Counter(d["outlet"] for d in docs).most_common(10)]
    browse = [Query("browse")] + [Query("browse", lang=x) for x in ("en", "es")]
    browse += [Query("browse", year=y) for y in range(2016, 2021)]
    browse += [Query("browse", outlet=o) for o in outlets]
    browse += [Query("browse", lang="en", year=y) for y in (2018, 2019)]
    out += browse[:PER_CLASS]
    for w in rng.sample(vocab, PER_CLASS):
        out.append(Query("highlight", w, terms=(w,)))
    return out


def save(queries: list[Query], path: Path) -> None:
    path.write_text(json.dumps([asdict(q) for q in queries], ensure_ascii=False, indent=1))

"""Measure cleaning and metadata extraction against documents with known answers.

Two layouts are understood:

- pages: one folder per page holding `source.html` and `truth.json` (../shared/testdata/pages);
- a flat folder of documents with one `truth.json` keyed by file name (tests/data/heldout).

Strings are compared as the pages' README says: NFC, no-break and thin spaces as spaces,
whitespace runs as one space; text case-sensitively, titles and outlets case-insensitively.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import build, corpus
from .errors import CorpusError, DocumentError
from .models import Document, RawDocument
from .textutil import squash


def normalize(s: str) -> str:
    """The comparison form of a string.

    >>> normalize("a\\u00a0 b\\u2009c")
    'a b c'
    """
    s = unicodedata.normalize("NFC", s or "")
    s = re.sub(r"[\u00a0\u2007\u2009\u202f\u200a]", " ", s)
    return squash(s)


def _same(a: str | None, b: str | None) -> bool:
    return normalize(a or "").casefold() == normalize(b or "").casefold()


def _entity_key(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").replace("’", "'")
    s = re.sub(r"^(the|la|el|los|las)\s+", "", s.strip().lower())
    return re.sub(r"[^\w&]+", " ", s).strip()


@dataclass
class Case:
    """One document with its expected values."""

    name: str
    path: Path
    truth: dict


@dataclass
class CaseResult:
    name: str
    kept: int = 0
    must_contain: int = 0
    removed: int = 0
    must_not_contain: int = 0
    checks: dict[str, bool] = field(default_factory=dict)  # field -> right?
    got: dict[str, object] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    error: str | None = None
    truth_lists: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Evaluation:
    """Totals over a set of cases."""

    results: list[CaseResult]

    def share(self, key: str) -> tuple[int, int]:
        vals = [r.checks[key] for r in self.results if key in r.checks]
        return sum(vals), len(vals)

    def summary(self) -> dict[str, dict[str, float | int]]:
        out: dict[str, dict[str, float | int]] = {}
        kept = sum(r.kept for r in self.results)
        total = sum(r.must_contain for r in self.results)
        out["kept"] = {"right": kept, "of": total, "share": kept / total if total else 1.0}
        rem = sum(r.removed for r in self.results)
        total = sum(r.must_not_contain for r in self.results)
        out["removed"] = {"right": rem, "of": total, "share": rem / total if total else 1.0}
        keys = sorted({k for r in self.results for k in r.checks})
        for k in keys:
            right, of = self.share(k)
            out[k] = {"right": right, "of": of, "share": right / of if of else 1.0}
        return out


def load_cases(folder: Path) -> list[Case]:
    """The documents and truths in either layout."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder} is not a folder")
    flat = folder / "truth.json"
    if flat.exists():
        truths = json.loads(flat.read_text(encoding="utf-8"))
        return [Case(name, folder / name, t) for name, t in sorted(truths.items())]
    cases = []
    for d in sorted(p for p in folder.iterdir() if p.is_dir()):
        if (d / "truth.json").exists() and (d / "source.html").exists():
            cases.append(Case(d.name, d / "source.html",
                              json.loads((d / "truth.json").read_text(encoding="utf-8"))))
    if not cases:
        raise CorpusError(f"no documents with a truth.json in {folder}")
    return cases


def evaluate(folder: Path, resources: corpus.Resources | None = None) -> Evaluation:
    """Run the indexer's prepare() on every case and compare with its truth."""
    resources = resources if resources is not None else corpus.Resources()
    results = []
    for case in load_cases(folder):
        results.append(_evaluate_case(case, resources))
    return Evaluation(results)


def _evaluate_case(case: Case, resources: corpus.Resources) -> CaseResult:
    res = CaseResult(case.name)
    t = case.truth
    data = case.path.read_bytes()
    fmt = corpus.FORMATS.get(case.path.suffix.lower(), "text")
    raw = RawDocument(id=case.name, path=case.name, format=fmt, data=data,
                      content_hash=corpus.content_hash(data, None))
    try:
        doc = build.prepare(raw, resources)
    except DocumentError as exc:
        res.error = str(exc)
        doc = None
    body = normalize(doc.body) if doc else ""
    must = t.get("must_contain", [])
    must_not = t.get("must_not_contain", [])
    res.must_contain, res.must_not_contain = len(must), len(must_not)
    res.missing = [s for s in must if normalize(s) not in body]
    res.left = [s for s in must_not if normalize(s) in body]
    res.kept = len(must) - len(res.missing)
    res.removed = len(must_not) - len(res.left)
    if doc is None:
        return res
    accept = t.get("accept") or {}
    res.got = _got(doc)

    titles = [t.get("title")] + list(accept.get("title", []))
    if t.get("title") is not None:
        res.checks["title"] = any(_same(doc.title, x) for x in titles if x)
    if "date" in t:
        dates = [t.get("date")] + list(accept.get("date", []))
        got = doc.date.isoformat() if doc.date else None
        res.checks["date"] = got in dates if t.get("date") else got is None
    if "outlet" in t:
        outlets = [t.get("outlet")] + list(accept.get("outlet", []))
        if t.get("outlet"):
            res.checks["outlet"] = any(_same(doc.outlet, x) for x in outlets if x)
        else:
            res.checks["outlet"] = doc.outlet is None
    if t.get("language"):
        res.checks["language"] = doc.language.split("-")[0] == t["language"].split("-")[0]
    if "translated" in t:
        res.checks["translated"] = doc.translated == bool(t["translated"]) and (
            not t.get("original_language") or doc.original_language == t["original_language"])
    if t.get("doc_type"):
        res.checks["doc_type"] = doc.doc_type == t["doc_type"]
    names = {
        "organizations": {_entity_key(n) for e in doc.organizations for n in (e.name, *e.aliases)},
        "people": {_entity_key(n) for e in doc.people for n in (e.name, *e.aliases)},
    }
    for key in ("organizations", "people"):
        res.truth_lists[key] = list(t.get(key) or [])
        for i, name in enumerate(t.get(key) or []):
            res.checks[f"{key}[{i}]"] = _entity_key(name) in names[key]
    return res


def _got(doc: Document) -> dict[str, object]:
    return {
        "title": doc.title, "date": doc.date.isoformat() if doc.date else None,
        "outlet": doc.outlet, "language": doc.language, "translated": doc.translated,
        "original_language": doc.original_language, "doc_type": doc.doc_type,
        "author": doc.author,
    }


def entity_recall(ev: Evaluation, key: str) -> tuple[int, int]:
    """How many listed organizations (or people) were found, of how many."""
    vals = [v for r in ev.results for k, v in r.checks.items() if k.startswith(key + "[")]
    return sum(vals), len(vals)


def format_report(ev: Evaluation, verbose: bool = False) -> str:
    """A table of figures, then what went wrong where."""
    lines = []
    summary = ev.summary()
    rows = [("text kept (must_contain)", summary["kept"]),
            ("boilerplate removed (must_not_contain)", summary["removed"])]
    for key in ("title", "date", "outlet", "language", "translated", "doc_type"):
        if key in summary:
            rows.append((key, summary[key]))
    for key in ("organizations", "people"):
        right, of = entity_recall(ev, key)
        if of:
            rows.append((f"{key} found (recall)", {"right": right, "of": of,
                                                    "share": right / of}))
    width = max(len(r[0]) for r in rows)
    lines.append(f"{'measure':<{width}}  {'right':>5} / {'of':<4}  share")
    for label, v in rows:
        lines.append(f"{label:<{width}}  {v['right']:>5} / {v['of']:<4}  {v['share']:6.1%}")
    problems = []
    for r in ev.results:
        wrong = [k for k, ok in r.checks.items() if not ok and "[" not in k]
        ents = [k for k, ok in r.checks.items() if not ok and "[" in k]
        if r.error or r.missing or r.left or wrong or (verbose and ents):
            problems.append(f"- {r.name}" + (f": error {r.error}" if r.error else ""))
            for s in r.missing:
                problems.append(f"    lost text: {s[:90]}")
            for s in r.left:
                problems.append(f"    left in:   {s[:90]}")
            for k in wrong:
                problems.append(f"    {k}: got {r.got.get(k)!r}")
            if verbose:
                for k in ents:
                    kind, i = k.rstrip("]").split("[")
                    problems.append(f"    {kind} not found: {r.truth_lists[kind][int(i)]}")
    if problems:
        lines.append("")
        lines.append("Where it went wrong:")
        lines.extend(problems)
    return "\n".join(lines)


# =========================================================================== quotations


@dataclass
class QuoteCase:
    path: str
    text: str
    speaker: str | None
    kind: str
    found: bool = False
    got_speaker: str | None = None
    got_kind: str | None = None
    right_speaker: bool = False


@dataclass
class QuoteEvaluation:
    cases: list[QuoteCase]

    def summary(self) -> dict[str, dict[str, float | int]]:
        def share(right: int, of: int) -> dict[str, float | int]:
            return {"right": right, "of": of, "share": right / of if of else 1.0}

        found = [c for c in self.cases if c.found]
        attributed = [c for c in found if c.got_speaker is not None]
        with_speaker = [c for c in self.cases if c.speaker is not None]
        return {
            "quotations found": share(len(found), len(self.cases)),
            "speaker precision": share(sum(c.right_speaker for c in attributed),
                                       len(attributed)),
            "speaker recall": share(sum(c.right_speaker for c in with_speaker),
                                    len(with_speaker)),
            "unattributed kept unknown": share(
                sum(1 for c in found if c.speaker is None and c.got_speaker is None),
                sum(1 for c in found if c.speaker is None)),
            "kind": share(sum(c.got_kind == c.kind for c in found), len(found)),
        }


def _same_text(a: str, b: str) -> bool:
    a, b = normalize(a).strip(" ,.;:").casefold(), normalize(b).strip(" ,.;:").casefold()
    return bool(a) and bool(b) and (a in b or b in a or a[:40] == b[:40])


def evaluate_quotes(annotations: Path, root: Path, resources: corpus.Resources
                    ) -> QuoteEvaluation:
    """Run extraction on each annotated document and compare quotations and speakers.

    A speaker is right when it is the annotated name or one of the extracted entity's aliases
    (annotators write names as the text first gives them).
    """
    data = json.loads(Path(annotations).read_text(encoding="utf-8"))
    manifest = corpus.load_manifest(root / "corpus")
    cases: list[QuoteCase] = []
    for rel, quotes in data.items():
        path = root / rel
        raw_bytes = path.read_bytes()
        doc_id = path.stem
        facts = manifest.get(doc_id) if rel.startswith("corpus/") else None
        raw = RawDocument(id=doc_id, path=rel, format=corpus.FORMATS.get(path.suffix, "text"),
                          data=raw_bytes, content_hash="", source=facts)
        doc = build.prepare(raw, resources)
        aliases = {e.name: {_entity_key(n) for n in (e.name, *e.aliases)}
                   for e in (*doc.people, *doc.organizations)}
        used: set[int] = set()
        for q in quotes:
            case = QuoteCase(rel, q["text"], q.get("speaker"), q.get("kind", "speech"))
            for i, got in enumerate(doc.quotes):
                if i not in used and _same_text(q["text"], got.text):
                    used.add(i)
                    case.found, case.got_speaker, case.got_kind = True, got.speaker, got.kind
                    if case.speaker is None:
                        case.right_speaker = got.speaker is None
                    elif got.speaker is not None:
                        want = _entity_key(case.speaker)
                        case.right_speaker = want == _entity_key(got.speaker) or want in \
                            aliases.get(got.speaker, set())
                    break
            cases.append(case)
    return QuoteEvaluation(cases)


def format_quote_report(ev: QuoteEvaluation, verbose: bool = False) -> str:
    s = ev.summary()
    width = max(len(k) for k in s)
    lines = [f"{'measure':<{width}}  {'right':>5} / {'of':<4}  share"]
    for k, v in s.items():
        lines.append(f"{k:<{width}}  {v['right']:>5} / {v['of']:<4}  {v['share']:6.1%}")
    wrong = [c for c in ev.cases if not c.found or not c.right_speaker or
             (verbose and c.got_kind != c.kind)]
    if wrong:
        lines += ["", "Where it went wrong:"]
        for c in wrong:
            what = "not found" if not c.found else (
                f"speaker {c.got_speaker!r}, expected {c.speaker!r}" if not c.right_speaker
                else f"kind {c.got_kind!r}, expected {c.kind!r}")
            lines.append(f"- {c.path}: {c.text[:60]!r}: {what}")
    return "\n".join(lines)

"""Walk corpus/, read files (size limits, encodings), read the manifest and the registries."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import DocumentError, ManifestError
from .models import DOC_TYPES, PartialDate, RawDocument, Skipped, SourceFacts

FORMATS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".md": "markdown",
           ".markdown": "markdown"}
MANIFEST = "sources.toml"
OUTLETS = "outlets.toml"
ORGANIZATIONS = "organizations.toml"
PEOPLE = "people.toml"
DATA_FILES = (MANIFEST, OUTLETS, ORGANIZATIONS, PEOPLE)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# File signatures of formats we cannot index, so the skip reason can name them.
_MAGIC = {
    b"%PDF": "PDF", b"\x89PNG": "PNG image", b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive (or .docx/.xlsx)", b"\x1f\x8b": "gzip archive",
    b"\xd0\xcf\x11\xe0": "MS Office document", b"\x7fELF": "executable", b"RIFF": "RIFF media",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.I,
)


# --------------------------------------------------------------------------- walking


@dataclass(frozen=True)
class FileState:
    """What a build saw of a regular file: its size and modification time (taken before it
    was read), its manifest entry, and the content hash that followed from them."""

    size: int
    mtime_ns: int
    facts: str  # repr of the manifest entry
    content_hash: str


def iter_corpus(
    root: Path,
    manifest: dict[str, SourceFacts] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    paths: list[Path] | None = None,
    known: dict[str, FileState] | None = None,
    states: dict[str, FileState] | None = None,
) -> Iterator[RawDocument | Skipped]:
    """Yield every document file below root (any depth, sorted), or why it was skipped.

    known: relative path -> what the last build saw, for files it may trust (see
    build.FILES); a regular file whose size, modification time and manifest entry are the
    same is not read again: its RawDocument has data None and the hash known before.
    states: filled with what was seen of each regular file yielded, for the next build.
    """
    root = Path(root)
    manifest = manifest or {}
    seen: dict[str, str] = {}
    for rel in paths if paths is not None else walk(root):
        path = root / rel
        relposix = rel.as_posix()
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            yield Skipped(relposix, f"unsupported file type '{path.suffix or '(none)'}'")
            continue
        doc_id = id_for(relposix)
        if doc_id in seen:
            yield Skipped(relposix, f"duplicate id '{doc_id}' (already taken by {seen[doc_id]})")
            continue
        facts = manifest.get(doc_id)
        try:  # before reading: a change made while reading shows up next time
            st = path.lstat()
        except OSError:
            st = None  # read_file says why
        regular = st is not None and stat.S_ISREG(st.st_mode) and st.st_size <= max_bytes
        before = known.get(relposix) if known and regular else None
        if before is not None and before.size == st.st_size and \
                before.mtime_ns == st.st_mtime_ns and before.facts == repr(facts):
            seen[doc_id] = relposix
            if states is not None:
                states[relposix] = before
            yield RawDocument(id=doc_id, path=relposix, format=fmt, data=None,
                              content_hash=before.content_hash, source=facts)
            continue
        try:
            data = read_file(root, rel, max_bytes)
        except DocumentError as exc:
            yield Skipped(relposix, str(exc))
            continue
        seen[doc_id] = relposix
        digest = content_hash(data, facts)
        if states is not None and regular:
            states[relposix] = FileState(st.st_size, st.st_mtime_ns, repr(facts), digest)
        yield RawDocument(id=doc_id, path=relposix, format=fmt, data=data,
                          content_hash=digest, source=facts)


def id_for(relpath: str) -> str:
    """A document's id: its path relative to the corpus, without the extension.

    >>> id_for("2019/august/story.html")
    '2019/august/story'
    """
    suffix = Path(relpath).suffix
    return relpath[: -len(suffix)] if suffix else relpath


def walk(root: Path) -> list[Path]:
    """Relative paths of candidate files, sorted; hidden entries, the corpus's own data files
    and the asset folders of saved web pages left out. Directory symlinks are not followed."""
    root = Path(root)
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        names = set(filenames)
        # A browser's "save page, complete" puts page.html beside a page_files/ of assets.
        dirnames[:] = [
            d for d in dirnames
            if not d.startswith(".")
            and not (d.endswith("_files") and ({d[:-6] + ".html", d[:-6] + ".htm"} & names))
        ]
        for name in filenames:
            if name.startswith(".") or (here == root and name in DATA_FILES):
                continue
            found.append((here / name).relative_to(root))
    return sorted(found, key=lambda p: p.as_posix())


def read_file(root: Path, rel: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read one corpus file, refusing what cannot be a document."""
    path = root / rel
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError) as exc:
                raise DocumentError("broken or looping symbolic link") from exc
            if not target.is_relative_to(root.resolve()):
                raise DocumentError("symbolic link to a file outside the corpus")
            st = target.stat()
        if not stat.S_ISREG(st.st_mode):
            raise DocumentError("not a regular file")
        if st.st_size > max_bytes:
            raise DocumentError(
                f"too large: {st.st_size / 1e6:.1f} MB, the limit is {max_bytes / 1e6:.1f} MB"
            )
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except DocumentError:
        raise
    except OSError as exc:
        raise DocumentError(f"unreadable: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise DocumentError(f"too large: over {max_bytes / 1e6:.1f} MB")
    return data


def content_hash(data: bytes, facts: SourceFacts | None) -> str:
    """Changes when the file or its manifest entry changes."""
    h = hashlib.sha256(data)
    h.update(repr(facts).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- decoding


def decode(data: bytes, fmt: str = "text") -> tuple[str, str]:
    """Bytes to text and the encoding used; raises DocumentError for binary or empty files.

    Valid UTF-8 wins over a declared charset: pages declaring ISO-8859-1 often hold UTF-8.

    >>> decode("Andrés".encode())
    ('Andrés', 'utf-8')
    >>> decode("Andrés".encode("latin-1"))
    ('Andrés', 'cp1252')
    >>> decode(b"A stray" + bytes(1) + b" NUL in a long enough line of text")
    ('A stray NUL in a long enough line of text', 'utf-8')
    """
    if not data:
        raise DocumentError("empty file")
    if not data.strip():
        raise DocumentError("no text: the file holds only whitespace")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom):].decode(codec)), codec
            except UnicodeDecodeError as exc:
                raise DocumentError(
                    f"undecodable: invalid {codec} after its byte-order mark") from exc
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise DocumentError(f"binary file ({kind})")
    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            return _checked(data.decode(utf16)), utf16
        except UnicodeDecodeError:
            pass
    nuls = data.count(b"\x00")
    if nuls > max(8, len(data) // 1000):
        raise DocumentError("binary file (contains NUL bytes)")
    if _too_many_controls(len(data) - len(data.translate(None, _CONTROL_BYTES)), len(data)):
        raise DocumentError("binary file (control characters)")
    if nuls:  # a few stray NULs in text (a bad export or copy): dropped, the text kept
        data = data.replace(b"\x00", b"")
    try:
        return _checked(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    if fmt == "html":
        m = _DECLARED_CHARSET.search(data[:4096])
        if m:
            candidates.append((m.group(1) or m.group(2)).decode("ascii", "replace").lower())
    candidates += ["cp1252", "latin-1"]
    for codec in candidates:
        try:
            codecs.lookup(codec)
            if codec.replace("_", "-") in ("utf-8", "utf8"):
                continue
            return _checked(data.decode(codec)), codec
        except (LookupError, UnicodeDecodeError):
            continue
    raise DocumentError("undecodable text")  # pragma: no cover - latin-1 decodes anything


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: every other byte is NUL in Latin-script text."""
    sample = data[:2000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


# Unicode's control characters (category Cc: U+0000-U+001F, U+007F-U+009F) but the
# whitespace ones (tab, line feed, vertical tab, form feed, carriage return)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# The same as single bytes, NUL included (U+0080-U+009F are not single bytes in UTF-8)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f])


def _too_many_controls(controls: int, size: int) -> bool:
    """More control characters than a text holds by accident: over 1% of a long text, over 8
    in one of 160 to 800 characters, over 5% of a shorter one (the old floor of 8 let a
    10-byte file with 3 of them through as a text).

    >>> _too_many_controls(3, 10), _too_many_controls(1, 41), _too_many_controls(3, 180)
    (True, False, False)
    >>> _too_many_controls(9, 500), _too_many_controls(9, 1000), _too_many_controls(11, 1000)
    (True, False, True)
    """
    return controls > max(size * 0.01, min(8, size * 0.05))


def _checked(text: str) -> str:
    """Reject decoded text with too many control characters (a binary file in disguise)."""
    if not text.strip():
        raise DocumentError("no text: the file holds only whitespace")
    sample = text[:20000]
    if _too_many_controls(len(_CONTROL.findall(sample)), len(sample)):
        raise DocumentError("binary file (control characters)")
    return text


# --------------------------------------------------------------------------- manifest

_FACT_FIELDS = {f.name for f in fields(SourceFacts)}


def load_manifest(corpus_dir: Path) -> dict[str, SourceFacts]:
    """Read corpus/sources.toml (optional): document id -> publication facts."""
    path = Path(corpus_dir) / MANIFEST
    data = _load_toml(path)
    out: dict[str, SourceFacts] = {}
    for doc_id, entry in data.items():
        where = f"{path}: [\"{doc_id}\"]"
        if not isinstance(entry, dict):
            raise ManifestError(f"{where} must be a table of facts, e.g. outlet = \"...\"")
        unknown = set(entry) - _FACT_FIELDS
        if unknown:
            raise ManifestError(
                f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
                f"known keys: {', '.join(sorted(_FACT_FIELDS))}"
            )
        values = {}
        for key, value in entry.items():
            values[key] = _manifest_value(where, key, value)
        out[doc_id] = SourceFacts(**values)
    return out


def _manifest_value(where: str, key: str, value: object) -> object:
    if key == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        if not isinstance(value, str):
            raise ManifestError(f"{where}: date must be YYYY, YYYY-MM or YYYY-MM-DD")
        try:
            PartialDate.parse(value)
        except ValueError as exc:
            raise ManifestError(f"{where}: {exc}") from exc
        return value
    if key == "translated":
        if not isinstance(value, bool):
            raise ManifestError(f"{where}: translated must be true or false")
        return value
    if key == "also_in":
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ManifestError(f"{where}: also_in must be a list of outlet names")
        return tuple(value)
    if not isinstance(value, str) or not value.strip():
        raise ManifestError(f"{where}: {key} must be a non-empty string")
    if key == "doc_type" and value not in DOC_TYPES:
        raise ManifestError(f"{where}: doc_type must be one of {', '.join(DOC_TYPES)}")
    if key in ("language", "original_language") and not re.fullmatch(r"[a-z]{2,3}", value):
        raise ManifestError(f"{where}: {key} must be an ISO 639 code such as 'es'")
    return value.strip()


def _load_toml(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path} is not valid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path} cannot be read: {exc}") from exc


# --------------------------------------------------------------------------- registries


@dataclass(frozen=True)
class OutletInfo:
    """An entry of the outlet registry."""

    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # what it publishes in; the first is its main language
    country: str | None = None


@dataclass(frozen=True)
class GazetteerEntry:
    """A known organization or person: canonical name and other names it goes by."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resources:
    """Everything besides the documents that extraction reads: registry and gazetteers."""

    outlets: tuple[OutletInfo, ...] = ()
    organizations: tuple[GazetteerEntry, ...] = ()
    people: tuple[GazetteerEntry, ...] = ()
    fingerprint: str = field(default="", compare=False)


def load_resources(corpus_dir: Path) -> Resources:
    """Read the outlet registry and the gazetteers from the corpus folder (all optional)."""
    corpus_dir = Path(corpus_dir)
    h = hashlib.sha256()
    for name in (OUTLETS, ORGANIZATIONS, PEOPLE):
        p = corpus_dir / name
        h.update(name.encode() + (p.read_bytes() if p.exists() else b""))
    outlets = tuple(
        OutletInfo(
            name=e["name"], aliases=tuple(e.get("aliases", ())),
            domains=tuple(d.lower().removeprefix("www.") for d in e.get("domains", ())),
            languages=_str_list(e.get("language", ())), country=e.get("country"),
        )
        for e in _entries(corpus_dir / OUTLETS, "outlet", {"name", "aliases", "domains",
                                                           "language", "country"})
    )
    orgs = tuple(
        GazetteerEntry(e["name"], tuple(e.get("aliases", ())))
        for e in _entries(corpus_dir / ORGANIZATIONS, "organization", {"name", "aliases"})
    )
    people = tuple(
        GazetteerEntry(e["name"], tuple(e.get("aliases", ())))
        for e in _entries(corpus_dir / PEOPLE, "person", {"name", "aliases"})
    )
    return Resources(outlets, orgs, people, fingerprint=h.hexdigest())


def _str_list(value: object) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value or ())


def _entries(path: Path, table: str, allowed: set[str]) -> list[dict]:
    data = _load_toml(path)
    entries = data.get(table, [])
    extra = set(data) - {table}
    if extra or not isinstance(entries, list):
        raise ManifestError(f"{path}: expected only [[{table}]] tables, found {sorted(extra)}")
    for i, e in enumerate(entries, 1):
        where = f"{path}: [[{table}]] #{i}"
        if not isinstance(e.get("name"), str) or not e["name"].strip():
            raise ManifestError(f"{where} needs a name")
        unknown = set(e) - allowed
        if unknown:
            raise ManifestError(f"{where} ({e['name']}): unknown key(s) {sorted(unknown)}")
        for key in ("aliases", "domains"):
            value = e.get(key, [])
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise ManifestError(f"{where} ({e['name']}): {key} must be a list of strings")
        lang = e.get("language")
        if lang is not None and not (isinstance(lang, str) or (
                isinstance(lang, list) and all(isinstance(v, str) for v in lang))):
            raise ManifestError(
                f"{where} ({e['name']}): language must be a code or a list of codes")
    return entries

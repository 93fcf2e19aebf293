"""Walking the corpus, decoding bytes, the manifest and the registries."""

from __future__ import annotations

import os
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer import corpus
from indexer.errors import DocumentError, ManifestError
from indexer.models import RawDocument, Skipped

from .conftest import CORPUS, SEED_IDS, write_corpus

# --------------------------------------------------------------------------- walking


def test_seed_ids_are_paths_without_extension():
    ids = [d.id for d in corpus.iter_corpus(CORPUS) if isinstance(d, RawDocument)]
    assert ids == SEED_IDS
    assert "000_fc7d4a9f0a56cd29" in ids


def test_walk_any_depth_sorted_and_skips_hidden_data_and_page_assets(tmp_path):
    root = write_corpus(tmp_path / "c", {
        "b.txt": "Bee text.", "a/deep/x.md": "# X", "a/page.html": "<p>Page</p>",
        "a/page_files/ad.html": "<p>ad frame</p>", ".hidden.txt": "no",
        ".git/config.txt": "no", "sources.toml": "", "a/notes.pdf": b"%PDF-1.4",
        "a/sources.toml": "",
    })
    found = list(corpus.iter_corpus(root))
    docs = [d.id for d in found if isinstance(d, RawDocument)]
    skipped = {s.path: s.reason for s in found if isinstance(s, Skipped)}
    assert docs == ["a/deep/x", "a/page", "b"]
    # the manifest is only read at the top; elsewhere a .toml is an unsupported file
    assert "unsupported file type '.pdf'" in skipped["a/notes.pdf"]
    assert "a/sources.toml" in skipped
    assert not any("page_files" in p for p in skipped)


def test_formats_by_extension(tmp_path):
    root = write_corpus(tmp_path / "c", {"a.TXT": "x y z", "b.htm": "<p>b</p>", "c.markdown": "c"})
    fmts = {d.id: d.format for d in corpus.iter_corpus(root)}
    assert fmts == {"a": "text", "b": "html", "c": "markdown"}


def test_duplicate_id_keeps_first_and_says_which(tmp_path):
    root = write_corpus(tmp_path / "c", {"story.html": "<p>one</p>", "story.txt": "two"})
    found = list(corpus.iter_corpus(root))
    assert [d.path for d in found if isinstance(d, RawDocument)] == ["story.html"]
    (skip,) = [s for s in found if isinstance(s, Skipped)]
    assert skip.path == "story.txt" and "duplicate id 'story'" in skip.reason
    assert "story.html" in skip.reason


def test_size_limit(tmp_path):
    root = write_corpus(tmp_path / "c", {"big.txt": "word " * 1000, "small.txt": "ok"})
    found = list(corpus.iter_corpus(root, max_bytes=1000))
    skipped = [s for s in found if isinstance(s, Skipped)]
    assert [s.path for s in skipped] == ["big.txt"]
    assert "too large" in skipped[0].reason and "limit is 0.0 MB" in skipped[0].reason


def test_symlinks_inside_followed_outside_and_loops_refused(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("outside the corpus")
    root = write_corpus(tmp_path / "c", {"real.txt": "real text"})
    os.symlink(root / "real.txt", root / "alias.txt")
    os.symlink(outside, root / "escape.txt")
    os.symlink(root / "loop2.txt", root / "loop1.txt")
    os.symlink(root / "loop1.txt", root / "loop2.txt")
    os.symlink(root, root / "dirloop")
    found = {d.path: d for d in corpus.iter_corpus(root)}
    assert isinstance(found["alias.txt"], RawDocument)
    assert "outside the corpus" in found["escape.txt"].reason
    assert "looping" in found["loop1.txt"].reason
    assert not any(p.startswith("dirloop/") for p in found)


def test_content_hash_changes_with_file_and_manifest():
    from indexer.models import SourceFacts

    a = corpus.content_hash(b"text", None)
    assert a == corpus.content_hash(b"text", None)
    assert a != corpus.content_hash(b"text!", None)
    assert a != corpus.content_hash(b"text", SourceFacts(outlet="X"))


# --------------------------------------------------------------------------- decoding


@pytest.mark.parametrize(
    ("data", "expected", "codec"),
    [
        ("Andrés Muñoz".encode(), "Andrés Muñoz", "utf-8"),
        (b"\xef\xbb\xbf" + "Peña".encode(), "Peña", "utf-8"),
        ("Señal".encode("utf-16"), "Señal", "utf-16-le"),
        ("Señal de prueba".encode("utf-16-le"), "Señal de prueba", "utf-16-le"),
        ("Señal de prueba".encode("utf-16-be"), "Señal de prueba", "utf-16-be"),
        ("Niño “quoted”".encode("cp1252"), "Niño “quoted”", "cp1252"),
    ],
)
def test_decode(data, expected, codec):
    assert corpus.decode(data) == (expected, codec)


def test_valid_utf8_wins_over_wrong_declared_charset():
    page = '<meta charset="iso-8859-1"><p>Begoña Ibáñez</p>'.encode()
    text, codec = corpus.decode(page, "html")
    assert "Begoña Ibáñez" in text and codec == "utf-8"


def test_declared_charset_used_when_bytes_are_not_utf8():
    page = '<meta http-equiv="content-type" content="text/html; charset=koi8-r"><p>Привет</p>'
    text, codec = corpus.decode(page.encode("koi8-r"), "html")
    assert "Привет" in text and codec == "koi8-r"


def test_latin1_declared_as_utf8_still_decodes():
    page = '<meta charset="utf-8"><p>Corazón</p>'.encode("latin-1")
    text, _ = corpus.decode(page, "html")
    assert "Corazón" in text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"   \n\t ", "no text: the file holds only whitespace"),
        (b"%PDF-1.7 binary", "binary file (PDF)"),
        (b"\x89PNG\r\n\x1a\n....", "binary file (PNG image)"),
        (b"PK\x03\x04zipdata", "binary file (ZIP"),
        (b"abc\x00\x01\x02def" * 50, "binary file"),
        (bytes(range(1, 32)) * 40, "binary file (control characters)"),
        (b"\x00\x01\x02binary\xff", "binary file (control characters)"),
        (b"\x1b\x07ok", "binary file (control characters)"),
        ("Kurz\x01\x02".encode("utf-16"), "binary file (control characters)"),
    ],
)
def test_decode_refuses_what_is_not_text(data, reason):
    with pytest.raises(DocumentError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        corpus.decode(data)


_LONG = ("The tenants' union met on Thursday night to plan the next rent strike, and the "
         "meeting ran late. ") * 12


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # stray NULs from a bad export: dropped, the long text kept
        (_LONG.encode().replace(b"met on", b"met\x00on", 1).replace(b"ran late", b"ran\x00late",
                                                                     1), _LONG[:20]),
        (b"A short note ends with a DOS end-of-file mark.\x1a", "A short note ends"),
        (("Bell \x07 and escape \x1b in a log line quoted, " * 4).encode(), "Bell "),
        (b"Tabs\tand\fform feeds\r\nare whitespace, not control characters.", "Tabs\tand"),
    ],
)
def test_a_few_stray_control_characters_do_not_make_a_text_binary(data, expected):
    text, _ = corpus.decode(data)
    assert text.startswith(expected)


@pytest.mark.parametrize(
    ("controls", "size", "binary"),
    [
        (3, 10, True), (1, 10, True), (1, 20, False), (2, 20, True),  # 5% of a short file
        (8, 160, False), (8, 700, False), (9, 700, True),  # at most 8 in a middling one
        (2, 100_000, False), (1000, 100_000, False), (1001, 100_000, True),  # 1% of a long one
    ],
)
def test_the_share_of_control_characters_that_makes_a_file_binary(controls, size, binary):
    assert corpus._too_many_controls(controls, size) is binary


@given(st.binary(max_size=400))
def test_decode_never_fails_with_anything_but_a_document_error(data):
    try:
        text, codec = corpus.decode(data)
    except DocumentError:
        return
    assert isinstance(text, str) and text.strip() and codec


def test_control_characters_are_unicodes_but_whitespace():
    """The binary-file check counts Unicode's category Cc, the whitespace ones aside."""
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        expected = unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v"
        assert bool(corpus._CONTROL.fullmatch(ch)) == expected, hex(code)


def test_control_bytes_are_the_control_characters_of_one_byte():
    """decode counts control bytes before decoding: the same set as _CONTROL, below U+0080."""
    for byte in range(256):
        expected = byte < 0x80 and bool(corpus._CONTROL.fullmatch(chr(byte)))
        assert (byte in corpus._CONTROL_BYTES) == expected, hex(byte)


# --------------------------------------------------------------------------- manifest


def test_manifest_of_the_seeds_holds_only_facts_the_text_lacks():
    m = corpus.load_manifest(CORPUS)
    assert set(m) == set(SEED_IDS)
    # the text states these; the manifest must not
    assert m["000_fc7d4a9f0a56cd29"].date is None
    assert m["001_48559113dea98757"].date is None
    assert m["004_3ef628bc7d8abaa3"].outlet is None
    assert m["004_3ef628bc7d8abaa3"].date == "2019-08"
    assert m["003_bf74998e5c9b8689"].original_title.startswith("Exigen a Amazon")
    assert m["002_2a4115fd894731b4"].also_in == ("The Progressive",)


def test_manifest_accepts_toml_dates_and_partial_dates(tmp_path):
    (tmp_path / "sources.toml").write_text(
        '[a]\ndate = 2019-08-11\n[b]\ndate = "2019-08"\n[c]\ndate = "2019"\ntranslated = true\n'
    )
    m = corpus.load_manifest(tmp_path)
    assert (m["a"].date, m["b"].date, m["c"].date, m["c"].translated) == (
        "2019-08-11", "2019-08", "2019", True)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[a]\noutlet = "X"\notlet = "typo"\n', r"unknown key\(s\) otlet"),
        ('[a]\ndate = "yesterday"\n', "not a date"),
        ('[a]\ndate = "2019-02-30"\n', "day is out of range"),
        ('[a]\ndoc_type = "op-ed"\n', "doc_type must be one of"),
        ('[a]\nlanguage = "Spanish"\n', "ISO 639"),
        ('[a]\ntranslated = "yes"\n', "translated must be true or false"),
        ('[a\noutlet = "X"\n', "is not valid TOML"),
        ('a = "not a table"\n', "must be a table"),
    ],
)
def test_manifest_errors_name_the_problem(tmp_path, toml, message):
    (tmp_path / "sources.toml").write_text(toml)
    with pytest.raises(ManifestError, match=message):
        corpus.load_manifest(tmp_path)


def test_missing_manifest_is_empty(tmp_path):
    assert corpus.load_manifest(tmp_path) == {}


# --------------------------------------------------------------------------- registries


def test_registries_load_with_languages_and_domains():
    res = corpus.load_resources(CORPUS)
    by_name = {o.name: o for o in res.outlets}
    assert by_name["La Opinión"].languages == ("es",)
    assert "laopinion.com" in by_name["La Opinión"].domains
    assert by_name["Movimiento Cosecha"].languages == ("en", "es")
    orgs = {o.name: o for o in res.organizations}
    assert "ICE" in orgs["U.S. Immigration and Customs Enforcement"].aliases
    assert res.fingerprint


def test_registry_fingerprint_changes_with_content(tmp_path):
    (tmp_path / "outlets.toml").write_text('[[outlet]]\nname = "A"\n')
    first = corpus.load_resources(tmp_path).fingerprint
    (tmp_path / "outlets.toml").write_text('[[outlet]]\nname = "B"\n')
    assert corpus.load_resources(tmp_path).fingerprint != first


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[outlet]]\naliases = ["x"]\n', "needs a name"),
        ('[[outlet]]\nname = "A"\ndomain = "a.com"\n', "unknown key"),
        ('[[outlet]]\nname = "A"\naliases = "a"\n', "aliases must be a list"),
        ('[[outlet]]\nname = "A"\nlanguage = 3\n', "language must be a code"),
        ('[[outlets]]\nname = "A"\n', r"expected only \[\[outlet\]\]"),
    ],
)
def test_registry_errors(tmp_path, toml, message):
    (tmp_path / "outlets.toml").write_text(toml)
    with pytest.raises(ManifestError, match=message):
        corpus.load_resources(tmp_path)

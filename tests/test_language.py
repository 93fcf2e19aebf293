"""Language detection (document, paragraph, undetermined) and translations."""

from __future__ import annotations

import subprocess
import sys

import pytest

from indexer import language

EN = ("Warehouse workers walked off the job on Monday to protest productivity quotas that "
      "they say have made injuries more common at the site.")
ES = ("Los trabajadores del almacén abandonaron sus puestos el lunes para protestar contra las "
      "cuotas de productividad que, según dicen, han aumentado las lesiones.")
FR = ("Les salariés de l'entrepôt ont cessé le travail lundi pour protester contre des cadences "
      "qui, selon eux, ont multiplié les accidents sur le site.")
DE = ("Die Beschäftigten des Lagers haben am Montag die Arbeit niedergelegt, um gegen "
      "Leistungsvorgaben zu protestieren, die nach ihren Angaben zu mehr Verletzungen führen.")
PT = ("Os trabalhadores do armazém pararam na segunda-feira para protestar contra metas de "
      "produtividade que, segundo eles, aumentaram os acidentes no local.")


@pytest.mark.parametrize(("text", "code"), [(EN, "en"), (ES, "es"), (FR, "fr"), (DE, "de"),
                                            (PT, "pt")])
def test_document_language(text, code):
    guess = language.detect_language(text)
    assert guess.code == code
    assert guess.confidence > 0.9


@pytest.mark.parametrize("text", ["", "ICE", "ICE 2019 NYC", "#NoTech4ICE @amazon 2019",
                                  "https://example.org/a/b", "12/08/2019 - 15:30"])
def test_too_short_is_undetermined(text):
    assert language.detect_language(text).code == "und"


def test_detection_is_deterministic_across_processes():
    # Without a seed langdetect can answer differently from one run to the next on a
    # short, mixed text; with it, every process gives the same answer and confidence.
    probe = "Amazon ICE protesta trabajadores workers huelga strike hoy today"
    code = ("from indexer.language import detect_language as d;"
            f"print(d({probe!r}))")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout for _ in range(3)}
    assert len(outputs) == 1
    assert outputs.pop().strip() == str(language.detect_language(probe))


def test_spanish_paragraph_inside_an_english_text_is_found():
    paragraphs = [EN, ES, EN, "Short line."]
    assert language.detect_paragraph_languages(paragraphs, "en") == ("en", "es", "en", "en")


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (["Body text."] * 7 + ["This article was translated from Spanish."], (True, "es")),
        (["Translated from the French by Jane Doe.", "Body."], (True, "fr")),
        (["(Machine translation)", "Body."], (True, None)),
        (["Artículo traducido del inglés por la redacción.", "Cuerpo."], (True, "en")),
        (["Body.", "This story was originally published in Portuguese."], (True, "pt")),
        (["The report, translated from Spanish by the group, says the raids rose sharply "
          "in the spring and that families were separated in at least twelve cases."],
         (False, None)),
        (["Nothing about translations here at all."], (False, None)),
    ],
)
def test_translation_notes(paragraphs, expected):
    assert language.find_translation_note(paragraphs) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # manifest wins
        (("en", None, "es", (False, None), ()), (True, "es", "manifest")),
        (("en", False, None, (True, "es"), ("es",)), (False, None, "manifest")),
        # a note in the text
        (("en", None, None, (True, "fr"), ()), (True, "fr", "text")),
        # the outlet publishes only in Spanish, the text is English
        (("en", None, None, (False, None), ("es",)), (True, "es", "registry")),
        # a bilingual outlet publishing in English: no translation
        (("en", None, None, (False, None), ("en", "es")), (False, None, None)),
        # undetermined language says nothing
        (("und", None, None, (False, None), ("es",)), (False, None, None)),
    ],
)
def test_infer_translation(args, expected):
    info = language.infer_translation(*args)
    assert (info.translated, info.original_language, info.source) == expected


def test_language_names():
    assert language.language_name("es") == "Spanish"
    assert language.language_name("xx") == "xx"
    assert language.language_name(None) == ""


# --------------------------------------------------------------------------- the fast paths

CS = ("Zaměstnanci skladu v pondělí přerušili práci na protest proti normám výkonu, které "
      "podle nich zvýšily počet úrazů. Vedení firmy odmítlo jejich požadavky a řeklo, že se "
      "nic nezmění, dokud nebude hotová nová studie o bezpečnosti práce ve skladu. ")
IT = ("I lavoratori del magazzino hanno smesso di lavorare lunedì per protestare contro i "
      "ritmi che, secondo loro, hanno aumentato gli incidenti. L'azienda ha detto che non è "
      "vero e che la sicurezza è la sua priorità, ma i sindacati non sono d'accordo. ")


@pytest.mark.parametrize(("text", "code", "expected"), [
    (EN, "en", True), (ES, "es", True), (ES, "en", False), (EN, "es", False),
    (PT, "es", False), (ES, "pt", False), (FR, "en", False), (DE, "en", False),
    (IT, "es", False), (CS, "en", False), (CS, "cs", False),  # no word list: langdetect
    ("Amazon ICE Palantir AWS 2019", "en", False),  # names alone say nothing
    ("The Los Angeles Times said the council would vote on the contract in March.", "en", True),
])
def test_a_paragraph_is_clearly_in_a_language_only_on_its_function_words(text, code, expected):
    assert language.clearly_in(text, code) is expected


@pytest.mark.parametrize(("text", "code"), [(EN * 4, "en"), (ES * 4, "es"), (PT * 8, "pt"),
                                            (CS * 3, None), (IT * 3, "it")])
def test_a_document_language_is_taken_from_function_words_only_when_plain(text, code):
    guess = language.dominant_language(text)
    assert (guess.code if guess else None) == code
    if guess:
        assert guess.confidence >= 0.95


def test_the_fast_paths_agree_with_langdetect_on_real_pages(shared_pages, resources):
    """Every paragraph and document the function-word paths decide, langdetect (the
    reference) decides the same way: the shared pages and both held-out sets."""
    from langdetect import detect_langs

    from indexer import build, corpus
    from indexer.models import RawDocument

    from .conftest import DATA

    paths = sorted(shared_pages.glob("*/source.html")) + sorted(
        p for d in ("heldout", "heldout2") for p in (DATA / d).iterdir() if p.is_file()
        and p.suffix in (".txt", ".html", ".md"))
    decided = 0
    for path in paths:
        fmt = corpus.FORMATS[path.suffix]
        doc = build.prepare(RawDocument(path.stem, path.name, fmt, path.read_bytes(), ""),
                            resources)
        sample = language._NOISE.sub(" ", doc.body)
        fast = language.dominant_language(sample)
        if fast:
            decided += 1
            assert detect_langs(sample[:20000])[0].lang == fast.code, path
        for para in doc.paragraphs:
            if language._letters(para) >= language.MIN_PARAGRAPH_LETTERS and \
                    language.clearly_in(para, doc.language):
                decided += 1
                assert detect_langs(para)[0].lang == doc.language, (path, para[:80])
    assert decided > 300


def test_array_detector_gives_langdetects_probabilities_to_the_last_bit(shared_pages):
    """language.detect_langs computes langdetect's sampling with numpy arrays: the same
    languages and probabilities, exactly, on every paragraph of the shared pages (many
    languages) and on short mixed texts."""
    from bs4 import BeautifulSoup
    from langdetect import LangDetectException, detect_langs

    texts = ["ICE out of Amazon, fuera ICE de Amazon", "Ünïcödé straße ÀÉÎ", "Привет мир",
             "日本語のテキスト、カタカナ", "مرحبا بالعالم", EN + " " + ES]
    for path in sorted(shared_pages.glob("*/source.html")):
        page = BeautifulSoup(path.read_bytes(), "lxml").get_text("\n")
        texts += [p for p in page.split("\n") if len(p.strip()) > 30][:40]
    assert len(texts) > 400
    def ranked(detect, text):
        try:
            return [(x.lang, x.prob) for x in detect(text)]
        except LangDetectException as exc:  # no n-gram langdetect knows
            return str(exc)

    for text in texts:
        got = ranked(language.detect_langs, text)
        assert got == ranked(detect_langs, text), text[:80]
        assert isinstance(got, str) or all(type(p) is float for _, p in got)


def test_array_detector_cache_stays_bounded(monkeypatch):
    from langdetect import detect_langs

    monkeypatch.setattr(language, "ARRAY_CACHE", 3)
    monkeypatch.setattr(language._ArrayDetector, "_arrays", {})
    for text in (EN, ES, FR, DE, PT):
        got = [(x.lang, x.prob) for x in language.detect_langs(text)]
        assert got == [(x.lang, x.prob) for x in detect_langs(text)]
        assert len(language._ArrayDetector._arrays) <= 3

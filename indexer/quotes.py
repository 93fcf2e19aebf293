"""Quotations and their speakers.

Two sources of quotations:
- interview turns: "Name: ..." labels, "Q:"/"A:", or an intro naming interviewer and
  interviewee followed by alternating turns (questions end with "?");
- quotation marks: “…”, "…", «…», „…“, ‘…’, 「…」, 『…』 — across paragraph breaks
  when the next paragraph reopens the quote, and with the broken spacing machine
  translation leaves (`conditions, ”said`).

A quotation's speaker comes from the words around it: "…," said X / X said / according to X /
X told … / a role that refers back to someone introduced with it ("the pastor") / a pronoun
that refers to the previous speaker / an organization ("the group said in a statement"), in
English, Spanish, French, Portuguese and German (simple and compound past: "a ajouté X", "ha
señalado X"). Signs and chants are their own kind, with no speaker. When nothing says who
spoke, the speaker is None: never guessed. An unnamed group as the verb's subject ("the
employees wrote", "dijeron los trabajadores", "ont déclaré") is no one person, so it is None
too, whatever names stand nearby.

A person's affiliation is what the text says they belong to: their appositive (", an
organizer with Cosecha"), an organization joined to their name ("Pastor Ana Ruiz of the
Tenant Union"), or a role before it ("A spokesman for Enbridge, Tom Galloway, said"); once
stated next to their name with a known organization, it holds for their later quotations.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .entities import TOKEN, given_names, is_role_word, titled_surnames
from .models import Entity, Quote, paragraph_spans
from .textutil import (
    TITLE_ABBREVIATIONS,
    UNSPACED_RUN,
    UNSPACED_WORD,
    compiled,
    fold_same_length,
    name_key,
    straight_quotes,
)

MIN_UNATTRIBUTED_WORDS = 4  # shorter quoted bits without a speaker are terms, not quotations

# French and Spanish report speech in the compound past as often as in the simple one:
# "a ajouté", "a-t-elle expliqué", "ha señalado".
_FR_PARTICIPLES = (
    r"ajouté|dit|déclaré|expliqué|affirmé|souligné|précisé|estimé|indiqué|assuré|rappelé|"
    r"poursuivi|raconté|confié|insisté|répondu|martelé|lancé|dénoncé|regretté|reconnu|écrit|"
    r"annoncé|averti|prévenu|commenté|résumé|observé|noté|relevé|témoigné|confirmé|admis|"
    r"conclu|jugé|déploré|signalé|tweeté|fait valoir|fait savoir"
)
_ES_PARTICIPLES = (
    r"dicho|afirmado|asegurado|señalado|explicado|declarado|añadido|agregado|indicado|"
    r"comentado|expresado|sostenido|manifestado|advertido|denunciado|destacado|subrayado|"
    r"recordado|precisado|reconocido|admitido|insistido|relatado|contado|lamentado|apuntado|"
    r"respondido|informado|anunciado|escrito|reiterado|aclarado"
)
_FR_PRESENT = (r"explique|estime|souligne|précise|ajoute|affirme|indique|raconte|déclare|dit|"
               r"rappelle|poursuit|confie|insiste|répond|martèle|dénonce|regrette|reconnaît|"
               r"écrit|témoigne|prévient|conclut|commente")
# One speaker's verbs (and English ones, which do not tell one speaker from many)
_EN_SPEECH_VERBS = (
    r"said|says|say|told|tells|added|adds|explained|explains|stated|states|noted|notes|wrote|"
    r"writes|asked|asks|argued|argues|recalled|insisted|warned|warns|continued|declared|"
    r"tweeted|posted|announced|expressed|assured|affirmed|indicated|commented|maintained|"
    r"denounced|emphasized|stressed|acknowledged|admitted|confirmed|replied|responded|urged|"
    r"claimed|complained|lamented|shouted|cried|pleaded|testified|reads|read|asserted|"
    r"asserting|saying|telling|adding|writing|explaining"
)
_SPEECH_VERBS_ONE = _EN_SPEECH_VERBS + "|" + (
    r"dijo|dice|afirmó|afirma|aseguró|asegura|señaló|señala|explicó|explica|declaró|declara|"
    r"agregó|añadió|indicó|comentó|expresó|sostuvo|manifestó|advirtió|denunció|destacó|"
    r"subrayó|recordó|precisó|reconoció|admitió|insistió|relató|contó|lamentó|consideró|"
    r"opinó|apuntó|respondió|informó|anunció|escribió|concluyó|aclaró|puntualizó|enfatizó|"
    r"prosiguió|continuó|reiteró|detalló|remarcó|añade|agrega|subraya|insiste|recuerda|"
    r"sostiene|advierte|denuncia|destaca|reconoce|lamenta|escribe|relata|concluye|"
    r"opina|resalta|resaltó|detalla|apunta|matiza|matizó|aclara|precisa|comenta|indica|"
    r"expresa|manifiesta|considera|cuenta|asevera|aseveró|enfatiza|puntualiza|remarca|"
    r"reitera|prosigue|continúa|responde|confiesa|confesó|admite|sentencia|sentenció|"
    r"zanja|zanjó|argumenta|argumentó|ironiza|ironizó|citó|cita|sumó|suma|reclamó|reclama|"
    r"planteó|plantea|criticó|critica|defendió|defiende|valoró|valora|estimó|estima|"
    r"recalcó|recalca|adelantó|adelanta|apostilló|apostilla|acotó|acota|deslizó|desliza|"
    r"replicó|contestó|contesta|retrucó|exclamó|expuso|graficó|alertó|reflexionó|"
    r"reflexiona|resumió|remató|cuestionó|cuestiona|justificó|celebró|agradeció|ahondó|"
    r"profundizó|"
    rf"ha\s+(?:{_ES_PARTICIPLES})|"
    rf"a(?:-t-(?:il|elle))?\s+(?:{_FR_PARTICIPLES})|(?:{_FR_PRESENT})(?:-t)?-(?:il|elle)|"
    rf"{_FR_PRESENT}|"
    r"sagte|sagt|erklärte|erklärt|betonte|betont|schrieb|meinte|warnte|"
    r"disse|afirmou|explicou|declarou|acrescentou|contou|destacou|ressaltou|sublinhou|"
    r"lembrou|garantiu|defendeu|escreveu|comentou|observou|alertou|denunciou|frisou|relatou|"
    r"diz|acrescenta|ressalta|falou|completou|ponderou|avaliou|argumentou|reforçou|pontuou|"
    r"concluiu|respondeu|afirma|explica|destaca|avalia|pondera|"
    # Czech, both genders of the past and the present: řekl/řekla, píše, tvrdí
    r"řekl|řekla|uvedl|uvedla|dodal|dodala|prohlásil|prohlásila|napsal|napsala|upozornil|"
    r"upozornila|poznamenal|poznamenala|vysvětlil|vysvětlila|sdělil|sdělila|potvrdil|"
    r"potvrdila|odpověděl|odpověděla|zdůraznil|zdůraznila|přiznal|přiznala|konstatoval|"
    r"konstatovala|říká|píše|tvrdí|míní|dodává|uvádí|vysvětluje|zdůrazňuje|hodnotí|"
    r"přirovnává|komentuje|líčí|přidává\s+se|myslí\s+si"
)
_EN_SPEECH = frozenset(_EN_SPEECH_VERBS.split("|"))
# Verbs whose subject is plural: "dijeron", "ont déclaré", "disseram". Their subject is a
# group, never one person, so a name near them is not the speaker.
_SPEECH_VERBS_MANY = (
    r"dijeron|afirmaron|aseguraron|señalaron|explicaron|declararon|añadieron|agregaron|"
    r"indicaron|comentaron|expresaron|sostuvieron|manifestaron|advirtieron|denunciaron|"
    r"destacaron|subrayaron|recordaron|escribieron|insistieron|respondieron|dicen|afirman|"
    r"aseguran|señalan|explican|denuncian|escriben|advierten|sostienen|"
    rf"han\s+(?:{_ES_PARTICIPLES})|"
    rf"ont(?:-(?:ils|elles))?\s+(?:{_FR_PARTICIPLES})|"
    r"(?:expliquent|estiment|soulignent|précisent|ajoutent|affirment|indiquent|racontent|"
    r"déclarent|disent|rappellent|écrivent|dénoncent|insistent|témoignent|assurent)"
    r"(?:(?:-t)?-(?:ils|elles))?|"
    r"sagten|schrieben|erklärten|betonten|warnten|"
    r"disseram|afirmaram|explicaram|declararam|acrescentaram|escreveram|contaram|destacaram|"
    r"ressaltaram|lembraram|garantiram|denunciaram|dizem|afirmam|explicam"
)
_SPEECH_VERBS = _SPEECH_VERBS_MANY + "|" + _SPEECH_VERBS_ONE
_MANY_SPEAK = re.compile(rf"(?:{_SPEECH_VERBS_MANY})", re.I)
# written words: the kind of the quotation is "written statement"
_WRITE_VERB = re.compile(r"(?:wrote|writes|tweeted|posted|escribió|escribe|escribieron|"
                         r"escriben|(?:ha|han)\s+escrito|(?:a|ont)(?:-t-\w+|-\w+)?\s+écrit|"
                         r"écrit|écrivent|schrieb|schrieben|escreveu|escreveram)", re.I)
_WRITTEN = re.compile(r"\b(statement|letter|report|website|web site|posted|tweet|tweeted|wrote|"
                      r"(?:a|an|the|in a|on a|its|their)\s+(?:\w+\s+)?post|message board|"
                      r"writes|written|press release|blog|email|e-mail|petition|comunicado|"
                      r"carta|informe|escribió|publicó|página|communiqué|lettre|rapport|"
                      r"Erklärung|Mitteilung)\b", re.I)
_SIGN = re.compile(r"\b(signs?|banners?|placards?|posters?|carteles?|cartel|pancartas?|"
                   r"letreros?|mantas?|slogans?|lemas?|consignas?|pintadas?|t-shirts?)\b[^.]{0,60}"
                   r"\b(read|reads|reading|said|saying|say|bore|bearing|decía|decían|rezaba|"
                   r"rezaban|con la frase|with the message|que decía)\b|\bwith the message\b|"
                   r"\bcon (?:el|la) (?:mensaje|frase|leyenda)\b", re.I)
_CHANT = re.compile(r"\b(chant|chants|chanted|chanting|shouting|shouted|sang|singing|"
                    r"coreaban|coreando|corearon|gritaban|gritando|cantaban|scandaient|"
                    r"skandierten)\b", re.I)
_PRONOUN_PERSON = {"he", "she", "him", "her", "él", "ella", "il", "elle", "er", "sie"}
# what a pronoun says of the person it refers to ("sie" is also "they": nothing)
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "él": "m", "il": "m", "er": "m",
                   "she": "f", "her": "f", "ella": "f", "elle": "f"}
# a name after these is who was spoken to, not who speaks next: "Meghan told Winfrey ...
# “…,” she said" is Meghan's (not "asked": the one asked answers)
_OBJECT_BEFORE = re.compile(r"\b(?:told|tells|tell|telling|(?:dijo|contó) a|a dit à)\s+$",
                            re.I)
# What the text says of a person's gender where it names them: an honorific or a gendered role
# before the name ("Mrs. Ruiz", "Prince Harry", "la portavoz Ana Gil", "spokeswoman Kim Lee"),
# or a pronoun right after their own speech verb ("Dana said she", "Harry added that his").
_MALE_BEFORE = (r"Mr|Sr|Señor|Don|Prince|King|Duke|Lord|Sir|Monsieur|M|Herr|Father|Brother|"
                r"Dom|Senhor|spokesman|congressman|chairman|councilman|businessman|alderman|"
                r"actor")
_FEMALE_BEFORE = (r"Mrs|Ms|Miss|Sra|Srta|Señora|Doña|Princess|Queen|Duchess|Lady|Dame|Madame|"
                  r"Mme|Mlle|Frau|Sister|Dona|Senhora|spokeswoman|congresswoman|chairwoman|"
                  r"councilwoman|businesswoman|alderwoman|actress")
# ... or a Spanish or French article before a role word: "el alcalde Tomás Vidal", "la
# portavoz Ana Gil" (not "el martes Ana Gil": the word must be a role's)
_ARTICLE_GENDER = {"el": "m", "del": "m", "al": "m", "le": "m", "du": "m", "au": "m",
                   "la": "f"}
_SELF_PRONOUN = (r"\s+(?:also\s+|later\s+|then\s+)?(?:said|says|added|adds|"
                 r"recalled|explained|admitted|revealed|insisted|wrote|noted|argued|claimed|"
                 r"acknowledged)\s+(?:that\s+)?(?P<pronoun>he|his|him|she|her)\b")
_PRONOUN_ORG = {"it", "the group", "the organization", "the organisation", "the coalition",
                "the committee", "the association", "the project", "the network",
                "the union", "the company", "the campaign", "the agency",
                "the collective", "the movement", "the alliance", "el grupo", "la organización",
                "el sindicato", "la coalición", "la empresa", "el colectivo", "la agencia",
                "el movimiento", "la red", "la plataforma", "the department", "the office",
                "the city", "the county", "the university", "the groups", "el comité",
                "la asociación", "the firm", "the retailer", "the council",
                # (not "the government", "el ministerio", "the party": the last organization
                # named is not which one they are)
                "el organismo", "la entidad", "la institución", "la compañía", "la fundación",
                "la federación", "the institution", "the foundation", "the federation",
                "the body", "l'organisation", "l'association", "le syndicat", "l'entreprise",
                "a organização", "a empresa", "o sindicato"}
# Unnamed groups of people: "the employees", "Amazon workers", "los trabajadores". A group
# is never one speaker, and a name found near it (the addressee of their letter) is not it.
_GROUP_NOUNS = (
    r"employees|workers|organizers|organisers|protesters|protestors|demonstrators|activists|"
    r"signatories|signers|members|residents|parents|students|staff|staffers|engineers|"
    r"volunteers|tenants|neighbors|neighbours|marchers|participants|critics|petitioners|"
    r"shareholders|advocates|families|people|researchers|drivers|nurses|teachers|"
    r"pair|couple|duo|trio|pareja|dúo|trío|matrimonio|casal|dupla|paar|ehepaar|"
    r"trabajador[ae]s|emplead[oa]s|manifestantes|activistas|organizador[ae]s|firmantes|"
    r"vecin[oa]s|miembros|familias|padres|estudiantes|sindicalistas|huelguistas|"
    r"salariés|employés|manifestants|militants|grévistes|signataires|syndicalistes|"
    r"organisateurs|organisatrices|travailleurs|travailleuses|habitants|"
    r"trabalhador[ae]s|funcionári[oa]s|ativistas|moradores|"
    r"beschäftigten|mitarbeiter(?:innen)?|mitarbeitenden|demonstranten|streikenden|aktivisten"
)
_GROUP_PRONOUNS = {"they", "ellos", "ellas", "ils", "elles", "we", "nosotros", "nosotras",
                   "nous", "wir", "both", "ambos", "ambas", "todos", "todas", "tous", "toutes",
                   "beide", "alle", "eles", "elas"}
_NOT_MODIFIER = (r"(?:who|whom|whose|which|that|and|or|but|with|for|of|to|at|from|by|in|on|"
                 r"he|she|it|said|says|told|que|quien|y|con|para|por|qui|et|avec|pour|und|"
                 r"mit|für|the|an?|el|la|los|las|le|les|un|una|der|das)")
_GROUP = re.compile(
    r"^(?:(?:and|but|then|later|also|so|y|pero|luego|et|mais|puis|e|und|aber|dann)\s+)?"
    r"(?:(?:the|some|many|several|other|two|three|four|five|dozens of|hundreds of|"
    r"thousands of|a group of|a number of|one of the|los|las|les|des|os|as|die|unos|unas|"
    r"(?:la|el|le|das|der|o|a)(?=\s+(?:pair|couple|duo|trio|pareja|dúo|trío|matrimonio|casal|"
    r"dupla|paar|ehepaar)\b)|"
    r"varios|varias|algunos|algunas|decenas de|cientos de|miles de|un grupo de|plusieurs|"
    r"certains|certaines|quelques|\d+)\s+)*"
    rf"(?:(?!{_NOT_MODIFIER}\b)[\w’'&.-]+\s+){{0,3}}"
    rf"(?:{_GROUP_NOUNS})"
    r"(?:\s+(?:at|of|from|in|with|for|who|that|de|del|en|que|du|des|chez|bei|von|do|da)\b.*)?$",
    re.I)
# "the <lowercase plural>", "los/las/les <plural>": any plural noun names a group
_PLURAL_NOUN = re.compile(r"^(?i:the|los|las|les)\s+(?:[a-zß-ÿ-]+\s+){0,2}[a-zß-ÿ-]{3,}s"
                          r"(?<!ss)(?<!us)(?<!is)$")
_RELATIVES = {"who", "which", "that", "whose", "que", "quien", "quienes", "qui", "der", "die"}
_PREPOSITIONS = {"with", "for", "of", "to", "at", "from", "by", "among", "about", "on", "in",
                 "de", "del", "con", "para", "por", "a", "al", "entre", "avec", "pour", "par",
                 "à", "chez", "mit", "für", "von", "bei", "zu", "com", "do", "da", "dos", "das"}


def _is_group(phrase: str) -> bool:
    """Whether a subject names an unnamed group of people rather than one speaker.

    >>> [_is_group(p) for p in ("the employees", "Amazon workers", "los trabajadores",
    ...                         "they", "the pastor", "Ana Gil", "who represents workers")]
    [True, True, True, True, False, False, False]
    """
    phrase = " ".join(straight_quotes(phrase).split()).strip(" ,.;:")
    return (phrase.lower() in _GROUP_PRONOUNS or bool(_GROUP.match(phrase))
            or bool(_PLURAL_NOUN.match(phrase)))


def _group_subject(who: str) -> bool:
    """Whether the words just before a speech verb end with an unnamed group as its subject:
    "In a letter to Jeff Bezos the employees" (but not "an organizer with the workers", where
    the group follows a preposition)."""
    words = straight_quotes(who).split()
    for i in range(len(words)):
        if _is_group(" ".join(words[i:])):
            # "who represents workers": the group is an object, not the subject
            return i == 0 or words[i - 1].lower() not in _PREPOSITIONS and not any(
                w.lower() in _RELATIVES for w in words[:i])
    return False


# what may stand between a role and the name it introduces: "Pastor Ana Ruiz", "el
# investigador brasileño Carlos Schaefer", "the pastor of Grace Church, Ana Ruiz" / "Ana Ruiz,
# the pastor", "María Gil, alcaldesa de Torrealta"
_ROLE_THEN_NAME = re.compile(rf"\s*(?:(?!{_NOT_MODIFIER}\b)[a-zß-ÿ]+\s+)?"
                             r"(?:(?:of|at|for|in|de|del|en)\s+[^,.;:!?\"()]{1,40})?,?\s*")
_NAME_THEN_ROLE = re.compile(r"\s*,\s*[^,.;:!?\"()]{0,50}")
_ROLE_REF = re.compile(r"^(?:the|el|la|le|der|die)\s+([a-záéíóúñü-]+)$", re.I)
# "“…”, añade el científico": a verb that goes on, and a word for an expert that no one was
# introduced with, after a quotation of someone: still that someone. (An office is someone's
# own: "añade el alcalde" after the minister is the mayor, whom the text may not name.)
_GOES_ON_ROLE = re.compile(
    r"^\s*[,.!?…]*\s*[”\"»“]?\s*[,.]?\s*(?:añade|agrega|añadió|agregó|adds|added|continúa|"
    r"continuó|prosigue|prosiguió|concluye|concluyó|insiste|insistió|ajoute|a ajouté|"
    r"poursuit|conclut|acrescenta|acrescentou)\s+(?P<art>el|la|the|le|o)\s+"
    r"(?P<noun>[a-záéíóúñüç-]+)\s*(?:[.,;]|$)", re.I)
_EXPERT_NOUNS = frozenset(
    "científico científica experto experta investigador investigadora especialista académico "
    "académica analista economista sociólogo socióloga historiador historiadora jurista "
    "scientist expert researcher specialist analyst academic scholar economist sociologist "
    "historian scientifique chercheur chercheuse spécialiste expert experte analyste "
    "cientista pesquisador pesquisadora especialista analista".split())


def _goes_on(after: str, prev: _Speaker, resolver: _Resolver) -> bool:
    """Whether '“…”, añade el científico' after a quotation of `prev` is still theirs."""
    m = _GOES_ON_ROLE.match(after)
    if not m or prev.type != "person" or m.group("noun").lower() not in _EXPERT_NOUNS:
        return False
    said = {"el": "m", "le": "m", "o": "m", "la": "f"}.get(m.group("art").lower())
    return said is None or resolver.gender(prev.name) in (None, said)
# a sentence that opens with its verb, its subject left out: "Comentó que … “…”",
# "Y agregó: “…”", "Al respecto, señaló:", "Disse que"
_DROPPED_SUBJECT = re.compile(
    rf"^\s*(?:[^,.;:“”\"«»]{{1,30}},\s*)?(?:(?:y|e|et|and|también|además|luego|después)\s+)?"
    rf"(?P<verb>{_SPEECH_VERBS_ONE})"
    rf"(?:\s*:|\s+(?:que|qu'|que:|a|al|à|ao)\b)"
    # "Según entiende, “…”", "Segundo explicou, “…”": as he or she understands it
    rf"|^\s*(?:según|segun|segundo|selon)\s+(?P<as>{_SPEECH_VERBS_ONE}|entiende|cree|piensa|"
    rf"considera|sabe|recuerda|entendió|creía)\s*,?\s*$", re.I)


def _dropped_subject(sentence: str) -> bool:
    """Whether a sentence opens with a speech verb whose subject is left out, as Romance
    languages do ("Comentó que …"); English does not ("Asked to comment, a spokesman …",
    "Says a customer: …" have theirs)."""
    m = _DROPPED_SUBJECT.match(sentence)
    return bool(m) and (m.group("verb") or m.group("as")).lower() not in _EN_SPEECH


# "Vance's lawyer": a name's possessive
_POSSESSIVE = re.compile(r"(?<=\w)[’']s\b")
# someone the text does not name: "a spokesperson", "one protester", "una vecina"
_INDEFINITE = re.compile(r"(?:an?|one|un|una|uno|une|ein|eine|einer|um|uma)\s+"
                         r"(?-i:[a-zß-ÿ])[^\s,.;:]*[,.;:]?$", re.I)
# a sentence ending in a colon, its opening (a role and a comma, then a name) kept:
# "El director ejecutivo, Carlos Ruiz, defendió el contrato:"
_COLON_CLAUSE = re.compile(r"^\s*(?P<opening>(?P<role>(?:(?:the|el|la|le|o|a|der|die)\s+)"
                           r"[^,.;:“”\"«»]{2,50},\s*)?[^.;:“”\"«»]{2,200}):\s*$", re.I)
# "a spokesperson for ICE", "un portavoz de ICE": the organization speaks
_SPOKES_FOR = re.compile(
    r"^(?:an?|un|una|the|el|la)\s+(?:spokes(?:person|man|woman)|portavoz|vocer[oa]|"
    r"representative|representante|official|funcionari[oa]|porte-parole|sprecher(?:in)?)\s+"
    r"(?:for|of|de|del|from|at|at the|de la|du|der)\s+(?:the\s+|la\s+|el\s+)?(?P<org>.+)$", re.I)
_ORG_HEAD_TRANSLATIONS = {"union": {"sindicato", "syndicat"}, "coalition": {"coalición"},
                          "sindicato": {"union"}, "company": {"empresa"},
                          "organization": {"organización"}, "agency": {"agencia"}}
# a document that speaks for its organization: "the report said"
_DOCUMENT_NOUNS = re.compile(r"\b(report|statement|letter|study|survey|informe|comunicado|"
                             r"carta|estudio|encuesta|rapport|lettre)\b", re.I)
_TITLE_WORDS = {
    "Mr", "Mrs", "Ms", "Dr", "Rev", "Sen", "Rep", "Gov", "Pastor", "Father", "Sister",
    "Rabbi", "Bishop", "Imam", "Senator", "Representative", "Congresswoman", "Congressman",
    "Councilmember", "Councilwoman", "Councilman", "Mayor", "Governor", "President", "Judge",
    "Commissioner", "Secretary", "Sheriff", "Officer", "Detective", "Chief", "Director",
    "Captain", "Ald", "Alderman", "Alderwoman", "Professor", "Prof",
}
_ONE_TITLE = re.compile(rf"(?:{'|'.join(_TITLE_WORDS)})\.?\s+")


def _name_rx(name: str, flags: int = 0) -> re.Pattern:
    """A name as a whole word (not inside a hyphenated one)."""
    return compiled(rf"(?<![\w-]){re.escape(name)}(?![\w-])", flags)


_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w’'.-]*"
_WHO = (rf"(?:(?:an?|un|una|the|el|la)\s+(?:spokes(?:person|man|woman)|portavoz|vocer[oa]|"
        rf"representative|representante|official|funcionari[oa])\s+(?:for|of|de|del|from|at)\s+"
        rf"(?:the\s+|la\s+|el\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}"
        rf"|(?:the|el|la|le|der|die)\s+[a-záéíóúñü-]+|{_NAME_WORD}(?:\s+(?:de|del|la|van|von|da|"
        rf"di|&|for|of|and)?\s*{_NAME_WORD}){{0,6}}|he|she|it|they|él|ella|il|elle|er|sie)")
# a name right after "the <role>" that _WHO stopped at: "dijo la senadora| Ana Torres"
_THEN_NAME = re.compile(
    rf"\s+{_NAME_WORD}(?:\s+(?:de|del|la|van|von|da|di)?\s*{_NAME_WORD}){{0,4}}")
# "said the union's lead negotiator, Omar Vidal": after "the union", its role, then a name
_POSSESSIVE_ROLE = re.compile(
    rf"[’']s(?P<role>(?:\s+[a-zß-ÿ][\w-]*){{1,4}}?)(?:\s*,?\s+(?P<name>{_NAME_WORD}"
    rf"(?:\s+(?:de|del|la|van|von|da|di)?\s*{_NAME_WORD}){{0,4}}))?(?=\s*[,.;:!?]|\s*$)")
# the sentence after a quotation points back at it: "“…”. Con esa frase, X respondió …"
_THOSE_WORDS = re.compile(
    r"^\s*[,.!?…]*\s*[”\"»]?\s*[.!?…]?\s*(?:con (?:esa|esas|estas|esta|aquella|aquellas|"
    r"dichas) (?:frase|palabras|declaraciones)|with (?:those|these|that|such) (?:words|remarks?)|"
    r"avec ces (?:mots|paroles)|com (?:essas|estas) (?:palavras|declarações)|"
    r"mit diesen worten)\s*,?\s+", re.I)
# A sentence whose subject is a known speaker and whose verb reports words:
# "Mijente, an activist group, has accused both companies of having “…”"
_REPORTING = re.compile(
    r"\b(said|says|told|tells|accused|accuses|accusing|called|calls|calling|urged|urges|argued|"
    r"argues|arguing|asserted|asserts|asserting|demanded|demands|demanding|warned|warns|"
    r"claimed|claims|insisted|insists|noted|notes|wrote|writes|asked|asks|described|"
    r"describes|declared|declares|promised|promises|vowed|acusó|acusa|pidió|pide|exigió|exige|"
    r"advirtió|aseguró|afirmó|dijo|calificó|denunció|"
    # a stance the quotation states: "X cree que «…»", "X es de la idea de que «…»", and
    # gerunds: "X criticó la medida, planteando que «…»"
    r"believes|believed|contends|contended|criticized|criticised|suggested|suggests|"
    r"answered|answers|retorted|"
    r"cree|creyó|es de la idea de|planteando|criticando|advirtiendo|afirmando|asegurando|"
    r"señalando|explicando|añadiendo|agregando|insistiendo|subrayando|recordando|"
    r"acusando|pidiendo|exigiendo|tildó|tilda|tildando|calificando|" + _SPEECH_VERBS_ONE +
    r")\b", re.I)

# "…,” said the pastor" / "…,” said Cata Santiago, an organizer with Cosecha"
_AFTER_VERB_FIRST = re.compile(
    rf"^\s*[,.!?…]*\s*[”\"»“]?\s*[,.]?\s*(?P<verb>{_SPEECH_VERBS})(?:\s*,)?\s+"
    rf"(?:(?:in|on|at)\s+(?:a|an|its|the)\s+[\w ]{{1,30}}?\s+)?"
    rf"(?:(?:en cambio|por su parte|por otra parte|por otro lado|sin embargo|además|también|"
    rf"a su vez|however|instead|though|pour sa part|quant à lui|quant à elle|en revanche|"
    rf"por sua vez)\s*,?\s+)?(?P<who>{_WHO})",
    re.I)
# A name's appositive before the verb: "Priya Raman, an engineer at Amazon, said"
_BETWEEN = r"(?:\s*,\s*(?P<between>[^,.;“”\"«»()]{3,90}?)\s*,)?"
# ... or a person named after a role: "A spokesman for Enbridge, Tom Galloway, said"
_DESCRIPTION = re.compile(r"(?:an?|the|its|their|his|her|our|su|sus|el|la|un|una|le|une|son|sa|"
                          r"leur|o|um|uma|der|die|ein|eine)\s", re.I)
# "…,” X said" / "…,” she added" / "…,” the group states" / "…,” X, a nurse, said"
_AFTER_WHO_FIRST = re.compile(
    rf"^\s*[,.!?…]*\s*[”\"»“]?\s*[,.]?\s*(?P<who>{_WHO}){_BETWEEN}\s+(?:\w+ly\s+)?"
    rf"(?P<verb>{_SPEECH_VERBS})\b", re.I)
_AFTER_ACCORDING = re.compile(
    rf"^\s*[,.!?…]*\s*[”\"»]?\s*,?\s*(?:according to|según|segun|selon|laut|de acordo com)\s+"
    rf"(?:the\s+|el\s+|la\s+)?(?P<who>{_WHO})", re.I)
# "X said: “…”" / "X told Newsweek: “…”" / "In a statement, X said “…”"
_BEFORE = re.compile(  # from a word's start: five times fewer places to try
    rf"(?<![\w’'.-])(?P<who>{_WHO}){_BETWEEN}\s*,?\s+(?:\w+ly\s+)?(?P<verb>{_SPEECH_VERBS})\b"
    rf"(?P<rest>[^.!?“”\"«»]{{0,60}})"
    rf"[:,]?\s*(?:that|que|qu'|:)?\s*$", re.I)
_ANY_VERB = re.compile(rf"\b(?:{_SPEECH_VERBS})\b", re.I)
_BEFORE_ACCORDING = re.compile(
    rf"(?:according to|según|segun|selon|laut)\s+(?:the\s+|el\s+|la\s+)?(?P<who>{_WHO})"
    rf"(?:\s*,[^,“”\"«»]{{1,100}},)?\s*,?\s*$", re.I)
# "…», añadió." / "…”, dijo a los asistentes": a verb with its subject left out
_AFTER_VERB_ONLY = re.compile(
    rf"^\s*[,.!?…]*\s*[”\"»“]?\s*[,.]?\s*(?P<verb>{_SPEECH_VERBS})\s*(?:[.,;]|$|\s+(?:a|al|"
    rf"ante|to|en|durante|tras|luego|después|más tarde|también|later|then|y|e|et|and|"
    rf"como|como ejemplo|entonces)\b)", re.I)
# ", " after a name, and an age if one comes first: "Ana Gil, 34, a nurse"
_APPOSITION = re.compile(r"^\s*,\s*(?P<age>\d{1,3}\s*,\s*)?")
# after an age, a role comes with its article: "34, a nurse" (not "61, waiting for a bus")
_ARTICLE = re.compile(r"(?:an?|the|un|una|el|la|le|une|um|uma|o|ein|eine)\s", re.I)
# an appositive closes with a comma, a relative clause or the end of its sentence: "Ana Gil,
# a nurse at X, said"
_CLOSED = re.compile(r"[^,.;:!?]*?[,;]|\s*(?:[.!?]|$)|\s+(?:who|whose|which|que|quien|qui)\b")
# an appositive that is only the organization: "da Sociedade Brasileira", "of the union"
_ONLY_PREPOSITION = re.compile(r"\s*(?:(?:of|from|with|at|de|del|da|do|du|des|von)\s+)?"
                               r"(?:(?:the|la|el|le|les|los|o|a)\s+|l['’])?", re.I)
_APPOSITIVE = re.compile(
    r"(?P<aff>(?:an?|the|el|la|un|una|its|their|our|his|her)?\s*[^,.;“”\"«»()]{3,90}?)"
    r"\s*(?=[,.;]|$|\s+(?:said|says|dijo|afirmó|told))")
# "Pastor Ana Ruiz of the Tenant Union": an organization joined to the name
_OF_ORG = re.compile(r"^\s+(?:of|with|from|de|del|du|des|do|da|von|bei)\s+"
                     r"(?:(?:the|la|el|le|les|los|o|a)\s+|l['’])?", re.I)
# not the start of an affiliation: a clause, a list, a verb or an age
_NOT_AFFILIATION = re.compile(
    r"(?:who|which|that|que|quien|qui|when|and|but|y|et|e|und|\d+|para|por|sin|pour|to|after|"
    r"before|during|while|if|because|since|as|cuando|mientras|después|antes|tras|según|"
    r"according|(?!acting|managing|founding|visiting|presiding|leading|outgoing|incoming|"
    rf"ranking)(?-i:[a-z]\w*ing)|{_SPEECH_VERBS})\b", re.I)
# a subject's appositive, then its verb: "Marcus Bell, an organizer with X, has said"
_THEN_VERB = re.compile(r"\s*,\s*(?:\d{1,3}\s*,\s*)?[^,.;“”\"«»()]{3,90}?,\s+"
                        r"(?:(?!who\b|quien\b|que\b|which\b|qui\b)\w+\s+){0,2}?"
                        rf"(?:{_SPEECH_VERBS_ONE}|accused|accuses|called|calls|urged|urges)\b",
                        re.I)

# Scraped and machine-translated text mixes straight and curly marks: either closes either.
_OPEN_CLOSE = {"“": "”\"", "„": "“”\"", "«": "»", '"': '"”', "‹": "›", "‘": "’'",
               "'": "'’", "「": "」", "『": "』"}


@dataclass
class _Span:
    start: int  # of the quoted words (after the opening mark)
    end: int  # before the closing mark
    open_at: int  # the opening mark
    close_at: int  # after the closing mark (== end when unclosed)
    mark: str


@dataclass
class _Speaker:
    name: str
    type: str
    affiliation: str | None = None



def _is_opener(text: str, i: int) -> bool:
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch in "“„«‹「『":
        return True
    if ch == '"':
        return (before.isspace() or before in "([{—–-:;,/") and not after.isspace()
    if ch in "‘'":
        # an apostrophe inside or after a word ("don't", "workers'") never opens
        return (before.isspace() or before in "([{—–-:;,/\"“") and after.isalpha()
    return False


def find_quote_spans(body: str) -> list[_Span]:
    """Quoted passages: pairs of quotation marks, across a paragraph break when the next
    paragraph reopens the quotation."""
    spans: list[_Span] = []
    paras = paragraph_spans(body)
    para_of = {}
    for n, (s, e) in enumerate(paras):
        for i in (s, e):
            para_of[i] = n
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch in _OPEN_CLOSE and _is_opener(body, i):
            closers = _OPEN_CLOSE[ch]
            j = i + 1
            end = None
            while j < n:
                c = body[j]
                if c in closers and not (ch in "‘'" and c in "’'" and j + 1 < n and
                                         body[j + 1].isalpha() and body[j - 1].isalpha()):
                    if c == '"' and j + 1 < n and body[j + 1].isalnum() and \
                            body[j - 1] not in ",.!?;:…":
                        j += 1  # a straight quote inside a word is not a closer
                        continue
                    end = j
                    break
                if body.startswith("\n\n", j):
                    # continues only if the next paragraph reopens with the same mark
                    k = j
                    while k < n and body[k] in "\n ":
                        k += 1
                    if k < n and body[k] == ch and ch in "“«„\"‘":
                        j = k + 1
                        continue
                    break
                j += 1
            if end is None:
                # unclosed: the quotation runs to the end of its paragraph
                stop = body.find("\n\n", i)
                stop = n if stop == -1 else stop
                if ch in "'‘" or stop - i < 3:
                    i += 1
                    continue
                spans.append(_Span(i + 1, stop, i, stop, ch))
                i = stop
                continue
            spans.append(_Span(i + 1, end, i, end + 1, ch))
            i = end + 1
            continue
        i += 1
    return spans


def _words(text: str) -> int:
    """Words of a quotation; a run of an unspaced script (Chinese, Japanese) counts a word
    every UNSPACED_WORD characters.

    >>> _words("We will not pay"), _words("我们不会让步"), _words("「港湾局が回答する」")
    (4, 3, 4)
    """
    if text.isascii():
        return len(TOKEN.findall(text))
    runs = UNSPACED_RUN.findall(text)
    return len(TOKEN.findall(UNSPACED_RUN.sub(" ", text))) + sum(
        -(-len(r) // UNSPACED_WORD) for r in runs)


class _Resolver:
    """Names in attributions -> the document's people and organizations."""

    def __init__(self, body: str, people: tuple[Entity, ...], orgs: tuple[Entity, ...]):
        self.body = body
        #: where the quotations' words are (starts, ends; ascending): a name in them is the
        #: speaker's word, not someone a later "she" or dropped subject refers to
        self.quoted: tuple[list[int], list[int]] = ([], [])
        self.people = {name_key(n): e.name for e in people for n in (e.name, *e.aliases)}
        self._titled = False
        self.titled: set[str] = set()
        self.orgs = {name_key(n): e.name for e in orgs for n in (e.name, *e.aliases)}
        # how each organization may be written, longest first: "of the <form>"
        self.org_forms = sorted({(f, e.name) for e in orgs for f in (e.name, *e.aliases) if f},
                                key=lambda fn: (-len(fn[0]), fn))
        self.stated: dict[str, list[tuple[int, str]]] = {}
        self.new_people: list[str] = []
        self.affiliations: dict[str, str] = {}
        self.last_person: _Speaker | None = None
        self.genders: dict[str, str | None] = {}
        self.flat = straight_quotes(body)
        self.last_org_speaker: _Speaker | None = None
        self.last_org: _Speaker | None = None

    def add_titled(self) -> None:
        """'el Presidente Boric', never named in full: a person a name, a pronoun or a
        dropped subject may mean, as much as the people named in full (found once, when
        a quotation first asks)."""
        if self._titled:
            return
        self._titled = True
        for surname in titled_surnames(self.body):
            k = name_key(surname)
            if not any(key == k or key.endswith(" " + k) for key in self.people):
                self.people[k] = surname
                self.titled.add(surname)

    def resolve(self, who: str, at: int) -> _Speaker | None:
        """A speaker for the words `who` found at offset `at`, or None."""
        who = straight_quotes(who).strip(" ,.;:")
        low = who.lower()
        if low in _PRONOUN_PERSON:
            return self.person_before(at, _PRONOUN_GENDER.get(low))
        if low in _PRONOUN_ORG:
            return self.org_reference(low, at)
        if _is_group(who) and self.org_named(name_key(who)) is None:
            # "they", "the employees": a group of people is not one speaker (but "Amazon
            # Employees for Climate Justice" names an organization)
            return None
        spokes = _SPOKES_FOR.match(who)
        if spokes:
            org = self.resolve(spokes.group("org"), at)
            return org if org is not None and org.type == "organization" else None
        m = _ROLE_REF.match(who)
        if m:
            return self._role_reference(m.group(1), at)
        words = who.split()
        # "And Harry said": a sentence's first word is not the name's
        while words and (words[0].rstrip(".") in _TITLE_WORDS or words[0] in _LEADING_WORDS):
            words = words[1:]
        if not words or any(_POSSESSIVE.search(w) for w in words):
            return None  # "Teodoro Vance's lawyer": someone of theirs, not them
        # "Interior Minister Wolfgang Peschorn", "Taliban spokesman Zabihullah Mujahid":
        # the name is what follows the last role word, the role is their affiliation
        # (unless the whole is a name known already: "Student Union")
        cut = next((i for i in range(len(words) - 2, -1, -1) if is_role_word(words[i])), None)
        if cut is not None and words[cut + 1][:1].isupper() and \
                self._named(words, learn=False) is None:
            sp = self._named(words[cut + 1:])
            if sp is not None and sp.type == "person":
                role = " ".join(words[:cut + 1]) if cut >= 1 else None
                return _Speaker(sp.name, sp.type, role) if role else sp
        return self._named(words)

    def _named(self, words: list[str], learn: bool = True) -> _Speaker | None:
        """The speaker the words of a name (titles dropped) mean, or None; learn: a name
        that looks like a person's is one (a new person), else only known names count."""
        name = " ".join(words)
        k = name_key(name)
        if k in self.people:
            return _Speaker(self.people[k], "person")
        if k in self.orgs:
            return _Speaker(self.orgs[k], "organization")
        # a surname or part of a known full name
        for key, full in self.people.items():
            if key.endswith(" " + k) or key.startswith(k + " "):
                return _Speaker(full, "person")
        org = self.org_named(k)
        if org is not None:
            return _Speaker(org, "organization")
        if learn and (_looks_like_person(words) or (len(words) == 1 and
                                                    self.alone_a_name(words[0]))):
            # a given name alone is how many stories name someone ("Meghan said")
            self.new_people.append(name)
            self.people[k] = name
            return _Speaker(name, "person")
        return None

    def alone_a_name(self, word: str) -> bool:
        """Whether one word is a person's given name here: in the lexicon, not also a
        place's, a club's or a brand's ("Jordan said in a statement", "Chelsea said"), and
        not written in the text as a place ("in Santiago", "desde Victoria"; "from Harry" and
        "de María" are how people are written too)."""
        if word not in given_names() or word in _GIVEN_NAMES_ALSO_PLACES:
            return False
        return not compiled(rf"\b(?:in|near|en|desde|hacia|em|nach)\s+{re.escape(word)}"
                            rf"\b(?!['’])").search(self.flat)

    def org_named(self, k: str) -> str | None:
        """The organization whose name (or its start) is the name key `k`."""
        if k in self.orgs:
            return self.orgs[k]
        return next((org for key, org in self.orgs.items()
                     if key.startswith(k + " ") and len(k) > 3), None)

    def person_before(self, at: int, gender: str | None = None) -> _Speaker | None:
        """The person named last before offset `at` (what "she" or a dropped subject means);
        with a pronoun's gender, the last one the text does not give the other gender."""
        found: list[tuple[int, str]] = []
        before = self.body[max(0, at - 1500): at]
        offset = max(0, at - 1500)
        for full in set(self.people.values()):
            last = None
            whole = [m.span() for m in _name_rx(full).finditer(before)]
            for form in dict.fromkeys((full, full.split()[-1])):
                for m in _name_rx(form).finditer(before):
                    if form != full and any(a <= m.start() < b for a, b in whole):
                        continue  # the surname of a mention in full, judged as that
                    if self._in_quotation(offset + m.start()):
                        continue
                    if not _OBJECT_BEFORE.search(before, max(0, m.start() - 12), m.start()):
                        last = max(last or 0, offset + m.start() + 1)
            if last:
                found.append((last, full))
        for _, _, full in sorted(((at_, len(full), full) for at_, full in found), reverse=True):
            if gender is None or self.gender(full) in (None, gender):
                return _Speaker(full, "person", self.affiliations.get(full))
        if found:
            return None  # only people the pronoun cannot mean: no one, not a guess
        last = self.last_person
        if last is not None and gender is not None and self.gender(last.name) not in (
                None, gender):
            return None
        return last

    def _in_quotation(self, at: int) -> bool:
        starts, ends = self.quoted
        k = bisect.bisect_right(starts, at) - 1
        return k >= 0 and at < ends[k]

    def gender(self, name: str) -> str | None:
        """'m' or 'f' where the text says so of `name` (and never the other), else None:
        an honorific or a gendered role before the name says so once; a pronoun right after
        their speech verb ("Dana said she") must say so twice, as it may be someone else's
        ("Biden said she would make a great president")."""
        if name not in self.genders:
            surname = name.split()[-1] if name.split() else name
            shared = sum(1 for full in set(self.people.values())
                         if full.split() and full.split()[-1] == surname) > 1
            # a surname two people share ("Mr. Smith" and "Jane Smith") is no one's alone
            forms = "|".join(re.escape(f) for f in sorted({name} if shared else
                                                          {name, surname},
                                                          key=len, reverse=True))
            text = self.flat
            said: set[str] = set()
            pronouns = [_PRONOUN_GENDER[m.group("pronoun").lower()] for m in compiled(
                rf"(?<![\w-])(?:{forms})(?![\w-]){_SELF_PRONOUN}").finditer(text)]
            for g, rx in (("m", _MALE_BEFORE), ("f", _FEMALE_BEFORE)):
                if compiled(rf"(?<![\w-])(?:{rx})\.?\s+(?:{forms})(?![\w-])").search(text):
                    said.add(g)
            for m in compiled(rf"(?<![\w-])(el|del|al|le|du|au|la)\s+([a-záéíóúñçè-]+)\s+"
                              rf"(?:{forms})(?![\w-])", re.I).finditer(text):
                if is_role_word(m.group(2)):
                    said.add(_ARTICLE_GENDER[m.group(1).lower()])
            if len(set(pronouns)) == 1 and len(pronouns) >= 2:
                said.add(pronouns[0])
            elif len(set(pronouns)) > 1:
                said.update(pronouns)  # the text's pronouns disagree: it does not say
            self.genders[name] = said.pop() if len(said) == 1 else None
        return self.genders[name]

    def org_reference(self, phrase: str, at: int) -> _Speaker | None:
        """'the coalition' -> the last organization with Coalition in its name; 'it' or 'the
        group' -> the last organization that spoke, else the last one named."""
        head = phrase.split()[-1]
        if head not in ("it", "group", "groups", "grupo"):
            stems = {head, head.rstrip("s")} | _ORG_HEAD_TRANSLATIONS.get(head, set())
            best: tuple[int, str] | None = None
            for org in self.orgs.values():
                if any(compiled(rf"\b{re.escape(st)}", re.I).search(org) for st in stems):
                    for m in compiled(re.escape(org)).finditer(self.body[:at]):
                        if best is None or m.start() > best[0]:
                            best = (m.start(), org)
            if best:
                return _Speaker(best[1], "organization")
        return self.last_org_speaker or self.org_before(at)

    def org_before(self, at: int) -> _Speaker | None:
        """The organization named last before offset `at`."""
        best: tuple[int, str] | None = None
        text = fold_same_length(self.body[max(0, at - 1500): at])  # the keys are folded
        for key, org in self.orgs.items():
            for m in _name_rx(key).finditer(text):
                if best is None or m.start() > best[0]:
                    best = (m.start(), org)
        return _Speaker(best[1], "organization") if best else None

    def _role_reference(self, role: str, at: int) -> _Speaker | None:
        """'the pastor' -> the last person introduced with that role before `at`: the role
        joined to the name ("Pastor Ana Ruiz", "la alcaldesa de Torrealta, María Gil") or in
        the name's appositive ("Ana Ruiz, the pastor of ..."). A name that is only near the
        word ("a letter from the engineer to Jeff Bezos") is not the one it refers to."""
        before = straight_quotes(self.body[:at])
        rx = compiled(rf"\b{re.escape(role)}\b", re.I)
        best = None
        for m in rx.finditer(before):
            for full in self.people.values():
                for tok in (full, full.split()[-1]):
                    tok_rx = compiled(rf"\b{re.escape(tok)}\b")
                    after = tok_rx.search(before, m.end(), m.end() + 80)
                    if after and _ROLE_THEN_NAME.fullmatch(before, m.end(), after.start()):
                        best = full
                    for n in tok_rx.finditer(before, max(0, m.start() - 80), m.start()):
                        if _NAME_THEN_ROLE.fullmatch(before, n.end(), m.start()):
                            best = full
        return _Speaker(best, "person") if best else None

    def opening_person(self, paragraph: str, at: int) -> _Speaker | None:
        """The person a paragraph opens with ("Teresa Okonkwo, a member of ..., addressed")."""
        head = straight_quotes(paragraph[:80])
        starts = [0]  # where a name may begin: the start, or after one title, two, ...
        while m := _ONE_TITLE.match(head, starts[-1]):
            starts.append(m.end())
        for full in self.people.values():
            for form in (full, full.split()[-1]):
                rx = compiled(rf"{re.escape(form)}\b")
                if any(rx.match(head, start) for start in starts):
                    return _Speaker(full, "person", self.affiliations.get(full))
        return None

    def document_author(self, noun: str, at: int) -> _Speaker | None:
        """'the report said' -> the organization named just after 'report' earlier on."""
        before = self.body[max(0, at - 2000): at]
        last = None
        for m in compiled(rf"\b{re.escape(noun)}\b", re.I).finditer(before):
            last = m
        if last is None:
            return None
        window = straight_quotes(before[last.end(): last.end() + 250])
        found = []
        for key, org in self.orgs.items():
            for form in {org, key}:
                for m in _name_rx(form, 0 if form == org else re.I).finditer(window):
                    # "the report ... of/by the Mijente ...": its author, not a name in its title
                    owner = re.search(r"\b(?:of|by|from|de|del|por|des|du|von)\s+(?:the\s+|la\s+|"
                                      r"el\s+|organization\s+|organización\s+)*$",
                                      window[: m.start()], re.I)
                    found.append((0 if owner else 1, m.start(), org))
        if not found:
            return None
        return _Speaker(min(found)[2], "organization")

    def subject(self, sentence: str) -> _Speaker | None:
        """A known person or organization that speaks in this sentence through a reporting
        verb after it ("Mijente ... has accused ... of having")."""
        names = [(full, "person") for full in set(self.people.values())] + [
            (org, "organization") for org in set(self.orgs.values())]
        best = None
        for full, kind in names:
            for form in (full, full.split()[-1] if kind == "person" else full):
                m = _name_rx(form).search(sentence)
                if m and not _POSSESSIVE.match(sentence, m.end()) and \
                        _REPORTING.search(sentence[m.end(): m.end() + 120]) and (
                        best is None or m.start() < best[0]):
                    best = (m.start(), full, kind, m.end())
        if best is None:
            return None
        # "Marcus Bell, an organizer with the coalition, said": the role after the name
        tail = sentence[best[3]:]
        aff = self.affiliation(tail) if best[2] == "person" and _THEN_VERB.match(tail) else None
        return _Speaker(best[1], best[2], aff)

    def colon_subject(self, sentence: str) -> _Speaker | None:
        """The known person a sentence ending in a colon opens with, who goes on in the
        quotation it introduces: "Carlos Ruiz defended the deal: “…”", "El director
        ejecutivo, Carlos Ruiz, defendió el contrato: «…»" (not "Ruiz's lawyer …:")."""
        m = _COLON_CLAUSE.match(sentence)
        if m is None:
            return None
        opening = m.group("opening")
        best = None
        for full in set(self.people.values()):
            for form in (full, full.split()[-1]):
                found = _name_rx(form).match(opening, len(m.group("role") or ""))
                if found and not _POSSESSIVE.match(opening, found.end()) and (
                        best is None or len(form) > len(best[1])):
                    best = (full, form)
        if best is None:
            return None
        role = (m.group("role") or "").strip(" ,")
        return _Speaker(best[0], "person", role[:1].lower() + role[1:] if role else None)

    def note(self, sp: _Speaker | None) -> None:
        if sp is None:
            return
        if sp.affiliation:
            self.affiliations.setdefault(sp.name, sp.affiliation)
        if sp.type == "person":
            self.last_person = sp
        else:
            self.last_org = self.last_org_speaker = sp

    def with_affiliation(self, sp: _Speaker | None, at: int) -> _Speaker | None:
        """A speaker with the affiliation their own attribution gives, else the one an
        earlier quotation of theirs gave, else the one the text states where it names them
        before offset `at` ("Ana Gil, an organizer with Cosecha, led the march.")."""
        if sp is None or sp.affiliation or sp.type != "person":
            return sp
        aff = self.affiliations.get(sp.name) or self.stated_affiliation(sp.name, at)
        return _Speaker(sp.name, sp.type, aff) if aff else sp

    def affiliation(self, tail: str, stated: bool = False) -> str | None:
        """What the words right after a person's name say the person belongs to.

        An organization joined to the name ("Pastor Ana Ruiz of the Tenant Union": the
        organization's name), or an appositive as written (", an organizer with Cosecha").
        An appositive that runs on past a known organization is cut after it (", an engineer
        who has worked at Amazon for six years and ..."). A mention away from the
        quotation's own attribution (`stated`) counts only when its appositive names a known
        organization: "Ana Gil, Bo Ruiz and ..." is a list, not an affiliation.
        """
        m = _OF_ORG.match(tail)
        if m:
            org = self.org_in(tail[m.end():])
            if org is not None and org[0] == 0:
                return org[2]
        if not stated:
            aff = _affiliation(tail)
            if aff:
                return aff
        m = _APPOSITION.match(tail)
        if not m or _NOT_AFFILIATION.match(tail, m.end()) or (
                m.group("age") and not _ARTICLE.match(tail, m.end())):
            return None
        rest = tail[m.end(): m.end() + 200]
        if stated and not rest[:1].islower():
            return None  # "Ana Gil, Bo Ruiz and ...": names, not a role
        if _GROUP.match(" ".join(rest.split()[:1])):
            return None  # "After meeting Ana Gil, members of the union marched"
        org = self.org_in(rest)
        if org is None and stated:
            return _described(_affiliation(tail))  # "Omar Vidal, the union's negotiator,"
        if org is None or re.search(r"[,;:()“”\"«»]|[.!?]\s", rest[: org[0]]):
            return None
        if stated and not _CLOSED.match(rest, org[1]):
            return None  # "Ana Gil, the choir and the union marched.": a list, not a role
        if _ONLY_PREPOSITION.fullmatch(rest[: org[0]]):
            return org[2]
        return rest[: org[1]].strip()

    def org_in(self, text: str) -> tuple[int, int, str] | None:
        """The first known organization named in `text`: start, end and its name."""
        best = None
        for form, name in self.org_forms:
            # acronyms ("ICE") only in capitals: "ice" is a word
            m = _name_rx(form, 0 if form.isupper() else re.I).search(text)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), m.end(), name)
        return best

    def stated_affiliation(self, name: str, at: int) -> str | None:
        """The affiliation the text states where it first names a person before offset
        `at`, in an appositive that names a known organization or joined to the name."""
        if name not in self.stated:
            found = []
            for form in {name, name.split()[-1]}:
                for m in _name_rx(form).finditer(self.body):
                    tail = straight_quotes(self.body[m.end(): m.end() + 250])
                    aff = self.affiliation(tail, stated=True) or (
                        _role_before(self.body, m.start()) if tail.startswith(",") else None)
                    if aff:
                        found.append((m.start(), aff))
            self.stated[name] = sorted(found)
        return next((aff for start, aff in self.stated[name] if start < at), None)

    def note_mentions(self, text: str) -> None:
        """Organizations named as a sentence's subject become what 'it' refers to."""
        for org in self.orgs.values():
            if compiled(rf"\b{re.escape(org)}\b").search(text):
                self.last_org = _Speaker(org, "organization")


def _looks_like_person(words: list[str]) -> bool:
    if not 2 <= len(words) <= 4:
        return False
    if not all(w[:1].isupper() for w in words if w.lower() not in ("de", "del", "la", "van",
                                                                    "von", "da", "di")):
        return False
    return words[0] in given_names() or all(re.fullmatch(r"[A-ZÀ-Þ][a-zß-ÿ'’-]+", w)
                                            for w in words)


def _affiliation(after: str) -> str | None:
    """The appositive after a name, as written: the role the text gives the speaker.

    >>> _affiliation(", an organizer with Cosecha, said")
    'an organizer with Cosecha'
    >>> _affiliation(", 34, a nurse at the clinic.")
    'a nurse at the clinic'
    >>> _affiliation(", said the facility"), _affiliation(", 61.")
    (None, None)
    """
    m = _APPOSITION.match(after)
    if not m or _NOT_AFFILIATION.match(after, m.end()) or (
            m.group("age") and not _ARTICLE.match(after, m.end())):
        return None
    a = _APPOSITIVE.match(after, m.end())
    return a.group("aff").strip() if a else None


def _kind(context: str, verb: str | None) -> str:
    if _SIGN.search(context):
        return "sign/slogan"
    if _CHANT.search(context) or (verb and _CHANT.fullmatch(verb)):
        return "sign/slogan"
    if _WRITTEN.search(context) or (verb and _WRITE_VERB.fullmatch(verb)):
        return "written statement"
    return "speech"


def _ends_sentence(seg: str, dot: int) -> bool:
    """Whether the period at seg[dot] ends a sentence, not an abbreviation ('Mr.')."""
    if seg[dot] != ".":
        return True
    m = re.search(r"(\w+)$", seg[max(0, dot - 12):dot])
    return not (m and m.group(1) in TITLE_ABBREVIATIONS)


_SENTENCE_END = re.compile(r"[.!?…][”\"»’)]*\s+(?=[A-ZÀ-Þ“\"«]|$)")
#: how far back a sentence before a quotation is looked for: no sentence is longer, and a
#: paragraph of thousands of quoted terms is not read again for each
MAX_SENTENCE = 3000


def _sentence_before(body: str, start: int, floor: int) -> str:
    """Text from the start of the sentence (or the previous quotation) up to `start`."""
    seg = body[max(floor, start - MAX_SENTENCE):start]
    ends = [x for x in _SENTENCE_END.finditer(seg)]
    for x in reversed(ends):
        if _ends_sentence(seg, x.start()):
            return seg[x.end():]
    return seg


def _sentence_after(body: str, end: int, ceiling: int) -> str:
    seg = body[end:ceiling]
    m = next((x for x in re.finditer(r"(?<=[a-z0-9áéíóúñ)])[.!?](?:\s|$)", seg)
              if _ends_sentence(seg, x.start())), None)
    return seg[: m.end()] if m else seg


# =========================================================================== interviews

_LABEL = re.compile(r"^(?P<who>[A-ZÀ-Þ][\w.'’-]*(?:[ \t]+[A-ZÀ-Þ][\w.'’-]*){0,3}|Q|A|P|R)"
                    r"[ \t\u00a0]*:[ \t\u00a0]+(?=\S)")
# A turn that asks without a question mark: "Tell us about that."
_PROMPT = re.compile(r"(?:^|[.!?]\s+)(?:Tell|Talk|Describe|Explain|Walk|Give|Say|Share|"
                     r"Cuéntenos|Cuéntanos|Cuéntame|Háblenos|Háblanos|Explíquenos|Explícanos|"
                     r"Describa|Dinos|Díganos)\b[^.!?]*[.!]?\s*$")
_INTERVIEW_INTRO = re.compile(
    rf"(?:(?P<er>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})\s+(?:spoke|talked|talks|speaks)\s+"
    rf"(?:with|to)\s+(?P<ee>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})"
    rf"|(?:we|I)\s+(?:talk|talked|speak|spoke)\s+(?:to|with)\s+(?P<ee2>{_NAME_WORD}"
    rf"(?:\s+{_NAME_WORD}){{1,3}})"
    rf"|(?:conversamos|hablamos|entrevistamos)\s+(?:con|a)\s+(?P<ee3>{_NAME_WORD}"
    rf"(?:\s+{_NAME_WORD}){{1,3}}))"
)
_EDITORIAL = re.compile(r"^(this interview|the interview|this conversation|the conversation|"
                        r"esta entrevista|la entrevista)\b.{0,80}\b(edited|condensed|editada)",
                        re.I)


def _interview_turns(body: str, paras: list[tuple[int, int]], author: str | None,
                     resolver: _Resolver) -> list[Quote]:
    """Questions and answers of an interview, as quotations of interviewer and interviewee."""
    texts = [body[s:e] for s, e in paras]
    labels = [(_LABEL.match(t).group("who") if _LABEL.match(t) else None) for t in texts]
    named = [lab for lab in labels if lab and lab not in ("Q", "A", "P", "R")]
    intro = next((i for i, lab in enumerate(labels) if lab), len(texts))
    interviewer = interviewee = None
    for t in texts[:max(1, intro)]:
        m = _INTERVIEW_INTRO.search(straight_quotes(t))
        if m:
            interviewer = m.group("er") or interviewer
            interviewee = m.group("ee") or m.group("ee2") or m.group("ee3") or interviewee
    if named:
        # the one whose turns end with questions asks them
        asks: dict[str, int] = {}
        for lab, t in zip(labels, texts, strict=True):
            if lab in named:
                asks[lab] = asks.get(lab, 0) + (1 if t.rstrip().endswith("?") else -1)
        ranked = sorted(set(named), key=lambda x: asks.get(x, 0), reverse=True)
        if len(ranked) >= 2:
            interviewer, interviewee = ranked[0], ranked[1]
        elif ranked:
            if interviewee and name_key(ranked[0]) != name_key(interviewee):
                interviewer = ranked[0]
            else:
                interviewee = ranked[0]
    interviewer = interviewer or author
    if not interviewee or intro == len(texts) and not any(labels):
        return []
    er = resolver.resolve(interviewer, 0) if interviewer else None
    ee = resolver.resolve(interviewee, 0)
    quotes = []
    for n, ((s, e), t, lab) in enumerate(zip(paras, texts, labels, strict=True), 1):
        if n - 1 < intro or _EDITORIAL.match(t):
            continue
        m = _LABEL.match(t)
        start = s + (m.end() if m else 0)
        if lab in ("Q", "P") or (lab and er and name_key(lab) == name_key(interviewer or "")):
            who, kind = er, "interview question"
        elif lab in ("A", "R") or (lab and ee and name_key(lab) == name_key(interviewee)):
            who, kind = ee, "interview answer"
        elif lab:
            who, kind = resolver.resolve(lab, s), "interview answer"
        else:
            is_q = t.rstrip().endswith("?") or bool(_PROMPT.search(t.strip()))
            who, kind = (er, "interview question") if is_q else (ee, "interview answer")
        quotes.append(Quote(
            text=body[start:e], speaker=who.name if who else None,
            speaker_type=who.type if who else None, affiliation=who.affiliation if who else None,
            kind=kind, paragraph=n, start=start, end=e))
    return quotes


#: a turn of an interview set with dashes, as the Spanish and Portuguese press does:
#: "–¿Qué piensa ahora?" / "—Lo primero que me viene a la cabeza…"
_DASH_TURN = re.compile(r"^[–—―][ \t\u00a0]*(?=\S)")
MIN_DASH_TURNS = 4
# an answer in the first person: "me", "nosotros", "I", "we", "je", "eu", "ich" (written as
# they are, so that "US" is no "us")
_FIRST_PERSON_WORDS = (
    "me my mine we we're our yo mi mí mis mío mía nosotros nosotras nos nuestro nuestra nuestros "
    "nuestras conmigo je j' moi mon ma mes nous notre eu meu minha nós nosso nossa ich mich "
    "mir mein meine wir uns unser unsere").split()
_FIRST_PERSON = re.compile(
    r"(?<![\w'’])(?:I|I'm|I've|I'd|I'll|us|[a-záéíóúñ]{2,}(?:amos|emos|imos)|"
    + "|".join(f"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" for w in _FIRST_PERSON_WORDS)
    + r")(?![\w'’])")
# "—No vamos a cerrar —dijo Ana Gil—.": a chronicle's dialogue, each line tagged with its
# speaker, not an interview's turns
_DIALOGUE_TAG = re.compile(rf"[–—―]\s*(?:{_SPEECH_VERBS}|pregunta|preguntó|responde|"
                           rf"respondió|asks|asked)\b", re.I)


def _dash_turns(body: str, paras: list[tuple[int, int]], author: str | None,
                resolver: _Resolver) -> list[Quote]:
    """The turns of an interview whose paragraphs open with a dash: questions and answers
    alternate (a question ends with "?" or follows an answer), and the answers speak in the
    first person; the one interviewed is the one person the paragraphs before the first turn
    name (no one when they name several: a coach who speaks of a player names both).
    Paragraphs without a dash between turns are the text's, not turns."""
    texts = [body[s:e] for s, e in paras]
    turns = [n for n, t in enumerate(texts) if _DASH_TURN.match(t)]
    if len(turns) < MIN_DASH_TURNS or not any(texts[n].rstrip().endswith("?")
                                              for n in turns) or \
            len(turns) < 0.4 * (len(texts) - turns[0]) or \
            any(_DIALOGUE_TAG.search(texts[n], 1) for n in turns):
        return []  # (dialogue whose dashes name who speaks is no interview)
    kinds, last = [], None
    for n in turns:
        t = texts[n]
        last = "interview question" if t.rstrip().endswith("?") or \
            bool(_PROMPT.search(t.strip())) or last == "interview answer" else "interview answer"
        kinds.append(last)
    answers = [texts[n] for n, k in zip(turns, kinds, strict=True) if k == "interview answer"]
    if sum(1 for a in answers if _FIRST_PERSON.search(a)) < max(1, len(answers) / 2):
        return []  # answers that never say "I" or "we": a list or an explainer, not a person
    intro = " ".join(texts[:turns[0]])
    m = _INTERVIEW_INTRO.search(straight_quotes(intro))
    named = m and (m.group("ee") or m.group("ee2") or m.group("ee3"))
    ee = resolver.resolve(named, 0) if named else None
    if ee is None:  # the one person the opening names, if it names only one
        named_in = [full for full in set(resolver.people.values())
                    if any(_name_rx(f).search(intro) for f in {full, full.split()[-1]})]
        ee = _Speaker(named_in[0], "person") if len(named_in) == 1 else None
    er = resolver.resolve(author, 0) if author else None
    quotes = []
    for n, kind in zip(turns, kinds, strict=True):
        s, e = paras[n]
        start = s + _DASH_TURN.match(texts[n]).end()
        who = er if kind == "interview question" else ee
        quotes.append(Quote(
            text=body[start:e], speaker=who.name if who else None,
            speaker_type=who.type if who else None, affiliation=who.affiliation if who else None,
            kind=kind, paragraph=n + 1, start=start, end=e))
    return quotes


# =========================================================================== main entry


def extract_quotes(
    body: str,
    people: tuple[Entity, ...] = (),
    organizations: tuple[Entity, ...] = (),
    doc_type: str = "news article",
    author: str | None = None,
) -> tuple[tuple[Quote, ...], tuple[str, ...]]:
    """The quotations of a document, and people named as speakers who were not yet known.

    >>> qs, new = extract_quotes("“We will not leave until they listen,” said Ana Gil, an "
    ...                          "organizer with the union.")
    >>> (qs[0].text, qs[0].speaker, qs[0].affiliation, qs[0].kind)
    ('We will not leave until they listen', 'Ana Gil', 'an organizer with the union', 'speech')
    >>> new
    ('Ana Gil',)
    """
    paras = paragraph_spans(body)
    resolver = _Resolver(body, people, organizations)
    quotes: list[Quote] = []
    interview = _interview_turns(body, paras, author, resolver) if doc_type == "interview" or \
        sum(1 for s, e in paras if _LABEL.match(body[s:e])) >= 2 else \
        _dash_turns(body, paras, author, resolver)
    covered = [(q.start, q.end) for q in interview]
    quotes += interview

    spans = [sp for sp in find_quote_spans(body)
             if not any(s <= sp.start < e for s, e in covered)]
    resolver.quoted = ([sp.start for sp in spans], [sp.end for sp in spans])
    prev: tuple[_Span, _Speaker | None, str] | None = None
    candidates: list[tuple[Quote, bool]] = []
    para_index = [0] * (len(body) + 1)
    for n, (s, e) in enumerate(paras, 1):
        for i in range(s, min(e + 2, len(body) + 1)):
            para_index[i] = n
    last_end = 0
    for k, sp in enumerate(spans):
        raw = body[sp.start:sp.end]
        start = sp.start + len(raw) - len(raw.lstrip())
        end = sp.start + len(raw.rstrip().rstrip(" ,;:"))  # the words, not the comma after them
        text = body[sp.start:sp.end].strip()
        text = re.sub(r"\n\n\s*[“\"«„‘]", " ", text).rstrip(" ,;:")
        para = para_index[sp.open_at]
        p_start, p_end = paras[para - 1]
        nxt = spans[k + 1].open_at if k + 1 < len(spans) else len(body)
        ceiling = min(nxt, body.find("\n\n", sp.close_at) if body.find("\n\n", sp.close_at)
                      != -1 else len(body))
        floor = max(p_start, last_end)
        before = _sentence_before(body, sp.open_at, floor)
        after = _sentence_after(body, sp.close_at, ceiling)
        resolver.note_mentions(before)
        speaker, verb, context = _attribute(before, after, sp, resolver)
        if verb == "said-by-subject" and prev is not None and prev[1] is not None and \
                para_index[prev[0].open_at] == para and _dropped_subject(
                    straight_quotes(before)):
            speaker = prev[1]  # "“…”, dijo X. Y agregó: “…”": X goes on
        kind = _kind(before + " " + after, verb)
        if kind == "sign/slogan":
            speaker = None
        elif speaker is None and prev is not None and re.search(r"\banother\b", after[:40]) \
                and prev[2] == "sign/slogan":
            kind = "sign/slogan"
        elif speaker is None and prev is not None and prev[1] is not None and \
                _goes_on(straight_quotes(after), prev[1], resolver) and \
                para - para_index[prev[0].open_at] in (0, 1):
            speaker, kind = prev[1], prev[2]  # "añade el científico", of no one else
        elif speaker is None and verb is None and prev is not None and prev[1] is not None and (
                para_index[prev[0].open_at] == para or _continues(body, prev[0], sp, paras)):
            # the rest of what the previous speaker said: same paragraph, or a paragraph that
            # is only a continuation of the quotation
            speaker, kind = prev[1], prev[2]
        elif speaker is None and verb is None and not before.strip() and para >= 2:
            # a paragraph of quotation after a paragraph about one person, with no quotation
            # of its own ("Teresa Okonkwo addressed the council." then “...”)
            ps, pe = paras[para - 2]
            previous = body[ps:pe]
            if not re.search(r"[“”\"«»]", previous):
                speaker = resolver.opening_person(previous, ps)
        if kind == "speech" and speaker is not None and speaker.type == "organization" and \
                (verb or "").lower() in ("said", "says", "states", "stated", "notes", "noted",
                                         "adds", "added", "writes", "wrote", "dijo", "afirma"):
            # an organization goes on quoting the statement it was first quoted from
            earlier = [q.kind for q, _ in candidates if q.speaker == speaker.name]
            if earlier and earlier[-1] == "written statement":
                kind = "written statement"
        short_term = _words(text) < MIN_UNATTRIBUTED_WORDS and kind != "sign/slogan" and (
            speaker is None or verb == "said-by-subject")
        if short_term:
            speaker = None
        else:
            resolver.note(speaker)
            speaker = resolver.with_affiliation(speaker, sp.open_at)
        candidates.append((Quote(
            text=text, speaker=speaker.name if speaker else None,
            speaker_type=speaker.type if speaker else None,
            affiliation=speaker.affiliation if speaker else None, kind=kind,
            paragraph=para, start=start, end=end), short_term))
        if not short_term:
            prev = (sp, speaker, kind)
            last_end = sp.close_at
    quotes += _settle(candidates, interview)
    quotes.sort(key=lambda q: q.start)
    # a surname known only from its title ("el Presidente Boric") that speaks is a person
    spoke = [q.speaker for q in quotes if q.speaker in resolver.titled]
    return tuple(quotes), tuple(dict.fromkeys([*resolver.new_people, *spoke]))


def _settle(candidates: list[tuple[Quote, bool]], turns: list[Quote] = ()) -> list[Quote]:
    """A quotation repeated inside another (a headline quoting the body) takes its speaker
    and kind; short quoted bits that are still nobody's are terms, not quotations."""
    def norm(t: str) -> str:
        return re.sub(r"\W+", " ", straight_quotes(t)).strip().casefold()

    # the quotations a repeated one may take its speaker from, normalised once
    pool = [(o, norm(o.text)) for o in [o for o, _ in candidates] + list(turns)
            if o.speaker or o.kind == "sign/slogan"]
    out = []
    for q, short in candidates:
        if q.speaker is None:
            key = norm(q.text)
            source = next((o for o, text in pool if o is not q and key in text),
                          None) if len(key) > 8 else None
            if source is None and len(key) > 8:
                source = _joined_from(q.text, [(o, t) for o, t in pool if o is not q and
                                               o.speaker], norm)
            if source is not None:
                q = Quote(q.text, source.speaker, source.speaker_type, source.affiliation,
                          source.kind, q.paragraph, q.start, q.end)
                short = False
        if not short:
            out.append(q)
    return out


def _joined_from(text: str, pool: list[tuple[Quote, str]], norm) -> Quote | None:
    """The quotation of one speaker whose quotations hold each sentence of `text`: a pull
    quote that runs two of them together ("“A”, said X. “B, and more”" repeated as "“A. B”").
    None when a sentence is in no quotation, or they are of several speakers. pool: the
    quotations with a speaker and their text normalised by `norm`.

    >>> def norm(t): return t.lower().strip(" .")
    >>> a = Quote("We stay here", "Ana Gil", "person", None, "speech", 1, 0, 12)
    >>> b = Quote("Until the end, whatever comes", "Ana Gil", "person", None, "speech", 1, 14, 43)
    >>> pool = [(a, norm(a.text)), (b, norm(b.text))]
    >>> _joined_from("We stay here. Until the end.", pool, norm).speaker
    'Ana Gil'
    >>> _joined_from("We stay here. We go home now.", pool, norm) is None
    True
    """
    sentences = [norm(x) for x in re.split(r"(?<=[.!?…])\s+", text) if len(norm(x)) > 8]
    if len(sentences) < 2:
        return None
    found = [next((o for o, t in pool if sentence in t), None) for sentence in sentences]
    if None in found or len({o.speaker for o in found}) != 1:
        return None
    return found[0]


def _continues(body: str, prev: _Span, sp: _Span, paras) -> bool:
    """A paragraph that opens with a quotation right after a paragraph that ended with one."""
    between = body[prev.close_at:sp.open_at]
    return "\n\n" in between and not between.replace("\n", "").strip(" ”\"».,")


def _attribute(before: str, after: str, sp: _Span, resolver: _Resolver
               ) -> tuple[_Speaker | None, str | None, str]:
    """Who said the quotation, the verb, and the words that say so."""
    resolver.add_titled()
    doc_noun = re.search(r"^\W{0,4}(?:the|el|la)\s+(report|statement|letter|study|informe|"
                         r"comunicado|carta|estudio)\s+(?:said|says|dijo|dice|afirma|señala|"
                         r"states|notes)\b", straight_quotes(after[:60]), re.I)
    if doc_noun:
        return (resolver.document_author(doc_noun.group(1), sp.open_at), "said",
                "statement " + before + after)
    flat_after = straight_quotes(after)
    for rx in (_AFTER_VERB_FIRST, _AFTER_WHO_FIRST, _AFTER_ACCORDING):
        m = rx.match(flat_after)
        if m:
            verb = m.groupdict().get("verb")
            who = _trim_who(m.group("who"))
            if _many_speak(verb):
                return None, verb, after  # "dijeron los trabajadores": a group, not one person
            named = _named_after_role(m, resolver, sp.close_at)
            if named is not None:
                return named, verb, after
            owner = _ROLE_REF.match(who) and _POSSESSIVE_ROLE.match(flat_after, m.end("who"))
            if owner:  # "said the union's lead negotiator, Omar Vidal": not the union
                named = resolver.resolve(owner.group("name") or "", sp.close_at)
                if named is None or named.type != "person":
                    return None, verb, after  # its negotiator, unnamed
                role = " ".join(flat_after[m.start("who"):owner.end("role")].split())
                return _Speaker(named.name, "person", named.affiliation or role), verb, after
            then = _ROLE_REF.match(who) and _THEN_NAME.match(flat_after, m.end("who"))
            if then:  # "declaró la senadora Ana Torres": the name, the role its affiliation
                named = resolver.resolve(who + then.group(), sp.close_at)
                if named is not None and named.type == "person":
                    return named, verb, after
            sp_ = resolver.resolve(who, sp.close_at)
            if sp_ is None and (_group_subject(m.group("who")) or _INDEFINITE.match(who)):
                # "the employees wrote", "a spokesperson said": never a name from elsewhere
                return None, verb, after
            if sp_ is not None or who.lower() in _PRONOUN_PERSON | _PRONOUN_ORG:
                sp_ = _with_own_affiliation(sp_, flat_after, m.start("who"), who, resolver)
                return sp_, verb, after
            if _ROLE_REF.match(who):
                return None, verb, after
    m = _THOSE_WORDS.match(flat_after)
    if m:  # "“…”. With those words, X replied …": X, the sentence's subject
        sp_ = resolver.subject(flat_after[m.end():])
        if sp_ is not None:
            return sp_, "said-by-subject", after
    m = _AFTER_VERB_ONLY.match(flat_after)
    if m and m.group("verb").lower() in _EN_SPEECH and re.match(r"\s+(?:a|an|the)\b",
                                                                 flat_after[m.end("verb"):]):
        m = None  # "“…,” added a spokeswoman": someone the text does not name
    if m:
        if _many_speak(m.group("verb")):
            return None, m.group("verb"), after  # "«…», dijeron.": they, not the last person
        return resolver.person_before(sp.open_at), m.group("verb"), after
    flat = straight_quotes(before)
    m = _BEFORE_ACCORDING.search(flat) or (
        # the verb ends the sentence but for a few words: without one there, no search
        _ANY_VERB.search(flat, max(0, len(flat) - 200)) and _BEFORE.search(flat))
    if m:
        verb = m.groupdict().get("verb")
        who = _trim_who(m.group("who"))
        if _many_speak(verb):
            return None, verb, before
        named = _named_after_role(m, resolver, sp.open_at)
        if named is not None:
            return named, verb, before
        sp_ = resolver.resolve(who, sp.open_at)
        if sp_ is not None:
            return (_with_own_affiliation(sp_, flat, m.start("who"), who, resolver), verb,
                    before)
        if _group_subject(m.group("who")) or _INDEFINITE.match(who):
            # "In a letter to Jeff Bezos, organizers wrote:", "A neighbour said:": the group or
            # someone unnamed, not a name before it
            return None, verb, before
        if not _ROLE_REF.match(who) and who.lower() not in _PRONOUN_PERSON | _PRONOUN_ORG:
            pass  # an unknown subject: try the sentence's known speakers below
        else:
            return None, verb, before
    subject = resolver.subject(flat) or resolver.colon_subject(flat)
    if subject is not None:
        return subject, "said-by-subject", before
    if _dropped_subject(flat):  # "Comentó que … “…”": the person named before the sentence
        return resolver.person_before(sp.open_at - len(before)), "said-by-subject", before
    return None, None, before + after


def _named_after_role(m: re.Match, resolver: _Resolver, at: int) -> _Speaker | None:
    """The person named between a role and the verb ("A spokesman for Enbridge, Tom
    Galloway, said"), who speaks; the role, when it names a known organization, is the
    affiliation."""
    between = m.groupdict().get("between")
    role = " ".join(m.group("who").split())
    if not between or not between[:1].isupper() or not _DESCRIPTION.match(role):
        return None
    sp = resolver.resolve(between, at)
    if sp is None or sp.type != "person":
        return None
    if not resolver.org_in(role):
        role = _whole_role(m.string, m.start("who"), role)
    return _Speaker(sp.name, "person", role[:1].lower() + role[1:] if role else None)


def _described(phrase: str | None) -> str | None:
    """A phrase that describes a person by an office or role, else None: it opens with an
    article or a possessive and has a role word within its first words ("the union's lead
    negotiator", "la portavoz de la naviera"; not "a woman in the crowd", "the next day").

    >>> _described("the union's lead negotiator"), _described("the next day")
    ("the union's lead negotiator", None)
    """
    if not phrase:
        return None
    words = re.findall(r"[\w-]+", phrase)
    if len(words) > 12 or not _DESCRIPTION.match(phrase + " ") or \
            not any(is_role_word(w) for w in words[:6]):
        return None
    return phrase


def _role_before(body: str, start: int) -> str | None:
    """The role a sentence gives a person just before naming them, between commas ("A
    spokeswoman for the operator, Dana Whitfield, said the ..."), else None.

    >>> body = "It rained. A spokeswoman for the operator, Dana Whitfield, said so."
    >>> _role_before(body, body.index("Dana"))
    'a spokeswoman for the operator'
    """
    before = straight_quotes(body[max(0, start - 200):start])
    m = re.search(r"(?:^|[.;:!?]\s+|\n)\s*([^,.;:!?\n]{3,120}),\s*$", before)
    if not m or (m.start() == 0 and start > 200 and not before.startswith(("\n", "."))):
        return None
    role = _described(" ".join(m.group(1).split()))
    return role[:1].lower() + role[1:] if role else None


def _whole_role(text: str, start: int, role: str) -> str | None:
    """A role before a person's name that names no known organization, whole, when it
    names an office ("La portavoz de | la naviera, Elena Martín, dijo": the match began at
    "la naviera"); None when no word of it is a role ("A woman in the crowd, Ana Gil").

    >>> _whole_role("Ayer, la portavoz de la naviera, Elena", 21, "la naviera")
    'la portavoz de la naviera'
    >>> _whole_role("A neighbour, Ana Gil", 0, "A neighbour") is None
    True
    """
    head = re.search(r"(?:^|[.;:!?]\s+|,\s+)((?:[\w'’-]+\s+){0,4})$", text[:start])
    return _described(" ".join(((head.group(1) if head else "") + role).split()))


def _many_speak(verb: str | None) -> bool:
    """Whether a speech verb has a plural subject ("dijeron", "ont déclaré")."""
    return bool(verb) and bool(_MANY_SPEAK.fullmatch(verb))


def _with_own_affiliation(sp: _Speaker | None, text: str, start: int, name: str,
                          resolver: _Resolver) -> _Speaker | None:
    """The speaker with the affiliation the words after their name in the attribution give
    ("said Ana Gil, an organizer with Cosecha"), if any."""
    if sp is None or sp.type != "person":
        return sp
    aff = resolver.affiliation(_after_name(text, start, name))
    return _Speaker(sp.name, sp.type, aff) if aff else sp


def _after_name(text: str, start: int, name: str) -> str:
    """The text after `name`, which begins at `start` (give or take spacing).

    >>> _after_name("said Pastor  Ana Ruiz of the union.", 5, "Pastor Ana Ruiz")
    ' of the union.'
    """
    m = compiled(r"\s*" + r"\s+".join(map(re.escape, name.split()))).match(text, start)
    return text[m.end():] if m else ""


def _trim_who(who: str) -> str:
    """Drop words that are not the name: 'Cata Santiago, an organizer' -> 'Cata Santiago'."""
    who = who.strip()
    if _SPOKES_FOR.match(who):
        return who  # "un portavoz de ICE": the organization is the point
    who = re.split(r"\s*,\s*|\s+(?:of|from|with|de|del|for)\s+(?=the\b|[a-z])", who)[0]
    words = who.split()
    # "Pastor Guillermo Torres of the Clérigos" -> keep the name only
    cut = next((i for i, w in enumerate(words) if w.lower() in ("of", "de", "del", "for")), None)
    if cut is not None and cut >= 2:
        words = words[:cut]
    if words and words[0][:1].isupper() and not _DESCRIPTION.match(who + " "):
        # a name ends at a word it cannot hold ("The university" is no name to cut):
        # "said Ana Gil on Tuesday" (the patterns ignore case, so the run went on)
        end = next((i for i, w in enumerate(words) if w[:1].islower()
                    and w not in _NAME_PARTICLES and not (
                        # "Taliban spokesman Zabihullah Mujahid": a role, then the name
                        is_role_word(w) and i + 1 < len(words) and words[i + 1][:1].isupper())),
                   len(words))
        while end > 1 and words[end - 1] in _NAME_PARTICLES:
            end -= 1
        words = words[:end]
    return " ".join(words)


#: given names that are as often a country, state, city, club, brand or common word: alone
#: before "said" they are no one's name
_GIVEN_NAMES_ALSO_PLACES = frozenset(
    """Jordan Victoria Chelsea Florence Madison Virginia Carolina Austin Santiago Rosario
    Mercedes Dolores Aurora Young Lee Warren Hunter Georgia Paris Charlotte Savannah Dallas
    Houston Chase Jackson Lincoln Washington Milan Valencia Lourdes Guadalupe Trinidad
    Asunción Concepción Alexandria Regina Augusta Orlando Marion Kent Mason Tyler Sydney
    Adelaide Carmen Beatriz Isabel Francisco Salvador Cristóbal Pedro Pablo Luis Martin Will
    Mark Bill Grant Rose Dawn Hope Joy Faith Amber Crystal Ruby Summer April May June Penny
    Sandy Art Page Bush Ford Price Chance Angel Sky Rich Frank Hall Brooks Cruz Paz Luz Fe
    Sol Mar Monte Rio Río""".split())

#: capitalised words that open a sentence before its subject: "And Harry said", "Pero Ana dijo"
_LEADING_WORDS = frozenset("And But Then So Also Later Still Yet Y Pero Luego Entonces También "
                           "Et Mais Puis Ensuite Und Aber Dann Mas Então".split())

#: the lower-case words a name may hold: "Ana de la Fuente", "Vincent van Gogh"
_NAME_PARTICLES = frozenset("de del la las los van von da das di do dos du der den y e "
                            "bin al".split())

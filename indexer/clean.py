"""Raw text to article text: HTML boilerplate, web-scrape residue, unicode normalisation.

Two normal forms:
- display text keeps the original typography (curly quotes, dashes, no-break spaces); only
  invisible noise is dropped (NFC, soft hyphens, zero-width and control characters);
- index text (`normalize_for_index`) maps typography to plain ASCII punctuation one character
  for one character, so an offset in one is the same offset in the other.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from .models import CleanText, Removal
from .textutil import MONTHS, WEEKDAYS, name_key, squash, strip_accents, translator

# --------------------------------------------------------------------------- normalisation

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_INDEX_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
    "\u00bb": '"', "\u2039": "'", "\u203a": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ",
    "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2008": " ", "\u205f": " ",
    "\u3000": " ", "\u2026": ".",
})
_drop_invisible = translator(_INVISIBLE)
_to_index = translator(_INDEX_MAP)


def normalize_display(text: str) -> str:
    """NFC, unix line ends, no invisible or control characters; typography kept.

    >>> normalize_display("Cafe\\u0301\\r\\nco\\u00adop")
    'Café\\ncoop'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").replace("\t", "  ")
    text = unicodedata.normalize("NFC", _drop_invisible(text))
    return _CONTROL.sub("", text)


def normalize_for_index(text: str) -> str:
    """Typography to plain punctuation, one character for one (offsets stay valid).

    >>> normalize_for_index("“We won’t”\\u00a0— «no»")
    '"We won\\'t" - "no"'
    """
    return _to_index(text)


def _fold(line: str) -> str:
    """Lower-case, plain punctuation, single spaces: the form residue rules look at."""
    return squash(normalize_for_index(line)).lower()


# --------------------------------------------------------------------------- residue rules
# Each rule matches a whole line (after _fold and trimming of bullets and separators), so a
# sentence that merely contains "share" or "comment" is never touched.

_WIDGETS: dict[str, list[str]] = {
    "comment form": [
        r"please enter your (comment|name|email( address)?)( here)?",
        r"you have entered an incorrect email address",
        r"save my name,? email,? and website in this browser for the next time i comment\.?",
        r"your email address will not be published\.?( required fields are marked \*?)?",
        r"required fields are marked \*?",
        r"(leave|post|add|write|submit) (a|your) (reply|comment|response)( to [\w ]{1,40})?",
        r"(cancel|post) (reply|comment)", r"log ?in to (reply|comment)", r"be the first to comment",
        r"no comments( yet)?", r"(show|view|load|read) (all |more )?(\d+ )?comments?( \(\d+\))?",
        r"\d+ (comments?|responses?|replies)", r"comments?( \(\d+\))?", r"comentarios?( \(\d+\))?",
        r"por favor,? (ingrese|introduzca|escriba|ingresa|introduce|escribe) (su|tu) "
        r"(comentario|nombre|correo( electronico)?|e-?mail)( aqui)?",
        r"ha(s)? (introducido|ingresado) una direccion de correo electronico incorrecta",
        r"(deja|dejar|escribe|escriba|deje|agrega) (un|tu|su) comentario",
        r"guardar mi nombre,? correo( electronico)? y (sitio )?web en este navegador.*",
        r"tu (direccion de )?correo electronico no sera publicad[oa].*",
        r"los campos obligatorios estan marcados.*",
        r"(name|e-?mail|website|comment|nombre|correo( electronico)?|sitio web|web)\s*\*",
        r"(post|submit|publicar|enviar) (comment|comentario)",
    ],
    "share/follow widget": [
        r"(compartilhe|compartilhar|partager|teilen)( no| sur| auf)?"
        r"( facebook| twitter| whatsapp)?",
        r"(copiar|copia|copy) (liga|link|enlace|url)", r"(salvar|guardar|save) (para ler depois|"
        r"para leer despues|for later|to read later|article|articulo)",
        r"(endereco|direccion|address) da pagina|page address|url (da|de la) pagina",
        r"follow (him|her|them|us) on (twitter|x|instagram|facebook|bluesky|threads)\b.{0,60}",
        r"(click|tap) (on )?the star of google news and follow us",
        r"follow us on google news", r"add us (to|on) google news",
        r"(haz|haga|dale|da) (clic|click) en la estrella de google news y siguenos",
        r"siguenos en google news",
        r"(follow|like|join) us on (facebook|twitter|x|instagram|linkedin|youtube|tiktok|telegram|"
        r"whatsapp|threads|bluesky)[\w ,&]*",
        r"siguenos en (facebook|twitter|x|instagram|linkedin|youtube|tiktok|telegram"
        r"|whatsapp)[\w ,y]*",
        r"share( this)?( article| story| post| page)?( on| via)?( facebook| twitter| x| email| "
        r"whatsapp| linkedin)?:?",
        r"(compartir|comparte|compartelo)( en| por)?( facebook| twitter| x| whatsapp| correo)?:?",
        r"(copy|copied) (link|url)", r"copiar (enlace|link)",
        r"(print|imprimir)( this)?( article)?",
    ],
    "newsletter prompt": [
        r".{0,80}\b(delivered|sent) (to|in) your inbox.{0,80}", r"enter your e-?mail( address)?",
        r"sign up (for|to) .{1,90}", r"(join|start) the conversation.{0,120}",
        r"join (thought-provoking )?conversations.{0,160}",
        r"(introduce|ingresa|escribe) tu (correo|e-?mail).{0,30}",
        r"receba (no seu|em seu) e-?mail.{0,80}", r".{0,60}cada (manana|dia|semana) en tu correo",
        r"get .{1,60} (in|to) your inbox.{0,80}",
        r"(recibe|recibir) .{0,60}(en tu|a tu) correo.{0,60}",
        r"join our (mailing list|newsletter|email list|community).{0,80}",
        r"(subscribe|suscribete|suscribase|assine|abonnez-vous) (today|now|hoy|ya|ahora)\b.{0,120}",
        r".{0,60}(depends|relies|counts) on (your|reader|readers') support.{0,80}",
        r"(contribute|donate|give|support us) (now|today)\.?",
        r"(recibe|suscribete a|unete a) (nuestro|nuestra|el) (boletin|newsletter|canal).{0,80}",
        r"(sign up|subscribe|register) (for|to) (our|the|my)?[\w' -]{0,40}newsletters?.{0,80}",
        r"(get|receive) (our|the)[\w' -]{0,40}newsletter.{0,80}",
        r"(suscribete|suscribase|registrate)( a| al)?( nuestro| nuestra)?"
        r"( boletin| newsletter).{0,80}",
        r"(subscribe|suscribete|suscribirse|subscribe now|subscribe today)",
        r"already a subscriber\?.{0,40}", r"(sign|log) in( to continue| to read)?",
    ],
    "media player": [
        r"(listen to|escucha|escuchar|ecouter|ouvir) (this|the|esta|la|este|el|cet|a|o) "
        r"(article|story|nota|noticia|articulo|article|materia|reportagem)( aqui| here| now)?"
        r"(\s*[·|-]?\s*\d{1,2}:\d{2})?",
        r"\d{1,2}:\d{2}(:\d{2})?", r"(now )?playing:?.{0,80}", r"reproduciendo:.{0,120}",
    ],
    "paywall or fundraising": [
        r"(subscribe|suscr[ií]bete|suscribete|assine|abonnez-vous|abonnieren)( now| today| ahora"
        r"| ya)?\b.{0,40}(\d|£|\$|€|month|mes\b|mes |mês|mois|monat).{0,40}",
        r"(you have|you've) reached (your|the) (limit|maximum).{0,120}",
        r"(has|ha) (alcanzado|llegado a) (el|tu|su) limite.{0,120}",
        r"voce atingiu o limite.{0,120}", r"vous avez atteint .{0,120}",
        r".{0,60}\b(chip in|donate|give|dona|aporta|contribute)\b.{0,30}\$ ?\d+.{0,40}",
        r".{0,60}\bfundraising goal.{0,80}", r"(already a subscriber|ya eres suscriptor|ja e "
        r"assinante)\??.{0,40}",
    ],
    "reading time": [
        r"\d+\s*(min|mins|minute|minutes|minuto|minutos|minutes de lecture)\.?\s*"
        r"(read|de lectura|lectura|leitura|lesezeit)?",
        r"(reading time|tiempo de lectura|lesezeit|temps de lecture)\s*:?\s*\d+.{0,20}",
    ],
    "advertisement": [
        r"advertisement", r"ad", r"sponsored( content)?", r"publicidad", r"anuncio",
        r"contenido patrocinado", r"story continues below( advertisement)?",
        r"(article|story) continues (below|after (the )?(advertisement|ad))",
        r"la nota continua (abajo|debajo)", r"continua leyendo.{0,40}",
    ],
    "navigation": [
        r"(skip|jump|go) to (main )?(content|navigation|article|main navigation)",
        r"(ir|saltar|pasar) (al|para o|a) (contenido|conteudo|articulo)( principal)?",
        r"aller au contenu( principal)?", r"zum inhalt springen",
        r"toggle navigation", r"(main )?menu",
        r"back to top", r"(ir|saltar) al contenido( principal)?", r"volver (arriba|al inicio)",
        r"(scroll|desliza) (down|para ver mas)",
    ],
    "copyright or cookie notice": [
        r"(©|\(c\)|copyright|copr\.)\s*(\d{4})?.{0,120}",
        r".{0,80}(derechos reservados|direitos reservados).{0,80}",
        r".{0,120}(all rights reserved|todos los derechos reservados|tous droits reserves"
        r"|alle rechte vorbehalten|todos os direitos reservados)\.?.{0,120}",
        r"(this|our) (web)?site uses cookies.{0,300}", r"we use cookies.{0,300}",
        r".{0,200}\b(we|our partners|this site|este sitio|nosotros) (and our partners )?(use|uses|"
        r"utiliza|utilizamos|usamos|usa|store|guardan?) (cookies|tecnologias como las cookies)"
        r".{0,600}",
        r"we value your privacy.{0,600}", r"(manage|customi[sz]e|configurar|gestionar) "
        r"(cookies|preferences|preferencias|privacy settings)",
        r"(agree|i agree|accept all|aceptar todo|more options|mas opciones|reject all)",
        r"(usamos|utilizamos|este sitio (web )?utiliza|este sitio (web )?usa) cookies.{0,300}",
        r"(accept|aceptar|reject|rechazar)( all| todas)?( cookies)?",
    ],
    "tag list": [
        r"(tags?|filed under|posted in|categories|categorias|etiquetas|temas|topics)\s*:.{0,200}",
    ],
}
_WIDGET_RES = {reason: re.compile("|".join(pats), re.I) for reason, pats in _WIDGETS.items()}

# A "Related/Read more" label with a teaser headline after it.
_TEASER_RE = re.compile(
    r"(related( stories| articles| coverage)?|read (more|also|next)|see also|more (on this|from)"
    r"|recommended|most (read|popular)|trending|watch|lee (tambien|mas)|te puede interesar"
    r"|tambien te puede interesar|ver (tambien|mas)|mas noticias|noticias relacionadas"
    r"|relacionad[oa]s?|leer mas|mira tambien|te recomendamos|recomendamos|you (may|might) "
    r"(also )?(like|be interested( in)?|enjoy)|(a )?lire aussi|voir aussi|leia tambem"
    r"|veja tambem|lesen sie auch|mehr zum thema|mas sobre|recommended for you|most popular"
    r"|lo mas (leido|visto)|mas leidas?|don't miss|no te pierdas|also read|further reading)"
    r"\s*[:»>|-]+.{0,200}|"
    r"(mas sobre|more (about|on|from)|temas (que aparecen )?en esta nota|topics in this "
    r"(article|story))\b[^.!?]{0,60}|"
    r"(related( stories| articles| coverage)?|read more|see also|te puede interesar|lee tambien"
    r"|noticias relacionadas|leer mas)",
    re.I,
)

# Lines made only of interface words are site chrome ("Header Image Mobile Header Image").
_UI_WORDS = set(
    """header footer image images img mobile desktop menu logo search home navigation nav toggle
    skip main content close open share print email e-mail mail tweet facebook twitter x whatsapp
    linkedin pinterest reddit telegram instagram youtube tiktok threads bluesky flipboard copy link
    links comments comment subscribe login log in sign up register advertisement ad ads next
    previous prev back top more sections section newsletter newsletters donate about contact
    privacy policy terms accept cookies settings icon button banner placeholder loading video
    videos photo photos gallery slideshow play pause mute fullscreen caption expand collapse
    buscar inicio cerrar abrir compartir imprimir correo enlace comentarios comentario
    suscribirse suscribete registrarse publicidad siguiente anterior volver arriba mas menú menu
    secciones boletin donar contacto privacidad aceptar galeria foto fotos reproducir and y the
    of de now regístrate registrate entrar iniciar sesion sesión assine assinar entrar sair
    cadastre-se cadastrar conectar connexion connecter abonnez-vous anmelden abonnieren
    e-edition edition epaper e-paper app apps podcasts podcast events newsletters site map
    sitemap help support careers jobs advertise store""".split()
)
_SECTION_WORDS = set(
    """news blog blogs press release releases opinion opinions politics world local national us
    u.s. nation sports business tech technology entertainment culture health science lifestyle
    immigration latest breaking analysis editorial features feature metro region regional
    economy education environment media magazine stories story updates update live archive
    noticias politica mundo deportes opinion economia cultura salud ciencia tecnologia
    espectaculos entretenimiento inmigracion nacional internacional locales local ultima hora
    actualidad sociedad comunicados comunicado prensa""".split()
) | _UI_WORDS

_CREDIT_WORDS = (r"(photos?|photographs?|images?|pictures?|fotos?|fotografias?|imagen(es)?"
                 r"|credits?|creditos?|courtesy|cortesia|video)")
_AGENCIES = (
    r"(getty( images)?|ap( photos?)?|afp( via getty images)?|reuters|efe|shutterstock"
    r"|istock(photo)?"
    r"|the associated press|associated press|bloomberg( via getty images)?|nyt|the new york times"
    r"|via getty images|alamy|sipa|zuma( press)?|anadolu|europa press|xinhua|epa(-efe)?|upi"
    r"|corbis|newscom|imago|dpa|ansa|notimex|cuartoscuro|unsplash|pexels|flickr)"
)
_CREDIT_LINE = re.compile(
    rf"({_CREDIT_WORDS}( by| de| courtesy of| credit| cortesia de| provided by)?\s*[:/|-]?\s*"
    rf"[^.!?]{{0,70}}"
    rf"|[^.!?]{{0,50}}/\s*{_AGENCIES}"
    rf"|{_AGENCIES}(\s*/\s*[^.!?]{{0,50}})?"
    rf"|(\(?\s*{_CREDIT_WORDS}\s+(provided|supplied|courtesy|cortesia|suministrada|archivo|file"
    rf"|handout|especial)\s*\)?\s*[/|,]?\s*)+)",
    re.I,
)
_CREDIT_WORD_RE = re.compile(rf"\b{_CREDIT_WORDS}\b|/\s*{_AGENCIES}\s*$|^{_AGENCIES}\b", re.I)
_BARE_CREDIT = re.compile(rf"\(?\s*{_CREDIT_WORDS}\s+\w+\s*\)?\.?", re.I)  # "(Photo provided)"
# A credit at the end of a caption line: "... (photo provided)" or "... Jane Doe/Getty".
_TRAILING_CREDIT = re.compile(
    rf"\s*\(\s*{_CREDIT_WORDS}\b[^()]{{0,60}}\)\s*$"
    rf"|(?-i:(?<=[.!?\"”’)])\s*(?:[A-ZÀ-Þ][\w.'’-]*\s+){{0,3}}[A-ZÀ-Þ][\w.'’-]*\s*/\s*(?:Staff "
    rf"photographer|Staff|Contributor|Freelance|Special to [\w .]+|For [\w .]+|[A-Z][A-Z .'’-]"
    rf"{{2,30}})\s*$)"
    rf"|(?<=[.!?\"”’)])\s+(?:REUTERS|AP|AFP|EFE|EPA|GETTY IMAGES|BLOOMBERG|XINHUA|DPA)/"
    rf"[^/\n]{{2,40}}(?:/File Photo|/Archivo|/Pool)?\s*$"
    rf"|(?<=[.!?\"”’)])\s+(?:[A-Z][\w.'’-]*\s+){{0,3}}[A-Z][\w.'’-]*\s*/\s*{_AGENCIES}\s*$"
    rf"|(?<=[.!?\"”’)])\s+{_CREDIT_WORDS}\s*:\s*[^.!?]{{2,60}}$",
    re.I,
)
# Embedded social posts: "— Jane Doe (@jane) August 11, 2019", "pic.twitter.com/x",
# "A post shared by X (@x)".
_SOCIAL_RE = re.compile(
    r"([-—–]?\s*[^()]{1,60}\(@\w{1,30}\)\s+\w+\.? \d{1,2},? \d{4}"
    r"|(https?://)?pic\.twitter\.com/\w+|a post shared by .{1,80}"
    r"|(view|ver) (this post|esta publicacion) (on|en) instagram)",
    re.I,
)

_NETWORKS = re.compile(r"\b(facebook|twitter|instagram|linkedin|youtube|tiktok|telegram"
                       r"|whatsapp|threads|bluesky|mastodon)\b")
_PROMPT = re.compile(r"\b(newsletters?|subscribe|subscribing|suscrib\w*|follow us|siguenos"
                     r"|seguir(nos)?|boletin|sign up|escribirnos|write to us|contact us)\b")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_WORD = re.compile(r"[\w'’.-]+")


def _strip_decoration(folded: str) -> str:
    """Trim bullets, separators and surrounding punctuation from a folded line."""
    return folded.strip(" \t|•·*>»«-_=~#:;,.!?()[]{}\"'")


_MENU_SPLIT = re.compile(r"\s*[|›»>·•\t]\s*|\s{2,}|\s+[/–—-]\s+")
# Where _MENU_SPLIT finds something, and only there: the same three cases without the
# optional spaces around them, which its search tries at every character of a line.
_MENU_HINT = re.compile(r"[|›»>·•\t]|\s\s|\s[/–—-]\s")
_BREADCRUMB = re.compile(r"[›»>]")


def _is_menu(line: str) -> bool:
    """Navigation by line shape: short items joined by | › > · • tabs or runs of spaces.

    >>> _is_menu("Home | News | Arts & Culture | Food & Drink")
    True
    >>> _is_menu("Inicio > Economía > Empleo")
    True
    >>> _is_menu("10/23/2018 | Written by Tessa Lindqvist")
    False
    """
    stripped = line.strip()
    if not _MENU_HINT.search(stripped):
        return False
    items = [i for i in _MENU_SPLIT.split(stripped) if i.strip()]
    needed = 2 if _BREADCRUMB.search(stripped) else 3
    longest = 5 if len(items) >= 4 else 4
    return len(items) >= needed and all(
        len(i.split()) <= longest and not re.search(r"[.!?,;:\"“”]$|\d", i) for i in items
    )


# Self-promotion that names the site ("Support The Stranger"): only in the page's chrome,
# where a short imperative line cannot be a headline or a sentence.
_PROMO_RE = re.compile(
    r"(support|donate to|contribute to|apoya a|apoye a|apoia|subscribe to|suscribete a"
    r"|follow|siguenos en|sigue a) [\w .'&-]{1,40}",
    re.I,
)
# Wire copy ends with its credits; what follows is the site's furniture.
_SIGN_OFF = re.compile(r"^\(?(reporting|writing|editing|additional reporting|compiled|"
                       r"reporte|redacci[oó]n|edici[oó]n) (by|de|por)\b", re.I)
_CAPTION = re.compile(r"^(FILE PHOTO|PHOTO|IMAGE|PICTURE|FOTO|FOTO DE ARCHIVO|ARCHIVO|"
                      r"File photo|Photo illustration)\s*:\s*\S")


def is_widget_line(line: str) -> str | None:
    """The reason a line is site residue, or None if it may be article text.

    >>> is_widget_line("Please enter your comment!")
    'comment form'
    >>> is_widget_line("Please enter your comment if you agree, she said.") is None
    True
    """
    folded = _fold(line)
    core = _strip_decoration(folded)
    if not core:
        return "decoration" if folded else None
    # Accents are folded only for the widget vocabulary, never for the text that is kept.
    plain = strip_accents(core)
    plain_folded = strip_accents(folded)
    # the line untrimmed, when trimming changed it (a line of prose has nothing to trim)
    other = plain_folded if plain_folded != plain else None
    for reason, rx in _WIDGET_RES.items():
        if rx.fullmatch(plain) or (other is not None and rx.fullmatch(other)):
            return reason
    if _TEASER_RE.fullmatch(plain) and not _SENTENCE_END.search(line.strip()):
        return "related-story teaser"
    if _SOCIAL_RE.fullmatch(plain):
        return "embedded social post"
    words = re.findall(r"[\w'.-]+", plain)
    if words and len(words) <= 12 and all(w in _UI_WORDS for w in words) and \
            not line.rstrip().endswith(":"):  # "Contact:" introduces content
        return "site chrome"
    if _is_menu(line):
        return "navigation"
    if _CAPTION.match(line.strip()):
        return "photo caption"
    if len(words) <= 40 and len(set(_NETWORKS.findall(plain))) >= 2 and _PROMPT.search(plain):
        return "follow/subscribe prompt"
    if _is_credit(line, plain_folded):
        return "photo credit"
    # "Want updates? Join our mailing list.": every sentence of a short line is residue
    sentences = [x for x in re.split(r"(?<=[.!?])\s+", line.strip()) if x]
    if 2 <= len(sentences) <= 3 and len(words) <= 25:
        reasons = [is_widget_line(x) if not (x.endswith("?") and len(x.split()) <= 5)
                   else "prompt" for x in sentences]
        if all(reasons) and any(r != "prompt" for r in reasons):
            return next(r for r in reasons if r != "prompt")
    return None


def _is_credit(line: str, plain_folded: str) -> bool:
    """Whether a line is a photo credit; plain_folded is strip_accents(_fold(line))."""
    core = _strip_decoration(plain_folded)
    if not core or len(core.split()) > 14 or _SENTENCE_END.search(line.strip().rstrip(")")):
        # A caption sentence ends with a full stop; a bare credit rarely does.
        if not _BARE_CREDIT.fullmatch(core):
            return False
    return bool(_CREDIT_LINE.fullmatch(core)) and bool(_CREDIT_WORD_RE.search(core))


def _is_section_label(line: str) -> bool:
    if line.rstrip().endswith(":"):
        return False  # "Contact:" introduces what follows
    words = re.findall(r"[\w'.-]+", strip_accents(_fold(line)))
    return bool(words) and len(words) <= 6 and all(w.strip(".") in _SECTION_WORDS or w in
                                                   _SECTION_WORDS for w in words)


def _is_prose(line: str, min_words: int = 12) -> bool:
    return len(_WORD.findall(line)) >= min_words


# --------------------------------------------------------------------------- plain text


def clean_text(text: str, *, dated: bool = False, authors: tuple[str, ...] = ()) -> CleanText:
    """Remove web-scrape residue from plain text; keep every article sentence.

    Four passes over the lines: rules for single lines (widgets, menus, credits, repetition);
    lists of teaser headlines under a label ("Most Popular"); the page's chrome before the
    headline and after the article (masthead, section kickers, footer links, author bio);
    photo captions, recognised by the credit they end with.

    A fifth for what the document states elsewhere (a page's markup): `dated` (its publication
    date) and `authors` (their names). A byline or a timestamp standing alone at the start or
    end of the article then only repeats them. Without them such lines stay: they are where
    the metadata finds the author and the date.
    """
    text = normalize_display(text)
    lines = [ln.rstrip() for ln in text.split("\n")]
    reasons: dict[int, str] = {}

    # 1. single lines
    counts = Counter(_fold(ln) for ln in lines if ln.strip())
    seen: set[str] = set()
    signed_off = False
    for i, ln in enumerate(lines):
        if not ln.strip():
            continue
        reason = is_widget_line(ln)
        if reason is None and signed_off and len(ln.split()) <= 25:
            reason = "after the sign-off"
        if _SIGN_OFF.match(ln.strip()) and i > len(lines) // 2:
            signed_off = True
        folded = _fold(ln)
        if reason is None and folded in seen and len(ln.split()) > 8:
            reason = "repeated paragraph"  # the first occurrence stays
        seen.add(folded)
        if (
            reason is None
            and counts[folded] > 1
            and len(_WORD.findall(ln)) <= 8
            and not _SENTENCE_END.search(ln.strip())
            and not _looks_like_speaker_label(ln)
        ):
            reason = "repeated line"
        if reason:
            reasons[i] = reason

    # 2. teaser lists: a label line, then the headlines under it
    for i, ln in enumerate(lines):
        if i in reasons and reasons[i] != "related-story teaser" or not _TEASER_LABEL.fullmatch(
                _strip_decoration(strip_accents(_fold(ln)))):
            continue
        reasons[i] = "related-story teaser"
        j = i + 1
        if j < len(lines) and not lines[j].strip():
            j += 1
        while j < len(lines) and lines[j].strip() and _is_teaser_headline(lines[j]):
            reasons.setdefault(j, "related-story teaser")
            j += 1

    # 3. the page around the article
    kept = [i for i, ln in enumerate(lines) if ln.strip() and i not in reasons]
    # body prose ends like a sentence; a long headline does not
    prose = [i for i in kept if _is_prose(lines[i]) and _SENTENCE_END.search(lines[i].strip())]
    if prose:
        _mark_top_chrome(lines, kept, prose[0], reasons)
        for i in kept:
            if i in reasons or prose[0] <= i <= prose[-1]:
                continue
            ln = lines[i]
            if _is_section_label(ln):
                reasons[i] = "section label"
            elif len(ln.split()) <= 6 and _PROMO_RE.fullmatch(
                    _strip_decoration(strip_accents(_fold(ln)))):
                reasons[i] = "self-promotion"
            elif i > prose[-1] and len(ln.split()) <= 5 and not _SENTENCE_END.search(ln.strip()):
                reasons[i] = "site chrome"
        for i in kept[-6:]:
            if i not in reasons and _AUTHOR_CONTACT.match(lines[i].strip()):
                reasons[i] = "author contact"

    # 4. captions: a line that ends with a photo credit, or a one-sentence line right above
    # a credit line
    for i, ln in enumerate(lines):
        if i not in reasons and ln.strip():
            m = _TRAILING_CREDIT.search(ln)
            if m and m.start() > 0 and _is_prose(ln[: m.start()], 4):
                reasons[i] = "photo caption"
        elif reasons.get(i) == "photo credit" and i > 0:
            # a caption sits on the line right above its credit, with no blank line between
            above = i - 1
            if above not in reasons and _is_caption_shaped(lines[above]) and \
                    not _is_byline_or_date(lines[above]):
                reasons[above] = "photo caption"

    # 5. bylines and timestamps the document states elsewhere
    if dated or authors:
        _mark_stated_facts(lines, reasons, dated, authors)

    removed = tuple(Removal(lines[i].strip(), reasons[i]) for i in sorted(reasons))
    out = [ln for i, ln in enumerate(lines) if i not in reasons]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
    return CleanText(text=body, removed=removed)


_TEASER_LABEL = re.compile(
    r"(most (popular|read|viewed|shared|commented)( now| stories| articles)?|trending( now| "
    r"stories)?|recommended( for you| stories| reading)?|related( stories| posts| articles"
    r"| coverage| content| news| links)?|more (stories|news|headlines|from [\w .'&-]{1,40}|on "
    r"[\w .'&-]{1,40})|top (stories|news|headlines)|editor'?s'? picks|you (may|might) also "
    r"like|(read|watch) (more|next|also)|popular( now| stories)?|latest( news| stories"
    r"| headlines)?|around the web|from our partners|lo mas (leido|visto|compartido|popular)"
    r"|(las )?mas (leidas?|vistas?|populares)|mas noticias( de [\w .'-]{1,40})?|notas "
    r"relacionadas|noticias relacionadas|relacionad[oa]s|te puede interesar|tambien te puede "
    r"interesar|lee tambien|te recomendamos|ultimas noticias|leia tambem|mais (lidas|vistas"
    r"|populares)|veja tambem|a lire aussi|les plus lus|meistgelesen|mehr zum thema)",
    re.I,
)
# "Jane Roe can be reached at jroe@example.com": contact details, not article text. A bio
# ("Jane Roe covers immigration for ...") stays: it is the outlet's own text about the author.
_AUTHOR_CONTACT = re.compile(
    r"^(?:[A-ZÀ-Þ][\w'’.-]+(?: [A-ZÀ-Þ][\w'’.-]+){1,3} )?(?:can be reached|may be reached|is "
    r"reachable|puede ser contactad[oa]|se le puede escribir)\b.{0,200}$|^(?:follow|sigue a|siga)"
    r" (?:him|her|them|the author|al autor|a la autora) (?:on|en) .{0,80}$|^\S+@\S+\.\w+$",
    re.I,
)


def _is_caption_shaped(line: str) -> bool:
    """One short sentence: what a caption above a credit line looks like."""
    words = line.split()
    return 4 <= len(words) <= 30 and len(re.findall(r"[.!?](\s|$)", line.strip())) <= 1


def _is_teaser_headline(line: str) -> bool:
    """A headline in a list: short, no full stop at the end, maybe numbered."""
    core = re.sub(r"^\s*(\d{1,2}[.)]?|[•·*-])\s+", "", line.strip())
    return 0 < len(core.split()) <= 25 and not re.search(r"[.:;,]$", core)


def _mark_top_chrome(lines: list[str], kept: list[int], first_prose: int,
                     reasons: dict[int, str]) -> None:
    """Before the headline, short lines are the site's: masthead, menus, kickers, buttons."""
    top = [i for i in kept if i < first_prose]
    headline = next((i for i in top if len(lines[i].split()) >= 4 and not _is_byline_or_date(
        lines[i])), None)
    if headline is None:
        # no long line: the last short line before the text may be a short headline
        top = top[:-1]
        headline = first_prose
    masthead_done = False
    for i in top:
        if i >= headline:
            break
        ln = lines[i].strip()
        if len(ln.split()) > 4 or _is_byline_or_date(ln):
            continue
        if _is_section_label(ln):
            reasons[i] = "section label"
            masthead_done = True
        elif not masthead_done and re.fullmatch(r"[\w&'’.-]+(?: [\w&'’.-]+){0,3}", ln) and (
                ln[0].isupper() or ln[0].isdigit()) and \
                strip_accents(ln.lower()) not in _SECTION_WORDS:
            # the first name-like line is the masthead; later ones are section kickers
            reasons[i] = "masthead"
            masthead_done = True
        else:
            reasons[i] = "site chrome"


_BYLINE_OR_DATE = re.compile(
    r"^(by|por|par|von|de|written by|escrito por)\s|\d{1,2}[/.:-]\d{1,2}|\b(19|20)\d{2}\b"
    r"|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic|janv|fev|avr|mai|juin"
    r"|juil|aout|janeiro|fevereiro|marco|maio|junho|julho|agosto|setembro|outubro|novembro"
    r"|dezembro|enero|febrero|marzo|abril|mayo|junio|julio|septiembre|octubre|noviembre"
    r"|diciembre)[a-z]*\.? \d{1,2}(st|nd|rd|th)?\b"
    r"|\b\d{1,2}(st|nd|rd|th)?( de)? (jan|feb|mar|apr|may|jun"
    r"|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic|enero|febrero|marzo|abril|mayo|junio|julio"
    r"|agosto|septiembre|octubre|noviembre|diciembre)"
    r"|^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|miercoles|jueves"
    r"|viernes|sabado|domingo)\b"
    r"|^(for immediate release|press release|news release|comunicado de prensa|para (su )?"
    r"(publicacion|difusion) inmediata|communique de presse)|:$",
    re.I,
)


def _is_byline_or_date(line: str) -> bool:
    """Lines at the top that carry the document's facts: bylines, dates, release headers."""
    return bool(_BYLINE_OR_DATE.search(strip_accents(line.strip())))


def _looks_like_speaker_label(line: str) -> bool:
    return bool(re.match(r"^\s*[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}\s*:", line))


# --------------------------------------------------------------------------- bylines, timestamps
# A whole line that is only a date and time ("Thu 11 Jul 2019 14.42 EDT", "Publié le 6 août
# 2019 à 11h30") or only a byline ("By Jane Doe", "Dana Whitfield in New York", "Jane Doe and
# John Roe, Reuters"). Timestamps are matched without accents and case.

# The month and weekday names the metadata reads dates with, and the short forms only a
# timestamp line uses ("Fev.", "juil.", "Okt.", "sam."; "out" is an English word in prose)
_MONTH = r"(?:" + "|".join(sorted({*MONTHS, "fev", "fevr", "avr", "juil", "janv", "okt", "out",
                                    "set", "dez"}, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:" + "|".join(sorted({
    *WEEKDAYS, "mie", "mer", "jue", "jeu", "vie", "ven", "sab", "sam", "dom", "dim", "lun",
    "mar", "mardi", "segunda", "terca", "quarta", "quinta", "sexta", *(
        f"{d}-feira" for d in ("segunda", "terca", "quarta", "quinta", "sexta"))},
    key=len, reverse=True)) + r")\.?,?"
_YEAR = r"(?:19|20)\d{2}"
_DATE = (
    rf"(?:{_WEEKDAY}\s+)?(?:"
    rf"(?:(?:le|el|the)\s+)?\d{{1,2}}(?:st|nd|rd|th|er|o|º)?\.?\s+(?:de\s+|of\s+)?{_MONTH},?"
    rf"\s+(?:de\s+|del\s+)?{_YEAR}"  # 11 Jul 2019, 11 de julio de 2019, 11. Juli 2019
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}"  # July 11, 2019
    rf"|\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:{_YEAR}|\d{{2}})"  # 11/07/2019, 04.05.22
    rf"|{_YEAR}[/.-]\d{{1,2}}[/.-]\d{{1,2}}(?:t\d{{2}}:\d{{2}}(?::\d{{2}})?(?:\.\d+)?"
    rf"(?:z|[+-]\d{{2}}:?\d{{2}})?)?"  # 2019-07-11, 2019-07-11T14:42:00Z
    rf"|\d{{1,2}}[/.-]{_MONTH}[/.-]{_YEAR})"  # 11-Jul-2019
)
_TIME = (
    r"(?:\d{1,2}(?:[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?)?|\s*[ap]\.?\s?m\.?"
    r"|\s*(?:h|hrs?|uhr))(?:\s*\(?(?:[ecmpa][sd]?t|gmt|utc|bst|cet|cest|ist|hora local|local)"
    r"(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?\)?)?(?:\s*(?:hrs?|horas?|uhr))?)"
)
_STAMP_LABEL = (
    r"(?:(?:first |originally )?published|updated|last (?:updated|modified)|modified|posted"
    r"|publicado|actualizado|publie|mis a jour|modifie|veroffentlicht|aktualisiert|atualizado"
    r"|actualizacion|publicacion|fecha|date|dated)(?:\s+(?:on|at|el|le|em|am|a las))?\s*:?"
)
_STAMP_JOIN = r"(?:\s*(?:,|[-–—|·•/@]|\bat\b|\ba las\b|\ba la\b|\ba\b|\bum\b|\bas\b)\s*|\s+)"
_STAMP = rf"(?:{_STAMP_LABEL}\s*)?(?:{_DATE}(?:{_STAMP_JOIN}{_TIME})?|{_TIME}{_STAMP_JOIN}{_DATE})"
_TIMESTAMP = re.compile(rf"{_STAMP}(?:{_STAMP_JOIN}{_STAMP})*\.?", re.I)

_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ][\w'’-]*\.?)"
_NAME = (rf"{_NAME_WORD}(?:\s+(?:(?:de|del|de la|van|von|der|da|di|dos|du|le|la|bin|al)\s+)?"
         rf"{_NAME_WORD}){{1,3}}")
_NAMES = rf"{_NAME}(?:\s*(?:,|\band\b|\by\b|\be\b|\bet\b|\bund\b|&)\s*{_NAME})*"
_IN = r"(?i:in|en|from|desde|aus|em)"
_BYLINE = re.compile(
    rf"(?:(?i:by|por|par|von|written by|escrito por|reporting by|text by|texto|words by|story by)"
    rf"\s*:?\s+{_NAMES}|{_NAMES}(?=\s+{_IN}\s|\s*[,|–—-]))"  # no "By": a place or outlet follows
    rf"(?:\s+{_IN}\s+[A-ZÀ-Þ][\w'’.-]*(?:\s+(?:de\s+|del\s+)?[A-ZÀ-Þ][\w'’.-]*){{0,3}}"
    rf"(?:,\s*[A-ZÀ-Þ][\w.]*)?)?"  # in New York, in Washington, D.C.
    rf"(?:\s*[,|–—-]\s*(?:(?:the|The|la|La|el|El)\s+)?[A-ZÀ-Þ][\w'’.&-]*(?:\s+[A-ZÀ-Þ][\w'’.&-]*)"
    rf"{{0,3}})?"  # , Reuters / , Staff Writer
)
_FACT_EDGE = " |·•,–—-"


def is_byline_or_timestamp(line: str) -> str | None:
    """"byline", "timestamp" or "byline and timestamp" for a line that is only that.

    >>> is_byline_or_timestamp("Dana Whitfield in New York")
    'byline'
    >>> is_byline_or_timestamp("Published 3:15 PM ET, Thu July 11, 2019")
    'timestamp'
    >>> is_byline_or_timestamp("By Ann Lee | Nov. 3, 2019")
    'byline and timestamp'
    >>> is_byline_or_timestamp("On July 11, 2019, Dana Whitfield flew in.") is None
    True
    """
    line = squash(line)
    if not line or len(line) > 160 or _SENTENCE_END.search(line) and line[-1] != ".":
        return None
    if _TIMESTAMP.fullmatch(strip_accents(line)):
        return "timestamp"
    if _BYLINE.fullmatch(line):
        return "byline"
    for gap in re.finditer(r"\s+", line):  # a byline, then its timestamp
        head, tail = line[: gap.start()].rstrip(_FACT_EDGE), line[gap.end():].lstrip(_FACT_EDGE)
        if head and tail and _BYLINE.fullmatch(head) and \
                _TIMESTAMP.fullmatch(strip_accents(tail)):
            return "byline and timestamp"
    return None


def _mark_stated_facts(lines: list[str], reasons: dict[int, str], dated: bool,
                       authors: tuple[str, ...]) -> None:
    """Paragraphs of bylines and timestamps the document states elsewhere: before the body
    (after at most a headline and a standfirst) or after it."""
    names = [f" {k} " for k in map(name_key, authors) if len(k.split()) >= 2]
    paragraphs: list[list[int]] = [[]]  # the lines still kept, by paragraph
    for i, ln in enumerate(lines):
        if not ln.strip():
            paragraphs.append([])
        elif i not in reasons:
            paragraphs[-1].append(i)
    paragraphs = [p for p in paragraphs if p]

    def kinds(paragraph: list[int]) -> dict[int, str | None]:
        return {i: is_byline_or_timestamp(lines[i]) for i in paragraph}

    def stated(found: dict[int, str | None]) -> bool:
        # a line stating what the rest does not stays: the metadata may read it there
        return all(k and ("timestamp" not in k or dated) and ("byline" not in k or any(
            n in f" {name_key(lines[i])} " for n in names)) for i, k in found.items())

    before = 0  # a headline, a standfirst
    for p in paragraphs:
        found = kinds(p)
        if stated(found):
            reasons.update({i: k for i, k in found.items() if k})
        elif all(found.values()):
            continue  # a byline or timestamp that stays is still the article's head
        elif before == 2 or len(_WORD.findall(" ".join(lines[i] for i in p))) > 50:
            break  # the body has begun
        else:
            before += 1
    for p in reversed(paragraphs):
        found = kinds(p)
        if stated(found):
            reasons.update({i: k for i, k in found.items() if k})
        elif not all(found.values()):
            break  # the body ends here


# --------------------------------------------------------------------------- markdown

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a YAML-style `key: value` header off a Markdown text.

    >>> split_front_matter("---\\ntitle: \\"A b\\"\\ndate: 2019-08-11\\n---\\nBody")
    ({'title': 'A b', 'date': '2019-08-11'}, 'Body')
    """
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    meta: dict[str, str] = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z_][\w-]*", key.strip()):
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if value:
            meta[key.strip().lower()] = value
    return meta, text[m.end():]


def markdown_title(text: str) -> str | None:
    """The title a Markdown text gives itself: a level-1 heading (`# Title`, or a line
    underlined with `===`) among its first five lines, before any other heading.

    >>> markdown_title("# Dock Strike *Spreads*\\n\\nCrane drivers walked out.")
    'Dock Strike Spreads'
    >>> markdown_title("Dock Strike\\n===========\\n\\nText.")
    'Dock Strike'
    >>> print(markdown_title("Crane drivers walked out.\\n\\n## Background\\n\\n# Notes"))
    None
    """
    lines = [ln for ln in text.split("\n") if ln.strip()][:6]
    for i, line in enumerate(lines[:5]):
        if re.match(r"^\s*(```|~~~)", line):
            return None
        m = re.match(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m:
            return markdown_to_text(m.group(2)) or None if len(m.group(1)) == 1 else None
        if i + 1 < len(lines) and re.fullmatch(r"\s{0,3}=+\s*", lines[i + 1]):
            return markdown_to_text(line.strip()) or None
        if i + 1 < len(lines) and re.fullmatch(r"\s{0,3}-+\s*", lines[i + 1]):
            return None  # a level-2 heading first
    return None


def markdown_to_text(text: str) -> str:
    """Markdown to plain text: markup dropped, paragraphs kept.

    >>> markdown_to_text("## Head\\n\\nSee [the *report*](http://x.org) ![pic](a.png)")
    'Head\\n\\nSee the report'
    """
    out: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if re.match(r"^\s*(```|~~~)", line):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(line)
            continue
        if re.match(r"^\s*\[[^\]]+\]:\s*\S+", line) or re.fullmatch(r"\s*([-*_]\s*){3,}", line):
            continue  # link definitions and horizontal rules
        line = re.sub(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", r"\1", line)
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        line = re.sub(r"^(\s*)(?:[-*+]|\d+[.)])\s+", r"\1", line)
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", "", line)
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", line)
        line = re.sub(r"<(https?://[^>]+)>", r"\1", line)
        line = re.sub(r"`([^`]+)`", r"\1", line)
        line = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", line)
        line = re.sub(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])", r"\2", line)
        line = re.sub(r"</?[A-Za-z][^>]*>", "", line)
        out.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


# --------------------------------------------------------------------------- HTML


#: Elements nested deeper than this are replaced by their text: real pages stay well under
#: it, and the per-element measures of cleaning cost time in proportion to depth.
MAX_DEPTH = 100


def parse_html(text: str) -> BeautifulSoup:
    """Parse a page with lxml (fast, lenient, and named so bs4 never guesses); nesting beyond
    MAX_DEPTH is flattened, so a hostile page of 20,000 nested <div> cleans in linear time."""
    soup = BeautifulSoup(text, "lxml")
    _limit_depth(soup, MAX_DEPTH)
    return soup


def _limit_depth(soup: BeautifulSoup, limit: int) -> None:
    """Replace each element nested deeper than `limit` by its text.

    >>> soup = BeautifulSoup("<b>" * 5 + "deep <i>text</i><script>x()</script>" + "</b>" * 5,
    ...                      "html.parser")
    >>> _limit_depth(soup, 2); str(soup)
    '<b><b>deep text</b></b>'
    """
    too_deep = []
    stack = [(soup, 0)]
    while stack:
        el, depth = stack.pop()
        for child in el.contents:
            if not isinstance(child, Tag):
                continue
            if depth + 1 > limit:
                too_deep.append(child)  # its own descendants go with it
            else:
                stack.append((child, depth + 1))
    for el in too_deep:
        for code in el.find_all(_DROP_TAGS):  # no script or style text in what is kept
            code.decompose()
        el.replace_with(NavigableString(el.get_text(" ")))


def _gone(el: Tag) -> bool:
    """`el.decomposed`, in constant time: on a live tag bs4 looks the missing `_decomposed`
    attribute up as a child tag name, searching every descendant on each call."""
    return el.__dict__.get("_decomposed", False)


_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "button", "input", "select", "textarea", "option", "link", "meta", "video", "audio", "map",
    "head", "title", "base", "frameset", "frame", "applet",
)
# Furniture by tag, unless it holds most of the page's prose (some sites wrap the whole page
# in a <form>, or the article in an <aside>-styled container).
_FURNITURE_TAGS = {"nav": "navigation", "aside": "aside", "footer": "footer",
                   "form": "form", "dialog": "dialog", "menu": "menu"}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog",
               "alertdialog", "menu", "menubar", "toolbar", "tablist", "alert", "form"}
_BLOCK = {
    "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td", "th", "tbody",
    "thead", "tfoot", "figure", "figcaption", "hr", "address", "details", "summary", "center",
    "body", "html", "caption", "fieldset", "legend",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

# Class and id words that mark page furniture; matched against words of the attribute values.
_NEGATIVE = set(
    """share sharing sharebar social socials comment comments commentlist discussion disqus
    related recommend recommended recommendations newsletter newsletters subscribe subscription
    signup promo promos promotion advert advertisement advertising ad ads adslot adunit dfp
    banner cookie cookies consent gdpr sidebar widget widgets breadcrumb breadcrumbs menu nav
    navbar navigation footer masthead popup modal overlay outbrain taboola sponsor sponsored
    tags taglist tag more-stories most-popular mostpopular popular trending paywall login
    toolbar skip hidden offscreen visually-hidden sr-only byline-social author-bio bio
    teaser teasers rail carousel slider pagination pager prevnext next-article read-more
    readmore also-read leer-mas relacionadas relacionados noticias-relacionadas compartir
    comentarios publicidad gallery slideshow scroller syndication suscripcion boletin
    newsletter-signup print email mailto tooltip
    storyline-related inline-related video-player related-content related-links caption
    captions credit credits figcaption wp-caption-text photo-credit image-credit""".split()
)
# Words no wrapper of an article carries: inside the article these are always widgets.
_WIDGETS_STRONG = {"gallery", "slideshow", "carousel", "comments", "commentlist", "related",
                   "recommended", "newsletter", "outbrain", "taboola", "cookie", "consent",
                   "advert", "advertisement", "promo"}
_POSITIVE = set(
    """article articlebody article-body article-content article-text articletext story
    story-body storybody story-content story-text post post-content post-body entry
    entry-content content-body body-text bodytext main-content text main content cuerpo
    nota-cuerpo cuerpo-nota texto article__body article__content c-article-body
    paragraph paragraphs""".split()
)


# WordPress-style taxonomy classes ("tag-immigration", "category-news", "has-sidebar") describe
# the post, not the element's role; their words must not mark the element as furniture.
_TAXONOMY = re.compile(
    r"^(tag|tags|category|categories|cat|postid|post|type|status|format|has|is|no|with|without"
    r"|section|author|topic|topics|page|single|lang|js|wp|theme|template|site|brand|bbx)[-_]",
    re.I,
)


def _attr_words(el: Tag, roles: bool = False) -> set[str]:
    """Lower-cased class/id tokens and their parts ("story-body" -> story-body, story, body).

    With roles=True, taxonomy tokens ("tag-ice") are left out.
    """
    raw = " ".join(el.get("class") or []) + " " + str(el.get("id") or "")
    words: set[str] = set()
    for token in raw.split():
        if roles and _TAXONOMY.match(token):
            continue
        words.add(token.lower())
        words.update(p.lower() for p in re.split(r"[-_]+|(?<=[a-z])(?=[A-Z])", token) if p)
    return words


def _text_of(el: Tag) -> str:
    return squash(el.get_text(" ", strip=True))


def _link_density(el: Tag) -> float:
    text = len(_text_of(el))
    if not text:
        return 0.0
    links = sum(len(_text_of(a)) for a in el.find_all("a"))
    return min(links / text, 1.0)


def _prose_len(el: Tag) -> int:
    """Characters of running text (long strings outside links): how much article it holds."""
    return sum(
        len(s) for s in el.find_all(string=True)
        if len(s) >= 40 and not isinstance(s, PreformattedString) and s.parent is not None
        and s.parent.name != "a"
    )


def clean_html(soup: BeautifulSoup, dated: bool = False, authors: tuple[str, ...] = ()
               ) -> CleanText:
    """Keep the article of a parsed page: furniture removed, main content picked, text out.

    Mutates the soup; read the page's metadata before calling this. dated, authors: what
    its markup states (metadata.stated_facts), as clean_text takes them.
    """
    removed: list[Removal] = []
    root = soup.body or soup

    # comments, and markup that is not text: a doctype or processing instruction pasted
    # into the article from another page
    for c in root.find_all(string=lambda s: isinstance(s, PreformattedString)):
        c.extract()
    for el in root.find_all(_DROP_TAGS):
        if not _gone(el):
            el.decompose()

    total_prose = _prose_len(root) or 1
    for el in list(root.find_all(True)):
        if _gone(el) or el.name in ("html", "body"):
            continue
        reason = _furniture_reason(el, total_prose)
        if reason:
            _record(removed, el, reason)
            el.decompose()

    blocks = _pick_main(root)
    blocks = _ledes_before(blocks) + blocks
    for block in blocks:
        _prune_inside(block, removed)
    paragraphs = [p for block in blocks for p in _render_blocks(block)]
    # A page with no block structure at all: fall back to all remaining text.
    if not paragraphs:
        paragraphs = [_text_of(root)] if _text_of(root) else []

    # The same residue rules as plain text catch what sits inside the article container, and
    # a byline or timestamp that the page's markup states too.
    cleaned = clean_text("\n\n".join(paragraphs), dated=dated, authors=authors)
    return CleanText(text=cleaned.text, removed=tuple(removed) + cleaned.removed)


def _furniture_reason(el: Tag, total_prose: int) -> str | None:
    attrs = el.attrs or {}
    if el.name in _FURNITURE_TAGS:
        if _prose_len(el) > 0.5 * total_prose and total_prose > 500:
            return None
        return _FURNITURE_TAGS[el.name]
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return "hidden element"
    style = str(attrs.get("style", "")).replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return "hidden element"
    role = str(attrs.get("role", "")).lower()
    if role in _DROP_ROLES:
        return f"{role} element"
    if el.name == "header" and el.find_parent(["article", "main"]) is None:
        return "page header"
    if el.name == "figure":
        return "figure and caption"
    words = _attr_words(el, roles=True)
    if not words:
        return None
    negative = words & _NEGATIVE
    if not negative:
        return None
    # A wrapper holding much of the page's prose is the page, not a widget inside it
    # ("content has-sidebar", "pg-side-of-rail").
    if _prose_len(el) > 0.3 * total_prose and total_prose > 500:
        return None
    return f"page furniture ({sorted(negative)[0]})"


_LINK_BLOCKS = ("div", "section", "ul", "ol", "li", "p", "table", "dl", "span", "h2", "h3", "h4",
                "h5", "h6")


def _prune_inside(block: Tag, removed: list[Removal]) -> None:
    """Inside the article: drop widgets (galleries, share bars) and short link lists."""
    block_prose = _prose_len(block) or 1
    for el in list(block.find_all(True)):
        if _gone(el):
            continue
        words = _attr_words(el, roles=True) & _NEGATIVE
        if words & _WIDGETS_STRONG or words and _prose_len(el) < 0.8 * block_prose:
            _record(removed, el, f"page furniture ({sorted(words)[0]})")
            el.decompose()
            continue
        if el.name not in _LINK_BLOCKS or (el.name == "span" and el.find(_BLOCK)):
            continue
        text = _text_of(el)
        if 0 < len(text) < 300 and _link_density(el) > 0.6:
            _record(removed, el, "link list or teaser")
            el.decompose()


def _record(removed: list[Removal], el: Tag, reason: str) -> None:
    text = _text_of(el)
    if text:
        removed.append(Removal(text if len(text) <= 500 else text[:500] + " …", reason))


def _pick_main(root: Tag) -> list[Tag]:
    """The elements that hold the article: marked-up article body, else best-scoring blocks."""
    marked = [
        el for el in root.find_all(attrs={"itemprop": re.compile("articleBody", re.I)})
        if len(_text_of(el)) > 200
    ]
    if marked:
        return marked[:1]
    scores: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    for el in root.find_all(["p", "pre", "td", "blockquote", "div", "section", "li"]):
        if el.name in ("div", "section", "li") and el.find(_BLOCK - {"br"}):
            continue  # only leaf-level text blocks are scored
        text = _text_of(el)
        if len(text) < 25:
            continue
        score = 1 + text.count(",") + text.count("،") + min(len(text) // 100, 3)
        for level, anc in enumerate(el.parents):
            if level >= 3 or anc is None or anc.name in ("html", "[document]"):
                break
            key = id(anc)
            if key not in scores:
                nodes[key] = anc
                scores[key] = _initial_score(anc)
            scores[key] += score / (1, 2, 3)[level]
    if not scores:
        return [root]
    for key, el in nodes.items():
        scores[key] *= 1 - _link_density(el)
    best_key = max(scores, key=scores.__getitem__)
    best = nodes[best_key]
    # Siblings that carry article text too (articles split across several containers).
    parent = best.parent
    if parent is None or best.name == "body":
        return [best]
    threshold = max(10.0, scores[best_key] * 0.2)
    keep = []
    for sib in parent.children:
        if not isinstance(sib, Tag):
            continue
        if sib is best:
            keep.append(sib)
            continue
        s = scores.get(id(sib))
        text = _text_of(sib)
        if s is not None and s >= threshold:
            keep.append(sib)
        elif sib.name == "p" and len(text) > 80 and _link_density(sib) < 0.25:
            keep.append(sib)
    return keep


_LEDE = {"perex", "excerpt", "lead", "lede", "standfirst", "dek", "deck", "summary",
         "subtitle", "subheadline", "sub-headline", "bajada", "entradilla", "sumario", "copete",
         "intro", "description", "article-summary", "chapo", "chapeau", "teaser-text", "abstract"}


def _ledes_before(blocks: list[Tag]) -> list[Tag]:
    """Standfirsts (dek, perex, excerpt) that sit beside the article body, not inside it."""
    if not blocks:
        return []
    first = blocks[0]
    scope = first.find_parent(["article", "main"]) or first.parent
    if scope is None:
        return []
    inside = {id(b) for b in blocks}
    found: list[Tag] = []
    for el in scope.find_all(True):
        if el is first:
            break  # only what comes before the body in document order
        if any(id(p) in inside for p in el.parents) or any(el in f.descendants for f in found):
            continue
        if _attr_words(el) & _LEDE and len(_text_of(el)) >= 40 and _link_density(el) < 0.5:
            found.append(el)
    return found


def _initial_score(el: Tag) -> float:
    score = {"div": 5, "article": 10, "main": 8, "section": 3, "pre": 3, "td": 3,
             "blockquote": 3, "ol": -3, "ul": -3, "li": -3, "form": -3, "dl": -3,
             "h1": -5, "h2": -5, "h3": -5, "th": -5, "address": -3}.get(el.name, 0)
    words = _attr_words(el, roles=True)
    if words & _POSITIVE:
        score += 25
    if words & _NEGATIVE:
        score -= 25
    return score


def _render_blocks(el: Tag) -> list[str]:
    """Text of an element as paragraphs: block elements break, inline elements flow."""
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = re.sub(r"[ \t\f\v\u00a0]*\n[ \t\f\v\u00a0]*", "\n", "".join(current))
        text = re.sub(r"[ \t\f\v]+", " ", text).strip()
        if text:
            paragraphs.append(text)
        current.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, PreformattedString):
                continue
            if isinstance(child, NavigableString):
                s = str(child)
                if node.name == "pre":
                    current.append(s)
                else:
                    current.append(re.sub(r"\s+", " ", s))
                continue
            if not isinstance(child, Tag):
                continue
            if child.name == "br":
                current.append("\n")
                continue
            if child.name in _BLOCK:
                flush()
                if child.name in ("td", "th"):
                    walk(child)
                    current.append(" ")
                    continue
                walk(child)
                flush()
            else:
                walk(child)

    walk(el)
    flush()
    # A single <br> is a line break inside a paragraph; a double one separates paragraphs.
    out: list[str] = []
    for p in paragraphs:
        out.extend(part.strip() for part in re.split(r"\n\s*\n", p) if part.strip())
    return out

"""Image-wide settings said as tag lists: picture properties ("highly detailed", "4k"), styles and photo kinds, the
settings of several words taken out of the text before tokenising (_multiword_settings), and the word tests they
need (a style, a place, a seat that holds people). They give the image's checks, never an object's.
"""

from __future__ import annotations

import re
from functools import cache

from .. import lexicon
from .. import vocabulary as vocab
from ..concepts import colour_name
from .rewrites import _QUOTES
from .words import (
    _COMPOUNDS,
    _CONJUNCTIONS,
    _DETERMINERS,
    _IMAGE_TAGS,
    _NUMBERS,
    _PEOPLES,
    _article,
    _is_plural,
    _words,
    singular_noun,
)

# An article-less item of a list that names a property of the whole picture by its head noun ("pastel palette",
# "parchment texture", "a Blade Runner aesthetic" without its article, "soft window light", "warm tones"): a style
# or the light, never a thing in the picture (a palette, a window). General English words for a picture's look.
_PICTURE_PROPERTY_HEADS = {
    **dict.fromkeys(
        _words("palette, color palette, colour palette, color scheme, colour scheme, texture, aesthetic, vibe, vibes,"
               " tones, color grading, colour grading, atmosphere, mood, colors, colours, color, colour, detail, details,"
               " composition,"
               " look, quality"),
        "style",
    ),
    "light": "light",
    "lighting": "light",
}  # fmt: skip


_PICTURE_PROPERTY_HEADS_LONGEST_FIRST = tuple(sorted(_PICTURE_PROPERTY_HEADS, key=len, reverse=True))

# Makers of cameras and lenses, film stocks, large formats and 3D renderers (general photography and CG): named as a
# tag of their own, after the prompt's subject ("..., Kodak Portra 400, Leica", "..., shot on Canon EOS", "...,
# Nikon D850, IMAX", "..., redshift"), they say what the picture was made with, which no one can see in it; they
# were read as things ("Is Leica in the image?", "Is there an imax?"). Only words that are no everyday thing ("a
# Polaroid camera" in a sentence is one; "blender" and "corona" are things), and not a kind of picture ("vray render",
# "polaroid photo": asked as the image's style).
_PICTURE_TOOLS = frozenset(
    _words(
        """
        canon nikon sony leica hasselblad fujifilm kodak polaroid olympus pentax lumix ilford portra ektachrome
        kodachrome ektar velvia provia cinestill imax arri mamiya zeiss gopro lomography holga contax rolleiflex
        yashica minolta redshift vray keyshot c4d cinema4d
        """
    )
)
_TOOL_ITEM = re.compile(
    r"(?<=[,;.])\s*(?P<phrase>(?:(?:shot|taken|photographed) (?:on|with) (?:an? )?)?(?:"
    + "|".join([*sorted(_PICTURE_TOOLS), "fuji film", "fuji superia"])  # "Fuji" alone is a mountain too
    # what may follow the maker is a model's designation: words with a digit, or a maker's model and film words
    # ("Canon EOS R5", "Kodak Portra 400", "Leica M6"); anything else is a thing ("sony headphones", "Mt. Fuji at
    # dawn" keep theirs)
    + r")(?: (?:[a-z]*\d[a-z0-9]*|eos|mark|ii|iii|iv|pro|portra|ektar|gold|tri-x|rebel|alpha|instax|mini|film)){0,3})"
    + r"\s*(?=[,;.]|$)"
)


_PICTURE_PROPERTY_ITEM = re.compile(
    r"(?:^|[,;:.])\s*(?P<means>(?:using|in) (?:only )?)?(?P<phrase>(?:(?!(?:a|an|the|and|or|with|in|on|of|at|by|to"
    r"|from|for|under|below|above|over|near|using"
    r"|behind|beside|next|into|onto|across|through|around|between|is|are)\b)[a-z][a-z0-9']* ){1,3}(?:"
    + "|".join(map(re.escape, _PICTURE_PROPERTY_HEADS_LONGEST_FIRST))
    + r"))(?P<only> only)?\s*(?=[,;.]|$)"
)


# A prompt tag (a list item of its own) naming how the picture is made or where it would be shown: "trending on
# polycount" (any site, as "trending on artstation"), an art movement ("modular constructivism", "surrealism"), a
# renderer's look ("physically based rendering", "unreal render"), the kind of photo the picture is ("DSLR photo",
# "vintage photo": no "of", no article), a name's style ("Wes Anderson style"). No thing in the picture (they were read as
# things: "Is there a polycount?", "Are the pencils trending?", "Is there a constructivism?").
_STYLE_ITEM = re.compile(
    r"(?:^|[,;:.])\s*(?P<phrase>trending on [a-z0-9]+(?: [a-z0-9]+)?|(?:[a-z][a-z-]* ){0,2}[a-z]{3,}ism|pre ?- ?[a-z]{4,}"
    r"|(?:[a-z][a-z-]* ){0,2}render(?:ing)?|(?:[a-z0-9][a-z0-9-]* ){0,2}(?:photo|photograph|snapshot|photoshoot|photo shoot)"
    r"|mixed media|screen ?print|silk ?screen(?: print)?|woodcut|linocut|lithograph|collage|gouache"
    r"|(?:[a-z]+ )?ink wash(?: painting)?|charcoal (?:drawing|sketch)|graphite (?:drawing|sketch)"
    r"|(?:oil|acrylic|ink|watercolou?r|gouache|charcoal|pastel|pencil|graphite|tempera) on (?:canvas|paper|panel|board|linen)"
    r"|(?:[a-z][a-z-]* ){1,3}movement|(?:[a-z][a-z-]*\s+){1,5}style|(?:[a-z0-9][a-z0-9-]* ){1,2}lens)\s*(?=[,;.]|$)"
)


# Words before "photo" that say what kind of photo it is (general English), not what it shows: "a stock photo", "a
# DSLR photo"; any other noun there is what the photo shows ("a graveyard photo": a photo of a graveyard)
_PHOTO_KINDS = frozenset(
    _words(
        """
        stock dslr polaroid film studio macro aerial drone iphone instagram passport portrait product fashion press
        news archive archival travel selfie glamour editorial mugshot snapshot documentary analog analogue color
        colour
        """
    )
)


_MEDIUM_ON_SUPPORT = re.compile(r"\b(?:oil|acrylic|ink|watercolou?r|gouache|tempera) on (?:canvas|panel|linen)\b")


_CONCRETE_ISMS = frozenset(_words("organism organisms microorganism microorganisms mechanism mechanisms prism prisms"))


def _names_in_a_tag_list(text: str, lowered: str, found: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Names in a prompt's list of tags ("..., moebius, brom, ian miller, moody colors", "..., Moebius, Greg
    Rutkowski, Zabrocki"): whose style the picture is in (the artists, studios and cameras such prompts name), never
    a thing in it ("Is there a moebius?"). A tag is a name when it is not the prompt's first item, has one to three
    words whose first the dictionary does not know (and that is no thing the world draws, and no plural: "nigiri,
    sashimi, wasabi", "macbook, airpods", "chanterelles, morels" are things), and is a name of two or three words
    by its capitals or its words ("Greg Rutkowski", "makoto shinkai"; "viking army" is a thing), or one word
    written with a capital or in a run of such tags with such a name ("moebius, brom, ian miller"); only in a
    prompt that already names a style (a tag list about a picture; a prompt opening "a photo of" is not enough: "a
    photo of an indian thali, paneer, dal makhani" lists food)."""
    if not any(kind == "style" for _, kind, _ in found):
        return []
    items = list(re.finditer(r"(?<=[,;.])\s*(?P<item>[^,;.]*[^,;.\s])\s*(?=[,;.]|$)", lowered))
    candidate = []
    nicknamed = []  # "dark natasha": a known word, then one no dictionary knows
    for match in items:
        words = [w.rstrip("!") for w in match.group("item").split()]  # "don!!! bluth!!!": emphasis, no word
        shaped = (
            1 <= len(words) <= 3
            and all(re.fullmatch(r"[a-z']+", w) for w in words)
            and words[0] not in _DETERMINERS
            and not any(w in vocab.OBJECT_CLASSES or w in vocab.SYNONYMS for w in words)
        )
        candidate.append(
            shaped
            and not lexicon.is_known(words[0])
            and (len(words) > 1 or not _is_plural(words[0]))  # "airpods", "morels": things ("Jim Burns" a name)
        )
        nicknamed.append(shaped and len(words) == 2 and not lexicon.is_known(words[1]) and not _is_plural(words[1]))
    # a tag of that shape between names is a name too ("..., hibbary, dark natasha, goldenwolf, ...")
    for n in range(1, len(items) - 1):
        candidate[n] = candidate[n] or (nicknamed[n] and candidate[n - 1] and candidate[n + 1])

    def full_name(n: int) -> bool:
        """A tag of two or three words that is a name by its capitals or its words ("Greg Rutkowski")."""
        words = items[n].group("item").split()
        written = text[items[n].start("item") : items[n].end("item")].split()
        named = all(w[:1].isupper() for w in written) or not any(lexicon.is_known(w) for w in words)
        return candidate[n] and len(words) > 1 and named

    names = []
    for n, match in enumerate(items):
        sentence = lowered[lowered.rfind(".", 0, match.start("item")) + 1 : match.start("item")]
        if not candidate[n] or re.search(r"\bby\b", sentence):
            continue  # "painted by francis bacon, adrian ghenie, ...": the list of makers is read with its "by"
        run = [n]  # the run of name-like tags this one stands in
        while run[0] > 0 and candidate[run[0] - 1]:
            run.insert(0, run[0] - 1)
        while run[-1] + 1 < len(items) and candidate[run[-1] + 1]:
            run.append(run[-1] + 1)
        capital = text[match.start("item") : match.start("item") + 1].isupper()
        # three such tags in a row, one of two or three words, are names too ("moebius, brom, ian miller": a given
        # name and a surname the dictionary knows as a noun); three single words may be things ("nigiri, sashimi,
        # wasabi")
        listed_names = len(run) >= 3 and any(len(items[k].group("item").split()) > 1 for k in run)
        if (
            full_name(n)
            or any(full_name(k) for k in run)
            or listed_names
            or (len(match.group("item").split()) == 1 and capital)
        ):
            names.append((match.start("item"), "style", match.group("item")))
    return names


def _names_a_style(written: str) -> bool:
    """ "Wes Anderson style", "Richard Schmid art style": the words before "style" (and "art") are a name, written
    with capitals or unknown to the dictionary ("vintage hair style" is no one's), or a title of three words or
    more with "of" or "the" in it ("breath of the wild style", "lord of the rings style": a work's look; it asked
    "Is there a breath?")."""
    words = [w for w in written.split()[:-1] if w.lower() != "art"]
    lowered = [w.lower() for w in words]
    return bool(words) and (
        all(w[:1].isupper() for w in words)
        or not any(lexicon.is_known(w) for w in lowered)
        or (len(words) >= 3 and bool({"of", "the"} & set(lowered)))
    )


def _style_item_question(phrase: str) -> str | None:
    """The question for a style tag `_STYLE_ITEM` (or `_names_in_a_tag_list`) finds, when the default ("Is the image
    in a ... style?") is not how it is said."""
    if phrase.startswith("in the style of "):
        return f"Is the image {phrase}?"
    if phrase.endswith(" style"):  # "Wes Anderson style", "Richard Schmid art style"
        name = " ".join(phrase.split()[:-1])
        return f"Is the image in the style of {name.removesuffix(' art')}?"
    if phrase.startswith("trending on "):
        return f"Does the image look like {phrase.removeprefix('trending on ')} art?"
    if phrase.endswith(("render", "rendering", "photo", "photograph", "snapshot", "photoshoot", "photo shoot")):
        return f"Is the image {_article(phrase)} {phrase}?"
    if phrase.endswith(" lens"):  # "fisheye lens", "35mm lens": what the picture was taken through
        return f"Is the image taken with {_article(phrase)} {phrase}?"
    if " on " in phrase:  # "oil on canvas": the medium on what it is laid on
        return f"Is the image {phrase}?"
    return None


def _picture_property_head(phrase: str) -> str | None:
    """The word for a picture's look a phrase ends with ("colour palette" before "palette"), if any."""
    return next(
        (head for head in _PICTURE_PROPERTY_HEADS_LONGEST_FIRST if phrase == head or phrase.endswith(f" {head}")),
        None,
    )  # a whole word ("watercolor" is a medium, not a colour)


_LAMP_WORDS = frozenset(
    _words("street traffic string tail head flash neon porch ceiling desk flood fairy christmas night reading tea")
)


def _drawn_light(phrase: str) -> bool:
    """A light that is a thing ("a street light", "a neon light"): a noun before "light" that names a lamp."""
    words = phrase.split()
    return words[-1] == "light" and len(words) > 1 and words[-2] in _LAMP_WORDS


def _picture_property_question(phrase: str) -> str | None:
    """The question for a picture's property named by its head noun ("Does the image have a pastel palette?")."""
    head = _picture_property_head(phrase)
    if head is None or phrase == head:
        return None
    if _PICTURE_PROPERTY_HEADS[head] == "light" or head.endswith("s") or head in {"detail", "quality"}:
        return f"Does the image have {phrase}?"  # "high detail", "museum quality": said with no article
    return f"Does the image have {_article(phrase)} {phrase}?"


@cache
def _whole_words(phrase: str) -> re.Pattern[str]:
    """The pattern of a table's phrase as whole words, compiled once per process: _multiword_settings tries every
    phrase of its tables on every prompt, and escaping and looking up the pattern each time was about a tenth of
    the reading's time."""
    return re.compile(rf"\b{re.escape(phrase)}\b")


def _multiword_settings(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Scene, light and style phrases of more than one word ("golden hour", "oil painting", "pixel art"), and
    every style word: replaced by a mark, in the prompt's order."""
    found: list[tuple[int, str, str]] = []
    lowered = text.lower().replace("-", " ")
    quoted = [match.span() for match in _QUOTES.finditer(text.replace("’", "'"))]
    tables = (
        ("style", [tag for tag, (kind, _) in _IMAGE_TAGS.items() if kind == "style"]),
        ("light", [tag for tag, (kind, _) in _IMAGE_TAGS.items() if kind == "light"]),
        ("style", vocab.STYLE_WORDS),
        ("light", vocab.LIGHT_WORDS),
        ("scene", vocab.SCENE_WORDS),
    )
    for kind, table in tables:
        for phrase in sorted(table, key=len, reverse=True):
            if kind != "style" and " " not in phrase and phrase not in _IMAGE_TAGS:
                continue
            if phrase in {"white background", "plain background"}:
                continue  # a backdrop: read with its colour
            for match in _whole_words(phrase).finditer(lowered):
                if any(start <= match.start() < end for start, end in quoted):
                    continue  # words inside quoted text are the text ("OXYDE NOIR"), not a style
                if lowered[match.end() :].startswith((" sans", " serif")):
                    continue  # "in comic sans": a typeface's name
                thing_like = phrase.split()[-1] in {"lens", "drawing", "sketch"} or (
                    phrase.split()[-1] == "angle" and lowered[match.end() :].lstrip().startswith("lens")
                )
                if (
                    thing_like
                    and re.search(r"\b(?:a|an|the|his|her|their|its|my)\s+$", lowered[: match.start()])
                    and not lowered[match.end() :].lstrip().startswith("of ")
                ):
                    continue  # "holding a wide angle lens", "a sketchbook with a charcoal drawing in it": things
                found.append((match.start(), kind, phrase))
                lowered = lowered[: match.start()] + " " * len(phrase) + lowered[match.end() :]
    tools = [(match.start("phrase"), "blank", match.group("phrase")) for match in _TOOL_ITEM.finditer(lowered)]
    for start, _, phrase in tools:
        lowered = lowered[:start] + " " * len(phrase) + lowered[start + len(phrase) :]
    found.extend(tools)
    for match in _PICTURE_PROPERTY_ITEM.finditer(lowered):
        phrase = match.group("phrase")
        kind = _PICTURE_PROPERTY_HEADS[_picture_property_head(phrase) or "light"]  # the pattern ends on a head
        if phrase.split()[0] in _DETERMINERS or phrase.split()[0] in _NUMBERS:
            continue  # "two tones": a count of things, not a look
        if " ".join(phrase.split()[-2:]) in _COMPOUNDS or _drawn_light(phrase):
            continue  # "traffic light", "string lights": a thing in the picture
        if kind == "light" and any(w in vocab.LIGHT_WORDS for w in phrase.split()[:-1]):
            continue  # "soft morning light": the light the world knows by its word (morning), read as before
        found.append((match.start("phrase"), kind, phrase))
        # "..., using only red tones", "..., in warm tones", "blue tones only": how the look is had, no verb or
        # property of a thing ("Are the tones using?"); blanked with the phrase
        if match.group("means"):
            found.append((match.start("means"), "blank", match.group("means").rstrip()))
        if match.group("only"):
            found.append((match.start("only") + 1, "blank", "only"))
    taken = [(start, start + len(phrase)) for start, _, phrase in found]
    names = [
        name
        for name in _names_in_a_tag_list(text, lowered, found)
        if not any(start < name[0] + len(name[2]) and name[0] < end for start, end in taken)
    ]
    found.extend(names)
    for match in _MEDIUM_ON_SUPPORT.finditer(lowered):
        if not any(start <= match.start() < start + len(phrase) for start, _, phrase in found):
            # "llama in a grassy field on a sunny day oil on canvas": the medium, even with no comma before it
            # (it asked "Is the llama on the day oil?")
            found.append((match.start(), "style", match.group(0)))
    for match in _STYLE_ITEM.finditer(lowered):
        phrase = match.group("phrase")
        if phrase.split()[0] in _DETERMINERS or phrase.split()[0] in _NUMBERS or phrase.split()[-1] in _CONCRETE_ISMS:
            continue  # "a prism", "two organisms": things
        if phrase.endswith(" style") and not _names_a_style(text[match.start("phrase") : match.end("phrase")]):
            continue  # "vintage hair style": a thing's look, no one's style
        *before, last = phrase.split()
        if (
            last in {"photo", "photograph", "snapshot"}
            and before
            and any(
                lexicon.is_noun(w) and not lexicon.is_adjective(w) and w not in _PHOTO_KINDS and w.isalpha()
                for w in before
            )
        ):
            # "a graveyard photo": the image is a photo (asked alone), of a graveyard (read as a thing); it asked
            # "Is the image a graveyard photo?", two properties in one question
            found.append((match.start("phrase") + len(phrase) - len(last), "style", last))
            continue
        found.append((match.start("phrase"), "style", phrase))
    if not found:
        return text, []
    # Blank the phrases in the original (same offsets: "-" -> " " kept the length).
    chars = list(text)
    described = []
    for start, kind, phrase in found:
        chars[start : start + len(phrase)] = " " * len(phrase)
        before = re.search(r"([a-z]+)\s+$", text[:start].lower())
        if kind == "scene" and " " in phrase and before is not None and _describes_a_place(before.group(1)):
            # "a cozy living room": the room is cozy (the adjective would be left alone, read as a thing)
            chars[before.start(1) : before.end(1)] = " " * len(before.group(1))
            described.append((start, kind, f"{before.group(1)} {phrase}"))
        elif (
            kind == "scene"
            and " " in phrase
            and before is not None
            and text[before.start(1)].isupper()
            and (before.group(1).endswith(("an", "ese", "ish", "ic")) or before.group(1) in _PEOPLES)
        ):
            # "a bright Scandinavian living room": a people's style of the room (it asked "Is there a
            # scandinavian?"), and an adjective before that is the room's too
            words = [before.group(1)]
            chars[before.start(1) : before.end(1)] = " " * len(before.group(1))
            further = re.search(r"([a-z]+)\s+$", text[: before.start(1)].lower())
            if further is not None and _describes_a_place(further.group(1)):
                chars[further.start(1) : further.end(1)] = " " * len(further.group(1))
                words.insert(0, further.group(1))
            described.extend((start, kind, f"{word} {phrase}") for word in words)
        elif kind in {"style", "light"} and before is not None and _describes_a_style(before.group(1)):
            # "precise lineart", "a simple line drawing": how the style is done, not a thing called "precise"
            chars[before.start(1) : before.end(1)] = " " * len(before.group(1))
    named = {(start, phrase) for start, _, phrase in names}
    return "".join(chars), [
        # one space between words ("pre - columbian" was blanked to "pre   columbian" by the hyphen's spaces)
        (kind, f"in the style of {' '.join(phrase.replace('!', ' ').split())}" if (start, phrase) in named else phrase)
        for start, kind, phrase in sorted(found + described)
        if kind != "blank"  # blanked, never asked
    ]


def _describes_a_style(word: str) -> bool:
    """An adjective before a style word ("precise lineart", "loose watercolor"), never a colour ("black ink")."""
    return (
        lexicon.is_adjective(word)
        and colour_name(word) is None
        and word not in _DETERMINERS
        and word not in _NUMBERS
        and word not in _CONJUNCTIONS
    )


def _describes_a_place(word: str) -> bool:
    """An adjective before a scene of several words ("a cozy living room", "a white living room")."""
    return (
        (lexicon.is_adjective(word) or colour_name(word) is not None)
        and word not in _DETERMINERS
        and word not in _NUMBERS
        and word not in _CONJUNCTIONS
    )


# Seats and places people are in (general English), beyond the scene words
_SEATS_AND_PLACES = frozenset(
    _words(
        """
        bench chair sofa couch bed stool throne saddle swing armchair hammock seat stream pond yard backyard
        courtyard alley hallway corridor square market stage classroom library shop store restaurant cafe
        bathroom bedroom kitchen garage attic porch balcony rooftop roof bridge pier dock boat train bus car
        tree umbrella building house wall window door fireplace tent
        """
    )
)


# What one sits or stands on ("on a park bench", "on a pier"): the rest of the list is not stood on ("holding a
# painting on a wall": the painting is on the wall)
_SEATS = frozenset(
    _words(
        """
        bench chair sofa couch bed stool throne saddle swing armchair hammock seat pier dock boat bridge roof rooftop
        balcony porch stage
        """
    )
)


def _holds_people(word: str, relation: str) -> bool:
    """Is this where someone sits or stands ("on a bench", "in a stream", "under a tree"): the place of whoever
    acts, for that relation?"""
    noun = singular_noun(word)
    if noun in vocab.SCENE_WORDS:
        return True
    return noun in _SEATS if relation == "on" else noun in _SEATS_AND_PLACES

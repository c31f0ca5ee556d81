"""Tagging: each token gets its part (determiner, number, quantifier, negator, relation, preposition, copula,
pronoun, verb, noun ...) from the words and its neighbours. _tag first joins proper names ("the Statue of Liberty"),
reads the sentence word by word, and last unsays a verb said not to happen ("doesn't fit into the suitcase") with
the place it would give. The token tests here look at neighbours, so they sit with the tagger rather than with the
words.
"""

from __future__ import annotations

from itertools import pairwise

from .. import lexicon
from .. import vocabulary as vocab
from ..concepts import QUALITY_WORDS, colour_name, verb_lemma
from .settings import _SEATS
from .tokens import _match_place, _match_relation, _one_of_a_pair_used, _Token
from .words import (
    _ABOUT_VERBS,
    _ADVERBS,
    _ART_NOUNS,
    _ARTICLES_AND_POSSESSIVES,
    _ATTACHED_TO,
    _AUXILIARIES,
    _BEFORE_VERBS,
    _BODY_PARTS,
    _COMMAND_OBJECTS,
    _COMPLEMENT_PARTICIPLES,
    _CONJUNCTIONS,
    _CONTAINERS,
    _COPULAS,
    _DETERMINERS,
    _DIVIDING,
    _FACE_AND_HAIR,
    _GAMES,
    _GAZE_VERBS,
    _ING_NOUNS,
    _KINDS_OF,
    _KNOWN_NOUNS,
    _LAID_VERBS,
    _LY_ADJECTIVES,
    _MADE_OF_PARTICIPLES,
    _MASS_NOUNS,
    _MATERIAL_NOUNS,
    _MEDIUM_NOUNS,
    _NAME_PARTICLES,
    _NEGATORS,
    _NO_THING,
    _NUMBERS,
    _OBJECT_PRONOUNS,
    _OTHER_PREPOSITIONS,
    _PARTITIVES,
    _PLACE_TAIL,
    _PLACES,
    _POSE_ADVERBS,
    _POSE_COMMANDS,
    _POSSESSION_VERBS,
    _POSSESSIVES,
    _POSTURE_VERBS,
    _PROCESS_VERBS,
    _QUANTIFIERS,
    _RELATION_PHRASES,
    _RELATIVES,
    _SUBJECT_PRONOUNS,
    _TEXT_VERBS,
    _TRIPPING_VERBS,
    _VERBS,
    _VOICE_VERBS,
    ATTRIBUTE_KINDS,
    _attribute_kind,
    _describes_nothing_else,
    _ends_on_a_property,
    _is_animate,
    _is_clothing,
    _is_compound,
    _is_ing_verb,
    _is_past,
    _is_plural,
    _is_third_person,
    _noun_like,
    _starts_object,
    _unknown_word,
    singular_noun,
)


def _counts_what_follows(tokens: list[_Token], k: int) -> bool:
    """Is there a plural noun at k, or after words that describe it (colours or adjectives) from k on?"""
    while k < len(tokens) and (colour_name(tokens[k].word) is not None or lexicon.is_adjective(tokens[k].word)):
        if _is_plural(tokens[k].word) and lexicon.is_noun(tokens[k].word):
            return True
        k += 1
    return k < len(tokens) and _is_plural(tokens[k].word) and lexicon.is_noun(tokens[k].word)


# Determiners before a known thing that a name may follow ("the ship Titanic", "my dog Lucky")
_NAMING_DETERMINERS = frozenset({"the", "my", "our", "his", "her", "their", "your"})


def _names_after(tokens: list[_Token], j: int, end: int) -> bool:
    """Is the noun before token j a known one that the capitalised words j..end name: right after "the", "my",
    "our" ..., or with words between ("the cruise ship Titanic", "the famous geyser Old Faithful", "the old ship
    Titanic")? Not after "a"; and after an adjective, one capitalised word the dictionary knows as an adjective is
    a tag of what it is like ("the big city Futuristic", "the dark forest Mysterious"; so "my old dog Lucky" asks
    whether the dog is lucky), not a name."""
    k, adjective = j - 2, False
    while k >= 0 and tokens[k].word not in _NAMING_DETERMINERS:
        if not tokens[k].word.isalpha() or not (
            lexicon.is_noun(tokens[k].word) or lexicon.is_adjective(tokens[k].word)
        ):
            return False
        adjective = adjective or lexicon.is_adjective(tokens[k].word)
        k -= 1
    if k < 0 or j - 1 - k > 3:
        return False
    one_known_adjective = end - j == 1 and lexicon.is_adjective(tokens[j].word)
    return not (adjective and one_known_adjective)


def _join_proper_names(tokens: list[_Token]) -> None:
    """ "The Statue of Liberty", "the Tower of London": a name written with capitals around "of" is one name, not
    a statue and a liberty. Only in a prompt written in ordinary case (a prompt in Title Case or capitals
    capitalises every word), and not after a word that says what is of something (a medium, a container, a
    portion or a collective: "a Painting of Venice" is still a painting of Venice)."""
    words = [t.raw for t in tokens if t.raw[:1].isalpha()]
    if not words or sum(w[:1].islower() for w in words) < 0.5 * len(words):
        return
    for this, after in pairwise(tokens):
        # "a poster of Black Sabbath", "tourists in Red Square": in ordinary case, a capitalised adjective before
        # a capitalised word (not opening a sentence) is part of a name, not a colour or property of a thing
        if (
            not this.opens
            and this.raw[:1].isupper()
            and this.raw[1:2].islower()
            and after.raw[:1].isupper()
            and after.raw[1:2].islower()
            and (colour_name(this.word) is not None or _attribute_kind(this.word) is not None)
        ):
            this.in_name = True
    j = 1
    while j < len(tokens):
        # "the geyser Old Faithful", "the ship Titanic", "our cat Fluffy": capitalised adjectives right after a
        # noun in lower case, itself after "the", "my", "our" ..., name the thing; they say which one, not what it
        # is like (it asked "Is the geyser old?"). Only when every capitalised word of the run is an adjective:
        # "the band Pink Floyd" is a name with a noun in it, read as before
        end = j
        while (
            end < len(tokens)
            and not tokens[end].opens
            and tokens[end].raw[:1].isupper()
            and tokens[end].raw[1:2].islower()
            and tokens[end].word.isalpha()
        ):
            end += 1
        before = tokens[j - 1]
        after = tokens[end] if end < len(tokens) else None
        if (
            end > j
            # a name follows a known one: "the geyser Old Faithful", "the famous cruise ship Titanic", "our cat
            # Fluffy" (_names_after); after "a" the words are properties written in capitals ("a puppy Cute"),
            # and so are those joined by "and" to another property ("the puppy Cute and Fluffy"), not to a thing
            # ("the ship Titanic and an iceberg")
            and _names_after(tokens, j, end)
            and not (
                after is not None
                and after.word in {"and", "&"}
                and end + 1 < len(tokens)
                and (
                    colour_name(tokens[end + 1].word) is not None
                    or (lexicon.is_adjective(tokens[end + 1].word) and not lexicon.is_noun(tokens[end + 1].word))
                )
            )
            and before.raw[:1].islower()
            and before.word.isalpha()
            and before.word not in _DETERMINERS
            and before.word not in _NUMBERS
            and (lexicon.is_noun(before.word) or _unknown_word(before.word))
            and not lexicon.is_adjective(before.word)
            # the run ends the noun's phrase: "Beautiful women" after another word says what the women are like
            and (after is None or not lexicon.is_noun(after.word) or after.word.endswith("ing"))
            and all(
                _attribute_kind(t.word) is not None or colour_name(t.word) is not None or lexicon.is_adjective(t.word)
                for t in tokens[j:end]
            )
        ):
            for t in tokens[j:end]:
                t.names_thing = True
        j = end + 1
    for j, (this, after) in enumerate(pairwise(tokens)):
        # "beside Flight 19", "a sign for Route 66", "the crew of Apollo 11": a number right after a capitalised
        # word, with no noun after it that it could count, says which one (part of the name), never how many
        if (
            after.word.isdigit()
            and this.raw[:1].isupper()
            and this.raw[1:2].islower()
            and this.word.isalpha()
            and this.word not in _DETERMINERS
            and this.word not in _NUMBERS
            and not _is_plural(this.word)
            and colour_name(this.word) is None
            and _attribute_kind(this.word) is None
            # "Canon 3 lenses": a plural noun after the number, or words that describe before one, make it a count
            # ("Route 66 sign", "a PlayStation 5 controller", "Boeing 747 landing": which one)
            and not _counts_what_follows(tokens, j + 2)
            # "Draw 1 apple", "Exactly 3 fish", "Show 3 sheep": a request or an adverb before a number names nothing
            and this.word not in QUALITY_WORDS
            and not lexicon.is_adverb(this.word)
        ):
            after.in_name = True
    for j in range(1, len(tokens) - 1):
        before, of, after = tokens[j - 1], tokens[j], tokens[j + 1]
        if (
            of.word in _NAME_PARTICLES
            and of.raw.islower()
            and not of.tag
            and before.raw[:1].isupper()
            and after.raw[:1].isupper()
        ):
            of.tag = "WORD"  # "Rio de Janeiro", "Leonardo da Vinci", "Vincent van Gogh": one name
        elif (
            of.word == "of"
            and not of.tag
            and before.raw[:1].isupper()
            and not before.raw.isupper()
            and after.raw[:1].isupper()
            and not after.raw.isupper()
            and before.word not in _MEDIUM_NOUNS | _ART_NOUNS | _PARTITIVES | _KINDS_OF | set(_CONTAINERS)
            and (j < 2 or tokens[j - 2].word not in {".", "!", "?"})
        ):
            of.tag = "WORD"


def _tag(tokens: list[_Token]) -> None:
    _join_proper_names(tokens)
    words = [t.word for t in tokens]
    for j in range(1, len(tokens) - 1):
        if (
            words[j] == "both"
            and words[j - 1] == ","
            and not tokens[j].tag
            # "..., both sitting", "..., both asleep", "..., both in ...": the two; "both arms" is a determiner
            and (_is_ing_verb(words[j + 1]) or words[j + 1] in _ING_NOUNS or not lexicon.is_noun(words[j + 1]))
        ):
            tokens[j].tag = "BOTH"  # "a cat left of a dog, both sitting on a sofa": each of the two
            if _is_ing_verb(words[j + 1]) or words[j + 1] in _ING_NOUNS:
                tokens[j + 1].tag = "VERB"
    for j in range(2, len(tokens) - 1):
        if (
            words[j - 1] in {"which", "whom"}
            and words[j - 2] in {"on", "in", "under", "beside", "behind", "above", "atop", "inside", "from"}
            and not tokens[j].tag
            and (
                {verb_lemma(words[j]), *lexicon.verb_lemmas(words[j])} & (_POSTURE_VERBS | _LAID_VERBS | {"perch"})
                # any verb put first when a determiner or number follows it: "under which flows a river", "from
                # which hangs a coat" (a noun there would take no article after it)
                or (lexicon.verb_lemmas(words[j]) and words[j] not in _DETERMINERS)
            )
            and (words[j + 1] in _DETERMINERS or words[j + 1] in _NUMBERS)
        ):
            # "a table covered with a cloth, on which sit a loaf and a wedge of cheese": the verb put before what
            # sits (read as "on which a loaf ..."), no thing called "sit"
            tokens[j].tag = "SKIP"
            if words[j - 2] == "from":
                # "a hook from which hangs a coat": no relation the checks have; what hangs is named, no "which"
                tokens[j - 2].tag = tokens[j - 1].tag = "SKIP"
    for j in range(2, len(tokens)):
        if words[j - 1] in {"which", "whom"} and words[j - 2] == "from" and not tokens[j - 1].tag:
            # "a hook from which a coat hangs": no thing "which"; a clause with its own subject, as after "where"
            tokens[j - 2].tag, tokens[j - 1].tag = "SKIP", "RELPRON"
    for j in range(len(tokens) - 1):
        if (
            tokens[j].opens
            and tokens[j].raw[:1].isupper()  # "face forward and ..." in lower case describes a face
            and words[j] in _POSE_COMMANDS
            and words[j + 1] not in {"of", "with"}  # "Place of worship", "Stand with fresh fruit": things
            and (
                words[j + 1] in _OTHER_PREPOSITIONS
                or words[j + 1] in _ADVERBS
                or words[j + 1] in _COMMAND_OBJECTS
                or _match_relation(words, j + 1) is not None
            )
            # a word that is also a common noun needs a pose described (a body part or "your"): "Cross on top of a
            # hill" is a cross; "Sit on the floor", "Lean against the wall" need none
            and (
                not lexicon.is_noun(words[j])
                or words[j] in {"sit", "lean", "kneel", "squat", "crouch", "bend", "raise", "lift", "stretch"}
                or any(w in _BODY_PARTS or singular_noun(w) in _BODY_PARTS or w == "your" for w in words)
            )
        ):
            # "Sit on the floor ...", "Look straight up.", "Raise both arms above your head": an instruction to
            # whoever poses, no thing called "sit" or "raise"; what follows is read as the pose it asks for
            tokens[j].tag = "SKIP"
    for j in range(1, len(tokens) - 1):
        if (
            words[j] == "one"
            and not tokens[j].tag
            and (
                (
                    words[j - 1] in {"on", "onto", "with", "in", "by"}
                    and singular_noun(words[j + 1]) in _BODY_PARTS
                    and (words[j - 1] != "with" or _one_of_a_pair_used(words, j))
                )
                # "the cat has one eye open", "with one arm raised": which of the pair is so, not how many
                or (
                    words[j - 1] in {"has", "have", "with"}
                    and singular_noun(words[j + 1]) in _BODY_PARTS | _FACE_AND_HAIR
                    and j + 2 < len(words)
                    and (lexicon.is_adjective(words[j + 2]) or _is_past(words[j + 2]))
                )
            )
        ):
            # "a flamingo standing on one leg", "holding a cup in one hand": which of one's pair, not how many legs
            # the picture has (it asked "Is there exactly one leg?")
            tokens[j].tag = "SKIP"
    for j in range(len(tokens) - 2):
        if words[j : j + 3] == ["in", "line", "with"] and not tokens[j].tag:
            # "the head is in line with the right shoulder": aligned with it; no line (it asked "Is the head in a
            # line?")
            tokens[j].tag = tokens[j + 1].tag = tokens[j + 2].tag = "SKIP"
        if words[j : j + 3] == ["side", "by", "side"] and not tokens[j].tag:
            tokens[j].tag = "BESIDE"  # "two vases, side by side": next to each other, not a "side" of a thing
            tokens[j + 1].tag = tokens[j + 2].tag = "SKIP"
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.tag:
            i += 1
            continue
        word = token.word
        style_of = (
            4
            if words[i : i + 4] == ["in", "the", "style", "of"]
            else 3
            if words[i : i + 3] == ["in", "style", "of"]
            else 0
        )
        if word == "by" and i + 1 < len(tokens) and _credits_an_artist(tokens, i):
            style_of = 1  # "..., by Claude Monet": who made it, so how it looks; not a thing beside another
        if style_of:
            token.tag = "STYLEOF"  # "in the style of Van Gogh": the image's style, not a thing in it
            for t in tokens[i + 1 : i + style_of]:
                t.tag = "SKIP"
            i += style_of
            continue
        place = _match_place(words, i) if i + 2 < len(words) else None
        if place is not None:
            length, where = place
            token.tag, token.value = "PLACE", where
            for t in tokens[i + 1 : i + length]:
                t.tag = "SKIP"
            i += length
            continue
        relation = _match_relation(words, i)
        if relation is not None and word == "into" and i > 0 and verb_lemma(words[i - 1]) in _GAZE_VERBS | _VOICE_VERBS:
            relation = None  # "looking into a mirror", "shouting into a microphone": where it goes, not the doer
        if (
            relation is not None
            and word == "over"
            and i > 0
            and {verb_lemma(words[i - 1]), *lexicon.verb_lemmas(words[i - 1])} & (_ABOUT_VERBS | _TRIPPING_VERBS)
        ):
            relation = None  # "arguing over a map", "tripping over a cat": what it is about or hits, not where
        if relation is not None and word == "over" and i > 0:
            lemmas = {verb_lemma(words[i - 1]), *lexicon.verb_lemmas(words[i - 1])}
            if words[i - 1] == "all":
                relation = (1, "on")  # "designs all over it", "paint all over the floor": on it, everywhere
            elif lemmas & {"cross", "fold"}:
                relation = None  # "arms crossed over the chest": across it, not above it
            elif lemmas & {"drape", "throw", "sling", "hang", "spread"} and words[i - 1] != "hanging":
                relation = (1, "on")  # "a towel draped over a chair", "a coat thrown over a railing": on it
        if (
            relation is not None
            and word == "before"
            and not (
                i + 2 < len(words)
                and words[i + 1] in {"a", "an", "the"}
                and (
                    (i > 0 and {verb_lemma(words[i - 1]), *lexicon.verb_lemmas(words[i - 1])} & _BEFORE_VERBS)
                    or _is_animate(words[i + 2])
                    or words[i + 2] in _SEATS
                )
            )
        ):
            # "before sunrise", "before the wedding", "before his co-pilot took over": when; "kneeling before a
            # queen", "standing before a mirror", "bowing before the king": in front of
            relation = None
        if relation is not None and not (word == "by" and i > 0 and tokens[i - 1].tag == "PAST"):
            length, name = relation
            token.tag, token.value = "REL", name
            for t in tokens[i + 1 : i + length]:
                t.tag = "SKIP"
            i += length
            continue
        following = words[i + 1] if i + 1 < len(words) else None
        previous = tokens[i - 1] if i > 0 else None
        if word in {"right", "directly", "just", "far", "high", "low", "deep", "halfway", "wide", "well"} and (
            _match_relation(words, i + 1) or (following in _POSE_ADVERBS)
        ):
            token.tag = "ADV"  # "right next to him": how close, not a noun
        elif word in ".,;:!?()":
            token.tag = "PUNCT"
        elif word in _NO_THING:
            token.tag = "SKIP"  # "next to something blue": no thing to ask of, and "blue" is not the cat's
            while i + 1 < len(tokens) and not tokens[i + 1].tag and _describes_nothing_else(tokens[i + 1].word):
                i += 1
                tokens[i].tag = "SKIP"
        elif word == "as" and following == "well":
            token.tag = "ADV"  # "laying down as well": too
            tokens[i + 1].tag = "SKIP"
        elif word in _NEGATORS or (word in {"instead", "rather"} and following in {"of", "than"}):
            token.tag = "NEG"  # "vegetables instead of popcorn": no popcorn
            if word in {"instead", "rather"}:
                tokens[i + 1].tag = "SKIP"
        elif word in _CONJUNCTIONS:
            token.tag = "CONJ"
        elif word in _COPULAS and not (word in {"looks", "look"} and following in {"at", "into", "toward", "towards"}):
            token.tag = "COP"  # "she looks tired" (but "the girl looks at the phone" is where she looks)
        elif (
            word == "left"
            and previous is not None
            and previous.tag == "WORD"
            and _noun_like(previous.word)
            and following in {"in", "on", "at", "behind", "by", "outside", "inside", "alone", "open", "out"}
            and words[i + 2 : i + 3] != ["side"]
        ):
            token.tag = "PAST"  # "a shopping cart left in the middle": left there (not the left of the frame)
        elif word in _ATTACHED_TO and following == "to" and previous is not None:
            token.tag = "PAST"  # "balloons tied to a mailbox": fastened there (read as a participle, not a word)
        elif word in {"cut", "split"} and following in {"into", "in"} and previous is not None:
            token.tag = "PAST"  # "a pizza cut into slices", "an apple split in half": participles, not nouns
        elif word == "full" and following == "of" and previous is not None and previous.tag == "WORD":
            token.tag = "PAST"  # "a bowl full of apples": what the bowl holds, read as "filled with" is
        elif (
            word in _AUXILIARIES
            and word not in _POSSESSION_VERBS
            and not (  # "a coffee can full of nails", "bag in can": the container, not the modal verb
                word == "can"
                and previous is not None
                and (previous.word in _DETERMINERS or previous.tag in {"WORD", "REL"})
                and previous.word not in _SUBJECT_PRONOUNS
                and (
                    following is None
                    or following in ".,;:!?"
                    or following in {"full", "of", "and", "with"}
                    # "a watering can on a table": a modal is followed by what can be done ("a dog can run")
                    or not (
                        following in {"not", "be", "also", "still", "only", "never", "easily", "just"}
                        or following in lexicon.verb_lemmas(following)
                        # "the man can barely lift the box": an adverb, then what can be done
                        or (
                            following.endswith("ly")
                            and i + 2 < len(words)
                            and words[i + 2] in lexicon.verb_lemmas(words[i + 2])
                            and not lexicon.is_adjective(words[i + 2])  # "a trash can partly open": the can
                        )
                    )
                )
            )
        ):
            token.tag = "AUX"
        elif word in _POSSESSION_VERBS:
            token.tag = "HAVE"
        elif word in {"which", "whom"} and previous is not None and previous.tag == "REL":
            token.tag = "OBJPRON"  # "on which", "behind which": the thing just named
        elif word in _RELATIVES and previous is not None and previous.tag in {"WORD", "PUNCT"}:
            token.tag = "RELPRON"
        elif (
            previous is not None
            and previous.tag == "RELPRON"
            and len(word) > 3
            and word.endswith("s")
            and not word.endswith(("ss", "us", "is", "'s"))
            and word not in _TEXT_VERBS  # "a sign that says 'OPEN'": the text's verb, read as such below
            and lexicon.verb_lemmas(word)
            # "a bone that dogs love", "a painting that kids drew": a plural of those who act, its verb after it
            # ("a man who drinks water", "a woman that sells fish": the clause's verb)
            and not (_is_animate(word) and following is not None and lexicon.verb_lemmas(following))
        ):
            token.tag = "VERB"  # "a machine that makes coffee", "a girl who loves cats": the clause's verb, not a noun
        elif (word in _SUBJECT_PRONOUNS and word not in _OBJECT_PRONOUNS) or word in {"he", "she", "they", "we", "i"}:
            token.tag = "PRON"
        elif (
            word == "it"
            and (previous is None or previous.tag in {"PUNCT", "CONJ"})
            and following is not None
            and (
                following in _COPULAS
                or following in _AUXILIARIES
                or _is_third_person(following, words[i + 2] if i + 2 < len(words) else None)
            )
        ):
            token.tag = "PRON"  # "A map of sushi. It is on a table": the clause's subject, the map
        elif word in _OBJECT_PRONOUNS and (
            word in {"him", "them", "themselves", "itself"}
            or following is None
            or following in _SUBJECT_PRONOUNS
            or following == "there"
            or following in ".,;:!?"
            or following in _CONJUNCTIONS
            or following in _OTHER_PREPOSITIONS
            or _match_relation(words, i + 1)
        ):
            token.tag = "OBJPRON"
        elif (
            word in _TEXT_VERBS
            and (
                (following is None and not (previous is not None and previous.tag == "COP"))  # "she is reading"
                or (following is not None and following.startswith("\x00"))
                # "a sign reading the words 'OPEN'" (a quote comes), not "a man reading a newspaper"
                or (following in {"the", "a"} and any(w.startswith("\x00") for w in words[i + 2 : i + 5]))
            )
        ):
            token.tag = "TEXTVERB"
        elif word in _OTHER_PREPOSITIONS:
            token.tag = "PREP"
        elif (
            previous is not None
            and previous.tag == "COP"
            and word.endswith("ing")
            and (word in _ING_NOUNS or word in _TEXT_VERBS)
            and (
                following in {None, ".", ",", ";", "!", "?"}
                or following in _DETERMINERS
                # "the sun is setting over the sea": where it does it follows (it asked "Is there a setting?")
                or _match_relation(words, i + 1) is not None
            )
            and lexicon.verb_lemmas(word)
        ):
            token.tag = (
                "VERB"  # "a girl is reading", "is painting a wall": what she does ("a reading nook" is a noun's)
            )
        elif (
            previous is not None
            and (
                (word in _VERBS and previous.tag in {"AUX", "PRON"})
                # "doesn't fit", "does not fit": a verb the dictionary knows, after a negated auxiliary
                or (
                    lexicon.verb_lemmas(word)
                    and ((previous.word in _AUXILIARIES and "'" in previous.word) or previous.word == "not")
                    and i >= 2
                    and (previous.word != "not" or tokens[i - 2].word in _AUXILIARIES)
                )
                or (
                    (
                        previous.tag == "PREP"
                        and previous.word == "to"
                        and word.isalpha()
                        and not (token.raw[:1].isupper() and not token.opens)  # "lost to Bermuda Triangle": a name
                        and word not in _PLACES  # "tilted to right": a direction
                        and word not in _PLACE_TAIL  # "flared out to side"
                        and _starts_object(following)
                    )
                    and word not in _DETERMINERS
                    and word not in _ADVERBS
                )
            )
        ):
            token.tag = "VERB"  # "we can see", "they hold"
        elif (
            word in _ADVERBS
            or (  # "perhaps", "maybe", "almost": the dictionary knows them only as adverbs
                lexicon.is_adverb(word)
                and not lexicon.is_noun(word)
                and not lexicon.is_adjective(word)
                and not lexicon.verb_lemmas(word)
                and word not in _DETERMINERS
                and word not in _NUMBERS
                and not _match_relation(words, i)
            )
        ) or (
            word.endswith("ly")
            and len(word) > 4
            and word not in {"holly", "lily", "belly", "jelly", "fly", "butterfly", "bully"}
            and word not in _LY_ADJECTIVES
            and word not in ATTRIBUTE_KINDS
            and not (lexicon.is_adjective(word) and not lexicon.is_adverb(word))  # "gnarly", "curly": adjectives
            # "family", "dragonfly", "assembly": a noun the dictionary knows and no adverb
            and not (lexicon.is_noun(word) and not lexicon.is_adverb(word))
        ):
            token.tag = "ADV"
        elif (
            word in _ING_NOUNS
            and previous is not None
            and previous.tag == "WORD"
            and previous.word not in _DETERMINERS
            and (
                _is_plural(previous.word)
                # "an old man reading a newspaper" (a noun, not an adjective, before it: "a tall building a ...")
                or (lexicon.is_noun(previous.word) and not lexicon.is_adjective(previous.word))
            )
            and lexicon.verb_lemmas(word)
            and (
                following in _DETERMINERS
                or following in _NUMBERS
                or following in {"it", "them", "him", "her"}  # "a bridge crossing it": what it crosses
                # "a balloon landing in a field", "a leaf floating on water": what a thing does by itself
                or (
                    following in {"in", "on", "at", "into", "onto", "over", "under", "through", "across", "from"}
                    and verb_lemma(word) in _PROCESS_VERBS
                )
                # "a woman writing with a pen", "a boy painting on a wall": one who can act, then how or where
                or (_is_animate(previous.word) and following in {"with", "on", "in", "at", "near", "by", "under"})
                # "a waiter setting tables", "a waiter in a white apron setting tables": after one who can act, or
                # what one wears, what is done
                or (
                    (_is_clothing(previous.word) or _is_animate(previous.word))
                    and following is not None
                    and _is_plural(following)
                    and lexicon.is_noun(following)
                )
            )
        ):
            token.tag = "VERB"  # "two kids building a sandcastle": kids who build, not "kids buildings"
        elif (
            _is_ing_verb(word)
            and not (
                following is not None
                and _noun_like(following)
                and (
                    _modifies_next(previous)
                    or _is_compound(f"{word} {following}")
                    # "an enamel camping mug", "a wood burning stove": a stuff right after an article opens the
                    # noun phrase ("the glass shattering on the floor" has no noun after it)
                    or (
                        previous is not None
                        and previous.word in _MATERIAL_NOUNS
                        and i >= 2
                        and words[i - 2] in _ARTICLES_AND_POSSESSIVES
                        and following not in _MASS_NOUNS
                        and not _is_plural(following)
                    )
                )
                and not _ends_on_a_property(words, i + 1)
                # "wearing red playing tennis": a game after "playing" is what is played, never a kind of thing
                and not (verb_lemma(word) == "play" and following in _GAMES)
            )
            # "cyborg samurai, glowing blue visor": an item of a list that opens with a property and a thing
            and not (
                (previous is None or previous.word == ",")
                and following is not None
                and (colour_name(following) is not None or lexicon.is_adjective(following))
                and i + 2 < len(words)
                and _noun_like(words[i + 2])
            )
            # "an old temple in a jungle, hanging vines, morning mist": an item of a list that is a thing doing what
            # things do by themselves, when no one before it could do it to them ("a boy on a hill, flying kites"
            # flies them)
            and not (
                previous is not None
                and previous.word == ","
                and verb_lemma(word) in _PROCESS_VERBS
                and following is not None
                and _is_plural(following)
                and lexicon.is_noun(following)
                and (i + 2 == len(words) or words[i + 2] in {",", ".", ";"})
                # one who could: a person or animal heading its words, not one naming a kind of thing ("a mage
                # house, hanging vines": the house is no one)
                and not any(
                    _is_animate(w)
                    and not (j + 1 < i and lexicon.is_noun(words[j + 1]) and not _is_ing_verb(words[j + 1]))
                    for j, w in enumerate(words[:i])
                )
            )
        ):
            token.tag = "VERB"
        elif (
            (
                _is_past(word)
                # "a chef cut the onions", "a man lit a candle": a past tense that is also a state ("cut", "lit")
                # is the verb when what it acts on follows ("knee bent a little": how much, no object)
                or (
                    lexicon.is_past_form(word)
                    and following in _ARTICLES_AND_POSSESSIVES
                    and i + 2 < len(words)
                    and words[i + 2] not in {"little", "bit", "lot"}
                )
            )
            and previous is not None
            and (
                previous.tag in {"WORD", "COP", "PRON", "ADV", "RELPRON", "OBJPRON"}
                or following == "by"
                # "the letter 'b' made out of fire": what the thing with the words is made of
                or (previous.tag == "QUOTE" and word in _MADE_OF_PARTICIPLES and following in {"of", "from", "out"})
                # "a workbench in a garage, covered with tools": a participle opening a comma's item says more of
                # the sentence's subject (with "with" or "in" after it: "covered in snow")
                or (previous.word == "," and following in {"with", "in"} and word in _COMPLEMENT_PARTICIPLES)
                or (previous.word == "," and following == "into" and word in _DIVIDING)
            )
            and not (_modifies_next(previous) and following is not None and _noun_like(following))
            # "the trees, some dried leaves": dried leaves, not trees drying them ("many holding signs" acts)
            and not (previous.word in _QUANTIFIERS and following is not None and _noun_like(following))
        ):
            token.tag = "PAST"
        elif (
            (
                previous is not None
                and previous.tag in {"WORD", "PRON", "RELPRON", "OBJPRON"}
                and (
                    previous.word not in _DETERMINERS
                    or previous.tag == "RELPRON"  # "a wall that contains"
                    # "a boy beside her holds a kite": "her" ends a place; "her" owning a noun has no article after
                    or (previous.word == "her" and following in _ARTICLES_AND_POSSESSIVES)
                )
                and previous.word not in _NUMBERS
                and (
                    colour_name(previous.word) is None
                    # "a chair painted red sits by the door": the colour ends what was done to it, a verb follows
                    or (i >= 2 and _is_past(words[i - 2]) and _is_third_person(word, following))
                )
                and _attribute_kind(previous.word) is None
                and not (previous.tag == "WORD" and _is_past(previous.word))  # "dried leaves on the ground"
                and (
                    _is_third_person(word, following)
                    or (
                        (
                            word in _VERBS
                            # "waves crash against the rocks", "fireflies drift in the air": what things do by
                            # themselves, after them and before where
                            or (
                                word in _PROCESS_VERBS
                                and word != "set"  # "a set of three", "succulents set in": the noun
                                and previous.tag == "WORD"
                                and _is_plural(previous.word)
                                and following is not None
                                and (following in _OTHER_PREPOSITIONS or _match_relation(words, i + 1) is not None)
                            )
                        )
                        and _starts_object(following)
                        # "a tiny blacksmith shop with a forge": after a singular noun that "a" heads, a base form
                        # would not agree; it is the noun's last word ("person wear shirt", notes, has no "a")
                        and not (
                            previous.tag == "WORD"
                            and not _is_plural(previous.word)
                            and not word.endswith("s")
                            and _after_a(tokens, i)
                        )
                        # a base form with no object after a singular noun is no verb ("a power line above a
                        # road" is a line); with one it may be ("crows line the road", notes: "person wear shirt")
                        and (
                            previous.tag != "WORD"
                            or _is_plural(previous.word)
                            or word.endswith("s")
                            or (_is_animate(previous.word) and _match_relation(words, i + 1) is not None)
                            # notes: "person sit on boat", "man stand next to car": who can act acts
                            or not (
                                following is None
                                or following in ".,;:!?"
                                or any(following == phrase[0] for phrase, _ in _RELATION_PHRASES)
                            )
                        )
                    )
                )
                and not (token.raw[:1].isupper() and previous.raw[:1].isupper())  # "Gordon Parks": a name
                and not _is_compound(f"{previous.word} {word}")  # "spray paint", "neck tie": one noun
            )
            or (
                previous is not None
                and previous.tag == "WORD"
                and _is_plural(previous.word)
                and following in _POSE_ADVERBS
                and word.isalpha()
                and word not in _POSSESSIVES  # "arches their back": whose
                and colour_name(word) is None
                and _attribute_kind(word) is None
            )
            or (
                # "she turns her back", "the person arches their back": an -s form before an owner's word is the
                # verb of the one just named (a noun before "her" would be "turns' her"); it asked "Are there person
                # arches?"
                previous is not None
                and following in _POSSESSIVES
                and word.endswith("s")
                and len(word) > 3
                and word.isalpha()
                and not word.endswith(("ss", "us", "is"))
                and any(lemma_ != word for lemma_ in lexicon.verb_lemmas(word))
                and (
                    previous.tag == "PRON"
                    or (previous.tag == "WORD" and not _is_plural(previous.word) and _is_animate(previous.word))
                )
            )
            or (
                previous is not None
                and previous.tag == "WORD"
                and word.endswith("s")
                and len(word) > 3
                and word.isalpha()
                # an -s form of a verb, not a noun ending in s: "a red dress", "a summer dress" are things
                and not word.endswith(("ss", "us", "is"))
                and any(lemma_ != word for lemma_ in lexicon.verb_lemmas(word))
                and not _is_plural(previous.word)
                and _after_a(tokens, i)
                and (following is None or following in _DETERMINERS or following in _OTHER_PREPOSITIONS)
            )
            or (
                previous is not None
                and previous.raw[:1].isupper()
                and previous.tag == "WORD"
                and token.raw.islower()
                and word.endswith("s")
                and following in {"a", "an", "the"}
            )
        ):
            token.tag = "VERB"  # "Captain Jack Sparrow pilots a plane": after a name, an -s word before "a" acts
        else:
            token.tag = "WORD"
        i += 1
    for j in range(1, len(tokens) - 1):
        this = tokens[j]
        if (
            this.tag == "VERB"
            and tokens[j - 1].tag == "WORD"
            and tokens[j - 1].word not in _DETERMINERS
            and tokens[j + 1].tag in {"HAVE", "COP"}
            and this.word in lexicon.verb_lemmas(this.word)  # a bare form ("cover"), never "covers", "covered"
            and lexicon.is_noun(this.word)
        ):
            # "the mattress cover has designs on it": a noun before the clause's verb ends the subject (it asked "Is
            # the mattress covering?")
            this.tag = "WORD"
    _unsay_negated_verbs(tokens)


def _unsay_negated_verbs(tokens: list[_Token]) -> None:
    """ "The trophy doesn't fit into the suitcase": a verb said not to happen, and the place it would put its
    subject in, are asked neither way (asking it inside the suitcase would ask the opposite); what is named
    after it is still a thing."""
    for k, token in enumerate(tokens):
        negated = k >= 1 and (
            ("'" in tokens[k - 1].word and tokens[k - 1].word in _AUXILIARIES)
            or (tokens[k - 1].word == "not" and k >= 2 and tokens[k - 2].word in _AUXILIARIES)
        )
        if token.tag == "VERB" and negated:
            if tokens[k - 1].tag == "NEG":
                tokens[k - 1].tag = "SKIP"
            if verb_lemma(token.word) in {"wear", "have", "hold", "carry", "contain", "include"}:
                token.tag = "NEG"  # "a dog that does not wear a collar": no collar
                continue
            token.tag = "SKIP"
            _skip_place(tokens, k + 1)
        elif (
            token.tag == "REL"
            and k >= 1
            and (
                tokens[k - 1].word in {"isn't", "aren't", "wasn't", "weren't"}
                or (tokens[k - 1].word == "not" and k >= 2 and tokens[k - 2].tag == "COP")
            )
        ):
            # "a cat that is not on the table": not there, so not asked there
            tokens[k - 1].tag = "SKIP"
            _skip_place(tokens, k)


def _skip_place(tokens: list[_Token], start: int) -> None:
    j = start
    while j < len(tokens) and tokens[j].tag in {"REL", "SKIP", "PREP"}:
        tokens[j].tag = "SKIP"
        j += 1


def _after_a(tokens: list[_Token], i: int) -> bool:
    """Is the word at i right after a noun phrase opened by "a"/"an" ("a hamster | hatches")? A singular
    article never heads a plural, so an -s word there is a verb."""
    j = i - 1
    while j >= 0 and tokens[j].tag == "WORD" and tokens[j].word not in {"a", "an"}:
        j -= 1
    return 0 <= j < i - 1 and tokens[j].word in {"a", "an"}


def _credits_an_artist(tokens: list[_Token], i: int) -> bool:
    """Does "by" at i name who made the picture: after a comma, a medium ("a painting by"), or before a name
    written with capitals that is no place ("a city by Ivan Shishkin"; "a cabin by the lake" is a place)?"""
    previous = tokens[i - 1] if i > 0 else None
    following = tokens[i + 1]
    if previous is not None and (previous.word == "," or previous.word in _MEDIUM_NOUNS or previous.word in _ART_NOUNS):
        return following.word not in _DETERMINERS
    if previous is None or (_unknown_word(following.word) and following.raw[:1].isupper()):
        # "by leonora carrington" opening a prompt; "a city by Moebius": a name no dictionary has, written with a
        # capital, after "by" is who made it ("by the lake", "by moonlight", "by lakeside" are places and light)
        return following.word not in _DETERMINERS and following.word.isalpha()
    after = [t.word for t in tokens[i + 2 : i + 4]]
    if (
        _unknown_word(following.word)
        and following.word.isalpha()
        and after[:1]
        and (_unknown_word(after[0]) or (after[0] == "and" and len(after) > 1 and _unknown_word(after[1])))
    ):
        return True  # "a city by moebius and makoto shinkai", "by greg rutkowski": names, written in lower case
    return (
        following.raw[:1].isupper()
        and following.word not in _DETERMINERS
        and following.word not in vocab.SCENE_WORDS
        and following.word not in _KNOWN_NOUNS
        and following.word not in {"lake", "river", "mount", "sea", "ocean", "bay", "the"}
    )


def _modifies_next(previous: _Token | None) -> bool:
    """Is the word before a participle one that opens or fills a noun phrase ("a", "tiny", "red", "two")? Then
    the participle is an adjective of the noun that follows ("a tiny cracked teacup"), not a verb."""
    return previous is not None and (
        previous.word in _DETERMINERS
        or previous.word in {"with", "of", "in", "into", "from", "under", "on"}  # "with melting butter"
        or previous.word in _NUMBERS
        or colour_name(previous.word) is not None
        or (_attribute_kind(previous.word) is not None and previous.word not in _MATERIAL_NOUNS)
    )

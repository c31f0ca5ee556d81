"""The parser: the chunk grammar over tagged tokens (_Parser), clause by clause. It runs the text's first rewrites,
takes out the settings, tokenises, tags and joins colours and adjectives, then reads noun phrases, verbs, relations,
places and texts in order, and writes what it reads through the _Reader.
"""

from __future__ import annotations

from imagegate_service.geometry import DEPTH_PLANES

from .. import lexicon
from .. import vocabulary as vocab
from ..concepts import FRAMING_NOUNS, QUALITY_WORDS, colour_name, verb_lemma
from .phrases import _join_adjectives, _join_colours, _Phrase, _phrase
from .reader import _OBJECT_ENTITY, _Entity, _Reader
from .rewrites import (
    _CONTRACTIONS,
    _GIVEN_NAME,
    _ITS_SLIP,
    _LETTER_SHAPE,
    _MADE_FOR,
    _SHAPE_OF,
    _SPACED_UNITS,
    _STOCK_TAG,
    _WORD_HOLDERS,
    _WRITTEN_ON,
    _contraction,
    _given_name,
    _its_slip,
    _stock_tag,
)
from .settings import (
    _PHOTO_KINDS,
    _SEATS,
    _holds_people,
    _multiword_settings,
    _picture_property_question,
    _style_item_question,
)
from .tagging import _tag
from .tokens import _quotes_after_their_nouns, _said_middle_of, _Token, _tokens
from .words import (
    _ABSTRACT_NOUNS,
    _ABSTRACT_WORKS,
    _ACCESSORIES,
    _ACROSS_FROM,
    _ADDRESSED_VERBS,
    _AIMED_VERBS,
    _AMBIENT,
    _AMBIENT_STATES,
    _ARRANGEMENTS,
    _ART_NOUNS,
    _ART_STYLES,
    _ARTICLES_AND_POSSESSIVES,
    _ATTACHED_TO,
    _BACKDROP_NOUNS,
    _BODY_PARTS,
    _CAMERA_WORDS,
    _COATING_PARTICIPLES,
    _COLLECTIVE_COUNTS,
    _COMPLEMENT_PARTICIPLES,
    _CONTAINERS,
    _DEFINITE,
    _DENIED_HAVING,
    _DETERMINERS,
    _DIRECTED_VERBS,
    _DIVIDING,
    _EVENTS,
    _FABRICS,
    _FACE_AND_HAIR,
    _FALLING_WEATHER,
    _FEELINGS_ONE_IS_IN,
    _GAMES,
    _GAPS_SPANNED,
    _GAZE_VERBS,
    _GROUNDS,
    _GROUPS_OF_ONES,
    _HAND_ACTIONS,
    _HANDHELD,
    _HOLDING_PARTS,
    _IMAGE_NOUNS,
    _IMAGE_TAGS,
    _IMAGINED,
    _JOINTS,
    _KINDS_OF,
    _KNOWN_NOUNS,
    _LAID_VERBS,
    _LANGUAGES,
    _LEFT_BEHIND_VERBS,
    _LETTERFORMS,
    _LOOK_NOUNS,
    _LOOK_WORDS,
    _MADE_OF_PARTICIPLES,
    _MAKING_VERBS,
    _MASS_NOUNS,
    _MASS_SCENES,
    _MATERIAL_NOUNS,
    _MEDIUM_NOUNS,
    _MEDIUM_PARTICIPLES,
    _MISSING_VERBS,
    _MONTHS_AND_DAYS,
    _MOTION_PATHS,
    _MOVED_VERBS,
    _NO_OBJECT_VERBS,
    _NOT_LOOKS,
    _NUMBERS,
    _ON_OBJECT_VERBS,
    _OWN_PARTS,
    _OWN_PLACE_WORDS,
    _PAIR_NOUNS,
    _PARKING_VERBS,
    _PARTICIPLE_RELATIONS,
    _PARTICLES,
    _PARTITIVES,
    _PATH_ALONE,
    _PATH_SECOND_WORDS,
    _PATH_WORDS,
    _PEOPLES,
    _PERCEPTION_VERBS,
    _PERSON_ENDINGS,
    _PHOTO_NOUNS,
    _PICTURES_AND_LIGHTS,
    _PLACEMENT_PARTICIPLES,
    _PLACING_RELATIONS,
    _POSE_ADVERBS,
    _POSSESSIVES,
    _POSTPOSITIVE_STATES,
    _POSTURE_VERBS,
    _PROCESS_VERBS,
    _PUTTING_VERBS,
    _QUANTIFIERS,
    _REFLEXIVES,
    _RIDDEN,
    _SAME_PARTICIPLE_VERBS,
    _SAYING_ONLY_WHERE,
    _SELF_MOVING,
    _SHADES,
    _SHARED,
    _SHARED_PLACES,
    _SHOTS,
    _SPANNING_THINGS,
    _STAGES,
    _STATE_PARTICIPLE_VERBS,
    _STAYING_VERBS,
    _SUPPORTS,
    _SURFACES,
    _TEXT_NOUNS,
    _TRAILING_PLACES,
    _TRANSITIVE,
    _TURNING_VERBS,
    _WAYS,
    _WEATHER,
    _WEATHER_NOUNS,
    _WHAT_THINGS_DO,
    _WHEN_NOT_WHERE,
    _WHICH_ONE,
    _WITH_PARTNER_VERBS,
    _WRITING_MEDIA,
    _WRITING_VERBS,
    _ZERO_PLURALS,
    MAX_WORD_CHARS,
    _article,
    _attribute_kind,
    _can_hold,
    _colours_of,
    _holds_things,
    _is_animate,
    _is_clothing,
    _is_compound,
    _is_ing_verb,
    _is_noun_word,
    _is_past,
    _is_person,
    _is_plural,
    _is_wood,
    _may_be_someone,
    _names_text,
    _opens_phrase,
    _plural,
    _pronoun_of,
    _unknown_word,
    _words,
    singular_noun,
)


class _Parser:
    """One pass over the tagged tokens, clause by clause."""

    def __init__(self, prompt: str) -> None:
        self.out = _Reader(prompt)
        prompt = _ITS_SLIP.sub(_its_slip, prompt)  # "sticking it's head out": its head
        prompt = _CONTRACTIONS.sub(_contraction, prompt)  # "he's": he is ("IT'S BACK" quoted stays as written)
        prompt = _LETTER_SHAPE.sub(
            lambda m: f"{m.group(1) or m.group(2)}-shaped", prompt
        )  # "a pool in the shape of the letter S": S-shaped
        prompt = _SHAPE_OF.sub(r"\1-shaped", prompt)
        prompt = _STOCK_TAG.sub(_stock_tag, prompt)
        prompt = _GIVEN_NAME.sub(_given_name, prompt)
        # what the picture is for goes before its kind is read ("vector illustration for a banking app:")
        text, self.settings = _multiword_settings(_MADE_FOR.sub(r"\1", _SPACED_UNITS.sub(r"\1\2", prompt)))
        self.tokens, self.quotes = _tokens(text)
        _tag(self.tokens)
        _quotes_after_their_nouns(self.tokens)
        _join_colours(self.tokens)
        _join_adjectives(self.tokens)
        self.i = 0
        self.topic: _Entity | None = None  # the clause's subject: what verbs and relations are said of
        self.last: _Entity | None = None  # the last entity named
        self.last_topic: _Entity | None = None  # the previous clause's subject ("behind them")
        self.fronted: tuple[str, str, _Entity | None] | None = None  # a place or relation before its subject
        self.last_relation = ""  # the relation that placed the last entity, when its role is "place"
        self.last_role = ""  # what the last entity was to its clause: "subject", "object" (acted on), "place"
        self.group: list[_Entity] = []  # subjects joined by "and" ("a man and a woman posing"): they share
        self.scene_topic: str | None = None  # a scene just named as a subject ("the sky is blue")
        self.listed: list[_Entity] = []  # subjects in a comma list so far ("a pear, an orange"): joined once an
        # "and" closes the list ("a pear, an orange and two bananas in a bowl": all three are in it)
        self.text_noun: str | None = None  # a text noun just read ("the word"): the quote that follows is it
        self.text_owner: _Entity | None = None  # the thing "with" that text ("a sign with the text"), if any
        self.absent_end = -1  # where the last absent phrase ("no rug") ended
        self.sentence_subject: _Entity | None = None  # the first subject of the sentence
        self.with_end = -1  # the token index right after a "with" phrase ("with hands touching": hands touch)
        self.about_end = -1  # the token index right after an "about" phrase ("a book about a girl riding")
        self.last_end = -1  # the token index right after the last entity's phrase
        self.owners: dict[str, _Entity] = {}  # entity id -> whose it is ("his hand": the man)
        self.fronted_used = False  # the fronted place or relation has found its (first) subject
        self.backdrop_end = -1  # where the backdrop just named ends ("the background is pink")
        # the colours and properties said before a text noun, for the quote that follows ("3-d letters 'dessert'")
        self.text_props: tuple[list[str], list[tuple[str, str]]] | None = None
        # a fronted place set aside while a participle says more of one listed thing, taken up at the next comma
        self.fronted_paused: tuple[str, str, _Entity | None] | None = None
        # the last participle said of a thing, as (the thing, the verb, where it was said): a "by" later in its
        # clause names who did it ("a rabbit held up in the air by a girl", "a cake taken out of an oven by a chef")
        self.passive: tuple[_Entity, str, int] | None = None
        self.text_free = False  # the text noun opens its own item: the quote is no other thing's
        self.relating: _Entity | None = None  # the subject of the relation whose object is being read
        self.relation_word: str | None = None  # that relation ("above": a scene word after it is a thing)

    # -- helpers ----------------------------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> _Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def _look_of(self, owner: _Entity, phrase: _Phrase) -> None:
        """A look a thing has, named by a pattern noun ("a dress with a floral pattern", "a vase with a glossy finish",
        "a scarf with a red and white design"): the pattern's words are the thing's properties ("Is the dress
        floral?", "Is the scarf red?"); the pattern noun names no thing in the picture and was dropped with them."""
        words = phrase.head.split()
        if not words or singular_noun(words[-1]) not in _LOOK_NOUNS:
            return
        for colour in phrase.colours:
            self.out.colour(owner, colour)
        said = {word for word, _ in phrase.attributes}
        for word, kind in phrase.attributes:
            self.out.attribute(owner, word, kind if kind != "other" else "texture")
        for word in words[:-1]:
            if word not in said and colour_name(word) is None and word not in _DETERMINERS:
                self.out.attribute(owner, word, "texture")

    def _more_stuff(self) -> list[str]:
        """After "made of wood": the rest of a list of what it is made of ("and stone", ", glass and steel"), each
        a bare noun phrase; the list must end in "and" (a comma alone may start a new part of the prompt: "a statue
        made of marble, sunset") and no item may be one who acts or start a clause ("made of oak and chairs around
        it", "and a dog": new things). Nothing is read when it is not such a list."""
        start, items, closed = self.i, [], False
        while (sep := self.peek()) is not None and sep.word in {"and", ","} and not closed:
            nxt = self.peek(1)
            if nxt is not None and nxt.word == "and" and sep.word == ",":
                self.i += 1  # the serial comma: ", and glass"
                continue
            if nxt is None or nxt.tag != "WORD" or nxt.word in _DETERMINERS or nxt.word in _NUMBERS:
                break
            closed = sep.word == "and"
            self.i += 1
            run = self.words_run()
            after = self.peek()
            if (
                not run
                or any(_is_animate(t.word) or _is_person(t.word) for t in run)
                or (
                    after is not None
                    and after.tag not in {"PUNCT", "CONJ"}
                    and after.word not in {"and", ","}
                    # "made of glass and steel on a desk": a stuff's name ends the list where a place follows
                    and not (after.tag in {"REL", "PLACE"} and run[-1].word in _MATERIAL_NOUNS)
                )
                or not (lexicon.is_noun(run[-1].word) or _is_plural(run[-1].word) or run[-1].word in _MASS_NOUNS)
            ):
                break
            items.append(" ".join(t.word for t in run[-2:]))
        else:
            if closed and items:
                return items
        self.i = start
        return []

    def words_run(self) -> list[_Token]:
        """The WORD tokens from here (a noun phrase's words), skipping adverbs."""
        while self.i < len(self.tokens) and self.tokens[self.i].tag == "SKIP":
            self.i += 1
        run: list[_Token] = []
        while self.i < len(self.tokens) and self.tokens[self.i].tag in {"WORD", "ADV", "JOIN"}:
            if self.tokens[self.i].tag == "JOIN":
                self.i += 1
                continue
            token = self.tokens[self.i]
            if token.tag == "WORD":
                if token.word in _DETERMINERS and any(t.word not in _DETERMINERS for t in run):
                    break  # "a dog down the street": a new phrase starts
                pair = f"{run[-1].word} {token.word}" if run else ""
                if (
                    (
                        run
                        and _opens_phrase(token.word)
                        and _is_noun_word(run[-1].word)
                        # "right leg left leg", "two cats three dogs": a new phrase; "fresh pure white lilies" is one
                        and (
                            token.word in _WHICH_ONE
                            or token.word in _NUMBERS
                            or token.word.isdigit()
                            or run[-1].word in _KNOWN_NOUNS
                            or singular_noun(run[-1].word) in _KNOWN_NOUNS
                            or (_is_plural(run[-1].word) and run[-1].word.isalpha())  # "cute ears big eyes"
                        )
                        and not (token.raw[:1].isupper() and run[-1].raw[:1].isupper())
                        and not self._trailing_adjective()
                        and not _is_compound(pair)
                    )
                    or (
                        run
                        and run[-1].word in _BODY_PARTS - {"back", "side", "sides", "bottom"}
                        and token.word in _BODY_PARTS - {"back", "side", "sides", "bottom"}
                    )
                ):
                    break  # "right leg left leg", "below chest head tilted": a second phrase
                run.append(token)
            elif run and token.tag == "ADV" and any(t.word not in _DETERMINERS for t in run):
                break
            self.i += 1
        return run

    def _trailing_adjective(self) -> bool:
        """Does the adjective at the cursor end its phrase ("a pencil holder full of crayons"), rather than start a
        new noun phrase ("right leg left leg")?"""
        nxt = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        return nxt is None or nxt.tag != "WORD" or nxt.word in _DETERMINERS

    def noun_phrase(self, *, generic: bool = False) -> tuple[_Entity | None, _Phrase | None]:
        """Read a noun phrase at the cursor: an entity (or a setting, a backdrop, a pronoun's referent)."""
        token = self.peek()
        if token is None:
            return None, None
        if token.tag == "OBJPRON":
            self.i += 1
            return self.pronoun(token.word), None
        if token.tag == "QUOTE":
            return None, None
        run = self.words_run()
        if not run and self.peek() is not None and self.peek().tag == "OBJPRON":
            return self.noun_phrase(generic=generic)
        if not run:
            return None, None
        # "a pair of shoes", "a group of ducks", "a photo of a cat": the phrase is the one after "of"
        phrase = _phrase(run)
        return self.resolve(phrase, run, generic=generic)

    def pronoun(self, word: str) -> _Entity | None:
        """What an object pronoun stands for (`_pronoun_for`), but "in it" is what can hold things: when the one
        found cannot ("a candle next to a book, a bookmark in it", "a cat near a fountain, coins in it"), the
        nearest that can ("an oak beside a house, a swing hanging in it" stays the oak's)."""
        found = self._pronoun_for(word)
        said_in = self.i >= 2 and self.tokens[self.i - 2].word in {"in", "inside", "into"}
        if word != "it" or self.relating is None or not (self.relation_word == "inside" or said_in):
            return found
        if found is not None and _holds_things(found.noun):
            return found
        holder = next(
            (
                e
                for e in reversed(self.out.entities)
                if e is not self.relating and not e.plural and _holds_things(e.noun)
            ),
            None,
        )
        return holder or found

    def _pronoun_for(self, word: str) -> _Entity | None:
        """What an object pronoun stands for: "them" the last plural thing other than the clause's subject,
        "him"/"her" the clause's subject (or the last sentence's), "it" the last single thing. In a relation it is
        never the relation's own subject ("a bed with a laptop on it": it is the bed)."""
        excluded = self.relating if self.relating is not None else self.topic
        joined = self.group if excluded in self.group else []  # "bushes and trees behind them": not the bushes
        # "a glass of milk beside it": not what the thing being placed holds
        held = (
            {
                c.get("subject")
                for c in self.out.checks
                if c["kind"] == "relation" and c.get("relation") == "inside" and c.get("object") == excluded.noun
            }
            if excluded is not None
            else set()
        )
        others = [
            e for e in reversed(self.out.entities) if e is not excluded and e not in joined and e.noun not in held
        ]
        worn = {c.get("object") for c in self.out.checks if c["kind"] == "action" and c.get("action") == "wear"}
        # "cyclists in yellow jerseys, with peaks behind them": the wearers, not what they wear
        others = [e for e in others if e.noun not in worn] + [e for e in others if e.noun in worn]
        if word in {"which", "whom"}:
            return next((e for e in reversed(self.out.entities) if e is not excluded), None)
        if word in {"them", "themselves"}:
            return next((e for e in others if e.plural), self.last_topic)
        if word in {"him", "her"}:
            candidates = [e for e in (self.topic, self.last_topic, *others) if e is not None and e is not excluded]
            return next((e for e in candidates if _is_animate(e.noun)), candidates[0] if candidates else None)
        # Where a later thing is placed ("on it", "behind it"), "it" is what the clause or the sentence is about,
        # not the last thing named: "the smoothie has cinnamon on it", "the court is green with lines on it" (the
        # clause's topic); "a bridge over a river, a boat passing beneath it", "a loaf on a board, crumbs
        # scattered around it" (the sentence's subject). After a noun, "with" keeps it the noun's ("a pot with a
        # sign on it"), which is the last single thing named.
        if self.relating is not None:
            clause = []
            for t in reversed(self.tokens[: self.i]):
                if t.tag == "PUNCT":
                    break
                clause.append(t)
            owner = next(((n, t) for n, t in enumerate(clause) if t.word == "with" or t.tag == "HAVE"), None)
            if owner is None:
                about = self.sentence_subject
            elif owner[1].word != "with" or (owner[0] + 1 < len(clause) and clause[owner[0] + 1].tag != "WORD"):
                about = self.topic
            else:
                about = None
            if (
                about is not None
                and about is not self.relating
                and about in others
                # several things said as one ("a stack of cookies ..., a glass of milk beside it") are an it too
                and (
                    not about.plural
                    or any(
                        c.get("parent") == about.id and str(c.get("attribute", "")).startswith("in a ")
                        for c in self.out.checks
                    )
                )
                # "it" is no person; an animal it may be ("an owl on a branch, the moon behind it"), but not for
                # what is in it ("a cat near a fountain, coins in it": the fountain, read above)
                and not _is_person(about.noun)
            ):
                return about
        # "a boat rowed by a fisherman passing beneath it": "it" is never a person
        return next((e for e in others if not e.plural and not _is_person(e.noun)), self.last_topic)

    def _weather_of(self, noun: str) -> None:
        """ "in the rain", "a lighthouse in the fog": the weather, asked as English asks it ("Is it foggy in the
        image?"); a light the world draws (fog) stays a light check, so the world can decide it."""
        kind, value = ("light", noun) if noun in vocab.LIGHT_WORDS else ("scene", _WEATHER_NOUNS[noun])
        self.out.setting(kind, value, f"Is it {_WEATHER_NOUNS[noun]} in the image?")

    def _weather(self, phrase: _Phrase) -> None:
        """ "a rainy street", "a misty lake": the weather of the picture, not a property of the thing (asked as the
        scene's, so it never contends with the one light: "a rainy street at night" is both)."""
        for word in [word for word, _ in phrase.attributes if word in _WEATHER]:
            self.out.setting("scene", word, f"Is it {word} in the image?")
        phrase.attributes = [(word, kind) for word, kind in phrase.attributes if word not in _WEATHER]

    def resolve(
        self, phrase: _Phrase | None, run: list[_Token], *, generic: bool = False
    ) -> tuple[_Entity | None, _Phrase | None]:
        if phrase is None:
            return None, None
        if not phrase.head:
            return None, phrase
        head = phrase.head
        last_word = head.split()[-1]
        nxt = self.peek()
        if (
            nxt is not None
            and nxt.word == "of"
            and singular_noun(last_word)  # "stacks of books", as "a stack of books"
            in _words(
                """
                pair couple group bunch pile set collection herd flock crowd pack number lot lots row stack dozen
                handful team swarm school family arrangement assortment variety selection array cluster heap company
                """
            )
        ):
            self.i += 1
            entity, inner = self.noun_phrase(generic=generic)
            if entity is not None and singular_noun(last_word) in _ARRANGEMENTS:
                # "a stack of five books", "a row of motorcycles": how they are arranged, a state of theirs
                self.out.attribute(entity, f"in a {singular_noun(last_word)}", "state")
            said = _COLLECTIVE_COUNTS.get(last_word)
            groups = last_word != singular_noun(last_word)  # "four pairs of hands", "stacks of books": several
            if groups and phrase.count is not None and _COLLECTIVE_COUNTS.get(singular_noun(last_word)):
                said = phrase.count * _COLLECTIVE_COUNTS[singular_noun(last_word)]  # four pairs: eight
            elif groups and singular_noun(last_word) not in _KINDS_OF:  # "eight varieties of tea": eight teas
                phrase.count = None  # "three stacks of books": the books are more than three, how many unsaid
            if entity is not None and inner is not None and inner.count is None and not inner.at_least:
                if said is not None and last_word == "pair" and entity.noun.split()[-1] in _PAIR_NOUNS:
                    pass  # "a pair of scissors", "a pair of jeans": one thing named as a plural, not two
                elif said is not None:
                    self.out.count(entity, said, False)  # "a pair of shoes": two; "a dozen eggs": twelve
                elif phrase.count is not None:
                    self.out.count(entity, phrase.count, False)  # "a set of six plates": six plates
                elif not generic and (
                    # "a pile of fish": a plural spelt as its singular (_ZERO_PLURALS) is several too
                    entity.plural
                    or entity.noun.split()[-1] in _ZERO_PLURALS
                    or singular_noun(last_word) in _GROUPS_OF_ONES
                ):
                    # "a group of people", "a lot of clouds": more than one; "a pile of hay", "a bag of rice" is
                    # stuff, never counted (it asked "Are there at least two hays?")
                    self.out.count(entity, 2, True)
            return entity, inner
        if (
            phrase.count is not None
            and nxt is not None
            and nxt.word == "of"
            and singular_noun(last_word) in _KINDS_OF
            and self.peek(1) is not None
            and self.peek(1).tag == "WORD"
        ):
            self.i += 1  # "nine different breeds of dogs": nine dogs, each a breed
            entity, inner = self.noun_phrase(generic=generic)
            if entity is not None and inner is not None and inner.count is None:
                self.out.count(entity, phrase.count, False)
            for word, kind in phrase.attributes:
                if entity is not None:
                    self.out.attribute(entity, word, kind)
            return entity, inner
        if (
            last_word in _PARTITIVES
            and not phrase.plural
            and (phrase.count is None or phrase.count == 1)
            and nxt is not None
            and nxt.word == "of"
            and self.peek(1) is not None
            and self.peek(1).tag == "WORD"
        ):
            self.i += 1  # "a piece of wood is on a counter": the wood is (one piece of it), and it is on the counter
            entity, inner = self.noun_phrase(generic=generic)
            for word, kind in phrase.attributes:
                if entity is not None and kind != "size":  # "a large slice of cake": the slice is large
                    self.out.attribute(entity, word, kind)
            return entity, inner
        if (
            last_word in _ART_NOUNS
            and last_word not in _MEDIUM_NOUNS
            # "food photography of a smoothie bowl": photography is never a thing made on something
            and (
                (len(head.split()) > 1 and head.split()[-2] in _ART_STYLES)
                or (last_word == "photography" and (len(head.split()) > 1 or phrase.attributes))
            )
            and nxt is not None
            and nxt.word == "of"
        ):
            # "a graffiti art of the text", "pixel art of a fox", "portrait photography of a woman": the image
            self.out.setting("style", " ".join([w for w, _ in phrase.attributes] + head.split())[:64])
            self.i += 1
            return self.noun_phrase(generic=generic)
        if last_word in _MEDIUM_NOUNS and nxt is not None and nxt.word == "of":
            start = next((k for k, t in enumerate(self.tokens) if run and t is run[0]), 0)
            while start > 0 and self.tokens[start - 1].tag == "SKIP":  # "next to": the relation's first word
                start -= 1
            joined = start > 0 and (
                self.tokens[start - 1].word in {"and", "with"} or self.tokens[start - 1].tag in {"REL", "VERB"}
            )  # "a lamp and a painting of ...", "next to a photo of ...": not "a photo of a bench. a photo of ..."
            if self.out.entities and not phrase.definite and joined:
                # "a bedroom with a lamp ... and a painting of a whale above the bed": a picture hanging in the
                # scene (things were named before it), not what the image is; what follows is the painting's
                picture = self.out.entity(phrase)
                self.i += 1
                shown, inner = self.noun_phrase(generic=generic)
                following = self.peek()
                if shown is not None and following is not None and following.tag == "VERB":
                    return shown, inner  # "a painting of pangolins playing soccer": they play, in the painting
                self.last, self.last_role, self.last_end = picture, "subject", self.i
                return picture, phrase
            self.out.setting("style", last_word)
            self._how_the_picture_looks(phrase, last_word)
            self.i += 1
            return self.noun_phrase(generic=generic)
        if (
            last_word == "shot"
            and len(head.split()) + len(phrase.attributes) > 1
            and nxt is not None
            and nxt.word == "of"
        ):
            shot = " ".join([w for w, _ in phrase.attributes] + head.split())[:64]
            self.out.setting("style", shot, f"Is the image {_article(shot)} {shot}?")
            self.i += 1  # "a macro shot of a dewdrop", "an aerial drone shot of a river": how the image was taken
            return self.noun_phrase(generic=generic)
        start = next((k for k, t in enumerate(self.tokens) if run and t is run[0]), 0)
        whole_item = (start == 0 or self.tokens[start - 1].word in {",", ".", ";"}) and (
            nxt is None or nxt.word in {",", ".", ";"}
        )
        if (
            last_word in _MEDIUM_NOUNS
            and head == last_word
            and whole_item
            and not phrase.definite
            and not phrase.attributes
            and not phrase.colours
        ):
            doer = next((e for e in reversed(self.out.entities) if _is_person(e.noun)), None)
            if last_word.endswith("ing") and doer is not None:
                self.out.action(doer, last_word, None)  # "a woman sits by a window, painting.": what she does
                return None, phrase
            # "a girl with rainbow hair, portrait, rim light": a list item naming the medium is what the image is
            self.out.setting("style", last_word)
            return None, phrase
        if (
            last_word in {"shot", "view"}
            and whole_item
            and not phrase.definite
            and (phrase.attributes or " " in head)
            and all(w in _CAMERA_WORDS for w in [*(w for w, _ in phrase.attributes), *head.split()[:-1]])
        ):
            # "Panoramic Shot.", "..., wide lens shot, ...": how the picture was taken, a list item of its own
            shot = " ".join([w for w, _ in phrase.attributes] + head.split())[:64]
            for word in shot.split()[:-1]:
                if word in vocab.SCENE_WORDS:
                    self.out.setting("scene", word)  # "studio shot": in a studio too (a setting the world draws)
            self.out.setting("style", shot, f"Is the image {_article(shot)} {shot}?")
            return None, phrase
        shown = head.split()[:-1]
        if (
            last_word in {"photo", "photograph", "snapshot"}
            and shown
            and not self.out.entities
            and not (nxt and nxt.word == "of")
            and not phrase.definite
            and all(w.isalpha() and lexicon.is_noun(w) and w not in _PHOTO_KINDS for w in shown)
            and not any(lexicon.is_adjective(w) for w in shown)
        ):
            # "a graveyard photo": the image is a photo (asked alone) of a graveyard (read on as the thing); it
            # asked "Is the image a graveyard photo?", two properties in one question
            self.out.setting("style", last_word)
            head = phrase.head = " ".join(shown)
            last_word = shown[-1]
        if (
            last_word in _MEDIUM_NOUNS
            and len(head.split()) > 1
            and not self.out.entities
            and not (nxt and nxt.word == "of")
            and not phrase.definite
        ):
            # "Flat lay product photo on pink marble: ...", "studio photo, a cat": what the image is, said first
            self.out.setting("style", head[:64], f"Is the image {_article(head)} {head}?")
            return None, phrase
        start = next((n for n, t in enumerate(self.tokens) if t is run[0]), 0)  # where the phrase was said
        had = start > 0 and self.tokens[start - 1].word in {"with", "has", "have"}  # "a cup with latte art"
        opens_clause = start == 0 or self.tokens[start - 1].tag in {"PUNCT", "CONJ"}
        if (
            last_word in _ART_NOUNS
            and (len(head.split()) > 1 or phrase.attributes)
            and not (nxt and nxt.word == "of")
            and not had
        ):
            words = [w for w, _ in phrase.attributes] + head.split()
            self.out.setting("style", " ".join(words)[:64])  # "concept art", "a digital painting": how it is made
            return None, phrase
        if last_word in _BACKDROP_NOUNS:
            if opens_clause:
                # "the background is pink": what the copula says next is the backdrop's ("the sky in the
                # background is blue" is the sky's)
                self.backdrop_end = self.i
            for colour in phrase.colours:
                self.out.setting("scene", f"{colour} {last_word}", f"Is the {last_word} {colour}?")
            for word, _ in phrase.attributes:
                self.out.setting("scene", f"{word} {last_word}", f"Is the {last_word} {word}?")
            return None, phrase
        if head in vocab.SCENE_WORDS and not self._placed_thing():
            self.out.setting("scene", head)  # "a dog on a sunny beach": the beach, and its light
            self._weather(phrase)
            for colour in phrase.colours:
                self.out.scene_colour(head, colour)  # "a clear blue sky", "a green field": the place's colour
            for word, kind in phrase.attributes:
                if word in vocab.LIGHT_WORDS:
                    self.out.setting("light", word)
                elif lexicon.is_adjective(word) or kind == "state":
                    # "an empty room", "a crowded street", "a deserted beach", "a winding river": the place's own
                    # property, asked of the place
                    verb = "Are" if phrase.plural else "Is"
                    self.out.setting(
                        "scene", f"{word} {head}", f"{verb} the {_plural(head) if phrase.plural else head} {word}?"
                    )
            return None, phrase
        if head in _WEATHER_NOUNS:  # "in the fog": the weather of the picture (the world's light when it has it)
            self._weather_of(head)
            return None, phrase
        if head in vocab.LIGHT_WORDS:
            self._weather(phrase)  # "on a rainy night": the night's light, and rain
            self.out.setting("light", head)
            return None, phrase
        if head in {"day", "afternoon", "daytime"}:  # "on a sunny day": the light it names
            self._weather(phrase)
            for word in [w for w, _ in phrase.attributes if w in vocab.LIGHT_WORDS] or ["daytime"]:
                self.out.setting("light", word, None if word != "daytime" else "Is it daytime in the image?")
            return None, phrase
        if (
            last_word in FRAMING_NOUNS
            and last_word not in _MEDIUM_NOUNS
            and not _is_compound(head)
            and any(w in vocab.LIGHT_WORDS or w in vocab.SCENE_WORDS for w in head.split()[:-1])
        ):
            # "soft morning light", "a sunset glow": the words before a framing noun may name the light or scene
            for word in [*head.split()[:-1], *(w for w, _ in phrase.attributes)]:
                for kind, table in (("light", vocab.LIGHT_WORDS), ("scene", vocab.SCENE_WORDS)):
                    if word in table:
                        self.out.setting(kind, word)
            return None, phrase
        if (
            head in _WHICH_ONE
            or last_word in _ABSTRACT_NOUNS
            or singular_noun(last_word) in _ABSTRACT_NOUNS
            # "a dream of a distant galaxy", "a memory of a summer garden": what is imagined is the picture's
            or (head in _IMAGINED and nxt is not None and nxt.word == "of")
            or (len(head.split()) == 1 and (_is_past(head) or _is_ing_verb(head)) and head not in _KNOWN_NOUNS)
        ):
            return None, phrase  # "a push up position", "painted": nothing to look for
        if head in _TEXT_NOUNS or singular_noun(head) in _TEXT_NOUNS:
            self.text_noun = singular_noun(head) if phrase.plural else head
            self.text_props = (list(phrase.colours), list(phrase.attributes))  # "3-d letters 'dessert'"
            # "... and the text 'California'": a text of its own, not on the thing named before
            # ... and so does ", with the text '...'" after a comma: the picture's caption ("two hands holding a
            # heart, with the text 'love is power'" asked the hands to say it; "a mug with the text 'Hi'" is the mug's)
            self.text_free = (
                opens_clause
                or (
                    start >= 2
                    and self.tokens[start - 1].word == "with"
                    and self.tokens[start - 2].word == ","
                    # "a mug on a desk, with the text 'Monday' on it": the mug's, said so
                    and not any(
                        t.word == "it" and self.tokens[k - 1].word == "on"
                        for k, t in enumerate(self.tokens[self.i : self.i + 6], start=self.i)
                    )
                )
            )
            return None, phrase
        self._weather(phrase)
        if head in _MEDIUM_NOUNS and nxt is not None and nxt.tag == "STYLEOF":
            self.out.setting("style", head)  # "a painting by Monet": what the image is, and who made it
            return None, phrase
        medium_thing = head in _MEDIUM_NOUNS and not (nxt and nxt.word == "of")  # "a painting on a wall"
        medium_thing = medium_thing or (had and last_word in _ART_NOUNS)  # "a museum with modern art": a thing
        # "a mirror with a hammered copper frame", "a photo in a gold frame": a frame of some stuff, look or colour
        # is a thing; "an elderly couple dancing": two people (only "a couple of ..." counts)
        medium_thing = medium_thing or head == "couple"
        medium_thing = medium_thing or (
            last_word in {"frame", "frames"} and (had or bool(phrase.colours) or bool(phrase.attributes))
        )
        # "photos on a wall", "electric lights": several pictures or lights are things in the picture (one image
        # is not several), unless they say what they show ("photos of a city")
        medium_thing = medium_thing or (
            phrase.plural
            and last_word != singular_noun(last_word)
            and singular_noun(last_word) in _PICTURES_AND_LIGHTS
            and not (nxt and nxt.word == "of")
        )
        if not medium_thing and (
            head in FRAMING_NOUNS
            or singular_noun(head) in FRAMING_NOUNS
            or head in _IMAGE_NOUNS
            or last_word in _LETTERFORMS
            or len(head) > MAX_WORD_CHARS
        ):
            if head in {"image", "picture", "photo", "photograph"} and phrase.colours:
                self._how_the_picture_looks(phrase, head)  # "this is a black and white image": its colours
            return None, phrase
        owner = None
        if phrase.possessor is not None:
            owner = next((e for e in reversed(self.out.entities) if e.noun == singular_noun(phrase.possessor)), None)
            if owner is None:
                owner_phrase = _Phrase(head=phrase.possessor, plural=_is_plural(phrase.possessor), definite=False)
                owner = self.out.entity(owner_phrase)
        pronoun_owner = next((t for t in run if t.word in {"his", "her", "their", "its"}), None)
        anchor = self.topic or self.last_topic
        if (
            pronoun_owner is not None
            and pronoun_owner.word in {"his", "her"}
            and (anchor is None or anchor.plural or not _is_animate(anchor.noun))
        ):  # "a man on a bench, pigeons at his feet": his is the man's, one who can be he
            anchor = next((e for e in reversed(self.out.entities) if not e.plural and _is_animate(e.noun)), anchor)
        if anchor is not None and anchor.noun.split()[-1] in _BODY_PARTS and pronoun_owner is not None:
            # "the right knee bent and their gaze": their = the person the parts belong to
            anchor = self.owners.get(anchor.id) or next(
                (
                    e
                    for e in reversed(self.out.entities)
                    if e.noun.split()[-1] not in _BODY_PARTS and e.id not in self.owners
                ),
                None,
            )
        if (
            pronoun_owner is not None
            and pronoun_owner.word in {"his", "her"}
            and anchor is not None
            and _pronoun_of(anchor.noun) not in (None, pronoun_owner.word)
        ):  # "a man and a woman, a rose in his hand": his is the man's, not the woman's named last
            anchor = next(
                (e for e in reversed(self.out.entities) if not e.plural and _pronoun_of(e.noun) == pronoun_owner.word),
                anchor,
            )
        if pronoun_owner is not None and self.last_role == "verb" and self.relating is not None:
            anchor = self.relating  # "with a dog smiling and wagging its tail": the doer's own tail, not the sign's
        elif pronoun_owner is not None and pronoun_owner.word == "its" and anchor is self.relating:
            # "a hat on its head": not the hat's own head ("a woman balancing on her foot" is her own)
            anchor = self.sentence_subject if self.sentence_subject is not self.relating else None
        if pronoun_owner is not None and owner is None and anchor is not None:
            owner = self.owners.get(anchor.id, anchor)  # "their head ... their arms": the person's
        if owner is not None and pronoun_owner is not None and phrase.head in {"feet", "foot", "side"} and run:
            start = next(k for k, t in enumerate(self.tokens) if t is run[0])
            if start > 0 and self.tokens[start - 1].word in {"at", "by"}:
                return owner, phrase  # "pigeons at his feet", "a dog by her side": next to him, no feet asked for
        entity = self.out.entity(phrase, generic=generic, owner=owner)
        if owner is not None:
            self.owners.setdefault(entity.id, owner)
        self.last, self.last_role, self.last_end = entity, "subject", self.i
        return entity, phrase

    def _placed_thing(self) -> bool:
        """Is the scene word just read a thing placed against another ("the sky above the tower", "a kite
        below the sky") rather than where the picture is set ("a dog on the beach", "a boat in the sea")?"""
        nxt = self.peek()
        return (
            (self.relation_word in _PLACING_RELATIONS)
            or (self.relation_word is None and nxt is not None and nxt.tag == "REL")  # "grass on the ground"
            or (nxt is not None and nxt.tag == "PLACE" and nxt.value in DEPTH_PLANES)  # "a city in the background"
            # "In the background we can see trees and sky": placed there too
            or (self.fronted is not None and self.fronted[0] == "position" and self.fronted[1] in DEPTH_PLANES)
        )

    # -- the pass ---------------------------------------------------------------------------------------------
    def run(self) -> list[dict]:
        self._pass()
        self.out.place_put_things()
        self.out.tell_apart()
        # "a man without a hat between two women in straw hats": no hat on the man, but hats in the picture; an
        # absent check (none in the whole image) would contradict the prompt, so a thing also asked for is not one
        wanted = {c["subject"] for c in self.out.checks if c["kind"] == "entity"}
        self.out.checks[:] = [c for c in self.out.checks if not (c["kind"] == "absent" and c["subject"] in wanted)]
        # "a pickup truck missing its wheels", "a guitar lacking strings": what a thing misses is not there, so no
        # check asks for it ("Does the pickup truck have wheels?" asked the opposite); the missing is asked
        # ("a chair missing a leg", "a bicycle missing the front wheel": its own part is not; "a tennis player
        # missing the ball": the ball is there, missed)
        missed = {
            c.get("object")
            for c in self.out.checks
            if c["kind"] == "action"
            and (
                c["id"] in self.out.losses  # "a lizard that lost its tail" (not "losing its tail": still there)
                or (
                    c.get("action") in _MISSING_VERBS
                    and (c["action"] == "lack" or singular_noun(str(c.get("object")).split()[-1]) in _OWN_PARTS)
                )
            )
        }
        for check in [c for c in self.out.checks if c["kind"] == "entity" and c["subject"] in missed]:
            self.out.checks = [c for c in self.out.checks if c is not check and c.get("parent") != check["id"]]
        # "a man who lost his hat": not wearing it either (it asked "Is the man wearing the hat?" beside the loss)
        lost = {(c.get("parent"), c.get("object")) for c in self.out.checks if c["id"] in self.out.losses}
        self.out.checks = [
            c
            for c in self.out.checks
            if not (
                c["kind"] == "action"
                and c.get("action") in {"wear", "have", "hold"}
                and (c.get("parent"), c.get("object")) in lost
            )
        ]
        for kind, phrase in self.settings:
            question = (
                _IMAGE_TAGS[phrase][1]
                if phrase in _IMAGE_TAGS
                else _picture_property_question(phrase) or _style_item_question(phrase)
            )
            adjective, _, place = phrase.partition(" ")
            if kind == "scene" and phrase not in vocab.SCENE_WORDS and place in vocab.SCENE_WORDS:
                question = f"Is the {place} {adjective}?"  # "a cozy living room": Is the living room cozy?
            self.out.setting(kind, phrase, question)
        return self.out.checks

    def _resume_fronted(self) -> None:
        """Take up the fronted place set aside, for the rest of the list, unless the rest says a place of its own
        ("On the left a man holding a bag, a woman and a child on the right": the child is on the right only)."""
        paused, self.fronted_paused = self.fronted_paused, None
        j = self.i + 1
        while j < len(self.tokens) and self.tokens[j].word not in {".", ";", ":", "!", "?"}:
            if self.tokens[j].tag in {"PLACE", "REL"}:
                return
            j += 1
        self.fronted, self.fronted_used = paused, True

    def _backdrop_is(self) -> bool:
        """At a copula right after the backdrop ("a cat, the background is pink", "The background is completely
        blurred", "Background of the image is white"): its colours and properties, asked of the background ("Is
        the background pink?"). Reads them and returns True; False when no backdrop was just named."""
        between = [t.word for t in self.tokens[self.backdrop_end : self.i]] if self.backdrop_end >= 0 else ["?"]
        if not all(w in {"of", "the", "this", "that", "image", "picture", "photo", "scene"} for w in between):
            return False
        said: list[str] = []
        j = self.i + 1
        while j < len(self.tokens) and self.tokens[j].tag in {"ADV", "WORD", "PAST", "JOIN"}:
            if self.tokens[j].tag != "ADV" and self.tokens[j].word not in _DETERMINERS:
                said.append(self.tokens[j].word)
            j += 1
        if (
            not said
            or any(not (colour_name(w) or _attribute_kind(w) is not None or _is_past(w) or w == "and") for w in said)
            or (j < len(self.tokens) and self.tokens[j].word in {"of", "with", "by"})
        ):
            return False  # "the background is a forest", "... a gradient of blue", "... filled with stars"
        self.i, self.backdrop_end = j, -1
        for word in said:
            if word in {"and", "color", "colour", "colored", "coloured"}:
                continue
            self.out.setting("scene", f"{word} background", f"Is the background {word}?")
        return True

    def _trailing_relation(self, token: _Token) -> bool:
        """A relation word that ends its phrase, with no object ("looking down at a dog below", "a bridge with a
        river beneath"): the thing just named is so placed from the one the clause is about (the dog below the
        cat). Reads it and returns True; False when something follows it or nothing is there to relate."""
        after = self.peek(1)
        before = self.tokens[self.i - 1] if self.i > 0 else None
        # who it is placed from: the one the clause is about, else the sentence's, else the first thing named
        reference = next(
            (
                e
                for e in (self.topic, self.sentence_subject, *self.out.entities[:1])
                if e is not None and e is not self.last
            ),
            None,
        )
        if (
            token.word not in _TRAILING_PLACES
            or (
                after is not None
                and after.tag != "PUNCT"
                and after.word not in {"and", "but"}
                # "zebras graze nearby on the savanna": then where they are
                and not (token.word in {"overhead", "nearby"} and after.tag == "REL")
            )
            or self.last is None
            or _is_clothing(self.last.noun.split()[-1])  # "a doll with a hoody nearby": the doll is, not the hoody
            or singular_noun(self.last.noun.split()[-1]) in _BODY_PARTS  # "her hair tied behind": how, not where
            or reference is None
            or before is None
            # "the right arm is behind": where it is, not from whom ("her hair tied behind": how it is tied); "seagulls circling overhead", "zebras graze
            # nearby", "a drone flying high overhead": the one doing it
            or not (
                (before.tag == "WORD" and not (_is_past(before.word) or lexicon.is_past_form(before.word)))
                or (token.word in {"overhead", "nearby"} and (before.tag == "VERB" or before.word in {"high", "low"}))
            )
        ):
            return False
        self.i += 1
        self.out.relation(self.last, _TRAILING_PLACES[token.word], reference)
        # "a boy with a cat nearby and a dog far away": the "with" list ends here; what "and" adds is no more his
        self.last_role, self.with_end = "place", -1
        return True

    def _text_medium(self) -> tuple[str, list[str], int] | None:
        """At a quote: what its letters are made of or written in, when the words after it say so ("'broken'
        made from black glass", "'HAPPY 30TH' written in blue icing", "'jazz' in flowing cursive", "'OPEN' in red
        letters"): (how it is said: "made of", "carved in", "written in"; the medium's words; the position to read on
        from: after them, or at them when they
        are things to ask for too, "made from hotdogs"); None when nothing such follows. A bare
        "in" after the quote is a medium only when its words are colours or letterforms ("'OPEN' in the window"
        is a place)."""
        j = self.i + 1
        after = self.tokens[j] if j < len(self.tokens) else None
        if after is None:
            return None
        follow = [t.word for t in self.tokens[j + 1 : j + 3]]
        if after.word in _MADE_OF_PARTICIPLES and follow[:1] and follow[0] in {"of", "from"}:
            how, start = "made of", j + 2
        elif after.word in _MADE_OF_PARTICIPLES and follow == ["out", "of"]:
            how, start = "made of", j + 3
        elif (
            _is_past(after.word)
            and verb_lemma(after.word) in _WRITING_VERBS | {"draw", "form", "shape"}
            and follow[:1]
            and follow[0] in {"in", "from", "of"}
        ):
            # "carved in stone", "painted in gold", "formed from pebbles" ("written with graffiti letters on a
            # wall" says with what and where: left to the reading of things)
            how, start = (f"{after.word} in" if follow[0] == "in" else "made of"), j + 2
        elif after.tag == "REL" and after.word == "in":
            how, start = "written in", j + 1
        else:
            return None
        written = how != "made of"
        words: list[str] = []
        k = start
        article = start < len(self.tokens) and self.tokens[start].word in {"a", "an", "the"}
        while k < len(self.tokens):
            t = self.tokens[k]
            adjectival = t.tag in {"VERB", "PAST"} and k + 1 < len(self.tokens) and self.tokens[k + 1].tag == "WORD"
            if not (t.tag == "WORD" or adjectival) or (t.word in _DETERMINERS and words):
                break
            if t.word not in _DETERMINERS and t.word not in _QUANTIFIERS:
                words.append(t.word)
            k += 1
        if not words or not (
            colour_name(words[-1])
            or words[-1] in _LETTERFORMS
            or words[-1] in _TEXT_NOUNS
            or words[-1] in _ARRANGEMENTS
            or (
                (lexicon.is_noun(words[-1]) or bool(lexicon.noun_lemmas(words[-1])) or _is_plural(words[-1]))
                and words[-1] not in _NUMBERS
            )
        ):
            return None  # "'LOVE' written in one": no stuff named
        arranged = article and len(words) == 1 and words[0] in _ARRANGEMENTS  # "'save the earth' in a circle"
        if written and article and words[-1] not in _LETTERFORMS and words[-1] not in _TEXT_NOUNS and not arranged:
            return None  # "written in a speech bubble", "in the bowl": where, not what in ("in a fancy font" is)
        written_with = not article and words[-1] in _WRITING_MEDIA  # "in chalk", "in red spray paint"
        if (
            after.tag == "REL"
            and not arranged
            and not all(
                colour_name(w)
                or w in _LETTERFORMS
                or w in _TEXT_NOUNS
                or _attribute_kind(w) is not None
                or (written_with and w in _WRITING_MEDIA)
                for w in words
            )
        ):
            return None
        if _is_plural(words[-1]) and words[-1] not in _TEXT_NOUNS and not written:
            k = start  # "made from hotdogs": the hotdogs are there too, read as things after the letters' stuff
        return how, ["a", *words] if article else words, k  # "in a fancy font"

    def _said_of_letters(self, shown: dict, noun: str, props: tuple[list[str], list[tuple[str, str]]]) -> None:
        """The words before the text noun ("red letters 'STOP'", "3-d letters 'dessert'", "bold text 'SALE'"):
        the letters' colours and properties."""
        colours, attributes = props
        for colour in colours:
            self.out.text_property(shown, noun, "colour", colour)
        for word, kind in attributes:
            if word not in QUALITY_WORDS:
                self.out.text_property(shown, noun, kind, word)

    def _letters(self, shown: dict, noun: str, words: list[str], *, how: str) -> None:
        """The medium's words asked of the text: its colours ("blue icing": blue), and the stuff or the hand it
        is in ("icing", "chalk", "flowing cursive", "capital letters")."""
        rest: list[str] = []
        article = words[:1] == ["a"]
        letters = words[-1] in _TEXT_NOUNS or words[-1] in _LETTERFORMS
        said = words[article:]
        for n, word in enumerate(said):
            colour = colour_name(word)
            # "gold letters", "gold glitter", "painted in gold": gold-coloured; "made of gold": the stuff
            coloured = letters or n < len(said) - 1 or (len(said) == 1 and how != "made of")
            if colour is not None and (word not in _MATERIAL_NOUNS or coloured):
                self.out.text_property(shown, noun, "colour", word)
            elif word not in QUALITY_WORDS:
                rest.append(word)
        if not rest or (len(rest) == 1 and rest[0] in _TEXT_NOUNS):
            return  # "in red letters": red, and letters they are
        if article and len(rest) == 1 and rest[0] in _ARRANGEMENTS:
            self.out.text_property(shown, noun, "shape", f"in a {rest[0]}")  # "'save the earth' in a circle"
            return
        if rest[-1] in _TEXT_NOUNS or rest[-1] in _LETTERFORMS:
            hand = " ".join(rest[-3:])  # "in capital letters", "in a fancy font"
            self.out.text_property(shown, noun, "other", hand, how="written in", article=article)
        else:
            stuff = " ".join(rest) if len(rest) <= 2 else rest[-1]  # "broken shattered black glass": glass
            self.out.text_property(shown, noun, "material", stuff, how=how)

    def _surface_written_on(self, carrier: _Entity | None) -> _Entity | None:
        """A quote named as text ("the word 'START'", "with the words 'made it safe'") or written by someone ("a
        robot writing 'Ethics 101'") and then put on or in a thing ("on a blue t-shirt", "in a speech bubble",
        "in chalk on a blackboard"): that thing carries the text, and the relation is the text's, not the
        writer's or the thing named before. Reads the phrase and returns the surface (the last of a chain), the
        position after it; None (nothing read) when no such phrase follows."""
        written = (
            self.i > 0
            and self.tokens[self.i - 1].tag == "TEXTVERB"
            and verb_lemma(self.tokens[self.i - 1].word) in _WRITING_VERBS
        )
        # "the words 'HELLO' painted on a wall", "'START' written in chalk on a sidewalk": written after the quote
        after = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        written_after = after is not None and _is_past(after.word) and verb_lemma(after.word) in _WRITING_VERBS
        if self.text_noun is None and not written and not written_after:
            return None
        # "a cake with the words 'happy birthday' on a table": the cake has the words and is on the table; "in" a
        # thing still holds them ("a lizard with the words 'made it safe' in a speech bubble")
        owned = (self.text_owner is not None and self.text_owner is carrier) or (
            carrier is not None and self.i > 0 and self.tokens[self.i - 1].word == "with"
        )
        places = {"inside"} if owned else {"on", "inside"}
        if written_after:
            # "spelled in pebbles", "painted in red": after the writing verb "in" is the medium; "a cake with
            # 'hi' written in icing on a plate": the cake says it and the plate is where the cake is
            places = set() if owned else {"on"}
        start, surface = self.i, None
        self.i += 1 + written_after
        medium = self.peek(2)
        if (
            written_after
            and self.peek() is not None
            and self.peek().tag == "REL"
            and self.peek().value == "inside"
            and self.peek(1) is not None
            and self.peek(1).tag == "WORD"
            and medium is not None
            and medium.tag == "REL"
            and medium.value == "on"
        ):
            self.i += 2  # "written in chalk on a sidewalk": what it is written with, then where (the surface)
        while (
            self.peek() is not None
            and self.peek().tag == "REL"
            and self.peek().value in places
            and self.peek(1) is not None
            and self.peek(1).tag == "WORD"
            # "the words 'stay home' in a circle": how they are arranged (asked of the words), no surface
            and not (self.peek(2) is not None and self.peek(1).word == "a" and self.peek(2).word in _ARRANGEMENTS)
        ):
            self.i += 1
            obj, _ = self.noun_phrase()
            if obj is None:
                break
            surface = obj
        if surface is None:
            self.i = start
            return None
        self.last, self.last_role = surface, "place"
        return surface  # the writer or the thing with the text does not carry it: the surface does

    def _pose_way(self, k: int) -> tuple[str, int]:
        """The way a part is posed, said by the adverb at k, and where reading goes on: "away from the body" is one
        way (it asked "Are the arms away?", which says nothing of what they are away from)."""
        word = self.tokens[k].word
        j = k + 2
        if word == "away" and j < len(self.tokens) and self.tokens[k + 1].word == "from":
            while j < len(self.tokens) and self.tokens[j].word in _ARTICLES_AND_POSSESSIVES:
                j += 1
            if j < len(self.tokens) and self.tokens[j].tag == "WORD" and self._ends_here(j + 1):
                return f"away from the {self.tokens[j].word}", j + 1
        return word, k + 1

    def _each_of_them(self) -> bool:
        """Does the clause read so far say each of a group ("two boys, each with a stick in his hand")?"""
        k = min(self.i, len(self.tokens)) - 1
        while k >= 0 and self.tokens[k].tag != "PUNCT":
            if self.tokens[k].word in {"each", "every", "both", "all"}:
                return True
            k -= 1
        return False

    def _comes_from_a_work_or_place(self, token: _Token) -> bool:
        """ "Senna from league of legends", "a warrior from game of thrones", "a girl from Paris walking a dog": who
        someone is, by the story or the place they come from, with no article; nothing there is in the picture (it
        asked "Is there a league?", "Are there thrones?", "Is Paris in the image?"). Skips it when so ("a man from
        the village" and "water from a fountain" are read as before)."""
        nxt = self.peek()
        who = self.last
        if (
            token.word != "from"
            or who is None
            or self.last_end != self.i - 1
            or not (who.name is not None or _is_person(who.noun))
            or nxt is None
            or nxt.tag != "WORD"
            or nxt.word in _ARTICLES_AND_POSSESSIVES
            or nxt.word in _DETERMINERS
        ):
            return False
        while self.peek() is not None and (
            self.peek().tag == "WORD"
            or (self.peek().word in {"of", "the"} and self.peek(1) is not None and self.peek(1).tag == "WORD")
        ):
            self.i += 1
        return True

    def _named_after_of_or_with(self, end: int) -> bool:
        """Is the run of words that ends right before `end` brought in by "of" or "with"?"""
        j = end - 1
        while j >= 0 and self.tokens[j].tag == "WORD":
            j -= 1
        return j >= 0 and self.tokens[j].word in {"of", "with"}

    def _speakers(self, start: int) -> bool:
        """Is the phrase from `start` to here the speaker's or the reader's ("in my hands", "in your palm")?"""
        return any(t.word in {"my", "your", "our"} for t in self.tokens[start : self.i])

    def _held_in_hand(self, subject: _Entity, hand: _Entity) -> bool:
        """ "holding a donut in her hand", "a man with a glass of wine in his hand": a thing in one's hand is held,
        asked once as holding ("Is the man holding the glass?"), never as a thing inside a hand, and never the
        owner inside his own hand (it asked "Is the man inside the hand?" after "a glass of wine"). True when read
        here (nothing more to ask of the relation)."""
        owner = self.owners.get(hand.id) or next(
            (  # "a waiter holding a tray in one hand": the hand of the one who holds it
                e
                for c in reversed(self.out.checks)
                if c["kind"] == "action" and c.get("action") in _HAND_ACTIONS and c.get(_OBJECT_ENTITY) == subject.id
                for e in self.out.entities
                if e.id == c.get("parent")
            ),
            None,
        )
        if owner is None or not _is_animate(owner.noun):
            return False
        if owner.plural and not hand.plural and not self._each_of_them():
            return False  # "two men, one with a bag in his hand": one of them holds it, not every one
        had = [
            c
            for c in self.out.checks
            if c["kind"] == "action" and c.get("parent") == owner.id and c.get("action") in _HAND_ACTIONS
        ]
        if subject is owner:
            if not had:
                return True  # "a man in a suit, in his hand": nothing said to be held; the hand is asked already
            thing = next((e for e in self.out.entities if e.id == had[-1].get(_OBJECT_ENTITY)), None)
            if thing is None:
                return True
            subject = thing
        for check in had:
            if check.get(_OBJECT_ENTITY) == subject.id:
                if check["action"] == "have":  # "a girl with a balloon in her hand": she holds it
                    check["action"] = "hold"
                    check["question"] = (
                        f"{self.out._be(owner)} {self.out._ref(owner)} holding {self.out._ref(subject)}?"
                    )
                return True
        self.out.action(owner, "hold", subject)  # "a donut in her hand": she holds it
        return True

    def _one_and_the_other(self) -> bool:
        """ "two dogs, one black and one white" (or "the other white"): each colour is one of them, not all of them
        (a colour check says every one is that colour, so both could never hold). Asked as one property of the
        group, which the world cannot decide per instance: said, left undecided. Reads the phrase; False when
        none is here."""
        word = self.tokens[self.i].word
        if word != "one" and word != "the":
            return False  # asked at every token: the cheap test first
        words = [t.word for t in self.tokens[self.i : self.i + 12]]
        # the group: the thing just named, or else the last several things named ("two goldfish in a bowl on a
        # windowsill, one orange and one white")
        group = self.last if self.last is not None and self.last.plural else None
        group = group or next((e for e in reversed(self.out.entities) if e.plural), None)
        if group is None or len(words) < 4:
            return False
        if words[0] == "the":  # "the middle one": one of a counted group ("three ducks ... full of bubbles, the ...")
            counted = {c.get("parent") for c in self.out.checks if c["kind"] == "count"}
            group = next((e for e in reversed(self.out.entities) if e.plural and e.id in counted), group)

        def colour_at(k: int) -> tuple[str | None, int]:
            """The colour said at k ("white", "mint green": a shade and its colour) and the words it takes."""
            if k + 1 < len(words) and words[k] in _SHADES and colour_name(words[k + 1]):
                return colour_name(words[k + 1]), 2
            return (colour_name(words[k]), 1) if k < len(words) else (None, 1)

        # "one black", "one is black", "the middle one is black" (a word picking it out, then "one")
        one = 0 if words[0] == "one" else 2 if words[0] == "the" and words[2:3] == ["one"] else -1
        if one < 0:
            return False
        said = one + 1 + (words[one + 1 : one + 2] == ["is"])
        first, length = colour_at(said)
        if first is None:
            return self._one_and_the_other_property(group, words, said)
        if words[said + length : said + length + 1] != ["and"]:
            return False
        k = said + length + 1
        if words[k : k + 1] == ["one"]:
            second_at = k + 1
        elif words[k : k + 2] in (["the", "other"], ["the", "others"]):
            second_at = k + 2 + (words[k + 2 : k + 3] in (["is"], ["are"]))
        else:
            return False
        second, length = colour_at(second_at)
        if second is None:
            # "two cats, one black and the other fluffy": a colour, then a property
            return self._one_and_the_other_property(group, words, said)
        self.i += second_at + length
        self.out.one_and_the_other(group, first, second)
        return True

    def _one_and_the_other_property(self, group: _Entity, words: list[str], said: int) -> bool:
        """ "two robots, one rusty and the other shiny and new": each property is one of them (it asked "Are the
        robots shiny?" and "Are the robots new?", and lost "rusty")."""

        def properties(k: int) -> tuple[list[tuple[str, str]], int]:
            found: list[tuple[str, str]] = []
            while k < len(words) and (
                (
                    kind := "colour"
                    if colour_name(words[k])
                    # "one sleeping and the other barking": what each is doing, as a state of that one
                    else _attribute_kind(words[k]) or ("state" if _is_ing_verb(words[k]) else None)
                )
                is not None
            ):
                found.append((colour_name(words[k]) or words[k], kind))
                if words[k + 1 : k + 2] == ["and"] and k + 2 < len(words) and words[k + 2] not in {"one", "the"}:
                    k += 2
                else:
                    k += 1
            return found, k

        first, k = properties(said)
        if not first or words[k : k + 1] != ["and"]:
            return False
        k += 1
        if words[k : k + 1] == ["one"]:
            k += 1
        elif words[k : k + 2] in (["the", "other"], ["the", "others"]):
            k += 2 + (words[k + 2 : k + 3] in (["is"], ["are"]))
        else:
            return False
        second, end = properties(k)
        if not second:
            return False
        self.i += end
        self.out.one_and_the_other_property(group, first, second)
        if self.peek() is not None and self.peek().tag == "REL":
            # "..., the other sitting on a branch": where that one is; the branch is there, but no check says
            # the birds are both on it (the world cannot tell the one from the other)
            self.i += 1
            self.noun_phrase()
        return True

    def _wearer_holding(self, garment: _Entity, thing: _Entity) -> _Entity:
        """Who has what "with" names right after a worn garment: "a man in a suit and tie with a beer in his hand",
        "a girl in a red coat with a dog": the wearer, when the thing is one who lives or is held in a hand, mouth
        or paw (said by "in his hand"); otherwise the garment ("a dress with white dots", "a hat with a feather")."""
        wearer = next(
            (
                e
                for c in self.out.checks
                if c["kind"] == "action" and c["action"] == "wear" and c.get(_OBJECT_ENTITY) == garment.id
                for e in self.out.entities
                if e.id == c["parent"]
            ),
            None,
        )
        if wearer is None:
            return garment
        j = self.i
        if j < len(self.tokens) and self.tokens[j].word == "of":  # "with a cup of coffee in her hand"
            j += 1
            while j < len(self.tokens) and self.tokens[j].tag == "WORD":
                j += 1
        after = self.tokens[j] if j < len(self.tokens) else None
        held_by = self.tokens[j + 1] if j + 1 < len(self.tokens) else None
        in_hand = (
            after is not None
            and after.tag == "REL"
            and after.value in {"inside", "in"}
            and held_by is not None
            and held_by.word in _POSSESSIVES
        )
        # "a shirt with horses printed on it", "pajamas with bunnies on them": a pattern on the garment
        on_it = after is not None and (
            after.word in {"printed", "embroidered", "painted", "stitched", "pattern", "print", "prints"}
            or (after.word == "on" and held_by is not None and held_by.word in {"it", "them"})
        )
        return wearer if in_hand or (_is_animate(thing.noun) and not on_it) else garment

    def _how_the_picture_looks(self, phrase: _Phrase, medium: str) -> None:
        """ "an aerial photo of", "a black and white photo of": how the picture looks, asked beside what it is
        ("Is the image a photo?" stays, a check the world decides; these it cannot)."""
        colours = list(dict.fromkeys(phrase.colours))
        if colours:
            said = " and ".join(colours)
            self.out.setting("style", f"{said} {medium}", f"Is the image {said}?")
        for word, kind in phrase.attributes:
            if word in _LOOK_WORDS or (kind not in {"size"} and word not in _NOT_LOOKS and word not in QUALITY_WORDS):
                self.out.setting("style", f"{word} {medium}", f"Is the image {_article(word)} {word} {medium}?")

    def _styles(self, names: list[str]) -> None:
        """The names of who made the picture, each asked as the image's style, with the names listed after them
        ("by Alex Grey and Norman Rockwell", "painted by A, B and C", "by A by B")."""
        while self._another_name():
            self.i += 1
            names.append(" ".join(t.word for t in self.words_run())[:64])
        for name in filter(None, (n.removesuffix(" style") for n in names)):  # "by [makoto shinkai] style"
            self.out.setting("style", name, f"Is the image in the style of {name}?")

    def _another_name(self) -> bool:
        """After the name of who made the picture, does "and", "by" or a comma go on to another name? "and" or
        "by" before words with no determiner do ("by Alex Grey and Norman Rockwell", "by A by B"); a comma only
        before a name-like run of one to three words that ends the list item: none a determiner or a word this
        reading knows as a thing, a scene, a colour or an image tag, and a single word only when written with a
        capital or when no dictionary has it ("by Monet, Renoir", "by james jean, mcbess"; "by Monet, mountains
        at dawn" goes on to the mountains)."""
        link, first = self.peek(), self.peek(1)
        if link is None or first is None or first.tag != "WORD" or first.word in _DETERMINERS:
            return False
        if link.word in {"and", "by"}:
            return not _is_past(first.word)  # "by pedals and steered with": a clause of its own goes on
        if link.word != ",":
            return False
        run: list[_Token] = []
        j = self.i + 1
        while j < len(self.tokens) and self.tokens[j].tag == "WORD" and len(run) < 4:
            run.append(self.tokens[j])
            j += 1
        ends_item = j >= len(self.tokens) or self.tokens[j].word in {",", "and", "by"} or self.tokens[j].tag == "PUNCT"
        return (
            ends_item
            and 1 <= len(run) <= 3
            and (len(run) > 1 or run[0].raw[:1].isupper() or _unknown_word(run[0].word))
            and not any(
                t.word in _DETERMINERS
                or t.word in _KNOWN_NOUNS
                or singular_noun(t.word) in _KNOWN_NOUNS
                or t.word in vocab.SCENE_WORDS
                or colour_name(t.word) is not None
                for t in run
            )
        )

    def _text_holder(self, carrier: _Entity | None) -> _Entity | None:
        """Who says a quote: not a body part when a thing that holds words was named ("a thought bubble over its
        head with the words 'what if'": the bubble says it, not the head)."""
        if carrier is None or carrier.noun.split()[-1] not in _BODY_PARTS:
            return carrier
        holder = next((e for e in reversed(self.out.entities) if e.noun.split()[-1] in _WORD_HOLDERS), None)
        return holder or carrier

    def _pass(self) -> None:
        negated = False
        after_copula = False
        carrier: _Entity | None = None
        while self.i < len(self.tokens):
            token = self.tokens[self.i]
            tag = token.tag
            if tag == "STYLEOF":
                self.i += 1
                run = self.words_run()
                while (
                    token.word != "by"
                    and self.peek() is not None
                    and self.peek().word == "of"
                    and self.peek(1) is not None
                    and self.peek(1).tag == "WORD"
                ):
                    self.i += 1  # "in the style of the Birth of Venus": the whole name
                    run += [self.tokens[self.i - 1], *self.words_run()]
                self._styles([" ".join(t.word for t in run if t.word not in _DETERMINERS)[:64]])
                continue
            if self._one_and_the_other():
                continue
            if self.fronted_used and tag in {"REL", "VERB", "PAST", "COP", "HAVE", "PREP", "TEXTVERB", "PLACE"}:
                # "In the background I can see posts attached to the wall, buildings and trees": a participle
                # after a listed thing says more of it; the list goes on after the comma, still in the background
                # ("dried leaves on the ground and trees": a place of one listed thing, then the list goes on)
                reduced = tag in {"PAST", "REL"} or (tag == "VERB" and token.word.endswith("ing"))
                after_thing = self.i > 0 and self.tokens[self.i - 1].tag == "WORD"
                self.fronted_paused = self.fronted if reduced and after_thing else None
                self.fronted, self.fronted_used = None, False
            elif self.fronted_paused is not None and tag in {"COP", "AUX", "HAVE", "TEXTVERB", "PRON"}:
                self.fronted_paused = None  # "..., a man is standing": a clause of its own
            if tag in {"WORD", "REL", "VERB", "PAST", "HAVE", "PREP", "PUNCT"} and token.word != ",":
                self.text_noun = self.text_owner = self.text_props = None
            if tag == "QUOTE":
                quote = self.quotes[int(token.value)]
                medium = self._text_medium()
                noun = self.text_noun or "text"
                props, self.text_props = self.text_props, None
                surface = self._surface_written_on(carrier)
                if surface is not None:
                    shown = self.out.text(quote, surface)  # "the word 'START' on a t-shirt": the t-shirt says it
                    if shown is not None and medium is not None:
                        self._letters(shown, noun, medium[1], how=medium[0])
                    if shown is not None and props is not None:
                        self._said_of_letters(shown, noun, props)
                    continue
                if self.text_noun is not None and (carrier is None or self.text_free):
                    shown = self.out.text(quote, None, self.text_noun)  # "the word 'DRAW'", "letters 'fuzzy'"
                else:
                    shown = self.out.text(quote, self._text_holder(carrier))
                self.i += 1
                if shown is not None and props is not None:
                    self._said_of_letters(shown, noun, props)
                if (
                    medium is not None
                    and shown is not None
                    and shown.get("parent")
                    and (_names_text(shown["subject"]) or medium[0] == "made of")
                ):
                    # "the letter 'b' made out of fire", "a sculpture of the letter 'W' made from wire": the thing
                    # that shows the text is made of it ("written in chalk" is the letters')
                    medium = None
                if medium is not None:
                    if shown is not None:
                        self._letters(shown, noun, medium[1], how=medium[0])
                    self.i = max(self.i, medium[2])  # its words are the letters' stuff, no thing of their own
                continue
            if tag == "PUNCT":
                if token.word in ".;:!?":  # a colon opens a list of its own ("a breakfast table: two eggs ...")
                    self.last_topic = self.topic or self.last_topic
                    self.topic, carrier, self.last, self.fronted = None, None, None, None
                    self.fronted_used = False
                    self.fronted_paused = None
                    self.sentence_subject = None
                    self.scene_topic = None
                    self.group = []
                elif token.word == "," and self.fronted_paused is not None:
                    self._resume_fronted()
                negated = after_copula = False
                self.i += 1
                continue
            if tag == "ADV" and self._trailing_relation(token):
                continue
            if tag in {"SKIP", "ADV", "AUX"}:
                self.i += 1
                continue
            if tag == "NEG":
                negated = True
                self.i += 1
                continue
            if tag == "CONJ":
                # "a cat and a dog": a new phrase; "and" keeps a pending "between X and Y" alive; "the cat is
                # black and the dog is white": a new clause may start
                after_copula = False
                if self.fronted_paused is not None and token.word == "and":
                    self._resume_fronted()
                self.i += 1
                continue
            if tag == "PRON":
                if token.word in {"he", "she"} and not (self.topic is not None and _is_animate(self.topic.noun)):
                    # "... a vest and a neck tie. He stands ...": he is the beaver, the last one who can be he
                    self.topic = next((e for e in reversed(self.out.entities) if _is_animate(e.noun)), None)
                if token.word == "it" and (self.topic is None or self.topic.plural or _is_person(self.topic.noun)):
                    # "it" is no person: "a girl next to a horse, it is eating hay" (the horse eats)
                    self.topic = (
                        self.last_topic
                        if self.last_topic is not None
                        and not self.last_topic.plural
                        and not _is_person(self.last_topic.noun)
                        else next(
                            (e for e in reversed(self.out.entities) if not e.plural and not _is_person(e.noun)),
                            None,
                        )
                    )
                if token.word == "they" and not (self.topic is not None and self.topic.plural):
                    # "two girls walking along the trail. the trail is made of dirt. they are holding umbrellas":
                    # they are the last several things named (the girls), not the singular trail
                    speaker = self.topic or self.last_topic
                    self.topic = next(
                        (e for e in reversed(self.out.entities) if e.plural and _is_animate(e.noun)),
                        next((e for e in reversed(self.out.entities) if e.plural), None),
                    )
                    if self.topic is None and speaker is not None and _is_animate(speaker.noun):
                        self.topic = speaker  # "A man is on an elephant. They are walking": the clause's subject
                    if self.topic is None:
                        # "A person is wearing a jacket ... and a scarf. They are holding a phone": with nothing
                        # several named, "they" is the one person (not the scarf, the last thing named)
                        self.topic = next((e for e in reversed(self.out.entities) if _is_animate(e.noun)), None)
                self.topic = self.topic or self.last_topic or self.last
                self.i += 1
                continue
            if tag == "RELPRON":
                self.topic = self.last or self.topic
                self.i += 1
                antecedent = self.last
                # "where", "from which": the thing is where the clause happens, and the clause has its own subject
                where = token.word == "where" or (self.i >= 2 and self.tokens[self.i - 2].word == "from")
                if (antecedent is not None or where) and self._object_gap_clause(antecedent, where):
                    # "a garden where a cat sleeps under a bush": a place straight after a where-clause's verb is
                    # its subject's (the cat under the bush); after a comma the clause has ended
                    nxt = self.peek()
                    if where and self.last is not None and nxt is not None and nxt.tag in {"PREP", "REL", "HAVE"}:
                        self.topic, self.last_end = self.last, self.i
                    else:
                        self.topic = self.last = antecedent  # what follows the clause says more of the thing
                continue
            if tag == "COP" and self._backdrop_is():
                continue
            if tag == "COP":
                after_copula = True
                self.i += 1
                nxt = self.peek()
                if (
                    nxt is not None
                    and nxt.tag == "ADV"
                    and nxt.word in _POSE_ADVERBS
                    and self.topic is not None
                    and self._ends_here(self.i + 1)
                ):
                    way, self.i = self._pose_way(self.i)
                    self.out.attribute(self.topic, way, "state")  # "the arms are down": how they are posed
                    continue
                if nxt is not None and nxt.tag == "WORD":
                    if self.tokens[self.i - 2].word == "there" if self.i >= 2 else False:
                        self.topic, self.group = None, []  # "there is a cat": the cat is what follows is about
                        continue
                    run_start = self.i
                    run = self.words_run()
                    phrase = _phrase(run)
                    if phrase is not None and not phrase.head and self.topic is not None:
                        for colour in phrase.colours:
                            self.out.colour(self.topic, colour)
                        for word, kind in phrase.attributes:
                            self.out.attribute(self.topic, word, kind)
                        continue
                    if (
                        phrase is not None
                        and self.topic is not None
                        and phrase.head.split()[-1:] in (["print"], ["pattern"], ["design"])
                        and self._ends_here(self.i)
                    ):
                        self._look_of(self.topic, phrase)  # "the wall is a floral print": the wall is floral
                        continue
                    self.i = run_start
                continue
            if tag == "PLACE" and self._direction_of_a_pose(token):
                self.i += 1  # "the head is turned to the right": which way it turns, not where it is in the picture
                last = self.out.checks[-1] if self.out.checks else None
                if last is not None and last["kind"] == "action" and "object" not in last:
                    # "the head is looking to the right": asked with its way ("Is the head looking?" asked nothing)
                    last["question"] = f"{last['question'][:-1]} to the {token.value}?"
                continue
            if (
                tag == "PLACE"
                and self.topic is not None
                and self.i > 0
                and self.tokens[self.i - 1].tag in {"PUNCT", "CONJ"}
                and self._fronted_relation()
            ):  # "a vase on a table, and in the background there are doors": the doors are there, not the vase
                self.last_topic, self.topic, self.last = self.topic, None, None
            if tag == "PLACE" and self.topic is None and not (self.last is not None and self.last_end == self.i):
                self.fronted = ("position", token.value, None)  # "At the top of the image there are clouds"
                self.i += 1
                continue
            if tag == "PLACE":
                # "a harbour with a village in the background": the thing just named; "the cat sleeps on the left"
                just_named = self.last is not None and self.last_end == self.i
                target = self.last if just_named else self.topic or self.last
                if target is not None:
                    self.out.position(target, token.value)
                self.i += 1
                continue
            at_start = self.i == 0 or self.tokens[self.i - 1].tag in {"PUNCT", "CONJ"}
            if tag == "REL" and self.peek(1) is not None and self.peek(1).word in {"which", "whom"}:
                # "a table on which there is a vase", "... On which I can see headlights": the thing just named
                # is the relation's object, and what follows is its subject
                obj = self.last or self.topic or next(iter(reversed(self.out.entities)), None)
                self.i += 2
                self.fronted = ("relation", token.value, obj) if obj is not None else None
                self.fronted_used = False
                self.last_topic, self.topic = self.topic or self.last_topic, None
                continue
            if (
                tag == "REL"
                and token.value != "between"
                and at_start
                and self.topic is not None
                and self._fronted_relation()
            ):
                self.last_topic, self.topic = self.topic, None  # "..., and in front of him we can see a mic"
            if tag == "REL" and self.topic is None and token.value != "between" and (at_start or self.last is None):
                said_at = self.i
                self.i += 1  # "Behind the animal there is a road": the relation waits for its subject
                obj, _ = self.noun_phrase()
                self.fronted = ("relation", token.value, obj) if obj is not None and at_start else None
                if (
                    obj is not None
                    and any(t.word == "end" for t in self.tokens[said_at : said_at + 4])
                    and singular_noun(obj.noun.split()[-1]) in _WHEN_NOT_WHERE
                ):
                    self.fronted = None  # "at the end of summer, a boy sits by a lake": when, not where
                self.last = None
                continue
            if (
                tag == "REL"
                and token.value == "on"
                and self.i > 0
                and self.tokens[self.i - 1].tag == "VERB"
                and verb_lemma(self.tokens[self.i - 1].word) in _ON_OBJECT_VERBS
            ):
                self.i += 1  # "goats nibbling on grass": they nibble the grass, they are not on it
                acted = next((c for c in reversed(self.out.checks) if c["kind"] == "action"), None)
                obj, _ = self.noun_phrase(generic=True)
                agent = next((e for e in self.out.entities if acted and e.id == acted.get("parent")), None)
                if obj is not None and acted is not None and agent is not None and not acted.get("object"):
                    self.out.checks.remove(acted)
                    self.out.action(agent, acted["action"], obj)
                continue
            if (
                tag == "REL"
                and token.value == "on"
                and self.peek(1) is not None
                and self.peek(1).word == "top"
                and (self.peek(2) is None or self.peek(2).tag in {"PUNCT", "CONJ"})
            ):
                self.i += 2  # "books with a cup on top", "ramen with chopsticks resting on top": on the first thing
                base = self.sentence_subject or self.topic
                placed = self.last
                holder = next(
                    (
                        c["object"]
                        for c in reversed(self.out.checks)
                        if placed is not None
                        and c["kind"] == "relation"
                        and c["relation"] == "inside"
                        and c["parent"] == placed.id
                    ),
                    None,
                )
                if holder is not None:  # "a cup of tea on top": the cup is on it, the tea in the cup
                    placed = next((e for e in reversed(self.out.entities) if e.noun == holder), placed)
                if placed is not None and base is not None and placed is not base:
                    self.out.relation(placed, "on", base)
                continue
            if (
                tag == "REL"
                and token.value in {"inside", "under"}
                and (self.peek(1) is None or self.peek(1).tag in {"PUNCT", "CONJ"})
                and self.with_end >= 0
            ):
                self.i += 1  # "a teapot with tea inside", "a table with a cat underneath": of the thing that has it
                base = self.sentence_subject or self.topic
                if self.last is not None and base is not None and self.last is not base:
                    placed = self.last
                    self.out.checks[:] = [  # where it is says it: no "Does the table have a cat?" beside it
                        c
                        for c in self.out.checks
                        if not (
                            c["id"] in self.out.possessions and c["parent"] == base.id and c["object"] == placed.noun
                        )
                    ]
                    self.out.relation(placed, token.value, base)
                continue
            if tag == "REL" and self.absent_end == self.i:
                self.i += 1  # "no rug on the floor": what is not there is nowhere; the floor is read as a thing
                self.noun_phrase()
                continue
            if tag == "BOTH":
                self.i += 1
                pair = self.out.entities[-2:]
                if len(pair) == 2:
                    self.topic, self.group, self.last, self.last_role = pair[0], list(pair), pair[0], "subject"
                continue
            if tag == "BESIDE":
                self.i += 1  # "a tall vase and a short vase, side by side": the two just named, next to each other
                pair = self.group[-2:] if len(self.group) >= 2 else self.out.entities[-2:]
                if len(pair) == 2 and pair[0] is not pair[1]:
                    self.out.relation(pair[0], "next to", pair[1])
                continue
            if (
                tag == "REL"
                and token.value in {"on", "inside"}
                and self.i > 0
                and self.tokens[self.i - 1].tag == "QUOTE"
                and self.i > 1
                # the text brought in by "with" or a word for text, not a thing's own label ("a 'green' sticker in
                # the back window", read as a sticker saying 'green', is a sticker in the window)
                and (
                    self.tokens[self.i - 2].tag == "HAVE"
                    or self.tokens[self.i - 2].word
                    in {"word", "words", "text", "phrase", "slogan", "message", "letters"}
                )
                and self.peek(1) is not None
                and self.peek(1).word == "the"
            ):
                # "a laptop with the word 'hello' on the screen", "a shirt with 'RUN' on the front": where the text
                # is on its own thing, not where the thing is (it asked "Is the laptop on the screen?"); "a sign with
                # the word 'STOP' on a pole" still puts the sign on a pole
                self.i += 1
                self.noun_phrase()
                continue
            if tag == "REL" and token.word == "by" and self._agent_of_passive():
                continue
            if tag == "REL" and self._trailing_relation(token):
                continue
            if tag == "REL":
                self.i += 1
                rel_at = self.i - 1  # where the relation was said
                said_before = self.tokens[self.i - 2].word if self.i >= 2 else ""  # the word the relation follows
                # "a woman holding a cup on a table": the thing just acted on; "a cat on a mat next to a dog":
                # the clause's subject
                subject = self.last if self.last is not None and self.last_role == "object" else self.topic or self.last
                ahead_place = self._peek_run()
                # what one who can act has just acted on ("a man reading a newspaper", "brushing his teeth")
                acted_on = (
                    subject is self.last
                    and self.last_role == "object"
                    and self.topic is not None
                    and self.topic is not subject
                    and _is_animate(self.topic.noun)
                )
                if (
                    acted_on
                    and not _is_animate(subject.noun)
                    and ahead_place
                    and (
                        (
                            _holds_people(ahead_place[-1].word, token.value)
                            and ahead_place[-1].word not in _AMBIENT  # "striking a tree in the distance": the tree
                            and token.word not in {"onto", "into"}  # "hauling a net onto a boat": the net goes there
                        )
                        # "a badger painting a birdhouse under a toadstool", "a hedgehog reading a book under a
                        # mushroom": the one acting is under it (a thing put somewhere is not: "hiding a key under
                        # a rock")
                        or (
                            token.value == "under"
                            and not any(
                                c.get("action") in _PUTTING_VERBS and c.get("subject") == self.topic.noun
                                for c in self.out.checks[-3:]
                            )
                        )
                    )
                ):
                    # "a man reading a newspaper on a park bench", "a panda catching trout in a stream": a seat or a
                    # place is where the one acting is (a cup "on a table" stays the cup's)
                    subject = self.topic
                if (
                    acted_on
                    and self.topic is not None
                    and self.owners.get(subject.id) is self.topic  # "his teeth": the one acting's own
                    # not when the part is put somewhere ("raising his hand above his head", "lifting his leg over a
                    # fence") or placed against another of his parts
                    and not any(
                        t.word in _BODY_PARTS or t.word in _FACE_AND_HAIR or t.word in {"his", "her", "their", "its"}
                        for t in ahead_place
                    )
                    and not any(
                        c.get("action") in _PUTTING_VERBS and c.get("subject") == self.topic.noun
                        for c in self.out.checks[-3:]
                    )
                    and (
                        singular_noun(subject.noun.split()[-1]) in _BODY_PARTS
                        or subject.noun.split()[-1] in _FACE_AND_HAIR
                    )  # ("holding his hat above a puddle": the hat is above it)
                    and token.value in _PLACING_RELATIONS
                ):
                    # "a bear brushing his teeth in front of a mirror": where the one acting is, not his teeth
                    subject = self.topic
                had_by = next(
                    (
                        c["parent"]
                        for c in reversed(self.out.checks)
                        if c["kind"] == "action" and c.get("action") == "have" and c.get(_OBJECT_ENTITY) == subject.id
                    )
                    if subject is not None and self.with_end == rel_at
                    else iter(()),
                    None,
                )
                owner = next((e for e in self.out.entities if e.id == had_by), None)
                if (
                    owner is not None
                    and not _is_animate(subject.noun)
                    # a person or an animal with a thing ("a baker with bread on a tray") is not on the tray, and a
                    # thing already placed ("a lamp on a desk with a cup on a coaster") keeps its place
                    and not _may_be_someone(owner.noun)
                    and not any(
                        c["kind"] == "relation" and owner.noun in (c.get("subject"), c.get("object"))
                        for c in self.out.checks
                    )
                    and token.value in _PLACING_RELATIONS | {"on"}
                    and ahead_place
                    # a new thing ("on a plate"); "bars on the windows", "a globe on the top shelf", "a hat on her
                    # head" name the owner's own parts
                    and ahead_place[0].word in {"a", "an"}
                    and singular_noun(ahead_place[-1].word) not in _BODY_PARTS
                    and not set(owner.noun.split()) & {t.word for t in ahead_place}
                ):
                    # "a mirror with a copper frame above a sink", "a cake with candles on a plate": where the
                    # thing that has it is (a thing had is where its owner is); "a man with a dog on a leash" and
                    # "a woman with a hat on her head" stay as said
                    subject = owner
                if (
                    self.i >= 2
                    and self.tokens[self.i - 2].word == ","
                    and self.sentence_subject is not None
                    and self.last is not None
                    and self.last is not self.sentence_subject
                ):
                    # "a vase with flowers, on a table", "a teapot with tea inside, steam rising, on a mat": a place
                    # opening a comma's item is the sentence subject's, not the thing it has or what rises from it
                    subject = self.sentence_subject
                if (
                    self.last is not None
                    and self.last_role == "place"
                    and self.last_end == self.i - 1
                    and self.last_relation in _SUPPORTS
                    and token.value in _SUPPORTS | {"under", "below", "above"}
                    and self.last is not subject
                ):
                    # "apples in a basket on a tablecloth": the basket is on it (the apples are in the basket)
                    subject = self.last
                subject = self._wearer_placed(subject)
                # "a cat on a mat in front of a fireplace": what rests on or in a place shares where the place is,
                # so the cat and the mat are both in front of it (both asked: either reading of the chain holds)
                support = (
                    self.last
                    if self.last is not None
                    and self.last_role == "place"
                    and self.last_end == self.i - 1
                    and self.last_relation in _SUPPORTS
                    and token.value in _SHARED_PLACES
                    and self.last is not subject
                    # "a bag on the floor next to boots": the floor is under everything, beside nothing
                    and singular_noun(self.last.noun.split()[-1]) not in _GROUNDS
                    else None
                )
                # "a vase to the left of a statue on a marble table": the statue, just named as where the vase is,
                # stands on the table too (the vase beside it is asked on it as before)
                support = support or (
                    self.last
                    if self.last is not None
                    and self.last_role == "place"
                    and self.last_end == self.i - 1
                    and self.last_relation in _SHARED_PLACES
                    and token.value in _SUPPORTS
                    and self.last is not subject
                    else None
                )
                if (
                    support is self.last
                    and support is not None
                    and _is_animate(support.noun)
                    and subject is not None
                    and token.value == "on"
                    and self.last_relation in {"in front of", "behind", "left of", "right of"}
                    and ahead_place
                    and singular_noun(ahead_place[-1].word) in _SEATS
                ):
                    # "a knight kneeling before a queen on a throne": the one named last sits on the seat; the one
                    # before her does not ("a dog next to a boy on a bench" may share it: both asked, as before)
                    subject, support = support, None
                if token.value == "inside":
                    # "a man in a suit" wears it; "in the snow" is a setting (read by noun_phrase)
                    nxt_run = self._peek_run()
                    named = [t for t in nxt_run if t.word not in {"and", "color", "colour", "colors", "colours"}]
                    if named and subject is not None and all(_colours_of(t.word) for t in named):
                        while self.i < len(self.tokens) and self.tokens[self.i].tag in {"WORD", "ADV", "JOIN"}:
                            self.i += 1  # "a woman in red", "three squares in blue and white": its colours
                        # "a woman in red": she wears red; "three squares in blue, red and white": one of each; "a
                        # bird in black and white colors" is coloured so (it asked "Is the bird wearing white?")
                        colours = list(dict.fromkeys(c for t in named for c in _colours_of(t.word)))
                        self.out.colours(subject, colours, worn=_is_person(subject.noun))
                        continue
                    fabric = [t.word for t in nxt_run if t.word not in _DETERMINERS]
                    if (
                        len(fabric) == len(nxt_run)  # "in the silk" is a place, "in silk" a fabric worn
                        and 1 <= len(fabric) <= 3
                        and fabric[-1] in _FABRICS
                        and all(_colours_of(w) or _attribute_kind(w) is not None for w in fabric[:-1])
                        and subject is not None
                        and _is_animate(subject.noun)
                        and (
                            self.peek(len(nxt_run)) is None
                            or self.peek(len(nxt_run)).tag in {"PUNCT", "CONJ", "VERB", "COP", "AUX", "REL", "PLACE"}
                        )
                    ):
                        self.words_run()  # "a man in denim": he wears it; no thing called denim is there
                        self.out.action(subject, "wear", None, " ".join(fabric))
                        continue
                    if (
                        len(nxt_run) == 1
                        and (nxt_run[0].word in _MATERIAL_NOUNS or _is_wood(nxt_run[0].word))
                        and nxt_run[0].word not in _GROUNDS
                        and subject is not None
                        and not _is_animate(subject.noun)
                        # a thing, not one who wears it ("a statue in bronze"; of "an actress in velvet" ask nothing)
                        and not subject.noun.endswith(_PERSON_ENDINGS)
                    ):
                        self.words_run()  # "a sofa in leather", "a bust in bronze": what it is made of
                        self.out.attribute(subject, nxt_run[0].word, "material")
                        continue
                    after_run = self.peek(len(nxt_run))
                    if (
                        token.word == "in"
                        and len(nxt_run) == 1
                        and nxt_run[0].raw.islower()
                        and _unknown_word(nxt_run[0].word)
                        and nxt_run[0].word not in _FABRICS
                        and not _is_wood(nxt_run[0].word)  # "a desk in teakwood" is made of it
                        # "a woman in kimono", "a knight in chainmail": one who can wear it wears it
                        and not (subject is not None and _is_animate(subject.noun))
                        and len(nxt_run[0].word) > 3
                        and (after_run is None or after_run.tag in {"PUNCT", "CONJ", "PREP", "STYLEOF"})
                    ):
                        # "a fisherman village in indonesia, ...": a name written in lower case that no dictionary
                        # knows, alone after "in", is where the picture is set, as "in Indonesia" (it asked "Is the
                        # village inside the indonesia?")
                        self.words_run()
                        place = nxt_run[0].word.capitalize()
                        self.out.setting("scene", nxt_run[0].word, f"Is the image set in {place}?")
                        continue
                    wearer = self.last if self.last is not None and self.last_end == self.i - 1 else subject
                    if (
                        nxt_run
                        and _is_clothing(nxt_run[-1].word)
                        and wearer is not None
                        # "a tree reflected in the hood of a car": a car's hood, not worn (after one who can wear
                        # it, worn: "a man in the uniform of a pilot"; a thing "in a cape" too, dressed as a person)
                        and (
                            _is_animate(wearer.noun)
                            or self.peek(len(nxt_run)) is None
                            or self.peek(len(nxt_run)).word != "of"
                        )
                    ):
                        obj, _ = self.noun_phrase(generic=True)  # "two women in straw hats": the women wear them
                        if obj is not None:
                            self.out.action(wearer, "wear", obj)
                            self.last_role = "object"  # "in a white shirt and tie": both are worn
                        continue
                ahead = self._peek_run()
                if (
                    token.word == "in"  # "inside a circle" is a drawn circle; "in a circle", an arrangement
                    and ahead
                    and len(ahead) <= 3
                    and ahead[-1].word in _ARRANGEMENTS
                    and subject is not None
                    and (self.peek(len(ahead)) is None or self.peek(len(ahead)).word != "of")
                ):
                    # "three ducks in a row", "geese walking in a line": how they are arranged, not a row they are in
                    self.words_run()
                    self.out.attribute(subject, f"in a {ahead[-1].word}", "state")
                    continue
                if (
                    token.word == "in"
                    and len(ahead) == 1
                    and ahead[0].word in _FEELINGS_ONE_IS_IN
                    and subject is not None
                    and _is_animate(subject.noun)
                ):
                    # "a rabbit doubled over in pain", "a girl in tears": how one is, no pain one is inside
                    self.words_run()
                    self.out.attribute(subject, f"in {ahead[0].word}", "state")
                    continue
                if token.value == "on" and [t.word for t in ahead] == ["fire"] and subject is not None:
                    self.words_run()  # "a city on fire": burning, how it is; no fire it stands on
                    self.out.attribute(subject, "on fire", "state")
                    continue
                if token.value == "inside" and ahead and singular_noun(ahead[-1].word) in _AMBIENT:
                    self.words_run()  # "in the air", "birds in flight": no containment, nothing to look for
                    if len(ahead) <= 2 and ahead[-1].word in _WEATHER_NOUNS:
                        self._weather_of(ahead[-1].word)  # "in the rain": but the weather is the picture's
                    elif len(ahead) <= 2 and ahead[-1].word in _AMBIENT_STATES and subject is not None:
                        # "a man jumping in the air", "geese in flight": how it is, one property of it
                        self.out.attribute(subject, f"in {' '.join(t.word for t in ahead)}", "state")
                    continue
                self.relating, self.relation_word = subject, token.value
                obj, _ = self.noun_phrase()
                self.relating = self.relation_word = None
                self.last_role, self.last_relation = "place", token.value
                if (
                    obj is not None
                    and obj is subject
                    and not obj.plural
                    and token.value != "between"
                    and self.tokens[self.i - 1].tag == "WORD"
                    and singular_noun(self.tokens[self.i - 1].word)
                    == obj.noun.split()[-1]
                    == singular_noun(said_before)
                ):
                    self.out.beside_another(obj, token.value)  # "chair next to chair": two chairs, one by the other
                    continue
                if token.value == "between" and obj is not None and subject is not None:
                    if self.peek() is not None and self.peek().word == "and":
                        self.i += 1
                        obj2, _ = self.noun_phrase()
                        if obj2 is not None:
                            self.out.relation(subject, "between", obj, obj2)
                    elif obj.plural:
                        self.out.relation(subject, "between", obj, obj)  # "between two women": one on each side
                    continue
                if token.value == "inside" and obj is not None and obj.noun in _AMBIENT:
                    continue
                if (
                    token.value == "inside"
                    and token.word == "in"
                    and obj is not None
                    and obj.name is not None
                    and not any(c.get("parent") == obj.id for c in self.out.checks)
                ):
                    # "a taxi in London", "a fish market in Lisbon": where the picture is set, no thing inside a
                    # city ("Is the taxi inside London?"); asked of the scene ("in September": when; "a sign in
                    # Japanese": the language it is written in; neither asked)
                    self._retract(obj)
                    if (
                        obj.noun not in _MONTHS_AND_DAYS
                        and not obj.noun.endswith(("ese", "ish"))
                        and obj.noun not in _PEOPLES | _LANGUAGES
                    ):
                        self.out.setting("scene", obj.noun, f"Is the image set in {obj.name}?")
                    continue
                if (
                    token.value == "on"
                    and obj is not None
                    and obj.noun.split()[-1] in _BODY_PARTS
                    and "'s " not in obj.noun  # "a pumpkin on a man's head": on another's body, a thing on a thing
                    and subject is self.topic
                    and self.owners.get(obj.id) in (None, subject)
                ):
                    continue  # "balancing on the left leg", "lying on his back": a posture, no thing on another
                if obj is not None and subject is not None and token.value != "between":
                    start = len(self.out.checks)
                    relation = token.value
                    middle = relation == "inside" and _said_middle_of(self.tokens, rel_at)
                    head = singular_noun(obj.noun.split()[-1])
                    if (
                        token.word == "across"
                        and (
                            any(
                                c["kind"] == "action"
                                and c.get("subject") == subject.noun
                                and c.get("action") in _GAZE_VERBS | _AIMED_VERBS
                                for c in self.out.checks[-3:]
                            )
                            # "across the square from the market": opposite it ("across the gorge from one cliff to
                            # another" spans it)
                            or any(
                                t.word == "from" and self.tokens[k + 1 : k + 2] and self.tokens[k + 1].word != "one"
                                for k, t in enumerate(self.tokens[self.i : self.i + 4], start=self.i)
                            )
                        )
                    ):
                        continue  # "staring across the courtyard", "a church across the square from the market"
                    if token.word == "across" and head in _GAPS_SPANNED:
                        if singular_noun(subject.noun.split()[-1]) not in _SPANNING_THINGS:
                            continue  # "a fox trotting across a pond", "a ferry across the bay": on or in it
                        relation = "above"  # "a bridge across a river": over it, not on the water
                    elif token.word == "across" and (
                        head in _ACROSS_FROM
                        or not (ahead_place and ahead_place[0].word in _ARTICLES_AND_POSSESSIVES)
                        or (
                            singular_noun(subject.noun.split()[-1]) in _BODY_PARTS | _FACE_AND_HAIR
                            and not (ahead_place and ahead_place[0].word in _POSSESSIVES)
                        )
                    ):
                        # "high-fiving across a desk": from one side to the other; "tower across building" (a
                        # note's "opposite"); "a dog with a paper in its mouth across a lawn": the dog, not the
                        # mouth ("an arm across her chest" stays the arm's)
                        continue
                    if middle and head in _SURFACES:
                        relation = "on"  # "a vase in the middle of a table": on it (in a room: inside)
                    elif (
                        middle
                        and head not in _KNOWN_NOUNS
                        and head not in vocab.SCENE_WORDS
                        and (bool(lexicon.verb_lemmas(head)) or head in _ABSTRACT_NOUNS or head in _IMAGE_NOUNS)
                    ):
                        continue  # "in the middle of a jump", "... of a race", "... of the picture": no place
                    if relation == "inside" and head in _HOLDING_PARTS and self._held_in_hand(subject, obj):
                        continue
                    if relation == "inside" and head in _HOLDING_PARTS and self._speakers(rel_at):
                        continue  # "holding the moon in my hands": held by the one who speaks, not inside a hand
                    if relation == "below" and token.word in {"on", "at"} and head in _ARRANGEMENTS:
                        continue  # "the book on the bottom of the pile": the lowest of the pile, not below it
                    if head in _WHEN_NOT_WHERE and any(t.word == "end" for t in self.tokens[rel_at : rel_at + 4]):
                        continue  # "a boy by a lake at the end of summer": when, not where
                    self.out.relation(subject, relation, obj)
                    if support is not None and support is not obj:
                        self.out.relation(support, token.value, obj)
                    if subject is self.topic:
                        self._share(start)
                continue
            if tag == "HAVE":
                self.i += 1
                previous = self.tokens[self.i - 2] if self.i >= 2 else None
                # "a man with a hat" (right after its noun), "the tower has a clock": who has it
                owner = (
                    self.last
                    if token.word == "with"
                    and previous is not None
                    and previous.tag == "WORD"
                    and self.last_end == self.i - 1
                    else (self.topic or self.last)
                    if token.word in {"has", "have", "had"}
                    else None
                )
                worn = token.word in {"has", "have", "had"} and self.peek() is not None and self.peek().word == "on"
                if worn:
                    self.i += 1  # "he has on a white tank": he wears it
                if (
                    owner is not None
                    and token.word == "with"
                    and self.peek() is not None
                    and self.peek().word in _POSSESSIVES
                ):
                    owner = None  # "sitting on the floor with their left hand ...": the hand is theirs, not the floor's
                counted = self.peek() is not None and (
                    self.peek().word in _DETERMINERS or self.peek().word in _NUMBERS or self.peek().word in _QUANTIFIERS
                )  # "walking with an umbrella", not "walking with confidence"
                had_from = self.i
                entity, had_phrase = self.noun_phrase()
                # "a desk with a laptop": put on it, asked so; not "a plate with a painting of a bird" (of a picture)
                put = token.word == "with" and all(t.word != "of" for t in self.tokens[had_from : self.i])
                if entity is None and owner is not None and had_phrase is not None:
                    self._look_of(owner, had_phrase)  # "a dress with a floral pattern": the dress is floral
                if (
                    owner is None
                    and token.word == "with"
                    and counted
                    and previous is not None
                    and previous.tag == "VERB"
                    and self.topic is not None
                    and _is_animate(self.topic.noun)
                    and entity is not None
                    and not _is_animate(entity.noun)
                    and singular_noun(entity.noun.split()[-1]) not in _BODY_PARTS  # "standing with legs crossed"
                    and not {verb_lemma(previous.word), *lexicon.verb_lemmas(previous.word)} & _WITH_PARTNER_VERBS
                ):
                    # "a man walking with an umbrella", "posing with some fruit", "a dog lying with a remote": the
                    # one acting has it ("playing with a kitten", "arguing with a radish" is no having)
                    owner = self.topic
                if token.word == "with" and owner is not None and entity is not None:
                    owner = self._wearer_holding(owner, entity)
                if entity is None and self.text_noun is not None and token.word == "with" and owner is not None:
                    carrier, self.text_free = owner, False  # "a sign with the text 'hi'": the sign says it
                    self.text_owner = owner
                nxt = self.peek()
                if (
                    entity is not None
                    and token.word != "with"
                    and nxt is not None
                    and nxt.word == "on"
                    and (self.peek(1) is None or self.peek(1).tag in {"PUNCT", "CONJ"})
                ):
                    worn = True  # "the man has jeans on"
                    self.i += 1
                after = self.peek()
                if (
                    after is not None
                    and after.tag == "REL"
                    and self.peek(1) is not None
                    and self.peek(1).tag == "OBJPRON"
                ):
                    owner = None  # "a meter with the road behind it": where the road is, not the meter's road
                absolute = owner is None and after is not None and after.tag == "REL"
                if entity is not None:
                    # "a woman with a blue dress", "a man with a hat": a person with a garment wears it
                    worn = worn or (
                        _is_clothing(entity.noun.split()[-1]) and _is_animate(owner.noun) if owner else False
                    )
                    held = (
                        token.word == "with"
                        and owner is not None
                        and _can_hold(owner.noun)
                        and singular_noun(entity.noun.split()[-1]) in _HANDHELD
                        # "a man with a sword in his belt", "a balloon tied to his wrist": it has a place of its own
                        and not (self.peek() is not None and self.peek().word in _OWN_PLACE_WORDS)
                    )
                    if owner is not None and owner is not entity and worn:
                        self.out.action(owner, "wear", entity)
                        if token.word == "with":  # "a man with a hat and a cane": the cane is his, not worn
                            self.out.possessions.add(self.out.checks[-1]["id"])
                    elif owner is not None and owner is not entity and held:
                        self.out.action(owner, "hold", entity)  # "a girl with a red umbrella" holds it
                        self.out.possessions.add(self.out.checks[-1]["id"])
                    elif owner is not None and owner is not entity:
                        # "a pot with a sign on it": it has a place of its own, read next
                        own_place = self._place_of_its_own()
                        if own_place:
                            self.out.placed_elsewhere.add(owner.id)
                        self.out.have(owner, entity, put=put and not own_place)
                    carrier, self.last_role = entity, "object"
                    # "relaxed with hands touching": after no noun, "with" opens a clause of its own
                    self.with_end = self.i if token.word == "with" and not absolute else -1
                continue
            if tag == "TEXTVERB":
                previous = self.tokens[self.i - 1] if self.i else None
                # "a dog next to a banner reading 'SALE'", "... a banner that says 'SALE'": right after its noun
                # (or its relative pronoun) the saying is the thing just named's, not the clause subject's
                right_after = (
                    self.last is not None
                    and (
                        self.last_end == self.i
                        or (previous is not None and previous.tag == "RELPRON" and self.last_end == self.i - 1)
                    )
                    # "a parrot on a perch saying 'hello'": one who can speak says it, not the perch; "a banner that
                    # says", "a gate reading", "a 'SALE' banner" are the thing's own words
                    and (
                        (previous is not None and previous.tag == "RELPRON")
                        or token.value == "quoted"
                        or verb_lemma(token.word) != "say"
                        or carrier is None
                        or not _is_animate(carrier.noun)
                        or _is_animate(self.last.noun)
                    )
                )
                # "a clock on a tower reads 12:43": a verb of its own (no -ing, no "that") after a place is said by
                # the clause's subject, not by the place just named
                own_verb = (
                    not token.word.endswith("ing")
                    and (previous is None or previous.tag != "RELPRON")
                    and self.last_role == "place"
                    and self.topic is not None
                    and self.topic is not self.last
                ) or (
                    # "a handwritten note on the fridge saying 'buy milk!'": a thing made to be written on says it,
                    # not the place it is on
                    self.last_role == "place"
                    and self.topic is not None
                    and self.topic is not self.last
                    and singular_noun(self.topic.noun.split()[-1]) in _WRITTEN_ON
                    and singular_noun(self.last.noun.split()[-1]) not in _WRITTEN_ON
                )
                carrier = self.topic if own_verb else self.last if right_after else carrier or self.last or self.topic
                self.i += 1
                continue
            if tag in {"VERB", "PAST"}:
                contains = (  # "a glass cube containing a leaf": right after a thing, it holds it (read as a verb)
                    verb_lemma(token.word) == "contain"
                    and self.last is not None
                    and self.i > 0
                    and singular_noun(self.tokens[self.i - 1].word) == self.last.noun.split()[-1]
                )
                if verb_lemma(token.word) in _PERCEPTION_VERBS and not contains:
                    self.i += 1  # "we can see a flower": there is a flower, and what follows is about it
                    if self.peek() is not None and self.peek().tag == "WORD":
                        self.topic, self.group = None, []
                    continue
                if token.tag == "PAST" and self.peek(1) is not None and self.peek(1).tag == "STYLEOF":
                    # "a scene from Alien drawn by Quentin Blake", "a chair designed by Charles Eames": who made it
                    # (asked as its style), not something the thing does
                    self.i += 1
                    continue
                start, named, verb_at = len(self.out.checks), list(self.out.entities), self.i
                self._verb(token)
                if negated:
                    self._deny(start, named, self.tokens[verb_at + 1 : self.i])
                    negated = False
                    continue
                self._share(start)
                continue
            if (
                tag == "PREP"
                and token.word == "for"
                and self.peek(1) is not None
                and self.peek(1).tag == "VERB"
                and _is_ing_verb(self.peek(1).word)
                # after a thing ("a knife for cutting"), not after a verb ("a monkey reaching for hanging bananas")
                and self.i > 0
                and self.tokens[self.i - 1].tag == "WORD"
            ):
                # "glasses of wine for celebrating", "a knife for cutting bread": what a thing is for, not what it
                # does (it asked "Are the glasses celebrating?", "Is the knife cutting the bread?"); what it is for
                # need not be in the picture
                self.i += 2
                if self.peek() is not None and self.peek().tag == "WORD":
                    self.words_run()
                continue
            if tag == "PREP":
                self.i += 1
                if token.word == "of" and self.last is not None:
                    owner = self.last
                    entity, phrase = self.noun_phrase()
                    held = _CONTAINERS.get(owner.noun.split()[-1])
                    if entity is not None and held is not None and entity is not owner and not phrase.definite:
                        self.out.relation(entity, held, owner)  # "a bowl of ramen": the ramen is in the bowl
                    if entity is None and phrase is not None and not phrase.head:
                        for colour in phrase.colours:
                            self.out.colour(owner, colour)  # "a tool of red and silver color"
                    continue
                if token.word == "like" and self._after_looks():
                    subject = self.topic or self.last
                    phrase = _phrase(self.words_run())
                    if subject is not None and phrase is not None and phrase.head:
                        self.out.likeness(subject, phrase.head)
                        self.last, self.last_role = subject, "subject"  # "... like a mushroom on a desk": the lamp is
                    continue
                if token.word == "like" and self.peek() is not None and self.peek().tag in {"VERB", "PRON"}:
                    while self.peek() is not None and self.peek().tag in {"VERB", "PRON", "AUX", "COP"}:
                        self.i += 1  # "like blocking", "like they are pedaling": a likeness, not an action
                    continue
                if token.word in _words(
                    """
                    at during for from with like as about through across around along among amid toward towards via
                    past beyond off out to over
                    """
                ):
                    if self._comes_from_a_work_or_place(token):
                        continue
                    at_thing = self._at_whom() if token.word == "at" else None
                    entity, phrase = self.noun_phrase()
                    if entity is not None and at_thing is not None and entity is not at_thing:
                        # "a man at a table", "sitting at a desk": beside it (the contract's near), not a gaze
                        start = len(self.out.checks)
                        self.out.relation(at_thing, "near", entity)
                        if at_thing is self.topic:
                            self._share(start)  # "a traffic light and a signpost at a crossing": both are there
                    if entity is not None:
                        self.last_role = "object"  # "eating from a plate on her lap": the plate is on it
                    if entity is not None and token.word == "with":
                        carrier = entity
                    if entity is not None and token.word == "about":
                        self.about_end = self.i
                    continue
                continue
            if tag == "OBJPRON":
                self.i += 1
                continue
            if (
                tag == "WORD"
                and negated
                and self.i >= 2
                and self.tokens[self.i - 1].word == "not"
                # "the sky is not blue"; "the legs are close but not joined" (one word, the clause's end: "a red but
                # not shiny car" names its car)
                and (
                    self.tokens[self.i - 2].tag == "COP"
                    or (
                        self.tokens[self.i - 2].word in {"but", "yet"}
                        and (self.peek(1) is None or self.peek(1).tag == "PUNCT")
                        and not lexicon.is_noun(token.word)  # "cheese but not tomatoes": no tomatoes
                    )
                )
                and token.word not in _ARTICLES_AND_POSSESSIVES
                and token.word not in _DETERMINERS
            ):
                # "the sky is not blue", "the background is not clear": a property the thing has not; asked as it
                # stood, it asked the opposite ("Is the sky blue?", "Is there no clear?"); nothing to look for
                self.words_run()
                negated = False
                continue
            if tag == "WORD":
                run_start, prior_role, prior_end = self.i, self.last_role, self.last_end
                entity, phrase = self.noun_phrase()
                if negated and phrase is not None and phrase.head:
                    # undo: a negated phrase is an absent check, not an entity
                    if (entity is not None and self.out.checks and self.out.checks[-1]["id"] == entity.id) or (
                        entity is not None and any(c["id"] == entity.id for c in self.out.checks)
                    ):
                        self._retract(entity)
                    self.out.absent(phrase)
                    self.absent_end = self.i  # "no rug on the wooden floor": the floor is there, nothing is on it
                    negated = False
                    continue
                negated = False
                after_and = (
                    run_start > 0
                    and self.tokens[run_start - 1].tag == "CONJ"
                    and self.tokens[run_start - 1].word in {"and", "or", "plus", "nor"}
                )  # "eating leaves while two zebras graze": "while" opens a clause, the zebras are not eaten
                acted = next((c for c in reversed(self.out.checks) if c["kind"] == "action"), None)
                agent = next((e for e in self.out.entities if acted and e.id == acted.get("parent")), None)
                new_clause = (
                    self.tokens[run_start].word in _POSSESSIVES
                    and (self.peek() is not None and self.peek().tag in {"COP", "VERB", "PAST", "AUX"})
                ) or self._verb_follows()  # "bent at the knee and their head is up": a clause of its own; "wearing a
                # jacket and a woman with blond hair is wearing jeans": the woman is a subject, not worn
                worn_too = (
                    entity is not None
                    and _is_clothing(entity.noun.split()[-1])
                    and acted is not None
                    and acted.get("action") == "wear"
                    and agent is not None
                )  # "a boy in a blue shirt and blue pants is climbing": the pants are worn too; the boy climbs
                # "a man holding a cup and a woman in a red dress": one who can act after a thing that cannot is
                # another subject, not a second thing held
                new_clause = new_clause or (
                    entity is not None
                    and _is_animate(entity.noun)
                    and acted is not None
                    and bool(acted.get("object"))
                    and not _is_animate(str(acted.get("object")))
                )
                new_clause = new_clause and not worn_too
                # "a woman in a black jacket and a pizza": what is not clothing is not worn with the jacket ("wearing
                # a helmet and a watch", said with the verb, is worn whatever it is)
                last_word = entity.noun.split()[-1] if entity is not None else ""
                unworn = (
                    entity is not None
                    and acted is not None
                    and acted.get("action") == "wear"
                    and acted["id"] not in self.out.possessions
                    and not _is_clothing(last_word)
                    and not {last_word, singular_noun(last_word)} & _ACCESSORIES
                    and not any(verb_lemma(t.word) == "wear" for t in self.tokens[max(0, run_start - 10) : run_start])
                )
                if entity is not None and after_and and prior_role == "object" and not new_clause and not unworn:
                    self.last_role, carrier = "object", entity  # "holding a cup and a saucer": both are held
                    if acted is not None and agent is not None and acted.get("object") and agent is not entity:
                        if acted["id"] in self.out.possessions and (
                            singular_noun(entity.noun.split()[-1]) in _HANDHELD
                            and _can_hold(agent.noun)
                            and not (self.peek() is not None and self.peek().word in _OWN_PLACE_WORDS)
                        ):
                            self.out.action(agent, "hold", entity)  # "with a sword and a shield": held
                            self.out.possessions.add(self.out.checks[-1]["id"])
                        elif acted["id"] in self.out.possessions:
                            # "with a hat and a cane": the hat worn, the cane had; "a desk with a laptop and a lamp":
                            # both put on it
                            own_place = self._place_of_its_own()
                            if own_place:
                                # "a table with a bicycle and a scooter leaning against it": the list's place
                                self.out.placed_elsewhere.add(agent.id)
                            self.out.have(agent, entity, put=acted["id"] in self.out.put_things and not own_place)
                        else:
                            self.out.action(agent, acted["action"], entity)
                elif entity is not None:
                    if self.topic is None or (not after_copula and self._starts_clause(run_start)):
                        # "a man and a woman posing": joined subjects share; "the torso is upright and the head
                        # looking down": a new clause (something came between the last phrase and "and")
                        joined = (
                            after_and
                            and prior_role == "subject"
                            and self.topic is not None
                            and (
                                prior_end == run_start - 1
                                # "mushrooms, olives, and tomatoes": a comma before the "and" (the serial comma)
                                or (prior_end == run_start - 2 and self.tokens[run_start - 2].word == ",")
                            )
                            # "the sky is a rainbow, and the crab is thinking": a verb in the singular has one
                            # subject (joined ones take "are"), so the rainbow does not think
                            # ("... a hat and some boots is walking": a plural before it agrees with nothing)
                            and not (
                                self.peek() is not None
                                and self.peek().word in {"is", "was", "has", "does"}
                                and not entity.plural
                            )
                        )
                        listed = (
                            not joined
                            and run_start > 1
                            and self.tokens[run_start - 1].word == ","
                            and prior_role == "subject"
                            and self.topic is not None
                            and prior_end == run_start - 1
                        )
                        if joined and len(self.group) <= 1 and len(self.listed) > 1 and self.listed[-1] is self.topic:
                            self.group = self.listed  # "A, B and C": the "and" makes the comma list one subject
                        self.listed = [*(self.listed or [self.topic]), entity] if listed else [entity]
                        self.group = [*(self.group or [self.topic]), entity] if joined else [entity]
                        if joined:
                            self._share_postpositive_states(entity)
                        if not (
                            # "a house covered in plants, hanging vines, floating on a cloud": a thing of the scene
                            # listed with what it does by itself; the list goes on about the house
                            self.topic is not None
                            and run_start > 0
                            and self.tokens[run_start - 1].word == ","
                            and _is_ing_verb(self.tokens[run_start].word)
                            and verb_lemma(self.tokens[run_start].word) in _PROCESS_VERBS
                        ):
                            self.topic = entity
                        self.sentence_subject = self.sentence_subject or entity
                        wearer = self.sentence_subject
                        if (
                            run_start > 0
                            and self.tokens[run_start - 1].word == ","
                            and entity is not wearer
                            and _is_clothing(entity.noun.split()[-1])
                            and _is_animate(wearer.noun)
                        ):
                            # "1girl, silver hair, school uniform": a tag list; a garment listed is what she wears
                            self.out.action(wearer, "wear", entity)
                        if self.fronted is not None:
                            kind, value, obj = self.fronted
                            if kind == "position":
                                self.out.position(entity, value)
                            elif obj is not None:
                                self.out.relation(entity, value, obj)
                            self.fronted_used = True  # kept for the rest of a list ("a mic, a podium and a bottle")
                    carrier = entity
                    nxt = self.peek()
                    if (
                        nxt is not None
                        and nxt.tag == "ADV"
                        and nxt.word in _POSE_ADVERBS
                        and self._ends_here(self.i + 1)
                        # "a toddler and a dog asleep together": the two are together, no pose of the dog's
                        and not (nxt.word == "together" and len(self.group) > 1)
                    ):
                        self.out.attribute(entity, nxt.word, "state")  # "head forward, arms down"
                        self.i += 1
                        self.topic = self.last = entity  # what follows in this list item is about it
                elif phrase is not None and phrase.head:
                    self.topic = self.last = None  # "sky above the street": a setting says nothing of the cat before
                    self.scene_topic = phrase.head if phrase.head in _MASS_SCENES else None
                elif (
                    phrase is not None
                    and not phrase.head
                    and self.topic is None
                    and self.scene_topic is not None
                    and after_copula
                ):  # "the sky is very blue", "the clouds are fluffy": the scene's colour and properties
                    for colour in phrase.colours:
                        self.out.scene_colour(self.scene_topic, colour)
                    nxt_word = self.peek().word if self.peek() is not None else ""
                    for word, _ in phrase.attributes:
                        # "the clouds are full of rain": what fills them follows; not a property on its own
                        if (
                            lexicon.is_adjective(word)
                            and word not in vocab.LIGHT_WORDS
                            and nxt_word
                            not in {
                                "of",
                                "with",
                                "in",
                            }
                        ):
                            self.out.scene_colour(self.scene_topic, word)
                elif (
                    phrase is not None
                    and not phrase.head
                    and self.topic is not None
                    and not (run_start > 0 and self.tokens[run_start - 1].word == ",")
                ):  # "the cat is fluffy", "a cat so fluffy"; but ", atmospheric," describes the picture
                    for colour in phrase.colours:
                        self.out.colour(self.topic, colour)
                    for word, kind in phrase.attributes:
                        self.out.attribute(self.topic, word, kind)
                if self.i == run_start:
                    self.i += 1
                continue
            self.i += 1

    def _at_whom(self) -> _Entity | None:
        """Who is "at" the thing that follows: the noun just named ("groomsmen at the ceremony") or the subject of a
        verb of staying ("sitting at a table"); never a gaze or an aim ("looking at the camera", "throwing a ball at
        a dog": where it is directed, not where anyone is)."""
        previous = self.tokens[self.i - 2] if self.i >= 2 else None
        if previous is None:
            return None
        if previous.tag == "WORD" and self.last is not None and self.last_end == self.i - 1:
            return self.last if self.last_role != "object" else None  # "throwing a ball at a dog": aimed
        if previous.tag == "VERB" and verb_lemma(previous.word) in _STAYING_VERBS:
            return self.topic
        return None

    def _wearer_placed(self, subject: _Entity | None) -> _Entity | None:
        """ "a wolf wearing a shirt and tie on the subway", "a dolphin in an astronaut suit on saturn": a place
        after a worn thing is the wearer's (a garment is where its wearer is); "a hat on his head", "a ring on her
        finger" stay the garment's (the place is the wearer's body)."""
        if subject is None:
            return subject
        start = self.i
        while self.i < len(self.tokens) and self.tokens[self.i].tag == "SKIP":
            self.i += 1  # "next to": the relation's own words
        ahead, self.i = self._peek_run(), start
        if not ahead or ahead[0].word in _POSSESSIVES:
            return subject
        last = ahead[-1].word
        if last in _BODY_PARTS or singular_noun(last) in _BODY_PARTS or _is_clothing(last):
            return subject
        worn = next(
            (
                c
                for c in reversed(self.out.checks)
                if c["kind"] == "action" and c.get("action") == "wear" and c.get("object") == subject.noun
            ),
            None,
        )
        wearer = next((e for e in self.out.entities if worn is not None and e.id == worn["parent"]), None)
        return wearer or subject

    def _verb_follows(self) -> bool:
        """Does a copula or auxiliary come next, perhaps after a with-phrase ("a woman with blond hair is ...")?"""
        j = self.i
        if j < len(self.tokens) and self.tokens[j].word == "with":
            j += 1
            while j < len(self.tokens) and self.tokens[j].tag in {"WORD", "ADV", "JOIN", "SKIP"} and j < self.i + 7:
                j += 1
        elif j < len(self.tokens) and self.tokens[j].word == "in":
            k = j + 1  # "and a hiker in a yellow jacket walking across": what she wears, then what she does
            while k < len(self.tokens) and self.tokens[k].tag in {"WORD", "JOIN"} and k < self.i + 6:
                k += 1
            if k > j + 1 and _is_clothing(self.tokens[k - 1].word):
                j = k
                if j < len(self.tokens) and self.tokens[j].tag == "VERB" and self.tokens[j].word.endswith("ing"):
                    last = self.out.entities[-1] if self.out.entities else None
                    return last is not None and _is_animate(last.noun)
        if j < len(self.tokens) and self.tokens[j].tag in {"COP", "AUX"}:
            return True
        # "a man walking a poodle and a woman walking two beagles": one who can act, then what she does
        last = self.out.entities[-1] if self.out.entities else None
        return (
            j == self.i
            and j < len(self.tokens)
            and self.tokens[j].tag == "VERB"
            and self.tokens[j].word.endswith("ing")
            and last is not None
            and _is_animate(last.noun)
        )

    def _share_postpositive_states(self, last: _Entity) -> None:
        """ "a toddler and a dog asleep", "a boat and a raft afloat": a state that only ever follows its noun, after
        the last of things joined by "and", is said of each of them (it had been the dog's alone)."""
        said = [
            c
            for c in self.out.checks
            if c.get("parent") == last.id and c["kind"] == "attribute" and c["attribute"] in _POSTPOSITIVE_STATES
        ]
        for other in self.group:
            if other is not last:
                for check in said:
                    if check["attribute"] in {"asleep", "awake", "alive"} and not _is_animate(other.noun):
                        continue  # "a mug of coffee and a dog asleep by the fire": no mug sleeps
                    self.out.attribute(other, check["attribute"], check["attributeKind"])

    def _share(self, start: int) -> None:
        """Checks made since `start` about the clause's subject hold for each subject joined to it by "and"
        ("a man and a woman posing in front of a car": both pose, both are in front of it)."""
        if self.topic is None or len(self.group) < 2:
            return
        topic = self.topic
        made = [c for c in self.out.checks[start:] if c.get("parent") == topic.id and c["kind"] in _SHARED]
        for other in self.group:
            if other is topic:
                continue
            for check in made:
                said = f"{self.out._be(topic)} {self.out._ref(topic)} "
                if not check["question"].startswith(said):
                    continue
                question = f"{self.out._be(other)} {self.out._ref(other)} " + check["question"][len(said) :]
                copy = {k: v for k, v in check.items() if k not in {"id", "parent", "subject", "question"}}
                if other.noun in {copy.get("object"), copy.get("object2")}:
                    continue  # "a knight, a castle and a dragon above it": the castle is not above itself
                self.out._add({**copy, "subject": other.noun, "parent": other.id, "question": question})

    def _starts_clause(self, start: int) -> bool:
        """Is the noun phrase at `start` a clause's subject (first in the prompt or after a sentence stop)?"""
        j = start - 1
        while j >= 0 and self.tokens[j].tag in {"ADV", "SKIP"}:
            j -= 1
        return j < 0 or self.tokens[j].word in ".,;!?" or self.tokens[j].tag == "CONJ"

    def _fronted_relation(self) -> bool:
        """Is the relation at the cursor put before its subject: its object is followed by "there", a pronoun
        or a perception verb ("in front of him we can see a mic", "behind the house there are trees")?"""
        j = self.i + 1
        while j < len(self.tokens) and self.tokens[j].tag in {"WORD", "ADV", "OBJPRON", "SKIP", "JOIN"}:
            if self.tokens[j].word == "there":
                return True
            j += 1
        if j + 1 < len(self.tokens) and self.tokens[j].word == ",":
            j += 1  # "and in the background, there are plants": a comma before the clause it opens
            if self.tokens[j].word == "there":
                return True
        return j < len(self.tokens) and self.tokens[j].tag == "PRON"

    def _object_gap_clause(self, antecedent: _Entity | None, where: bool = False) -> bool:
        """A clause after "that"/"which" whose subject comes first and whose object is the thing just named: "a
        bone that dogs love", "a cake that the boy ate", "a castle that children built" (the dogs love the bone; it
        had read a thing "dogs love" and "Are the kids drew?"). Only a subject that can act (a person or an animal)
        and a verb with nothing after it in its clause: "a girl that the dog chased" too, but not "a man who drinks
        water" (the verb comes first) nor "a wall that ivy covers the top of" (an object follows). After "where" (or
        "from which") the thing is the clause's place, not its object, any thing can be its subject, and the verb
        may take an object of its own: "a pond where ducks swim" (Are the ducks swimming?, not "swimming the
        pond"), "a hook where a coat hangs", "a kitchen where a chef cooks pasta" (a setting, no thing: it had
        asked for a thing "chef cooks pasta"). After "where" with a copula before the verb ("where a teacher is
        pouring ..."), the subject is read here and made the topic, the cursor left on the copula, and False
        returned, so the clause is read on as any other with that subject."""
        start = j = self.i
        if j < len(self.tokens) and self.tokens[j].word in _DETERMINERS:
            j += 1
        while (
            where
            and j + 1 < len(self.tokens)
            and self.tokens[j + 1].tag == "WORD"
            and lexicon.is_adjective(self.tokens[j].word)
            and lexicon.is_noun(self.tokens[j + 1].word)
            # a verb must follow the noun: "a window from which light pours" (light is its subject, no adjective)
            and j + 2 < len(self.tokens)
            and self.tokens[j + 2].tag in {"WORD", "VERB", "COP", "AUX"}
        ):
            j += 1  # "a workshop where an old man repairs clocks": the subject's adjectives
        if (
            where
            and j + 1 < len(self.tokens)
            and self.tokens[j].tag == "VERB"
            and lexicon.is_noun(self.tokens[j].word)
            and self.tokens[j + 1].tag in {"WORD", "VERB"}
            and self.tokens[j + 1].word not in _DETERMINERS
            and lexicon.verb_lemmas(self.tokens[j + 1].word)
        ):
            # "a desk from which papers fall": a noun that is also a verb, then a verb, after "where": the subject
            self.tokens[j].tag = "WORD"
        if j >= len(self.tokens) or self.tokens[j].tag != "WORD":
            return False
        if not (_is_animate(self.tokens[j].word) or (where and lexicon.is_noun(self.tokens[j].word))):
            return False
        verb = j + 1
        if verb >= len(self.tokens) or self.tokens[verb].tag == "JOIN":
            return False
        if (
            where
            and self.tokens[verb].tag in {"COP", "AUX"}
            and verb + 1 < len(self.tokens)
            and self.tokens[verb + 1].tag == "VERB"
        ):
            # "a classroom where a teacher is pouring a liquid", "a pond where ducks are swimming", "a field where
            # boys are playing football": the clause's subject does it (it asked "Is the classroom pouring the
            # liquid?", "Is the pond swimming?"); its subject read here, the rest read on as any clause with it
            self.i = start
            subject, _ = self.noun_phrase()
            if subject is None or self.i != verb:
                self.i = start
                return False
            self.topic = self.last = subject
            return False
        word = self.tokens[verb].word
        lemmas = lexicon.verb_lemmas(word)
        plural_subject = _is_plural(self.tokens[j].word)
        agrees = (
            lexicon.is_past_form(word)
            or _is_past(word)
            or (word.endswith("s") and not plural_subject)
            or (plural_subject and word in lemmas)
        )
        # "a sofa that the dog naps on": a singular subject's -s word is its verb ("dogs love": no plural noun)
        noun_plural = _is_plural(word) and lexicon.is_noun(word) and plural_subject
        if not lemmas or not agrees or word in _DETERMINERS or noun_plural:
            return False
        after = verb + 1
        if where and after < len(self.tokens) and self.tokens[after].tag == "WORD":
            return self._where_clause(start, verb, word)
        # "a park where dogs play with a ball": after "where" a verb's "with" is its own, as a preposition is
        ends = {"PUNCT", "CONJ", "PREP", "REL", "PLACE", "HAVE"} if where else {"PUNCT", "CONJ", "PREP", "REL", "PLACE"}
        if not (after >= len(self.tokens) or self.tokens[after].tag in ends):
            return False
        # "a chair that the cat sleeps on", "a table that the family eats at": the clause ends on its preposition,
        # so the thing is where the verb happens, not what it acts on
        stranded = (
            after < len(self.tokens)
            and self.tokens[after].tag in {"PREP", "REL"}
            and (after + 1 >= len(self.tokens) or self.tokens[after + 1].tag in {"PUNCT", "CONJ"})
        )
        self.tokens[verb].tag = "VERB"  # the subject's words end before it
        if self.tokens[j].word in {"someone", "somebody", "anyone"} and verb_lemma(word) in _LEFT_BEHIND_VERBS:
            # "a carrot that someone left on the steps": who left it is not in the picture; where it is, is
            self.i = after
            return True
        self.i = start
        subject, _ = self.noun_phrase()
        if (
            subject is None
            and where
            and self.i == verb
            and (after >= len(self.tokens) or self.tokens[after].tag in {"PUNCT", "CONJ"})
        ):
            # "a window from which light pours": a subject that is no thing the checks ask for, and its verb (it
            # asked "Is the window light?" and the window pouring)
            self.i, self.last = after, None
            return True
        if subject is None or self.i != verb:
            self.i = start
            return False
        # "the coin that the boy found": a singular subject's bare past is the past of its first lemma (find, not
        # found; "Is the boy founding the coin?" was asked)
        past = lexicon.verb_lemmas(word)
        if not plural_subject and not word.endswith("s") and past and past[0] != word and lexicon.is_past_form(word):
            word = past[0]
        if where:
            # "a garden where a cat sleeps under a bush": what follows the clause's verb is its subject's (the cat
            # under the bush), not the place's before it
            self.out.action(subject, word, None)
            self.last = subject
            self.i = after
            return True
        if stranded and antecedent is not None:
            self.out.action(subject, word, None)
            if self.tokens[after].tag == "REL":
                self.out.relation(subject, self.tokens[after].value, antecedent)
            self.i = after + 1
            return True
        self.out.action(subject, word, antecedent)
        self.i = after
        return True

    def _where_clause(self, start: int, verb: int, word: str) -> bool:
        """ "a kitchen where a chef cooks pasta": the clause's subject, its verb and the verb's own object."""
        self.tokens[verb].tag = "VERB"
        self.i = start
        subject, _ = self.noun_phrase()
        if subject is None or self.i != verb:
            self.i = start
            return False
        self.i = verb + 1
        obj, _ = self.noun_phrase()
        self.out.action(subject, word, obj)
        self.last = obj or subject  # "where a chef cooks pasta in a pan": the pasta is in the pan, not the chef
        return True

    def _ends_here(self, j: int) -> bool:
        """Does a clause or list item end at token j (the end, a stop, a comma, a conjunction, a preposition, or
        the next item of a list written without commas: "knees together feet apart")?"""
        return (
            j >= len(self.tokens)
            or self.tokens[j].tag in {"PUNCT", "CONJ", "PREP", "REL", "PLACE", "HAVE"}
            or (self.tokens[j].tag == "WORD" and self.tokens[j].word not in _DETERMINERS)
        )

    def _peek_run(self) -> list[_Token]:
        j, run = self.i, []
        while j < len(self.tokens) and self.tokens[j].tag in {"WORD", "ADV", "JOIN"}:
            if self.tokens[j].tag != "JOIN":
                run.append(self.tokens[j])
            j += 1
        return run

    def _after_looks(self) -> bool:
        """Is the "like" just read (at i - 1) the likeness of a thing that "looks like", "looks just like", "seems
        like" another? Only right after the thing ("a lamp that looks like", "the icons look like"): "it looks like a
        window", "in this picture it is looking like a cat" say what is there, hedged, so the window is asked."""
        j = self.i - 2
        while j >= 0 and self.tokens[j].tag == "ADV":
            j -= 1
        looks = j >= 1 and self.tokens[j].tag in {"COP", "VERB"} and verb_lemma(self.tokens[j].word) in {"look", "seem"}
        before = self.tokens[j - 1] if looks else None
        return (
            before is not None
            and before.tag in {"WORD", "RELPRON"}
            and before.word not in {"it", "this", "what", "something", "anything"}
            and (self.topic or self.last) is not None
        )

    def _direction_of_a_pose(self, token: _Token) -> bool:
        """ "turned to the right", "arms reaching to the left", "bent and out to the left": after a verb of turning
        or pointing (not of staying or placing: "a man standing to the left", "a lamp placed to the left" say where),
        or after "out" or "back", "to the left/right" is the way the thing turns or points. Asked as a position it
        would ask the head to be on the right of the picture, which the sentence never says."""
        if token.word != "to" or token.value not in {"left", "right"} or self.i == 0:
            return False
        if self.tokens[self.i - 1].word in {"out", "back"}:
            return True  # "arms out to the right", "leaning back to the left"
        j = self.i - 1
        while j > 0 and self.tokens[j].tag == "ADV":
            j -= 1  # "tilted very slightly to the left"
        before = self.tokens[j]
        moving = before.tag in {"VERB", "PAST"} or (
            before.tag == "WORD" and (_is_past(before.word) or lexicon.is_past_form(before.word))  # "bent", "held"
        )
        lemmas = {verb_lemma(before.word), *lexicon.verb_lemmas(before.word)}
        return moving and bool(lemmas & _TURNING_VERBS)

    def _deny(self, start: int, named: list[_Entity], said: list[_Token]) -> None:
        """ "a dog not wearing a collar", "the water not pouring out": a verb said not to happen is never asked as
        done (the check would pass the opposite of the prompt); a thing newly named as not worn, held or carried
        ("a collar", not "his sword" or "her mother's hand", which are there) is asked absent ("Is there no collar
        in the image?"); what any other denied verb acts on is still there ("not chasing a cat": the cat is)."""
        denied = [c for c in self.out.checks[start:] if c["kind"] == "action"]
        # "not holding his sword": a thing of someone's (or "the" one) is there, only not held
        known = any(t.word in _DEFINITE or t.word.endswith(("'s", "s'")) for t in said)
        for check in denied:
            self.out.checks = [c for c in self.out.checks if c is not check and c.get("parent") != check["id"]]
            thing = next((e for e in self.out.entities if e not in named and e.noun == check.get("object")), None)
            if thing is not None and check.get("action") in _DENIED_HAVING and not known:
                self._retract(thing)
                self.out.absent(_Phrase(head=thing.noun, plural=False, definite=False))

    def _retract(self, entity: _Entity) -> None:
        self.out.checks = [c for c in self.out.checks if c["id"] != entity.id and c.get("parent") != entity.id]
        self.out.entities = [e for e in self.out.entities if e is not entity]
        if self.last is entity:
            self.last = None
        if self.topic is entity:
            self.topic = None

    def _verb(self, token: _Token) -> None:
        """A verb after its subject: an action (with the noun it acts on, if one follows), or for a participle
        with no object a state of the subject ("a vase broken", "a house covered in snow")."""
        reduced = self.i > 0 and self.tokens[self.i - 1].tag == "WORD"  # right after its noun: "objects arranged"
        self.i += 1
        subject = self.topic or self.last
        if (
            token.tag == "VERB"
            and self.last is not None
            and (
                self.last.plural  # "with rams grazing", "with hands touching"; "a man with a hat walking" walks
                # "a bench with a cat sleeping on it": only the cat can sleep
                or (_is_animate(self.last.noun) and not (subject is not None and _is_animate(subject.noun)))
                # "a sunflower field with a tractor running over a sunflower": a machine moves, the field cannot
                or (
                    singular_noun(self.last.noun.split()[-1]) in _SELF_MOVING
                    and not (
                        subject is not None
                        and (_is_animate(subject.noun) or singular_noun(subject.noun.split()[-1]) in _SELF_MOVING)
                    )
                )
            )
            and (
                (self.with_end == self.i - 1 and token.word.endswith("ing"))
                # "a field with a tractor about to run over a sunflower": what it is about to do
                or (
                    self.with_end == self.i - 3
                    and [t.word for t in self.tokens[self.i - 3 : self.i - 1]] == ["about", "to"]
                )
            )
        ):
            subject = self.last  # "arms relaxed with hands touching the feet", "a slope with rams grazing": they do
        if (
            token.tag == "VERB"
            and reduced
            and token.word.endswith("ing")
            and self.last is not None
            and self.last is not subject
            and self.last_end == self.i - 1
            and _is_animate(self.last.noun)
            and subject is not None
            and not _is_animate(subject.noun)
            and singular_noun(subject.noun.split()[-1]) not in _SELF_MOVING
            # what things do by themselves stays the thing's ("a kite above a boy flying over the beach")
            and verb_lemma(token.word) not in _PROCESS_VERBS
            # what a thing does itself stays the thing's ("a mirror behind a girl reflecting the sunset"), unless the
            # ones who can act were brought in by "of" or "with" ("a statue of a man holding a sword"); "a lamp next
            # to a man reading a book": the man reads
            and (verb_lemma(token.word) not in _WHAT_THINGS_DO or self._named_after_of_or_with(self.i - 1))
            # a hand does what hands do ("the hands of a person holding a basketball")
            and singular_noun(subject.noun.split()[-1]) not in _BODY_PARTS
        ):
            # "a library filled with kids reading books", "a square full of pigeons pecking at crumbs": right after
            # ones who can act, the verb is theirs, never the place's (it asked "Is the library reading the books?")
            subject = self.last
        if (
            token.tag == "VERB"
            and self.last is not None
            and self.about_end == self.i - 1
            # a book or a poster itself sits, hangs, lies or burns where it is ("a book about dinosaurs sitting on a
            # bench", "a letter about a king burning in a fireplace"); a story or a poem does nothing ("a story about
            # a boy lying in the grass"); "a painting about a man standing in the rain": he stands
            and (
                singular_noun(subject.noun.split()[-1]) in _ABSTRACT_WORKS
                or (
                    verb_lemma(token.word) not in _POSTURE_VERBS - {"stand", "kneel", "crouch", "squat"}
                    and verb_lemma(token.word) not in {"hang", "burn", "spin", "float", "melt"}
                )
            )
        ):
            # "a book about a girl riding a horse", "a poster for a film about a dog chasing a ball": what the work
            # is about does it (it asked "Is the book riding the horse?")
            subject = self.last
        if (
            token.tag == "VERB"
            and reduced
            and verb_lemma(token.word) in _POSTURE_VERBS
            and subject is not None
            and self.last is not None
            and self.last is not subject
            and self.last_role == "place"
            and _is_animate(self.last.noun)
            and not _is_animate(subject.noun)
        ):
            # "a hat on a man sitting on a bench", "a crown on a cat lying on a cushion": the one who can sit sits,
            # and where follows is theirs (it had asked "Is the hat sitting?" and the hat on the bench)
            subject = self.topic = self.last
        after_copula = self.i >= 2 and self.tokens[self.i - 2].tag == "COP" and self.topic is not None
        if (
            token.tag == "PAST"
            and self.last is not None
            and (self.last_role == "object" or reduced)
            and not after_copula
        ):
            subject = self.last  # "with their knees curled in": the knees are; "other objects arranged on": they are
            # ("a bike with white handles is locked to a pole": the clause's subject is, after its copula)
        if (
            token.tag == "PAST"
            and self.i >= 2
            and self.tokens[self.i - 2].word == ","
            and self.sentence_subject is not None
            and self.peek() is not None
            and self.peek().word in {"by", "with", "in", "into"}
        ):
            subject = self.sentence_subject  # "a workbench in a garage, covered with ..., lit by a bulb": the bench
        if (
            token.tag == "VERB"
            and reduced
            and token.word.endswith("ing")
            and verb_lemma(token.word) in _PROCESS_VERBS
            and self.last is not None
            and self.last is not subject
            and self.last_role == "object"
            and not _is_animate(self.last.noun)
            and (subject is None or not _is_animate(subject.noun))
        ):
            subject = self.last  # "..., lit by a bulb hanging from the ceiling": the bulb hangs, not the bench
        if (
            token.tag == "VERB"
            and self.i >= 2
            and self.tokens[self.i - 2].word == ","
            and self.sentence_subject is not None
            and _is_animate(self.sentence_subject.noun)
            and (subject is None or not _is_animate(subject.noun))
        ):
            subject = self.sentence_subject  # "1girl, ..., school uniform, holding a sketchbook": the girl holds it
        after = self.peek()
        if (
            token.tag == "VERB"
            and token.word in _SAME_PARTICIPLE_VERBS
            and reduced
            and subject is not None
            and not _is_animate(subject.noun)
            and (after is None or after.tag != "WORD")
        ):
            # "onions cut up on the broccoli", "a table set for two": a participle spelt as its verb, said of a thing
            # that cannot do it ("Are the onions cutting?" was asked)
            self.out.attribute(subject, token.word, "state")
            if after is not None and after.tag == "ADV" and after.word in {"up", "open", "apart", "out"}:
                self.i += 1
            return
        worn = next((c for c in reversed(self.out.checks) if c["kind"] == "action"), None)
        if (
            token.tag == "VERB"
            and worn is not None
            and self.i >= 3
            and self.tokens[self.i - 2].word == "and"
            and self.tokens[self.i - 3].tag == "VERB"
        ):
            # "with a dog smiling and wagging its tail": the second verb is the first one's doer's
            subject = next((e for e in self.out.entities if e.id == worn.get("parent")), subject)
        if (
            token.tag == "VERB"
            and reduced
            and self.last is not None
            and worn is not None
            and worn.get("action") == "wear"
            and worn.get("object") == self.last.noun
            and not self._said_with_its_owner()
        ):
            # "a hiker in a yellow jacket walking across a bridge": the one wearing it walks (but "a farmer's straw
            # hat hanging on a post": the hat hangs)
            subject = next((e for e in self.out.entities if e.id == worn.get("parent")), subject)
        elif reduced and subject is not None and subject is self.last and self._said_with_its_owner():
            self.topic = subject  # "a farmer's straw hat hanging on a fence post": what follows is the hat's too
            if worn is not None and worn.get("object") == subject.noun and verb_lemma(token.word) in _LAID_VERBS:
                # ... and a hat that hangs on a post, a coat that lies on a chair, is worn by no one now
                self.out.checks = [c for c in self.out.checks if c is not worn]
        if subject is None:
            return
        if (
            token.tag == "VERB"
            and singular_noun(subject.noun.split()[-1]) in _PHOTO_NOUNS
            and verb_lemma(token.word) in {"look", "film", "shoot", "capture", "take", "zoom", "focus"}
        ):
            return  # "a photo taken looking down at a street": where the camera looks, no act of the photo's
        if reduced and (
            self.tokens[self.i - 2].word in _FALLING_WEATHER or self.tokens[self.i - 2].word in _WEATHER_NOUNS
        ):
            return  # "with snow falling", "rain pouring": the weather's doing, not the bird's
        self.last_role = "verb"
        relating, self.relating = self.relating, (subject if subject is not self.topic else self.relating)
        self._verb_object(token, subject)  # "a hydrant with a dog sniffing it": it is not the dog itself
        self.relating = relating
        if self.last_role != "object" or self.last is None:
            # nothing acted on: a relation that follows is said of the verb's subject ("a man in a red shirt is
            # sitting on a chair": the man sits on it, not the shirt)
            self.last, self.last_role = subject, ("subject" if subject is self.topic else "object")

    def _directed(self, token: _Token, subject: _Entity) -> bool:
        """A verb of going somewhere with the way it goes ("a girl going to a farm", "a car heading toward a tunnel",
        "a boat goes by", "a man getting out of a taxi"): the way is in the question, which alone asked "Is the boat
        going?" (nothing in a picture answers it); a thing it goes to is its object, a scene word is left to be read
        as the scene. False when no way is said (the verb is read as before)."""
        path = [self.peek().word]
        j = self.i + 1
        if j < len(self.tokens) and self.tokens[j].word in _PATH_SECOND_WORDS and path[0] not in _PATH_SECOND_WORDS:
            path.append(self.tokens[j].word)  # "out of", "away from", "back to"
            j += 1
        way = " ".join(path)
        after = self.tokens[j] if j < len(self.tokens) else None
        if after is None or after.tag in {"PUNCT", "CONJ", "PREP", "REL", "PLACE"} or after.word in {"as", "while"}:
            if len(path) > 1 or path[0] not in _PATH_ALONE:
                return False
            self.i = j  # "a boat goes by", "the cat comes home": the way alone
            self.out.action(subject, token.word, None, way, in_picture=False)
            return True
        if path == ["to"] and after.tag == "VERB" and verb_lemma(token.word) == "go":
            return True  # "a man going to paint a fence": what he means to do, read next; no going to ask
        if after.tag not in {"WORD", "OBJPRON"} or path[0] == "home":
            return False
        start = self.i
        words = []
        k = j
        while k < len(self.tokens) and self.tokens[k].tag == "WORD":
            words.append(self.tokens[k].word)
            k += 1
        head = singular_noun(words[-1]) if words else ""
        if after.tag == "WORD" and (head in vocab.SCENE_WORDS or head in _EVENTS):
            # "going to a farm", "coming down the beach": where it goes is the scene, read as it is after this
            place = " ".join(["the", *words[1:]] if words[0] in {"a", "an", "the", "some"} else words)
            self.out.action(subject, token.word, None, f"{way} {place}", in_picture=False)
            return True
        self.i = j
        obj, _ = self.noun_phrase()
        if obj is None or obj is subject:
            self.i = start
            return False
        self.out.action(subject, token.word, obj, f"{way} {self.out._ref(obj)}")
        self.last, self.last_role = obj, "object"
        on = self.peek()
        k = self.i + 1
        while k < len(self.tokens) and self.tokens[k].tag == "WORD":
            k += 1
        ridden = singular_noun(self.tokens[k - 1].word) if k > self.i + 1 else ""  # "on a red bicycle": bicycle
        if (
            on is not None
            and on.tag == "REL"
            and on.word in {"on", "in", "inside", "aboard"}
            and (ridden in _RIDDEN or ridden in _SELF_MOVING)
        ):
            self.last, self.last_role = subject, "subject"  # "going up a hill on a bicycle": the one going is on it
        return True

    def _motion_path(self) -> str | None:
        """The way a movement goes, said after its verb ("a boy stomping through a puddle", "a ladybug crawling along
        a blade of grass", "skiers racing down a slope"): "through the puddle", asked with the verb ("Is the boy
        stomping?" alone says little of what the picture shows). Read only: the place is read on as before (a
        lawn trotted across is still the lawn the beagle is on). None when no way and place follow."""
        nxt = self.peek()
        if nxt is None or nxt.word not in _MOTION_PATHS:
            return None
        place, j = self._place_named(self.i + 1)
        if not place:
            return None
        if j < len(self.tokens) and self.tokens[j].word == "of":
            owner, _ = self._place_named(j + 1)
            article = "the " if j + 1 < len(self.tokens) and self.tokens[j + 1].word in _DETERMINERS else ""
            if owner:
                place = f"{place} of {article}{owner}"  # "a blade of grass", "the side of the building"
        return f"{nxt.word} the {place}"

    def _place_named(self, j: int) -> tuple[str, int]:
        """The words naming a place from token j, without its article or the properties before its noun ("a
        muddy puddle": puddle; its mud is asked apart, one property each), and where they end."""
        words = []
        while j < len(self.tokens) and self.tokens[j].tag == "WORD":
            words.append(self.tokens[j].word)
            j += 1
        while words and words[0] in _DETERMINERS:
            words.pop(0)
        while len(words) > 1 and (colour_name(words[0]) is not None or _attribute_kind(words[0]) is not None):
            words.pop(0)
        if words and not (_is_noun_word(words[-1]) or _unknown_word(words[-1])):
            return "", j  # "buttons sticking up straight": how, not where
        return " ".join(words), j

    def _agent_of_passive(self) -> bool:
        """ "a rabbit held up in the air by a girl", "a cake taken out of an oven by a chef": a "by" after places
        that follow a participle, in its clause, names who did it (it asked "Is the rabbit next to the girl?"),
        when one is named with an article or a number ("by a chef", not "by Banksy", a maker's name, nor "by
        the window" after a verb of leaving or parking, a place). The cursor is on "by"."""
        if self.passive is None:
            return False
        thing, lemma_, at = self.passive
        between = self.tokens[at + 1 : self.i]
        if (
            not between
            or any(t.tag in {"PUNCT", "CONJ", "VERB", "PAST", "COP", "AUX", "RELPRON"} for t in between)
            or lemma_ in _PARKING_VERBS
            # "a portrait painted in oils by an old master": the maker of a picture is no agent in it (read as before)
            or (lemma_ in _MAKING_VERBS and thing.noun.split()[-1] in _IMAGE_NOUNS | _ART_NOUNS | _MEDIUM_NOUNS)
        ):
            return False
        if lemma_ in _STATE_PARTICIPLE_VERBS:
            return False  # "a car stuck in the mud by a farmer", "a kite caught in a tree by a boy": a state, beside
        run = []
        k = self.i + 1
        while k < len(self.tokens) and self.tokens[k].tag == "WORD":
            run.append(self.tokens[k])
            k += 1
        # who did it is one who can act, seen before anything is read ("by the sea", "by a falling tree" read as
        # before)
        if (
            not run
            or run[0].word not in _DETERMINERS | set(_NUMBERS)
            or not (_is_animate(run[-1].word) or _is_person(run[-1].word))
        ):
            return False
        start = self.i
        self.i += 1
        agent, _ = self.noun_phrase()
        if agent is None or agent is thing:
            self.i = start
            return False
        self.out.action(agent, lemma_, thing)
        self.passive = None
        return True

    def _place_of_its_own(self) -> bool:
        """Does a place, or a clause, follow the thing just read ("a pot with a sign on it", "a plate with a glass of
        milk next to it", "a bowl with steam rising from it")? Then it is not put on or in what has it."""
        j = self.i
        if j < len(self.tokens) and self.tokens[j].word == "of":  # "a glass of milk next to it": past its contents
            j += 1
            while j < len(self.tokens) and self.tokens[j].tag == "WORD":
                j += 1
        after = self.tokens[j] if j < len(self.tokens) else None
        if after is None:
            return False
        if after.word in _OWN_PLACE_WORDS | {"on"} or after.tag in {"REL", "PLACE"}:
            return True
        # a clause said of it that places it against its holder ("steam rising from it"); one that only says more
        # of it ("white rice topped by vegetables") leaves it on the plate
        if after.tag not in {"VERB", "PAST"}:
            return False
        for later in self.tokens[j:]:
            if later.tag in {"PUNCT", "CONJ"}:
                return False
            if later.word in {"it", "them"}:
                return True
        return False

    def _said_with_its_owner(self) -> bool:
        """Is the noun phrase just before the verb at the cursor said with an owner's "'s" ("a farmer's straw hat
        hanging")?"""
        j = self.i - 2
        while j >= 0 and self.tokens[j].tag == "WORD":
            if self.tokens[j].word.endswith("'s"):
                return True
            j -= 1
        return False

    def _verb_object(self, token: _Token, subject: _Entity) -> None:
        """What follows a verb: the thing acted on, a state and its complement, a material, a placed thing."""
        nxt = self.peek()
        beyond = self.peek(1)
        if token.tag == "PAST":
            lemma_ = next(iter(lexicon.verb_lemmas(token.word)), None) or verb_lemma(token.word)
            self.passive = (subject, lemma_, self.i - 1) if lemma_ not in {"be", "have"} else None
        if (
            token.tag == "VERB"
            and nxt is not None
            and nxt.word in _PARTICLES
            and nxt.tag in {"ADV", "PREP", "REL"}
            and (beyond is None or (beyond.tag in {"PUNCT", "CONJ", "PREP", "REL", "PLACE"} and beyond.word != "of"))
        ):
            self.i += 1  # "a plane taking off from a runway": Is the plane taking off?
            self.out.action(subject, token.word, None, nxt.word)
            self.out.checks[-1].pop("object", None)
            return
        if (
            token.tag == "VERB"
            and nxt is not None
            and nxt.word in _POSSESSIVES
            and beyond is not None
            and beyond.word == "back"
            # "washes his back window", "opens her back door": "back" says which window; "the back of" is a place
            and (self.peek(2) is None or (self.peek(2).word != "of" and self.peek(2).tag != "WORD"))
        ):
            self.i += 2  # "the person arches their back", "she turns her back": the body's back, read as where
            self.out.action(subject, token.word, None, "the back")
            return
        if (
            (token.word == "used" or (token.tag == "VERB" and verb_lemma(token.word) in {"try", "attempt"}))
            and nxt is not None
            and nxt.word == "to"
            and beyond is not None
            and lexicon.verb_lemmas(beyond.word)
            and beyond.word in lexicon.verb_lemmas(beyond.word)
        ):
            # "a magnifying glass is being used to zoom in", "the elbow is used to cover the face", "a skateboarder
            # trying to pull off a trick": what it does is the verb after "to" ("Is the magnifying glass used?",
            # "Is the skateboarder trying?" could not be answered)
            self.i += 1
            beyond.tag = "VERB"
            return
        if (
            token.tag == "VERB"
            and nxt is not None
            and nxt.word in {"each", "one"}
            and beyond is not None
            and beyond.word in {"other", "another"}
        ):
            # "two people facing each other": what they do to one another (it asked "Are the people facing?")
            self.i += 2
            self.out.action(subject, token.word, None, f"{nxt.word} {beyond.word}", in_picture=False)
            return
        if token.tag == "VERB" and nxt is not None and nxt.word in _REFLEXIVES:
            self.i += 1  # "a robot repairing itself": what it acts on is its own self, no other thing to look for
            self.out.action(subject, token.word, None, nxt.word, in_picture=False)
            return
        if token.tag == "PAST" and token.word in _DIVIDING and nxt is not None and nxt.word == "into":
            j = self.i + 1
            words = []
            while j < len(self.tokens) and self.tokens[j].tag in {"WORD", "ADV"} and len(words) < 4:
                words.append(self.tokens[j].word)
                j += 1
            if words:
                # "a pizza cut into eight slices": how it is cut, not a pizza inside its slices
                self.out.attribute(subject, f"{token.word} into {' '.join(words)}", "state")
                self.i = j
                return
        if (
            verb_lemma(token.word) in {"hold", "shake", "join"}
            and nxt is not None
            and nxt.word == "hands"
            and (self.peek(1) is None or self.peek(1).word != "of")
        ):
            self.i += 1  # "a boy and a girl holding hands": what they do together; no hands to find apart
            self.out.action(subject, token.word, None, "hands", in_picture=False)
            return
        if (
            nxt is not None
            and nxt.word in _ADDRESSED_VERBS
            and verb_lemma(token.word) in _ADDRESSED_VERBS[nxt.word]
            and self.peek(1) is not None
            and (
                self.peek(1).tag == "WORD"
                # "listening to music", "listening to jazz": after these verbs a noun is no infinitive
                or lexicon.is_noun(self.peek(1).word)
            )
        ):
            if self.peek(1).word in _REFLEXIVES:
                # "a woman looking at herself in a mirror": at her own self, no thing "herself" (it asked "Is the
                # woman looking at the herself?")
                self.out.action(subject, token.word, None, f"{nxt.word} {self.peek(1).word}", in_picture=False)
                self.i += 2
                if self.peek() is not None and self.peek().word == "in":
                    self.i += 1  # "... at herself in a mirror": where she sees herself, not where she is
                    self.noun_phrase()
                return
            self.peek(1).tag = "WORD"  # "listening to music": a noun, not an infinitive
            end = self.i + 1
            while end < len(self.tokens) and self.tokens[end].tag == "WORD":
                end += 1
            head = singular_noun(self.tokens[end - 1].word)
            # "laughing at a funeral", "barking at the park": where one is, read as a place or a scene below
            if head not in _EVENTS and head not in vocab.SCENE_WORDS:
                start = self.i
                self.i += 1
                obj, _ = self.noun_phrase()
                if obj is not None and obj is not subject:
                    # "a dog barking at a mailman": Is the dog barking at the mailman?
                    self.out.action(subject, token.word, obj, f"{nxt.word} {self.out._ref(obj)}")
                    self.last, self.last_role = obj, "object"
                    return
                self.i = start
        if (
            token.tag == "VERB"  # "a horse led through a field by a farmer": led, not leading
            and verb_lemma(token.word) in _DIRECTED_VERBS
            and nxt is not None
            and nxt.word in _PATH_WORDS
            and self._directed(token, subject)
        ):
            return
        article = 1 if nxt is not None and nxt.word in {"a", "an", "some"} else 0
        shot = self.peek(article)
        if (
            verb_lemma(token.word) in {"take", "snap", "shoot"}
            and shot is not None
            and shot.tag == "WORD"
            and shot.word in _SHOTS
            and (self.peek(article + 1) is None or self.peek(article + 1).word != "of")
        ):
            self.i += 1 + article  # "their dad takes photos": he is taking them; they are no things in the picture
            self.out.action(
                subject, token.word, None, " ".join(t.word for t in (nxt, shot)[1 - article :]), in_picture=False
            )
            return
        full = token.word == "full" and nxt is not None and nxt.word == "of"
        if full or (
            token.tag == "PAST" and nxt is not None and nxt.word == "with" and token.word in _PARTICIPLE_RELATIONS
        ):
            # "a table topped with books": the books are on it; "a jar filled with coins", "a bowl full of
            # apples": they are inside it; "a bench covered with tools, a radio and a cup": each of them
            before = self.tokens[self.i - 2] if self.i >= 2 else None  # the word before the verb
            # "chasing a ball through a garden full of tulips": full is what was named just before (a scene
            # here), not the ball; the tulips are still there
            elsewhere = (
                full
                and before is not None
                and before.tag == "WORD"
                and singular_noun(before.word) != singular_noun(subject.noun.split()[-1])
            )
            if elsewhere:  # "a coffee can full of nails" after a list's first things: the can, if it was named
                holder = next(
                    (
                        e
                        for e in reversed(self.out.entities)
                        if singular_noun(e.noun.split()[-1]) == singular_noun(before.word)
                    ),
                    None,
                )
                subject, elsewhere = (holder, False) if holder is not None else (subject, True)
            if full and not elsewhere:
                self.out.attribute(subject, "full", "state")
            self.i += 1
            things = []
            while True:
                start = self.i
                thing, _ = self.noun_phrase()
                if thing is None:
                    if things:  # "full of bubbles, the middle one is blue": no thing; the clause is read again
                        self.i = start - 1
                    break
                if (
                    things
                    and self.peek() is not None
                    and (
                        self.peek().tag in {"VERB", "COP", "AUX"}
                        or (self.tokens[start - 1].word == "," and self.peek().tag in {"REL", "PLACE"})
                    )
                ):
                    # "a table covered with books, and a lamp stands by it": the lamp opens a clause of its own;
                    # "a table covered with a cloth, a vase on the shelf": so does the vase, placed elsewhere
                    self._retract(thing)
                    self.i = (
                        start
                        - 1
                        - (
                            1
                            if self.tokens[start - 1].word == "and"
                            and start >= 2
                            and self.tokens[start - 2].word == ","
                            else 0
                        )
                    )
                    break
                things.append(thing)
                following = self.peek()
                if following is not None and following.word == "," and self.peek(1) is not None:
                    if self.peek(1).word == "and":
                        self.i += 1  # the serial comma: ", and a cup"
                    elif self.peek(1).tag != "WORD":
                        break
                    following = self.peek()
                if not (following is not None and following.word in {"and", ","}):
                    break
                self.i += 1
            for thing in [] if elsewhere else things:
                self.out.relation(thing, "inside" if full else _PARTICIPLE_RELATIONS[token.word], subject)
            if (
                things
                and not elsewhere
                and self.peek() is not None
                and self.peek().tag == "VERB"
                and _is_animate(things[-1].noun)
            ):
                # "a library filled with kids reading books": the verb right after ones who can act is theirs ("a
                # basket filled with apples sitting on a table": the basket sits)
                self.last, self.last_role, self.last_end = things[-1], "object", self.i
            return
        if (
            token.tag == "PAST"
            and token.word in _PLACEMENT_PARTICIPLES
            and nxt is not None
            and nxt.tag in {"REL", "PLACE"}
        ):
            return  # "a vase placed on a table": the relation says it all
        if (
            token.word == "made"
            and nxt is not None
            and nxt.word == "up"
            and self.peek(1) is not None
            and self.peek(1).word == "of"
        ):
            ahead = [t.word for t in self.tokens[self.i + 2 : self.i + 6] if t.tag in {"WORD", "ADV"}]
            if any(w in _NUMBERS or w.isdigit() or _is_animate(w) for w in ahead):
                self.i += 2  # "a team made up of five players": its members, counted, read as things
                return
            self.i += 1  # "a wall made up of bricks": what it is made of, as "made of"
            nxt = self.peek()
        if (
            token.tag == "PAST"
            and token.word in _MADE_OF_PARTICIPLES
            and nxt is not None
            and nxt.word in {"of", "from", "out"}
        ):
            # "made of", "made out of": what it is made of
            self.i += 1 + (1 if self.peek(1) is not None and nxt.word == "out" else 0)
            run = self.words_run()
            material = " ".join(t.word for t in run if t.word not in _DETERMINERS and t.word not in _QUANTIFIERS)
            if len(material.split()) > 2:
                # "made from light metallic iridescent chrome thin wire": of wire (one property; its words describe it)
                material = run[-1].word
            if material and len(material) <= MAX_WORD_CHARS:
                self.out.attribute(subject, material, "material")  # "made of ice cubes": the whole phrase
                for more in self._more_stuff():
                    self.out.attribute(subject, more, "material")
            return
        if token.tag == "PAST" and nxt is not None and nxt.tag == "ADV" and nxt.word in _POSE_ADVERBS:
            # "the right arm raised up", "feet pointed forward": its state, and how it is posed; "a cat curled up"
            # is curled (a phrasal verb)
            way, self.i = self._pose_way(self.i)
            self.out.attribute(subject, token.word, "state")
            if subject.noun.split()[-1] in _BODY_PARTS or singular_noun(subject.noun.split()[-1]) in _BODY_PARTS:
                self.out.attribute(subject, way, "state")
            return
        if token.tag == "PAST" and (nxt is None or nxt.tag in {"PUNCT", "CONJ", "REL", "PREP", "PLACE", "HAVE"}):
            lemma_ = next(iter(lexicon.verb_lemmas(token.word)), None) or verb_lemma(token.word)  # drawn: draw
            if lemma_ in {"be", "have"}:
                return
            if nxt is not None and nxt.word == "by" and token.word in {"lit", "illuminated", "lighted", "backlit"}:
                self.i += 1  # "a workbench lit by a single bulb": lit, and the bulb is there; it is not beside it
                self.out.attribute(subject, token.word, "state")
                light, _ = self.noun_phrase()
                if light is not None:
                    self.last, self.last_role = light, "object"  # "a bulb hanging from the ceiling": it hangs
                return
            by_whom = [t.word for t in self.tokens[self.i + 1 : self.i + 5] if t.tag == "WORD"]
            if (
                nxt is not None
                and nxt.word == "by"
                and lemma_ in _PARKING_VERBS
                # "a dog left by its owner", "a truck parked by a soldier": one who can act did it
                and not any(_is_animate(w) or _is_person(w) for w in by_whom[:3])
            ):
                self.i += 1  # "a car parked by a tree", "a bike left by the door": beside it, no one's doing
                if token.word not in _SAYING_ONLY_WHERE:
                    self.out.attribute(subject, token.word, "state")  # parked, moored ("left" says only where)
                place, _ = self.noun_phrase()
                if place is not None and place is not subject:
                    self.out.relation(subject, "next to", place)
                return
            if nxt is not None and nxt.word == "by":
                self.i += 1  # "painted by an artist", "inspired by a poet": the agent is not in the picture;
                start = self.i
                run = self.words_run()  # a name ("painted by Francis Bacon") says the picture's style
                common = all(
                    t.word in _DETERMINERS
                    or t.word in _NUMBERS
                    or lexicon.noun_lemmas(t.word)
                    or lexicon.is_adjective(t.word)
                    for t in run
                )
                if (
                    run
                    and lemma_ not in _MAKING_VERBS
                    and not run[0].raw[:1].isupper()
                    and (
                        run[0].word in _DETERMINERS
                        or run[0].word in _NUMBERS
                        or (
                            lexicon.is_noun(run[-1].word)
                            and (common or _is_plural(run[-1].word) or run[-1].word in _MASS_NOUNS)
                        )
                    )
                ):
                    # "a ball thrown by a little girl": the girl is in the picture and throws it; "a bicycle
                    # propelled by pedals": the pedals are in it (a name after a verb of making is a style)
                    self.i = start
                    agent, _ = self.noun_phrase()
                    if agent is not None and agent is not subject:
                        self.out.action(agent, lemma_, subject)
                    return
                if run and not any(t.word in _DETERMINERS or t.word in _KNOWN_NOUNS for t in run):
                    self._styles([" ".join(t.word for t in run)[:64]])
                return
            if (
                nxt is not None
                and nxt.word == "to"
                and token.word in _ATTACHED_TO
                and self.peek(1) is not None
                and self.peek(1).tag == "WORD"
            ):
                # "balloons tied to a mailbox", "a dog chained to a fence": tied, and next to what holds it
                self.out.attribute(subject, token.word, "state")
                self.i += 1
                holder, _ = self.noun_phrase()
                if holder is not None and holder is not subject:
                    self.out.relation(subject, "next to", holder)
                return
            joint_at = 2 if self.peek(1) is not None and self.peek(1).word in _POSSESSIVES | {"the"} else 1
            joint = self.peek(joint_at)
            if (
                nxt is not None
                and nxt.word == "at"
                and joint is not None
                and singular_noun(joint.word) in _JOINTS
                and (self.peek(joint_at + 1) is None or self.peek(joint_at + 1).word != "of")
            ):
                # "the arm bent at the elbow", "a leg bent at the knee": where it bends, one state; no elbow to find
                # beside the arm (it asked "Is the arm near the elbow?")
                self.i += joint_at + 1
                self.out.attribute(subject, f"{token.word} at the {joint.word}", "state")
                return
            if nxt is not None and nxt.tag == "PLACE" and token.word in _SAYING_ONLY_WHERE:
                return  # "a cart left in the middle": where it is, read on as a place
            if nxt is not None and nxt.tag == "REL" and token.word not in _COMPLEMENT_PARTICIPLES:
                if token.word not in _SAYING_ONLY_WHERE:
                    self.out.attribute(subject, token.word, "state")  # "a car parked on the road": parked; the
                return  # relation is read on as usual
            if nxt is not None and nxt.word == "with" and token.word not in _COMPLEMENT_PARTICIPLES:
                self.out.attribute(subject, token.word, "state")  # "arms relaxed with hands ...": relaxed; the
                return  # "with" is read on as usual
            if nxt is not None and nxt.word in {"in", "with", "of", "on", "from"}:
                # "a house covered in snow": the state with its complement; the complement is read on as usual
                j = self.i + 1
                words = []
                while j < len(self.tokens) and self.tokens[j].tag in {"WORD", "ADV"} and len(words) < 4:
                    words.append(self.tokens[j].word)
                    j += 1
                if words and token.word in {"dressed", "clad"} and all(_colours_of(w) or w == "and" for w in words):
                    return  # "a woman dressed in red": what she wears is red, asked as such by the colour that follows
                if words:
                    self.out.attribute(subject, f"{token.word} {nxt.word} {' '.join(words)}", "state")
                    if (token.word in _MEDIUM_PARTICIPLES or token.word in _COATING_PARTICIPLES) and nxt.tag == "REL":
                        # "written in spray paint": what it is written in; "a wall covered in ivy": what covers
                        # it; neither is a thing the subject is inside
                        self.i += 1
                    return
            if (
                nxt is not None
                and nxt.word in _PATH_WORDS
                and set(lexicon.verb_lemmas(token.word)) & (_MOVED_VERBS | _DIRECTED_VERBS)
            ):
                # "a turkey being taken out of the oven", "a ball thrown over a fence": where it is moved is what
                # the state says ("Is the turkey taken?" alone asked nothing one can see); the place is read on
                j = self.i + 1
                words = [nxt.word]
                while (
                    j < len(self.tokens)
                    and (self.tokens[j].tag in {"WORD", "ADV"} or self.tokens[j].word in _PATH_SECOND_WORDS)
                    # "lifted off the ground bent at the knee": the place ends before another participle (after a
                    # noun: "the ground" itself is no participle there)
                    and not (
                        len(words) > 1
                        and words[-1] not in _DETERMINERS
                        and (_is_past(self.tokens[j].word) or lexicon.is_past_form(self.tokens[j].word))
                        # "out of a wood fired oven": a participle before its noun is the noun's
                        and (j + 1 >= len(self.tokens) or self.tokens[j + 1].tag != "WORD")
                    )
                ):
                    words.append(self.tokens[j].word)
                    j += 1
                # a place ends the way ("out of the oven"), or the way is one alone ("pushed out"), not a word
                # cut short ("lifted to just below the waist" is read as a state and a place, as before)
                ends_in_place = (
                    len(words) > 1
                    and self.tokens[j - 1].tag == "WORD"
                    # "out of a wood fired oven": the place goes on past a participle read as a verb; as before
                    and not (
                        j + 1 < len(self.tokens)
                        and self.tokens[j].tag in {"VERB", "PAST"}
                        and self.tokens[j + 1].tag == "WORD"
                    )
                )
                if ends_in_place or (len(words) == 1 and nxt.word in _PATH_ALONE):
                    words = ["the" if w in {"a", "an"} else w for w in words]  # "out of an oven": out of the oven
                    self.out.attribute(subject, f"{token.word} {' '.join(words)}", "state")
                    return
            self.out.attribute(subject, token.word, "state")
            return
        ahead = self._peek_run() if nxt is not None and nxt.tag == "WORD" else []
        described = _phrase(ahead) if token.tag == "PAST" and ahead else None
        if described is not None and not described.head and described.colours:
            # "a chair painted red", "a wall painted white": what was done to it and the colour it left, not an
            # action of the chair's
            self.words_run()
            self.out.attribute(subject, token.word, "state")
            for colour in described.colours:
                self.out.colour(subject, colour)
            return
        if ahead and ahead[-1].word in _GAMES and verb_lemma(token.word) == "play":
            self.words_run()  # "playing soccer": the game played, no thing called soccer
            self.out.action(subject, token.word, None, ahead[-1].word)
            return
        if ahead and "do" in lexicon.verb_lemmas(token.word) and len(ahead) <= 3 and ahead[-1].word.isalpha():
            # "doing a trick", "doing yoga": what is done is an activity, no thing in the picture
            words = [t.word for t in ahead]
            self.words_run()
            self.out.action(subject, "do", None, " ".join(words))
            after = self.peek()
            if after is not None and after.tag == "REL" and self.peek(1) is not None and self.peek(1).tag == "WORD":
                self.i += 1  # "doing math on a blackboard": the blackboard is there; the student is not on it
                place, _ = self.noun_phrase()
                if place is not None and (
                    after.value not in {"on", "inside"} or singular_noun(place.noun.split()[-1]) in _GROUNDS | _STAGES
                ):
                    self.out.relation(subject, after.value, place)  # "doing a trick on a ramp": on the ramp
            return
        if (
            nxt is not None
            and nxt.tag == "WORD"
            and verb_lemma(token.word) in _POSTURE_VERBS
            and nxt.word not in _DETERMINERS
            and lexicon.is_adjective(nxt.word)
            and self._ends_here(self.i + 1)
            and not (self.i + 1 < len(self.tokens) and self.tokens[self.i + 1].tag == "WORD")
        ):
            # "a deer standing alert", "sitting still", "lying flat": how it stands, sits or lies (it asked "Is the
            # deer standing the alert?")
            self.i += 1
            self.out.action(subject, token.word, None)
            self.out.attribute(subject, nxt.word, "state")
            return
        if nxt is not None and nxt.tag == "WORD":
            obj, phrase = self.noun_phrase(generic=True)
            if obj is not None and verb_lemma(token.word) in _NO_OBJECT_VERBS and token.word.endswith("ing"):
                self.out.attribute(obj, token.word, "state")  # "..., glowing eyes": the eyes glow, nothing glows them
                self.last, self.last_role = obj, "object"
                return
            if obj is not None:
                self.out.action(subject, token.word, obj)
                self.last, self.last_role = obj, "object"
                return
            if phrase is not None and phrase.head in {"left", "right"}:
                self.out.action(subject, token.word, None, phrase.head)  # "looking right": which way
                self.out.checks[-1].pop("object", None)
                return
            if phrase is not None and phrase.head and phrase.head.split()[-1] in _ABSTRACT_NOUNS:
                self.out.action(subject, token.word, None)  # "in walking position": walking
                return
            if phrase is not None and phrase.head:
                words = phrase.head if not phrase.plural else _plural(singular_noun(phrase.head))
                self.out.action(subject, token.word, None, words if phrase.plural else f"{_article(words)} {words}")
                return
            if phrase is not None and not phrase.head:
                # "a man looking happy": the verb links an adjective
                for word, kind in phrase.attributes:
                    self.out.attribute(subject, word, kind)
                worn = verb_lemma(token.word) in {"wear", "dress"}
                for colour in phrase.colours:
                    self.out.colour(subject, colour, worn)
                if token.tag == "PAST" and lexicon.is_past_form(token.word) and token.word.endswith("ed"):
                    # "the right leg is angled straight back": a state it is in (it asked "Is the right leg
                    # angling?")
                    self.out.attribute(subject, token.word, "state")
                elif verb_lemma(token.word) not in {"look", "seem", "appear", "become", "turn", "get", "wear", "dress"}:
                    self.out.action(subject, token.word, None)
                return
        if nxt is not None and nxt.tag == "OBJPRON":
            obj, _ = self.noun_phrase()
            if obj is not None:
                self.out.action(subject, token.word, obj)
                return
        if verb_lemma(token.word) not in _TRANSITIVE:
            beyond = self.peek(1)
            way = (
                nxt.word
                if nxt is not None
                and nxt.tag == "ADV"
                and nxt.word in _WAYS
                and (beyond is None or beyond.tag != "WORD")  # "racing down a road": a preposition, not a way
                else None
            )
            # "the head facing down", "arms reaching upward": the way said with it ("Is the head facing?" alone
            # asked nothing); "a man wearing" alone asks nothing
            if token.tag == "PAST" and lexicon.is_past_form(token.word) and token.word.endswith("ed"):
                # "the right leg is angled straight back", "pressed back": a state it is in (it asked "Is the
                # right leg angling?")
                self.out.attribute(subject, token.word, "state")
                return
            path = self._motion_path() if way is None else None
            self.out.action(subject, token.word, None, way or path, in_picture=path is None)
            if way is not None or path is not None:
                self.out.checks[-1].pop("object", None)

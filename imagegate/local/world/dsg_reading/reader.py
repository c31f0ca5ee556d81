"""The checks as written: _Entity (one thing the prompt names), _Reader, which adds checks with their ids and
parents and words their questions (entity, count, colour, attribute, action, relation, position, text, setting,
absent), and _naming, which says which of two things of one noun a question means ("the black cat").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imagegate_service.constants import EVALUATION_RELATION_WORDS
from imagegate_service.expected_checks import gerund
from imagegate_service.geometry import DEPTH_PLANES

from .. import lexicon
from .. import vocabulary as vocab
from ..concepts import verb_lemma
from .phrases import _Phrase
from .words import (
    _BODY_PARTS,
    _FURNITURE,
    _GROUNDS,
    _HOLDING_THINGS,
    _MASS_SCENES,
    _MATERIAL_NOUNS,
    _MEDIUM_NOUNS,
    _MONOCHROME_NOUNS,
    _NUMBER_NAMES,
    _OWN_OUTSIDE,
    _OWN_PARTS,
    _PAIR_NOUNS,
    _PUT_WITH,
    _TIMES_OF_DAY,
    _WHOLE_SCENES,
    _ZERO_PLURALS,
    _article,
    _attribute_kind,
    _is_animate,
    _is_clothing,
    _is_person,
    _is_plural,
    _may_be_someone,
    _plural,
    _some,
    _text_noun_for,
    singular_noun,
)


# -- the reading ------------------------------------------------------------------------------------------
@dataclass
class _Entity:
    id: str
    noun: str  # singular, lower case (the check's subject)
    plural: bool
    name: str | None = None  # a proper name as written: questions say "Is John Lennon ...", not "the john lennon"
    label: str | None = None  # its first colour or property: "the black cat" when another cat is named too


_OBJECT_ENTITY = "_objectEntity"  # a check's object as read (its entity id), until tell_apart labels it


def _naming(check: dict, entity: _Entity, label: str, *, first: bool) -> str:
    """The check's question naming which of its noun it means ("Is the black cat above the white cat?"); the
    subject is the first "the <noun>" of the question, the object the last."""
    question = str(check["question"])
    noun = _plural(entity.noun) if entity.plural else entity.noun
    if check["kind"] == "entity":
        for bare in (f"Is there {_some(entity.noun)}?", f"Are there {_plural(entity.noun)}?"):
            if question == bare:
                named = f"{label} {noun}"
                return f"Are there {named}?" if entity.plural else f"Is there {_article(named)} {named}?"
        return question
    if (
        check["kind"] == "count"
        and question.endswith((f" {noun}?", f" {_plural(entity.noun)}?"))
        and label not in question
    ):
        head, _, last = question[:-1].rpartition(" ")
        return f"{head} {label} {last}?"  # "Are there exactly two red balls?"
    if first and label in (check.get("colour"), check.get("attribute")):
        if question.startswith(("Is one of", "Is another of", "Are some of")):
            return question
        return f"{'Are some' if entity.plural else 'Is one'} of the {_plural(entity.noun)} {label}?"
    said, told = f"the {noun}", f"the {label} {noun}"
    if not first and check.get("action") == "have" and not entity.plural:  # "Does the man have a red cup?"
        said, told = _some(entity.noun), f"{_article(f'{label} {noun}')} {label} {noun}"
    pattern = re.compile(rf"\b{re.escape(said)}\b")
    spots = list(pattern.finditer(question))
    if told in question or not spots:
        return question
    spot = spots[0] if first else spots[-1]
    return question[: spot.start()] + told + question[spot.end() :]


class _Reader:
    def __init__(self, prompt: str) -> None:
        self.prompt = prompt
        self.checks: list[dict] = []
        self.entities: list[_Entity] = []
        self.settings: set[tuple[str, str]] = set()
        self.possessions: set[str] = set()  # ids of the checks `have` made ("with a hat"), not said by a verb
        # ids of the checks `have` made of a thing put on or in its holder ("a desk with a laptop"): the thing, where
        # it is (on, inside) and the holder
        self.put_things: dict[str, tuple[_Entity, str, _Entity]] = {}
        # holders one of whose things has a place of its own ("a table with a bicycle and a scooter leaning against
        # it"): none of their things is put on or in them
        self.placed_elsewhere: set[str] = set()
        # ids of the actions that say a thing is lost ("lost its tail"): it is not in the picture
        self.losses: set[str] = set()
        self.made = 0  # checks made so far (removed ones included): the next id
        self.texts: list[str] = []

    # -- output --------------------------------------------------------------------------------------------
    def _add(self, check: dict) -> dict:
        # ids count every check ever made, so one removed later never lets a new check take a live id
        self.made += 1
        check = {"id": f"c{self.made}", **{k: v for k, v in check.items() if v is not None}}
        self.checks.append(check)
        return check

    def _ref(self, entity: _Entity) -> str:
        if entity.noun in {"someone", "somebody"}:
            return entity.noun
        if entity.name is not None:
            return entity.name
        noun = _plural(entity.noun) if entity.plural else entity.noun
        if entity.label and any(e.noun == entity.noun and e.id != entity.id for e in self.entities):
            return f"the {entity.label} {noun}"  # "a black cat above a white cat": which cat
        return f"the {noun}"

    def _be(self, entity: _Entity) -> str:
        return "Are" if entity.plural else "Is"

    def entity(self, phrase: _Phrase, *, generic: bool = False, owner: _Entity | None = None) -> _Entity:
        """The entity a noun phrase names (a definite phrase for a noun already seen is that one), with its
        count, colour and attribute checks."""
        pair = phrase.head.split()[-1] in _PAIR_NOUNS  # "leggings", "jeans": one thing, named as a plural
        noun = singular_noun(phrase.head) if phrase.plural and not pair else phrase.head
        earlier = [e for e in self.entities if e.noun == noun]
        bare = not phrase.indefinite and not phrase.colours and not phrase.attributes  # "person ... person"
        label = phrase.colours[0] if phrase.colours else phrase.attributes[0][0] if phrase.attributes else None
        # "a man holding a red cup and a woman holding a blue cup": an object told apart by its colour is another
        told_apart = bool(earlier) and phrase.indefinite and earlier[-1].label not in (None, label) and label
        if earlier and (phrase.definite or (generic and not told_apart) or bare) and phrase.count is None:
            entity = earlier[-1]
        else:
            plural = phrase.plural or (phrase.count or 1) > 1
            worn_by = (
                owner if owner is not None and _is_animate(owner.noun) and _is_clothing(noun.split()[-1]) else None
            )
            if owner is not None and worn_by is None:
                does = "Do" if owner.plural else "Does"  # "Do the surfers have surf boards?"
                question = f"{does} {self._ref(owner)} have {_plural(noun) if plural else _some(noun)}?"
            elif noun in {"someone", "somebody"}:
                question = "Is there someone?"
            elif phrase.name is not None:
                question = f"Is {phrase.name} in the image?"
            elif plural:
                question = f"Are there {_plural(noun)}?"
            else:
                question = f"Is there {_some(noun)}?"
            if earlier and label and owner is None and phrase.name is None:
                # "a black cat above a white cat": the second one is asked for by what tells it apart
                named = f"{label} {_plural(noun) if plural else noun}"
                question = f"Are there {named}?" if plural else f"Is there {_article(named)} {named}?"
            check = self._add({"kind": "entity", "subject": noun, "question": question})
            entity = _Entity(check["id"], noun, plural, phrase.name, label)
            self.entities.append(entity)
            if worn_by is not None:
                self.action(worn_by, "wear", entity)  # "his shirt is red": a thing of its own that he wears
            if phrase.count is not None and (phrase.count > 1 or (phrase.count == 1 and phrase.at_least is False)):
                # "one cat", "a single candle", "a lone tree": exactly one; "more than ten chairs": at least eleven
                self.count(entity, phrase.count, phrase.at_least is True and phrase.count > 1)
            elif phrase.at_least and not pair and not generic and (plural or noun.split()[-1] in _ZERO_PLURALS):
                # "several birds", "a few cups": a count said with a quantifier; a bare plural ("pigeons at his
                # feet") states no number, and "Are there pigeons?" already asks for them (DSG asks no count);
                # "some bread", "some furniture": a singular after it is stuff, never counted ("some sheep" are)
                self.count(entity, 2, True)
        self.colours(entity, list(dict.fromkeys(phrase.colours)), mix=not generic and not pair)
        for word, kind in dict.fromkeys(phrase.attributes):
            self.attribute(entity, word, kind)
        return entity

    def tell_apart(self) -> None:
        """Two or more things of one noun told apart by a colour or property ("a black cat above a white cat",
        "two red balls and a blue ball"): every check about one of them says which (subjectLabel, objectLabel:
        the instances that have that word), and its question names it. Without this each check is about every
        instance of the noun, which the prompt itself makes false: every cat black, every cat above every
        other, exactly two balls where three are asked for. The reading knows which cat only once the whole
        prompt is read, so this runs last."""
        labels: dict[str, str] = {}
        for noun in dict.fromkeys(e.noun for e in self.entities):
            same = [e for e in self.entities if e.noun == noun]
            named = [e for e in same if e.label]
            if len(same) > 1 and named and len({e.label for e in named}) == len(named):
                labels.update({e.id: str(e.label) for e in named})
        entities = {e.id: e for e in self.entities}
        for check in self.checks:
            object_id = check.pop(_OBJECT_ENTITY, None)
            subject = entities.get(check["id"] if check["kind"] == "entity" else check.get("parent", ""))
            if subject is not None and subject.id in labels and check.get("subject") == subject.noun:
                label = check.setdefault("subjectLabel", labels[subject.id])
                check["question"] = _naming(check, subject, label, first=True)
            obj = entities.get(object_id or "")
            if obj is not None and obj.id in labels and check.get("object") == obj.noun:
                check["objectLabel"] = labels[obj.id]
                check["question"] = _naming(check, obj, labels[obj.id], first=False)

    def count(self, entity: _Entity, number: int, at_least: bool) -> None:
        if (
            any(
                c["kind"] == "count" and c["subject"] == entity.noun and not c.get("at_least") and c["count"] > number
                for c in self.checks
            )
            and not entity.label
        ):
            return  # "Three elephants ... Two elephants are small": some of the three, not a count that contradicts
        name = _NUMBER_NAMES.get(number, str(number))
        noun = _plural(entity.noun) if number != 1 else entity.noun
        question = (
            f"Are there at least {name} {noun}?"
            if at_least
            else (f"Is there exactly one {noun}?" if number == 1 else f"Are there exactly {name} {noun}?")
        )
        self._add(
            {
                "kind": "count",
                "subject": entity.noun,
                "count": min(number, 99),
                "at_least": True if at_least else None,
                "parent": entity.id,
                "question": question,
            }
        )

    def colour(self, entity: _Entity, colour: str, worn: bool = False) -> None:
        """Its colour; `worn` when the prompt says what colour it wears ("women wearing white")."""
        question = f"{self._be(entity)} {self._ref(entity)} {'wearing ' if worn else ''}{colour}?"
        if self._ref(entity) == f"the {colour} {entity.noun}":  # the second of two cats, told apart by it
            question = f"Is one of the {_plural(entity.noun)} {colour}?"
        self._add(
            {"kind": "colour", "subject": entity.noun, "colour": colour, "parent": entity.id, "question": question}
        )

    def attribute(self, entity: _Entity, word: str, kind: str) -> None:
        if word in _TIMES_OF_DAY and word in vocab.LIGHT_WORDS:
            self.setting("light", word)  # "the night sky": "Is it night in the image?", not "Is the sky night?"
            return
        if any(c.get("attribute") == word and c.get("parent") == entity.id for c in self.checks):
            return
        last = word.split()[-1]
        if kind == "material" and (last in _MATERIAL_NOUNS or _attribute_kind(last) is None):
            # a material named by a noun ("glass", "ice cubes", "bananas"): made of it; "wooden" is said as is
            question = f"{self._be(entity)} {self._ref(entity)} made of {word}?"
        else:
            question = f"{self._be(entity)} {self._ref(entity)} {word}?"
        if self._ref(entity) == f"the {word} {entity.noun}":  # "a tall vase and a short vase": one is short
            question = f"Is one of the {_plural(entity.noun)} {word}?"
        self._add(
            {
                "kind": "attribute",
                "subject": entity.noun,
                "attribute": word[:64],
                "attributeKind": kind,
                "parent": entity.id,
                "question": question,
            }
        )

    def action(
        self, entity: _Entity, verb: str, obj: _Entity | None, obj_words: str | None = None, *, in_picture: bool = True
    ) -> None:
        """An action, with what it acts on; `in_picture` False when what it makes is not a thing in the picture
        ("taking photos": the photos are not drawn, so the check names no object to look for)."""
        # a base form stays as it is ("feed" shared from "feeding a cat and a dog" is not "fe")
        lemmas = lexicon.verb_lemmas(verb)
        lemma_ = verb if verb in lemmas else verb_lemma(verb)
        if lemmas and lemma_ not in lemmas:
            # an irregular participle ("drawn" is draw: "Is it drawning?" before, "hidden" hide) or a dropped e
            # the suffix rule cannot see ("arranging" is arrange, not "arrang")
            lemma_ = lemmas[0]
        if lemma_ == "contain" and obj is not None and obj is not entity:
            self.relation(obj, "inside", entity)  # "a glass cube containing a maple leaf": the leaf is inside it
            return
        holder = singular_noun(entity.noun.split()[-1])
        placed = _HOLDING_THINGS.get(holder)
        held = (
            lemma_ == "hold"
            and obj is not None
            and obj is not entity
            and placed is not None
            and not _may_be_someone(entity.noun)
            and singular_noun(obj.noun.split()[-1]) not in _OWN_PARTS | _OWN_OUTSIDE
        )
        if lemma_ in {"be", "have", "see", "show", "feature", "depict", "contain", "include"} or (
            lemma_ == "do" and obj is None and not obj_words
        ):  # "doing a trick" is what one does ("do" alone says nothing)
            return
        target = None
        if obj is not None:
            target = self._ref(obj) if obj_words is None else obj_words
        elif obj_words:
            target = obj_words
        ing = gerund(lemma_)
        doubled = f"{lemma_}{lemma_[-1:]}"
        if (
            lemma_.endswith(("rol", "pel", "xcel"))  # "controlling", "propelling" (but "traveling", "labeling")
            if lemma_.endswith("l")
            else (
                lemma_[-1:] not in set("aeiouwxy")
                and lemma_ in lexicon.verb_lemmas(f"{doubled}ed")
                and lemma_ not in lexicon.verb_lemmas(f"{lemma_}ed")  # "targeted", "visited": no doubling
            )
        ):
            ing = f"{doubled}ing"  # "propelled", "controlled": the consonant doubles in -ing too
        question = f"{self._be(entity)} {self._ref(entity)} {ing}{' ' + target if target else ''}?"
        if lemma_ == "lose" and target and verb in {"lost", "loses"}:
            # "a lizard that just lost its tail": what it has lost is gone ("Is the lizard losing the tail?" asked
            # a loss in progress; "a tree losing its leaves" still has them, falling)
            question = f"{'Have' if entity.plural else 'Has'} {self._ref(entity)} lost {target}?"
            self.losses.add(f"c{self.made + 1}")
        if held:
            # "a vase holding sunflowers", "a tray holding three cups": they are in or on it (it asked "Is the vase
            # holding the sunflowers?"); a thing that holds things does not act. Asked so when the reading ends
            # (place_put_things), so that a list after it ("holding roses and lilies") is held, as before, and put
            self.put_things[f"c{self.made + 1}"] = (obj, placed, entity)
        self._add(
            {
                "kind": "action",
                "subject": entity.noun,
                "action": lemma_,
                "object": (
                    obj.noun
                    if obj is not None
                    else (singular_noun(obj_words.split()[-1]) if obj_words and in_picture else None)
                ),
                "parent": entity.id,
                "question": question,
                _OBJECT_ENTITY: obj.id if obj is not None else None,
            }
        )

    def colours(self, entity: _Entity, colours: list[str], *, worn: bool = False, mix: bool = True) -> None:
        """Its colours. Several things of one noun in several colours ("red and yellow balloons", "three squares in
        blue, red and white") are a mix (or each of all): asked of the ones with each colour, never "are the
        balloons red?" and "are the balloons yellow?", which no mix passes; a person in colours wears them."""
        if sorted(colours) == ["black", "white"] and singular_noun(entity.noun.split()[-1]) in _MONOCHROME_NOUNS:
            self.attribute(entity, "black and white", "other")  # "black and white photos": each is monochrome
            return
        if mix and entity.plural and len(colours) > 1 and not _is_animate(entity.noun):
            self.one_and_the_other(entity, *colours)
            return
        for colour in colours:
            self.colour(entity, colour, worn)

    def one_and_the_other(self, group: _Entity, first: str, *others: str) -> None:
        """ "two dogs, one black and one white", "three squares in blue, red and white": one of them is each colour,
        so each colour is asked of the instances that have it (subjectLabel), never of every dog (which would ask
        each dog to be both)."""
        self.one_and_the_other_property(group, [(first, "colour")], [(other, "colour") for other in others])

    def one_and_the_other_property(
        self, group: _Entity, first: list[tuple[str, str]], second: list[tuple[str, str]]
    ) -> None:
        """ "two robots, one rusty and the other shiny", "two cats, one black and the other fluffy": each property
        (a colour, kind "colour", or any other) asked of the instance that has it, never of every robot."""
        for props, which in ((first, "one"), (second, "another")):
            for word, kind in props:
                said = {"colour": word} if kind == "colour" else {"attribute": word, "attributeKind": kind}
                self._add(
                    {
                        "kind": "colour" if kind == "colour" else "attribute",
                        "subject": group.noun,
                        **said,
                        "subjectLabel": word,
                        "parent": group.id,
                        "question": f"Is {which} of {self._ref(group)} {word}?",
                    }
                )

    def likeness(self, entity: _Entity, noun: str) -> None:
        """ "a lamp that looks like a mushroom": how the lamp looks, one property of it; the mushroom is no thing
        in the picture (asking "Is there a mushroom?" would pass an image with a real one beside the lamp)."""
        plural = _is_plural(noun)
        like = f"like {noun}" if plural else f"like {_article(noun)} {noun}"
        self._add(
            {
                "kind": "attribute",
                "subject": entity.noun,
                "attribute": like[:64],
                "attributeKind": "shape",
                "parent": entity.id,
                "question": f"{'Do' if entity.plural else 'Does'} {self._ref(entity)} look {like}?",
            }
        )

    def have(self, owner: _Entity, thing: _Entity, *, put: bool = False) -> None:
        """ "a man with a hat", "the tower has a clock": the action have (possession; DSG files it under
        relations), asked as English asks it. Someone's garment is worn ("his shirt is red": Is the boy wearing
        the shirt?). `put`: said with "with" and no place of its own, so a thing with a place for things puts it
        there ("a desk with a laptop": Is the laptop on the desk?)."""
        if _is_animate(owner.noun) and _is_clothing(thing.noun.split()[-1]):
            self.action(owner, "wear", thing)
            self.possessions.add(self.checks[-1]["id"])
            return
        if any(
            c["kind"] == "action" and c.get("parent") == owner.id and c.get("object") == thing.noun for c in self.checks
        ):
            return
        owner_word, thing_word = singular_noun(owner.noun.split()[-1]), singular_noun(thing.noun.split()[-1])
        if thing_word in _BODY_PARTS and (owner_word in _BODY_PARTS or owner_word in _GROUNDS):
            # "bent at the elbow with hands resting on the sides", "on the floor with legs forward": the limbs are
            # the person's, said with "with" after where a pose is; no elbow has hands, no floor has legs
            return
        placed = _PUT_WITH.get(owner_word)
        if (
            put
            and placed is not None
            and thing_word not in _OWN_PARTS
            and thing_word not in _OWN_OUTSIDE
            and not (placed == "on" and thing_word in _FURNITURE)
            and not _is_person(thing.noun)  # "a table with another person": at it, not on it
        ):
            # "a desk with a laptop": the laptop is on the desk (what the picture shows, and what annotators ask),
            # not a desk having it; asked so when the reading ends (place_put_things), so that a list after it
            # ("with a laptop, three cups and a lamp") is read as things had, as before, and put there too
            self.put_things[f"c{self.made + 1}"] = (thing, placed, owner)
        what = _plural(thing.noun) if thing.plural else _some(thing.noun)
        self.possessions.add(f"c{self.made + 1}")  # the id _add gives it
        self._add(
            {
                "kind": "action",
                "subject": owner.noun,
                "action": "have",
                "object": thing.noun,
                "parent": owner.id,
                "question": f"{'Do' if owner.plural else 'Does'} {self._ref(owner)} have {what}?",
                _OBJECT_ENTITY: thing.id,
            }
        )

    def place_put_things(self) -> None:
        """Each having of a thing put on or in its holder, asked as where it is, in its place among the checks
        ("Does the desk have a laptop?" -> "Is the laptop on the desk?"). Not when the prompt says where one of a
        holder's things is ("a table with a dog sitting beside it", "a plate with a fork and a knife beside it"):
        the having stays, and the place said is asked."""
        placed_elsewhere = self.placed_elsewhere | {
            holder.id
            for thing, _, holder in self.put_things.values()
            if any(
                c["kind"] == "relation"
                and (
                    c.get("parent") == thing.id
                    # "a plate with cookies and a glass of milk next to it": the plate's place, said of the glass
                    or (c.get("parent") == holder.id and c.get("object") == thing.noun)
                )
                for c in self.checks
            )
        }
        for check_id, (thing, placed, holder) in self.put_things.items():
            if holder.id in placed_elsewhere:
                continue
            at = next((k for k, c in enumerate(self.checks) if c["id"] == check_id), None)
            if at is None:
                continue
            end = len(self.checks)
            self.relation(thing, placed, holder)
            made = self.checks[end:]
            del self.checks[end:]
            self.checks[at : at + 1] = made

    def relation(self, subject: _Entity, relation: str, obj: _Entity, obj2: _Entity | None = None) -> None:
        if obj is subject or obj2 is subject:
            return
        words = EVALUATION_RELATION_WORDS[relation]
        if relation == "between" and obj2 is not None and obj2 is not obj:
            target = f"{self._ref(obj)} and {self._ref(obj2)}"
        else:
            target = self._ref(obj)
        if target == self._ref(subject) and not subject.plural and obj2 is None:
            self.beside_another(subject, relation)  # "a dog next to a dog": no word tells them apart
            return
        question = f"{self._be(subject)} {self._ref(subject)} {words} {target}?"
        self._add(
            {
                "kind": "relation",
                "subject": subject.noun,
                "relation": relation,
                "object": obj.noun,
                "object2": obj2.noun if obj2 is not None and relation == "between" else None,
                "parent": subject.id,
                "question": question,
                _OBJECT_ENTITY: obj.id,
            }
        )

    def beside_another(self, entity: _Entity, relation: str) -> None:
        """ "chair next to chair", "a truck behind a truck": one of the noun placed by another of it, asked of any
        two of them (no label tells which is which: the ground truth cannot decide it, and says so); that there
        are two of them, the world can decide."""
        noun = entity.noun
        # "one apple on top of another apple": two apples, whatever "one" said of the first
        self.checks = [
            c
            for c in self.checks
            if not (c["kind"] == "count" and c.get("parent") == entity.id and int(c.get("count", 0)) < 2)
        ]
        if not any(c["kind"] == "count" and c.get("parent") == entity.id for c in self.checks):
            self.count(entity, 2, True)
        self._add(
            {
                "kind": "relation",
                "subject": noun,
                "relation": relation,
                "object": noun,
                "object2": None,
                "parent": entity.id,
                "question": f"Is {_article(noun)} {noun} {EVALUATION_RELATION_WORDS[relation]} another {noun}?",
            }
        )

    def position(self, entity: _Entity, where: str) -> None:
        if " " in where:  # "in the top right": two regions, one check each (the contract's position is one)
            for part in where.split():
                self.position(entity, part)
            return
        self._add(
            {
                "kind": "position",
                "subject": entity.noun,
                "position": where,
                "parent": entity.id,
                "question": f"{self._be(entity)} {self._ref(entity)} in the {where}?"
                if where in DEPTH_PLANES
                else f"{self._be(entity)} {self._ref(entity)} "
                f"{'in' if where == 'center' else 'at' if where in {'top', 'bottom'} else 'on'} the {where} of the image?",
            }
        )

    def text(self, text: str, carrier: _Entity | None, noun: str = "text") -> dict | None:
        """Quoted text: on the thing that carries it ("a sign that says 'OPEN'"), or as the text noun that names
        it ("the word 'DRAW'"), else as text in the image. Returns the check (None: the text was asked already)."""
        if not text.strip() or text.lower() in (t.lower() for t in self.texts):
            return None
        self.texts.append(text)
        said_as = _text_noun_for(noun, text)
        if carrier is not None:
            question = f'{"Do" if carrier.plural else "Does"} {self._ref(carrier)} say "{text}"?'
        elif noun != "text":
            question = f'Does the image show the {said_as} "{text}"?'
        else:
            question = f'Does the image show the text "{text}"?'
        return self._add(
            {
                "kind": "text",
                "subject": carrier.noun if carrier is not None else noun,
                "text": text[:200],
                "parent": carrier.id if carrier is not None else None,
                "question": question,
            }
        )

    def text_property(
        self, shown: dict, noun: str, kind: str, value: str, *, how: str = "", article: bool = False
    ) -> None:
        """What the letters themselves are ("the word 'broken' made from glass", "'HAPPY 30TH' written in blue
        icing", "in flowing cursive", "3-d letters 'dessert'"): a property of the text, asked of it by its noun
        ("Is the word "broken" made of glass?"; `how` the words before the value, none for an adjective: "Are the
        letters "dessert" 3-d?"), under the check that asks for the text."""
        noun = _text_noun_for(noun, shown["text"])
        be = "Are" if noun in {"words", "letters", "texts"} else "Is"
        said = f'the {noun} "{shown["text"]}"'
        if kind == "colour":
            question, fields = f"{be} {said} {value}?", {"kind": "colour", "colour": value}
        else:
            question = f"{be} {said} {f'{how} ' if how else ''}{f'{_article(value)} ' if article else ''}{value}?"
            fields = {"kind": "attribute", "attribute": value[:64], "attributeKind": kind}
        if any(c.get("question") == question for c in self.checks):
            return
        # the subject names the text itself ("word", "text"), never a noun that may be a thing ("a red letter" on a
        # desk is mail): the world answers a property of written text as undecidable, and only that
        subject = singular_noun(noun) if singular_noun(noun) in {"word", "text", "lettering", "writing"} else "text"
        self._add({**fields, "subject": subject, "parent": shown["id"], "question": question})

    def setting(self, kind: str, word: str, question: str | None = None) -> None:
        if (kind, word) in self.settings or (kind == "light" and any(k == kind for k, _ in self.settings)):
            return
        self.settings.add((kind, word))
        if question is None:
            if kind == "scene":
                if word in _MASS_SCENES:
                    question = f"{'Are' if _is_plural(word) else 'Is'} there {word} in the image?"
                elif word in _WHOLE_SCENES:
                    question = f"Is the scene {word}?"
                else:
                    question = f"Is the scene {_article(word)} {word}?"
            elif kind == "light":
                if word.endswith("y") or word in {"dark", "dim", "bright", "moonlit", "overcast"}:
                    question = f"Is the scene {word}?"
                else:
                    question = f"Is it {word} in the image?"
            else:
                question = (
                    f"Is the image {word}?"  # a mass noun: "Is the image footage?"
                    if word == "footage"
                    else f"Is the image {_article(word)} {word}?"
                    if word in _MEDIUM_NOUNS
                    else (f"Is the image in {_article(word)} {word} style?")
                )
        self._add({"kind": kind, "subject": word[:64], "setting": word[:64], "question": question})

    def scene_colour(self, scene: str, colour: str) -> None:
        """The colour (or another property) of a scene that is matter ("a blue sky", "the sand is white", "the
        clouds are fluffy"): asked as the backdrop's is."""
        self.setting("scene", f"{colour} {scene}", f"{'Are' if _is_plural(scene) else 'Is'} the {scene} {colour}?")

    def absent(self, phrase: _Phrase) -> None:
        noun = singular_noun(phrase.head) if phrase.plural else phrase.head
        self._add({"kind": "absent", "subject": noun, "question": f"Is there no {noun} in the image?"})

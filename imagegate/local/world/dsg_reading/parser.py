"""The independent evaluator's reading of a prompt: text -> DSG-style yes/no checks (check contract v2).

An evaluator is independent only if it reads the prompt for itself. So this module is its own parser, written
apart from the judge's chunker (reading.py) and the generator's parse (scene.py), and imports neither (a test
walks its imports). What it shares with them is English: the world's word meanings (concepts.py: lemma,
singular and plural, verb lemma; vocabulary.py: colour, number, scene, light and style words), as a real
evaluator and a real image model share a language without sharing code.

How it reads (a small chunk grammar over tokens, Davidsonian Scene Graph style, Cho et al. arXiv 2310.18235):
- quoted text (double, curly or single quotes) is cut out first: a text check on the noun that carries it;
- the rest is tagged word by word: determiners, numbers, quantifiers, negators, relation phrases (longest
  first: "on the bottom of" = below, "on (the) side of" = next to, "in front of", "between X and Y", ...),
  other prepositions, copulas, pronouns and verbs (an "-ing" form, a third-person "-s" or a past "-ed" after a
  noun phrase: an action, never an object, so "the blanket contrasted" asks for no "contrasted" and
  "taking photos" is the action take with object photo);
- runs of the remaining words are noun phrases: the last word is the head, noun-like words right before it
  are kept with it ("laptop bag", "pencil holder", "Rubik's cube": one thing), the words before that are
  colours, attributes (each with its kind from ATTRIBUTE_KINDS, general English) or counts;
- a colour of a background ("a white cat on a blue background") belongs to the backdrop (a scene check),
  never to the object in front of it; scene, light and style words give image-wide checks.
Children (count, colour, attribute, action, position, relation, text on a noun) name their subject's entity
check as parent; entity, scene, light, style and absent checks have none.

Word lists here are general English (what a dictionary says a word is), not any benchmark's vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from imagegate_service.constants import EVALUATION_RELATION_WORDS
from imagegate_service.expected_checks import gerund
from imagegate_service.geometry import DEPTH_PLANES

from .. import lexicon
from .. import vocabulary as vocab
from ..concepts import FRAMING_NOUNS, ING_NOUNS, QUALITY_WORDS, TASTE_WORDS, colour_name, verb_lemma
from ..concepts import plural as _plural_of
from ..concepts import singular as _concept_singular

__all__ = ["ATTRIBUTE_KINDS", "MAX_CHECKS", "checks_from_prompt", "read_prompt", "singular_noun"]

MAX_CHECKS = 30  # the evaluation checks schema's maxItems
MAX_WORD_CHARS = 40


def _words(text: str) -> list[str]:
    """A word list written compactly: entries separated by commas when any has a space, else by whitespace."""
    if "," in text:
        return [" ".join(entry.split()) for entry in text.split(",") if entry.strip()]
    return text.split()


# -- general English word classes --------------------------------------------------------------------------
_MATERIAL_NOUNS = frozenset(
    _words(
        """
        wood metal steel iron copper bronze brass aluminum aluminium tin glass paper cardboard leather cotton wool
        silk velvet denim linen lace stone brick concrete marble granite clay porcelain rubber straw wicker bamboo
        crystal wax fabric ice chrome plaster cloth felt yarn twine rope resin ivory bone jade sand cork tile
        slate terracotta ceramic mahogany teak obsidian pewter silver gold platinum fur suede tweed satin nylon
        polyester vinyl chiffon burlap enamel
        """
    )
)
# Of those, what clothes are made of: "a man in denim" wears it.
_FABRICS = frozenset(
    _words("denim leather silk velvet lace wool cotton linen satin suede tweed fur chiffon nylon polyester")
)
# Endings of nouns for people ("actress", "dancer", "sailor", "florist", "fireman"): they wear a fabric, never are
# made of it.
_PERSON_ENDINGS = ("ess", "er", "or", "ist", "man", "woman", "men", "women", "ian", "ant", "ent")
_PEOPLE = frozenset(_words("man woman girl boy person child kid lady guy people artist student teacher chef"))
# Peoples' adjectives the dictionary lacks ("a Greek marble statue"), and the times of day a noun can name ("a
# sunset beach", "the night sky": the picture's light, not a property of the thing).
_PEOPLES = frozenset(_words("greek french dutch swiss thai irish welsh scottish"))
_TIMES_OF_DAY = frozenset(_words("night sunset sunrise dawn dusk evening morning midnight twilight daytime noon"))


# Things whose middle is on them, not in them ("in the middle of a table": on it).
_SURFACES = frozenset(
    _words(
        """
        table desk counter countertop plate tray platter shelf bed rug carpet lawn floor ground road street page
        bridge stage cake sign board roof
        """
    )
)


def _said_middle_of(tokens: list[_Token], k: int) -> bool:
    """Was the relation at k said as "in the middle / center of" (its first word, the rest read as one phrase)?"""
    return any(t.word in {"middle", "center", "centre"} for t in tokens[k + 1 : k + 3])


def _text_noun_for(noun: str, text: str) -> str:
    """The text noun as the text needs it: "the words 'HAPPY 30TH MAYA'", "the letters 'fuzzy'" (the reader keeps
    a text noun singular), "the word 'DRAW'", "the letter 'b'"."""
    if (noun == "word" and " " in text.strip()) or (noun == "letter" and len(text.strip()) > 1):
        return f"{noun}s"
    return noun


def _is_wood(word: str) -> bool:
    """A timber named by its tree ("rosewood", "pearwood", "teakwood", "driftwood"): a material, as "wood" is."""
    return len(word) > 6 and word.endswith("wood") and word.isalpha() and word not in {"hollywood", "bollywood"}


def _names_text(noun: str) -> bool:
    """Does the noun name written text ("the lowercase letter", "a caption")?"""
    return bool(noun.split()) and singular_noun(noun.split()[-1]) in {singular_noun(w) for w in _TEXT_NOUNS}


def _is_person(noun: str) -> bool:
    """One who can paint or draw: a person's noun ("a woman", "a painter"), not a cat."""
    last = noun.split()[-1]
    return _is_animate(noun) and (last.endswith(_PERSON_ENDINGS) or last in _PEOPLE)


ATTRIBUTE_KINDS: dict[str, str] = {
    **{w: "material" for w in _MATERIAL_NOUNS},
    **{
        w: "material"
        for w in _words(
            """
            wooden metallic woolen woollen plastic ceramic knitted leathern earthen golden silken glassy stony
            marbled crocheted woven
            """
        )
    },
    **{
        w: "texture"
        for w in _words(
            """
            fluffy furry hairy fuzzy smooth rough soft hard shiny glossy matte silky bumpy spiky scaly feathery
            velvety woolly grainy wrinkled wrinkly striped stripy spotted spotty dotted checkered checked plaid
            glittery sparkly sparkling transparent translucent slimy sticky textured polished shaggy prickly
            slippery greasy sleek coarse patterned speckled glossy gritty crinkled
            """
        )
    },
    **{
        w: "shape"
        for w in _words(
            """
            round circular square rectangular triangular oval spherical cubic cylindrical conical curved straight
            flat pointed pointy hexagonal octagonal crescent wavy spiral twisted curly angular rounded symmetrical
            jagged zigzag domed arched tapered diagonal vertical horizontal
            """
        )
    },
    **{
        w: "size"
        for w in _words(
            """
            big large huge giant gigantic enormous massive small little tiny miniature mini tall short long wide
            narrow thin thick fat skinny slim deep shallow oversized petite colossal towering vast compact chubby
            immense minuscule lanky stubby
            """
        )
    },
    **{
        w: "state"
        for w in _words(
            """
            broken cracked open opened closed shut empty full wet dry dirty clean melting melted frozen burning
            burnt burned lit unlit ripe rotten fresh sliced cut peeled cooked raw boiled fried baked folded crumpled
            torn ripped bent tilted asleep awake alive dead rusty rusted dusty muddy messy tidy worn abandoned
            flooded damaged destroyed glowing shining floating hanging stacked scattered tied wrapped covered parked
            blooming wilted withered fallen smiling laughing crying happy sad angry tired hungry naked bare leafless
            frosted inflated deflated spilled overflowing steaming smoking tangled knotted upside-down sleeping
            sitting standing lying running flying swimming kneeling crouching leaning resting waiting sunken upright
            submerged flipped crushed bloody hollow stuffed loaded packed half-eaten eaten unopened sealed filled
            mid-air midair airborne
            """
        )
    },
    **{
        w: "other"
        for w in _words(
            """
            old young new ancient modern vintage antique futuristic retro wild domestic fancy plain simple cute ugly
            scary funny silly friendly fierce proud lonely busy quiet noisy loud calm strange weird magical
            mysterious famous expensive cheap rich poor real fake toy wise sleepy lazy healthy sick hot cold warm
            cool heavy light bright dark pale colorful colourful multicolored multicoloured rainbow neon pastel
            vibrant translucent electric digital mechanical robotic giant baby adult male female elderly tropical
            exotic medieval gothic victorian rustic cozy cosy spooky creepy shabby luxurious ornate decorative
            traditional cartoonish realistic abstract surreal barefoot bald bearded blonde blond masked hooded
            winged horned different similar assorted
            """
        )
    },
}
# Words that say which one ("the right arm", "the front wheel"): part of the noun, not a property of it.
_WHICH_ONE = frozenset({"left", "right", "front", "back", "upper", "lower", "inner", "outer", "rear"})
# Nouns in -ing beyond concepts.ING_NOUNS (general English: a thing, not an action).
_ING_NOUNS = ING_NOUNS | frozenset(
    {"lighting", "shading", "rendering", "engraving", "etching", "siding", "wiring", "seating", "flooring"}
    | {"housing", "packaging", "framing", "lettering", "writing", "casing", "clothing", "bedding", "railing"}
)
for _word, _kind in (("giant", "size"), ("light", "other"), ("translucent", "texture")):
    ATTRIBUTE_KINDS[_word] = _kind  # a word listed twice above: this is its kind
_ADJECTIVE_SUFFIXES = tuple(
    _words(
        """
    ful ous less ive able ible ish ical ial ual onal ic -shaped
    """
    )
)
_NOT_ADJECTIVES = frozenset(
    _words(
        """
        olive detective locomotive cable table vegetable fable stable music traffic republic clinic mosaic topic
        garlic picnic logic comic graphic mechanic critic relic tunic attic arsenic fabric rubric lyric cleric
        heretic mimic tonic panic public
        """
    )
)
# Abstract nouns that name no thing in a picture (general English): never an entity.
_ABSTRACT_NOUNS = frozenset(
    _words(
        """
        air wind breeze depth aesthetic aesthetics perspective focus level position direction angle degree degrees
        distance shape size amount height width length version type kind sort concept idea vector element elements
        aspect aspects manner fashion way quality resolution detail details style mood atmosphere theme motif
        pattern design look feel vibe color colour colors colours gaze weight balance posture stance pose
        function purpose meaning reason happiness sadness power vengeance freedom peace hope fear justice truth
        success knowledge wisdom chaos dimension finish time times poverty wealth beauty glory courage solitude
        genre symmetry proportion proportions harmony emotion emotions
        """
    )
)
_DETERMINERS = frozenset(
    _words(
        """
        a an the this that these those its his her their our my your another each every any other others
        more less most least
        """
    )
)
_DEFINITE = frozenset(["the", "this", "that", "these", "those", "its", "his", "her", "their", "our", "my", "your"])
# what opens a noun phrase and nothing else ("that" and "this" open clauses too)
_ARTICLES_AND_POSSESSIVES = frozenset(["a", "an", "the", "his", "her", "their", "its", "my", "our", "your"])
_POSSESSIVES = _ARTICLES_AND_POSSESSIVES - {"a", "an", "the"}  # "his", "her", "their", "its", "my", "our", "your"
_ORDINALS = frozenset(_words("first second third fourth fifth sixth last"))
_QUANTIFIERS = frozenset(["some", "several", "many", "few", "multiple", "numerous", "various", "lots", "plenty"])
_EXTRA_NUMBERS = {
    "eleven": 11,
    "twelve": 12,
    "dozen": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
_NUMBERS = {
    **{k: v for k, v in vocab.NUMBER_WORDS.items() if k not in {"a", "an"}},
    **_EXTRA_NUMBERS,
    "lone": 1,
    "single": 1,
}
_NUMBER_NAMES = {v: k for k, v in _EXTRA_NUMBERS.items() if k != "dozen"} | dict(vocab.NUMBER_NAMES)
_NEGATORS = frozenset({"no", "without", "not", "never", "none"})
_COPULAS = frozenset(
    ["is", "are", "was", "were", "be", "been", "being", "am", "seems", "seem", "looks", "look", "appears", "appear"]
)
_AUXILIARIES = frozenset(
    [
        *["can", "could", "will", "would", "should", "may", "might", "must", "do", "does", "did", "has", "have"],
        "had",
        # negated forms ("the trophy doesn't fit"): the verb follows, never a thing called "fit"
        *_words("doesn't don't didn't can't cannot won't wouldn't couldn't shouldn't isn't aren't wasn't weren't"),
    ]
)
_SUBJECT_PRONOUNS = frozenset(["he", "she", "it", "they", "we", "i", "you"])
# Pronouns that name no particular thing ("something shiny", "nothing on the table"): never a thing to ask about.
_NO_THING = frozenset(_words("something anything nothing everything thee thou"))  # "thee", "thou": old pronouns
_OBJECT_PRONOUNS = frozenset(["him", "her", "it", "them", "him", "itself", "themselves"])
_RELATIVES = frozenset({"that", "which", "who", "whose", "where"})
_CONJUNCTIONS = frozenset(
    {"and", "or", "but", "while", "whilst", "plus", "nor", "yet", "then", "also", "because", "although", "though"}
)
_ADVERBS = frozenset(
    _words(
        """
        very really quite so too just also almost nearly slightly partly partially fully completely totally here
        there now still even only exactly clearly both all together alone up down out away back forward forwards
        further farther backward backwards inward inwards outward outwards around outside outdoors apart downhill
        uphill upstairs downstairs overhead ahead sideways upward upwards downward downwards instead again once twice
        """
    )
)
_OTHER_PREPOSITIONS = frozenset(
    _words(
        """
        of with for from at by to into onto through across around along against among amid during about like as
        toward than towards via per past beyond upon off out over after before
        """
    )
)
_POSSESSION_VERBS = frozenset({"has", "have", "had", "having", "with"})
_TEXT_VERBS = frozenset(
    _words(
        """
        says say saying said reads read reading written writes writing labeled labelled titled spelling spells
        spelled displays displaying shows showing
        """
    )
)
_TEXT_NOUNS = frozenset(
    _words(
        """
        text word words writing caption label title letters lettering slogan phrase message inscription name
        quote sentence
        """
    )
)
# Nouns for what a picture is (a medium), asked as the image's style: "a painting of a fox".
_MEDIUM_NOUNS = frozenset(
    [
        "photo",
        "photograph",
        "photoshoot",
        "painting",
        "drawing",
        "illustration",
        "sketch",
        "rendering",
        "render",
        "cartoon",
        "poster",
        "artwork",
        "animation",
        "portrait",
        "collage",
        "caricature",
        "snapshot",
        "footage",
        "engraving",
        "etching",
        "woodcut",
        "mural",
        "pic",
    ]
)
# Words that make "X art of ..." a style of the picture ("pixel art of a fox"), not a thing made on something
# ("latte art of a swan", "chalk art of a dragon" are things in the picture).
_ART_STYLES = frozenset(
    _words("pixel concept fan ascii digital line pop abstract fine vector voxel clip graffiti street album cover")
)
# Nouns that, with a modifier, name how a picture is made ("concept art", "digital painting").
_ART_NOUNS = frozenset({"art", "painting", "illustration", "photography", "drawing", "sketch", "render", "rendering"})
# Verbs that take no object (general English): "glowing eyes", "sparkling chaos magic" after a noun are the
# noun's own state, never the subject glowing them ("Is the cat glowing the eyes?"). Narrower than _PROCESS_VERBS
# (what a thing does by itself), some of which also take an object ("rolling dice", "burning leaves").
_NO_OBJECT_VERBS = frozenset(
    _words("glow shine sparkle shimmer glitter twinkle gleam glisten flicker swirl drift float fall dangle sway")
)
# Which way a verb of turning, facing or reaching goes, said right after it ("facing down", "looking upward")
_WAYS = frozenset(_words("up down upward upwards downward downwards forward forwards backward backwards sideways"))
# Verbs whose past participle is spelt as the verb ("cut", "set"): after a thing that cannot act, it is the participle
_SAME_PARTICIPLE_VERBS = frozenset(_words("cut put set split spread shut"))
# Nouns of a surface's look ("a floral pattern", "a glossy finish"): their words describe the thing that has them.
_LOOK_NOUNS = frozenset(_words("pattern print design motif finish"))
# Pictures that are "black and white" as a whole (monochrome), not some black and some white
_MONOCHROME_NOUNS = frozenset(
    _words("photo photograph picture image film movie print drawing sketch poster illustration portrait tv television")
)
# How text is written ("in a fancy font", "in modern calligraphy"): the text's look, no thing in the picture.
_LETTERFORMS = frozenset(_words("font fonts typeface typefaces calligraphy handwriting cursive sans serif"))
# What letters are written with, named bare after a quote ("'Ethics 101' in chalk", "'danger' in red spray paint"):
# the letters' stuff; with an article it is a place ("'OPEN' in the window").
_WRITING_MEDIA = frozenset(
    _words("chalk ink paint spray crayon crayons marker markers pencil icing frosting neon graffiti lipstick glitter")
)
# What a thing is "in" without being inside a thing ("in the air", "in the rain", "in a fancy font"): no
# containment to check.
_AMBIENT = (
    frozenset(
        _words(
            "air rain wind breeze mist haze distance shade darkness sunshine flight motion action love focus silhouette"
        )
    )
    | _LETTERFORMS
)
# Words for how a picture is taken (general photography): "a wide lens shot", "an aerial view" (not "a tequila shot").
_CAMERA_WORDS = frozenset(
    _words(
        """
        close-up closeup close up wide long medium full extreme aerial drone panoramic panorama studio macro lens
        angle wide-angle low-angle high-angle low high overhead top side front back rear zenith establishing tracking
        bird's-eye fisheye telephoto portrait candid action street
        """
    )
)
# Words for how a picture looks (general): "an aerial photo", "a vintage photo", "an abstract painting".
_LOOK_WORDS = _CAMERA_WORDS | frozenset(
    _words(
        """
        vintage old retro antique sepia monochrome monochromatic grainy blurry blurred sharp faded abstract digital
        realistic photorealistic hyperrealistic surreal minimalist minimal impressionist expressionist cubist
        watercolor watercolour oil acrylic charcoal pencil ink pastel matte glossy polaroid analog analogue film
        3d 3-d 2d isometric flat cartoon official professional amateur
        """
    )
)
# Words before a medium that say nothing of how the picture looks ("a famous painting", "a small photo").
_NOT_LOOKS = frozenset(
    _words(
        """
        famous beautiful pretty cute lovely nice good great amazing awesome stunning gorgeous happy sad funny
        cheap expensive rare new favorite favourite best worst single whole entire other same different
        """
    )
)
# Of those, the ones that say how a thing is ("in the air", "in flight", "in the distance"): asked as its state.
_AMBIENT_STATES = frozenset(_words("air distance shade darkness flight motion silhouette"))
_BACKDROP_NOUNS = frozenset({"background", "backdrop"})
_CLOTHING = frozenset(
    _words(
        """
        shirt t-shirt suit dress skirt hat cap coat jacket sweater hoodie uniform costume pajamas pyjamas armor
        armour scarf glove gloves boots shoes sneakers jeans pants trousers shorts robe gown tuxedo helmet mask
        apron vest cloak kimono bikini swimsuit sunglasses glasses tie jersey blouse overalls parka leggings
        sandals mittens beanie bonnet turban veil sweatshirt raincoat tracksuit headband bandana visor cardigan hoody
        poncho sari
        """
    )
)
_CLOTHING_ENDINGS = ("coat", "shirt", "dress", "suit", "hat", "cap", "jacket", "wear", "jersey", "boots", "shoes")


def _is_clothing(word: str) -> bool:
    """Something worn: listed ("hat", "hats") or a compound ending in a garment ("raincoat", "sweatshirt")."""
    singular = singular_noun(word)
    if word == "glass":
        return False  # "milk in a glass": a glass holds it; "glasses" are worn
    return (
        word in _CLOTHING
        or singular in _CLOTHING
        or _plural(singular) in _CLOTHING  # "boot", "shoe", "sandal": listed by their plurals
        or (len(word) > 5 and singular.endswith(_CLOTHING_ENDINGS))
    )


# Who has no hands to hold with: an animal has a thing ("a horse with a lantern"), it does not hold it.
_NO_HANDS = frozenset(
    _words(
        """
        cat dog puppy kitten horse pony cow bull calf sheep lamb goat pig piglet chicken hen rooster duck goose bird
        owl eagle parrot penguin swan crow pigeon seagull flamingo bear cub wolf fox deer elk moose rabbit bunny
        squirrel mouse rat hamster raccoon beaver otter badger hedgehog lion tiger leopard cheetah zebra giraffe
        elephant panda koala kangaroo camel donkey mule dolphin whale shark seal turtle frog snake lizard crocodile
        alligator dragon unicorn dinosaur bee butterfly spider ant crab lobster octopus ostrich peacock hummingbird
        bat hippo hippopotamus rhino rhinoceros sloth tortoise corgi poodle beagle terrier retriever bulldog husky
        dachshund chihuahua pug animal creature pet
        """
    )
)


# People (and a robot): one who can act, wear, hold.
_PEOPLE_NOUNS = frozenset(
    _words(
        """
        man woman boy girl child kid baby toddler person lady gentleman guy dad mom father mother son daughter
        brother sister grandmother grandfather grandma grandpa king queen prince princess knight wizard witch
        farmer chef cook doctor nurse teacher student worker officer soldier pilot sailor driver rider artist
        musician singer dancer player athlete skier surfer cyclist runner hiker climber fisherman astronaut
        robot monk priest nun bride groom clown cowboy pirate ninja hero superhero vendor waiter waitress
        customer tourist shopper reader writer painter photographer scientist detective police policeman
        firefighter teenager elder grandchild friend couple family host guest audience crowd owner
        someone somebody human individual infant newborn baker gardener hunter butcher carpenter plumber mechanic
        jeweler jeweller potter tailor barber barista bartender cashier clerk janitor lifeguard shepherd miner
        florist librarian
        """
    )
)
# Who can be "he" or "she" (general English): people and animals, a compound by its last word ("police officer");
# a monkey, a gorilla have hands to hold with.
_ANIMATE = _PEOPLE_NOUNS | _NO_HANDS | frozenset({"monkey", "gorilla", "chimpanzee"})


def _may_be_someone(noun: str) -> bool:
    """One who can act, or a trade in -ist or -ian ("a florist", "a librarian": the closed list of people cannot
    hold every trade; an -er is as often a thing: a computer, a heater, a poster)."""
    last = noun.split()[-1] if noun.split() else ""
    return (
        _is_animate(noun) or (last.endswith(("ist", "ian")) and lexicon.is_noun(last))  # "a florist", "a librarian"
    )


def _holds_things(noun: str) -> bool:
    """Can "in it" be said of it: a container, a book, a room or a body of water (general English)."""
    last = singular_noun(noun.split()[-1]) if noun.split() else ""
    return last in _CONTAINERS or last in _HOLDERS


def _is_animate(noun: str) -> bool:
    return singular_noun(noun.split()[-1]) in _ANIMATE if noun.split() else False


# What a thing does by itself: "a burning candle" is a candle that burns; any other verb's -ing before a lifeless
# thing says what the thing is for ("a reading nook", "a mixing bowl") and is part of its name.
_PROCESS_VERBS = frozenset(
    _words(
        """
        burn glow melt shine sparkle twinkle flicker blink flash float fall rise spin roll swing sway drip flow boil
        steam smoke rust crumble bubble leak sink drift blow wave flutter hang rot blossom bloom grow fade tick ring
        move open crack break shatter explode erupt pour splash freeze glisten gleam shimmer blaze fly soar hover
        sail speed dangle lean tilt topple collapse overflow sprout twist curl wilt sag swirl dance crash billow
        ripple rumble roar whistle spill stream gush trickle spray fizz sizzle smolder smoulder flame flare beam
        radiate pulse vibrate rotate revolve orbit circle tumble bounce slide glide wobble shake tremble quiver
        hum buzz whir whirr chime creak sparkle dazzle glimmer illuminate light darken set dawn loom tower stand
        lie sit rest wait change morph dissolve evaporate condense emerge disappear vanish appear approach
        arrive depart leave pass cross land crash sink drown decay wither peel flake chip warp bend stretch
        wind meander babble crackle gurgle rustle rush cascade lap bustle sprawl glitter howl whirl churn seethe
        come go escape protrude poke peek jut curl
        """
    )
)


# Noun + noun pairs whose first word is an adjective or material elsewhere (a dictionary's compounds).
_COMPOUNDS = frozenset(
    _words(
        """
        ice cream, hot air balloon, swimming pool, sleeping bag, frying pan, dining table, living room,
        washing machine, cutting board, fishing rod, fishing boat, parking lot, shopping cart, walking stick,
        running shoe, baking sheet, rocking chair, hot dog, traffic light, stop sign, potted plant, teddy bear,
        wine glass, polar bear, sea lion, glass house, light bulb, full moon, half moon, magnifying glass,
        chopping board, drinking glass, dressing table, waiting room, changing room, boxing glove, diving board,
        ironing board, sewing machine, vending machine, rolling pin, watering can, mixing bowl, steering wheel,
        shopping bag, racing car, reading glasses, writing desk, swimming trunks, climbing wall, spray paint,
        neck tie, golden retriever, golden hour, dining chair, dining room, sitting room, drawing room,
        autumn leaves, fall leaves, autumn leaf, wet suit, dry ice
        """
    )
)
_KNOWN_NOUNS = frozenset(vocab.OBJECT_CLASSES) | frozenset(vocab.SYNONYMS)
# English nouns that end like a plural but are one thing ("glass", "bus") or f-plurals ("leaves" -> leaf).
_F_PLURALS = {
    "leaves": "leaf",
    "knives": "knife",
    "wolves": "wolf",
    "shelves": "shelf",
    "halves": "half",
    "calves": "calf",
    "loaves": "loaf",
    "scarves": "scarf",
    "elves": "elf",
    "thieves": "thief",
    "wives": "wife",
    "lives": "life",
    "hooves": "hoof",
    "dwarves": "dwarf",
    "sheaves": "sheaf",
}
# Common verbs of things people picture (base forms; general English): a base or "-s" form right after a noun
# is a verb ("person wear shirt", "a dog chases a cat"), not part of the noun.
_VERBS = frozenset(
    _words(
        """
        ride hold carry eat drink play read write wear chase catch throw kick hit pull push walk run jump swim fly
        sit stand lie sleep look watch stare smile laugh cry dance sing cook bake cut paint draw climb fall hang
        lean rest float drive pet hug kiss feed wash brush paddle surf ski skate kneel crouch bend reach point wave
        talk speak listen build fix open close pour fill lick bite sniff smell touch grab lift drag cross enter
        leave approach follow lead face fight attack hunt graze perch hover glide bloom grow shine glow burn melt
        drip flow splash sail row take make give show use type sew knit hike wait pose sell buy serve shop clean
        sweep mow dig plant pick bounce roll spin balance stretch raise hide peek squat lay place stack wrap tie
        reflect cover surround decorate park race land launch explode erupt blow cuddle nap yawn bark roar howl chew
        nibble sip taste hang carry protect guard tow haul load unload drop kneel crawl wander roam stroll march
        dive soar circle sit stand overlook border line fly swing hold admire examine inspect feed milk herd ride
        steer see notice observe spot find contain include feature show depict display consist come go move rise
        emerge appear
        """
    )
)
# The kinds of check a subject joined by "and" shares with the one it is joined to.
_SHARED = frozenset({"action", "relation", "position"})
# Verbs that say what the picture shows, not what happens in it ("we can see a flower", "it contains a cup").
_PERCEPTION_VERBS = frozenset(
    _words(
        """
        consist see notice observe spot view find contain include feature show depict display
        """
    )
)
# Mass nouns (general English): named without "a" ("Is there water?", "Does the girl have hair?").
_MASS_NOUNS = frozenset(
    _words(
        """
        hair fur water grass snow sand sky smoke fog mist steam food furniture luggage rice bread milk coffee tea
        juice wine beer soup money traffic foliage ice lava mud dirt dust rain sunlight moss seaweed
        jewelry jewellery clothing equipment hay straw lightning sunshine moonlight starlight blood oil paint wind
        air electricity
        """
    )
)
# Adjectives ending in -ly (made from nouns: friend -> friendly), not adverbs (general English).
_LY_ADJECTIVES = frozenset(
    _words(
        """
        friendly lonely lovely curly ugly holy early elderly chilly hilly woolly wrinkly sparkly bubbly prickly
        costly deadly lively oily orderly smelly squiggly wiggly jolly cuddly comely homely ghostly stately
        scholarly cowardly neighborly neighbourly motherly fatherly brotherly sisterly leisurely burly surly
        """
    )
)
# Body parts (general English): "on" one of them says a posture ("kneeling on her knees"), not a relation.
_BODY_PARTS = frozenset(
    _words(
        """
        leg legs foot feet knee knees hand hands back side sides stomach belly head toe toes elbow elbows heel heels
        hip hips buttock buttocks bottom shoulder shoulders arm arms tiptoe tiptoes chest lap thigh thighs
        """
    )
)
# Nouns for one thing named as a plural (a pair of legs or lenses): no "at least two" of them.
_PAIR_NOUNS = frozenset(
    _words(
        """
        leggings jeans pants trousers shorts tights pajamas pyjamas glasses sunglasses spectacles goggles scissors
        binoculars headphones earphones earbuds overalls
        """
    )
)
# Verbs of looking: "into" after them is where the gaze goes.
_STAYING_VERBS = frozenset(_words("sit stand kneel wait work eat dine lean stay sleep rest park gather pose"))
_GAZE_VERBS = frozenset(_words("look stare gaze peer glance peek smile"))
# Verbs whose "on" names what they act on ("nibbling on grass", "chewing on a bone").
_ON_OBJECT_VERBS = frozenset(_words("nibble chew feed munch snack gnaw dine"))
# Games and sports (general English): what "play" names, not a thing in the picture.
_GAMES = frozenset(
    _words(
        """
        soccer football tennis chess golf basketball baseball volleyball hockey cricket rugby badminton checkers
        poker billiards pool polo lacrosse softball handball squash darts bowling croquet dominoes hopscotch tag
        """
    )
)
# Verbs that need their object ("wearing", "holding"): never asked without it.
_TRANSITIVE = frozenset(_words("wear dress hold carry have put place"))
# Verbs of turning or pointing a body or a thing (general English): "to the left" after them is a direction
_TURNING_VERBS = frozenset(_words("turn twist tilt lean point reach bend look face stretch extend rotate swivel"))
# What is not worn, held or carried is not there ("a dog not wearing a collar"); "not chasing a cat" says nothing
# of the cat, and "not putting a vase on a table" nothing of the vase
_DENIED_HAVING = frozenset(_words("wear hold carry"))
# Worn but no garment (general English): "a girl in a white dress and a tiara" wears both
_ACCESSORIES = frozenset(
    _words(
        """
        tiara crown necklace bracelet earring earrings ring watch wristwatch goggles glasses sunglasses hairnet
        backpack badge brooch pendant bangle anklet veil mask helmet headband headphones
        """
    )
)
# Words for a shade of the colour that follows ("light blue", "dark green").
_SHADES = frozenset(
    _words(
        """
        light dark bright pale deep pastel neon mint sky navy forest lime olive emerald jet blood baby hot royal
        electric ice cherry rose ruby lemon pure muted dusty vivid burnt powder
        """
    )
)
# Irregular past participles (general English) beyond those _is_past names inline.
_IRREGULAR_PARTICIPLES = frozenset(
    _words(
        """
        seen shown grown known done gone sung spun sewn woven chosen hidden ridden bitten beaten eaten laid sold
        told kept slept swept spent sent dug stuck struck spread lit
        """
    )
)
# How a picture is made or looks, in the words image prompts use for it (general prompt vocabulary: resolution,
# detail, focus, render engines, film, styles, lighting): an image-wide check, asked in plain words.
_DETAIL = "Is the image highly detailed?"
_RESOLUTION = "Is the image high-resolution?"
_PHOTOREAL = "Is the image photorealistic?"
_IMAGE_TAGS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        _words(
            "highly detailed, hyper detailed, ultra detailed, extremely detailed, intricate details, intricate detail"
        ),
        ("style", _DETAIL),
    ),
    **dict.fromkeys(_words("8k, 4k, 16k, uhd, 8k resolution, 4k resolution, high resolution"), ("style", _RESOLUTION)),
    **dict.fromkeys(
        _words("photoreal, hyperreal, hyper realistic, ultra realistic, ultrarealistic, hyperrealism, photo realistic"),
        ("style", _PHOTOREAL),
    ),
    "sharp focus": ("style", "Is the image in sharp focus?"),
    "soft focus": ("style", "Is the image in soft focus?"),
    "octane render": ("style", "Does the image look like an Octane render?"),
    # stock-image words for a drawing in vector graphics ("three guitars vector image", "palm leaves vector, svg")
    **dict.fromkeys(
        _words(
            "vector illustration, vector illustrations, vector drawing, vector image, vector set, vector art, "
            "vector graphic, vector graphics, in svg format, in vector format, svg format, vector format, svg, eps10, "
            "clipart, clip art"
        ),
        ("style", "Is the image a vector illustration?"),
    ),
    "unreal engine": ("style", "Does the image look like an Unreal Engine render?"),
    "trending on artstation": ("style", "Does the image look like ArtStation art?"),
    "artstation": ("style", "Does the image look like ArtStation art?"),
    "cgsociety": ("style", "Does the image look like CGSociety art?"),
    **{
        tag: ("style", f"Is the image in {'an' if tag[0] in 'aeiou' else 'a'} {tag} style?")
        for tag in _words("fantasy horror noir occult")
    },
    **dict.fromkeys(
        _words("35mm, 35mm film, shot on 35mm, shot on 35mm film"), ("style", "Does the image look shot on 35mm film?")
    ),
    "film grain": ("style", "Does the image have film grain?"),
    **dict.fromkeys(_words("shot on film, film photo, analog film"), ("style", "Does the image look shot on film?")),
    "flat lay": ("style", "Is the image a flat lay (shot from directly above)?"),
    "bokeh": ("style", "Does the image have bokeh?"),
    **dict.fromkeys(
        _words("overhead shot, overhead view, overhead photo, top down view, top down"),
        ("style", "Is the image taken from overhead?"),
    ),
    **dict.fromkeys(
        _words("taken from a low angle, shot from a low angle, from a low angle, low angle"),
        ("style", "Is the image a low-angle shot?"),
    ),
    **dict.fromkeys(
        _words("taken from a high angle, shot from a high angle, from a high angle, high angle"),
        ("style", "Is the image a high-angle shot?"),
    ),
    **dict.fromkeys(_words("bird's eye view, birds eye view"), ("style", "Is the image a bird's-eye view?")),
    "side view": ("style", "Is the image a side view?"),
    "close up": ("style", "Is the image a close-up?"),
    "closeup": ("style", "Is the image a close-up?"),
    "aerial view": ("style", "Is the image an aerial view?"),
    "top view": ("style", "Is the image a top view?"),
    "wide angle": ("style", "Is the image a wide-angle shot?"),
    "full body": ("style", "Does the image show the full body?"),
    "stock photo": ("style", "Is the image a stock photo?"),
    "still life": ("style", "Is the image a still life?"),
    **{
        tag: ("style", f"Is the image in {'an' if tag[0] in 'aeiou' else 'a'} {tag} style?")
        for tag in _words(
            "cyberpunk, steampunk, vaporwave, synthwave, sci-fi, sci fi, surrealism, surrealist, art nouveau, pop art, "
            "baroque, renaissance, minimalist, minimalism, fantasy art, digital art, studio ghibli"
        )
    },
    **{
        tag: ("light", f"Does the image have {tag}?")
        for tag in _words(
            "cinematic lighting, volumetric lighting, studio lighting, dramatic lighting, rim light, rim lighting, "
            "soft lighting, natural lighting, natural light, soft light, backlighting, neon lighting, god rays"
        )
    },
    # The time of year a picture is set in ("a creek in autumn"): when, not a thing that holds the creek. The world
    # draws no seasons, so these are asked and left undecided offline.
    **{
        f"{preposition} {season}": ("light", f"Is it {season} in the image?")
        for preposition in ("in", "in the", "at", "during", "during the")
        for season in ("autumn", "summer", "spring", "springtime", "summertime")
    },
    "in the fall": ("light", "Is it autumn in the image?"),
}
# Weather said of a thing in the picture ("a rainy street", "a misty lake"): the picture's weather (general English).
_WEATHER_NOUNS = {
    "rain": "rainy",
    "drizzle": "rainy",
    "downpour": "rainy",
    "rainstorm": "rainy",
    "fog": "foggy",
    "mist": "misty",
    "blizzard": "snowy",
    "snowstorm": "snowy",
    "storm": "stormy",
    "thunderstorm": "stormy",
    "hailstorm": "stormy",
}
_WEATHER = frozenset(_words("rainy foggy misty snowy stormy cloudy overcast hazy windy"))
# Verbs that put a body part somewhere ("raising his hand above his head"): the part is placed, not the one acting.
_PUTTING_VERBS = frozenset(
    _words("raise lift hold put place stick dip stretch extend wave rest lay cover hide push pull reach point hang")
)
# A body's parts a verb is done to ("brushing his teeth", "combing her hair"), beyond the posture's _BODY_PARTS.
_FACE_AND_HAIR = frozenset(_words("teeth tooth hair face nose eye eyes mouth ear ears lips beard neck tail paw paws"))
# Things carried in the hand: "with" one, a person or an animal holds it ("a girl with a red umbrella": she holds
# it, as an image model draws her and as a reader asks it).
_HANDHELD = frozenset(
    _words("umbrella parasol cane sword wand spear torch lantern flashlight bouquet balloon briefcase shield")
)
# Words after a thing that give it a place or a state of its own ("a sword in his belt", "a balloon tied to ...").
_OWN_PLACE_WORDS = frozenset(_words("in on at under beside by inside hanging tied lying strapped resting slung"))


def _can_hold(noun: str) -> bool:
    """One with hands: a person (or an ape, a robot), not an animal."""
    return _is_animate(noun) and singular_noun(noun.split()[-1]) not in _NO_HANDS


# Verbs whose "with" names a partner, not a thing had ("arguing with a radish", "playing with a ball").
_WITH_PARTNER_VERBS = frozenset(
    _words(
        "argue talk fight play dance chat speak compete wrestle flirt kiss hug cuddle share meet battle struggle"
        " interact cooperate collaborate"
    )
)
# Words that place a thing with no object named, from the one the clause is about ("a dog below", "gulls circling
# overhead", "a lake nearby"): the contract relation each says.
_TRAILING_PLACES = {
    "above": "above", "below": "below", "beneath": "under", "underneath": "under", "behind": "behind",
    "overhead": "above", "nearby": "near",
}  # fmt: skip
_CONTAINERS = {
    **{w: "inside" for w in _words("bowl cup glass mug jar vase basket box bucket pot pan bottle can bag crate")},
    **{w: "inside" for w in _words("barrel jug pitcher carton tin kettle bin sack pail tub teapot flask jug")},
    **{w: "on" for w in _words("plate tray platter saucer")},
}
# Verbs of making a picture or a work: their agent ("painted by an artist") made it and is not in it.
_MAKING_VERBS = frozenset(
    _words(
        "paint draw write make design inspire create photograph take illustrate sculpt compose direct render "
        "shoot film capture produce generate sketch print publish author craft build carve"
    )
)
# Participles whose "of / from / out of" names what their subject is made of ("a statue carved from ice").
_MADE_OF_PARTICIPLES = frozenset(_words("made carved built crafted constructed"))
# Participles whose "with" names a thing placed on or in their subject ("a table topped with books").
_PARTICIPLE_RELATIONS = {
    "topped": "on",
    "covered": "on",  # "with" only: "a bench covered with tools" (covered in snow is the bench's state)
    "strewn": "on",
    "littered": "on",
    "piled": "on",
    "stacked": "on",
    "loaded": "on",
    "filled": "inside",
    "stuffed": "inside",
    "packed": "inside",
}
# Participles of being fastened to something ("tied to a post"): beside what holds it (general English)
_ATTACHED_TO = frozenset(
    _words("tied attached chained leashed pinned taped fastened glued nailed tethered clipped moored hitched strapped")
)
# Participles that only say something is somewhere ("placed on a table"): the relation is the whole of it.
# Verbs of leaving a thing somewhere, whose "by" is where ("parked by a tree", "left by the door"), not who.
_PARKING_VERBS = frozenset(_words("park leave place set position locate situate station moor dock"))
_PLACEMENT_PARTICIPLES = frozenset(
    _words("placed located positioned situated set kept put seen shown depicted arranged")
)
# Participles whose complement is part of the state ("covered in snow", "dressed in red", "made of glass").
_COMPLEMENT_PARTICIPLES = frozenset(
    _words(
        "covered coated dressed clad wrapped decorated painted made filled dipped soaked lined framed drenched "
        "written drawn printed carved engraved embroidered etched spelled spelt formed sketched"
    )
)
# Participles whose "in" / "on" complement is the medium ("written in chalk"): no relation to check.
_MEDIUM_PARTICIPLES = frozenset(
    _words("written drawn painted printed carved engraved embroidered etched spelled spelt formed sketched")
)
# Where one performs a feat (general English): "doing a trick on a ramp", "doing yoga on a mat".
_STAGES = frozenset(_words("ramp stage court field mat track rink pitch ring beach road street board skateboard"))
# What everything stands on (general English): a thing on it shares no relation with it ("on the floor next to")
_GROUNDS = frozenset(_words("floor ground sand snow water ice dirt mud earth carpet"))
# How several things are arranged ("in a row", "in a circle"): a state of theirs, no thing they are inside
_ARRANGEMENTS = frozenset(_words("row line circle ring column grid pile heap stack cluster semicircle spiral queue"))
# Participles that say only where a thing is ("a house built inside a tree", "a lamp placed on a desk"): the
# relation that follows is the content, the participle no property to look for
_SAYING_ONLY_WHERE = frozenset(_words("built located situated placed positioned set kept found seen shown put left"))
# What makes written text: "the word 'START' written / painted / carved on ...": the surface it is on says it
_WRITING_VERBS = frozenset(_words("write paint spray carve scrawl spell print etch engrave stencil inscribe"))
# Participles of dividing a thing ("cut into eight slices", "folded into a square"): into what, not inside it
_DIVIDING = frozenset(_words("cut sliced divided split broken chopped torn carved diced"))
# Weather that does something by itself ("with snow falling", "wind blowing"): its verb is no thing's action
_FALLING_WEATHER = frozenset(_words("snow snowflakes rain raindrops wind hail sleet lightning"))
# Participles of what covers a thing ("a wall covered in ivy", "a cake coated in chocolate"): the state, with no
# containment in what covers it
_COATING_PARTICIPLES = frozenset(_words("covered coated wrapped draped cloaked smothered drenched soaked dipped"))
# A thing on or in a place shares the place's position relative to others ("a cat on a mat in front of a fire")
_SUPPORTS = frozenset({"on", "inside"})
_SHARED_PLACES = frozenset(
    {"above", "below", "under", "behind", "in front of", "left of", "right of", "next to", "near"}
)
# Relations that place one thing against another; "in", "on", "near" a scene word say where the picture is set.
_PLACING_RELATIONS = frozenset(
    {"above", "below", "under", "behind", "in front of", "left of", "right of", "between", "next to", "near"}
)
# Adverbs that say how a thing is posed or placed ("the arms are down", "head forward"): a state of it.
# Instructions a pose description opens a sentence with ("Sit on the floor", "Raise both arms"), and the words
# that follow such an instruction (and no noun phrase that a thing called "stand" or "raise" would open)
_POSE_COMMANDS = frozenset(
    _words(
        """
        sit stand lie kneel squat crouch look keep raise lift bend hold put place stretch lean turn rest extend
        reach point spread cross tilt rotate twist step jump balance
        """
    )
)
_COMMAND_OBJECTS = frozenset(_words("your both one the arms legs hands feet head"))
# What lies over what it spans ("a bridge across a river", "a rope across a chasm")
_SPANNING_THINGS = frozenset(_words("bridge footbridge rope cable wire log plank beam rainbow arch branch"))
# Verbs whose "at" or "across" says where they are aimed ("shouting across the fence", "staring across a room")
# (with _GAZE_VERBS: "smiling", "staring" are those)
_AIMED_VERBS = frozenset(_words("bark laugh wave point shout yell call aim throw glare wink frown growl"))
# Verbs of the voice or breath (general English): "into" says where the sound goes ("singing into a hairbrush",
# "blowing into a trumpet"), never that the one who makes it is inside
_VOICE_VERBS = frozenset(
    _words("shout yell call scream sing speak talk whisper howl roar bark growl blow breathe cough")
)
# What "across" spans from above ("a bridge across a river"), and what one faces another across ("across a desk")
_GAPS_SPANNED = frozenset(
    _words("river stream creek brook canal lake pond bay canyon valley gorge ravine chasm gap sea")
)
_ACROSS_FROM = frozenset(_words("table desk counter room hall aisle"))
# Languages whose names are no place ("a sign in German", "a menu in Italian"); -ese and -ish ones too
_LANGUAGES = frozenset(_words("german italian latin korean russian arabic hindi hebrew portuguese greek french dutch"))
_MONTHS_AND_DAYS = frozenset(
    _words(
        """
        january february march april may june july august september october november december monday tuesday
        wednesday thursday friday saturday sunday
        """
    )
)
# How one who can act holds their body ("sitting", "kneeling"); a thing on them does not
_POSTURE_VERBS = frozenset(_words("sit stand lie kneel crouch squat rest lean recline"))
# Verbs after which "before" is in front of ("kneeling before a queen", "standing before a mirror")
_BEFORE_VERBS = frozenset(_words("kneel stand bow sit lie appear cower crouch pose wait tremble"))
# Verbs whose "over" says what they are about ("arguing over a map", "fussing over a baby")
_ABOUT_VERBS = frozenset(_words("argue fight quarrel bicker fuss cry laugh talk chat debate disagree squabble"))
# Verbs whose "at", "to" or "from" names who or what they are aimed at, addressed to or come from (general
# English): "looking at a painting", "barking at a mailman", "listening to music", "drinking from a fountain" (it
# asked "Is the man looking?", which nothing answers, and "Is the girl musicing?")
_REFLEXIVES = frozenset(_words("myself yourself himself herself itself ourselves yourselves themselves oneself"))
_ADDRESSED_VERBS = {
    "at": _GAZE_VERBS | _AIMED_VERBS | frozenset(_words("scream nod")),
    "to": frozenset(_words("listen talk speak whisper sing read pray")),
    "from": frozenset(_words("hide flee escape emerge drink sip eat")),
}
# Particles that complete a verb when nothing follows them as their object (general English): "a plane taking
# off", "friends hanging out at a cafe", "a bird flying away", "turning around" (it asked "Is the plane taking?")
_PARTICLES = frozenset(_words("off away out back around"))
# Gatherings (general English): "at" one is where one is ("laughing at a funeral"), not what one laughs at
_EVENTS = frozenset(
    _words("party funeral wedding concert festival ceremony meeting dinner lunch breakfast picnic parade match fair")
)
# What one does with a thing in one's hand (general English): "carrying plates in one hand" is held already
_HAND_ACTIONS = frozenset(_words("have hold carry grip clutch grasp grab raise lift wave balance"))
# Spans of time (general English): "at the end of summer" says when, no place to be near; so do gatherings
_SPANS_OF_TIME = frozenset(
    _words("day night week month year season summer winter spring autumn fall race game film movie song story")
)
_WHEN_NOT_WHERE = _SPANS_OF_TIME | _EVENTS
# Groups of ones who live (general English): "a herd of sheep" is several, whatever the noun's plural
_GROUPS_OF_ONES = frozenset(_words("herd flock group crowd pack school swarm team family colony pod troop gaggle"))
# What one imagines (general English): "a dream of a galaxy" pictures the galaxy; no dream is drawn
_IMAGINED = frozenset(_words("dream dreams daydream vision visions memory memories nightmare fantasy"))
# What holds a thing "in" it, as a hand does ("a donut in her hand": held, not inside)
_HOLDING_PARTS = frozenset(_words("hand hands paw paws fist fists palm palms"))
# Verbs whose "over" names what the feet catch on ("tripping over a cat"): the one who trips is not above it
_TRIPPING_VERBS = frozenset(_words("trip stumble"))
# Things "in it" can be said of, beyond containers (general English)
_HOLDERS = frozenset(
    _words(
        """
        book notebook drawer closet cupboard cabinet fridge refrigerator oven sink bathtub tub pool pond lake river
        fountain aquarium tank cage nest room house car truck boat tent pocket hand mouth wallet purse backpack
        envelope frame window hole box trough manger wheelbarrow cart planter tree bush hedge snow sand bread cake
        pie apple
        """
    )
)
# What someone did to a thing and went away ("a carrot that someone left", "a glove somebody dropped")
_LEFT_BEHIND_VERBS = frozenset(_words("leave left drop forget lose abandon put place"))
# Verbs of where a thing is put or left ("a coat lying on a chair", "a hat hanging on a hook")
_LAID_VERBS = frozenset(_words("hang lie rest sit lean dry drape"))
# States said only after their noun ("a dog asleep", never "an asleep dog")
_POSTPOSITIVE_STATES = frozenset(_words("asleep awake afloat adrift aglow ablaze alive aloft mid-air midair"))
_POSE_ADVERBS = frozenset(
    _words(
        """
        up down forward forwards backward backwards back apart out away sideways upright together outward outwards
        inward inwards upward upwards downward downwards aside overhead
        """
    )
)
# Collective nouns that say how many ("a pair of socks"); the others in resolve's list say only "more than one".
_COLLECTIVE_COUNTS = {"pair": 2, "couple": 2, "dozen": 12}
# What "taking" makes that is not in the picture ("a man taking photos", "snapping selfies").
_SHOTS = frozenset(_words("photo photos picture pictures photograph photographs selfie selfies snapshot snapshots"))
# Nouns for a portion of a mass or a thing (general English): "a piece of wood" is wood, "a slice of cake" cake.
_PARTITIVES = frozenset(
    _words(
        "piece slice chunk bit sheet strip scrap lump wedge sliver hunk fragment shard loaf scoop clump patch surface "
        "section roll"
    )
)
# "three kinds of fruit", "nine breeds of dogs": as many of the thing, each of a different kind.
_KINDS_OF = frozenset(_words("kind type sort breed variety species style flavor flavour"))
# Framing nouns that, several of them, are things hung or shining in the picture ("photos on a wall", "lights"):
# not "sides", "corners" or "things", which stay places and vague words.
_PICTURES_AND_LIGHTS = frozenset(
    _words("photo photograph picture painting drawing illustration image poster print portrait sketch snapshot light")
)
_IRREGULAR_SINGULARS = {"feet": "foot", "teeth": "tooth", "geese": "goose", "oxen": "ox", "dice": "die"}

# Relation phrases -> the contract's relation (EVALUATION_RELATION_WORDS), longest phrase first.
_RELATION_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = tuple(
    sorted(
        (
            (tuple(phrase.split()), relation)
            for phrase, relation in {
                "to the left of": "left of",
                "on the left of": "left of",
                "on the left side of": "left of",
                "to the left side of": "left of",
                "left of": "left of",
                "left to": "left of",  # "the cup is left to the plate": a common non-native wording
                "right to": "right of",
                "to the right of": "right of",
                "on the right of": "right of",
                "on the right side of": "right of",
                "to the right side of": "right of",
                "right of": "right of",
                "above": "above",
                "over": "above",
                "at the top of": "on",  # "an eagle perched at the top of a pine", "a star at the top of the tree"
                "on top of": "on",
                "on the top of": "on",
                # a part of a thing named as where ("on the back of an elephant", "on the edge of a cliff"): the
                # thing itself (the world, and a picture's reader, place things on wholes)
                "on the back of": "on",
                "on the edge of": "on",
                "on the surface of": "on",
                "at the edge of": "near",
                # "a boy at the end of a pier", "a cat at one end of a bench": by the thing ("Is there an end?")
                "at the end of": "near",
                "at the far end of": "near",
                "at one end of": "near",
                "at either end of": "near",
                "on the end of": "on",
                "on one end of": "on",
                "in the middle of": "inside",
                "in the center of": "inside",
                "in the centre of": "inside",
                "at the foot of": "near",
                "before": "in front of",  # "a knight kneeling before a queen" (not "before sunrise": see _tag)
                "in the front of": "in front of",
                "in the back of": "behind",
                "atop": "on",
                "on": "on",
                "onto": "on",
                "upon": "on",
                "below": "below",
                "on the bottom of": "below",
                "at the bottom of": "below",
                "under": "under",
                "underneath": "under",
                "beneath": "under",
                "next to": "next to",
                "beside": "next to",
                "besides": "next to",
                "alongside": "next to",
                "adjacent to": "next to",
                "by": "next to",
                "against": "next to",
                "on the side of": "next to",
                "on side of": "next to",
                "at the side of": "next to",
                "to the side of": "next to",
                "near": "near",
                "near to": "near",
                "nearby": "near",
                "close to": "near",
                "behind": "behind",
                "in back of": "behind",
                "at the back of": "behind",
                "in front of": "in front of",
                "at the front of": "in front of",
                "inside": "inside",
                "inside of": "inside",
                "within": "inside",
                "in": "inside",
                "into": "inside",
                "between": "between",
                "in between": "between",
                "surrounded by": "near",
                "around": "near",  # "people standing around the motorcycles": close by, on every side
                "encircled by": "near",
                "among": "near",  # "a fox sleeping among the ferns": amid them, close by on every side
                "amongst": "near",
                "amid": "near",
                "amidst": "near",
                "across": "on",  # "ducklings crossing a road", "a dog running across a lawn": on it (see below)
                "outside": "near",  # "tables outside a cafe": by it, not in it
                "outside of": "near",
            }.items()
        ),
        key=lambda item: -len(item[0]),
    )
)
assert all(relation in EVALUATION_RELATION_WORDS for _, relation in _RELATION_PHRASES)
_PLACES = {
    "left": "left",
    "right": "right",
    "top": "top",
    "bottom": "bottom",
    "upper": "top",
    "lower": "bottom",
    "center": "center",
    "centre": "center",
    "middle": "center",
    "background": "background",
    "foreground": "foreground",
}
_CORNER_PARTS = frozenset({"left", "right", "top", "bottom"})
_PLACE_TAIL = frozenset({"side", "half", "part", "edge", "corner", "hand"})
_IMAGE_NOUNS = frozenset(
    {"image", "picture", "frame", "canvas", "photo", "scene", "composition", "view", "photograph", "artwork"}
)
_MASS_SCENES = frozenset({"snow", "grass", "sky", "clouds", "space", "outer space", "dunes", "sand", "water"})
_WHOLE_SCENES = frozenset({"underwater", "indoors", "downtown", "outdoors"})

# A single-quoted text may hold an apostrophe between letters ('Nonna's Best', 'Joe's Diner')
_QUOTES = re.compile(
    r'"([^"]{1,200})"|“([^”]{1,200})”|‘([^’]{1,200})’|(?<![\w])\'((?:[^\']|(?<=\w)\'(?=\w)){1,200})\'(?![\w])'
)
# Generator parameters written into a prompt ("--ar 16:9", "--no people") and photographic jargon that names
# no thing ("depth of field"): not part of the picture's content.
_PARAMETERS = re.compile(
    r"(?:--|(?<!\S)[\u2013\u2014](?=[a-z]))[a-z]+(?:\s+[0-9][0-9:.]*)?|\bdepth of field\b", re.IGNORECASE
)
# "a mountain::2 white streaks::3": a multi-prompt's parts and their weights (no count: each part ends at its "::")
_WEIGHTS = re.compile(r"::\s*-?[0-9]*\.?[0-9]*")
# "--no people, cars": the generator's negative parameter, a list of what must not be drawn (to the next
# parameter or the end); read as "no people, no cars" (it was stripped with the other parameters, leaving
# "people, cars" to be asked for).
_NO_PARAMETER = re.compile(r"(?:--|(?<!\S)[\u2013\u2014])no\s+([^-\u2013\u2014.;]+)", re.IGNORECASE)
# "hand painted", "hand drawn": one adjective (how it was made), not a hand
_HAND_MADE = re.compile(
    r"\bhand (painted|drawn|made|written|carved|crafted|knitted|sewn|stitched|woven|built|lettered|colored)\b",
    re.IGNORECASE,
)
_SPACED_CAPITALS = re.compile(r"\b(?:[A-Z] ){2,}[A-Z]\b")
_ABBREVIATION = re.compile(r"\b(?:[A-Za-z]\.){2,}")
# "upside down", "inside out": one adjective (how a thing is turned), not a thing called "upside"
_UPSIDE_DOWN = re.compile(r"\bupside\s+down\b", re.IGNORECASE)
# "8 k", "3 d": a resolution or dimension written with a space ("8k", "3d"), not eight things called "k"
# "in the shape of a pineapple": its shape ("pineapple-shaped"), no pineapple
# "a bakery called Rise & Shine", "a boat named the Sea Witch": a name given to the thing, not a thing in the
# picture or something it does; the name (capitalised words, "&" and "of" inside) is dropped. A quoted name stays
# a quote (read as text where a text noun or verb carries it).
_GIVEN_NAME = re.compile(
    r"\b(?:called|named|nicknamed|titled|entitled)\s+(?:the\s+)?[A-Z][\w'-]*(?:\s+(?:&|and|of|the|[A-Z][\w'-]*))*"
    r"(?<!\sand)(?<!\sof)(?<!\sthe)"
    r"|\b(?:called|named|nicknamed|titled|entitled)\s+(?=[\"“‘'])"  # a quoted name: the quote is kept as its text
)
# Things made to hold words (general English): a quote after a body part near one of them is theirs
_WORD_HOLDERS = frozenset(
    _words("bubble balloon sign placard banner caption note paper page screen board blackboard chalkboard whiteboard")
)
# Things made to carry writing (general English): what says a text when it sits on something else
_WRITTEN_ON = frozenset(
    _words(
        """
        note sign label card poster banner flyer letter postcard envelope page paper notebook book menu placard
        sticker tag ticket receipt chalkboard blackboard whiteboard board screen billboard plaque scroll
        """
    )
)
_NAME_SHOWN_ON = frozenset(_words("logo sign signboard label poster banner cover storefront badge emblem wordmark"))


def _given_name(match: re.Match[str]) -> str:
    """The replacement of a given name: nothing, except in a picture of a thing that shows its name ("a logo for a
    bakery called Rise & Shine"), where the name is the text on it (quoted, so read as text)."""
    words = set(_words(match.string.lower().replace(",", " ").replace(":", " ")))
    name = re.sub(r"^(?:called|named|nicknamed|titled|entitled)\s+(?:the\s+)?", "", match.group(0)).strip()
    if name and words & _NAME_SHOWN_ON:
        return f' "{name}" '
    return " "


_LETTER_SHAPE = re.compile(
    r"\b(?:in the (?:shape|form) of|shaped like) (?:the |a |an )?(?:capital |lowercase |upper-case |lower-case )?"
    r"(?:letter ['\"‘’“”]?([A-Za-z])|(?:number|digit|numeral) ['\"‘’“”]?(\d{1,2}))['\"‘’“”]?(?![\w])",
    re.IGNORECASE,
)
# Stock-image words that are ordinary English inside a phrase ("a velocity vector", "octane fuel"): a tag only as a
# whole comma item or at the prompt's end ("palm leaves vector, svg"; "photorealistic, octane")
_STOCK_TAG = re.compile(r"\b(vector|octane)\b(?=\s*(?:[,.;]|--|$))", re.IGNORECASE)
_STOCK_TAGS = {"vector": "vector image", "octane": "octane render"}


def _stock_tag(match: re.Match[str]) -> str:
    """ "..., vector, svg" and "palm leaves vector": the tag (a whole comma item, or after a plural noun, as stock
    listings put it); "a velocity vector" keeps its noun."""
    before = match.string[: match.start()].rstrip()
    last = before.rsplit(None, 1)[-1].lower() if before else ""
    if (
        not before
        or before.endswith((",", ";", ":", ".", "-"))
        or (last.isalpha() and (_is_plural(last) or lexicon.is_adjective_only(last) or last == "stock"))
    ):
        return _STOCK_TAGS[match.group(1).lower()]
    return match.group(0)


_SHAPE_OF = re.compile(
    r"\b(?:in the (?:shape|form) of|shaped like|in the shape of) (?!(?:an? |the )?(?:word|text|letter)s?\b)"
    r"(?:an? |the )?(?:(?:giant|huge|big|large|small|tiny|little) )?([^\W\d_]+)\b",
    re.IGNORECASE,
)
# "He's", "it's", "they're": the pronoun and its verb ("is"), not a possessive
_CONTRACTIONS = re.compile(r"\b(he|she|it|that|there|they|we|you)['’](s|re)\b", re.IGNORECASE)
# Text said in capitals with no quotes ("a neon sign reading OPEN 24 HOURS"): the capitals are the text.
_CAPITALS_SAID = re.compile(
    r"\b(says|say|saying|reads|read|reading|spells|spelling|labeled|labelled|titled|words|word)\s+"
    r"((?=[A-Z0-9'&!?.\s-]*[A-Z]{2})[A-Z0-9][A-Z0-9'&!?.-]*(?:\s+[A-Z0-9][A-Z0-9'&!?.-]*)*)(?![\w'\"])"
)
# A single capital letter named as a thing ("an X marking the spot"): a letter written in the picture, read as
# quoted text ('a', 'I' are words; "a T-shirt", "an X-ray" are not letters; "the letter Q" is read as it was)
_LETTER_AS_THING = re.compile(r"\b(an|a|the)\s+([B-HJ-Z])(?![\w.'’-])")
# Words a picture shows, named after their noun without quotes: "the letter F", "a clock reads 12:43", "a mug with
# the words good morning"; read as if quoted (general English; what follows must be no place, verb or clause)
_LETTER_NAMED = re.compile(r"\b(letter|the number|the digit|the numeral)\s+([A-Z]|(?<=[rlt] )\d{1,3})(?![\w'’.-])")
_TIME_SAID = re.compile(
    r"\b(says|say|saying|reads|read|reading|shows|showing|displays|displaying)\s+(\d{1,2}:\d{2}(?:\s?[ap]\.?m\b\.?)?)",
    re.IGNORECASE,
)
_UNQUOTED_TEXT = re.compile(
    r"\b((?:with\s+the|with|the|of)\s+(?:text|words?|caption|slogan|message))\s+([A-Za-z0-9][\w'’!?&-]*(?: [\w'’!?&-]+){0,7})"
    r"(?=\s*[.;!,]|\s*$|\s{2,})",  # two spaces: where quotes were taken out ("the text  open your mind  on")
)
_PLACE_WORDS = frozenset(
    _words("in on at of to from by with into onto over under above below across around along near behind beside next")
)
_NOT_TEXT_OPENERS = frozenset(
    _words(
        """
        in on at of to from by with without for into onto over under above below across around along near behind
        is are was were be being been that which who and or but a an the this these those it its their his her
        written painted printed carved drawn spelled spelt made formed engraved etched scrawled sprayed stitched
        say says said saying read reads reading appear appears appearing
        inside outside underneath beneath everywhere upside
        """
    )
)


def _quote_unquoted_text(match: re.Match[str]) -> str:
    """ "with the words good morning": the words after their noun are the text, read as if quoted, unless they
    open a place, a verb or a clause ("the words in gold", "the text is blurry", "the text carefully"); they end
    before another thing named ("the words dogs rule and a dog")."""
    noun, said = match.group(1), match.group(2)
    parts = _TEXT_ENDS.split(said, maxsplit=1)
    said, rest = parts[0], (f" {parts[1]}" if len(parts) > 1 else "")
    words = said.lower().split()
    first = words[0]
    if (
        first in _NOT_TEXT_OPENERS
        or any(w in _PLACE_WORDS for w in words)
        # "the text carefully", "the words crossed out": one adverb or participle says how, not what is written
        or (said[:1].islower() and first.endswith("ly") and lexicon.is_adverb(first))
        or (len(words) <= 2 and said[:1].islower() and (_is_past(first) or _is_ing_verb(first)) and first != "open")
    ):
        return match.group(0)
    return f'{noun} "{said}"{rest}'


# Where unquoted text ends: "and" or "with" before another thing ("... and a dog", "... with two balloons").
_TEXT_ENDS = re.compile(r"\s+(?=(?:and|with)\s+(?:a|an|the|some|\d+|two|three|four|five|six)\b)")


_BOUNDED_COUNT = re.compile(
    r"\b((?:no |not )?(?:more than|fewer than|less than)|at least|at most|up to)\s+([a-z]+|\d{1,2})\b"
    r"|\b(" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r"|\d{1,2})\s+more\b(?=\s+[a-z])",
    re.IGNORECASE,
)


def _bounded_count(match: re.Match[str]) -> str:
    """ "more than ten chairs" is at least eleven ("several" marks the count as a least, read by _phrase), "at
    least three" at least three; "fewer than five", "up to five" bound it from above, which no count check asks
    (so no number is kept); "two more puppies" are two puppies."""
    bound, said, before = match.group(1), match.group(2), match.group(3)
    if before is not None:
        number = before.lower()
        return before if number.isdigit() or number in _NUMBERS else match.group(0)
    number = said.lower()
    value = int(number) if number.isdigit() else _NUMBERS.get(number)
    if value is None:
        return match.group(0)
    bound = " ".join(bound.lower().split())
    if bound == "more than":
        return f"several {value + 1}"
    if bound in {"at least", "no fewer than", "no less than", "not fewer than", "not less than"}:
        return f"several {value}" if value > 1 else ""  # "at least one bird": a bird
    return ""  # "fewer than", "not more than", "up to": an upper bound, which no count check asks


# "made entirely of glass", "completely carved from ice", "built mostly out of lego": how much of the thing is that
# stuff; asked as "made of glass?" (a picture of a bowl mostly of gold answers yes). Read with the adverb, "made"
# was an action ("Is the chair making?") or the stuff was lost.
_HOW_MUCH = (
    r"(?:entirely|completely|wholly|fully|solely|purely|exclusively|totally|mostly|mainly|largely|partly|partially)"
)
_MADE_WHOLLY = re.compile(
    rf"\b(?:{_HOW_MUCH}\s+)?(made|carved|built|crafted|constructed)\s+(?:(?:{_HOW_MUCH}|all)\s+)?(?=(?:of|from|out of)\b)",
    re.IGNORECASE,
)
# "the tie he is wearing is striped", "the hat she wears is red": a clause with no "that" between a noun and its
# copula; the copula's subject is the noun, not the pronoun ("Is the man striped?" was asked)
_CONTACT_CLAUSE = re.compile(
    r"\b(the)\s+((?:[a-z]+\s+){0,2}?[a-z]+)\s+(he|she|they|we|i)\s+((?:is|are|was|were|am)\s+)?([a-z]+)\s+"
    r"(is|are|was|were)\b",
    re.IGNORECASE,
)


def _contact_clause(match: re.Match[str]) -> str:
    the, noun, pronoun, auxiliary, verb, copula = match.groups()
    if not lexicon.verb_lemmas(verb.lower()) or (auxiliary and not verb.lower().endswith("ing")):
        return match.group(0)
    return f"{pronoun} {auxiliary or ''}{verb} {the} {noun} . {the} {noun} {copula}"


# "a vase, centered, white background": a prompt tag saying the subject is in the middle of the picture
_CENTERED_TAG = re.compile(
    r"(^|[,;.])\s*(?:perfectly\s+)?cent(?:er|r)ed(?:\s+in\s+the\s+(?:frame|image|picture|composition))?\s*(?=[,;.]|$)",
    re.IGNORECASE,
)
# "lifted up to chin level", "arms at shoulder height": how high, by a body part (read as a verb: "Is the right arm
# chinning?"); the height is no thing or action, so the phrase is set aside
_BODY_LEVEL = re.compile(r"\b(?:to|at)\s+([a-z]+)\s+(?:level|height)\b", re.IGNORECASE)


_LEVEL_PARTS = _BODY_PARTS | _FACE_AND_HAIR | frozenset(_words("chin waist thigh ankle wrist forehead"))


def _body_level(match: re.Match[str]) -> str:
    return " " if match.group(1).lower() in _LEVEL_PARTS else match.group(0)


# "an owl family", "a duck family", "a wolf pack": a group of those animals, read as "a family of owls" (it asked
# "Is there an owl family?", never for an owl)
_ANIMAL_GROUP = re.compile(r"\b(an?|the)\s+([a-z]+)\s+(family|herd|flock|pack|colony)\b", re.IGNORECASE)


def _animal_group(match: re.Match[str]) -> str:
    article, animal, group = match.groups()
    if animal.lower() not in _NO_HANDS:
        return match.group(0)
    return f"{'a' if article.lower() == 'an' else article} {group} of {_plural(animal.lower())}"


# A hyphenated word written with spaces around its hyphen: a prefix before it, or a participle or "like" after it
_SPACED_HYPHEN = re.compile(
    r"\b(pre|post|anti|non|neo|semi|self|ultra|hyper|mid|well|half|multi)\s+-\s+(?=[a-z])|"
    r"\b([a-z]+)\s+-\s+(blown|shaped|colored|coloured|covered|filled|lit|like|based|made|themed|inspired)\b"
    # only as a word before its noun ("wind - blown snow"): "a bench - covered with leaves - in a park" is an aside
    r"(?=\s+(?!(?:with|by|in|on|at|from|of|to|into|for|and|or)\b)[a-z])",
    re.IGNORECASE,
)
# "taking his dog for a walk": what for, no thing called "walk"
_FOR_AN_OUTING = re.compile(r"\bfor an?\s+(?:walk|ride|swim|run|stroll|drive|jog|spin)\b", re.IGNORECASE)
# "in a push up position": the exercise's name, one word ("Is there a push?" was asked)
_EXERCISE_NAMES = re.compile(r"\b(push|pull|sit)\s+(ups?)\b(?=\s+(?:position|pose|exercise|bar)\b)", re.IGNORECASE)
# "smiling in the camera", "looking into the camera": facing the viewer; the camera is no thing in the picture
_INTO_THE_CAMERA = re.compile(
    r"\b(look(?:s|ing)?|smil(?:e|es|ing)|star(?:e|es|ing)|gaz(?:e|es|ing)|pos(?:e|es|ing))\s+(?:in|into|at|to)\s+"
    r"(?:the\s+)?camera\b(?=\s*(?:[,.;!?]|$|\band\b|\bwith\b))",  # not "at the camera on a tripod": a camera there
    re.IGNORECASE,
)
# "painted by A, part by B": B is one of the picture's makers, as after "by"
_PART_BY = re.compile(r"\bpart by\b", re.IGNORECASE)
# "for sale croquet game": a shop listing's words, no thing "sale"
_FOR_SALE = re.compile(r"\bfor sale\b", re.IGNORECASE)
# "a family at dinner": at a meal is eating it, no place beside a thing called "dinner"
_AT_A_MEAL = re.compile(
    r"\bat\s+(breakfast|brunch|lunch|dinner|supper)\b(?!\s+(?:break|time|table|party))", re.IGNORECASE
)
_GETTING_READY = re.compile(r"\s(?:get|gets|getting|got)\s+ready\s+to\b", re.IGNORECASE)
# "Flat vector illustration for a banking app: ...", "a poster for a jazz night, ...": what the picture is for, no
# thing in it (only when the purpose ends its item, so "a poster for a concert on a wall" is read as written)
_MADE_FOR = re.compile(
    r"\b(illustration|poster|banner|logo|icon|ad|advert|advertisement|flyer|thumbnail|mockup|artwork|design|image"
    r"|photo|shot|visual|graphic|render|picture)"
    r"\s+for\s+(?:(?:an?|the|my|our|your)\s+)?(?:[a-z-]+\s+){0,2}[a-z-]+(?=\s*(?:[:,.;]|$))",
    re.IGNORECASE,
)
# "a kitchen counter seen from the side": the view the picture is taken from, no state of the counter
_SEEN_FROM = re.compile(
    r"\s*\b(?:seen|viewed|shot|photographed)\s+from\s+(?:the\s+)?(side|front|back|rear|above|top|below)\b",
    re.IGNORECASE,
)
_VIEW_FROM = {"above": "top view", "top": "top view", "below": "low angle view"}
# "crosses a little over the chest", "bent just a bit", "with a bit more fur": how much, no thing called "a little"
# (a noun after it keeps it: "a little girl", "a bit of string", "a horse with a bit in its mouth")
_A_LITTLE = re.compile(
    r"(?:\ba (?:little|bit|tad)\b(?=\s+(?:more|less|too)\b)|"
    r"(?<!with )(?<!the )\ba (?:little|bit|tad)\b(?=\s*(?:$|[,.;:!?]|\s(?:over|under|behind|to|toward|towards|forward|forwards|back|backward|backwards|up|down|out|in|at|from|above|below|more|less|further|apart|open|higher|lower|bent|raised|lifted|tilted|turned|left|right|inward|outward|sideways|away)\b)))",
    re.IGNORECASE,
)
# "knocked over by a cat", "picked up by a girl": the particle says how; the one after "by" did it
_PARTICLE_BY = re.compile(r"\b([a-z]+ed)\s+(?:over|up|down|out|off|away)\s+(?=by\b)", re.IGNORECASE)
# "half buried", "half eaten", "half open": how much of it, one word with what it qualifies
_HALF = re.compile(r"\bhalf\s+([a-z]+)\b", re.IGNORECASE)


def _half_joined(match: re.Match[str]) -> str:
    """ "half buried" -> "half-buried" only before a participle or a state ("a half golden retriever puppy" is not
    half-golden)."""
    word = match.group(1).lower()
    if ATTRIBUTE_KINDS.get(word) == "state" or (lexicon.is_past_form(word) and not colour_name(word)):
        return f"half-{match.group(1)}"
    return match.group(0)


_WIDE_OPEN = re.compile(r"\bwide\s+open\b", re.IGNORECASE)
_SOUND_ASLEEP = re.compile(r"\b(?:fast|sound|deeply|wide)\s+(asleep|awake)\b", re.IGNORECASE)
# "semi straight", "semi bent": one word, as "semi-straight"
_SEMI = re.compile(r"\bsemi\s+([a-z]+)\b", re.IGNORECASE)


def _semi_joined(match: re.Match[str]) -> str:
    """ "semi straight" -> "semi-straight" only before a property ("a semi on a highway" is a truck)."""
    word = match.group(1).lower()
    if _attribute_kind(word) is not None or lexicon.is_adjective(word) or _is_past(word):
        return f"semi-{match.group(1)}"
    return match.group(0)


_THE_NTH_ONE = re.compile(r"\bthe (?:first|second|third|fourth|fifth|last) one\b", re.IGNORECASE)
_A_LITTLE_MORE = re.compile(r"\ba (?:little|bit|tad)\s+(?=(?:more|less)\s+than\b)", re.IGNORECASE)
_LICENCE = re.compile(r"\bcreative commons(?: attribution)?(?: share ?alike)?(?: license| licence)?\b", re.IGNORECASE)
_COPYRIGHT = re.compile(r"(?:©|\(c\))[^,;]*?(?=[,;]|\.(?:\s|$)|$)", re.IGNORECASE)
# An inch mark left by a web page's escaped quote ("11 quot", "30&quot;"): a size, no thing called "quot"
_INCH_MARK = re.compile(r"\b\d+(?:[.,]\d+)?\s*&?quot\b;?", re.IGNORECASE)
_DIMENSIONS = re.compile(
    r"\b\d+(?:\.\d+)?(?:\s+\d+/\d+)?(?:\s*[x×]\s*\d+(?:\.\d+)?(?:\s+\d+/\d+)?)+(?:\s*(?:in|cm|mm|ft|inches)\b)?"
)
_PRESENT_AT = re.compile(r"(?<=[a-z])\s+present(?=\s+(?:at|in|on|near|behind|under|inside|beside)\b)")
_SPACED_YEAR = re.compile(r"\b\d(?: \d){3}(?: s\b)?")
_CATALOGUE_NUMBER = re.compile(r"(?:#|\bno\.)\s?\d+\b", re.IGNORECASE)
_EVERYONE = re.compile(r"\b(everyone|everybody)(['’]s\b)?(\s+(?:is|are|was|were)\b)?", re.IGNORECASE)


def _everyone(match: re.Match[str]) -> str:
    """ "Everybody is laughing": they are, the people just named; "everyone at the table", "a wedding, everyone
    wearing white": the people there; "everyone's favourite dog": nobody's in particular (dropped)."""
    if match.group(2):
        return ""
    if match.group(3):
        return f"{'They' if match.group(1)[0].isupper() else 'they'} are"
    return "People" if match.group(1)[0].isupper() else "people"


_SPACED_UNITS = re.compile(r"\b(\d{1,2}) ([kd])\b", re.IGNORECASE)
_TOKEN = re.compile(r"\x00\d+\x00|[^\W_]+(?:['’][^\W_]+)?(?:-[^\W_]+)*|[.,;:!?()]")


def singular_noun(word: str) -> str:
    """The singular of a noun (the last word of a compound): concepts.singular, with "-ves" and a few irregular
    plurals corrected ("gloves" -> glove, not "glof"; "leaves" -> leaf; "purses" -> purse)."""
    word = " ".join(word.strip().lower().split())
    head, _, last = word.rpartition(" ")
    prefix = head + " " if head else ""
    if last in _IRREGULAR_SINGULARS:
        return prefix + _IRREGULAR_SINGULARS[last]
    if last in _F_PLURALS:
        return prefix + _F_PLURALS[last]
    if len(last) > 4 and last.endswith("ves"):
        # "bookshelves" -> bookshelf, "hooves" -> hoof (the dictionary's lemma); "gloves" -> glove otherwise
        dictionary = [lemma_ for lemma_ in lexicon.noun_lemmas(last) if lemma_ != last]
        return prefix + (dictionary[0] if len(dictionary) == 1 else last[:-1])
    if last.endswith("'s") or last.endswith("’s"):
        return word
    if len(last) > 4 and (
        last.endswith("ouses")
        or (last.endswith(("ses", "zes")) and not last.endswith(("sses", "zzes", "uses")) and last[-4] in "aeiolrn")
    ):
        return prefix + last[:-1]  # "vases" -> vase, "purses" -> purse, "sizes" -> size (not "vas", "siz")
    singular = _concept_singular(word)
    if singular == word and last.endswith("s") and len(last) > 3:
        # "skis" -> ski: a plural the rules keep whole ("-is" words) that the dictionary lists as one lemma
        lemmas = [lemma_ for lemma_ in lexicon.noun_lemmas(last) if lemma_ != last]
        if len(lemmas) == 1 and last.startswith(lemmas[0]):
            return prefix + lemmas[0]
    return singular


def _is_plural(word: str) -> bool:
    last = word.split()[-1] if word.split() else word
    if last in {"people", "children", "men", "women", "mice", "feet", "teeth", "geese", "dice", "police"}:
        return True
    if _plural_men(last):
        return True
    if last in _PAIR_NOUNS:
        return True  # "jeans", "glasses": named as plurals ("Are the jeans blue?"), counted as one
    if last in {"sheep", "fish", "deer", "series", "species"}:
        return False
    return singular_noun(last) != last


def _plural_men(word: str) -> bool:
    """ "firemen", "groomsmen": a plural of -man (not "specimen", "abdomen", "stamen")."""
    if not (len(word) > 5 and word.endswith("men")):
        return False
    return any(lemma.endswith("man") for lemma in lexicon.noun_lemmas(word)) or word[-4] not in "aeiou"


# Nouns whose plural is the singular (general English)
_ZERO_PLURALS = frozenset(_words("fish goldfish sheep deer moose salmon trout bison shrimp squid aircraft species"))
_MAN_NOT_MEN = frozenset({"german", "roman", "ottoman", "talisman", "doberman", "walkman", "pac-man", "pacman"})
_F_SINGULARS = {v: k for k, v in _F_PLURALS.items()} | {v: k for k, v in _IRREGULAR_SINGULARS.items()}


# Who "his" and "her" can mean (general English): a person's word that says he or she
_HE_NOUNS = frozenset(
    _words(
        """
        man boy guy gentleman father dad daddy grandfather grandpa son brother husband uncle nephew boyfriend groom
        king prince emperor monk lord sir
        """
    )
)
_SHE_NOUNS = frozenset(
    _words(
        """
        woman girl lady mother mom mum mommy grandmother grandma daughter sister wife aunt niece girlfriend bride
        queen princess empress nun ballerina actress waitress
        """
    )
)


def _pronoun_of(noun: str) -> str | None:
    """ "his" or "her" for a word that says he or she ("a man", "a policewoman", "the old lady"), else None."""
    last = noun.split()[-1] if noun else ""
    if last in _SHE_NOUNS or (last.endswith("woman") and len(last) > 5):
        return "her"
    if last in _HE_NOUNS or (last.endswith("man") and len(last) > 4 and last not in _MAN_NOT_MEN | {"human"}):
        return "his"
    return None


def _plural(noun: str) -> str:
    head, _, last = noun.rpartition(" ")
    if last.endswith("s") and singular_noun(last) != last:
        return noun  # already plural ("Iron Man Armors", a name kept as written)
    if last in _PAIR_NOUNS or last in _ZERO_PLURALS:
        return noun  # "two goldfish", "three sheep"
    if last in _F_SINGULARS:
        return f"{head} {_F_SINGULARS[last]}".strip()
    ending = next((f for f in _F_SINGULARS if last.endswith(f) and len(f) >= 4), None)
    if ending is not None:  # "bookshelf" -> bookshelves, "bread knife" -> knives: as the word it ends with
        return f"{head} {last[: -len(ending)]}{_F_SINGULARS[ending]}".strip()
    if _plural_men(last):
        return noun  # "groomsmen", "firemen": already plural (the world names them so: no "groomsman")
    if len(last) > 4 and last.endswith("man") and last[-4] not in "aiu" and last not in _MAN_NOT_MEN:
        return f"{head} {last[:-3]}men".strip()  # "a fireman" -> firemen (not "humans", "shamans")
    if noun.endswith("ve") and noun not in {"olive", "dove"}:
        return noun + "s"
    return _plural_of(noun)


def _some(noun: str) -> str:
    """A noun as English names one of it: "a cat", "an owl", but "hair", "sky", "water" (a mass noun)."""
    mass = noun.split()[-1] in _MASS_NOUNS and noun not in _COMPOUNDS  # "lake water"; a "wine glass" is one
    return noun if mass else f"{_article(noun)} {noun}"


def _article(noun: str) -> str:
    if noun.startswith(("uni", "use", "usu", "eu", "one", "uro")):
        return "a"  # a unicorn, a useful tool: a consonant sound
    return "an" if noun[:1] in "aeiou" or noun.startswith(("hour", "honest", "honor", "honour")) else "a"


def _comparative_stems(word: str) -> tuple[str, ...]:
    """The adjectives a comparative or superlative may come from, by English spelling rules: "taller" <- tall,
    "larger" <- large, "bigger" <- big (a doubled consonant), "happier" <- happy; never "tower" <- toy."""
    for ending in ("iest", "ier"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return (word[: -len(ending)] + "y",)
    for ending in ("est", "er"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            base = word[: -len(ending)]
            doubled = (base[:-1],) if base[-1] == base[-2] and base[-1] not in "aeiouy" else ()
            return (base, base + "e", *doubled)
    return ()


def _attribute_kind(word: str) -> str | None:
    """What sort of property an adjective names, or None when the word reads as a noun."""
    if word in ATTRIBUTE_KINDS:
        return ATTRIBUTE_KINDS[word]
    if word in TASTE_WORDS:
        return "other"  # "a lovely cottage", "a stunning view": how it looks to someone
    if word.endswith(("-shaped", "-like")):
        return "shape"
    if word.startswith("un") and len(word) > 5 and (word[2:] in ATTRIBUTE_KINDS or _is_past(word[2:])):
        return ATTRIBUTE_KINDS.get(word[2:], "state")  # "unbent", "unopened", "unlit": as the word they deny
    if "-" in word and _is_past(word.rsplit("-", 1)[1]):
        return "other"  # "hand-painted", "sun-bleached": how it was made or what befell it
    if word.endswith(("-haired", "-eyed", "-legged", "-sized", "-colored", "-coloured", "-made", "-covered")):
        return "other"
    if word in _NOT_ADJECTIVES or word in _KNOWN_NOUNS:
        return None
    if lexicon.is_adjective_only(word):
        return "other"  # an adjective no list here names ("iridescent", "gnarly"): the dictionary knows it
    if "-" in word and ATTRIBUTE_KINDS.get(word.rsplit("-", 1)[1]) == "state":
        return "state"  # "wide-open", "half-full": a state, said with how much
    if word.startswith(("semi-", "half-")) and len(word) > 6:
        # "semi-straight", "half-buried": as the word it qualifies (a state when that is a participle)
        return _attribute_kind(word[5:]) or ("state" if _is_past(word[5:]) else None)
    if word in {"further", "farther"}:
        return None  # "further forward": how far it goes, said with the way (no thing is "further")
    for stem in _comparative_stems(word):
        if stem in ATTRIBUTE_KINDS or stem in {"high", "low", "near", "far"}:
            return ATTRIBUTE_KINDS.get(stem, "size")  # "bigger", "higher", "tallest": as the adjective
    if lexicon.is_noun(word) and not lexicon.is_adjective(word):
        return None  # "radish", "polish", "dish": a noun the dictionary knows, whatever its ending
    if len(word) > 5 and word.endswith(_ADJECTIVE_SUFFIXES):
        return "other"
    if (
        lexicon.is_adjective(word)
        and not lexicon.is_noun(word)
        and not _is_past(word)
        and not _is_ing_verb(word)
        and word not in _PLACES
        and word not in _WHICH_ONE
        and word not in _PLACE_TAIL
        and word not in vocab.LIGHT_WORDS  # "a dim light": the picture's light, read as one
    ):
        return "other"  # "a steep hill", "a tidy desk": an adjective that is a verb too ("to steep"), no noun
    return None


def _is_ing_verb(word: str) -> bool:
    return (
        len(word) > 4
        and word.endswith("ing")
        and word.isalpha()
        and word not in _ING_NOUNS
        and word not in _KNOWN_NOUNS
    )


def _is_past(word: str) -> bool:
    """A past tense or participle ("contrasted", "painted", "held"): not a noun."""
    if word in {"held", "sat", "stood", "wore", "worn", "ate", "ran", "hung", "rode", "flew", "drew", "took", "made"}:
        return True
    if word in {"thrown", "drawn", "taken", "broken", "frozen", "fallen", "sunken", "written", "given", "built"}:
        return True
    if word in _IRREGULAR_PARTICIPLES:
        return True
    if any(word.endswith(p) and len(word) > len(p) + 2 for p in ("written", "drawn", "grown", "made", "blown", "sewn")):
        return True  # "handwritten", "overgrown", "homemade"
    if word in {"bed", "red", "shed", "sled"}:
        return False
    if lexicon.is_known(word) and word not in ATTRIBUTE_KINDS:  # "lit", "cut": listed as states
        # "raised", "woven", "dug"; not "hundred", "sacred" (no verb), nor a noun or adjective spelled like an
        # irregular past ("ground", "stove", "left", "set"): the phrase around it says those are things
        return lexicon.is_past_form(word) and (
            word.endswith("ed") or not (lexicon.is_noun(word) or lexicon.is_adjective(word))
        )
    return (
        len(word) > 4
        and word.endswith("ed")
        and not word.endswith("eed")  # "seaweed", "steed", "tweed": nouns
        and word.isalpha()
        and word not in {"bed", "red", "shed", "sled"}
    )


def _is_third_person(word: str, following: str | None) -> bool:
    """A present-tense verb after a noun phrase ("a dog chases a cat", "the sun shines on"): an -s word followed
    by a determiner, a number, a preposition, a pronoun or an -ly adverb (a plural noun would end the phrase)."""
    if not (len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s"))):
        return False
    if verb_lemma(word) not in _VERBS:
        return False
    if following is None:
        return False
    return (
        following in _DETERMINERS
        or following in _NUMBERS
        or (_is_plural(following) and lexicon.is_noun(following))  # "their dad takes photos"
        or following in _OTHER_PREPOSITIONS
        or following in _POSE_ADVERBS
        or following in _OBJECT_PRONOUNS  # "her brother chases them"
        or any(following == phrase[0] for phrase, _ in _RELATION_PHRASES)
        or (following.endswith("ly") and len(following) > 4)
    )


# -- the reading ------------------------------------------------------------------------------------------
@dataclass
class _Entity:
    id: str
    noun: str  # singular, lower case (the check's subject)
    plural: bool
    name: str | None = None  # a proper name as written: questions say "Is John Lennon ...", not "the john lennon"
    label: str | None = None  # its first colour or property: "the black cat" when another cat is named too


@dataclass
class _Phrase:
    """One noun phrase as read: its head (a compound kept whole) and its modifiers."""

    head: str
    plural: bool
    definite: bool
    count: int | None = None
    at_least: bool = False
    colours: list[str] = field(default_factory=list)
    attributes: list[tuple[str, str]] = field(default_factory=list)  # (word, kind)
    possessor: str | None = None
    indefinite: bool = False  # "a", "an", "another": a new one
    name: str | None = None  # a person's or thing's proper name as written ("Santa Claus")


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
            elif phrase.at_least and not pair and not generic:
                # "several birds", "a few cups": a count said with a quantifier; a bare plural ("pigeons at his
                # feet") states no number, and "Are there pigeons?" already asks for them (DSG asks no count)
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

    def have(self, owner: _Entity, thing: _Entity) -> None:
        """ "a man with a hat", "the tower has a clock": the action have (possession; DSG files it under
        relations), asked as English asks it. Someone's garment is worn ("his shirt is red": Is the boy wearing
        the shirt?)."""
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


# -- tokens and tags ---------------------------------------------------------------------------------------
@dataclass
class _Token:
    word: str  # lower case
    raw: str  # as written
    tag: str = ""  # QUOTE PUNCT REL PLACE NEG CONJ COP AUX PRON OBJPRON REL_PRON PREP VERB PAST WORD
    value: str = ""  # the relation, the place, the quote index
    opens: bool = False  # the first word of a sentence (its capital says nothing of a name)
    in_name: bool = False  # a capitalised adjective inside a name ("Black Sabbath", "Red Square")


def _a_place_at_a_time(tokens: list[_Token], n: int) -> bool:
    """ "Athens at sunset", "Paris in the morning": a capitalised word opening a sentence and followed at once by
    the time of day is a place's name (its capital is its own, not the sentence's); it had asked "Are there
    athens?". A plural the dictionary knows is still things ("Zebras at sunset")."""
    following = [t.word for t in tokens[n + 1 : n + 4]]
    if following[:1] not in (["at"], ["in"], ["during"]):
        return False
    when = following[2:3] if following[1:2] == ["the"] else following[1:2]
    return bool(when) and when[0] in _TIMES_OF_DAY


def _tokens(text: str) -> tuple[list[_Token], list[str]]:
    quotes: list[str] = []

    def stash(match: re.Match[str]) -> str:
        quotes.append(next(g for g in match.groups() if g is not None).strip())
        return f" \x00{len(quotes) - 1}\x00 "

    text = text.replace("\x00", " ")  # the quote placeholder's marker: a prompt's own NUL is a space
    # "G I G G L E painted on a wall": capitals spaced apart spell one word, written in the picture
    text = _SPACED_CAPITALS.sub(lambda m: f' "{m.group(0).replace(" ", "")}" ', text)
    text = _ABBREVIATION.sub(" ", text)  # "U.S.", "e.g.": an abbreviation is no thing in the picture
    text = _CAPITALS_SAID.sub(lambda m: f'{m.group(1)} "{m.group(2)}"', text.replace("’", "'"))
    text = _LETTER_AS_THING.sub(lambda m: f'{m.group(1)} "{m.group(2)}"', text)
    text = _LETTER_NAMED.sub(r'\1 "\2"', text)
    text = _TIME_SAID.sub(r'\1 "\2"', text)
    text = _UNQUOTED_TEXT.sub(_quote_unquoted_text, text)
    # "pre - raphaelite", "wind - blown snow": a hyphenated word written with spaces (tokenised text), joined
    text = _SPACED_HYPHEN.sub(lambda m: re.sub(r"\s+-\s+", "-", m.group(0)), text)
    text = re.sub(r"\s[-\u2013\u2014]+\s", " , ", text)  # "a person - perhaps a lifeguard - on ...": an aside
    # "1girl", "2boys": an image-board tag for how many people of a kind (one girl)
    text = re.sub(r"\b([1-9])(girls?|boys?|women|woman|men|man)\b", r"\1 \2", text, flags=re.IGNORECASE)
    text = _QUOTES.sub(stash, text)
    text = _plain_rewrites(text)  # after the quotes are put aside: their words are never rewritten
    text = _HAND_MADE.sub(r"hand-\1", text)
    text = _UPSIDE_DOWN.sub("upside-down", text)
    text = _NO_PARAMETER.sub(
        lambda m: " . " + ", ".join(f"no {item}" for item in _list_items(m.group(1))) + " . ", text
    )
    text = _PARAMETERS.sub(" ", text)
    text = _WEIGHTS.sub(" , ", text)
    tokens = [_Token(raw.lower().replace("’", "'"), raw) for raw in _TOKEN.findall(text)]
    for n, token in enumerate(tokens):
        token.opens = (n == 0 or tokens[n - 1].word in {".", "!", "?"}) and not _a_place_at_a_time(tokens, n)
    for token in tokens:
        if token.word.startswith("\x00"):
            token.tag, token.value = "QUOTE", token.word.strip("\x00")
    _join_adverbs_to_participles(tokens)
    return tokens, quotes


def _join_adverbs_to_participles(tokens: list[_Token]) -> None:
    """ "a large dimly lit sewer", "a freshly baked pie": an adverb in -ly before the participle it modifies,
    before their noun, says how; the participle is the property asked ("Is the sewer lit?", a property the world
    can draw and decide; how dimly, it cannot). Read with the adverb, "lit" was a verb ("Is the spider lighting
    the sewer?") or the whole phrase was dropped."""
    j = 1
    while j + 2 < len(tokens):
        adverb, described, noun = tokens[j], tokens[j + 1], tokens[j + 2]
        if (
            adverb.word.endswith("ly")
            and lexicon.is_adverb(adverb.word)
            and not lexicon.is_adjective(adverb.word)
            and _is_past(described.word)  # "a really big dog": the dog is big (an intensifier says how much)
            and noun.word.isalpha()
            and lexicon.is_noun(noun.word)
            and noun.word not in _DETERMINERS
            and (
                tokens[j - 1].word in _DETERMINERS
                or lexicon.is_adjective_only(tokens[j - 1].word)
                or (lexicon.is_adjective(tokens[j - 1].word) and j >= 2 and tokens[j - 2].word in _DETERMINERS)
            )
            and not adverb.tag
            and not described.tag
        ):
            del tokens[j]
        j += 1


# Flaws a thing can be "full of" (general English): it has them; they are not inside it ("a cup that is full of
# holes" asked "Is the cup full?" and the holes inside it). What follows them, unless more flaws ("and dents"), is
# the thing's again: "a sock full of holes hanging on a line" (the sock hangs, not the holes)
_FULL_OF_FLAWS = re.compile(
    r"\b(?:(is|are)\s+)?full of ((?:\w+ )?(?:holes|cracks|dents|scratches|chips|potholes|stains|tears)\b)",
    re.IGNORECASE,
)
_PHRASE_ENDS = re.compile(r"\s*(?:$|[,.;:!?]|and\b|or\b)", re.IGNORECASE)


def _has_flaws(match: re.Match[str]) -> str:
    """ "full of holes": "with holes", or "has"/"have" after "is"/"are", and a comma ending the phrase when the
    thing's own words follow (the comma is left out before the end, a stop or more flaws)."""
    verb = {"is": "has ", "are": "have "}.get((match.group(1) or "").lower(), "with ")
    ends = _PHRASE_ENDS.match(match.string, match.end()) is not None
    return f"{verb}{match.group(2)}" if ends else f"{verb}{match.group(2)} ,"


# "it is raining": the weather, no thing that rains ("a man in a suit, it is raining" asked "Is the suit raining?")
_IT_RAINS = re.compile(r"\bit(?: is|'s) (rain|snow)ing\b", re.IGNORECASE)
_HONORIFIC = re.compile(r"\b(Dr|Mr|Mrs|Ms|Prof|St|Sgt|Capt|Lt|Rev)\.\s+(?=[A-Z])")
_BODY_OF_WATER = re.compile(r"\bbod(?:y|ies) of water\b", re.IGNORECASE)
_DOORED = re.compile(r"\b(two|three|four|five|2|3|4|5) door (?=[a-z])", re.IGNORECASE)


def _plain_rewrites(text: str) -> str:
    """Phrasings said plainly before reading (outside quoted text, which is put aside before this runs)."""
    text = _CATALOGUE_NUMBER.sub(" ", text)  # "Chair #71", "Stock Photo #9553777": an id, not how many
    text = _SPACED_YEAR.sub(lambda m: "".join(m.group(0).split()), text)  # "1 9 2 0 s": the 1920s
    text = _PRESENT_AT.sub(" ", text)  # "leaves present at the bottom": there, at the bottom
    text = _COPYRIGHT.sub(" ", text)  # "Stock photo © veralub": who owns the picture, no thing in it
    text = _LICENCE.sub(" ", text)  # "creative commons attribution": how it may be used, no thing in it
    text = _A_LITTLE_MORE.sub(" ", text)  # "a little more than": how much, no thing called "a little"
    text = _INCH_MARK.sub(" ", text)  # "a vase 11 quot": eleven inches, not eleven things called "quot"
    text = _DIMENSIONS.sub(" ", text)  # "37 1/2 x 16 1/2 in (95.3 x 42 cm)": a size, not 42 of anything
    text = _EVERYONE.sub(_everyone, text)  # "Everyone is running": they are, the people just named
    text = _MADE_WHOLLY.sub(r"\1 ", text)  # "made entirely of glass": made of glass
    text = _CONTACT_CLAUSE.sub(_contact_clause, text)  # "the tie he is wearing is striped": the tie is
    text = _CENTERED_TAG.sub(r"\1 in the center of the image ", text)  # ", centered,": where the subject is
    text = _PART_BY.sub("by", text)  # "part by gerhard richter": one of its makers
    text = _BODY_LEVEL.sub(_body_level, text)  # "lifted up to chin level": lifted up
    text = _ANIMAL_GROUP.sub(_animal_group, text)  # "an owl family": a family of owls
    text = _AT_A_MEAL.sub(r"eating \1", text)  # "a family at dinner": eating dinner
    text = _INTO_THE_CAMERA.sub(r"\1", text)  # "smiling in the camera": smiling
    text = _FOR_SALE.sub(" ", text)
    text = _FOR_AN_OUTING.sub(" ", text)
    text = _EXERCISE_NAMES.sub(r"\1-\2", text)
    text = _GETTING_READY.sub(" about to", text)  # "getting ready to throw a stone": about to; no "ready" thing
    text = _THE_NTH_ONE.sub("one", text)  # "three cats, the first one black": one of them is black
    text = _A_LITTLE.sub(" ", text)
    text = _SEMI.sub(_semi_joined, text)
    text = _HALF.sub(_half_joined, text)
    text = _WIDE_OPEN.sub("wide-open", text)  # "legs wide open": open, and how far (not "Are the legs wide?")
    text = _SOUND_ASLEEP.sub(r"\1", text)  # "fast asleep", "wide awake": asleep, awake (no thing called "fast")
    text = _PARTICLE_BY.sub(r"\1 ", text)
    text = _FULL_OF_FLAWS.sub(_has_flaws, text)
    text = _IT_RAINS.sub(lambda m: f"in the {m.group(1).lower()}", text)  # the weather, said as a place
    text = _HONORIFIC.sub(r"\1 ", text)  # "Dr. Evil sits": a name, not a sentence ending after "Dr"
    text = _BODY_OF_WATER.sub("water", text)  # "the body of water is calm": the water (no body)
    text = _DOORED.sub(r"\1-door ", text)  # "a two door garage": how many doors it has, not two garages
    views = [_VIEW_FROM.get(m.group(1).lower(), f"{m.group(1).lower()} view") for m in _SEEN_FROM.finditer(text)]
    if views:  # said as the picture's tag, at the end, so what followed it stays the thing's
        text = _SEEN_FROM.sub("", text) + "".join(f" , {view}" for view in views)
    return _BOUNDED_COUNT.sub(_bounded_count, text)  # "more than ten chairs": at least eleven


def _quotes_after_their_nouns(tokens: list[_Token]) -> None:
    """ "a 'STOP' sign", "a dog next to a "SALE" banner": a quote between an article (or an adjective) and a noun is
    what that thing says. Read as "a sign saying 'STOP'" (the quote moved behind its noun, after a saying verb),
    so the noun phrase stays whole (the dog is next to the banner) and the banner, not the dog, says "SALE"."""
    k = 1
    while k < len(tokens) - 1:
        before, quote = tokens[k - 1], tokens[k]
        modifier = before.word in _DETERMINERS or colour_name(before.word) or _attribute_kind(before.word)
        if quote.tag != "QUOTE" or before.tag != "WORD" or not modifier or tokens[k + 1].tag != "WORD":
            k += 1
            continue
        end = k + 1
        while end < len(tokens) and tokens[end].tag == "WORD":
            end += 1
        if not lexicon.is_noun(tokens[end - 1].word):
            k = end
            continue
        tokens[k:end] = [*tokens[k + 1 : end], _Token("saying", "saying", "TEXTVERB", "quoted"), quote]
        k = end + 1


def _list_items(text: str) -> list[str]:
    """The items of a written list ("people, cars and trees"), each stripped; empty items dropped."""
    return [item.strip() for item in re.split(r",|\band\b|\bor\b", text) if item.strip()]


def _one_of_a_pair_used(words: list[str], j: int) -> bool:
    """ "with one <body part>" at j ("one") says which of one's pair does something when its clause has a verb
    ("catching a ball with one hand") or the part is posed after it ("with one hand on a sword"); with neither it
    says how many the thing has ("a man with one arm", "a table with one leg": exactly one)."""
    after = j + 2
    if after < len(words) and (
        words[after] in _OTHER_PREPOSITIONS
        or words[after] in _ADVERBS
        or _match_relation(words, after) is not None
        or lexicon.is_adjective(words[after])
        or _is_past(words[after])
    ):
        return True
    k = j - 2
    while k >= 0 and words[k] not in {",", ".", ";", ":", "and"}:
        if words[k].endswith("ing") and lexicon.verb_lemmas(words[k]):
            return True
        k -= 1
    return False


def _match_relation(words: list[str], i: int) -> tuple[int, str] | None:
    for phrase, relation in _RELATION_PHRASES:
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase), relation
    return None


def _match_place(words: list[str], i: int) -> tuple[int, str] | None:
    """ "on the left", "at the top of the image", "in the center": an absolute place, not a relation (the
    phrase ends there, or names the picture itself)."""
    if words[i] not in {"on", "at", "in", "to"} or words[i + 1 : i + 2] != ["the"] or i + 2 >= len(words):
        return None
    place = _PLACES.get(words[i + 2])
    if place is None:
        return None
    j = i + 3
    other = _PLACES.get(words[j]) if j < len(words) else None
    if other in _CORNER_PARTS and place in _CORNER_PARTS and other != place:
        place, j = f"{place} {other}", j + 1  # "in the top right", "in the left bottom": a corner
    while j < len(words) and words[j] in _PLACE_TAIL:
        j += 1
    if j < len(words) and words[j] == "side":
        j += 1
    if j < len(words) and words[j] == "of":
        k = j + 1 + (1 if words[j + 1 : j + 2] in (["the"], ["this"]) else 0)
        if k < len(words) and words[k] in _IMAGE_NOUNS:
            return k + 1 - i, place
        return None
    if (
        j < len(words)
        and _noun_like(words[j])
        and words[j] not in _CONJUNCTIONS
        and words[j] not in _ADVERBS
        and words[j] not in _SUBJECT_PRONOUNS  # "in the background we can see a wall": the viewer, not a noun
        and words[j] != "there"  # "in the background there is a wall"
    ):
        return None  # "on the right leg": which leg, not a place in the picture
    return j - i, place


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
_PICTURE_PROPERTY_ITEM = re.compile(
    r"(?:^|[,;:.])\s*(?P<phrase>(?:(?!(?:a|an|the|and|or|with|in|on|of|at|by|to|from|for|under|below|above|over|near"
    r"|behind|beside|next|into|onto|across|through|around|between|is|are)\b)[a-z][a-z0-9']* ){1,3}(?:"
    + "|".join(map(re.escape, _PICTURE_PROPERTY_HEADS_LONGEST_FIRST))
    + r"))\s*(?=[,;.]|$)"
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
    prompt that already names a style (a tag list about a picture)."""
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
        if full_name(n) or any(full_name(k) for k in run) or (len(match.group("item").split()) == 1 and capital):
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
            for match in re.finditer(rf"\b{re.escape(phrase)}\b", lowered):
                if any(start <= match.start() < end for start, end in quoted):
                    continue  # words inside quoted text are the text ("OXYDE NOIR"), not a style
                if lowered[match.end() :].startswith((" sans", " serif")):
                    continue  # "in comic sans": a typeface's name
                found.append((match.start(), kind, phrase))
                lowered = lowered[: match.start()] + " " * len(phrase) + lowered[match.end() :]
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


# Lower-case words inside names from other languages ("Rio de Janeiro", "da Vinci", "van Gogh")
_NAME_PARTICLES = frozenset(_words("de da del della di du van von der dos das"))


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
            and (following in {None, ".", ",", ";", "!", "?"} or following in _DETERMINERS)
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
        ):
            token.tag = "PAST"
        elif (
            (
                previous is not None
                and previous.tag in {"WORD", "PRON", "RELPRON"}
                and (previous.word not in _DETERMINERS or previous.tag == "RELPRON")  # "a wall that contains"
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
                and colour_name(word) is None
                and _attribute_kind(word) is None
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


def _ends_on_a_property(words: list[str], j: int) -> bool:
    """Is the word at j a colour or an adjective that ends its phrase ("a traffic light showing red above ...")?
    Then the -ing word before it is a verb with that complement, not an adjective of a noun."""
    after = words[j + 1] if j + 1 < len(words) else None
    return (colour_name(words[j]) is not None or _attribute_kind(words[j]) is not None) and (
        after is None
        or after in ".,;:!?"
        or after in _CONJUNCTIONS
        or after in _OTHER_PREPOSITIONS
        or any(after == phrase[0] for phrase, _ in _RELATION_PHRASES)
    )


def _after_a(tokens: list[_Token], i: int) -> bool:
    """Is the word at i right after a noun phrase opened by "a"/"an" ("a hamster | hatches")? A singular
    article never heads a plural, so an -s word there is a verb."""
    j = i - 1
    while j >= 0 and tokens[j].tag == "WORD" and tokens[j].word not in {"a", "an"}:
        j -= 1
    return 0 <= j < i - 1 and tokens[j].word in {"a", "an"}


def _unknown_word(word: str) -> bool:
    """A word that is no noun, adjective or verb the dictionary knows, nor a word of the world's: most likely a name."""
    return (
        word.isalpha()
        and not lexicon.noun_lemmas(word)
        and not lexicon.is_adjective(word)
        and not lexicon.verb_lemmas(word)
        and word not in _KNOWN_NOUNS
        and word not in vocab.SCENE_WORDS
        and colour_name(word) is None
    )


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


def _describes_nothing_else(word: str) -> bool:
    """An adjective after "something" is that something's ("something blue"), so it goes unasked with it."""
    return (colour_name(word) is not None or lexicon.is_adjective(word)) and not lexicon.is_noun(word)


def _join_adjectives(tokens: list[_Token]) -> None:
    """ "a small, bare tree", "the long, narrow boat": a comma between two adjectives after an article joins them
    (JOIN), so the phrase goes on to its noun; otherwise "a small" ended at the comma and was read as a thing."""

    def adjective(j: int) -> bool:
        return 0 <= j < len(tokens) and tokens[j].tag == "WORD" and _attribute_kind(tokens[j].word) is not None

    def comma_between(j: int) -> bool:  # "a small, bare tree"
        return (
            tokens[j].word == ","
            and tokens[j].tag == "PUNCT"
            and j >= 2
            and adjective(j - 1)
            and tokens[j - 2].word in {"a", "an", "the"}
            and adjective(j + 1)
            and j + 2 < len(tokens)
            and tokens[j + 2].tag in {"WORD", "JOIN", "PUNCT"}
        )

    def and_between(j: int) -> bool:
        # "a long and narrow boat", "the long and beige grasses": "and" between two properties after an article
        # goes on to their noun (a property followed by no noun, "is long and narrow", stays as it is)
        return (
            tokens[j].word in {"and", "or"}
            and j >= 2
            and adjective(j - 1)
            and tokens[j - 2].word in {"a", "an", "the"}
            and (adjective(j + 1) or (j + 1 < len(tokens) and _colours_of(tokens[j + 1].word) != []))
            and j + 2 < len(tokens)
            and tokens[j + 2].tag == "WORD"
            and _is_noun_word(tokens[j + 2].word)
        )

    for j, token in enumerate(tokens):
        if comma_between(j) or and_between(j):
            token.tag = "JOIN"


def _join_colours(tokens: list[_Token]) -> None:
    """ "a black and white cat", "it is white, red, and black": the commas and "and"/"or" between colour words
    join them (JOIN), so the colours are read together, of the same thing."""

    def is_colour(j: int) -> bool:
        return 0 <= j < len(tokens) and tokens[j].tag == "WORD" and _colours_of(tokens[j].word) != []

    for j, token in enumerate(tokens):
        if token.word not in {",", "and", "or"} or not is_colour(
            j - 1 if token.word == "," or tokens[j - 1].word != "," else j - 2
        ):
            continue
        nxt = j + 1 + (1 if j + 1 < len(tokens) and tokens[j + 1].word in {"and", "or"} and token.word == "," else 0)
        if is_colour(nxt) and (token.word != "," or tokens[j - 1].tag == "WORD"):
            token.tag = "JOIN"
            if nxt == j + 2:
                tokens[j + 1].tag = "JOIN"


def _colours_of(word: str) -> list[str]:
    """The colours a word names: "red" -> [red], "black-and-white" / "black-white" -> [black, white]."""
    name = colour_name(word)
    if name is not None:
        return [name]
    parts = [part for part in word.split("-") if part not in {"and", "or"}]
    if len(parts) > 1 and all(colour_name(part) for part in parts):
        return [colour_name(part) or part for part in parts]
    return []


def _is_compound(pair: str) -> bool:
    """Two words a dictionary lists as one noun ("traffic light", "dining table")."""
    return pair in _COMPOUNDS or singular_noun(pair) in _COMPOUNDS or singular_noun(pair) in _KNOWN_NOUNS


def _opens_phrase(word: str) -> bool:
    """A word that starts a noun phrase's modifiers: a number, a colour, an adjective or a which-one word."""
    return (
        word in _WHICH_ONE
        or word in _NUMBERS
        or word.isdigit()
        or colour_name(word) is not None
        or (_attribute_kind(word) is not None and word not in _MATERIAL_NOUNS)
    )


def _is_noun_word(word: str) -> bool:
    return (
        word.isalpha()
        and not _opens_phrase(word)
        and word not in _DETERMINERS
        and word not in _QUANTIFIERS
        and word not in QUALITY_WORDS
        and word not in _MATERIAL_NOUNS
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


def _starts_object(following: str | None) -> bool:
    """After a base-form verb: what may follow it (its object, a preposition, an adverb, the end)."""
    return (
        following is None
        or following in ".,;:!?"
        or following in _DETERMINERS
        or following in _NUMBERS
        or following in _OTHER_PREPOSITIONS
        or following in _OBJECT_PRONOUNS
        or following in _ADVERBS
        or any(following == phrase[0] for phrase, _ in _RELATION_PHRASES)
        or (following.isalpha() and following not in _CONJUNCTIONS)
    )


def _noun_like(word: str) -> bool:
    return word.isalpha() and word not in _DETERMINERS and word not in _OTHER_PREPOSITIONS and word not in _CONJUNCTIONS


def _phrase(words: list[_Token]) -> _Phrase | None:
    """A run of WORD tokens -> one noun phrase (head, compound, modifiers), or None when it names no noun."""
    definite = any(t.word in _DEFINITE for t in words)
    count: int | None = None
    at_least = False
    rest: list[_Token] = []
    for t in words:
        if t.word in _DETERMINERS:
            continue
        if t.word.isdigit() and len(t.word) <= 3:
            count = int(t.word)
        elif t.word in _NUMBERS:
            count = _NUMBERS[t.word]
        elif t.word in _QUANTIFIERS:
            at_least = True
        elif (
            (t.word in QUALITY_WORDS and t.word not in TASTE_WORDS)
            or t.word in vocab.EMPHASIS_WORDS
            or t.word in {"color", "colour", "colored"}
        ):
            continue  # "white color surface": the colour word says it is a colour; "a beautiful girl" is asked
        else:
            rest.append(t)
    if not rest:
        return None
    if rest[0].word in _ORDINALS and (count is not None or len(rest) == 1):
        return None  # "the first one black", "the second": which one of a thing named elsewhere, no thing of its own
    # "a water cooler", "a cigarette lighter": a word that is a comparative and a noun, after a noun, is the noun;
    # "Times Square": a capitalised word after another is a name's, not a property
    noun_at_end = len(rest) > 1 and (
        (
            rest[-1].word in lexicon.noun_lemmas(rest[-1].word)
            and bool(_comparative_stems(rest[-1].word))
            and lexicon.is_noun(rest[-2].word)
            and not lexicon.is_adjective(rest[-2].word)
        )
        or (
            rest[-1].raw[:1].isupper()
            and rest[-2].raw[:1].isupper()
            and rest[-2].word.isalpha()
            and _attribute_kind(rest[-2].word) is None  # "the geyser Old Faithful" reads as before
        )
    )
    trailing: list[_Token] = []
    j = len(rest) - 1
    while j > 0 and (colour_name(rest[j].word) is not None or (rest[j].word == "and" and j < len(rest) - 1)):
        j -= 1
    if (
        not noun_at_end
        and j < len(rest) - 1
        and colour_name(rest[-1].word) is not None
        and _is_plural(rest[j].word)
        and lexicon.is_noun(rest[j].word)
    ):
        # "two dining chairs black", "three tulips red and yellow": colours after a plural noun are its colours (it
        # asked for "dining chairs blacks" and "Are the yellows red?")
        trailing = [t for t in rest[j + 1 :] if t.word != "and"]
        rest = rest[: j + 1]
    while (
        len(rest) > 1
        and not noun_at_end
        and _attribute_kind(rest[-1].word) is not None
        and rest[-1].word not in _KNOWN_NOUNS
        and rest[-1].word not in _MATERIAL_NOUNS
        and not _is_compound(f"{rest[-2].word} {rest[-1].word}")
    ):
        trailing.insert(0, rest.pop())  # "a pencil holder full of crayons": the holder is full
    indefinite = bool(words) and words[0].word in {"a", "an"}
    # The head: the last word; noun-like words before it stay with it (a compound), up to three words.
    head_words = [rest[-1]]
    k = len(rest) - 2
    while k >= 0 and len(head_words) < 3:
        t = rest[k]
        pair = f"{t.word} {head_words[0].word}"
        compound = " ".join([t.word, *(h.word for h in head_words)])
        if (
            compound in _COMPOUNDS
            or singular_noun(compound) in _COMPOUNDS  # "two hot air balloons": as "a hot air balloon"
            or pair in _COMPOUNDS
            or singular_noun(pair) in _COMPOUNDS
            or singular_noun(compound) in _KNOWN_NOUNS
        ):
            head_words.insert(0, t)
        elif t.word in _WHICH_ONE:
            head_words.insert(0, t)  # "the right arm"
        elif t.word.endswith("'s") and (t.raw[:1].isupper() or indefinite or not definite):
            head_words.insert(0, t)  # "Rubik's cube", "a dog's bowl": one thing (the owner is no other one)
        elif (
            colour_name(t.word) is None
            and _attribute_kind(t.word) is None
            and not _is_past(t.word)
            and not _is_ing_verb(t.word)
            and not t.word.endswith("'s")
            and t.word.isalpha()
            and t.word not in _MEDIUM_NOUNS
            and t.word not in vocab.LIGHT_WORDS
        ):
            head_words.insert(0, t)
        else:
            break
        k -= 1
    capitals = 0
    while (
        head_words[0].raw[:1].isupper()
        and capitals <= k
        and len(head_words) + capitals < 5
        and rest[k - capitals].raw[:1].isupper()
        and rest[k - capitals].word.isalpha()
        and rest[k - capitals].word not in _WHICH_ONE
    ):
        capitals += 1
    named = rest[k - capitals + 1 : k + 1]
    if named and (
        len(named) + len(head_words) >= 3
        or all(t.in_name or (colour_name(t.word) is None and _attribute_kind(t.word) is None) for t in named)
    ):
        # a name written with capitals is one thing ("the Golden Gate Bridge"); "Red Apples" is red apples
        head_words[:0] = named
        k -= len(named)
    modifiers = rest[: k + 1] + trailing
    head = " ".join(t.word for t in head_words)
    if head.endswith("'s"):
        head = head[:-2]
    if not any(c.isalpha() for c in head) or not head.replace(" ", "").replace("-", "").replace("'", "").isalnum():
        return None
    if head[:1].isdigit():
        return None  # "the 1960s", "2cm", "20445318": a time, a size or a number, no thing
    if head in _ORDINALS:
        return None  # "the first one", "the second": which one, of a thing named elsewhere
    last = head_words[-1].word
    a_thing = (
        len(rest) == 1 and words[0].word in {"a", "an", "one"} and last in _KNOWN_NOUNS
    )  # "an orange", "a lime", "one orange rolling away"
    if (
        colour_name(last) is not None
        and not a_thing
        and len(head_words) == 1
        and (
            not (modifiers and colour_name(modifiers[-1].word) is not None)
            or all(_colours_of(t.word) or t.word in _SHADES for t in modifiers)
        )
    ) or (
        _attribute_kind(last) is not None
        and not noun_at_end
        and len(head_words) == 1
        and last not in _KNOWN_NOUNS
        and last not in _MATERIAL_NOUNS
        # "a baby is sleeping", "a giant": after "a"/"an" with nothing between, a word that is also a noun names it
        # ... and after "his"/"her" too ("a woman holding her baby": her baby, not a woman who is baby)
        and not (
            len(rest) == 1 and count is None and words[0].word in _ARTICLES_AND_POSSESSIVES and lexicon.is_noun(last)
        )
    ):
        # an adjective with no noun: "the cat is fluffy"; kept as modifiers of the previous entity by the caller
        phrase = _Phrase(head="", plural=False, definite=definite)
        modifiers = rest
    else:
        proper = (
            len(head_words) > 1
            and all(  # "Jeff Bezos", "Rio de Janeiro" is one
                t.raw[:1].isupper() or (t.word in _NAME_PARTICLES and 0 < k < len(head_words) - 1)
                for k, t in enumerate(head_words)
            )
        )
        # "a statue of Thanos", "a painting of Zeus": one capitalised word no dictionary knows is a name too
        single_name = (
            len(head_words) == 1
            # "Axolotls swim in a tank": a plural opening a sentence has its capital from the sentence
            and not (head_words[0].opens and _is_plural(head_words[0].word))
            and head_words[0].raw[:1].isupper()
            and head_words[0].raw[1:2].islower()
            and not lexicon.is_known(head_words[0].word)
            and head_words[0].word not in vocab.OBJECT_CLASSES
            and head_words[0].word not in vocab.SYNONYMS
        )
        proper = proper or single_name
        phrase = _Phrase(head=head, plural=_is_plural(head) and not proper, definite=definite)
        looks_plural = _is_plural(head) and lexicon.is_known(singular_noun(head_words[-1].word))  # "Jeff Bezos": a name
        if proper and not any(t.word in _DETERMINERS for t in words) and (single_name or not looks_plural):
            phrase.name = " ".join(t.raw for t in head_words)  # "John Lennon": named as written, with no "the"
    phrase.count, phrase.at_least = count, at_least
    phrase.indefinite = any(t.word in {"a", "an", "another", "some"} for t in words)
    skip_next = False
    for n, t in enumerate(modifiers):
        if skip_next:
            skip_next = False
            continue
        if t.word.endswith("'s") and not t.raw[:1].isupper():
            phrase.possessor = t.word[:-2]
            continue
        if t.word in _SHADES and n + 1 < len(modifiers) and colour_name(modifiers[n + 1].word):
            continue  # "light blue": a shade of the colour that follows
        names = _colours_of(t.word)
        if names:
            phrase.colours.extend(names)
            continue
        kind = _attribute_kind(t.word)
        if (
            kind is None
            and n == len(modifiers) - 1
            and phrase.head
            and _is_ing_verb(t.word)
            and not _is_animate(phrase.head)
            and verb_lemma(t.word) not in _PROCESS_VERBS
        ):
            phrase.head = f"{t.word} {phrase.head}"  # "a reading nook", "a mixing bowl": what it is for, one noun
            continue
        if kind is None and (_is_past(t.word) or _is_ing_verb(t.word)):
            kind = "state"
        if (
            kind is None
            and t.word.isalpha()
            and not lexicon.is_adjective(t.word)
            # "a Greek marble statue", "a Japanese paper lantern": a people's adjective the dictionary lacks
            and not (t.raw[:1].isupper() and (t.word.endswith(("an", "ese", "ish", "ic")) or t.word in _PEOPLES))
            and t.word not in _TIMES_OF_DAY  # "a sunset beach", "the night sky": the picture's light
            and t.word not in _LOOK_WORDS  # "a portrait photo"
        ):
            # a noun or a word no dictionary has before the head ("kaszubian table cloth linen", "icon sign symbol
            # doctor"): no property to ask ("Is the linen kaszubian?" is no English a person would ask)
            continue
        if kind is None:
            kind = "other" if t.word.isalpha() or "-" in t.word else None
        if kind is not None and len(t.word) <= MAX_WORD_CHARS:
            phrase.attributes.append((t.word, kind))
    return phrase


class _Parser:
    """One pass over the tagged tokens, clause by clause."""

    def __init__(self, prompt: str) -> None:
        self.out = _Reader(prompt)
        prompt = _CONTRACTIONS.sub(lambda m: f"{m.group(1)} {'is' if m.group(2).lower() == 's' else 'are'}", prompt)
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
        self.last_end = -1  # the token index right after the last entity's phrase
        self.owners: dict[str, _Entity] = {}  # entity id -> whose it is ("his hand": the man)
        self.fronted_used = False  # the fronted place or relation has found its (first) subject
        self.backdrop_end = -1  # where the backdrop just named ends ("the background is pink")
        # the colours and properties said before a text noun, for the quote that follows ("3-d letters 'dessert'")
        self.text_props: tuple[list[str], list[tuple[str, str]]] | None = None
        # a fronted place set aside while a participle says more of one listed thing, taken up at the next comma
        self.fronted_paused: tuple[str, str, _Entity | None] | None = None
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
        self.out.tell_apart()
        # "a man without a hat between two women in straw hats": no hat on the man, but hats in the picture; an
        # absent check (none in the whole image) would contradict the prompt, so a thing also asked for is not one
        wanted = {c["subject"] for c in self.out.checks if c["kind"] == "entity"}
        self.out.checks[:] = [c for c in self.out.checks if not (c["kind"] == "absent" and c["subject"] in wanted)]
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
                    if nxt_run and _is_clothing(nxt_run[-1].word) and subject is not None:
                        wearer = self.last if self.last is not None and self.last_end == self.i - 1 else subject
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
                            and not (
                                ahead_place and ahead_place[0].word in {"his", "her", "their", "its", "my", "your"}
                            )
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
                entity, had_phrase = self.noun_phrase()
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
                        self.out.have(owner, entity)
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
                    continue
                continue
            if tag == "OBJPRON":
                self.i += 1
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
                            self.out.have(agent, entity)  # "with a hat and a cane": the hat worn, the cane had
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
        asked for a thing "chef cooks pasta")."""
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
            and self.tokens[j + 2].tag in {"WORD", "VERB"}
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
            )
            and self.with_end == self.i - 1
            and token.word.endswith("ing")
        ):
            subject = self.last  # "arms relaxed with hands touching the feet", "a slope with rams grazing": they do
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
            self.out.action(subject, token.word, None, way)
            if way is not None:
                self.out.checks[-1].pop("object", None)


_WRAPPED = re.compile(r'^\s*(?:"([^"]+)"|“([^”]+)”)\s*[.!]?\s*$')


# A headline before a colon that opens a caption: "SDCC 2012: Agent M poses with ...", "bullets: Set of nine icons"
_HEADLINE = re.compile(r"^\s*(?P<title>[^:\"'“”‘’,.;]{1,40}?)\s*:\s+(?P<caption>\S.*)$", re.DOTALL)


def _without_headline(prompt: str) -> str:
    """A stock listing's or a news photo's caption often opens with a headline and a colon ("Formation flyers: The
    four Blades planes fly ...", "kılıç : the duel of two samurai ..."): the headline names no thing in the
    picture (it asked "Is there a kılıç?", "Is there a sdcc 2012?"); the caption after it is what the picture
    shows. A headline is short (four words at most), says no "a" or "an" ("a breakfast table: two eggs, toast"
    is a thing, then what is on it) and no text word ("Text: hello"), and a caption of four words or more
    follows."""
    match = _HEADLINE.match(prompt)
    if match is None:
        return prompt
    title = match.group("title").lower().split()
    if (
        len(title) > 4
        or len(match.group("caption").split()) < 4
        or any(w in {"a", "an"} or w in _TEXT_NOUNS for w in title)
        # "sunset: a lone tree on a hill": a light or a setting said first is the picture's, no headline
        or any(w in vocab.LIGHT_WORDS or w in vocab.SCENE_WORDS for w in title)
    ):
        return prompt
    return match.group("caption")


def read_prompt(prompt: str) -> list[dict]:
    """Every check this reading finds in the prompt, uncapped (coverage measures all of them). A prompt wrapped
    whole in quotes is the prompt, not a text to render (“a painting of a dark room ...”)."""
    wrapped = _WRAPPED.match(prompt or "")
    if wrapped and len((wrapped.group(1) or wrapped.group(2) or "").split()) > 4:
        prompt = wrapped.group(1) or wrapped.group(2)
    return _Parser(_without_headline(prompt or "")).run()


def checks_from_prompt(prompt: str) -> list[dict]:
    """The evaluator's checks (contract v2): at most MAX_CHECKS, renumbered c1.., parents kept (a child whose
    parent fell beyond the cap goes with it). A question asked again ("bus behind car. ... bus behind car", "the
    person has their right arm ..., their right arm ...") is asked once: one property, one check, and its
    children hang on the first asking (a repeat would count one property twice in the evaluator's score)."""
    kept: list[dict] = []
    ids: dict[str, str] = {}
    asked: dict[str, str] = {}
    for check in read_prompt(prompt):
        parent = check.get("parent")
        if parent is not None and parent not in ids:
            continue
        key = check["question"]
        if key in asked:
            ids[check["id"]] = asked[key]
            continue
        if len(kept) >= MAX_CHECKS:
            break
        ids[check["id"]] = asked[key] = f"c{len(kept) + 1}"
        renumbered = {**check, "id": ids[check["id"]]}
        if parent is not None:
            renumbered["parent"] = ids[parent]
        kept.append(renumbered)
    return kept

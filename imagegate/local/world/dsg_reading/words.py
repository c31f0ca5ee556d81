"""Words: what a word is, in general English (what a dictionary says a word is, not any benchmark's vocabulary). The
word lists (people, clothing, materials, kinds of verb, numbers, determiners, relation phrases, attribute kinds ...)
and the predicates over one word (a person? a plural, and its singular? a past form? a noun that opens or ends a
phrase?).

The bottom of the reading: it imports none of the reading's other modules, and each of them asks it, so a word means
the same to the rewrites, the tagger, the phrase builder and the parser.
"""

from __future__ import annotations

from imagegate_service.constants import EVALUATION_RELATION_WORDS

from .. import lexicon
from .. import vocabulary as vocab
from ..concepts import ING_NOUNS, QUALITY_WORDS, TASTE_WORDS, colour_name, verb_lemma
from ..concepts import plural as _plural_of
from ..concepts import singular as _concept_singular

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
        poncho sari hood cape tunic shawl blazer waistcoat corset leotard wetsuit stockings socks slippers loafers
        necklace bracelet earrings
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
        florist librarian warrior samurai viking elf dwarf mage sorcerer sorceress policewoman fireman cowgirl
        goddess god angel vampire zombie mermaid fairy actor actress villain heroine cyborg android
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


# The joints a limb or body bends at ("bent at the elbow", "folded at the waist")
_JOINTS = frozenset(_words("elbow knee waist hip wrist ankle neck shoulder knuckle"))


# Machines that move by themselves and so can do what a verb says ("a field with a tractor running over a
# sunflower": the tractor runs over it, not the field); general English
_SELF_MOVING = frozenset(
    _words(
        """
        car bus truck lorry tractor train tram boat ship yacht plane airplane aeroplane jet helicopter motorcycle
        motorbike scooter van taxi jeep rocket drone submarine bulldozer excavator forklift ambulance
        """
    )
)


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


# A photograph's nouns: what is taken, and looks nowhere itself ("a photo taken looking down")
_PHOTO_NOUNS = frozenset(_words("photo photograph picture image snapshot shot selfie"))


# What a lifeless thing does to what is around it ("a mirror behind a girl reflecting the sunset", "a lamp above
# a table lighting it"): after a person named later in its phrase, still the thing's
_WHAT_THINGS_DO = frozenset(_words("reflect display cast illuminate frame overlook"))


# Works that are no object (a story, a song): what they are about does whatever follows ("a story about a boy
# lying in the grass"); a book, a letter or a poster may itself lie, hang or burn
_ABSTRACT_WORKS = frozenset(
    _words("story poem song film movie tale legend myth article essay documentary dream joke speech novel fable")
)


# A thing's own parts, which it can be missing ("a bicycle missing the front wheel", "a chair missing a leg")
_OWN_PARTS = frozenset(
    _words(
        """
        wheel wheels tire tires tyre tyres leg legs arm arms handle handles lid door doors button buttons key keys
        page pages string strings wing wings tail ear ears eye eyes tooth teeth piece pieces head hand hands foot
        feet paw paws horn horns shoe shoes sleeve sleeves window windows roof
        """
    )
)


# Verbs that say a thing's own part is not there ("a truck missing its wheels", "a guitar lacking strings")
_MISSING_VERBS = frozenset(_words("miss lack"))


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
    # computer graphics named as a tag ("3d cg", "cgi"): how the picture was made (it asked "Is there a cgi?")
    **dict.fromkeys(_words("cgi, cg, 3d cg, 3d cgi, computer graphics"), ("style", "Is the image computer-generated?")),
    **{
        f"{medium} {kind}": ("style", f"Is the image a {medium} {kind}?")
        for medium in ("charcoal", "pencil", "graphite")
        for kind in ("sketch", "drawing")
    },
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
    # the camera's side of the subject ("Three-quarters front view of a red car ...": it asked "Is the front view
    # coming?" and put the view on the road); "rear view" and "back view" are left out, as tags match anywhere and
    # "a rear view mirror" is a thing
    **dict.fromkeys(_words("front view, frontal view"), ("style", "Is the image a front view?")),
    **dict.fromkeys(
        _words("three quarter view, three quarters view, three quarter front view, three quarters front view"),
        ("style", "Is the image a three-quarter view?"),
    ),
    "close up": ("style", "Is the image a close-up?"),
    "closeup": ("style", "Is the image a close-up?"),
    "aerial view": ("style", "Is the image an aerial view?"),
    "top view": ("style", "Is the image a top view?"),
    **dict.fromkeys(
        _words("wide angle, wide angle lens, wide angle shot"), ("style", "Is the image a wide-angle shot?")
    ),
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
    **{w: "inside" for w in _words("barrel jug pitcher carton tin kettle bin sack pail tub teapot flask")},
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


# Things put on or in another, said with "with" (general English): "a desk with a laptop" puts the laptop on the
# desk, "a kitchen with a red kettle" the kettle in it, "a bowl with two eggs" the eggs in it; annotators write these
# as where the thing is (DSG: laptop, desk, on), which a picture shows. Only holders whose "with" is seldom a part
# of their own (a cup's saucer, a bag's zipper, a box's lock, a vase's neck: not these)
_PUT_WITH = {
    **{w: "on" for w in _words("table desk counter countertop workbench shelf tray platter plate")},
    **{w: "inside" for w in _words("room kitchen bedroom bathroom classroom bowl basket bucket crate")},
}
# What such a holder has of its own, beside it or on its outside, which "with" names without putting it on or in
# it (beyond _OWN_PARTS): "a desk with a drawer", "a table with four chairs", "a bowl with a chip in its rim", "a
# patio table with an umbrella" (it stands through it)
_OWN_OUTSIDE = frozenset(
    _words(
        """
            drawer drawers top edge surface side base rim label sticker logo ribbon bow print design decal spout cap
            pattern finish view wall walls floor ceiling shelf shelves hole holes crack cracks dent stain sign tag
            umbrella parasol frame trim stem neck slat slats rope strap zipper buckle lock hinge latch
            """
    )
)
# Furniture stands beside a table or desk ("a table with four chairs"), not on it (a room with chairs has them in it)
_FURNITURE = frozenset(
    _words("chair stool bench sofa couch armchair table desk nightstand cabinet dresser wardrobe bookcase")
)
# Holders that hold what they hold in or on them ("a vase holding tulips"): a thing, never one who holds (a pitcher,
# Peter Pan)
_HOLDING_THINGS = _PUT_WITH | {w: _CONTAINERS[w] for w in _words("vase cup glass mug jar box bottle pot")}


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


# What one is "in" that is how one feels or is, not a place: "doubled over in pain", "a girl in tears"
_FEELINGS_ONE_IS_IN = frozenset(_words("pain agony tears shock awe despair thought prayer horror disbelief panic"))


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
    "from": frozenset(_words("hide flee escape emerge drink sip eat come")),
    # "a tractor about to run over a sunflower", "a man tripping over a cat": done to it, no place above it (it
    # asked "Is the tractor above the sunflower?"); one who jumps or leaps over a thing is above it, and is asked so
    "over": frozenset(_words("run knock tip trip stumble")),
    # "a tornado crashing into a skyscraper", "a car slamming into a wall": hitting it, not inside it
    "into": frozenset(_words("crash slam smash bump collide plough plow ram")),
}


# Particles that complete a verb when nothing follows them as their object (general English): "a plane taking
# off", "friends hanging out at a cafe", "a bird flying away", "turning around" (it asked "Is the plane taking?")
_PARTICLES = frozenset(_words("off away out back around"))


# Verbs of going somewhere or leading there (general English): alone they say nothing one can see ("Is the boat
# going?", "Is the path leading?"), so the way they go is part of the question ("going to a farm", "coming down the
# beach", "a boat goes by", "a cat comes home", "a vine growing through a fence")
_DIRECTED_VERBS = frozenset(_words("go come head get lead grow return travel pass"))


# The ways a movement goes (general English): "stomping through a puddle", "crawling along a branch", "racing down
# a slope", "walking toward a barn"; said with the verb, not as where the mover is (a static place, "on", "in",
# "under", is a relation of its own)
_MOTION_PATHS = frozenset(_words("through along across past toward towards around up down"))


# Verbs of moving a thing (general English): their participle alone says nothing one can see ("Is the turkey
# taken?"), where it was moved does ("taken out of the oven", "thrown over a fence")
_MOVED_VERBS = frozenset(_words("take bring pull push throw toss drag lift carry send"))


# What one rides or sits in while going (general English, beyond the vehicles of _SELF_MOVING): "a man going up a
# hill on a bicycle" is on the bicycle, not the hill
_RIDDEN = frozenset(
    _words(
        """
        bicycle bike unicycle tricycle skateboard snowboard skis ski sled sleigh toboggan wagon cart wheelchair
        stroller pram barrel canoe kayak raft horse pony donkey camel elephant surfboard
        """
    )
)


# Participles that say a state a thing is in, whoever put it there (general English): "a car stuck in the mud by a
# farmer" is stuck beside the farmer, not stuck by him
_STATE_PARTICIPLE_VERBS = frozenset(
    _words("stick catch hang trap tangle lodge wedge cover coat wrap drape strand freeze bury")
)


# The words that say which way such a verb goes, with a place after them or alone ("goes by", "comes home"); the
# second word of a two-word way ("out of", "away from", "back to", "up to")
_PATH_WORDS = _MOTION_PATHS | _PARTICLES | frozenset(_words("to into onto over by from home"))
_PATH_SECOND_WORDS = frozenset(_words("of from to into onto"))
# Those that complete the verb with nothing after them ("a boat goes by", "the sun comes up", "going home")
_PATH_ALONE = frozenset(_words("by past down up over around out away back home off across along through"))


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
    if word in {
        "held",
        "sat",
        "stood",
        "wore",
        "worn",
        "ate",
        "ran",
        "hung",
        "rode",
        "flew",
        "drew",
        "took",
        "made",
        "stuck",
    }:
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


# Lower-case words inside names from other languages ("Rio de Janeiro", "da Vinci", "van Gogh")
_NAME_PARTICLES = frozenset(_words("de da del della di du van von der dos das"))


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


def _describes_nothing_else(word: str) -> bool:
    """An adjective after "something" is that something's ("something blue"), so it goes unasked with it."""
    return (colour_name(word) is not None or lexicon.is_adjective(word)) and not lexicon.is_noun(word)


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

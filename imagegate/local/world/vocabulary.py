"""The offline world's vocabulary: object classes, colours, scenes, light and styles.

The first 80 object classes are GenEval's (djghosh13/geneval prompts/object_names.txt), so
its prompts parse; the rest are common extras. A class's position in OBJECT_CLASSES is its id
in the pixel code, so append new classes at the end and never reorder.
"""

from __future__ import annotations

GENEVAL_CLASSES: tuple[str, ...] = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
    "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
    "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
    "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
    "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
    "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
    "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant",
    "bed", "dining table", "toilet", "tv", "laptop", "computer mouse", "tv remote",
    "computer keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator",
    "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
)

EXTRA_CLASSES: tuple[str, ...] = (
    "house", "tree", "flower", "sun", "moon", "star", "mountain", "sign", "lamp", "hat", "shoe",
    "box", "balloon", "rabbit", "fish", "butterfly", "robot", "castle", "pumpkin", "guitar",
    "cloud", "candle", "key", "pencil", "duck", "lion", "tiger", "monkey", "penguin", "owl", "frog",
    "fox", "mouse", "man", "woman", "child", "rocket", "lighthouse", "windmill", "tent", "egg",
    "strawberry", "lemon", "cookie", "mug", "teapot", "glasses", "crown", "ball", "door",
    "window", "bridge", "dragon", "unicorn", "snowman", "bee", "ladybug", "mushroom", "cactus",
    "turtle", "whale", "dolphin", "crab", "octopus", "shark", "piano", "drum", "violin", "camera",
    "watch", "ring", "sword", "shield", "flag", "kettle", "basket", "bucket", "ladder", "table",
)

OBJECT_CLASSES: tuple[str, ...] = GENEVAL_CLASSES + EXTRA_CLASSES

# Other words people use for a class (singular; plurals are derived).
SYNONYMS: dict[str, str] = {
    "people": "person", "human": "person", "motorbike": "motorcycle", "plane": "airplane",
    "aeroplane": "airplane", "jet": "airplane", "ship": "boat", "sailboat": "boat",
    "hydrant": "fire hydrant", "stoplight": "traffic light", "kitty": "cat", "kitten": "cat",
    "puppy": "dog", "doggy": "dog", "pony": "horse", "lamb": "sheep", "necktie": "tie",
    "football": "sports ball", "soccer ball": "sports ball", "basketball": "sports ball",
    "tennis ball": "sports ball", "racket": "tennis racket", "racquet": "tennis racket",
    "wineglass": "wine glass", "doughnut": "donut", "sofa": "couch", "plant": "potted plant",
    "houseplant": "potted plant", "television": "tv", "tv set": "tv", "notebook computer": "laptop",
    "remote": "tv remote", "remote control": "tv remote", "keyboard": "computer keyboard",
    "phone": "cell phone", "smartphone": "cell phone", "mobile phone": "cell phone",
    "fridge": "refrigerator", "hair dryer": "hair drier", "hairdryer": "hair drier",
    "teddy": "teddy bear", "bunny": "rabbit", "coffee cup": "mug", "boy": "child", "girl": "child",
    "kid": "child", "lady": "woman", "gentleman": "man", "signboard": "sign", "spectacles": "glasses",
    "bike": "bicycle", "automobile": "car", "flowers": "flower",
}

# Plural forms that the +s/+es/ies rule gets wrong; words that are their own plural.
IRREGULAR_PLURALS: dict[str, str] = {
    "person": "people", "knife": "knives", "mouse": "mice", "sheep": "sheep", "fish": "fish",
    "man": "men", "woman": "women", "child": "children", "scissors": "scissors", "skis": "skis",
    "glasses": "glasses", "computer mouse": "computer mice", "shelf": "shelves", "wolf": "wolves",
    "octopus": "octopuses", "cactus": "cacti",
}

# Things that come in pairs: "a pair of scissors" is one object, "a pair of dogs" two.
PAIR_NOUNS: frozenset[str] = frozenset({"scissors", "skis", "glasses"})

# ~16 named colours. No channel is 1 or 254: those values are reserved for the pixel code.
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (214, 39, 40), "orange": (245, 130, 32), "yellow": (246, 214, 46),
    "green": (44, 160, 64), "blue": (31, 90, 214), "purple": (128, 60, 176),
    "pink": (242, 140, 184), "brown": (130, 82, 45), "black": (22, 22, 24),
    "white": (244, 244, 240), "gray": (128, 128, 128), "cyan": (40, 200, 214),
    "magenta": (204, 40, 160), "gold": (212, 172, 52), "silver": (190, 192, 200),
    "beige": (222, 202, 160), "navy": (28, 40, 104), "maroon": (118, 22, 42),
}
COLOUR_SYNONYMS: dict[str, str] = {
    "grey": "gray", "violet": "purple", "golden": "gold", "teal": "cyan", "turquoise": "cyan",
    "crimson": "red", "scarlet": "red", "tan": "beige",
}

# Default look of an object when the prompt names no colour.
DEFAULT_COLOURS: dict[str, str] = {
    "apple": "red", "banana": "yellow", "orange": "orange", "broccoli": "green", "carrot": "orange",
    "tree": "green", "sun": "yellow", "moon": "silver", "star": "gold", "cloud": "white",
    "fire hydrant": "red", "stop sign": "red", "zebra": "white", "giraffe": "gold", "bear": "brown",
    "elephant": "gray", "frog": "green", "lemon": "yellow", "strawberry": "red", "pumpkin": "orange",
    "snowman": "white", "cactus": "green", "mountain": "gray", "penguin": "black", "sheep": "white",
    "pizza": "gold", "sign": "white", "house": "beige", "egg": "white", "crown": "gold",
}

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "both": 2,
}
NUMBER_NAMES: dict[int, str] = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six",
                                7: "seven", 8: "eight", 9: "nine", 10: "ten"}
# Quantities without a number: the judge checks "at least two".
PLURAL_QUANTIFIERS: frozenset[str] = frozenset({"several", "some", "many", "few", "multiple", "numerous"})
MAX_COUNT = 10

# Scene word -> scene key; the first scene named in the prompt wins, "sky" only when alone.
SCENE_WORDS: dict[str, str] = {
    "beach": "beach", "shore": "beach", "forest": "forest", "woods": "forest", "jungle": "forest",
    "city": "city", "cityscape": "city", "downtown": "city", "street": "street", "road": "street",
    "desert": "desert", "dunes": "desert", "snow": "snow", "snowy": "snow", "winter": "snow",
    "ocean": "ocean", "sea": "ocean", "kitchen": "kitchen", "room": "room", "living room": "room",
    "bedroom": "room", "indoors": "room", "office": "room", "sky": "sky", "clouds": "sky",
    "space": "space", "outer space": "space", "galaxy": "space", "field": "field", "meadow": "field",
    "farm": "field", "grass": "field", "park": "park", "garden": "park", "lake": "lake",
    "river": "lake", "underwater": "underwater", "studio": "studio", "white background": "studio",
    "plain background": "studio",
}
# (upper colour, lower colour) of each scene: sky/wall and ground/floor.
SCENE_COLOURS: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "beach": ((120, 190, 240), (236, 214, 150)), "forest": ((96, 150, 110), (46, 96, 40)),
    "city": ((150, 170, 196), (96, 96, 104)), "street": ((170, 190, 214), (70, 70, 76)),
    "desert": ((236, 200, 140), (214, 170, 100)), "snow": ((200, 216, 236), (240, 242, 246)),
    "ocean": ((110, 176, 236), (20, 80, 150)), "kitchen": ((232, 224, 200), (160, 120, 80)),
    "room": ((210, 196, 176), (120, 90, 66)), "sky": ((100, 170, 246), (170, 210, 250)),
    "space": ((10, 12, 30), (40, 36, 60)), "field": ((140, 200, 246), (110, 180, 70)),
    "park": ((150, 206, 240), (80, 150, 60)), "lake": ((150, 200, 230), (50, 110, 140)),
    "underwater": ((20, 110, 140), (12, 60, 90)), "studio": ((236, 236, 232), (214, 214, 210)),
}
DEFAULT_SCENES: tuple[str, ...] = ("studio", "room", "field", "park")

# Light word -> light key.
LIGHT_WORDS: dict[str, str] = {
    "sunset": "sunset", "dusk": "sunset", "golden hour": "sunset", "evening": "sunset",
    "twilight": "sunset", "night": "night", "nighttime": "night", "midnight": "night",
    "moonlight": "night", "moonlit": "night", "starry": "night", "morning": "morning",
    "sunrise": "morning", "dawn": "morning", "daylight": "day", "noon": "day", "midday": "day",
    "sunny": "day", "bright": "day", "daytime": "day", "dark": "dark", "dim": "dark",
    "gloomy": "dark", "moody": "dark", "overcast": "overcast", "cloudy": "overcast",
    "foggy": "overcast", "fog": "overcast", "rainy": "overcast",
}
# How each light tints (upper, lower): (blend colour, upper blend share, lower blend share).
LIGHT_TINTS: dict[str, tuple[tuple[int, int, int], float, float]] = {
    "sunset": ((250, 130, 60), 0.6, 0.25), "night": ((12, 16, 48), 0.8, 0.7),
    "morning": ((255, 214, 170), 0.4, 0.12), "day": ((250, 250, 236), 0.3, 0.1),
    "dark": ((16, 16, 20), 0.6, 0.55), "overcast": ((150, 152, 158), 0.65, 0.3),
}

# Style word -> style key, and the two colours of the frame that shows a style.
STYLE_WORDS: dict[str, str] = {
    "watercolor": "watercolor", "watercolour": "watercolor", "pixel art": "pixel art",
    "pixelated": "pixel art", "photorealistic": "photorealistic", "photorealism": "photorealistic",
    "hyperrealistic": "photorealistic", "realistic": "photorealistic", "sketch": "sketch",
    "pencil drawing": "sketch", "pencil sketch": "sketch", "oil painting": "oil painting",
    "cartoon": "cartoon", "anime": "anime", "3d render": "3d render", "claymation": "3d render",
    "vector illustration": "flat illustration", "flat illustration": "flat illustration",
    "comic": "comic", "comic book": "comic", "impressionist": "impressionist",
    "low poly": "low poly", "line art": "line art",
}
STYLE_FRAMES: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "watercolor": ((120, 170, 220), (236, 200, 220)), "pixel art": ((60, 200, 60), (30, 30, 30)),
    "photorealistic": ((40, 40, 40), (200, 200, 200)), "sketch": ((90, 90, 90), (236, 236, 236)),
    "oil painting": ((150, 100, 40), (230, 200, 120)), "cartoon": ((250, 220, 30), (30, 30, 200)),
    "anime": ((250, 120, 170), (250, 250, 250)), "3d render": ((100, 100, 220), (210, 210, 250)),
    "flat illustration": ((250, 100, 60), (60, 200, 200)), "comic": ((220, 30, 30), (250, 230, 40)),
    "impressionist": ((170, 130, 210), (250, 200, 100)), "low poly": ((30, 150, 140), (200, 240, 220)),
    "line art": ((10, 10, 10), (250, 250, 250)),
}

# Words that make a detail explicit to the generator.
EMPHASIS_WORDS: frozenset[str] = frozenset({
    "exactly", "clearly", "distinctly", "precisely", "visibly", "only", "total", "vivid",
    "legible", "readable", "unmistakably", "must", "definitely", "solid", "entirely", "important",
})

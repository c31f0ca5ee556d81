"""An offline bedrock-runtime for Stability AI Image Services (the enhance operations): InvokeModel answered at
the botocore level with the real request and response formats, beside the offline generators (bedrock_offline.py).

It checks each body as the model registry records the service's request (`imageServices`: the fields it takes,
which are required, texts' lengths, numbers' ranges, enums, the input image's size), answering a breach with
Bedrock's ValidationException naming the field, and then performs the operation on what the image SHOWS, in the
world's pixel language (world/pixelcode.py, read by world/perceive.py), changing only the cells the operation
touches:

- Search and Recolor: the blobs of the selected object take the prompt's colour (their fill and outline cells;
  the marker cells keep the object's concept). Search and Replace: the object's blob gives way to a blob of the
  prompt's object at its place; with the search prompt 'background' the scene behind the objects is repainted
  as the prompt's scene. Erase Object: every object whose marker lies under the mask's white cells is painted
  over with the background of its rows.
- Remove Background: an RGBA PNG whose objects' blobs are opaque and everything else transparent.
- Outpaint: the canvas grows by the asked pixels, the scene continued (upper and lower background) around the
  unchanged image; the prompt's objects are not drawn into the new area (an assumption: the world draws scenes).
- The upscalers: the same cells at the service's output size (nearest-neighbour): the size changes, nothing else.

An edit that names what it changes succeeds with the world's EDIT_SUCCESS and a recolor bleeds onto the nearest
other object with MASK_BLEED (world/edit.py: the project's assumptions, with the published editing figures they
stand against); deterministic for the same image, body and seed. A prompt with a blocked word answers
'Filter reason: prompt', a seeded share (blocked_output_rate) 'Filter reason: output image', as Bedrock does with
HTTP 200. Each answered call is billed once in the generators' bill (bedrock_offline.OfflineBedrock.bill), at the
registry's price per call; a throttled or refused call is not.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import random
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from PIL import Image, ImageDraw

from imagegate_service import registry
from imagegate_service.adapters.bedrock import STABILITY_OUTPUT_FILTERED, STABILITY_PROMPT_FILTERED

from .bedrock_offline import (
    MODEL_ACCESS_DENIED,
    MODEL_RETIRED,
    BedrockError,
    BilledCall,
    Call,
    FaultSwitches,
    OfflineBedrock,
    _response,
)
from .world import pixelcode
from .world import vocabulary as vocab
from .world.concepts import colour_name, concept_code, default_colour
from .world.edit import EDIT_SUCCESS, MASK_BLEED
from .world.perceive import Percept, SeenObject, perceive
from .world.render import HORIZON, Instance, _draw_instance, _shade, background_colours, blob_geometry
from .world.scene import parse_prompt, tokenize

_EVENT = "before-send.bedrock-runtime.InvokeModel"
_URL = re.compile(r"/model/(?P<model>[^/]+)/invoke$")
_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
Box = tuple[int, int, int, int]  # left, top, width, height in internal cells


def _invalid(path: str, problem: str) -> BedrockError:
    return BedrockError(
        "ValidationException",
        400,
        f"Malformed input request: #{path}: {problem}, please reformat your input and try again.",
    )


def _decoded_image(value: Any, path: str) -> Image.Image:
    if not isinstance(value, str) or not value:
        raise _invalid(path, "expected type: String (a base64-encoded PNG, JPEG or WebP image)")
    try:
        data = base64.b64decode(value, validate=True)
    except (ValueError, TypeError):
        raise _invalid(path, "the image is not valid base64") from None
    if not data.startswith(_MAGIC):
        raise _invalid(path, "the image must be a PNG or JPEG")
    return Image.open(io.BytesIO(data))


def validate(service: registry.ImageService, body: dict[str, Any]) -> dict[str, Image.Image]:
    """Check a body as the service's registry entry says Bedrock does; its images (image, and mask if sent)."""
    fields = service.fields
    extra = sorted(set(body) - set(fields))
    if extra:
        raise _invalid("", f"extraneous key [{extra[0]}] is not permitted")
    for name, rule in fields.items():
        if rule.get("required") and name not in body:
            raise _invalid("", f"required key [{name}] not found")
    images: dict[str, Image.Image] = {}
    for name, value in body.items():
        rule, path = fields[name], f"/{name}"
        kind = rule["type"]
        if kind == "image":
            images[name] = _decoded_image(value, path)
        elif kind == "string":
            if not isinstance(value, str):
                raise _invalid(path, "expected type: String")
            if "enum" in rule and value not in rule["enum"]:
                raise _invalid(path, f"{value} is not a valid enum value")
            if "maxLength" in rule and len(value) > rule["maxLength"]:
                raise _invalid(path, f"expected maxLength: {rule['maxLength']}, actual: {len(value)}")
            if rule.get("required") and not value.strip():
                raise _invalid(path, "expected minLength: 1, actual: 0")
        else:
            whole = kind == "integer"
            if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
                raise _invalid(path, f"expected type: {'Integer' if whole else 'Number'}")
            if value < rule["min"]:
                raise _invalid(path, f"{value} is not greater or equal to {rule['min']}")
            if value > rule["max"]:
                raise _invalid(path, f"{value} is not less or equal to {rule['max']}")
    problem = service.image_problem(*images["image"].size)
    if problem:
        raise BedrockError("ValidationException", 400, f"The input image has an unsupported size: {problem}.")
    sides = service.spec.get("atLeastOnePositive")
    if sides and not any(body.get(side, 0) > 0 for side in sides):
        raise _invalid("", f"at least one of {', '.join(sides)} must be greater than 0")
    if "mask" in images and images["mask"].size != images["image"].size:
        raise _invalid("/mask", f"the mask is {images['mask'].size}, not the image's size {images['image'].size}")
    return images


# -- the world's edits, on the internal canvas (one cell per block of identical pixels) -------------------------


@dataclass
class Canvas:
    """An image's internal canvas and what it shows."""

    cells: Image.Image  # RGB, internal size
    percept: Percept
    upper: pixelcode.RGB
    lower: pixelcode.RGB

    @classmethod
    def of(cls, png: bytes) -> Canvas:
        percept = perceive(png)
        cells = pixelcode.to_internal(Image.open(io.BytesIO(png))).copy()
        upper, lower = background_colours(percept.scene or vocab.DEFAULT_SCENES[0], percept.light)
        return cls(cells, percept, upper, lower)

    def background_at(self, y: int) -> pixelcode.RGB:
        return self.upper if y < int(self.cells.size[1] * HORIZON) else self.lower

    def is_background(self, rgb: pixelcode.RGB) -> bool:
        """A background cell: the scene's colours or their texture flecks (render._texture's shades)."""
        return rgb in {
            shade for base in (self.upper, self.lower) for shade in (base, _shade(base, 0.9), _shade(base, 1.1))
        }

    def box(self, seen: SeenObject) -> Box:
        width, height = self.cells.size
        blob_w, blob_h, _, _ = blob_geometry(seen.small, seen.large)
        return round(seen.x * width - blob_w / 2), round(seen.y * height - blob_h / 2), blob_w, blob_h

    def marker(self, seen: SeenObject) -> tuple[int, int]:
        left, top, _, _ = self.box(seen)
        _, _, offset_x, row = blob_geometry(seen.small, seen.large)
        return left + offset_x, top + row

    def cells_of(self, seen: SeenObject) -> list[tuple[int, int]]:
        """The cells of the object's blob: inside its box, not background, not inside another object's box."""
        left, top, blob_w, blob_h = self.box(seen)
        others = [self.box(o) for o in self.percept.objects if o is not seen and not o.large]
        pixels = self.cells.load()
        width, height = self.cells.size
        found = []
        for y in range(max(0, top), min(height, top + blob_h)):
            for x in range(max(0, left), min(width, left + blob_w)):
                inside_other = any(ox <= x < ox + ow and oy <= y < oy + oh for ox, oy, ow, oh in others)
                if not inside_other and not self.is_background(pixels[x, y]):
                    found.append((x, y))
        return found

    def recolour(self, seen: SeenObject, colour: pixelcode.RGB) -> None:
        """The blob's fill and outline cells in the new colour; its marker cells keep their inks."""
        pixels = self.cells.load()
        left, _, blob_w, _ = self.box(seen)
        _, marker_y = self.marker(seen)
        fill = pixels[min(self.cells.size[0] - 1, left + blob_w // 2), max(0, marker_y - 1)]
        outline = _shade(fill, 0.6)
        for x, y in self.cells_of(seen):
            if pixels[x, y] == fill:
                pixels[x, y] = colour
            elif pixels[x, y] == outline:
                pixels[x, y] = _shade(colour, 0.6)

    def clear(self, seen: SeenObject) -> None:
        """The object painted over with the background of its rows (markers and all)."""
        pixels = self.cells.load()
        for x, y in self.cells_of(seen):
            pixels[x, y] = self.background_at(y)

    def image(self, size: tuple[int, int]) -> Image.Image:
        return self.cells if self.cells.size == size else self.cells.resize(size, Image.NEAREST)


def _noun(words: str) -> str:
    entities = parse_prompt(words).entities
    if entities:
        return entities[0].cls
    tokens = tokenize(words)[0]
    return tokens[-1] if tokens else words.strip().lower()


def _colour(words: str) -> str | None:
    for token in re.findall(r"[a-z]+", words.lower()):
        name = colour_name(token)
        if name:
            return name
    return None


def _targets(canvas: Canvas, words: str) -> list[SeenObject]:
    code = concept_code(_noun(words))
    return [seen for seen in canvas.percept.objects if seen.code == code]


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def recolor(png: bytes, select_prompt: str, prompt: str, rng: random.Random) -> bytes:
    canvas = Canvas.of(png)
    targets = _targets(canvas, select_prompt)
    name = _colour(prompt)
    if targets and name and rng.random() < EDIT_SUCCESS:
        for seen in targets:
            canvas.recolour(seen, vocab.COLOURS[name])
        others = [o for o in canvas.percept.objects if o not in targets]
        if others and rng.random() < MASK_BLEED:
            centre = targets[0]
            canvas.recolour(
                min(others, key=lambda o: (o.x - centre.x) ** 2 + (o.y - centre.y) ** 2), vocab.COLOURS[name]
            )
    return _encode(canvas.image(Image.open(io.BytesIO(png)).size))


def replace(png: bytes, search_prompt: str, prompt: str, rng: random.Random) -> bytes:
    canvas = Canvas.of(png)
    size = Image.open(io.BytesIO(png)).size
    if search_prompt.strip().lower() == "background":
        return _encode(_new_background(canvas, prompt).image(size))
    targets = _targets(canvas, search_prompt)
    if not targets or rng.random() >= EDIT_SUCCESS:
        return _encode(canvas.image(size))
    noun = _noun(prompt)
    colour = vocab.COLOURS[_colour(prompt) or default_colour(noun)]
    draw = ImageDraw.Draw(canvas.cells)
    for seen in targets:
        left, top, _, _ = canvas.box(seen)
        canvas.clear(seen)
        blob_w, blob_h, _, _ = blob_geometry(seen.small, False)
        instance = Instance(cls=noun, colour=colour, x=seen.x, y=seen.y, small=seen.small, depth=seen.depth)
        # a host box whose lower right corner puts the new blob where the old one was (render._draw_instance)
        _draw_instance(draw, instance, canvas.cells.size, [], host=(left, top, blob_w + 3, blob_h + 3))
    return _encode(canvas.image(size))


def _new_background(canvas: Canvas, prompt: str) -> Canvas:
    """The scene behind the objects repainted as the prompt's scene (and light); every other cell kept."""
    spec = parse_prompt(prompt)
    scene = spec.scene or canvas.percept.scene or vocab.DEFAULT_SCENES[0]
    upper, lower = background_colours(scene, spec.light)
    pixels = canvas.cells.load()
    width, height = canvas.cells.size
    horizon = int(height * HORIZON)
    for y in range(height):
        for x in range(width):
            if canvas.is_background(pixels[x, y]):
                pixels[x, y] = upper if y < horizon else lower
    canvas.upper, canvas.lower = upper, lower
    return canvas


def erase(png: bytes, mask: Image.Image, rng: random.Random) -> bytes:
    canvas = Canvas.of(png)
    size = Image.open(io.BytesIO(png)).size
    small_mask = mask.convert("L").resize(canvas.cells.size, Image.NEAREST).load()
    for seen in list(canvas.percept.objects):
        x, y = canvas.marker(seen)
        if small_mask[x, y] >= 128 and rng.random() < EDIT_SUCCESS:
            canvas.clear(seen)
    return _encode(canvas.image(size))


def remove_background(png: bytes) -> bytes:
    canvas = Canvas.of(png)
    size = Image.open(io.BytesIO(png)).size
    alpha = Image.new("L", canvas.cells.size, 0)
    opaque = alpha.load()
    for seen in canvas.percept.objects:
        for x, y in canvas.cells_of(seen):
            opaque[x, y] = 255
    rgba = canvas.cells.convert("RGBA")
    rgba.putalpha(alpha)
    return _encode(rgba if rgba.size == size else rgba.resize(size, Image.NEAREST))


def outpaint(png: bytes, sides: dict[str, int]) -> bytes:
    canvas = Canvas.of(png)
    width, height = Image.open(io.BytesIO(png)).size
    new_size = (
        width + sides.get("left", 0) + sides.get("right", 0),
        height + sides.get("up", 0) + sides.get("down", 0),
    )
    cells_w, cells_h = pixelcode.internal_size(*new_size)
    scale = cells_w / new_size[0]
    offset = (round(sides.get("left", 0) * scale), round(sides.get("up", 0) * scale))
    grown = Image.new("RGB", (cells_w, cells_h))
    draw = ImageDraw.Draw(grown)
    horizon = offset[1] + int(canvas.cells.size[1] * HORIZON)
    draw.rectangle((0, 0, cells_w, horizon - 1), fill=canvas.upper)
    draw.rectangle((0, horizon, cells_w, cells_h), fill=canvas.lower)
    grown.paste(canvas.cells, offset)
    return _encode(grown if grown.size == new_size else grown.resize(new_size, Image.NEAREST))


def upscale(png: bytes, size: tuple[int, int]) -> bytes:
    image = Image.open(io.BytesIO(png))
    return _encode(image.resize(size, Image.NEAREST))


# -- the provider ----------------------------------------------------------------------------------------------


@dataclass
class OfflineImageServices:
    """Answers InvokeModel for the registry's Image Services; every other request is left to the next handler
    (the offline generators). Its calls and bill are the generators' (one bill for the whole offline Bedrock)."""

    bedrock: OfflineBedrock = field(default_factory=OfflineBedrock)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        faults = self.faults
        self._rng = random.Random(f"{faults.seed}/image-services")
        self._counts: dict[str, int] = {}  # calls per service: throttle_first throttles each one's first N

    @property
    def faults(self) -> FaultSwitches:
        assert self.bedrock.faults is not None
        return self.bedrock.faults

    def install(self, session: Any) -> None:
        """Registered first on InvokeModel, so it answers its services before the generators' handler looks."""
        events = getattr(session, "_session", session).get_component("event_emitter")
        events.register_first(_EVENT, self._answer, unique_id="imagegate-offline-image-services")

    def uninstall(self, session: Any) -> None:
        events = getattr(session, "_session", session).get_component("event_emitter")
        events.unregister(_EVENT, self._answer, unique_id="imagegate-offline-image-services")

    def _answer(self, request: Any, **_: Any) -> Any:
        match = _URL.search(request.url.split("?", 1)[0])
        if not match or unquote(match["model"]) not in registry.image_service_ids():
            return None
        model_id = unquote(match["model"])
        body = json.loads(request.body or b"{}")
        call = Call("InvokeModel", model_id, body)
        with self._lock:
            self.bedrock.calls.append(call)
            number = self._counts[model_id] = self._counts.get(model_id, 0) + 1
            throttled = number <= self.faults.throttle_first or self._rng.random() < self.faults.throttle_rate
        try:
            if throttled:
                raise BedrockError("ThrottlingException", 429, "Too many requests, please wait before trying again.")
            if model_id in self.faults.retired_models:  # the same switches as the generators' (bedrock_offline.py)
                raise BedrockError("ResourceNotFoundException", 404, MODEL_RETIRED)
            if model_id in self.faults.denied_models:
                raise BedrockError("AccessDeniedException", 403, MODEL_ACCESS_DENIED)
            payload = self.invoke(model_id, body)
        except BedrockError as error:
            call.outcome = error.code
            return _response(
                request.url,
                error.status,
                {"message": error.message},
                {"x-amzn-ErrorType": f"{error.code}:http://internal.amazon.com/coral/com.amazon.bedrock/"},
            )
        return _response(request.url, 200, payload)

    def invoke(self, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """One answered call: validated, performed, billed once (a filtered answer too: the image was drawn)."""
        service = registry.image_service(model_id)
        images = validate(service, body)
        source = base64.b64decode(body["image"])
        seed = int(body.get("seed", 0)) or int.from_bytes(hashlib.sha256(source).digest()[:4], "big")
        self.bedrock._charge(BilledCall("InvokeModel", model_id, service.price_per_call_usd, images=1))
        words = " ".join(str(body.get(key, "")) for key in ("prompt", "search_prompt", "select_prompt"))
        if any(word in words.lower() for word in self.faults.blocked_words):
            return {"seeds": [seed], "finish_reasons": [STABILITY_PROMPT_FILTERED], "images": []}
        rng = random.Random(f"{hashlib.sha256(source).hexdigest()}/{model_id}/{json.dumps(body, sort_keys=True)}")
        png = self._perform(service, body, images, source, rng)
        with self._lock:
            withheld = self._rng.random() < self.faults.blocked_output_rate
        if withheld:
            return {"seeds": [seed], "finish_reasons": [STABILITY_OUTPUT_FILTERED], "images": []}
        return {"seeds": [seed], "finish_reasons": [None], "images": [base64.b64encode(png).decode("ascii")]}

    @staticmethod
    def _perform(
        service: registry.ImageService,
        body: dict[str, Any],
        images: dict[str, Image.Image],
        source: bytes,
        rng: random.Random,
    ) -> bytes:
        if not source.startswith(_MAGIC[0]):  # a JPEG input: the world reads PNG cells
            source = _encode(images["image"].convert("RGB"))
        model = service.model_id
        if model == registry.image_service_for("recolor").model_id:
            return recolor(source, body["select_prompt"], body["prompt"], rng)
        if model == registry.image_service_for("replace").model_id:
            return replace(source, body["search_prompt"], body["prompt"], rng)
        if model == registry.image_service_for("erase").model_id:
            mask = images.get("mask")
            if mask is None:  # no mask: the image's alpha channel is the mask
                mask = images["image"].getchannel("A") if images["image"].mode == "RGBA" else Image.new("L", (1, 1))
            return erase(source, mask, rng)
        if model == registry.image_service_for("remove-background").model_id:
            return remove_background(source)
        if model == registry.image_service_for("outpaint").model_id:
            return outpaint(source, {side: int(body.get(side, 0)) for side in ("left", "right", "up", "down")})
        return upscale(source, service.output_size(*images["image"].size))

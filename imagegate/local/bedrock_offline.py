"""An offline bedrock-runtime: answers InvokeModel (Stability's SD3.5 Large, Stable Image Core and Ultra;
Titan Image Generator v2, Nova Canvas) and
Converse (the judge and the rewriter) at the botocore level, with the real wire formats.

It validates request bodies as Bedrock does (a 600-character prompt to Titan is a
ValidationException naming maxLength 512), renders real PNGs with the offline model world, judges
them from their pixels, and rewrites prompts from the judge's suggestions. Fault switches reach
every failure path: throttling, schema-breaking verdicts, refusals, content filters; counted (the first N
calls) or by rate (a seeded share of calls: throttle_rate, garbage_verdict_rate, refuse_verdict_rate,
garbage_evaluation_rate, refuse_evaluation_rate, blocked_output_rate for generated images).

It also keeps its own BILL, independent of what imagegate records: every call it answers with a billable
response, priced from the model registry (the tokens it reported; the images it drew, a filtered one too
where registry.generator(id).bills_filtered_images). Throttled and refused-with-an-error calls are not billed.

Mechanism: a client whose endpoint is not an AWS host (AWS_ENDPOINT_URL_BEDROCK_RUNTIME) is left
alone by moto; a before-send handler on the session answers its requests instead of the network.
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import random
import re
import struct
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import unquote

from botocore.awsrequest import AWSResponse

from imagegate.report import DRAWN_SUFFIX
from imagegate_service import registry
from imagegate_service.adapters.bedrock import STABILITY_OUTPUT_FILTERED, STABILITY_PROMPT_FILTERED
from imagegate_service.constants import EVALUATION_ANSWERS_TOOL, EVALUATION_CHECKS_TOOL, REWRITE_TOOL, VERDICT_TOOL

from .world.edit import edit_drawing, variation_strength
from .world.judge import judge_png
from .world.render import render_drawing
from .world.rewrite import rewrite_prompt

FAULTS_ENV = "IMAGEGATE_OFFLINE_FAULTS"
# What the world drew for an image (render.drawn_description) is written beside it when it is stored in S3:
# <key without .png> + DRAWN_SUFFIX. Only people read it (the console's and the report's overlay); the judge,
# the verifier and the evaluator read the image's key alone and never list its folder.
_S3_PUT = "provide-client-params.s3.PutObject"
MAX_DRAWINGS = 2048  # images drawn and not yet stored: a bound on memory, far above a round's candidates
_EVENTS = ("before-send.bedrock-runtime.InvokeModel", "before-send.bedrock-runtime.Converse")
_URL = re.compile(r"/model/(?P<model>[^/]+)/(?P<action>invoke|converse)$")
INPUT_BLOCKED = (
    "This request has been blocked by our content filters. Please adjust your text prompt to submit a new request."
)
SOME_BLOCKED = "Some of the generated images have been blocked by our content filters."
ALL_BLOCKED = "All of the generated images have been blocked by our content filters."
# Bedrock's answer for a model past its end of life (https://github.com/aws-samples/amazon-bedrock-ai-karaoke/issues/21).
MODEL_RETIRED = (
    "This model version has reached the end of its life. Please refer to the AWS documentation for more details."
)
# Bedrock's answer to an account without access to a model (not subscribed, or not offered in its region), as
# public clients and troubleshooting notes quote it (AccessDeniedException, HTTP 403).
MODEL_ACCESS_DENIED = "You don't have access to the model with the specified model ID."


@dataclass
class FaultSwitches:
    throttle_rate: float = 0.0  # share of calls answered ThrottlingException (seeded, deterministic)
    throttle_first: int = 0  # the first N calls of each operation are throttled
    garbage_verdicts: int = 0  # the first N judge calls return a verdict that breaks the schema
    refuse_verdicts: int = 0  # the first N judge calls refuse in plain text, without the tool
    garbage_evaluations: int = 0  # the first N evaluator answer calls answer ids that were not asked
    refuse_evaluations: int = 0  # the first N evaluator answer calls refuse in plain text, without the tool
    garbage_verdict_rate: float = 0.0  # share of judge calls answered with a verdict that breaks the schema
    refuse_verdict_rate: float = 0.0  # share of judge calls refused in plain text, without the tool
    garbage_evaluation_rate: float = 0.0  # share of evaluator answer calls answering ids that were not asked
    refuse_evaluation_rate: float = 0.0  # share of evaluator answer calls refused in plain text
    blocked_words: tuple[str, ...] = ()  # a prompt with one of these is blocked by the input filter
    blocked_output_rate: float = 0.0  # share of generated images the output filter withholds
    retired_models: tuple[str, ...] = ()  # these model ids answer as Bedrock does past their end of life
    denied_models: tuple[str, ...] = ()  # these model ids answer AccessDeniedException (the account has no access)
    # the offline Rekognition (rekognition_offline.py), apart from Bedrock's switches: the verifier's retry and outage
    rekognition_throttle_first: int = 0  # the first N calls of each Rekognition operation: ThrottlingException
    rekognition_throttle_rate: float = 0.0  # share of Rekognition calls answered ThrottlingException
    rekognition_errors_first: int = 0  # the first N calls of each Rekognition operation: InternalServerError
    rekognition_error_rate: float = 0.0  # share of Rekognition calls answered InternalServerError
    seed: int = 0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> FaultSwitches:
        """Parse IMAGEGATE_OFFLINE_FAULTS, e.g. "throttle_rate=0.3,garbage_verdicts=1,blocked_words=bomb;gore"."""
        text = environ.get(FAULTS_ENV, "").strip()
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, raw = part.partition("=")
            key = key.strip()
            if not sep or key not in known:
                raise ValueError(f"{FAULTS_ENV}: {part!r} is not KEY=VALUE with KEY one of {', '.join(known)}")
            kind = known[key].type
            try:
                if key in ("blocked_words", "retired_models", "denied_models"):
                    values[key] = tuple(w.strip().lower() for w in raw.split(";") if w.strip())
                elif "float" in str(kind):
                    values[key] = float(raw)
                else:
                    values[key] = int(raw)
            except ValueError:
                raise ValueError(f"{FAULTS_ENV}: {key} needs a number, not {raw!r}") from None
        for rate in RATE_SWITCHES:
            if not 0 <= values.get(rate, 0) <= 1:
                raise ValueError(f"{FAULTS_ENV}: {rate} must be between 0 and 1")
        for count in COUNT_SWITCHES:
            if not 0 <= values.get(count, 0) <= MAX_FAULT_COUNT:
                raise ValueError(
                    f"{FAULTS_ENV}: {count} is a number of calls, 0-{MAX_FAULT_COUNT}, not {values[count]}"
                )
        return cls(**values)


# The switches that count calls ("the first N ..."): a negative count is no count, and a count this large would
# never end its fault (a run is a few dozen calls of each operation).
COUNT_SWITCHES = (
    "throttle_first",
    "garbage_verdicts",
    "refuse_verdicts",
    "garbage_evaluations",
    "refuse_evaluations",
    "rekognition_throttle_first",
    "rekognition_errors_first",
)
MAX_FAULT_COUNT = 1_000_000
RATE_SWITCHES = (
    "throttle_rate",
    "blocked_output_rate",
    "garbage_verdict_rate",
    "refuse_verdict_rate",
    "garbage_evaluation_rate",
    "refuse_evaluation_rate",
    "rekognition_throttle_rate",
    "rekognition_error_rate",
)


class BedrockError(Exception):
    def __init__(self, code: str, status: int, message: str):
        super().__init__(message)
        self.code, self.status, self.message = code, status, message


@dataclass
class Call:
    operation: str
    model_id: str
    body: dict[str, Any]
    outcome: str = "ok"


@dataclass(frozen=True)
class BilledCall:
    """One answer the offline provider would be paid for, priced from the registry."""

    operation: str
    model_id: str
    cost_usd: float
    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0  # images drawn (billed), a filtered one included where the model bills it
    filtered_images: int = 0


@dataclass
class OfflineBedrock:
    faults: FaultSwitches | None = None
    calls: list[Call] = field(default_factory=list)
    bill: list[BilledCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.faults = self.faults or FaultSwitches()
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._rng = random.Random(self.faults.seed)
        # the verdict and evaluation rate switches draw from their own seeded streams: turning one on does not
        # move the throttling or output-filter draws of a seed
        self._rate_rngs = {name: random.Random(f"{self.faults.seed}/{name}") for name in RATE_SWITCHES}
        self._drawings: dict[str, dict[str, Any]] = {}  # sha256 of an image answered -> what was drawn
        self._s3: Any = None
        self._session: Any = None

    def billed_usd(self) -> float:
        """What this provider's answers cost so far (rounded to the micro-dollar, as imagegate records costs)."""
        with self._lock:
            return round(sum(entry.cost_usd for entry in self.bill), 6)

    def _draw(self, switch: str) -> bool:
        """True for a seeded share `faults.<switch>` of the calls that ask."""
        with self._lock:
            return self._rate_rngs[switch].random() < getattr(self.faults, switch)

    def _charge(self, entry: BilledCall) -> None:
        with self._lock:
            self.bill.append(entry)

    # -- installation ------------------------------------------------------------------------------
    def install(self, session: Any) -> None:
        events = _events_of(session)
        for event in _EVENTS:
            events.register(event, self._answer, unique_id=f"imagegate-offline-{event}")
        self._session = session
        events.register(_S3_PUT, self._store_drawing, unique_id="imagegate-offline-drawn")

    def uninstall(self, session: Any) -> None:
        events = _events_of(session)
        for event in _EVENTS:
            events.unregister(event, self._answer, unique_id=f"imagegate-offline-{event}")
        events.unregister(_S3_PUT, self._store_drawing, unique_id="imagegate-offline-drawn")

    def _remember_drawing(self, image: bytes, drawn: dict[str, Any]) -> None:
        with self._lock:
            self._drawings[hashlib.sha256(image).hexdigest()] = drawn
            while len(self._drawings) > MAX_DRAWINGS:
                self._drawings.pop(next(iter(self._drawings)))

    def _store_drawing(self, params: dict[str, Any], **_: Any) -> None:
        """An image this provider drew, stored in S3: its drawn.json goes beside it (same bucket)."""
        key, body = str(params.get("Key", "")), params.get("Body")
        if not key.endswith(".png") or not isinstance(body, (bytes, bytearray)):
            return
        with self._lock:
            drawn = self._drawings.get(hashlib.sha256(body).hexdigest())
        if drawn is None:
            return
        if self._s3 is None:
            self._s3 = self._session.client("s3")
        self._s3.put_object(
            Bucket=params["Bucket"],
            Key=key.removesuffix(".png") + DRAWN_SUFFIX,
            Body=(json.dumps(drawn, indent=1) + "\n").encode(),
            ContentType="application/json",
        )

    # -- dispatch ----------------------------------------------------------------------------------
    def _answer(self, request: Any, **_: Any) -> AWSResponse | None:
        match = _URL.search(request.url.split("?", 1)[0])
        if not match:
            return None
        model_id, action = unquote(match["model"]), match["action"]
        if model_id in registry.image_service_ids():
            # answered by image_services_offline.py's handler: botocore's before-send runs every handler (the first
            # response wins), so without this each Image Services call was also logged here as a second, refused call
            return None
        operation = "InvokeModel" if action == "invoke" else "Converse"
        body = json.loads(request.body or b"{}")
        call = Call(operation, model_id, body)
        with self._lock:
            self.calls.append(call)
            number = self._counts[operation] = self._counts.get(operation, 0) + 1
            throttled = number <= self.faults.throttle_first or self._rng.random() < self.faults.throttle_rate
        try:
            if throttled:
                raise BedrockError("ThrottlingException", 429, "Too many requests, please wait before trying again.")
            if model_id in self.faults.retired_models:
                raise BedrockError("ResourceNotFoundException", 404, MODEL_RETIRED)
            if model_id in self.faults.denied_models:
                raise BedrockError("AccessDeniedException", 403, MODEL_ACCESS_DENIED)
            payload = self._invoke(model_id, body) if operation == "InvokeModel" else self._converse(model_id, body)
        except BedrockError as error:
            call.outcome = error.code
            return _response(
                request.url,
                error.status,
                {"message": error.message},
                {"x-amzn-ErrorType": f"{error.code}:http://internal.amazon.com/coral/com.amazon.bedrock/"},
            )
        return _response(request.url, 200, payload)

    # -- InvokeModel: the image generators ------------------------------------------------------------
    def _invoke(self, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
        if model_id not in registry.generator_ids():
            if model_id in registry.text_model_ids():
                raise BedrockError(
                    "ValidationException",
                    400,
                    "Malformed input request: this model does not take TEXT_IMAGE, please reformat your input and try again.",
                )
            raise BedrockError(
                "ResourceNotFoundException",
                404,
                "Could not resolve the foundation model from the provided model identifier.",
            )
        model = registry.generator(model_id)
        if model.family == "stability":
            return self._invoke_stability(model, body)
        task, params, config = _validate_titan_or_canvas(body, model)
        prompt = params.get("text", "")
        if any(word in prompt.lower() for word in self.faults.blocked_words):
            raise BedrockError("ValidationException", 400, INPUT_BLOCKED)
        prompt = _with_native_style(prompt, model, params.get("style"))
        negative = params.get("negativeText", "")
        seed = config.get("seed", 0)
        if task == "TEXT_IMAGE":
            width, height = config["width"], config["height"]
            drawings = [
                render_drawing(prompt, negative, seed, width, height, variant, generator=model.model_id)
                for variant in range(config.get("numberOfImages", 1))
            ]
        else:
            source = _edit_source(params, task, model)
            width, height = _png_dimensions(source)
            if task == "INPAINTING":
                edit = {"strength": 1.0, "mask_prompt": params["maskPrompt"]}
                if "text" not in params:  # no text: remove what the mask covers (the Nova guide's removal)
                    prompt = ""
            else:
                similarity = params.get("similarityStrength", VARIATION_DEFAULT_SIMILARITY)
                floor = float(model.edit_task(task)["similarityStrength"]["min"])
                edit = {"strength": variation_strength(similarity, floor)}
            drawings = [
                edit_drawing(source, prompt, negative, seed, variant=variant, generator=model.model_id, **edit)
                for variant in range(config.get("numberOfImages", 1))
            ]
        images = [png for png, _ in drawings]
        for png, drawn in drawings:
            self._remember_drawing(png, drawn)
        with self._lock:
            kept = [png for png in images if self._rng.random() >= self.faults.blocked_output_rate]
        self._charge_images(model, width, height, config["quality"], len(images), len(kept))
        error = None if len(kept) == len(images) else (ALL_BLOCKED if not kept else SOME_BLOCKED)
        return {"images": [base64.b64encode(png).decode("ascii") for png in kept], "error": error}

    def _invoke_stability(self, model: registry.GeneratorModel, body: dict[str, Any]) -> dict[str, Any]:
        """Stability's text-to-image: one image per call at the aspect ratio's size; a filter answers HTTP 200
        with a finish reason and no image, as Bedrock does."""
        request = _validate_stability(body, model)
        prompt = request["prompt"]
        seed = request.get("seed", 0) or self._rng.randrange(1, model.seed_max + 1)  # 0 asks for a random seed
        if any(word in prompt.lower() for word in self.faults.blocked_words):
            return {"seeds": [seed], "finish_reasons": [STABILITY_PROMPT_FILTERED], "images": []}
        negative = request.get("negative_prompt", "")
        if request.get("mode") == "image-to-image":
            source = _decoded_image(request["image"], "/image")
            width, height = _png_dimensions(source)
            drawn, what = edit_drawing(
                source, prompt, negative, seed, strength=float(request["strength"]), generator=model.model_id
            )
        else:
            width, height = model.aspect_ratios[request.get("aspect_ratio", "1:1")]
            drawn, what = render_drawing(prompt, negative, seed, width, height, generator=model.model_id)
        image = _encoded(drawn, request.get("output_format", "png"))
        self._remember_drawing(image, what)
        with self._lock:
            withheld = self._rng.random() < self.faults.blocked_output_rate
        self._charge_images(model, width, height, _STABILITY_QUALITY, 1, 0 if withheld else 1)
        if withheld:
            return {"seeds": [seed], "finish_reasons": [STABILITY_OUTPUT_FILTERED], "images": []}
        return {"seeds": [seed], "finish_reasons": [None], "images": [base64.b64encode(image).decode("ascii")]}

    def _charge_images(
        self, model: registry.GeneratorModel, width: int, height: int, quality: str, drawn: int, kept: int
    ) -> None:
        """Bill the images a call drew: those delivered, and the filtered ones where the model bills them."""
        billed = drawn if model.bills_filtered_images else kept
        self._charge(
            BilledCall(
                "InvokeModel",
                model.model_id,
                billed * model.price_per_image(width, height, quality),
                images=billed,
                filtered_images=drawn - kept,
            )
        )

    # -- Converse: the judge and the rewriter ---------------------------------------------------------
    def _converse(self, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
        started = time.monotonic()
        if model_id not in registry.text_model_ids(include_offline_only=True):
            raise BedrockError("ValidationException", 400, "The provided model identifier is invalid.")
        messages = body.get("messages") or []
        if not messages or messages[-1].get("role") != "user":
            raise BedrockError("ValidationException", 400, "A conversation must start with a user message.")
        content = messages[-1].get("content") or []
        texts = [block["text"] for block in content if "text" in block]
        images = [_image_bytes(block["image"]) for block in content if "image" in block]
        if images and not registry.text_model(model_id).vision:
            raise BedrockError("ValidationException", 400, f"The model {model_id} does not support image input.")
        _check_roles(messages)
        tool_specs = [t["toolSpec"] for t in (body.get("toolConfig") or {}).get("tools", [])]
        for spec in tool_specs:
            _check_nova_tool_schema(spec)
        tools = {spec["name"] for spec in tool_specs}
        forced = ((body.get("toolConfig") or {}).get("toolChoice") or {}).get("tool", {}).get("name")
        user_text = "\n".join(texts)
        input_tokens = sum(len(t) for t in texts + [s.get("text", "") for s in body.get("system", [])]) // 4
        input_tokens += sum(_image_tokens(png) for png in images)
        if forced in (EVALUATION_CHECKS_TOOL, EVALUATION_ANSWERS_TOOL) and forced in tools:
            blocks, stop = self._evaluation_blocks(model_id, forced, user_text, images)
        elif registry.text_model(model_id).offline_only:
            raise BedrockError(
                "ValidationException",
                400,
                f"{model_id} is the offline world's ground truth: it answers only "
                f"{EVALUATION_CHECKS_TOOL} and {EVALUATION_ANSWERS_TOOL}.",
            )
        elif forced == VERDICT_TOOL and VERDICT_TOOL in tools and images:
            blocks, stop = self._verdict_blocks(images[0], user_text)
        elif forced == REWRITE_TOOL and REWRITE_TOOL in tools:
            blocks, stop = self._rewrite_blocks(user_text)
        else:
            blocks, stop = (
                [{"text": "I can only grade images or rewrite prompts through the requested tool."}],
                "end_turn",
            )
        output_tokens = max(1, len(json.dumps(blocks)) // 4)
        self._charge(
            BilledCall(
                "Converse",
                model_id,
                registry.text_model(model_id).token_cost(input_tokens, output_tokens),
                input_tokens=input_tokens,
                output_tokens=output_tokens,
            )
        )
        return {
            "output": {"message": {"role": "assistant", "content": blocks}},
            "stopReason": stop,
            "usage": {
                "inputTokens": input_tokens,
                "outputTokens": output_tokens,
                "totalTokens": input_tokens + output_tokens,
            },
            "metrics": {"latencyMs": max(1, int((time.monotonic() - started) * 1000))},
        }

    def _verdict_blocks(self, png: bytes, user_text: str) -> tuple[list[dict[str, Any]], str]:
        with self._lock:
            number = self._counts["judge"] = self._counts.get("judge", 0) + 1
        if number <= self.faults.refuse_verdicts or self._draw("refuse_verdict_rate"):
            return [{"text": "I'm sorry, but I can't help evaluate this image."}], "end_turn"
        original = _tagged(user_text, "user_prompt")
        style = _tagged(user_text, "style")
        verdict = judge_png(png, original, None if style in ("", "(none)") else style)
        if number <= self.faults.refuse_verdicts + self.faults.garbage_verdicts or self._draw("garbage_verdict_rate"):
            verdict = {"score": "eight", "explanation": "", "suggestions": "make it better"}  # breaks the schema
        thinking = {
            "text": f"<thinking>Checking the image against the request: {len(verdict.get('checks', []))} checks.</thinking>"
        }
        return [
            thinking,
            {"toolUse": {"toolUseId": f"tooluse_{number:06d}", "name": VERDICT_TOOL, "input": verdict}},
        ], "tool_use"

    def _rewrite_blocks(self, user_text: str) -> tuple[list[dict[str, Any]], str]:
        suggestions = [
            line.strip()
            for line in _tagged(user_text, "suggestions").splitlines()
            if line.strip() and line.strip() != "(none)"
        ]
        limit_text = _tagged(user_text, "max_characters")
        rewrite = rewrite_prompt(
            original_prompt=_tagged(user_text, "original_prompt"),
            current_prompt=_tagged(user_text, "current_prompt"),
            suggestions=suggestions,
            max_chars=int(limit_text) if limit_text.isdigit() else 512,
            negative_prompt=_tagged(user_text, "negative_prompt").replace("(none)", ""),
        )
        return [{"toolUse": {"toolUseId": "tooluse_rewrite", "name": REWRITE_TOOL, "input": rewrite}}], "tool_use"

    # -- Converse: the independent evaluator ---------------------------------------------------------
    def _evaluation_blocks(
        self, model_id: str, tool: str, user_text: str, images: list[bytes]
    ) -> tuple[list[dict[str, Any]], str]:
        """submit_checks: the evaluator's own reading of the prompt (dsg_reading: neither the judge's reading nor
        the generator's parse). submit_answers: the ground-truth evaluator (an offline-only registry model)
        reads the drawn scene exactly and answers "unverifiable" where the world cannot decide (an action or
        depth it does not draw, a setting it has no look for); any other evaluator model sees it through the
        world's imperfect VLM lens (the judge's kind of errors, drawn independently of the judge's: seeded per
        model), which, like a real VLM, answers yes or no."""
        from .world import truth

        if tool == EVALUATION_CHECKS_TOOL:
            checks = truth.checks_from_prompt(_tagged(user_text, "user_prompt"))
            return [{"toolUse": {"toolUseId": "tooluse_checks", "name": tool, "input": {"checks": checks}}}], "tool_use"
        if not images:
            raise BedrockError("ValidationException", 400, f"{tool} needs the image to answer about.")
        with self._lock:
            number = self._counts["evaluate"] = self._counts.get("evaluate", 0) + 1
        if number <= self.faults.refuse_evaluations or self._draw("refuse_evaluation_rate"):
            return [{"text": "I'm sorry, but I can't answer questions about this image."}], "end_turn"
        checks = _checks_asked(_tagged(user_text, "checks"))
        if registry.text_model(model_id).offline_only:
            satisfied: dict[str, bool | None] = truth.answer_checks(images[0], checks)
        else:
            satisfied = _vlm_answers(model_id, images[0], checks)
        answers = [{"id": check["id"], "answer": _ANSWER_WORDS[satisfied[check["id"]]]} for check in checks]
        if number <= self.faults.refuse_evaluations + self.faults.garbage_evaluations or self._draw(
            "garbage_evaluation_rate"
        ):
            answers = [{**entry, "id": f"x{entry['id']}"} for entry in answers]  # ids that were never asked
        return [
            {"toolUse": {"toolUseId": f"tooluse_answers_{number:06d}", "name": tool, "input": {"answers": answers}}}
        ], "tool_use"


# submit_answers' words for a check's truth (prompts/evaluation_answers.schema.json).
_ANSWER_WORDS: dict[bool | None, str] = {True: "yes", False: "no", None: "unverifiable"}


def _vlm_answers(model_id: str, png: bytes, checks: list[dict[str, Any]]) -> dict[str, bool]:
    """A Bedrock vision model's yes/no answers offline: the world's VLM lens, seeded by image and model; the checks
    are answered together (vlm.answers), so a compound drawn as one thing is found as the ground truth finds it."""
    import hashlib

    from .world import vlm
    from .world.perceive import perceive

    percept, digest = perceive(png), hashlib.sha256(png + model_id.encode("utf-8")).hexdigest()
    return vlm.answers(checks, percept, digest)


def _checks_asked(block: str) -> list[dict[str, Any]]:
    """The checks of a submit_answers request: one JSON object per line (as the evaluator sends them)."""
    try:
        checks = [json.loads(line) for line in block.splitlines() if line.strip()]
    except ValueError as error:
        raise BedrockError(
            "ValidationException", 400, f"The checks are not one JSON object per line: {error}"
        ) from None
    if not all(isinstance(check, dict) and isinstance(check.get("id"), str) for check in checks):
        raise BedrockError("ValidationException", 400, "Every check needs a string id.")
    return checks


def _events_of(session: Any) -> Any:
    """The event system of a boto3 Session or a botocore session."""
    return getattr(session, "_session", session).get_component("event_emitter")


def _invalid(path: str, problem: str) -> BedrockError:
    """Bedrock's answer to a body that breaks the model's request schema."""
    return BedrockError(
        "ValidationException",
        400,
        f"Malformed input request: #{path}: {problem}, please reformat your input and try again.",
    )


_TEXT_IMAGE_PARAMS = "textToImageParams"
# Task types Titan v2 and Nova Canvas take that imagegate never sends (the offline world does not draw them).
_UNDRAWN_TASKS = ("OUTPAINTING", "BACKGROUND_REMOVAL", "COLOR_GUIDED_GENERATION", "VIRTUAL_TRY_ON")
_TASK_KEYS = {
    "TEXT_IMAGE": ({"text", "negativeText"}, {"text"}),
    "IMAGE_VARIATION": ({"text", "negativeText", "images", "similarityStrength"}, {"images"}),
    "INPAINTING": ({"image", "text", "negativeText", "maskPrompt", "maskImage"}, {"image"}),
}
# IMAGE_VARIATION's similarityStrength when the request leaves it out (the Nova guide's examples use 0.7).
VARIATION_DEFAULT_SIMILARITY = 0.7


def _validate_titan_or_canvas(
    body: dict[str, Any], model: registry.GeneratorModel
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Check a Titan v2 / Nova Canvas body as Bedrock does: (task type, its params, imageGenerationConfig)."""
    task = body.get("taskType")
    if task in _UNDRAWN_TASKS:
        raise _invalid("/taskType", f"{task} is not drawn offline (TEXT_IMAGE, IMAGE_VARIATION and INPAINTING are)")
    if task != "TEXT_IMAGE" and task not in model.edit_tasks:
        raise _invalid("/taskType", f"{task!r} is not a valid enum value")
    field = _TEXT_IMAGE_PARAMS if task == "TEXT_IMAGE" else model.edit_task(task)["paramsField"]
    extra = set(body) - {"taskType", field, "imageGenerationConfig"}
    if extra:
        raise _invalid("", f"extraneous key [{sorted(extra)[0]}] is not permitted")
    params = body.get(field)
    if not isinstance(params, dict):
        raise _invalid("", f"required key [{field}] not found")
    allowed, required = _TASK_KEYS[task]
    if task == "TEXT_IMAGE" and model.style_values:
        allowed = allowed | {"style"}
    extra = set(params) - allowed
    if extra:
        raise _invalid(f"/{field}", f"extraneous key [{sorted(extra)[0]}] is not permitted")
    for key in sorted(required - set(params)):
        raise _invalid(f"/{field}", f"required key [{key}] not found")
    limits = [("text", model.prompt_max_chars), ("negativeText", model.negative_prompt_max_chars)]
    if task == "INPAINTING":
        limits.append(("maskPrompt", int(model.edit_task(task)["maskPromptMaxChars"])))
    for key, limit in limits:
        if key in params:
            _check_text(f"/{field}/{key}", params[key], limit)
    if "style" in params and params["style"] not in model.style_values:
        raise _invalid(f"/{field}/style", f"{params['style']} is not a valid enum value")
    if task == "IMAGE_VARIATION":
        rule = model.edit_task(task)
        images = params["images"]
        if not isinstance(images, list) or not rule["images"]["min"] <= len(images) <= rule["images"]["max"]:
            raise _invalid(
                f"/{field}/images", f"expected {rule['images']['min']}-{rule['images']['max']} base64 images"
            )
        for index, image in enumerate(images):
            _decoded_image(image, f"/{field}/images/{index}")
        if "similarityStrength" in params:
            low, high = rule["similarityStrength"]["min"], rule["similarityStrength"]["max"]
            _check_number(f"/{field}/similarityStrength", params["similarityStrength"], low, high)
    if task == "INPAINTING":
        _decoded_image(params["image"], f"/{field}/image")
        masks = [key for key in model.edit_task(task)["maskFields"] if key in params]
        if len(masks) != 1:
            raise _invalid(f"/{field}", "exactly one of maskPrompt and maskImage is required")
        if masks[0] == "maskImage":
            raise _invalid(f"/{field}/maskImage", "a mask image is not drawn offline; send maskPrompt")
    config = body.get("imageGenerationConfig") or {}
    extra = set(config) - {"numberOfImages", "quality", "width", "height", "cfgScale", "seed"}
    if extra:
        raise _invalid("/imageGenerationConfig", f"extraneous key [{sorted(extra)[0]}] is not permitted")
    sizes = {"width": 1024, "height": 1024} if task == "TEXT_IMAGE" else {}
    config = {"numberOfImages": 1, "quality": "standard", **sizes, **config}
    count_range = model.spec["imagesPerRequest"]
    _check_number(
        "/imageGenerationConfig/numberOfImages", config["numberOfImages"], count_range["min"], count_range["max"], int
    )
    if config["quality"] not in ("standard", "premium"):
        raise _invalid("/imageGenerationConfig/quality", f"{config['quality']} is not a valid enum value")
    cfg_range = model.cfg_scale_range
    if "cfgScale" in config and cfg_range is not None:
        _check_number("/imageGenerationConfig/cfgScale", config["cfgScale"], cfg_range[0], cfg_range[1])
    if "seed" in config:
        _check_number("/imageGenerationConfig/seed", config["seed"], 0, model.seed_max, int)
    for side in ("width", "height"):
        if side in config and (not isinstance(config[side], int) or isinstance(config[side], bool)):
            raise _invalid(f"/imageGenerationConfig/{side}", "expected type: Integer")
    if "width" in config or "height" in config:
        problem = model.size_problem(config.get("width", 0), config.get("height", 0))
        if problem:
            raise _invalid("/imageGenerationConfig", problem)
    return task, params, config


def _check_text(path: str, value: Any, limit: int) -> None:
    if not isinstance(value, str):
        raise _invalid(path, "expected type: String")
    if len(value) < 1:
        raise _invalid(path, f"expected minLength: 1, actual: {len(value)}")
    if len(value) > limit:
        raise _invalid(path, f"expected maxLength: {limit}, actual: {len(value)}")


def _check_number(path: str, value: Any, low: float, high: float, kind: Any = (int, float)) -> None:
    """A number of the given kind within [low, high], or Bedrock's ValidationException naming the path."""
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _invalid(path, "expected type: Number")
    if value < low:
        raise _invalid(path, f"{value} is not greater or equal to {low}")
    if value > high:
        raise _invalid(path, f"{value} is not less or equal to {high}")


def _decoded_image(value: Any, path: str) -> bytes:
    """A base64 input image (PNG or JPEG, as the image models take), or Bedrock's ValidationException."""
    if not isinstance(value, str) or not value:
        raise _invalid(path, "expected type: String (a base64-encoded PNG or JPEG image)")
    try:
        data = base64.b64decode(value, validate=True)
    except (ValueError, TypeError):
        raise _invalid(path, "the image is not valid base64") from None
    if not (data.startswith(_MAGIC["png"]) or data.startswith(_MAGIC["jpeg"])):
        raise _invalid(path, "the image must be a PNG or JPEG")
    return data


def _png_dimensions(image: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(image)).size


def _edit_source(params: dict[str, Any], task: str, model: registry.GeneratorModel) -> bytes:
    """The image an edit starts from (IMAGE_VARIATION's first reference image), at a size the model draws."""
    source = base64.b64decode(params["images"][0] if task == "IMAGE_VARIATION" else params["image"])
    problem = model.size_problem(*_png_dimensions(source))
    if problem:
        raise BedrockError("ValidationException", 400, f"The input image has an unsupported size: {problem}.")
    return source


def _with_native_style(prompt: str, model: registry.GeneratorModel, style: str | None) -> str:
    """The world draws a native style (Nova Canvas's style field) as it draws the preset's phrase."""
    if not style:
        return prompt
    from imagegate_service import styles

    phrase = next(
        (p.prompt for p in styles.presets().values() if p.native.get(model.family) == style),
        style.replace("_", " ").lower(),
    )
    return f"{prompt}, {phrase}"


# Stability's image models have one price per image (the registry's "standard" tier; no quality setting on Bedrock).
_STABILITY_QUALITY = "standard"
# Stability's request fields on Bedrock (the model pages for SD3.5 Large, Stable Image Core and Ultra).
STABILITY_FIELDS = ("prompt", "negative_prompt", "mode", "aspect_ratio", "seed", "output_format")
STABILITY_IMAGE_TO_IMAGE_FIELDS = ("image", "strength")


def _validate_stability(body: dict[str, Any], model: registry.GeneratorModel) -> dict[str, Any]:
    """Check a Stability body as Bedrock does: known keys, types, lengths, enum values and the seed range."""
    extra = sorted(set(body) - set(STABILITY_FIELDS) - set(STABILITY_IMAGE_TO_IMAGE_FIELDS))
    if extra:
        raise _invalid("", f"extraneous key [{extra[0]}] is not permitted")
    if "prompt" not in body:
        raise _invalid("", "required key [prompt] not found")
    for key, limit in (("prompt", model.prompt_max_chars), ("negative_prompt", model.negative_prompt_max_chars)):
        if key not in body:
            continue
        if not isinstance(body[key], str):
            raise _invalid(f"/{key}", "expected type: String")
        if len(body[key]) > limit:
            raise _invalid(f"/{key}", f"expected maxLength: {limit}, actual: {len(body[key])}")
    if not body["prompt"].strip():
        raise _invalid("/prompt", "expected minLength: 1, actual: 0")
    mode = body.get("mode", "text-to-image")
    modes = ["text-to-image", *((model.edit or {}).get("modes", []))]
    if mode not in modes:
        raise _invalid("/mode", f"{mode} is not a valid enum value")
    if mode == "text-to-image":
        for key in STABILITY_IMAGE_TO_IMAGE_FIELDS:
            if key in body:
                raise _invalid(f"/{key}", "is only valid in image-to-image mode")
    else:
        for key in STABILITY_IMAGE_TO_IMAGE_FIELDS:
            if key not in body:
                raise _invalid("", f"required key [{key}] not found")
        _decoded_image(body["image"], "/image")
        low, high = model.edit_strength_range or (0.0, 1.0)
        _check_number("/strength", body["strength"], low, high)
    if "aspect_ratio" in body and body["aspect_ratio"] not in model.aspect_ratios:
        raise _invalid("/aspect_ratio", f"{body['aspect_ratio']} is not a valid enum value")
    if "seed" in body:
        seed = body["seed"]
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise _invalid("/seed", "expected type: Integer")
        if seed < 0:
            raise _invalid("/seed", f"{seed} is not greater or equal to 0")
        if seed > model.seed_max:
            raise _invalid("/seed", f"{seed} is not less or equal to {model.seed_max}")
    if "output_format" in body and body["output_format"] not in model.output_formats:
        raise _invalid("/output_format", f"{body['output_format']} is not a valid enum value")
    return body


def _encoded(png: bytes, output_format: str) -> bytes:
    """The rendered PNG in the format the request asked for."""
    if output_format == "png":
        return png
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(out, format=output_format.upper())
    return out.getvalue()


# Nova accepts only these keys at the top level of a tool's JSON schema (no $schema, title, additionalProperties).
NOVA_TOOL_SCHEMA_TOP_LEVEL = frozenset({"type", "properties", "required"})


def _check_nova_tool_schema(spec: dict[str, Any]) -> None:
    schema = (spec.get("inputSchema") or {}).get("json")
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise BedrockError(
            "ValidationException", 400, f"The tool {spec.get('name')!r} needs an inputSchema.json of type object."
        )
    extra = sorted(set(schema) - NOVA_TOOL_SCHEMA_TOP_LEVEL)
    if extra:
        raise BedrockError(
            "ValidationException",
            400,
            f"The tool {spec.get('name')!r} has unsupported top-level schema keys {extra}; "
            f"only {sorted(NOVA_TOOL_SCHEMA_TOP_LEVEL)} are allowed.",
        )


def _check_roles(messages: list[dict[str, Any]]) -> None:
    roles = [message.get("role") for message in messages]
    if roles[0] != "user" or any(a == b for a, b in itertools.pairwise(roles)):
        raise BedrockError(
            "ValidationException",
            400,
            "A conversation must start with a user message and alternate user and assistant roles.",
        )


_MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff", "gif": b"GIF8", "webp": b"RIFF"}


def _image_bytes(image: dict[str, Any]) -> bytes:
    declared = image.get("format")
    if declared not in _MAGIC:
        raise BedrockError("ValidationException", 400, f"The image format {declared!r} is not supported.")
    data = base64.b64decode((image.get("source") or {}).get("bytes") or "")
    if not data.startswith(_MAGIC[declared]):
        raise BedrockError(
            "ValidationException", 400, f"The provided image does not match the declared format {declared}."
        )
    return data


def _image_tokens(png: bytes) -> int:
    """About 1,300-2,600 input tokens for a 1024x1024 image, scaled by pixels (read from the PNG header)."""
    if png[12:16] != b"IHDR":
        return 1600
    width, height = struct.unpack(">II", png[16:24])
    return max(85, int(1800 * width * height / (1024 * 1024)))


def _tagged(text: str, tag: str) -> str:
    match = re.search(rf"<{tag}>\s*(.*?)\s*</{tag}>", text, re.DOTALL)
    return match.group(1).strip() if match else ""


class _RawBody:
    """What botocore reads an HTTP body through: read() for streams, stream() for whole payloads."""

    def __init__(self, data: bytes):
        self._buffer = io.BytesIO(data)

    def read(self, amt: int | None = None, **_: Any) -> bytes:
        return self._buffer.read() if amt is None else self._buffer.read(amt)

    def stream(self, **_: Any):
        yield self._buffer.read()

    def close(self) -> None:
        pass


def _response(url: str, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> AWSResponse:
    data = json.dumps(payload).encode("utf-8")
    all_headers = {
        "Content-Type": "application/json",
        "Content-Length": str(len(data)),
        "x-amzn-RequestId": "offline-" + str(abs(hash(data)) % 10**12),
        **(headers or {}),
    }
    return AWSResponse(url, status, all_headers, _RawBody(data))

"""Generate Images: the round's candidates, in as few Bedrock calls as the model allows (Titan and Nova
Canvas draw up to five per call; Stability one), each PNG stored under the round.

Each call is billed in the spend ledger as soon as Bedrock answers. What a call delivered is noted in the
round's generation.json, so a retried task (a later call was throttled or unusable) reuses the images it
already paid for and repeats only the calls that failed. The round's images are exactly the keys returned:
any candidate key a retry does not reuse is deleted.

A Stability round is up to five calls of one image, each allowed Bedrock's 300 s read timeout, in one invocation of
330 s: before each call after the first, the task checks that what is left of the invocation covers its slowest
call so far (with a margin); when it does not, it raises RoundUnfinished, which the state machine retries at once,
and the next attempt makes only the missing calls. A call that hangs past the function's timeout anyway surfaces as
Lambda.Unknown, retried too (statemachine/quality_loop.asl.json), with the same resumption.

A targeted round (strategy targeted: Rewrite Prompt chose a recolor, replace or erase of the best image) makes its
candidates with one Stability AI Image Services call each instead of the generator, billed, noted and resumed the
same way. When that service cannot be used (refused to the account: AccessDeniedException, not subscribed, IAM;
retired; ResourceNotFoundException; not in the region: enhancing.unavailable_reason), and no edit of the round was
answered yet, the round draws its prompt with the generator instead (with the seed Rewrite Prompt chose for that:
refining.fallback_seed) rather than failing the run: generation.json keeps the reason (`targetedFallback`), so a
retried task draws without asking the service again, and $.generation.targetedFallback tells Record Round, which
records the round as drawn. The refused call was not answered, so it is not billed (its reservation is given back:
domain/spend.py); the drawn calls are billed like any round's, within maxCostUsd and the daily budget. A refusal
after an edit was answered still fails the task: the round does not change course half made."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.domain.enhancing import ServiceRequest, parse_operation, unavailable_reason
from imagegate_service.domain.ports import (
    EditRequest,
    GeneratedImages,
    ImageGenerator,
    ImageRequest,
    ImageServices,
    ObjectStore,
)
from imagegate_service.domain.refining import fallback_seed, public_edit, targeted, targeted_as_operation
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.domain.state import Edit, Generation, GenerationCall, LoopStep, TargetedFallback
from imagegate_service.errors import ImagegateError, ImagesFiltered, ModelTransientError, RoundUnfinished

# The most candidates a round can have (run_request.schema.json, candidatesPerRound.maximum): every candidate key
# a round could have left behind is within it.
MAX_CANDIDATE_KEYS = 5
# Another call is made only while the invocation's remaining time is at least the slowest call seen for this round
# (this attempt's or an earlier one's, from generation.json) times CALL_TIME_FACTOR plus CALL_TIME_MARGIN_MS: the
# margin covers writing the images, generation.json and the ledger after the call.
CALL_TIME_FACTOR = 1.5
CALL_TIME_MARGIN_MS = 10_000
# A targeted round's fallback keeps this much of the refusal's message (Bedrock's words and what to do about them).
FALLBACK_REASON_MAX_CHARS = 500


def call_plan(model: registry.GeneratorModel, candidates: int) -> list[tuple[int, int]]:
    """(first candidate, count) of each call: as many images per call as the model takes."""
    per_call = max(1, int(model.spec["imagesPerRequest"]["max"]))
    return [(first, min(per_call, candidates - first + 1)) for first in range(1, candidates + 1, per_call)]


@dataclass(frozen=True)
class CallMaker:
    """How a round's images are made: the model billed, its price per image, the calls (first candidate, count)
    and one call (first, count, on_answered) -> GeneratedImages."""

    model_id: str
    price: float
    plan: list[tuple[int, int]]
    bills_filtered_images: bool
    make: Callable[[int, int, Callable[[], None]], GeneratedImages]


class RoundGenerator:
    def __init__(
        self,
        generator: ImageGenerator,
        images: ObjectStore,
        ledger: SpendLedger,
        clock: Callable[[], float] = time.monotonic,
        make_services: Callable[[], ImageServices] | None = None,
    ):
        """`clock` times the calls (seconds; tests give one that advances as their fake model answers);
        `make_services` makes the Stability AI Image Services a targeted round calls, on its first such round (the
        wiring gives the Bedrock adapter; a generator without it cannot make a targeted round)."""
        self._clock = clock
        self._generator = generator
        self._images = images
        self._ledger = ledger
        self._make_services = make_services
        self._made_services: ImageServices | None = None

    @property
    def _services(self) -> ImageServices:
        if self._made_services is None:
            if self._make_services is None:
                raise ValueError("a targeted round needs the image services, and none were wired")
            self._made_services = self._make_services()
        return self._made_services

    def generate(self, state: LoopStep, remaining_ms: Callable[[], int] | None = None) -> Generation:
        """The round's images. `remaining_ms` is the invocation's time left (the Lambda context's
        get_remaining_time_in_millis); None: no limit (a caller outside Lambda)."""
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        round_number = loop["round"]
        model = registry.generator(settings["generator"])
        started = self._clock()
        fallback: TargetedFallback | None = None
        if targeted(loop.get("edit")):
            fallback = self._kept_fallback(state)
            if fallback is None:
                call_maker: CallMaker = self._targeted_calls(state)
                try:
                    done = self._make_calls(state, call_maker, remaining_ms)
                except ImagegateError as error:
                    fallback = self._fall_back(state, call_maker.model_id, error)
                    if fallback is None:
                        raise
            if fallback is not None:
                call_maker = self._generator_calls(state, model, fallback)
                done = self._make_calls(state, call_maker, remaining_ms, fallback)
        else:
            call_maker = self._generator_calls(state, model)
            done = self._make_calls(state, call_maker, remaining_ms)
        keys = [key for call in sorted(done.values(), key=lambda call: call["first"]) for key in call["keys"]]
        self._delete_unlisted(run_id, round_number, keys)
        filtered = sum(call["filtered"] for call in done.values())
        cost = sum(call["costUsd"] for call in done.values())
        if not keys:
            if filtered:
                raise ImagesFiltered(
                    f"All of the generated images of round {round_number} have been blocked by "
                    f"the content filter ({filtered} of {settings['candidatesPerRound']})."
                )
            raise ModelTransientError(f"{call_maker.model_id} delivered no usable image in round {round_number}")
        generation: Generation = {
            "round": round_number,
            "imageKeys": keys,
            "filtered": filtered,
            "costUsd": round(cost, 6),
            "durationMs": int((self._clock() - started) * 1000),
        }
        if fallback is not None:
            generation["targetedFallback"] = fallback
        return generation

    def _kept_fallback(self, state: LoopStep) -> TargetedFallback | None:
        """The fallback an earlier attempt of this targeted round decided (generation.json), so a retried task
        draws on without asking the refusing service again; None when there was none."""
        loop = state["loop"]
        earlier = self._images.find_json(c.generation_key(state["runId"], loop["round"])) or {}
        kept = earlier.get("targetedFallback")
        seed = fallback_seed(loop)
        if isinstance(kept, dict) and earlier.get("seed") == seed and kept.get("seed") == seed:
            return cast("TargetedFallback", kept)
        return None

    def _fall_back(self, state: LoopStep, model_id: str, error: ImagegateError) -> TargetedFallback | None:
        """The fallback of a targeted round whose service refused its call for good (enhancing.unavailable_reason),
        noted in generation.json before anything is drawn; None (the error stands) for any other failure, or when
        an edit of the round was already answered (it is billed and noted: the round is not changed midway)."""
        reason = unavailable_reason(error)
        if reason is None:
            return None
        loop, run_id = state["loop"], state["runId"]
        progress_key = c.generation_key(run_id, loop["round"])
        earlier = self._images.find_json(progress_key) or {}
        if earlier.get("seed") == loop["seed"] and earlier.get("calls"):
            return None
        edit = public_edit(loop.get("edit"))
        if edit is None:  # only a targeted round falls back, and it carries its edit
            return None
        fallback: TargetedFallback = {
            "edit": edit,
            "modelId": model_id,
            "reason": reason[:FALLBACK_REASON_MAX_CHARS],
            "seed": fallback_seed(loop),
        }
        self._images.put_json(
            progress_key, {"round": loop["round"], "seed": fallback["seed"], "calls": {}, "targetedFallback": fallback}
        )
        return fallback

    def _generator_calls(
        self, state: LoopStep, model: registry.GeneratorModel, fallback: TargetedFallback | None = None
    ) -> CallMaker:
        """The round drawn (or edited) by the run's generator: as many images per call as it takes. With a
        targeted round's `fallback`: its prompt drawn, with the fallback's seed, no edit."""
        settings, loop = state["settings"], state["loop"]
        request = ImageRequest(
            model_id=model.model_id,
            prompt=loop["prompt"],
            negative_prompt=loop["negativePrompt"],
            seed=fallback["seed"] if fallback else loop["seed"],
            width=settings["width"],
            height=settings["height"],
            count=settings["candidatesPerRound"],
            quality=settings["quality"],
            cfg_scale=settings.get("cfgScale"),  # Titan and Canvas only
            style=settings.get("style"),
            edit=None if fallback else self._edit_request(loop.get("edit")),
        )
        return CallMaker(
            model_id=model.model_id,
            price=model.price_per_image(settings["width"], settings["height"], settings["quality"]),
            plan=call_plan(model, settings["candidatesPerRound"]),
            bills_filtered_images=model.bills_filtered_images,
            make=lambda first, count, on_answered: self._generator.generate_call(request, first, count, on_answered),
        )

    def _targeted_calls(self, state: LoopStep) -> CallMaker:
        """A targeted round (strategy targeted): one Stability AI Image Services call per candidate on the best
        image, candidate n with seed + n - 1, each one image; an answered call is billed whatever its image
        (Stability's filter answers with HTTP 200, as the enhance workflow counts it)."""
        loop = state["loop"]
        edit = loop["edit"]
        if edit is None:  # generate() makes targeted calls only for a round that carries a targeted edit
            raise ValueError(f"round {loop['round']} has no edit to make")
        operation = parse_operation(0, targeted_as_operation(edit))
        source = self._images.get_bytes(edit["sourceImageKey"])
        mask = self._images.get_bytes(edit["maskKey"]) if edit.get("maskKey") else None
        services = self._services

        def make(first: int, count: int, on_answered: Callable[[], None]) -> GeneratedImages:
            request = ServiceRequest(
                operation, source, seed=int(loop["seed"]) + first - 1, context_prompt=loop["prompt"], mask_png=mask
            )
            return GeneratedImages(images=[services.apply(request, on_answered)], requested=1, filter_message=None)

        count = int(state["settings"]["candidatesPerRound"])
        return CallMaker(
            model_id=operation.model_id,
            price=operation.price_usd,
            plan=[(first, 1) for first in range(1, count + 1)],
            bills_filtered_images=True,
            make=make,
        )

    def _make_calls(
        self,
        state: LoopStep,
        calls: CallMaker,
        remaining_ms: Callable[[], int] | None,
        fallback: TargetedFallback | None = None,
    ) -> dict[str, GenerationCall]:
        """Every call of the round's plan that generation.json does not hold, each billed and noted there (with the
        round's `fallback`, when it fell back to drawing)."""
        loop, run_id = state["loop"], state["runId"]
        round_number = loop["round"]
        seed = fallback["seed"] if fallback else loop["seed"]
        progress_key = c.generation_key(run_id, round_number)
        earlier = self._images.find_json(progress_key) or {}
        done: dict[str, GenerationCall] = earlier.get("calls", {}) if earlier.get("seed") == seed else {}
        noted = {"targetedFallback": fallback} if fallback else {}
        made = 0
        for first, count in calls.plan:
            if str(first) in done:
                continue  # delivered (and billed) by an earlier attempt of this task
            if made and remaining_ms is not None:
                slowest = max(int(call.get("durationMs", 0)) for call in done.values())
                needed = int(slowest * CALL_TIME_FACTOR) + CALL_TIME_MARGIN_MS
                left = remaining_ms()
                if left < needed:
                    raise RoundUnfinished(
                        f"round {round_number}: {len(done)} of {len(calls.plan)}"
                        f" calls made; {left} ms left of the invocation, another call may need {needed} ms"
                    )
            call_started = self._clock()
            done[str(first)] = self._call(state, calls, first, count)
            done[str(first)]["durationMs"] = int((self._clock() - call_started) * 1000)
            made += 1
            self._images.put_json(progress_key, {"round": round_number, "seed": seed, "calls": done, **noted})
        return done

    def _edit_request(self, edit: Edit | None) -> EditRequest | None:
        """The round's edit (Rewrite Prompt chose it): the state names the source image's key, read here."""
        if not edit:
            return None
        return EditRequest(
            source_png=self._images.get_bytes(edit["sourceImageKey"]),
            task=edit["task"],
            strength=edit.get("strength"),
            similarity_strength=edit.get("similarityStrength"),
            mask_prompt=edit.get("maskPrompt"),
        )

    def _call(self, state: LoopStep, calls: CallMaker, first: int, count: int) -> GenerationCall:
        """One billed call for candidates first..first+count-1: its images stored, what it delivered."""
        run_id, round_number = state["runId"], state["loop"]["round"]
        price = calls.price
        with self._ledger.call(
            state,
            round_number=round_number,
            step=c.STEP_GENERATE,
            candidate=first,
            model_id=calls.model_id,
            bound_usd=count * price,
        ) as billed:
            try:
                result = calls.make(first, count, lambda: billed.answered(count * price))
            except ImagesFiltered:
                if not calls.bills_filtered_images:
                    billed.answered(0.0, c.CALL_FILTERED)
                billed.outcome = c.CALL_FILTERED
                return {"first": first, "keys": [], "filtered": count, "costUsd": billed.cost_usd}
            delivered = len(result.images)
            if not calls.bills_filtered_images:
                billed.cost_usd = delivered * price
            if delivered < count:
                billed.outcome = c.CALL_FILTERED
        keys = []
        for offset, png in enumerate(result.images):
            key = c.candidate_key(run_id, round_number, first + offset)
            self._images.put_png(key, png)
            keys.append(key)
        return {"first": first, "keys": keys, "filtered": count - delivered, "costUsd": billed.cost_usd}

    def _delete_unlisted(self, run_id: str, round_number: int, keys: list[str]) -> None:
        """A retry that delivered fewer images must not leave an earlier attempt's candidate behind."""
        stale = [c.candidate_key(run_id, round_number, n) for n in range(1, MAX_CANDIDATE_KEYS + 1)]
        self._images.delete_keys([key for key in stale if key not in keys])

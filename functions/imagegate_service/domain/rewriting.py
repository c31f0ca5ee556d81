"""Rewrite Prompt: turn the judge's suggestions into the next round's prompt, within the generator's
character limit, with the best earlier prompts as context."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from imagegate_service import constants as c
from imagegate_service import prompts, registry, styles
from imagegate_service.domain.answers import answer_outcome, as_data, validated
from imagegate_service.domain.costs import rewrite_call_bound
from imagegate_service.domain.enhancements import boxes_of, mask_png
from imagegate_service.domain.enhancing import parse_operation
from imagegate_service.domain.judging import best_candidate
from imagegate_service.domain.masks import detect_for_mask
from imagegate_service.domain.model_calls import fit_to_limit, png_size
from imagegate_service.domain.ports import ImageDetector, ObjectStore, RunRepository, ToolCaller
from imagegate_service.domain.refining import failed_seen, plan_edit, plan_targeted, targeted_as_operation
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.domain.state import (
    Edit,
    JudgedStep,
    Loop,
    RewriteDocument,
    RoundItem,
    ScoredPrompt,
    Settings,
    ToolRequest,
    VerdictDocument,
)
from imagegate_service.domain.verifying import verification_suggestions
from imagegate_service.errors import InvalidRewrite, VerifierFailed, VerifierThrottled, VerifierTransientError

REWRITE_SCHEMA = "rewrite.schema.json"
HISTORY_SIZE = 3
MAX_CHANGES = 8  # rewrite.schema.json's changes.maxItems


class PromptRewriter:
    def __init__(
        self,
        models: ToolCaller,
        images: ObjectStore,
        runs: RunRepository,
        ledger: SpendLedger,
        make_detector: Callable[[], ImageDetector] | None = None,
    ):
        """`make_detector` makes the detector a targeted erase draws its mask with (strategy targeted), on the
        first erase (the wiring gives Rekognition's adapter; without it an erase regenerates instead)."""
        self._models = models
        self._images = images
        self._runs = runs
        self._ledger = ledger
        self._make_detector = make_detector
        self._made_detector: ImageDetector | None = None

    @property
    def _detector(self) -> ImageDetector:
        if self._made_detector is None:
            if self._make_detector is None:
                raise VerifierFailed("no detector was wired to draw the erase's mask")
            self._made_detector = self._make_detector()
        return self._made_detector

    def rewrite(self, state: JudgedStep) -> Loop:
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        if settings.get("strategy") == c.STRATEGY_REDRAW:
            return self._redraw(settings, loop, run_id)
        if settings.get("strategy") == c.STRATEGY_REWORD:
            return self._reword(state)
        verdict_doc = self._images.get_json(state["judgement"]["verdictKey"])
        best = best_candidate(verdict_doc)
        suggestions = best["verdict"]["suggestions"]
        # refine / auto: the next round may edit the best image so far, fixing what ITS verdict found wrong
        best_doc = verdict_doc
        if int(loop.get("bestRound", 0)) not in (0, loop["round"]):
            best_doc = self._images.get_json(c.verdict_key(run_id, int(loop["bestRound"])))
        edit = plan_edit(settings, loop, best_candidate(best_doc)["verdict"])
        review = state["judgement"].get("review")
        rejected = review is not None and review.get("decision") == c.REVIEW_REJECT
        note: RewriteDocument = {}
        if settings.get("strategy") == c.STRATEGY_TARGETED and not rejected:  # a person's words need a rewrite
            targeted_edit, skipped = self._plan_targeted(state, best_doc)
            if targeted_edit is not None:
                return self._targeted(state, targeted_edit, {**loop, "prompt": best_doc["prompt"]})
            note = {"targetedSkipped": skipped} if skipped else {}
        base = loop
        if edit is not None and best_doc is not verdict_doc:
            suggestions = best_candidate(best_doc)["verdict"]["suggestions"]
            base = {**loop, "prompt": best_doc["prompt"]}  # the edit starts from that round's image and prompt
        # the verifier's findings on this round's image lead (what a detector saw wrong where the judge passed it)
        if edit is None or best_doc is verdict_doc:
            found = verification_suggestions(state["judgement"].get("verification"), self._images)
            suggestions = [*found, *suggestions]
        if review is not None and rejected:  # a person rejected the round: their feedback leads
            suggestions = [review["feedback"], *suggestions]
        return self._rewritten(state, suggestions, edit, base, self._runs.list_rounds(run_id), note=note)

    def _plan_targeted(self, state: JudgedStep, best_doc: VerdictDocument) -> tuple[Edit | None, str | None]:
        """strategy targeted: the targeted edit of the best image its failed checks call for (the judge's, and the
        verifier's when it grounded that image), or None to regenerate, with why a planned edit was given up. An
        erase needs a mask: the detector's boxes of the object (one billed DetectLabels call in the round it
        prepares, kept beside that round so a retried task does not pay twice); when the detector sees no such
        object, or cannot answer (throttled, failing: as the gate falls back to the judge when the verifier is
        unavailable, the round falls back to regenerating rather than failing the run), the round regenerates."""
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        verification = self._images.find_json(c.verification_key(run_id, int(loop["bestRound"])))
        if not verification or verification.get("imageKey") != loop["bestImageKey"]:
            verification = None
        failed = failed_seen(best_candidate(best_doc)["verdict"], verification)
        edit = plan_targeted(settings, loop, failed, self._runs.list_rounds(run_id))
        if edit is None or edit["task"] != "erase":
            return edit, None
        next_round = loop["round"] + 1
        source = edit["sourceImageKey"]
        labels_key = c.edit_labels_key(run_id, next_round)
        kept = self._images.find_json(labels_key)
        if kept is None or kept.get("imageKey") != source:
            try:
                labels, price = detect_for_mask(
                    self._ledger,
                    self._detector,
                    state,
                    source,
                    round_number=next_round,
                    step=c.STEP_EDIT_DETECT,
                    candidate=0,
                    in_round=True,
                )
            except (VerifierThrottled, VerifierTransientError, VerifierFailed) as error:
                return None, f"erase {edit['object']}: the detector could not draw its mask ({error})"
            kept = {"imageKey": source, "labels": labels, "costUsd": price}
            self._images.put_json(labels_key, kept)
        boxes = boxes_of(kept["labels"], edit["object"])
        if not boxes:
            return None, f"erase {edit['object']}: the detector found no {edit['object']} to mask"
        mask_key = c.edit_mask_key(run_id, next_round)
        self._images.put_png(mask_key, mask_png(*png_size(self._images.get_bytes(source)), boxes))
        return {**edit, "maskKey": mask_key}, None

    def _targeted(self, state: JudgedStep, edit: Edit, base: Loop) -> Loop:
        """A targeted round needs no rewrite: the operation and its words come from the failed checks, so no
        rewriter call is made (none billed). The round keeps the best round's prompt (the next rewrite starts
        from it) and draws with a seed no earlier edit of the same image used (fresh_seed). The edit also carries
        the seed to draw that prompt with should its service be unavailable (fallbackSeed: Generate Images then
        draws instead of editing): one no earlier drawn round of the prompt overlaps, so the fallback does not pay
        for an image the run already has (the best round drew this very prompt)."""
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        next_round = loop["round"] + 1
        rounds = self._runs.list_rounds(run_id)
        seed = fresh_seed(settings, loop, next_round, base["prompt"], base["negativePrompt"], edit, rounds)
        drawn: Loop = {**loop, "seed": seed if seed is not None else int(loop["seed"])}
        again = fresh_seed(settings, drawn, next_round, base["prompt"], base["negativePrompt"], None, rounds)
        edit = {**edit, "fallbackSeed": again if again is not None else drawn["seed"]}
        description = parse_operation(0, targeted_as_operation(edit)).describe()
        self._images.put_json(
            c.rewrite_key(run_id, next_round),
            {
                "fromRound": loop["round"],
                "suggestions": [],
                "changes": [f"targeted edit of round {edit['sourceRound']}'s image: {description}"],
                "prompt": base["prompt"],
                "negativePrompt": base["negativePrompt"],
                "rewriterModel": None,
                "strategy": settings.get("strategy"),
                "mode": c.MODE_EDIT,
                "edit": edit,
                **({"seed": seed} if seed is not None else {}),
            },
        )
        next_loop: Loop = {
            **loop,
            "round": next_round,
            "prompt": base["prompt"],
            "negativePrompt": base["negativePrompt"],
            "rewriteCostUsd": 0.0,
            "edit": edit,
        }
        if seed is not None:
            next_loop["seed"] = seed
        return next_loop

    def _reword(self, state: JudgedStep) -> Loop:
        """The reword control arm: the rewriter restates the ORIGINAL prompt (and negative prompt) more explicitly
        with no suggestions and no earlier scores, so nothing of the judge's verdict reaches it, and the next
        round draws with the next seed (as redraw does): what rewording alone buys, the bar the loop must clear."""
        settings, loop = state["settings"], state["loop"]
        original: Loop = {**loop, "prompt": settings["prompt"], "negativePrompt": settings["negativePrompt"]}
        return self._rewritten(state, [], None, original, [], seed=redraw_seed(settings, loop["round"] + 1))

    def _rewritten(
        self,
        state: JudgedStep,
        suggestions: list[str],
        edit: Edit | None,
        base: Loop,
        earlier: Sequence[ScoredPrompt],
        seed: int | None = None,
        note: RewriteDocument | None = None,
    ) -> Loop:
        """One rewrite call (billed in the ledger), its record (with `note`'s keys), and the next round's loop
        state."""
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        generator = registry.generator(settings["generator"])
        rewriter = registry.text_model(settings["rewriter"])
        request = rewrite_request(settings, base, suggestions, earlier)
        next_round = loop["round"] + 1
        with self._ledger.call(
            state,
            round_number=next_round,
            step=c.STEP_REWRITE,
            candidate=0,
            model_id=rewriter.model_id,
            bound_usd=rewrite_call_bound(request),
        ) as billed:
            answer = self._models.call(**request)
            billed.answered(rewriter.token_cost(answer.input_tokens, answer.output_tokens), answer_outcome(answer))
            rewrite = validated(answer, REWRITE_SCHEMA, "rewriter", InvalidRewrite)
        new_prompt = fit_to_limit(rewrite["prompt"].strip(), generator.prompt_max_chars)
        if not new_prompt:
            raise InvalidRewrite("the rewriter returned a blank prompt")
        negative = fit_to_limit(rewrite["negativePrompt"].strip(), generator.negative_prompt_max_chars)
        changes = list(rewrite["changes"])
        if seed is None:  # the loop's own rewrite: never pay for an image an earlier round already drew
            seed = fresh_seed(settings, loop, next_round, new_prompt, negative, edit, self._runs.list_rounds(run_id))
            if seed is not None:
                changes = [*changes[: MAX_CHANGES - 1], f"same prompt as an earlier round: drawn with seed {seed}"]
        self._images.put_json(
            c.rewrite_key(run_id, next_round),
            {
                "fromRound": loop["round"],
                "suggestions": suggestions,
                "changes": changes,
                "prompt": new_prompt,
                "negativePrompt": negative,
                "rewriterModel": rewriter.model_id,
                "strategy": settings.get("strategy"),
                "mode": c.MODE_EDIT if edit else c.MODE_GENERATE,
                "edit": edit,
                **({"seed": seed} if seed is not None else {}),
                **(note or {}),
            },
        )
        next_loop: Loop = {
            **loop,
            "round": next_round,
            "prompt": new_prompt,
            "negativePrompt": negative,
            "rewriteCostUsd": round(rewriter.token_cost(answer.input_tokens, answer.output_tokens), 6),
            "edit": edit,
        }
        if seed is not None:
            next_loop["seed"] = seed
        return next_loop

    def _redraw(self, settings: Settings, loop: Loop, run_id: str) -> Loop:
        """The re-draw control arm: no model call; the same prompt and negative prompt, the next seed."""
        next_round = loop["round"] + 1
        seed = redraw_seed(settings, next_round)
        self._images.put_json(
            c.rewrite_key(run_id, next_round),
            {
                "fromRound": loop["round"],
                "strategy": c.STRATEGY_REDRAW,
                "suggestions": [],
                "changes": [],
                "prompt": loop["prompt"],
                "negativePrompt": loop["negativePrompt"],
                "seed": seed,
                "rewriterModel": None,
                "mode": c.MODE_GENERATE,
                "edit": None,
            },
        )
        return {**loop, "round": next_round, "seed": seed, "rewriteCostUsd": 0.0, "edit": None}


def rewrite_request(
    settings: Settings, loop: Loop, suggestions: list[str], earlier_rounds: Sequence[ScoredPrompt]
) -> ToolRequest:
    """The rewriter's Converse call (BedrockToolCaller.call's arguments), with the best earlier prompts as context."""
    limit = registry.generator(settings["generator"]).prompt_max_chars
    earlier = sorted(earlier_rounds, key=lambda r: r["score"], reverse=True)[:HISTORY_SIZE]
    history = "\n".join(f"score {r['score']}: {as_data(r['prompt'])}" for r in earlier) or "(none)"
    values = {  # the preset's description first: the user's texts filled in after it may hold "{style}"
        "style": as_data(styles.description(settings.get("style"))),
        "original_prompt": as_data(settings["prompt"]),
        "current_prompt": as_data(loop["prompt"]),
        "negative_prompt": as_data(loop["negativePrompt"]) or "(none)",
        "suggestions": "\n".join(as_data(s) for s in suggestions) or "(none)",
        "history": history,
        "max_characters": str(limit),
    }
    text = prompts.text("rewrite_user.md")
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return {
        "model_id": settings["rewriter"],
        "system_prompt": prompts.text("rewrite_system.md"),
        "content": [{"text": text}],
        "tool_name": c.REWRITE_TOOL,
        "tool_description": "Submit the improved image prompt, the negative prompt and the list of changes.",
        "input_schema": prompts.schema(REWRITE_SCHEMA),
    }


def fresh_seed(
    settings: Settings,
    loop: Loop,
    next_round: int,
    prompt: str,
    negative: str,
    edit: Edit | None,
    rounds: list[RoundItem],
) -> int | None:
    """The seed the next round must draw with when its prompt, negative prompt and source (text, or the image
    an edit starts from) are an earlier round's and its seeds would overlap that round's (the generator draws
    candidates from seed..seed+N-1): the first re-draw seed (redraw_seed, round k >= next_round) that overlaps
    none of them. None: the round asks for something no earlier round drew, its loop seed stands.
    A rejected round whose feedback the rewriter could not act on, or a detail still wrong with no new way to
    ask for it, would otherwise be the same image billed again."""
    source = edit["sourceImageKey"] if edit else None
    same = [
        int(r["seed"])
        for r in rounds
        if r.get("prompt") == prompt
        and (r.get("negativePrompt") or "") == negative
        and r.get("sourceImageKey") == source
        and r.get("seed") is not None
    ]
    width = int(settings["candidatesPerRound"])

    def overlaps(seed: int) -> bool:
        return any(abs(seed - earlier) < width for earlier in same)

    if not overlaps(int(loop["seed"])):
        return None
    k = next_round
    while overlaps(redraw_seed(settings, k)) and k < next_round + len(same) + 1:
        k += 1
    return redraw_seed(settings, k)


def redraw_seed(settings: Settings, round_number: int) -> int:
    """Round k of a re-draw run draws with seed + (k - 1) x candidatesPerRound (seed + k - 1 for one
    candidate), wrapped into the generator's seed range: a generator that draws N candidates from seeds
    seed..seed+N-1 never re-draws an earlier round's image."""
    seed_max = registry.generator(settings["generator"]).seed_max
    return (int(settings["seed"]) + (round_number - 1) * int(settings["candidatesPerRound"])) % (seed_max + 1)

"""Generate Images: one Bedrock call for the round's candidates, each PNG stored under the round."""

from __future__ import annotations

import time
from typing import Any

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.adapters.bedrock import BedrockImageGenerator, ImageRequest
from imagegate_service.adapters.storage import S3ObjectStore


class RoundGenerator:
    def __init__(self, generator: BedrockImageGenerator | None = None, images: S3ObjectStore | None = None):
        self._generator = generator or BedrockImageGenerator()
        self._images = images or S3ObjectStore()

    def generate(self, state: dict[str, Any]) -> dict[str, Any]:
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        model = registry.generator(settings["generator"])
        started = time.monotonic()
        result = self._generator.generate(
            ImageRequest(
                model_id=model.model_id,
                prompt=loop["prompt"],
                negative_prompt=loop["negativePrompt"],
                seed=loop["seed"],
                width=settings["width"],
                height=settings["height"],
                count=settings["candidatesPerRound"],
                quality=settings["quality"],
                cfg_scale=settings.get("cfgScale"),  # Titan and Canvas only
            )
        )
        keys = []
        for number, png in enumerate(result.images, start=1):
            key = c.candidate_key(run_id, loop["round"], number)
            self._images.put_png(key, png)
            keys.append(key)
        # Billed per requested image: a filtered image is still generated.
        cost = result.requested * model.price_per_image(settings["width"], settings["height"], settings["quality"])
        return {
            "round": loop["round"],
            "imageKeys": keys,
            "filtered": result.requested - len(result.images),
            "costUsd": round(cost, 6),
            "durationMs": int((time.monotonic() - started) * 1000),
        }

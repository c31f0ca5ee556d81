"""The adapters: S3, DynamoDB, Bedrock, Step Functions, Rekognition; each implements a port of domain/ports.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # mypy checks each adapter against the port it implements (no import at run time)
    from imagegate_service.adapters.bedrock import BedrockImageGenerator, BedrockToolCaller
    from imagegate_service.adapters.presign import S3Presigner
    from imagegate_service.adapters.storage import DynamoRunRepository, S3ObjectStore
    from imagegate_service.adapters.workflow import StepFunctionsWorkflow
    from imagegate_service.domain import ports

    def _implements(
        objects: S3ObjectStore,
        runs: DynamoRunRepository,
        images: BedrockImageGenerator,
        tools: BedrockToolCaller,
        workflow: StepFunctionsWorkflow,
        signer: S3Presigner,
    ) -> tuple[
        ports.ObjectStore, ports.RunRepository, ports.ImageGenerator, ports.ToolCaller, ports.Workflow, ports.UrlSigner
    ]:
        return objects, runs, images, tools, workflow, signer

    from imagegate_service.adapters.controls import DynamoDailyBudgetStore, DynamoReviewStore

    def _implements_controls(
        callbacks: StepFunctionsWorkflow, reviews: DynamoReviewStore, budget: DynamoDailyBudgetStore
    ) -> tuple[ports.TaskCallbacks, ports.ReviewStore, ports.DailyBudgetStore]:
        return callbacks, reviews, budget

    from imagegate_service.adapters.rekognition import RekognitionDetector

    def _implements_verifier(detector: RekognitionDetector) -> ports.ImageDetector:
        return detector

    from imagegate_service.adapters.enhancements import DynamoEnhancementStore
    from imagegate_service.adapters.image_services import BedrockImageServices
    from imagegate_service.adapters.local_imaging import LocalImaging

    def _implements_enhancements(
        services: BedrockImageServices, local: LocalImaging, store: DynamoEnhancementStore
    ) -> tuple[ports.ImageServices, ports.LocalImager, ports.EnhancementStore]:
        return services, local, store

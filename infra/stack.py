"""The imagegate stack: storage, functions, the quality loop, the nightly benchmark and their observability,
composed."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import cx_api
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

from imagegate_service import constants
from infra.config import (
    REPO_ROOT,
    STATE_MACHINE_FILE,
    ImagegateConfig,
    cdk_json_context,
    environment_context,
    target_region,
)
from infra.constructs.api import HttpApi
from infra.constructs.benchmark import Benchmark
from infra.constructs.enhance import Enhancement
from infra.constructs.functions import ServiceFunctions
from infra.constructs.observability import Observability
from infra.constructs.quality_loop import QualityLoop
from infra.constructs.run_endings import RunEndings
from infra.constructs.storage import Storage


class ImagegateStack(cdk.Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: ImagegateConfig,
        asl_file: Path = STATE_MACHINE_FILE,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, description="imagegate: quality-gated image generation", **kwargs)
        self.storage = Storage(self, "Storage", config=config)
        self.functions = ServiceFunctions(self, "Functions", config=config, storage=self.storage)
        self.quality_loop = QualityLoop(
            self, "QualityLoop", config=config, asl_file=asl_file, functions=self.functions, storage=self.storage
        )
        self.observability = Observability(
            self,
            "Observability",
            config=config,
            state_machine=self.quality_loop.state_machine,
            functions=self.functions.by_name,
        )
        self.benchmark = Benchmark(self, "Benchmark", config=config, functions=self.functions, storage=self.storage)
        self.observability.add_benchmark(
            state_machine=self.benchmark.state_machine,
            pass_rate_below=config.benchmark_pass_rate_alarm_below,
            failed_items_above=config.benchmark_failed_items_alarm_above,
        )
        self.api = HttpApi(
            self,
            "Api",
            config=config,
            storage=self.storage,
            functions=self.functions,
            state_machine=self.quality_loop.state_machine,
        )
        self.enhancement = Enhancement(
            self, "Enhancement", config=config, functions=self.functions, storage=self.storage
        )
        # POST /generations/{id}/enhance and Finish Run (a request's `finish`) start its executions
        for starter in (self.api.function, self.functions.by_name["finish_run"]):
            self.enhancement.state_machine.grant_start_execution(starter)
            starter.add_environment(
                constants.ENV_ENHANCE_STATE_MACHINE_ARN, self.enhancement.state_machine.state_machine_arn
            )
        self.run_endings = RunEndings(
            self,
            "RunEndings",
            functions=self.functions,
            storage=self.storage,
            loop_state_machine=self.quality_loop.state_machine,
            benchmark_state_machine=self.benchmark.state_machine,
            enhance_state_machine=self.enhancement.state_machine,
        )
        self.observability.add_service(
            functions={
                "api": self.api.function,
                **self.benchmark.by_name,
                **self.enhancement.by_name,
                "mark_run_ended": self.run_endings.function,
            },
            stage=self.api.rest_api.deployment_stage,
            dead_letter_queue=self.run_endings.dead_letter_queue,
        )
        self.notes: list[str] = []  # what build_app could not check (the target region unknown, ...)

        cdk.CfnOutput(self, "StateMachineArn", value=self.quality_loop.state_machine.state_machine_arn)
        cdk.CfnOutput(self, "BenchmarkStateMachineArn", value=self.benchmark.state_machine.state_machine_arn)
        cdk.CfnOutput(self, "EnhanceStateMachineArn", value=self.enhancement.state_machine.state_machine_arn)
        cdk.CfnOutput(self, "BucketName", value=self.storage.bucket.bucket_name)
        cdk.CfnOutput(self, "AccessLogBucketName", value=self.storage.access_log_bucket.bucket_name)
        cdk.CfnOutput(self, "TableName", value=self.storage.table.table_name)
        cdk.CfnOutput(self, "DashboardName", value=self.observability.dashboard.dashboard_name)
        cdk.CfnOutput(self, "ApiUrl", value=self.api.rest_api.url)
        if self.api.api_key is not None:
            cdk.CfnOutput(self, "ApiKeyId", value=self.api.api_key.key_id)


def build_app(
    context: Mapping[str, Any] | None = None,
    outdir: str | None = None,
    asl_file: Path = STATE_MACHINE_FILE,
    *,
    today: date | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[cdk.App, ImagegateStack]:
    """The app `python app.py` synthesizes: environment-agnostic (no account/region lookups), cdk-nag on.

    cdk.json's context (settings and feature flags) is applied here too, because plain `python app.py`
    has no cdk CLI to pass it; the IMAGEGATE_CDK_* variables of `environ` override it, `context` overrides
    both, and the CLI's `-c` values override all (infra.config).
    Refuses (infra.config.ContextError) models past their end of life on `today` and models not offered in
    the target region (from `environ`: the cdk CLI's CDK_DEFAULT_REGION, else AWS_REGION/AWS_DEFAULT_REGION);
    what could not be checked is in the stack's `notes` (and a warning annotation).
    """
    environ = os.environ if environ is None else environ
    # The cdk CLI names the output directory in CDK_OUTDIR; plain `python app.py` writes cdk.out/ beside it.
    outdir = outdir or environ.get("CDK_OUTDIR") or str(REPO_ROOT / "cdk.out")
    # Weakest first: cdk.json, the IMAGEGATE_CDK_* environment, `context`; the CLI's -c (CDK_CONTEXT_JSON) wins.
    app = cdk.App(context={**cdk_json_context(), **environment_context(environ), **(context or {})}, outdir=outdir)
    config = ImagegateConfig.from_context(app.node.try_get_context, today)
    notes = config.region_check(target_region(environ)) + config.subscription_notes()
    stack = ImagegateStack(app, config.stack_name, config=config, asl_file=asl_file)
    stack.notes = notes
    for note in notes:
        cdk.Annotations.of(stack).add_warning_v2("imagegate:models", note)
    cdk.Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app, stack


def unsuppressed_errors(assembly: cx_api.CloudAssembly) -> list[str]:
    """Error annotations of the synthesized stacks: cdk-nag findings nobody suppressed with a reason."""
    return [
        f"{message.id}: {message.entry.data}"
        for stack in assembly.stacks
        for message in stack.messages
        if message.level == cx_api.SynthesisMessageLevel.ERROR
    ]

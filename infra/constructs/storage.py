"""Where runs live: the images/verdicts bucket (with its access-log bucket) and the runs table."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from imagegate_service import constants
from imagegate_service.resources import RUNS_TABLE
from infra.config import ImagegateConfig

# Days after which S3 aborts a multipart upload that was never completed (the rule's DaysAfterInitiation): longer
# than any Map Run (a benchmark is bounded by its execution, its runs by their own timeouts) writes for.
INCOMPLETE_UPLOAD_DAYS = 7


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: ImagegateConfig) -> None:
        super().__init__(scope, construct_id)
        removal = cdk.RemovalPolicy.RETAIN if config.retain_data else cdk.RemovalPolicy.DESTROY

        self.access_log_bucket = s3.Bucket(
            self,
            "AccessLogBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,  # the only encryption S3 log delivery supports
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(config.access_log_retention_days))],
            removal_policy=removal,
        )
        NagSuppressions.add_resource_suppressions(
            self.access_log_bucket,
            [
                NagPackSuppression(
                    id="AwsSolutions-S1",
                    reason="This bucket receives the image bucket's server access logs; logging it to itself would loop.",
                )
            ],
        )

        self.bucket = s3.Bucket(
            self,
            "ImageBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_log_bucket,
            server_access_logs_prefix="image-bucket/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-runs",
                    prefix=constants.RUNS_PREFIX,
                    expiration=cdk.Duration.days(config.run_retention_days),
                ),
                # A benchmark's working files (the Map's items, its ResultWriter manifest and results): read once by
                # Aggregate Results, which writes the dated report kept under benchmarks/{date}/.
                s3.LifecycleRule(
                    id="expire-benchmark-executions",
                    prefix=constants.BENCHMARK_EXECUTIONS_PREFIX,
                    expiration=cdk.Duration.days(config.benchmark_execution_retention_days),
                ),
                # ResultWriter writes its results with multipart uploads; an upload a failed Map Run never completed
                # keeps its parts (billed, invisible to a listing) until aborted.
                s3.LifecycleRule(
                    id="abort-incomplete-multipart-uploads",
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(INCOMPLETE_UPLOAD_DAYS),
                ),
            ],
            removal_policy=removal,
        )

        # The schema both runtimes create (imagegate_service.resources.RUNS_TABLE); encrypted, recoverable.
        self.table = dynamodb.Table(
            self,
            "RunsTable",
            partition_key=_string_key(RUNS_TABLE.key.partition),
            sort_key=_string_key(RUNS_TABLE.key.sort),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            time_to_live_attribute=RUNS_TABLE.ttl_attribute,
            removal_policy=removal,
        )
        for index_name, key in RUNS_TABLE.indexes.items():  # the newest-first listing of runs (HTTP API)
            self.table.add_global_secondary_index(
                index_name=index_name,
                partition_key=_string_key(key.partition),
                sort_key=_string_key(key.sort),
                projection_type=dynamodb.ProjectionType.ALL,
            )

    def runs_index_arn(self) -> str:
        return f"{self.table.table_arn}/index/{constants.RUNS_INDEX}"

    def runs_objects_arn(self) -> str:
        """The S3 resource the loop's functions may touch: objects under runs/."""
        return self.bucket.arn_for_objects(f"{constants.RUNS_PREFIX}*")

    def benchmark_objects_arn(self) -> str:
        """The S3 resource the benchmark's aggregation may touch: objects under benchmarks/ (its reports)."""
        return self.bucket.arn_for_objects(f"{constants.BENCHMARKS_PREFIX}*")


def _string_key(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)

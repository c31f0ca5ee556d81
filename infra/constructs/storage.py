"""Where runs live: the images/verdicts bucket (with its access-log bucket) and the runs table."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct
from imagegate_service import constants

from infra.config import ImagegateConfig


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: ImagegateConfig) -> None:
        super().__init__(scope, construct_id)
        removal = cdk.RemovalPolicy.RETAIN if config.retain_data else cdk.RemovalPolicy.DESTROY

        self.access_log_bucket = s3.Bucket(
            self, "AccessLogBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,  # the only encryption S3 log delivery supports
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(config.access_log_retention_days))],
            removal_policy=removal,
        )
        NagSuppressions.add_resource_suppressions(self.access_log_bucket, [NagPackSuppression(
            id="AwsSolutions-S1",
            reason="This bucket receives the image bucket's server access logs; logging it to itself would loop.",
        )])

        self.bucket = s3.Bucket(
            self, "ImageBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_log_bucket,
            server_access_logs_prefix="image-bucket/",
            lifecycle_rules=[s3.LifecycleRule(
                id="expire-runs",
                prefix=constants.RUNS_PREFIX,
                expiration=cdk.Duration.days(config.run_retention_days),
            )],
            removal_policy=removal,
        )

        self.table = dynamodb.Table(
            self, "RunsTable",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            time_to_live_attribute=constants.TTL_ATTRIBUTE,
            removal_policy=removal,
        )
        # Newest-first listing of runs for the HTTP API (the run item carries these keys; see domain/start.py).
        self.table.add_global_secondary_index(
            index_name=constants.RUNS_INDEX,
            partition_key=dynamodb.Attribute(name=constants.RUNS_INDEX_PK, type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name=constants.RUNS_INDEX_SK, type=dynamodb.AttributeType.STRING),
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

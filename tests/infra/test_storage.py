"""The bucket and table keep runs private, encrypted and for a bounded time."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.infra


def test_image_bucket_is_private_encrypted_logged_and_expires_runs(synthesized):
    from aws_cdk.assertions import Match

    storage = synthesized.stack.storage
    synthesized.template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
            "LoggingConfiguration": {
                "DestinationBucketName": {"Ref": synthesized.logical_id(storage.access_log_bucket)},
                "LogFilePrefix": Match.any_value(),
            },
            "LifecycleConfiguration": {
                "Rules": Match.array_with(
                    [Match.object_like({"Prefix": "runs/", "ExpirationInDays": 90, "Status": "Enabled"})]
                )
            },
        },
    )


@pytest.mark.parametrize("bucket_attribute", ["bucket", "access_log_bucket"])
def test_buckets_deny_requests_without_tls(synthesized, bucket_attribute):
    from aws_cdk.assertions import Match

    bucket_id = synthesized.logical_id(getattr(synthesized.stack.storage, bucket_attribute))
    synthesized.template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": bucket_id},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Action": "s3:*",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            },
        },
    )


def test_runs_table_is_on_demand_recoverable_encrypted_with_ttl(synthesized):
    from aws_cdk.assertions import Match

    synthesized.template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": Match.array_with(
                [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}]
            ),
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
        },
    )


def test_data_is_retained_when_the_stack_is_deleted(synthesized):
    for logical_id in (
        synthesized.logical_id(synthesized.stack.storage.bucket),
        synthesized.logical_id(synthesized.stack.storage.table),
    ):
        assert synthesized.template_json["Resources"][logical_id]["DeletionPolicy"] == "Retain"


def test_image_bucket_aborts_incomplete_uploads_and_expires_benchmark_working_files(synthesized):
    storage = synthesized.stack.storage
    bucket = synthesized.resources("AWS::S3::Bucket")[synthesized.logical_id(storage.bucket)]
    rules = {rule["Id"]: rule for rule in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}
    config = synthesized.stack.functions._config
    # ResultWriter's multipart uploads that a failed Map Run never completed are aborted, bucket-wide
    abort = rules["abort-incomplete-multipart-uploads"]
    assert abort["Status"] == "Enabled" and "Prefix" not in abort
    assert abort["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    # A benchmark's items and results expire; the dated reports beside them (benchmarks/{date}/) do not
    executions = rules["expire-benchmark-executions"]
    assert executions["Prefix"] == "benchmarks/executions/"
    assert executions["ExpirationInDays"] == config.benchmark_execution_retention_days == 30
    assert not [r for r in rules.values() if r.get("Prefix") == "benchmarks/" and "ExpirationInDays" in r]

import boto3
import pytest
from moto import mock_aws

from imagegate_service.adapters.storage import DynamoRunRepository, S3ObjectStore
from imagegate_service.resources import RUNS_TABLE

BUCKET, TABLE = "test-bucket", "test-table"


@pytest.fixture
def storage():
    """Moto S3 and DynamoDB with the runs bucket and table: (S3ObjectStore, DynamoRunRepository)."""
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        boto3.client("dynamodb").create_table(**RUNS_TABLE.create_table_arguments(TABLE))
        s3 = boto3.client("s3")
        table = boto3.resource("dynamodb").Table(TABLE)
        yield S3ObjectStore(BUCKET, lambda: s3), DynamoRunRepository(TABLE, lambda name: table)

import boto3
import pytest
from moto import mock_aws

from imagegate_service.adapters.storage import DynamoRunRepository, S3ObjectStore

BUCKET, TABLE = "test-bucket", "test-table"


@pytest.fixture
def storage():
    """Moto S3 and DynamoDB with the runs bucket and table: (S3ObjectStore, DynamoRunRepository)."""
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        boto3.client("dynamodb").create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}])
        s3 = boto3.client("s3")
        table = boto3.resource("dynamodb").Table(TABLE)
        yield S3ObjectStore(BUCKET, lambda: s3), DynamoRunRepository(TABLE, lambda name: table)

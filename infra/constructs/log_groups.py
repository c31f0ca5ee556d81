"""Log groups created explicitly, so their retention is ours and they go away with the stack."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.config import LOG_RETENTION_DAYS_ALLOWED

# RetentionDays members in the same ascending order as the day counts CloudWatch Logs accepts.
_RETENTION_BY_DAYS = dict(
    zip(LOG_RETENTION_DAYS_ALLOWED, [m for m in logs.RetentionDays if m.name != "INFINITE"], strict=True)
)


def retained_log_group(
    scope: Construct, construct_id: str, *, retention_days: int, log_group_name: str | None = None
) -> logs.LogGroup:
    return logs.LogGroup(
        scope,
        construct_id,
        log_group_name=log_group_name,
        retention=_RETENTION_BY_DAYS[retention_days],
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )

from datetime import datetime, timedelta, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def expiry_epoch(moment: datetime, days: int) -> int:
    return int((moment + timedelta(days=days)).timestamp())

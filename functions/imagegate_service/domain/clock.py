from datetime import UTC, datetime, timedelta


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_iso(text: str) -> datetime:
    """An ISO 8601 moment as iso() writes it (Z for UTC); ValueError when it is not one."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def expiry_epoch(moment: datetime, days: int) -> int:
    return int((moment + timedelta(days=days)).timestamp())

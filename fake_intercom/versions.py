"""Intercom API version strings ("2.14", "Preview") compared."""

from __future__ import annotations


def version_at_least(version: str | None, minimum: tuple[int, int]) -> bool:
    """Whether the request's `Intercom-Version` is `minimum` or newer (Preview is newest;
    a missing header is the app's default, 2.14 here)."""
    if version == "Preview":
        return True
    try:
        major, minor = (int(part) for part in (version or "2.14").split("."))
    except ValueError:
        return False
    return (major, minor) >= minimum

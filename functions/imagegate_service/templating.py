"""The one way the project renders HTML: Jinja2 templates shipped in a package, autoescaping on, undefined
names an error. jinja2 is imported on first render, so modules that only import a report never need it."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2


@cache
def environment(package: str, folder: str = "templates") -> jinja2.Environment:
    """The template environment of `package`'s `folder` (one per package, built once)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

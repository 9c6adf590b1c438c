"""Moved to :mod:`tariffsim.core.yamlio` (the project's one YAML reader); kept importable for the
modules that still import it from here."""

from tariffsim.core.yamlio import (
    FORMAT_HINT,
    LineDict,
    LineList,
    display_name,
    line_of,
    locate,
    parse_yaml,
    read_yaml,
    validate,
    validation_error,
)

__all__ = [
    "FORMAT_HINT",
    "LineDict",
    "LineList",
    "display_name",
    "line_of",
    "locate",
    "parse_yaml",
    "read_yaml",
    "validate",
    "validation_error",
]

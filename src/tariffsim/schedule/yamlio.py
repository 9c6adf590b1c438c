"""Safe YAML reading that remembers line numbers, and pydantic errors mapped back to ``file:line``.

Every mapping is read as a :class:`LineDict` (a ``dict`` that knows the line of each key) and every
sequence as a :class:`LineList` (a ``list`` that knows the line of each item); only the YAML
SafeLoader's tags are accepted. Duplicate keys, which YAML silently overwrites, are errors.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tariffsim.core.errors import InputError

FORMAT_HINT = "see docs/measure-format.md for the format"


class LineDict(dict):
    """A mapping read from YAML: ``line`` is its first line, ``key_lines[k]`` the line of key ``k``."""

    line: int = 0
    key_lines: dict[Any, int]

    def __init__(self, *a: Any, **k: Any) -> None:
        super().__init__(*a, **k)
        self.key_lines = {}


class LineList(list):
    """A sequence read from YAML: ``line`` is its first line, ``item_lines[i]`` the line of item ``i``."""

    line: int = 0
    item_lines: list[int]

    def __init__(self, *a: Any) -> None:
        super().__init__(*a)
        self.item_lines = []


class _Loader(yaml.SafeLoader):
    """SafeLoader building :class:`LineDict` / :class:`LineList` and refusing duplicate keys."""


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Any:
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in data:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Any:
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=True))
        data.item_lines.append(child.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def display_name(path: Path, root: Path | None = None) -> str:
    """How a file is named in messages: relative to ``root`` when inside it, else as given."""
    if root is not None:
        try:
            return str(Path(path).resolve().relative_to(Path(root).resolve()))
        except ValueError:
            pass
    return str(path)


def read_yaml(path: Path, *, name: str | None = None) -> Any:
    """Parse one YAML file safely; syntax errors become :class:`InputError` ``file:line: …``."""
    name = name or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{name}: file not found", hint="check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 text", hint="save the file as UTF-8") from None
    return parse_yaml(text, name=name)


def parse_yaml(text: str, *, name: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = exc.problem or "malformed YAML"
        if exc.context:
            problem = f"{exc.context}, {problem}"
        raise InputError(
            f"malformed YAML: {problem}",
            where=f"{name}:{line}",
            hint="check indentation, colons and quotes on that line (YAML syntax)",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(
            f"malformed YAML: {exc}", where=name, hint="check the YAML syntax"
        ) from None


_FIELD_RE = re.compile(r"^[A-Za-z_*][A-Za-z0-9_*+ -]*$")


def locate(data: Any, loc: tuple[Any, ...]) -> tuple[int, str]:
    """The line and the dotted path (``values[1].rate``) of a pydantic error location in ``data``.

    Walks ``loc`` through the read structure as far as it goes (the deepest known line is used);
    location parts that pydantic adds for union members or validators are dropped from the path.
    """
    line = getattr(data, "line", 0) or 1
    node = data
    path = ""
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
            path += f".{part}" if path else str(part)
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
            path += f"[{part}]"
        else:
            node = None
            if isinstance(part, int):
                path += f"[{part}]"
            elif isinstance(part, str) and _FIELD_RE.match(part) and not part[:1].isupper():
                path += f".{part}" if path else part
    return line, path


def _clean_message(err: dict[str, Any]) -> str:
    msg = str(err.get("msg", "invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    kind = err.get("type")
    if kind == "extra_forbidden":
        msg = "unknown field (a typo?)"
    elif kind == "missing":
        msg = "required field is missing"
    return msg


def validation_error(exc: Any, data: Any, name: str) -> InputError:
    """Turn a pydantic ``ValidationError`` on ``data`` read from file ``name`` into an InputError.

    The message names the first error as ``file:line: path: problem`` and counts the others; every
    error is kept in ``.errors`` (a list of ``(where, message)``).
    """
    found: list[tuple[str, str]] = []
    for err in exc.errors():
        line, path = locate(data, tuple(err.get("loc", ())))
        msg = _clean_message(err)
        found.append((f"{name}:{line}", f"{path}: {msg}" if path else msg))
    # Union members produce several errors at one place: keep the first per place.
    seen: set[str] = set()
    uniq = []
    for where, msg in found:
        key = where + msg.split(":")[0]
        if key not in seen:
            seen.add(key)
            uniq.append((where, msg))
    where, msg = uniq[0]
    more = (
        f" (and {len(uniq) - 1} more error{'s' if len(uniq) > 2 else ''})" if len(uniq) > 1 else ""
    )
    err_out = InputError(msg + more, where=where, hint=FORMAT_HINT)
    err_out.errors = uniq  # type: ignore[attr-defined]
    return err_out


def validate(model: Any, data: Any, name: str) -> Any:
    """``model.model_validate(data)`` with errors as ``file:line: field: problem``."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise InputError(
            "expected a YAML mapping (key: value lines) at the top of the file",
            where=f"{name}:1",
            hint=FORMAT_HINT,
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, data, name) from None


def line_of(data: Any, path: tuple[Any, ...]) -> int:
    """Line of ``path`` (keys and indices) in ``data`` read by :func:`read_yaml`."""
    return locate(data, path)[0]

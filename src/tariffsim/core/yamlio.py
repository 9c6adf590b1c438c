"""The project's one YAML reader: safe, bounded, and keeping line numbers for ``file:line`` errors.

Every mapping is read as a :class:`LineDict` (a ``dict`` that knows the line of each key) and every
sequence as a :class:`LineList` (a ``list`` that knows the line of each item); only the YAML
SafeLoader's tags are accepted (``!!python/…`` is refused). Duplicate keys, which YAML silently
overwrites, are errors. Pydantic errors on the data read map back to ``file:line: field: problem``
(:func:`validate`).

Hostile input is refused within bounded time and memory, as an
:class:`~tariffsim.core.errors.InputError` (CLI exit 2, web 422), never a traceback:

- **size**: at most :data:`MAX_BYTES` (1 MiB, twenty times the largest file of the law library) is
  read; a longer file — or an endless one such as ``/dev/zero`` — is refused after reading that much;
- **depth**: collections nested more than :data:`MAX_DEPTH` (64) deep are refused while composing
  (the law library nests 6 deep; 20,000 ``[`` would otherwise exhaust Python's recursion limit);
- **alias expansion**: anchors and aliases are allowed (the library shares reference texts with
  them), but the size of the document *with every alias expanded* — the number of nodes a consumer
  walking it would visit, computed on the node graph without expanding it — is capped at
  :data:`MAX_NODES` (500,000). The "billion laughs" style documents of a few hundred bytes (ten
  nested lists of ten aliases each: 10^10 nodes) are refused in milliseconds; a recursive alias
  (``&a [*a]``) is refused too.

Messages quote user values cut to a few dozen characters (:func:`tariffsim.core.errors.show`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tariffsim.core.errors import InputError
from tariffsim.core.inputs import read_capped

FORMAT_HINT = "see docs/measure-format.md for the format"

MAX_BYTES = 1 << 20
"""Largest YAML file read (bytes)."""
MAX_DEPTH = 64
"""Deepest nesting of collections accepted."""
MAX_NODES = 500_000
"""Most nodes a document may hold with every alias expanded."""
MAX_MESSAGE_CHARS = 300
"""Longest problem text a validation error shows (a validator may quote a whole value)."""


class LineDict(dict[Any, Any]):
    """A mapping read from YAML: ``line`` is its first line, ``key_lines[k]`` the line of key ``k``."""

    line: int = 0
    key_lines: dict[Any, int]

    def __init__(self, *a: Any, **k: Any) -> None:
        super().__init__(*a, **k)
        self.key_lines = {}


class LineList(list[Any]):
    """A sequence read from YAML: ``line`` is its first line, ``item_lines[i]`` the line of item ``i``."""

    line: int = 0
    item_lines: list[int]

    def __init__(self, *a: Any) -> None:
        super().__init__(*a)
        self.item_lines = []


class _Limit(Exception):
    """Raised inside the loader when a cap is exceeded (turned into an InputError with the line)."""

    def __init__(self, message: str, line: int, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


class _Loader(yaml.SafeLoader):
    """SafeLoader building :class:`LineDict` / :class:`LineList`, refusing duplicate keys and
    collections nested deeper than ``max_depth``."""

    max_depth = MAX_DEPTH

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _Limit(
                    f"nested more than {self.max_depth} levels deep",
                    mark.line + 1,
                    "flatten the structure; no tariffsim file nests this deep",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


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


def _checked(construct: Any, what: str) -> Any:
    """A scalar constructor whose value errors (``2025-99-01``, a 10,000-digit integer) become
    YAML errors marked with the node's line, instead of escaping as ValueError."""

    def wrapped(loader: _Loader, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{_clip(str(node.value), 40)!r} is not a valid {what} ({exc})",
                node.start_mark,
            ) from None

    return wrapped


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
for _tag, _what in (("timestamp", "date"), ("int", "integer"), ("float", "number")):
    _Loader.add_constructor(
        f"tag:yaml.org,2002:{_tag}",
        _checked(yaml.SafeLoader.yaml_constructors[f"tag:yaml.org,2002:{_tag}"], _what),
    )


def display_name(path: Path, root: Path | None = None) -> str:
    """How a file is named in messages: relative to ``root`` when inside it, else as given."""
    if root is not None:
        try:
            return str(Path(path).resolve().relative_to(Path(root).resolve()))
        except ValueError:
            pass
    return str(path)


def read_yaml(path: Path | str, *, name: str | None = None, max_bytes: int = MAX_BYTES) -> Any:
    """Parse one YAML file safely; every problem is an :class:`InputError` ``file:line: …``.

    At most ``max_bytes`` are read (so an endless file such as ``/dev/zero`` is refused after that
    many bytes, not read into memory); folders and missing files are refused with a hint.
    """
    name = name or str(path)
    data = read_capped(
        path,
        name=name,
        max_bytes=max_bytes,
        kind="YAML",
        large_hint="tariffsim YAML files are a few kilobytes; is this the right file?",
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start:,})",
            hint="save the file as UTF-8",
        ) from None
    return parse_yaml(text, name=name, max_bytes=max_bytes)


def parse_yaml(
    text: str,
    *,
    name: str,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_nodes: int = MAX_NODES,
) -> Any:
    """Parse YAML text safely (see the module doc for the caps); errors name ``name:line``."""
    if len(text) > max_bytes:  # characters ≤ bytes: a cheap first check before encoding
        raise InputError(
            f"{name}: larger than {max_bytes:,} bytes",
            hint="tariffsim YAML files are a few kilobytes; is this the right file?",
        )
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InputError(
            f"{name}: larger than {max_bytes:,} bytes",
            hint="tariffsim YAML files are a few kilobytes; is this the right file?",
        )
    loader: _Loader | None = None
    try:
        # the Python reader checks every character as it is built (a control character raises
        # here): inside the try, like every other YAML error
        loader = _Loader("" if _FAST else text)
        loader.max_depth = max_depth
        if _FAST:
            node, has_aliases = _compose_fast(text, max_depth, max_nodes)
        else:
            node, has_aliases = loader.get_single_node(), True
        if node is None:
            return None
        if has_aliases:  # without aliases the scan has counted the tree's nodes already
            _check_expansion(node, max_nodes)
        return loader.construct_document(node)
    except _Limit as exc:
        raise InputError(exc.message, where=f"{name}:{exc.line}", hint=exc.hint) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = _clip(exc.problem or "malformed YAML")
        if exc.context:
            problem = f"{_clip(exc.context)}, {problem}"
        value_error = "is not a valid" in problem
        raise InputError(
            f"{'bad value' if value_error else 'malformed YAML'}: {problem}",
            where=f"{name}:{line}",
            hint="write dates as YYYY-MM-DD and numbers in plain digits"
            if value_error
            else "check indentation, colons and quotes on that line (YAML syntax)",
        ) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, control)
        line = text[: max(0, int(exc.position))].count("\n") + 1
        ch = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        raise InputError(
            f"malformed YAML: character U+{ch:04X} is not allowed in YAML text",
            where=f"{name}:{line}",
            hint="remove control characters; save the file as plain UTF-8 text",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(
            f"malformed YAML: {_clip(str(exc))}", where=name, hint="check the YAML syntax"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


_FAST = bool(getattr(yaml, "__with_libyaml__", False))
"""Compose with libyaml (C) when PyYAML has it: about 15 times faster than the Python composer."""


def _compose_fast(text: str, max_depth: int, max_nodes: int) -> tuple[Any, bool]:
    """The node graph of ``text`` composed by libyaml, after a scan of its events (iterative, in C)
    that refuses nesting deeper than ``max_depth`` — libyaml's composer recurses without a limit of
    its own, so the depth is checked before it runs. Construction stays in Python (line numbers,
    duplicate keys, the safe tags).

    The scan also counts the nodes (scalar and collection-start events; more than ``max_nodes`` is
    refused at once) and returns whether it saw an alias: a document without aliases is a tree of
    exactly the counted nodes, so its expanded size is that count and :func:`_check_expansion` need
    not walk it (about 0.15 s over the library's YAML files on an empty cache)."""
    depth = 0
    nodes = 0
    aliases = 0
    hint = "flatten the structure; no tariffsim file nests this deep"
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                nodes += 1
                if nodes > max_nodes:
                    line = event.start_mark.line + 1 if event.start_mark else 0
                    raise _Limit(
                        f"the document has more than {max_nodes:,} nodes",
                        line,
                        "tariffsim YAML files hold a few thousand values; is this the right file?",
                    )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    line = event.start_mark.line + 1 if event.start_mark else 0
                    raise _Limit(f"nested more than {max_depth} levels deep", line, hint)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
    except yaml.MarkedYAMLError as exc:  # libyaml's own depth limit (1,000 in recent versions)
        if "nesting depth" in str(exc.problem) and exc.problem_mark is not None:
            line = exc.problem_mark.line + 1
            raise _Limit(f"nested more than {max_depth} levels deep", line, hint) from None
        raise
    return yaml.compose(text, Loader=yaml.CSafeLoader), aliases > 0


def _clip(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


def _check_expansion(root: yaml.Node, max_nodes: int) -> None:
    """Refuse a document whose alias-expanded size exceeds ``max_nodes`` (or that is recursive).

    The expanded size of a node is 1 + the expanded sizes of its children; an alias is the node it
    names, so shared nodes are counted once per reference. Sizes are memoised per node, so the
    walk visits each distinct node once (the composed graph is as small as the text), and the sum
    stops as soon as it passes the cap.
    """
    size: dict[int, int] = {}
    on_path: set[int] = set()
    # iterative post-order walk (depth is already capped, but stay off the C stack anyway)
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            total = 1
            for child in _children(node):
                total += size[id(child)]
            if total > max_nodes:
                raise _Limit(
                    f"the document expands to more than {max_nodes:,} nodes through its aliases "
                    "(*name)",
                    node.start_mark.line + 1,
                    "write the values out instead of nesting aliases of aliases",
                )
            size[key] = total
            continue
        if key in size:
            continue
        if key in on_path:
            raise _Limit(
                "a recursive alias (an anchor used inside itself)",
                node.start_mark.line + 1,
                "remove the alias that refers to its own anchor",
            )
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            ck = id(child)
            if ck in on_path:
                raise _Limit(
                    "a recursive alias (an anchor used inside itself)",
                    child.start_mark.line + 1,
                    "remove the alias that refers to its own anchor",
                )
            if ck not in size:
                stack.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


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
    msg = _clip(str(err.get("msg", "invalid")))
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

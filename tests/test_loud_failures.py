"""Tests fail loudly: no test skips because a module of ours, or a dependency we install, is broken.

``pytest.importorskip`` turns an ``ImportError`` into a skip, so a broken import of our own code
or of a dependency would pass unnoticed; ``pytest.skip`` inside a test does the same for whatever
condition it tests. The runtime and dev dependencies are installed everywhere the suite runs
(``make .venv/.installed``, CI), so a test imports them plainly. Skips stay allowed where a user
may lack the thing for good reasons:

- the optional extras (:data:`OPTIONAL_IMPORTS`: ``pip install tariffsim[ray]``);
- the reference data on a developer's machine (``shared_data`` in ``tests/conftest.py``, which
  fails instead in CI) and Chromium outside CI (``tests/e2e/test_browser_web.py``, a ``skipif``).

The scan reads the syntax tree of every test module (nothing is imported).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

#: Modules a test may import with ``pytest.importorskip``: optional extras only, with the reason.
OPTIONAL_IMPORTS: dict[str, str] = {
    "ray": "the optional extra tariffsim[ray] (the Ray executor)",
}

#: Test modules that may call ``pytest.skip`` themselves, with the reason (conftest's data rule).
SKIPPING_MODULES: dict[str, str] = {
    "conftest.py": "shared_data: reference data missing on a developer's machine (fails in CI)",
    # (harden's branch) the libyaml run of each test when PyYAML was built without libyaml; the
    # pure-Python run of the same test still runs
    "unit/test_core_yamlio.py": "PyYAML without libyaml",
}


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    """Calls ``pytest.<name>(…)`` (or a bare ``<name>(…)`` imported from pytest)."""
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if (isinstance(f, ast.Attribute) and f.attr == name) or (
            isinstance(f, ast.Name) and f.id == name
        ):
            out.append(node)
    return out


def _modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_scan_sees_the_tests() -> None:
    names = {p.relative_to(TESTS).as_posix() for p in _modules()}
    assert "conftest.py" in names and "unit/test_import_graph.py" in names
    # the one allowed importorskip is seen (a broken scan would pass everything)
    tree = ast.parse((TESTS / "unit" / "test_negotiation_backtest_wave.py").read_text("utf-8"))
    assert _calls(tree, "importorskip")


def test_importorskip_only_for_optional_extras() -> None:
    bad = []
    for path in _modules():
        if path.resolve() == Path(__file__).resolve():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, "importorskip"):
            arg = call.args[0] if call.args else None
            module = arg.value if isinstance(arg, ast.Constant) else None
            if not isinstance(module, str) or module.split(".")[0] not in OPTIONAL_IMPORTS:
                bad.append(
                    f"tests/{path.relative_to(TESTS)}:{call.lineno}: importorskip({module!r})"
                )
    assert not bad, (
        "import our modules and the installed dependencies plainly (a broken import must fail):\n"
        + "\n".join(bad)
    )


def test_no_skip_inside_tests() -> None:
    bad = []
    for path in _modules():
        rel = path.relative_to(TESTS).as_posix()
        if rel in SKIPPING_MODULES or path.resolve() == Path(__file__).resolve():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad += [f"tests/{rel}:{c.lineno}: pytest.skip(…)" for c in _calls(tree, "skip")]
    assert not bad, (
        "a test that cannot run must fail, or take a fixture that decides (shared_data):\n"
        + "\n".join(bad)
    )

"""``cli/main.py`` registers only the command module a run names (start-up time of ``tariffsim rate``).

Expected values come from the command modules themselves: what each ``register(app)`` adds must be
what :data:`tariffsim.cli.main.COMMAND_MODULES` says it owns, and the help lists every command in
the order of that table however the modules were registered. Runs that need a fresh interpreter
(which modules a run imports) use a subprocess.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import typer

from tariffsim.cli.main import COMMAND_MODULES


def _top_level_names(app: typer.Typer) -> list[str]:
    cmds = [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]
    return cmds + [g.name for g in app.registered_groups if g.name]


def test_each_module_registers_the_names_the_table_gives_it() -> None:
    for module, names in COMMAND_MODULES:
        app = typer.Typer()
        importlib.import_module(module).register(app)
        assert sorted(_top_level_names(app)) == sorted(names), module


def test_no_name_is_owned_twice() -> None:
    names = [n for _, ns in COMMAND_MODULES for n in ns]
    assert len(names) == len(set(names))


_PROBE = """
import contextlib, io, json, sys
from tariffsim.cli import main as m
out = {}
with contextlib.redirect_stdout(io.StringIO()):
    code = m.main(sys.argv[1:])
out["code"] = code
out["cli_modules"] = sorted(k for k in sys.modules if k.startswith("tariffsim.cli.") and k.endswith(("_cmds", "_cmd")))
out["registered"] = list(m._REGISTERED)
app = m.app  # the whole CLI
out["all_commands"] = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
print(json.dumps(out))
"""


def _probe(*argv: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _expected_order() -> list[str]:
    cmds: list[str] = []
    groups: list[str] = []
    for module, _ in COMMAND_MODULES:
        app = typer.Typer()
        importlib.import_module(module).register(app)
        cmds += [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]
        groups += [g.name for g in app.registered_groups if g.name]
    return cmds + groups


def test_rate_imports_only_its_own_command_module() -> None:
    out = _probe("rate", "--help")
    assert out["code"] == 0
    assert out["registered"] == ["tariffsim.cli.schedule_cmds"]
    # before `app` was asked for, only schedule_cmds had been imported (render is not a command module)
    assert out["cli_modules"] == ["tariffsim.cli.schedule_cmds"]


def test_help_order_does_not_depend_on_what_ran_first() -> None:
    # `etr` registers duties_cmds alone; asking for the whole app afterwards puts every command
    # back in table order (schedule's rate … before duties' etr …), as a fresh `--help` shows it.
    out = _probe("etr", "--help")
    assert out["registered"] == ["tariffsim.cli.duties_cmds"]
    assert out["all_commands"] == _expected_order()


def test_unknown_command_and_root_help_see_every_command() -> None:
    out = _probe("--help")
    assert out["registered"] == [m for m, _ in COMMAND_MODULES]
    out = _probe("no-such-command")
    assert out["code"] == 2
    assert out["registered"] == [m for m, _ in COMMAND_MODULES]


_HEAVY_PROBE = """
import contextlib, io, json, sys
from tariffsim.cli import main as m
with contextlib.redirect_stdout(io.StringIO()):
    code = m.main(sys.argv[1:])
print(json.dumps({"code": code, "heavy": sorted(
    k for k in ("pydantic", "polars", "scipy", "pyarrow", "matplotlib") if k in sys.modules)}))
"""


def test_a_single_rate_imports_no_heavy_library() -> None:
    # The start-up budget of a single `rate` (issue "Hardening…": <= 0.5 s wall) holds only if the
    # run imports numpy, typer and rich and nothing heavier. typer 0.29 imports pydantic to check
    # every option (about 0.15 s per run); pyproject holds typer below 0.29 for that reason.
    # Expected: none of the listed libraries in sys.modules after the command has run.
    proc = subprocess.run(
        [sys.executable, "-c", _HEAVY_PROBE, "rate", "JPN", "8703230190", "--on", "2025-09-20"],
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out == {"code": 0, "heavy": []}

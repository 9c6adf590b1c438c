"""The ``tariffsim`` command.

Each area owns one module in this package that exposes ``register(app: typer.Typer) -> None`` and
adds its commands. Command modules import heavy libraries (scipy, matplotlib, fastapi, the data
layer) inside the command functions, never at module level, so ``tariffsim rate`` starts fast.

A run imports only the module of the command it names (``tariffsim rate …`` registers
``schedule_cmds`` alone: typer then builds and checks the parameters of 4 commands, not of ~40);
``--help``, ``--version``, no command or an unknown one register every module, in help order.
:data:`COMMAND_MODULES` says which module owns which top-level name (a test checks it against what
each ``register`` adds). ``app`` (for ``typer.main.get_command(app)``) has every command.

Errors: any :class:`~tariffsim.core.errors.TariffsimError` becomes one line ``error: …`` and a
``hint: …`` line on stderr, exit code 2 for bad input.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from typing import Any, TextIO

import typer

from tariffsim.core.errors import TariffsimError

# Modules that register commands, in help order, with the top-level names each adds.
COMMAND_MODULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tariffsim.cli.schedule_cmds", ("rate", "timeline", "measures", "demo")),
    ("tariffsim.cli.search_cmd", ("search",)),
    ("tariffsim.cli.data_cmds", ("data",)),  # data info | download | cache
    ("tariffsim.cli.duties_cmds", ("etr", "duties", "reciprocal", "report")),
    ("tariffsim.cli.pe_cmds", ("pe",)),
    ("tariffsim.cli.ge_cmds", ("ge",)),  # run, reproduce-ilms2025, optimal, nash, montecarlo
    ("tariffsim.cli.negotiate_cmds", ("negotiate",)),
    ("tariffsim.cli.backtest_cmds", ("backtest",)),  # wave
    ("tariffsim.cli.serve_cmd", ("serve",)),
)

_app = typer.Typer(
    name="tariffsim",
    help="US tariffs of 2025–26 as code: rates, duties, effective rates, models and negotiations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("tariffsim")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        v = "unknown"
    typer.echo(f"tariffsim {v}")
    raise typer.Exit(0)


@_app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    """US tariffs of 2025–26 as code: rates, duties, effective rates, models and negotiations."""
    # every top-level name, registered in this run or not (the demo lists them; click's meta is
    # shared with the subcommands' contexts)
    ctx.meta["tariffsim.commands"] = tuple(n for _, names in COMMAND_MODULES for n in names)


# module -> (its commands, its groups) once registered
_REGISTERED: dict[str, tuple[list[Any], list[Any]]] = {}


def _register(modules: list[str]) -> None:
    """Register the command modules not yet registered; keep the app's commands and groups in
    the order of :data:`COMMAND_MODULES` whatever the order modules were registered in."""
    for name in modules:
        if name in _REGISTERED:
            continue
        n_cmd, n_grp = len(_app.registered_commands), len(_app.registered_groups)
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # the area has not been built yet
                _REGISTERED[name] = ([], [])
                continue
            raise
        module.register(_app)
        _REGISTERED[name] = (_app.registered_commands[n_cmd:], _app.registered_groups[n_grp:])
        del _app.registered_commands[n_cmd:], _app.registered_groups[n_grp:]
    order = [m for m, _ in COMMAND_MODULES if m in _REGISTERED]
    _app.registered_commands[:] = [c for m in order for c in _REGISTERED[m][0]]
    _app.registered_groups[:] = [g for m in order for g in _REGISTERED[m][1]]


def _modules_for(argv: list[str]) -> list[str]:
    """The command modules a run needs: the owner of the command named first, else all."""
    if argv and not argv[0].startswith("-"):
        for module, names in COMMAND_MODULES:
            if argv[0] in names:
                return [module]
    return [m for m, _ in COMMAND_MODULES]


def __getattr__(attr: str) -> Any:
    # ``app``: the whole CLI (every command registered), for tools that walk its commands.
    if attr == "app":
        _register([m for m, _ in COMMAND_MODULES])
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")


def _one_line_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Show a Python warning as one ``warning: …`` line (no source path, no code line)."""
    sys.stderr.write(f"warning: {message}\n")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning tariffsim errors into one clear line and exit code."""
    import warnings

    shown = warnings.showwarning
    warnings.showwarning = _one_line_warning
    try:
        return _run(argv)
    finally:
        warnings.showwarning = shown


def _run(argv: list[str] | None) -> int:
    try:
        _register(_modules_for(list(argv) if argv is not None else sys.argv[1:]))
        _app(args=argv, prog_name="tariffsim", standalone_mode=False)
        sys.stdout.flush()  # a full disk or a closed pipe is found here, not at exit
    except BrokenPipeError:
        # the reader went away (``tariffsim … | head``): stop quietly, as Unix tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except TariffsimError as exc:
        from tariffsim.cli.render import print_error

        print_error(exc)
        return getattr(exc, "exit_code", 1)
    except (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError) as exc:
        # A file named on the command line that cannot be read or written: one line, exit 2.
        from tariffsim.cli.render import print_error
        from tariffsim.core.errors import InputError

        what = exc.filename if exc.filename is not None else ""
        print_error(
            InputError(
                f"{what}: {exc.strerror or type(exc).__name__}" if what else str(exc),
                hint="check the path and its folder's permissions",
            )
        )
        return 2
    except OSError as exc:
        if exc.filename is not None:
            raise
        # writing to standard output failed (a full disk, an I/O error): say so, exit 2
        import os

        from tariffsim.cli.render import print_error
        from tariffsim.core.errors import InputError

        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print_error(
            InputError(
                f"could not write the output: {exc.strerror or exc}",
                hint="check where standard output goes (a full disk?)",
            )
        )
        return 2
    except SystemExit as exc:  # typer/click exit with code
        return int(exc.code or 0)
    except Exception as exc:
        # Usage errors (missing argument, bad option). Typer may bundle its own copy of click
        # (typer._click), so recognise click's exception protocol rather than its classes.
        show = getattr(exc, "show", None)
        if callable(show) and isinstance(getattr(exc, "exit_code", None), int):
            fmt = getattr(exc, "format_message", None)
            ctx = getattr(exc, "ctx", None)
            if type(exc).__name__ == "NoArgsIsHelpError" or not callable(fmt):
                show()  # e.g. a group called without a command: its help
                return 2
            from tariffsim.cli.render import print_error
            from tariffsim.core.errors import InputError

            if ctx is None:
                words = [a for a in (argv if argv is not None else sys.argv[1:])[:3]]
                cmd = " ".join(["tariffsim", *[w for w in words if not w.startswith("-")][:2]])
                hint = f"see {cmd} --help"
            else:
                usage = ctx.get_usage().replace("Usage:", "usage:", 1).strip()
                hint = f"{usage}; see {ctx.command_path} --help"
            print_error(InputError(fmt(), hint=hint))
            return 2
        if type(exc).__name__ == "Abort":
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())

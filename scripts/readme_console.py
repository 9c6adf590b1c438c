"""Regenerate the outputs shown in README.md's ``console`` blocks from the commands themselves.

    .venv/bin/python scripts/readme_console.py          # rewrite README.md in place
    .venv/bin/python scripts/readme_console.py --check  # exit 1 if README.md is out of date

In a block opened with ```` ```console ````, each line starting with ``$ tariffsim`` is a command;
the lines up to the next command or the end of the block are its output. Commands run in-process
(``tariffsim.cli.main.main``) with a 100-column terminal, from the repository root. The test
``tests/e2e/test_readme_examples.py`` runs the same check.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
WIDTH = 100
_BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def run_command(line: str) -> str:
    """The stdout and stderr of one ``$ tariffsim …`` line, as a 100-column terminal shows them."""
    from tariffsim.cli.main import main

    argv = shlex.split(line.removeprefix("$ ").strip())[1:]
    out, err = io.StringIO(), io.StringIO()
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(WIDTH)
    cwd = Path.cwd()
    try:
        os.chdir(ROOT)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        os.chdir(cwd)
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
    if code != 0:
        raise RuntimeError(f"{line!r} exited {code}: {err.getvalue()[-500:]}")
    text = out.getvalue() + "".join(
        ln + "\n" for ln in err.getvalue().splitlines() if not ln.startswith("warning:")
    )
    return "\n".join(ln.rstrip() for ln in text.rstrip("\n").splitlines()) + "\n"


def render_block(block: str) -> str:
    """A console block with every command's output regenerated."""
    out: list[str] = []
    for line in block.splitlines():
        if line.startswith("$ tariffsim"):
            out.append(line + "\n")
            out.append(run_command(line))
    return "".join(out)


def render(text: str) -> str:
    return _BLOCK.sub(lambda m: "```console\n" + render_block(m.group(1)) + "```", text)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in argv:
        if new != text:
            print("README.md console blocks are out of date: run scripts/readme_console.py")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

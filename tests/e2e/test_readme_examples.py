"""README.md runs as written (the Datasette discipline: the docs are tested, not trusted).

- Every ``$ tariffsim …`` line of a ``console`` block prints exactly what the README shows, in a
  100-column terminal (``scripts/readme_console.py`` regenerates them: when the law or the data
  change a figure, run it and review the diff).
- Every command of a ``sh`` block runs and exits 0, from a scratch folder holding the README's
  example files (``docs/examples/``), and writes the files it names. ``make`` lines are the suite's
  own entry points and are not run from inside it; ``tariffsim serve`` is started, answers
  ``/api/health``, and is stopped.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README, re.S)


def _sh_commands() -> list[str]:
    cmds = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            cmd = line.split("  #")[0].strip()
            if cmd.startswith("tariffsim"):
                cmds.append(cmd)
    return cmds


def _readme_console():
    spec = importlib.util.spec_from_file_location(
        "readme_console", ROOT / "scripts" / "readme_console.py"
    )
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def test_readme_has_examples() -> None:
    assert len(_sh_commands()) >= 15 and len(_blocks("console")) >= 1


@pytest.mark.parametrize("block", _blocks("console"), ids=lambda b: b.splitlines()[0][:40])
def test_console_output_is_what_the_readme_shows(block: str) -> None:
    regenerated = _readme_console().render_block(block)
    assert regenerated == block, "README.md is out of date: run scripts/readme_console.py"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "docs" / "examples", d / "docs" / "examples")
    return d


def _run(cmd: str, cwd: Path) -> tuple[int, str, str]:
    from tariffsim.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(shlex.split(cmd)[1:])
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


_FILE_OPTS = ("--output", "--out", "--plot", "--csv")


@pytest.mark.slow
@pytest.mark.parametrize("cmd", [c for c in _sh_commands() if not c.startswith("tariffsim serve")])
def test_sh_command_runs(cmd: str, scratch: Path) -> None:
    code, _out, err = _run(cmd, scratch)
    assert code == 0, f"{cmd}\n{err[-2000:]}"
    argv = shlex.split(cmd)
    for opt in _FILE_OPTS:
        if opt in argv:
            target = scratch / argv[argv.index(opt) + 1]
            assert target.exists(), f"{cmd}: {target} not written"
            if target.is_dir():
                assert any(target.iterdir()), f"{cmd}: {target} is empty"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_answers(scratch: Path) -> None:
    (serve,) = [c for c in _sh_commands() if c.startswith("tariffsim serve")]
    port = _free_port()
    argv = [
        sys.executable,
        "-m",
        "tariffsim.cli.main",
        *shlex.split(serve)[1:],
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(argv, cwd=scratch, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5) as r:
                    assert r.status == 200
                    return
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"serve exited {proc.returncode}: {proc.stderr.read()[-1000:]!r}")
                time.sleep(1)
        pytest.fail("serve did not answer /api/health within 180 s")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()  # an unclosed pipe is a ResourceWarning, an error under pytest here

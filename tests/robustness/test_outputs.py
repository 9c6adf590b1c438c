"""Outputs never destroy: every file option (``--output``, ``--out``, ``--plot``, ``--csv``) refuses a
symbolic link, a FIFO, a device and a folder with exit code 2 and leaves them as they were; a write
that fails leaves the old file; ``-`` is standard output. The review found the symlink, the FIFO and
``/dev/full`` (as root) replaced by a plain file, and "wrote 3 rows" printed for the last."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tariffsim.cli.main import main

EX = Path(__file__).resolve().parents[2] / "docs" / "examples" / "shipments.csv"

COMMANDS = {
    "rate --output": ["rate", "--input", str(EX), "--output", "{t}"],
    "duties --output": ["duties", str(EX), "--output", "{t}"],
    "duties --csv": ["duties", str(EX), "--csv", "{t}"],
    "etr --csv": ["etr", "--on", "2025-04-10", "--by", "partner", "--csv", "{t}"],
    "timeline --plot": ["timeline", "JPN", "8703230190", "--plot", "{t}.png"],
    "etr --plot": ["etr", "--from", "2025-04-01", "--to", "2025-04-30", "--plot", "{t}.png"],
    "report --out": [
        "report",
        "etr",
        "--from",
        "2025-04-01",
        "--to",
        "2025-04-30",
        "--no-validation",
        "--out",
        "{t}.html",
    ],
    "search --csv": ["search", "laptop", "--csv", "{t}"],
}


def _kinds(tmp: Path) -> dict[str, Path]:
    target = tmp / "target"
    target.write_text("keep")
    link = tmp / "link"
    link.symlink_to(target)
    fifo = tmp / "fifo"
    os.mkfifo(fifo)
    (tmp / "folder").mkdir()
    return {"symlink": link, "fifo": fifo, "folder": tmp / "folder"}


@pytest.mark.parametrize("cmd", list(COMMANDS))
@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder", "device"])
def test_non_regular_targets_refused(capsys, tmp_path: Path, cmd: str, kind: str) -> None:
    kinds = _kinds(tmp_path)
    argv = list(COMMANDS[cmd])
    i = next(j for j, a in enumerate(argv) if "{t}" in a)
    suffix = argv[i].replace("{t}", "")
    if kind == "device":
        argv[i] = "/dev/full" if not suffix else f"/dev/full{suffix}"
        if suffix:  # a device named x.png does not exist: make the link case instead
            dev = tmp_path / f"dev{suffix}"
            dev.symlink_to("/dev/full")
            argv[i] = str(dev)
    else:
        p = kinds[kind]
        if suffix:
            q = p.with_name(p.name + suffix)
            p.rename(q)
            p = q
        argv[i] = str(p)
    before = os.lstat(argv[i]).st_mode if os.path.lexists(argv[i]) else None
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "not a regular file" in err and "Traceback" not in err and "wrote" not in err
    if before is not None:
        assert os.lstat(argv[i]).st_mode == before  # still a link / FIFO / folder / device
    assert (tmp_path / "target").read_text() == "keep"
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_standard_output_dash(capsys) -> None:
    code = main(["rate", "--input", str(EX), "--output", "-"])
    cap = capsys.readouterr()
    assert code == 0 and cap.out.startswith("origin,hs,date") and "standard output" in cap.err


def test_existing_file_kept_when_nothing_to_write(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("origin,hs,date\nJapn,8703230190,2025-04-05\n")
    out = tmp_path / "out.csv"
    out.write_text("precious")
    assert main(["rate", "--input", str(bad), "--output", str(out)]) == 2
    assert out.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "out.csv"]

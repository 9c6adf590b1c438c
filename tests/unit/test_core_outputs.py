"""core.outputs: user outputs written atomically to regular files only, and checked.

The refused targets are the review's: a symbolic link, a FIFO, a device (/dev/full, /dev/null),
a folder; each is left exactly as it was.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from tariffsim.core import outputs
from tariffsim.core.errors import InputError
from tariffsim.core.outputs import check_target, write_atomic


def test_writes_new_and_existing_file_with_usual_mode(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    assert write_atomic(p, "x,y\n1,2\n") == 8
    assert p.read_text() == "x,y\n1,2\n"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~umask
    p.chmod(0o640)
    write_atomic(p, b"new")
    assert p.read_bytes() == b"new" and stat.S_IMODE(p.stat().st_mode) == 0o640
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.csv"]  # no temporary left


def test_writer_callable(tmp_path: Path) -> None:
    p = tmp_path / "c.png"
    n = write_atomic(p, lambda t: t.write_bytes(b"\x89PNG..."), suffix=".png")
    assert n == 7 and p.read_bytes() == b"\x89PNG..."


def test_symlink_refused_and_untouched(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    target.write_text("keep")
    link = tmp_path / "l.csv"
    link.symlink_to(target)
    with pytest.raises(InputError) as e:
        write_atomic(link, "x", option="--output")
    assert "is a symbolic link" in str(e.value) and str(e.value).startswith("--output ")
    assert link.is_symlink() and target.read_text() == "keep"


def test_fifo_folder_devices_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    for target, kind in (
        (fifo, "a FIFO"),
        (tmp_path, "a folder"),
        (Path("/dev/null"), "a device"),
        (Path("/dev/full"), "a device"),
    ):
        with pytest.raises(InputError) as e:
            write_atomic(target, "x", option="--output")
        assert f"is {kind}" in str(e.value)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_missing_folder_and_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        check_target(tmp_path / "no" / "x.csv", option="--output")
    with pytest.raises(InputError, match=r"must be a \.png file"):
        check_target(tmp_path / "x.jpg", option="--plot", suffix=".png")


def test_failed_write_leaves_target_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "a.csv"
    p.write_text("old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", full)
    with pytest.raises(InputError) as e:
        write_atomic(p, "new contents", option="--output")
    assert "No space left on device" in str(e.value)
    assert p.read_text() == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["a.csv"]


def test_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert write_atomic("-", "a,b\n") == 4
    assert write_atomic("/dev/stdout", b"c\n") == 2
    assert capsysbinary.readouterr().out == b"a,b\nc\n"
    with pytest.raises(InputError, match="cannot go to standard output"):
        check_target("-", option="--plot", stdout_ok=False)

"""Writing a user's output files: atomically, to regular files only, and checked.

Every file tariffsim writes at a user's request (``--output``, ``--out``, ``--plot``, ``--csv``) goes
through :func:`write_atomic`:

- the **target** must be a regular file or not exist yet. A symbolic link, a FIFO, a device node
  (``/dev/full``, ``/dev/sda``) or a folder is refused with an
  :class:`~tariffsim.core.errors.InputError` (CLI exit 2) and left untouched — writing "to" them by
  replacing them with a plain file destroyed them. :func:`check_target` makes the same check before
  any work is done, so a long computation does not end in a refusal;
- the bytes go to a **temporary file** in the target's folder, which is flushed and ``fsync``-ed,
  given the usual mode of a new file (``0o666`` less the umask; an existing target keeps its mode)
  and then renamed over the target (``os.replace``, atomic on POSIX). A full disk, a quota or an
  I/O error is an ``InputError`` naming the file; the temporary file is removed and the target is
  left as it was. Only then does the caller report "wrote N rows";
- **standard output**: the target ``-`` (and its spelling ``/dev/stdout``) writes the bytes to
  standard output instead of a file, flushed and checked the same way. That is the one special
  name: ``/dev/stderr``, ``/dev/fd/N`` and ``/proc/self/fd/N`` are links and are refused.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tariffsim.core.errors import InputError

STDOUT_NAMES = ("-", "/dev/stdout")
"""Targets meaning "write to standard output"."""

Writer = Callable[[Path], Any]
"""A function writing the whole output to the (temporary) path it is given."""


def is_stdout(path: str | os.PathLike[str]) -> bool:
    """True for the targets that mean standard output (``-``, ``/dev/stdout``)."""
    return str(path) in STDOUT_NAMES


def check_target(
    path: str | os.PathLike[str],
    *,
    option: str = "output",
    suffix: str | None = None,
    stdout_ok: bool = True,
) -> Path | None:
    """Check that ``path`` may be written; ``None`` for standard output (when ``stdout_ok``).

    Refused, with an :class:`InputError` naming ``option`` and the fix: a target that exists and is
    not a regular file (symbolic link, folder, FIFO, socket, device), a missing or unwritable
    folder, and a name without ``suffix`` (e.g. ``".png"``) when one is required.
    """
    if is_stdout(path):
        if not stdout_ok:
            raise InputError(
                f"{option} {str(path)!r}: this output cannot go to standard output",
                hint=f"give a file name, e.g. {option} out{suffix or '.csv'}",
            )
        return None
    p = Path(path)
    if suffix is not None and p.suffix.lower() != suffix:
        raise InputError(
            f"{option} {str(p)!r} must be a {suffix} file", hint=f"e.g. {option} chart{suffix}"
        )
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError(
            f"{option} {str(p)!r}: {exc.strerror or type(exc).__name__}",
            hint="check the path and its folder's permissions",
        ) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind, fix = _kind(p, st.st_mode)
        raise InputError(f"{option} {str(p)!r} is {kind}, not a regular file", hint=fix)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(
            f"{option}: folder {str(parent)!r} does not exist",
            hint=f"create it first (mkdir -p {parent}) or write elsewhere",
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(
            f"{option}: folder {str(parent)!r} is not writable", hint="write elsewhere"
        )
    return p


def _kind(p: Path, mode: int) -> tuple[str, str]:
    """What a non-regular target is, and how to fix the command."""
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(p)
        except OSError:
            target = "?"
        return (
            f"a symbolic link (to {target!r})",
            "tariffsim does not write through links: give the real file's path, or remove the link",
        )
    if stat.S_ISDIR(mode):
        return "a folder", f"give a file name inside it, e.g. {p / 'out.csv'}"
    if stat.S_ISFIFO(mode):
        return (
            "a FIFO (named pipe)",
            "write to a regular file, or to '-' (standard output) and pipe it",
        )
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device", "write to a regular file, or to '-' (standard output)"
    if stat.S_ISSOCK(mode):
        return "a socket", "write to a regular file"
    return "not a regular file", "write to a regular file"


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | str | Writer,
    *,
    option: str = "output",
    suffix: str | None = None,
    stdout_ok: bool = True,
) -> int:
    """Write ``data`` (bytes, text as UTF-8, or a :data:`Writer`) to ``path``; the bytes written.

    See the module doc: the target is checked (:func:`check_target`), written through a temporary
    file in its folder, synced, and renamed over it; on any failure nothing is left behind and the
    target is unchanged. ``-``/``/dev/stdout`` write to standard output.
    """
    target = check_target(path, option=option, suffix=suffix, stdout_ok=stdout_ok)
    if target is None:
        return _write_stdout(data, option=option)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        try:
            if callable(data):
                os.close(fd)
                fd = -1
                data(tmp)
                with open(tmp, "rb+") as f:
                    os.fsync(f.fileno())
                size = tmp.stat().st_size
            else:
                raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
                with os.fdopen(fd, "wb") as f:
                    fd = -1
                    f.write(raw)
                    f.flush()
                    os.fsync(f.fileno())
                size = len(raw)
            os.chmod(tmp, _mode_for(target))
            # the target may have changed since the check (a link put in its place): check again
            check_target(target, option=option, suffix=suffix, stdout_ok=False)
            os.replace(tmp, target)
        except OSError as exc:
            raise InputError(
                f"{option}: could not write {str(target)!r}: {exc.strerror or exc}",
                hint="nothing was written; free space or write elsewhere",
            ) from None
    finally:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        tmp.unlink(missing_ok=True)
    return size


def _mode_for(target: Path) -> int:
    """An existing file's mode, else the usual mode of a new file (0o666 less the umask)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _write_stdout(data: bytes | str | Writer, *, option: str) -> int:
    """Write the output to standard output, checked (a closed pipe or a full device is an error)."""
    if callable(data):
        with tempfile.TemporaryDirectory(prefix="tariffsim-") as d:
            tmp = Path(d) / "out"
            data(tmp)
            raw = tmp.read_bytes()
    else:
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)
        if out is not None:
            out.write(raw)
            out.flush()
        else:  # a text stream (tests capture output this way)
            sys.stdout.write(raw.decode("utf-8", "replace"))
            sys.stdout.flush()
    except OSError as exc:
        raise InputError(
            f"{option}: could not write to standard output: {exc.strerror or exc}",
            hint="check where standard output goes",
        ) from None
    return len(raw)


def describe_written(path: str | os.PathLike[str], n: int, unit: str) -> str:
    """``"wrote 7 rows to rated.csv"`` (``unit`` singular; ``"standard output"`` for ``-``)."""
    where = "standard output" if is_stdout(path) else str(path)
    return f"wrote {n:,} {unit}{'' if n == 1 else 's'} to {where}"

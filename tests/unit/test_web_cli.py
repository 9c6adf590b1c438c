"""``tariffsim serve``: registered, documented, refuses a bad port (exit 2, one error line)."""

from __future__ import annotations

from tariffsim.cli.main import main


def test_serve_help(capsys):
    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--host" in out and "--port" in out and "127.0.0.1" in out  # localhost by default


def test_serve_bad_port(capsys):
    assert main(["serve", "--port", "70000"]) == 2  # InputError → exit code 2
    assert "not a TCP port" in capsys.readouterr().err

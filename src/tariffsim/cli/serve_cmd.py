"""``tariffsim serve``: the web dashboard and JSON API (FastAPI + uvicorn), on localhost by default."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="interface to bind (default: localhost only)"
    ),
    port: int = typer.Option(8000, "--port", help="TCP port"),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level"),
    as_json: bool = typer.Option(False, "--json", help="print the address as JSON, then serve"),
) -> None:
    """Serve the dashboard (rates, effective rates, countries, scenarios, negotiations) and the API."""
    from tariffsim.core.errors import InputError

    if not 0 < port < 65536:
        raise InputError(f"--port {port} is not a TCP port", hint="e.g. --port 8000")
    _check_port_free(host, port)
    url = f"http://{host}:{port}/"
    if as_json:
        from tariffsim.cli.render import print_json

        print_json({"url": url, "docs": url + "docs", "openapi": url + "openapi.json"})
    else:
        typer.echo(f"tariffsim dashboard on {url}  (API docs: {url}docs; Ctrl-C to stop)")
        if host not in ("127.0.0.1", "localhost", "::1"):
            typer.echo(
                "warning: bound to a non-loopback interface; anyone who can reach it can use it",
                err=True,
            )
    from tariffsim.web.app import run

    run(host, port, log_level=log_level)


def _check_port_free(host: str, port: int) -> None:
    """Bind the address once before starting, so a taken port is one clear error (exit 2)."""
    import socket

    from tariffsim.core.errors import InputError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise InputError(
            f"--host {host!r} is not an address of this machine", hint="e.g. --host 127.0.0.1"
        ) from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            raise InputError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc})",
                hint="the port is taken or not allowed: choose another with --port, e.g. --port 8001",
            ) from None

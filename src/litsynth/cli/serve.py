"""`litsynth serve`: the workspace, a local web app over the project (see docs/workspace.md)."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import click

from litsynth.cli.common import load, project_option
from litsynth.config import Project
from litsynth.errors import LitsynthError


@click.command("serve")
@project_option
@click.option(
    "--port", default=8765, show_default=True, help="Port to listen on (0: any free port)."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; anything but loopback needs --allow-remote.",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow binding an address other people can reach (read the warning it prints).",
)
def serve_command(project_dir: Path, port: int, host: str, allow_remote: bool) -> None:
    """Start the workspace for the project and print its URL (nothing opens by itself).

    One process keeps the store, the index and the model warm: screening with the keyboard,
    search, and a JSON API for scripts (described at /openapi.json). It listens on loopback
    only unless --host and --allow-remote say otherwise.
    """
    import uvicorn

    from litsynth.server.app import create_app

    loopback = host in ("127.0.0.1", "localhost", "::1")
    if not loopback and not allow_remote:
        raise click.UsageError(f"--host {host} is reachable by others; add --allow-remote")
    if not loopback:
        click.secho(
            f"Warning: the workspace on {host} is reachable from the network; anyone who can"
            " reach it can read the project (writes still need the page's session token).",
            fg="yellow",
            err=True,
        )
    project = load(project_dir)
    sock = _listening(host, port)  # bound before the URL is printed: the URL is ours
    port = int(sock.getsockname()[1])
    names = {f"{host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"}
    app = create_app(project, allowed_hosts=tuple(sorted(names)))
    app.state.workspace.warm_screening()  # while the URL is opened in a browser
    _daily_backup(project)
    click.echo(f"litsynth workspace for {project.root}: http://{host}:{port}/  (Ctrl-C stops it)")
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


def _daily_backup(project: Project) -> None:
    """The workspace is where the human work is done: once a day it starts with a backup."""
    from datetime import UTC, datetime

    from litsynth.store import backup

    try:
        made = backup.daily_backup(project.store_path, datetime.now(UTC))
    except LitsynthError as exc:  # the workspace still starts; the console says why
        click.secho(f"Warning: could not back up the store: {exc.message}", fg="yellow", err=True)
        return
    if made is not None:
        click.echo(
            f"backed up the store to {made.relative_to(project.root)} (once a day, the newest"
            f" {backup.DAILY_KEEP} kept; `litsynth backup --list`)"
        )


def _listening(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or an error saying the port is taken.

    uvicorn bound the port itself, after we had printed the URL: with the port taken (a
    workspace already running), the user saw our URL, which led to the other server, then
    uvicorn's log line, and the command ended with status 0.
    """
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart need not wait
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise LitsynthError(
                f"port {port} on {host} is already in use (another `litsynth serve`?)",
                hint=f"open http://{host}:{port}/ if that is this project's workspace, or pass"
                " --port N (--port 0 picks a free one)",
            ) from None
        raise LitsynthError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    return sock


commands: list[click.Command] = [serve_command]

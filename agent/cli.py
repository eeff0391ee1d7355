"""Command line: the only place that touches argv, stdout/stderr, the clock and exit codes."""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import yaml
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from agent import __version__
from agent import collect as collect_mod
from agent.acltemplate import DEFAULT_NAME, FIRST_ID, SELECTIONS, TARGETS
from agent.acltemplate import run as acltemplate_run
from agent.errors import SegproofError
from agent.models import result as r
from agent.pipeline import outputs, prepare
from agent.pipeline import text as textout
from agent.pipeline.context import Context
from agent.pipeline.inventory import run as inventory_run
from agent.pipeline.remediate import run as remediate_run
from agent.pipeline.tracing import run as trace_run
from agent.pipeline.verify import run as verify_run

EXIT_OK, EXIT_VIOLATION, EXIT_INPUT, EXIT_INCONCLUSIVE, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_PARTIAL = 5  # collect: some devices could not be collected (see meta.json)
VERDICT_EXIT = {"isolated": EXIT_OK, "violation": EXIT_VIOLATION, "inconclusive": EXIT_INCONCLUSIVE}

_err = Console(stderr=True, highlight=False)


def _fail(message: str) -> None:
    _err.print(f"[bold red]error:[/] {escape(message)}", markup=True, soft_wrap=True)
    sys.exit(EXIT_INPUT)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], None]]:
    if not enabled or not _err.is_terminal:
        yield lambda _msg: None
        return
    with _err.status("starting") as status:
        yield status.update


def _emit(payload: str, output: str | None) -> None:
    if output:
        path = Path(output)
        if path.exists() and path.is_dir():
            _fail(f"{output}: is a folder")
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(payload, encoding="utf-8")
        tmp.replace(path)
    else:
        click.echo(payload, nl=not payload.endswith("\n"))


def _context(snapshot: str, policy: str | None, any_source: bool, fmt: str) -> Context:
    with _progress(fmt == "text") as progress:
        return prepare.run(
            Path(snapshot),
            Path(policy) if policy else None,
            any_source=any_source,
            progress=progress,
        )


def _dump(model: Any) -> str:
    data = model.model_dump(mode="json", by_alias=True)
    return json.dumps(data, indent=2, sort_keys=False) + "\n"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="segproof")
def cli() -> None:
    """segproof: prove that flagged cameras cannot reach core networks."""


@cli.command()
@click.argument("snapshot", type=click.Path(file_okay=False), required=False)
@click.option(
    "--policy",
    "policy",
    type=click.Path(dir_okay=False),
    help="policy YAML (default SNAPSHOT/policy.yml, or INVENTORY/policy.yml with --inventory)",
)
@click.option(
    "--inventory",
    type=click.Path(file_okay=False, exists=True),
    help="collect from the devices of this Nornir inventory first (instead of SNAPSHOT)",
)
@click.option(
    "--save",
    type=click.Path(file_okay=False),
    help="with --inventory: keep the collected snapshot here (a new folder)",
)
@click.option(
    "--known-hosts",
    type=click.Path(dir_okay=False),
    help="with --inventory: check SSH host keys strictly against this known_hosts file",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="write the report to FILE")
@click.option("--any-source", is_flag=True, help="consider every source address (spoofing cameras)")
@click.option(
    "--show-unrecognized/--no-show-unrecognized",
    default=True,
    help="list unrecognised lines in text",
)
def verify(
    snapshot: str | None,
    policy: str | None,
    inventory: str | None,
    save: str | None,
    known_hosts: str | None,
    fmt: str,
    output: str | None,
    any_source: bool,
    show_unrecognized: bool,
) -> None:
    """Prove every flagged camera isolated from the core, or show how it reaches it.

    With --inventory, collect the devices first (as segproof collect does); a device that could
    not be collected makes the result inconclusive at best.

    Exit codes: 0 isolated, 1 violation, 2 bad input, 3 inconclusive.
    """
    if (snapshot is None) == (inventory is None):
        _fail("give a SNAPSHOT folder or --inventory INVENTORY (one of them)")
    if save and not inventory:
        _fail("--save goes with --inventory")
    scratch: Path | None = None
    if inventory:
        if save:
            target = Path(save)
        else:
            scratch = Path(tempfile.mkdtemp(prefix="segproof-collect-"))
            target = scratch / "snapshot"
        policy = policy or str(Path(inventory) / "policy.yml")
        _collect(
            inventory,
            target,
            workers=10,
            timeout=30.0,
            retries=2,
            force=False,
            known_hosts=known_hosts,
            quiet=fmt == "json",
        )
        snapshot = str(target)
    assert snapshot is not None
    try:
        ctx = _context(snapshot, policy, any_source, fmt)
        with _progress(fmt == "text") as progress:
            report = verify_run(ctx, progress)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    if fmt == "json":
        _emit(_dump(report), output)
    else:
        _emit(textout.verify(report, show_unrecognized=show_unrecognized), output)
    sys.exit(VERDICT_EXIT[report.verdict])


@cli.command()
@click.argument("snapshot", type=click.Path(file_okay=False))
@click.option("--policy", "policy", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def cameras(snapshot: str, policy: str | None, fmt: str) -> None:
    """List flagged cameras and every other endpoint, with vendor evidence and location."""
    ctx = _context(snapshot, policy, False, fmt)
    listing = inventory_run(ctx)
    if fmt == "json":
        _emit(_dump(listing), None)
    else:
        _emit(textout.cameras(listing), None)


@cli.command()
@click.argument("snapshot", type=click.Path(file_okay=False))
@click.option("--src", required=True, help="source IP address")
@click.option("--dst", required=True, help="destination IP address")
@click.option(
    "--proto", default="tcp", show_default=True, help="tcp, udp, icmp, icmpv6 or a number"
)
@click.option("--dport", type=click.IntRange(0, 65535), default=None)
@click.option("--sport", type=click.IntRange(0, 65535), default=49152, show_default=True)
@click.option("--icmp-type", type=click.IntRange(0, 255), default=None)
@click.option("--policy", "policy", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def trace(
    snapshot: str,
    src: str,
    dst: str,
    proto: str,
    dport: int | None,
    sport: int,
    icmp_type: int | None,
    policy: str | None,
    fmt: str,
) -> None:
    """Follow one flow hop by hop through the configurations and show every filter decision."""
    for value, what in ((src, "--src"), (dst, "--dst")):
        try:
            ipaddress.ip_address(value)
        except ValueError:
            _fail(f"{what}: {value!r} is not an IP address")
    ctx = _context(snapshot, policy, False, fmt)
    result = trace_run(ctx, src, dst, proto, dport, sport, icmp_type)
    if fmt == "json":
        _emit(_dump(result), None)
    else:
        _emit(textout.trace(result), None)


@cli.command()
@click.argument("snapshot", type=click.Path(file_okay=False))
@click.option("--policy", "policy", type=click.Path(dir_okay=False))
@click.option(
    "--strategy",
    type=click.Choice(["acl", "vlan", "shutdown"]),
    default="acl",
    show_default=True,
    help="acl: filter at the first router; vlan: move camera ports to --vlan; shutdown: shut them",
)
@click.option("--vlan", type=int, default=None, help="quarantine VLAN for --strategy vlan")
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False),
    help="write one change and one rollback file per device here (a new or empty folder)",
)
@click.option(
    "--write-snapshot",
    "write_snapshot",
    type=click.Path(file_okay=False),
    help="write a copy of the snapshot with the change applied (a new folder)",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--any-source", is_flag=True, help="as for verify")
def remediate(
    snapshot: str,
    policy: str | None,
    strategy: str,
    vlan: int | None,
    out_dir: str | None,
    write_snapshot: str | None,
    fmt: str,
    any_source: bool,
) -> None:
    """Plan the smallest change that closes every violation, render it per device with its
    rollback, and prove it on the model (violations closed, exceptions kept, nothing else lost).

    Exit codes: 0 proven fix (or nothing to fix), 1 no proven fix, 2 bad input.
    """
    for target in (out_dir, write_snapshot):
        if (
            target
            and Path(target).exists()
            and (not Path(target).is_dir() or any(Path(target).iterdir()))
        ):
            _fail(f"{target}: exists and is not an empty folder (nothing is overwritten)")
    ctx = _context(snapshot, policy, any_source, fmt)
    with _progress(fmt == "text") as progress:
        progress("planning and proving the remediation")
        result, texts = remediate_run(ctx, strategy, vlan)  # type: ignore[arg-type]
    if out_dir:
        files = {"summary.json": _dump(result)}
        if result.passed:  # a plan that fails its proof is not written out as a fix
            files.update({f"{d.device}.change.txt": d.change for d in result.rendered})
            files.update({f"{d.device}.rollback.txt": d.rollback for d in result.rendered})
        outputs.write_folder(Path(out_dir), files)
    if write_snapshot:
        if not result.passed or not texts:
            _err.print("no proven change: --write-snapshot not written")
        else:
            outputs.write_snapshot(Path(snapshot), Path(write_snapshot), texts)
    if fmt == "json":
        _emit(_dump(result), None)
    else:
        _emit(textout.remediation(result), None)
    sys.exit(EXIT_OK if result.passed else EXIT_VIOLATION)


def _prompt(label: str, hidden: bool) -> str:
    default = "" if "secret" in label.lower() else None
    return str(
        click.prompt(label, hide_input=hidden, default=default, show_default=False, err=True)
    )


def _collect(
    inventory: str,
    out: Path,
    *,
    workers: int,
    timeout: float,
    retries: int,
    force: bool,
    known_hosts: str | None = None,
    quiet: bool = False,
) -> collect_mod.CollectResult:
    """Run a collection with credentials from the environment (or a prompt), per-device lines
    on stderr (failures always; successes unless ``quiet``) and a progress bar on a terminal."""
    groups_file = Path(inventory) / "groups.yaml"
    groups_data = yaml.safe_load(groups_file.read_text()) if groups_file.is_file() else None
    prompt = _prompt if sys.stdin.isatty() else None
    creds = collect_mod.resolve(list(groups_data or {}), os.environ, prompt)
    hosts_file = Path(inventory) / "hosts.yaml"
    hosts = yaml.safe_load(hosts_file.read_text()) if hosts_file.is_file() else None
    total = len(hosts or {})

    def line(rec: collect_mod.DeviceRecord) -> str:
        detail = f" ({rec.reason}: {rec.message})" if rec.reason else ""
        return f"{rec.host}: {rec.status}{detail}"

    show_bar = not quiet and _err.is_terminal
    with Progress(console=_err, transient=True, disable=not show_bar) as bar:
        task = bar.add_task("collecting", total=total or None)

        def done(rec: collect_mod.DeviceRecord) -> None:
            bar.advance(task)
            if rec.status != "ok" or not quiet:
                bar.console.print(line(rec), markup=False, highlight=False)

        return collect_mod.run(
            Path(inventory),
            out,
            credentials=creds,
            workers=workers,
            timeout=timeout,
            retries=retries,
            force=force,
            known_hosts=Path(known_hosts) if known_hosts else None,
            on_device=done,
        )


@cli.command("collect")
@click.argument("inventory", type=click.Path(file_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="the new snapshot folder",
)
@click.option("--workers", type=click.IntRange(1, 500), default=10, show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="seconds per device operation",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    help="for timeouts and refused connections",
)
@click.option("--force", is_flag=True, help="replace an existing snapshot folder")
@click.option(
    "--known-hosts",
    type=click.Path(dir_okay=False),
    help="check SSH host keys strictly against this known_hosts file (default: not checked)",
)
@click.option("--quiet", is_flag=True, help="no progress bar; print only failed devices")
def collect(
    inventory: str,
    out: str,
    workers: int,
    timeout: float,
    retries: int,
    force: bool,
    known_hosts: str | None,
    quiet: bool,
) -> None:
    """Collect configurations and state from live devices (Nornir SimpleInventory folder) into
    a new snapshot folder.

    Credentials: SEGPROOF_USERNAME, SEGPROOF_PASSWORD, SEGPROOF_SECRET (or per group
    SEGPROOF_<GROUP>_USERNAME ...), else a prompt on a terminal. Exit codes: 0 every device
    collected, 5 partial (see SNAPSHOT/meta.json), 2 bad input.
    """
    result = _collect(
        inventory,
        Path(out),
        workers=workers,
        timeout=timeout,
        retries=retries,
        force=force,
        known_hosts=known_hosts,
        quiet=quiet,
    )
    sys.exit(result.exit_code)


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@cli.command("acl-template")
@click.option(
    "--platform",
    "platform",
    required=True,
    type=click.Choice(SELECTIONS),
    help="a platform, juniper_junos (filter or SRX by --bind), linux, or all",
)
@click.option(
    "--cameras",
    multiple=True,
    required=True,
    metavar="PREFIX",
    help="camera prefix (repeat, or comma-separated)",
)
@click.option(
    "--core",
    multiple=True,
    required=True,
    metavar="PREFIX",
    help="core prefix (repeat, or comma-separated)",
)
@click.option(
    "--allow",
    "allows",
    multiple=True,
    metavar="DST:SERVICE",
    help="exception, e.g. 10.30.0.10:tcp/554 or 2001:db8::10:udp/123 (repeat)",
)
@click.option(
    "--name",
    default=DEFAULT_NAME,
    show_default=True,
    help="ACL / filter / table name and prefix of every object",
)
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="[PLATFORM=]INTERFACE|FROM:TO",
    help="where the filter applies: Vlan20, irb.20, cameras:core, cisco_asa=cameras",
)
@click.option(
    "--first-id",
    type=click.IntRange(1, 4294967294),
    default=FIRST_ID,
    show_default=True,
    help="first FortiOS policy ID (must be free)",
)
@click.option(
    "-o",
    "--output-dir",
    "out_dir",
    type=click.Path(file_okay=False),
    help="write one file per output here (a new or empty folder)",
)
def acl_template(
    platform: str,
    cameras: tuple[str, ...],
    core: tuple[str, ...],
    allows: tuple[str, ...],
    name: str,
    binds: tuple[str, ...],
    first_id: int,
    out_dir: str | None,
) -> None:
    """Render a complete, bound filter isolating cameras from the core, per platform."""
    rendered = acltemplate_run(
        platform, _split(cameras), _split(core), list(allows), name, list(binds), first_id=first_id
    )
    if out_dir:
        outputs.write_folder(Path(out_dir), {TARGETS[k].filename: t for k, t in rendered.items()})
        return
    if len(rendered) == 1:
        _emit(next(iter(rendered.values())), None)
        return
    _emit("\n".join(f"==> {TARGETS[k].filename} <==\n{t}" for k, t in rendered.items()), None)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, standalone_mode=False, prog_name="segproof")
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_INPUT)
    except click.exceptions.Abort:
        _err.print("aborted")
        sys.exit(EXIT_INPUT)
    except SegproofError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # the last resort: a bug, not bad input
        if os.environ.get("SEGPROOF_DEBUG"):
            raise
        _err.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
            "this is a bug in segproof; run again with SEGPROOF_DEBUG=1 for the traceback",
            markup=True,
        )
        sys.exit(EXIT_INTERNAL)


__all__ = ["cli", "main", "r"]

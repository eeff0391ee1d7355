"""Human-readable rendering of results with rich (tables, readable paths). Returns strings;
``cli`` decides where they go."""

from __future__ import annotations

import io
import os
import sys

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from agent.models import result as r
from agent.models.plan import Remediation

STATUS_STYLE = {"isolated": "green", "reachable": "bold red", "inconclusive": "yellow"}
VERDICT_LINE = {
    "isolated": (
        "[bold green]ISOLATED[/]",
        "every flagged camera is proven isolated from the core",
    ),
    "violation": ("[bold red]VIOLATION[/]", "at least one flagged camera can reach a core network"),
    "inconclusive": (
        "[bold yellow]INCONCLUSIVE[/]",
        "no violation proven, but some proofs rest on lines or devices segproof does not model",
    ),
}
UNRECOGNIZED_SHOWN = 40


def _console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    tty = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    width = Console().width if tty else 120
    return Console(
        file=buf,
        force_terminal=tty,
        width=max(width, 100),
        highlight=False,
        soft_wrap=False,
        emoji=False,
    ), buf


def _where(file: str | None, line: int | None) -> str:
    if not file:
        return ""
    return f"{file}:{line}" if line else file


def _box(box: r.SpaceBox) -> str:
    parts = [box.protocol if box.family == "ipv4" or box.protocol != "any" else "any ipv6"]
    if box.family == "ipv6" and box.protocol != "any":
        parts[0] = f"{box.protocol} (ipv6)"
    parts.append("to " + ", ".join(box.dst))
    if box.dst_ports is not None:
        parts.append("dst ports " + ",".join(box.dst_ports))
    if box.src_ports is not None:
        parts.append("src ports " + ",".join(box.src_ports))
    if box.icmp_type is not None:
        parts.append("icmp type " + ",".join(box.icmp_type))
    if box.icmp_code is not None:
        parts.append("code " + ",".join(box.icmp_code))
    if box.src is not None:
        parts.append("from " + ", ".join(box.src))
    if box.tcp:
        parts.append(f"({box.tcp})")
    if box.fragments:
        parts.append(f"(fragments: {box.fragments})")
    return " ".join(parts)


def _flow(flow: r.Flow) -> str:
    tail = " (non-initial fragment)" if flow.fragment else ""
    tail += " (ACK set)" if flow.established else ""
    if flow.src_port is not None:
        return f"{flow.protocol} {flow.src}:{flow.src_port} -> {flow.dst}:{flow.dst_port}{tail}"
    if flow.icmp_type is not None:
        icmp = f"type {flow.icmp_type} code {flow.icmp_code}"
        return f"{flow.protocol} {flow.src} -> {flow.dst} {icmp}{tail}"
    return f"{flow.protocol} {flow.src} -> {flow.dst}{tail}"


def _path(console: Console, hops: list[r.PathHop], indent: str = "      ") -> None:
    for i, hop in enumerate(hops, 1):
        vrf = f" vrf {hop.vrf}" if hop.vrf != "default" else ""
        head = f"{indent}{i}. [bold]{hop.device}[/]{vrf}  in {hop.in_ or '-'}"
        if hop.out:
            head += f" -> out {hop.out}"
        console.print(head)
        for flt in hop.filters:
            colour = "green" if flt.action == "permit" else "red"
            console.print(
                f"{indent}     [{colour}]{flt.action}[/] by {flt.name} {flt.direction}  "
                f"[dim]{_where(flt.file, flt.line)}[/]  {escape(flt.text)}"
            )
        if hop.route:
            approx = " [yellow](approximated dynamic route)[/]" if hop.approximated else ""
            cite = f"  [dim]{_where(hop.route_file, hop.route_line)}[/]" if hop.route_line else ""
            console.print(f"{indent}     route {escape(hop.route)}{cite}{approx}")


def verify(report: r.Report, show_unrecognized: bool = True) -> str:
    console, buf = _console()
    label, sentence = VERDICT_LINE[report.verdict]
    table = Table(title="Flagged cameras", title_justify="left", show_lines=False)
    for col in ("camera", "mac", "vendor", "location", "status", "reaches"):
        table.add_column(col)
    for cam in report.cameras:
        loc = cam.location
        where = f"{loc.device or '?'} {loc.interface or ''}".strip()
        if loc.vlan is not None:
            where += f" vlan {loc.vlan}"
        reaches = ", ".join(sorted({v.core for v in cam.violations if v.certain}))
        table.add_row(
            cam.ip or (cam.ipv6[0] if cam.ipv6 else "?"),
            cam.mac or "-",
            cam.vendor or "-",
            where,
            f"[{STATUS_STYLE[cam.status]}]{cam.status}[/]",
            reaches or "-",
        )
    console.print(table)
    for cam in report.cameras:
        name = cam.ip or cam.mac or "?"
        if cam.status == "reachable":
            who = ", ".join(x for x in (cam.vendor, cam.mac) if x) or cam.evidence
            console.print(f"\n[bold red]{name}[/] ({who}) reaches the core:")
            for v in cam.violations:
                if not v.certain:
                    continue
                approx = " [yellow](uses approximated dynamic routes)[/]" if v.approximated else ""
                console.print(f"  [bold]{v.core}[/]: {len(v.space)} header box(es){approx}")
                for box in v.space[:12]:
                    console.print(f"    - {escape(_box(box))}")
                if len(v.space) > 12:
                    console.print(f"    ... {len(v.space) - 12} more (see --format json)")
                if v.space_truncated:
                    console.print("    [yellow](space listing truncated)[/]")
                for flow in v.flows[:1]:
                    console.print(
                        f"    example: {_flow(flow)}  -> {v.disposition}: "
                        f"{escape(v.disposition_detail)}"
                    )
                _path(console, v.path)
        elif cam.status == "isolated":
            console.print(f"\n[green]{name}[/] is isolated; core-bound traffic stops at:")
            for stop in cam.stops[:10]:
                cite = (
                    f"  [dim]{_where(stop.file, stop.line)}[/] {escape(stop.text or '')}"
                    if stop.file
                    else ""
                )
                where = f"{stop.device} " if stop.device else ""
                console.print(f"    - {where}{stop.reason}: {escape(stop.detail)}{cite}")
            if len(cam.stops) > 10:
                console.print(f"    ... {len(cam.stops) - 10} more")
        possible = [v for v in cam.violations if not v.certain]
        if possible and cam.status == "inconclusive":
            console.print(
                f"\n[yellow]{name}[/] may reach {', '.join(sorted({v.core for v in possible}))}: "
                "every such path crosses something segproof did not understand"
            )
            for v in possible:
                for box in v.space[:6]:
                    console.print(f"    - {escape(_box(box))}")
        if cam.uncertain and cam.status != "isolated":
            console.print(f"\n[yellow]{name}[/] proof depends on what segproof did not understand:")
            for item in cam.uncertain[:10]:
                console.print(
                    f"    - [dim]{_where(item.file, item.line)}[/] {escape(item.text or '')}  "
                    f"({escape(item.why)})"
                )
    opaque = [d for d in report.devices if not d.modelled]
    if opaque:
        console.print(
            "\n[yellow]Not modelled (platform not supported yet):[/] "
            + ", ".join(f"{d.name} ({d.platform})" for d in opaque)
        )
    if report.unrecognized and show_unrecognized:
        console.print(f"\n[dim]Unrecognised lines: {len(report.unrecognized)}[/]")
        for line in report.unrecognized[:UNRECOGNIZED_SHOWN]:
            console.print(
                f"  [dim]{_where(line.file, line.line)}[/] {escape(line.text)}  "
                f"[dim]({line.context})[/]"
            )
        if len(report.unrecognized) > UNRECOGNIZED_SHOWN:
            console.print(
                f"  ... {len(report.unrecognized) - UNRECOGNIZED_SHOWN} more (see --format json)"
            )
    for note in report.notes:
        console.print(f"\n[dim]note: {escape(note)}[/]")
    counts = {
        s: sum(1 for c in report.cameras if c.status == s)
        for s in ("reachable", "inconclusive", "isolated")
    }
    console.print(
        f"\n{label}: {sentence}. cameras: {len(report.cameras)} "
        f"(reachable {counts['reachable']}, inconclusive {counts['inconclusive']}, "
        f"isolated {counts['isolated']}); "
        f"other endpoints: {len(report.endpoints)}"
    )
    return buf.getvalue()


def cameras(listing: r.CameraListing) -> str:
    console, buf = _console()
    for title, rows in (
        ("Flagged cameras", listing.cameras),
        ("Other endpoints", listing.endpoints),
    ):
        table = Table(title=title, title_justify="left")
        for col in ("ip", "mac", "organisation", "vendor", "location", "note"):
            table.add_column(col)
        for e in rows:
            loc = e.location
            where = (
                f"{loc.device or '?'} {loc.interface or ''} vlan {loc.vlan}"
                if loc and loc.device
                else "-"
            )
            table.add_row(
                e.ip or ", ".join(e.ipv6) or "-",
                e.mac or "-",
                e.organisation or "-",
                e.vendor or "-",
                where,
                e.note or "",
            )
        console.print(table)
    return buf.getvalue()


def trace(result: r.TraceResult) -> str:
    console, buf = _console()
    console.print(f"flow {_flow(result.flow)} from {result.start}")
    for i, branch in enumerate(result.branches, 1):
        colour = "red" if branch.success else "green"
        console.print(f"\nbranch {i}: [{colour}]{branch.disposition}[/]  {escape(branch.detail)}")
        if branch.file:
            console.print(
                f"      [dim]{_where(branch.file, branch.line)}[/] {escape(branch.text or '')}"
            )
        _path(console, branch.path)
    if not result.branches:
        console.print("no router or host on the source segment takes this flow")
    return buf.getvalue()


def remediation(result: Remediation) -> str:
    console, buf = _console()
    console.print(
        f"remediation ({result.strategy}) for {result.snapshot}: "
        f"verdict before: {result.verdict_before}"
    )
    for rendered in result.rendered if result.passed else []:
        console.print(f"\n[bold]{rendered.device}[/] ({rendered.platform}) change:")
        console.print(escape(rendered.change.rstrip()), highlight=False)
        console.print(f"[dim]{rendered.device} rollback:[/]")
        console.print(f"[dim]{escape(rendered.rollback.rstrip())}[/]", highlight=False)
    for item in result.unfixable:
        console.print(f"\n[yellow]not fixable with --strategy {result.strategy}:[/] {escape(item)}")
    proof = result.proof
    if proof is not None:
        checks = [
            ("every targeted violation closed", proof.closed, ", ".join(proof.remaining)),
            (
                "every allowed exception still reachable",
                proof.exceptions_kept,
                "; ".join(proof.exceptions_lost),
            ),
            ("no other flow changed", not proof.collateral, "; ".join(proof.collateral)),
            ("rendered change parses back to the plan", proof.reparsed, "; ".join(proof.notes)),
            ("rollback restores the configuration exactly", proof.rollback_exact, ""),
        ]
        console.print("\nproof on the model:")
        for label, ok, detail in checks:
            mark = "[green]ok[/]" if ok else "[red]FAILED[/]"
            console.print(
                f"  {mark}  {label}" + (f": {escape(detail)}" if detail and not ok else "")
            )
        console.print(f"  verdict after the change: {proof.verdict_after}")
        for note in proof.side_effects:
            console.print(f"  [yellow]note:[/] {escape(note)}")
    if result.passed and result.rendered:
        console.print(
            "\n[bold green]PROVEN[/]: the change closes every violation and changes nothing else"
            + (" (see the note on shared IPv6 prefixes)." if proof and proof.side_effects else ".")
        )
        if any(d.platform != "linux" for d in result.rendered):
            console.print(
                "[dim]firewall sessions already open are not re-evaluated: "
                "clear them after applying.[/]"
            )
        if any(d.platform == "linux" for d in result.rendered):
            console.print(
                "[dim]linux: the new chain runs before any ESTABLISHED accept, so camera flows "
                "to the core that are already open stop too.[/]"
            )
    elif result.passed:
        console.print("\n[bold green]nothing to fix[/]")
    else:
        console.print(
            "\n[bold red]NOT PROVEN[/]: no fix is printed (the reasons are above; the rejected "
            "plan is in --format json)."
        )
    return buf.getvalue()

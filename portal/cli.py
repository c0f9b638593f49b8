"""`flask audit verify`, `flask demo seed` and other operator commands."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The tamper-evident audit ledger.")
demo_cli = AppGroup("demo", help="Demo data for a local run.")
worker_cli = AppGroup("worker", help="Celery worker checks.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Walk every chain and name the first broken link of each, then check the ledger against every
    sealed checkpoint (a ledger rewritten and rehashed passes the first, not the second); exit 1 if
    anything is wrong."""
    from portal import audit

    report = audit.verify()
    click.echo(f"checked {report.checked} events in {report.chains} chains "
               f"and {report.witnessed} sealed checkpoint(s)")
    if report.ok:
        click.echo(f"ledger intact; global head {report.head_hash}")
        return
    for problem in report.problems:
        click.echo(f"BROKEN: {problem}", err=True)
    if report.breaks:
        click.echo(f"{len(report.breaks)} broken chain(s)", err=True)
    if report.contradictions:
        click.echo(f"{len(report.contradictions)} checkpoint(s) contradict the ledger", err=True)
    sys.exit(1)


@demo_cli.command("seed")
def demo_seed() -> None:
    """Create the demo organisation, users and cases (idempotent) and print the logins."""
    from portal.database import commit
    from portal.demo import seed

    logins = seed()
    commit()
    click.echo(f"\nDemo logins (password for all: {logins.password})")
    for role, email in logins.accounts:
        click.echo(f"  {role:<9} {email}")
    if logins.totp_note:
        click.echo(logins.totp_note)


@demo_cli.command("codes")
def demo_codes() -> None:
    """Print each demo user's current two-factor code (and the next one) from the demo seeds."""
    import time

    from portal.demo import current_codes

    for c in current_codes(time.time()):
        click.echo(f"  {c.role.value:<9} {c.email:<26} {c.code}  "
                   f"({c.seconds_left:>2} s left; next {c.next_code})")


@worker_cli.command("ping")
@click.option("--timeout", default=30.0, help="Seconds to wait for the worker.")
def worker_ping(timeout: float) -> None:
    """Send a task through the broker and wait for a worker's answer."""
    import secrets

    from portal.tasks import ping

    nonce = secrets.token_hex(8)
    result = ping.apply_async(args=[nonce], ignore_result=False)
    answer = result.get(timeout=timeout)
    if answer["nonce"] != nonce:
        raise click.ClickException("worker answered with the wrong nonce")
    click.echo(f"worker {answer['worker']} answered")


def init_cli(app: Flask) -> None:
    app.cli.add_command(audit_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(worker_cli)

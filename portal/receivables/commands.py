"""`flask collections rollup`: fill or refresh the rolled-up collections figures (after the migration
that adds them, or at any time; the beat does the same every few minutes)."""
from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from portal.receivables import tasks

collections_cli = AppGroup("collections", help="Collections: reminders, the work queue, the portfolio.")


@collections_cli.command("rollup")
@click.option("--org", "org_ids", type=int, multiple=True, help="Only this organisation (repeatable).")
def rollup_command(org_ids: tuple[int, ...]) -> None:
    """Recompute each organisation's debtor positions and portfolio snapshot, one commit each."""
    started = time.perf_counter()
    done = tasks.refresh_rollups(list(org_ids) or None)
    for org_id, debtors in done.items():
        click.echo(f"organisation {org_id}: {debtors} debtors owing")
    click.echo(f"{len(done)} organisation(s) in {time.perf_counter() - started:.1f} s")

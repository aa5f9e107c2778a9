"""``fristad demo --scale large``: the benchmark data set on top of the ordinary demo.

10 000 beneficiaries, 500 shelters with 10 000 beds in their categories, services of every
kind, 50 000 support requests in every state with their decisions, payments and ledger, and a
year of availability history, written in bulk (COPY on PostgreSQL) rather than one service call
per row. The rows keep every invariant the services keep: ``fristad ledger check`` and the
shelters' invariant check pass on them. The data are invented; there is no audit trail of their
making (no one did anything), and no identity data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from fristad.large import money, world
from fristad.large.bulk import Writer
from fristad.settings import Settings

# A stage of the build and how many units it has; the caller shows progress by advancing it.
Stage = Callable[[str, int], world.Advance]


@dataclass(frozen=True)
class Scale:
    beneficiaries: int
    shelters: int
    beds: int
    services: int
    support_requests: int
    history_days: int


SCALES = {
    "large": Scale(
        beneficiaries=10_000,
        shelters=500,
        beds=10_000,
        services=200,
        support_requests=50_000,
        history_days=365,
    ),
    # For tests of the generator itself.
    "tiny": Scale(
        beneficiaries=60, shelters=6, beds=40, services=10, support_requests=300, history_days=30
    ),
}


@dataclass(frozen=True)
class Built:
    beneficiaries: int
    shelters: int
    beds: int
    categories: int
    services: int
    support_requests: int
    availability_changes: int


async def build(settings: Settings, scale: Scale, stage: Stage, *, seed: int = 2026) -> Built:
    """Add the data set to a database the ordinary demo has filled."""
    rng = random.Random(seed)  # noqa: S311 - invented data, not secrets  # nosec B311
    async with Writer(settings) as writer:
        context = await _context(writer)
        programme = await money.programme_of(writer)
        cases = await world.add_beneficiaries(
            writer, context, scale.beneficiaries, rng, stage("beneficiaries", scale.beneficiaries)
        )
        beds = await world.add_shelters(
            writer, context, scale.shelters, scale.beds, rng, stage("shelters", scale.shelters)
        )
        changes = await world.add_history(
            writer, context, beds, scale.history_days, rng, stage("availability history", len(beds))
        )
        services = await world.add_services(
            writer, context, scale.services, rng, stage("services", scale.services)
        )
        await money.add_support_requests(
            writer,
            context,
            programme,
            [case for case in cases],
            scale.support_requests,
            rng,
            stage("support requests", scale.support_requests),
        )
    return Built(
        beneficiaries=len(cases),
        shelters=scale.shelters,
        beds=sum(bed.capacity for bed in beds),
        categories=len(beds),
        services=services,
        support_requests=scale.support_requests,
        availability_changes=changes,
    )


async def _context(writer: Writer) -> world.Context:
    caseworkers: dict[int, int] = {}
    for organisation_id, user_id in await writer.fetch(
        'SELECT organisation, "user" FROM "membership" WHERE role = \'caseworker\' AND active '
        "ORDER BY id"
    ):
        caseworkers.setdefault(organisation_id, user_id)
    if not caseworkers:
        raise RuntimeError("no caseworkers: the ordinary demo makes them first")

    async def organisations(flag: str) -> list[int]:
        rows = await writer.fetch(f'SELECT id FROM "organisation" WHERE {flag} ORDER BY id')  # noqa: S608 - a column name of ours  # nosec B608
        return [row[0] for row in rows]

    operators = await organisations("is_shelter_operator")
    if not operators:
        raise RuntimeError("no shelter operators: the ordinary demo makes them first")
    return world.Context(
        now=world.utc_now(),
        caseworkers=caseworkers,
        operators=operators,
        providers=await organisations("is_provider"),
    )


async def build_with_progress(settings: Settings, scale_name: str) -> Built:
    """``build`` with a progress bar per stage, then the ledger and bed invariants checked."""
    import time

    import click
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from grants.services import ledger_check
    from shelters.services import broken_invariants

    started = time.monotonic()
    columns = (*Progress.get_default_columns()[:2], BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn()) as progress:

        def stage(name: str, total: int) -> world.Advance:
            task = progress.add_task(name, total=total)
            return lambda done: progress.advance(task, done)

        built = await build(settings, SCALES[scale_name], stage)
    seconds = time.monotonic() - started
    click.echo(
        f"Large data set in {seconds:.0f} s: {built.beneficiaries} beneficiaries, "
        f"{built.shelters} shelters with {built.beds} beds in {built.categories} categories, "
        f"{built.services} services, {built.support_requests} support requests, "
        f"{built.availability_changes} availability changes"
    )
    differences, broken = await ledger_check(), await broken_invariants()
    if differences or broken:
        raise click.ClickException(
            f"invariants broken: {len(differences)} ledger differences, categories {broken}"
        )
    click.echo("ledger and budgets agree; every bed category's counts add up")
    return built

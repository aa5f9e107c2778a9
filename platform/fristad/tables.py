"""Fristad's own tables: the job outbox (``fristad.jobs_outbox``)."""

from __future__ import annotations

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class JobOutboxEntry(Table, tablename="job_outbox"):
    """A job or mail written in the transaction of the action that causes it, so it exists exactly
    when the action committed; relayed to arq afterwards and marked done by the worker.

    ``key`` names the reason (record ids, never personal data) and is unique: a second entry of
    the same reason is not written while the first is kept. ``call`` holds the job's arguments
    encrypted (a mail's address and text); it is emptied once the job has run.
    """

    id = Serial(primary_key=True)
    key = Varchar(length=200)
    job = Varchar(length=100)
    call = Text()
    run_at = Timestamptz()
    created_at = Timestamptz()
    relayed_at = Timestamptz(null=True, default=None)
    relays = Integer(default=0)
    done_at = Timestamptz(null=True, default=None)

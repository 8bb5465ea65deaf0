"""How the dashboards talk to the database.

PostgreSQL compiles a query to machine code (JIT) when its estimated cost
is high. The dashboards' aggregates are estimated high (a subplan per row
for recurring shortcomings, a scan of ten years of indicator cells) but run
in tens of milliseconds, and compiling them costs 300-500 ms more, every
time. ``dashboard_queries`` turns JIT off for the dashboard's transaction
only (``SET LOCAL``), which leaves every other query of the app as the
server is configured.
"""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def dashboard_queries():
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield

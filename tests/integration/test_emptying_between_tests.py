"""What ``tests/conftest.py``'s ``clean_database`` relies on to empty the database with
plain DELETEs between API tests."""

from __future__ import annotations

from sqlalchemy import Identity, Sequence
from sqlmodel import SQLModel

import infra.db.tables  # noqa: F401  (registers every table)


def test_no_table_numbers_its_rows_so_emptying_needs_no_counter_restarted() -> None:
    numbered = [
        f"{table.name}.{column.name}"
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if column is table.autoincrement_column
        or isinstance(column.default, Sequence)
        or isinstance(column.identity, Identity)
    ]
    assert numbered == [], (
        "these columns count rows: clean_database's DELETEs would not restart them "
        "(TRUNCATE ... RESTART IDENTITY would)"
    )

"""SQLModel tables. They never leave ``infra/``: repositories map them to domain
dataclasses. Import every table module here so ``SQLModel.metadata`` is complete."""

from infra.db.tables.members import MemberRow

__all__ = ["MemberRow"]

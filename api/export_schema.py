"""Print the GraphQL schema (SDL): ``python -m api.export_schema > schema.graphql``."""

from __future__ import annotations

import sys

from strawberry.printer import print_schema

from api.wiring import build_schema


def exported_schema() -> str:
    return print_schema(build_schema()) + "\n"


if __name__ == "__main__":
    sys.stdout.write(exported_schema())

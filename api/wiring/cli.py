"""The ``hearth`` command. Operational commands live in ``infra.cli``; the ones that
need the GraphQL schema live here, in the composition root.

hearth documents check MANIFEST   validate every document of a trusted-documents
                                  manifest against the schema and the limits, with
                                  its cost; exit 1 when any is refused
"""

from __future__ import annotations

import sys
from pathlib import Path

from api.documents import check_manifest
from api.wiring.schema import build_schema
from infra import cli as infra_cli
from infra.persisted_queries import ManifestError, load_manifest
from infra.settings import Settings


def check_documents(path: Path, settings: Settings | None = None) -> int:
    settings = settings or Settings()
    try:
        manifest = load_manifest(path)
    except ManifestError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    schema = build_schema(settings.model_copy(update={"hearth_trusted_documents": None}))
    refused = 0
    for report in check_manifest(schema._schema, manifest, settings):
        verdict = "ok     " if not report.problems else "REFUSED"
        refused += bool(report.problems)
        line = f"{verdict} {report.sha256[:12]}  cost {report.cost:>5}  {report.operation}"
        sys.stdout.write(line + "".join(f"\n        {p}" for p in report.problems) + "\n")
    total = len(manifest)
    limit = settings.hearth_max_query_cost
    sys.stdout.write(f"{total - refused} of {total} documents pass (cost limit {limit}).\n")
    return 1 if refused else 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["documents", "check"] and len(args) == 3:
        return check_documents(Path(args[2]))
    if args[:1] == ["documents"]:
        sys.stderr.write("usage: hearth documents check MANIFEST\n")
        return 2
    return infra_cli.main(args)


if __name__ == "__main__":
    raise SystemExit(main())

"""The composition root: the only part of ``api`` that names ``infra``'s adapters.

- ``api.wiring.services``: builds and closes the process's ``Services``;
- ``api.wiring.schema``: builds the schema with the extensions tied to the process;
- ``api.wiring.cli``: the ``hearth`` command.

``api.app`` (the ASGI app), ``api.health`` and ``api.middleware`` are the rest of it.
"""

# Hearth. `make run` sets everything up and serves http://127.0.0.1:8000/graphql;
# `make test` runs the linters and the whole test suite.
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000
MUTATE_CHILDREN ?= 2

.PHONY: setup run worker test pytest lint format migrate schema contract bench soak soak-worker faults mutate mutate-domain clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

setup: $(UV)
	$(UV) sync --frozen --quiet

migrate: setup
	$(UV) run alembic upgrade head

run: migrate
	@echo "Hearth on http://$(HOST):$(PORT)/graphql (dev sign-in: 'Authorization: Bearer dev:<uid>')."
	@echo "A living feed to look at: '$(UV) run hearth seed --demo', then sign in as dev:demo-ada."
	$(UV) run uvicorn api.app:create_app --factory --host $(HOST) --port $(PORT) --ws websockets-sansio --ws-per-message-deflate false --no-access-log

worker: migrate
	$(UV) run hearth worker

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy
	$(UV) run lint-imports

format: setup
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

pytest: setup
	$(UV) run pytest -q -p no:cacheprovider

test: lint pytest

schema: setup
	$(UV) run python -m api.export_schema > schema.graphql

# schema.graphql never breaks clients: removals need a deprecation in an earlier commit.
contract: setup
	$(UV) run python scripts/schema_contract.py

bench: setup
	$(UV) run python -m bench

# Five fault scenarios under a steady load against two uvicorn instances and one
# worker, on a private PostgreSQL cluster and redis-server (tests/faults): a PostgreSQL
# restart, PostgreSQL SIGKILLed, Redis down 20 s, FCM refusing 60 s, SIGTERM to an API
# instance. Each prints one line of figures; any loss fails. About 3 minutes; not in
# `make test` (the single faults have shorter tests there).
faults: setup
	env -u DATABASE_URL -u REDIS_URL $(UV) run pytest -q -s -p no:cacheprovider -m faults tests/faults

# A bounded run with live subscribers; fails when the server's RSS keeps growing
# (SOAK_ARGS="--minutes 10 --subscribers 200" for the long one).
soak: setup
	$(UV) run python -m bench.soak $(SOAK_ARGS)

# The notification worker's memory over thousands of outbox rows (FCM stand-in).
soak-worker: setup
	$(UV) run python -m bench.worker_soak $(SOAK_ARGS)

# Mutation testing (docs/testing.md); not part of `make test`. MUTANTS narrows it,
# e.g. make mutate MUTANTS='domain.checkins.reminders.*'
MUTANTS ?=
mutate: setup
	mkdir -p var
	env -u DATABASE_URL -u REDIS_URL $(if $(MUTATE_DATABASE_URL),DATABASE_URL=$(MUTATE_DATABASE_URL)) HEARTH_MUTATION_RUN=1 $(UV) run mutmut run --max-children $(if $(MUTATE_DATABASE_URL),1,$(MUTATE_CHILDREN)) $(MUTANTS) > var/mutmut.log 2>&1 || (tail -c 3000 var/mutmut.log; exit 1)
	$(UV) run python scripts/mutation_score.py

# domain/ against tests/unit only, in var/mutate-domain (its own mutmut configuration:
# [tool.hearth.mutate-domain]), e.g. make mutate-domain MUTANTS='domain.safety.*';
# PENDING=domain.safety. runs the mutants of that prefix not checked yet, with no test or
# surviving (thousands of names: passed through xargs, not the command line).
MUTATE_DOMAIN_DIR := var/mutate-domain
PENDING ?=
mutate-domain: setup
	$(UV) run python scripts/mutate_domain.py $(MUTATE_DOMAIN_DIR)
	$(if $(PENDING),$(UV) run python scripts/mutation_score.py --pending $(PENDING),echo '$(MUTANTS)') > $(MUTATE_DOMAIN_DIR)/mutants.txt
	cd $(MUTATE_DOMAIN_DIR) && xargs -s 1000000 env -u DATABASE_URL -u REDIS_URL HEARTH_MUTATION_RUN=1 nice -n 10 $(CURDIR)/$(UV) run --project $(CURDIR) mutmut run --max-children $(MUTATE_CHILDREN) < mutants.txt > mutmut.log 2>&1 || (tail -c 3000 mutmut.log; exit 1)
	$(UV) run python scripts/mutation_score.py

clean:
	rm -rf .tools .venv var .mypy_cache .ruff_cache mutants

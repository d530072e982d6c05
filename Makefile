# kefu — the two commands of the README's quick start are `make run` and `make test`.
.PHONY: run test install lint messages demo clean

run:            ## install everything, load the demo company, serve http://127.0.0.1:8000
	@scripts/run.sh

test:           ## install everything and run the whole check (SQLite, then PostgreSQL)
	@scripts/test.sh

install:
	@scripts/setup.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy kefu bench

messages:       ## refresh and compile the translation catalogues (needs gettext)
	cd kefu && ../.venv/bin/kefu makemessages -l zh_Hans --no-obsolete --no-location
	cd kefu && ../.venv/bin/kefu compilemessages

clean:
	rm -rf .venv .tools node_modules kefu/static/vendor var test-artifacts

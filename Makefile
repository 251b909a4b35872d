# The two commands of the README, and the checks CI runs.
.PHONY: run test lint ci bench-load bench-cost bench-docpdf bench-lists bench-import

run:  ## set up, load the demo data and serve http://127.0.0.1:8000
	bash .ci/setup.sh run

test:  ## set up and run the whole test suite
	bash .ci/setup.sh test $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

ci:  ## what CI runs, against this machine's PostgreSQL and Redis
	bash .ci/run

bench-load:  ## the deadline load test (tests/bench/README.md); needs PostgreSQL and Redis
	.venv/bin/python -m tests.bench.load $(LOAD_ARGS)

bench-cost:  ## where a submission's CPU goes, in one process (tests/bench/README.md)
	.venv/bin/python -m tests.bench.submission_cost

bench-docpdf:  ## a plan's PDF rendered against kept in the cache (tests/bench/README.md)
	.venv/bin/python -m tests.bench.document_pdf

LISTS_DB ?= postgres://postgres@127.0.0.1:5432/portal_bench_province
bench-lists:  ## the review queues and the Excel lists at province scale (tests/bench/README.md)
	.venv/bin/python -m tests.bench.lists --explain --database-url $(LISTS_DB)

IMPORT_DB ?= postgres://postgres@127.0.0.1:5432/portal_bench_import
bench-import:  ## the unit import row by row against in bulk, 1,000-10,000 rows (tests/bench/README.md)
	.venv/bin/python -m tests.bench.unit_import --drop --database-url $(IMPORT_DB) $(IMPORT_ARGS)

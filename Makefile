# capsim: the two commands of the README, and a few more.
#   make run    install what is missing, build in release, validate and run the flagship scenario
#   make test   install what is missing (with headless Chromium for the report test, Node.js to
#               check generated k6 scripts and xmllint to validate JUnit XML), run the whole suite;
#               the Slurm test starts (and stops) a single-node Slurm itself
#   make bench  the engine's speed on fixed workloads
#   make schemas  regenerate schemas/*.schema.json from the readers' declarations

SWIFT ?= swift
CAPSIM := .build/release/capsim
FLAGSHIP ?= scenarios/platform-christmas-2026.yaml

.PHONY: deps build run test bench schemas clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product capsim

run: build
	$(CAPSIM) validate scenarios/*.yaml topologies/*.yaml
	$(CAPSIM) run $(FLAGSHIP)
	$(CAPSIM) report latest --out reports/latest
	@echo "open reports/latest/index.html; the run is recorded in capsim.sqlite (capsim runs, capsim show latest)"

# Tests run in release: the reference cases simulate about 70 million customers, which takes
# seconds optimized and far too long in a debug build. The build also turns an import of a
# target that is not a declared dependency into an error, so the layering stays as documented.
# check-jsonschema validates the shipped files against schemas/; without it (no PyPI), the
# tests that need it are skipped by name rather than failing the whole run.
test: deps
	@scripts/install-chromium.sh
	@scripts/install-node.sh
	@scripts/install-xmllint.sh
	@scripts/install-strace.sh || echo "capsim: strace not installed; the tests that signal at a system call will be skipped" >&2
	@scripts/install-test-tools.sh || echo "capsim: check-jsonschema or kubernetes-validate not installed; their schema tests will be skipped" >&2
	$(SWIFT) build -c release --build-tests --explicit-target-dependency-import-check error
	$(SWIFT) test -c release --skip-build

# The engine's speed next to a hand-written C loop of the same M/M/4 queue (capsim bench
# compiles scripts/mmc-reference.c with cc and prints the ratio), a platform replication request
# by request, and hybrid runs of the Christmas week and the year.
bench: build
	$(CAPSIM) bench

# The schemas are generated, and a test fails when a committed one differs from what capsim prints.
schemas: build
	@for kind in $$($(CAPSIM) schema --list | cut -d' ' -f1); do \
	  $(CAPSIM) schema $$kind > schemas/$$kind.schema.json; echo "schemas/$$kind.schema.json"; done

clean:
	rm -rf .build

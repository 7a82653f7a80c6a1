# capsim: the two commands of the README, and a few more.
#   make run    install what is missing, build in release, validate and run the flagship scenario
#   make test   install what is missing (with headless Chromium for the report test, Node.js to
#               check generated k6 scripts and xmllint to validate JUnit XML), run the whole suite
#   make bench  the engine's speed on fixed workloads

SWIFT ?= swift
CAPSIM := .build/release/capsim
FLAGSHIP ?= scenarios/platform-christmas-2026.yaml

.PHONY: deps build run test bench clean

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
test: deps
	@scripts/install-chromium.sh
	@scripts/install-node.sh
	@scripts/install-xmllint.sh
	$(SWIFT) build -c release --build-tests --explicit-target-dependency-import-check error
	$(SWIFT) test -c release --skip-build

# The engine's speed, and a hand-written C loop of the same M/M/4 queue for comparison.
bench: build
	$(CAPSIM) bench
	@mkdir -p .build
	@cc -O2 -o .build/mmc-reference scripts/mmc-reference.c -lm
	@for i in 1 2 3; do .build/mmc-reference; done

clean:
	rm -rf .build

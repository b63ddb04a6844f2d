# Descent's two commands:
#   make serve  installs the build tools, builds the release bundle and serves it at http://127.0.0.1:8080
#   make test   installs the test tools and runs every suite
# Both work on a fresh Debian machine with rustup/cargo, node/npm and apt, and are fast the second time.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# tools/ first: its wasm-opt reuses the optimised module when its input is unchanged.
export PATH := $(CURDIR)/tools:$(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
# Trunk must never fetch tools or check for updates: it finds them all on PATH.
export TRUNK_OFFLINE := true
export TRUNK_SKIP_VERSION_CHECK := true
export CHROMEDRIVER := /usr/bin/chromedriver

TRUNK_VERSION := 0.21.14
WASM_BINDGEN_VERSION = $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3 }' Cargo.lock)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := chromium chromium-driver mesa-vulkan-drivers

.PHONY: serve test build offline setup-build setup-test fmt clippy test-native test-wasm test-e2e bench-page bench-jax bench-commands bench-commands-fresh

serve: setup-build
	trunk serve --release --address 127.0.0.1 --port 8080

test: setup-build setup-test fmt clippy test-native test-wasm test-e2e
	@echo "All suites passed."

build: setup-build
	trunk build --release

# One self-contained HTML file (dist-offline/descent.html) that works opened from disk.
offline: build
	node tools/single-file.mjs dist dist-offline/descent.html

setup-build: node_modules/.installed
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@[ "$$(trunk --version 2>/dev/null)" = "trunk $(TRUNK_VERSION)" ] || cargo install --locked trunk --version $(TRUNK_VERSION)
	@[ "$$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $(WASM_BINDGEN_VERSION)" ] || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	cargo fetch

setup-test:
	@[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(APT_PACKAGES); }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

fmt:
	cargo fmt --check

clippy:
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --no-default-features --all-targets -- -D warnings

test-native:
	cargo test

test-wasm:
	cargo test --target wasm32-unknown-unknown --no-default-features --test web

test-e2e: build
	node --test --test-concurrency=1 tests/e2e/

# Benchmarks are not tests: steps per second in the page, CPU and GPU (not part of `make test`).
# README's figures for the two commands: the second build and serve with nothing
# changed, and each step of the first ones from a clean clone with empty tool homes.
bench-commands: setup-build
	tools/time-commands.sh second

bench-commands-fresh:
	tools/time-commands.sh fresh

bench-page: build setup-test
	node --test tests/e2e/rates.bench.mjs

# The classifier's training against JAX (jit + lax.scan, float64 and float32)
# on the same jobs, one thread, in one run. JAX goes into a virtual environment
# outside the repository. A benchmark, not part of `make test`.
BENCH_VENV := $(HOME)/.cache/descent-bench-venv
bench-jax:
	@[ -x $(BENCH_VENV)/bin/python ] || python3 -m venv $(BENCH_VENV)
	@$(BENCH_VENV)/bin/python -c "import jax" 2>/dev/null || $(BENCH_VENV)/bin/pip install --quiet "jax[cpu]==0.10.2"
	cargo build --release --bin descent
	$(BENCH_VENV)/bin/python benches/side_by_side.py

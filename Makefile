# ecity — the two commands are `make demo` and `make test`. Everything else supports them.
.PHONY: all deps build web demo test test-unit test-asan bench clean

JOBS ?= $(shell nproc)
ECITY := build/release/ecity
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/package.json web/package-lock.json web/vite.config.js

all: build

deps:
	@scripts/deps.sh

build: deps
	@test -f build/release/build.ninja || cmake --preset release
	cmake --build --preset release -j $(JOBS)
	@$(MAKE) --no-print-directory web

web: web/dist/index.html

web/dist/index.html: $(WEB_SOURCES)
	npm --prefix web run build

# Loads the demo district into var/demo.db (once) and serves the console.
demo: build
	@mkdir -p var
	@ECITY_DATABASE_URL=sqlite:var/demo.db $(ECITY) demo --login-file var/demo-admin.txt
	@echo "----------------------------------------------------------------"
	@echo " ecity console: http://127.0.0.1:8080/"
	@if [ -f var/demo-admin.txt ]; then echo " admin login:   $$(cat var/demo-admin.txt)"; fi
	@echo "----------------------------------------------------------------"
	ECITY_DATABASE_URL=sqlite:var/demo.db $(ECITY) serve

# Every test: unit, integration on SQLite and on a throwaway PostgreSQL, browser e2e in
# Chromium (release build), then the unit suite again under ASan+UBSan.
test: build
	cd build/release && ctest --output-on-failure -j $(JOBS) --timeout 900
	@$(MAKE) --no-print-directory test-asan

test-unit: build
	cd build/release && ctest --output-on-failure -j $(JOBS) -L unit

test-asan: deps
	@test -f build/asan/build.ninja || cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) -L unit

bench: build
	bench/run.sh

clean:
	rm -rf build web/dist

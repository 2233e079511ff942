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

# Loads the demo district into var/demo.db (once) and serves the console, with the HJ 212
# listener fed by the district's simulated air stations (the same model as their history).
DEMO_HJ212_PORT ?= 2120
demo: build
	@mkdir -p var
	@ECITY_DATABASE_URL=sqlite:var/demo.db $(ECITY) demo --login-file var/demo-admin.txt
	@echo "----------------------------------------------------------------"
	@echo " ecity console: http://127.0.0.1:8080/"
	@if [ -f var/demo-admin.txt ]; then echo " admin login:   $$(cat var/demo-admin.txt)"; fi
	@echo " HJ 212 listener: 127.0.0.1:$(DEMO_HJ212_PORT) (8 simulated Yicheng stations send live data)"
	@echo "----------------------------------------------------------------"
	@ECITY_DATABASE_URL=sqlite:var/demo.db $(ECITY) serve --hj212-port $(DEMO_HJ212_PORT) & server=$$!; \
	  trap 'kill $$server $$sim 2>/dev/null; wait' INT TERM EXIT; \
	  until curl -sf http://127.0.0.1:8080/readyz >/dev/null 2>&1 || ! kill -0 $$server 2>/dev/null; do sleep 0.2; done; \
	  $(ECITY) simulate stations --prefix YCAQ --count 8 --password yc-demo-2022 --port $(DEMO_HJ212_PORT) \
	    --rate 0.05 --history-hours 24 >var/simulator.log 2>&1 & sim=$$!; \
	  wait $$server

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

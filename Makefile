# The README's two commands. Both install missing Debian packages first.
#   make run   build (release) and run dynop on the local cluster
#   make test  build and run every test (debug), then again under ASan+UBSan
.PHONY: run test deps build build-debug build-asan clean

JOBS ?= $(shell nproc)

deps:
	@packaging/install-deps.sh

# What `make run` needs: the three executables and the default plugins.
RUN_TARGETS := dynop dynop-localcluster dynop-sim dgd dgdsa webhook gpu-scheduler planner

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target $(RUN_TARGETS)

build-debug: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS)

build-asan: deps
	@cmake --preset asan-ubsan >/dev/null
	@cmake --build --preset asan-ubsan -j $(JOBS)

run: build
	@packaging/run-local.sh build/release

test: build-debug
	@ctest --preset debug
	@$(MAKE) --no-print-directory build-asan
	@ctest --preset asan-ubsan

clean:
	rm -rf build

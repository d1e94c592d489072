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

# The asan-ubsan test preset leaves out three guide e2e tests that mostly wait
# out HPA and KEDA windows (stabilization, cooldown: 550 s of test time); the
# controllers, KEDA and the planner still run under the sanitizers in the other
# guide and planner e2e tests, and the debug preset runs all of them.
test: build-debug
	@ctest --preset debug
	@$(MAKE) --no-print-directory build-asan
	@ctest --preset asan-ubsan

clean:
	rm -rf build

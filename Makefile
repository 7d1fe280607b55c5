# Thin front door over scripts/setup.sh and CMake/Ninja.
#   make demo   install what is missing, build, show the dialect at work
#   make test   install what is missing, build, run every test
#   make test-python   only the Python package's tests (no C++ build)
#   make test-sanitize ASan+UBSan+assertions build in build-sanitize/, runs
#                      GoogleTest, ctest and lit under the sanitizers
#   make bench  build, run the benchmarks of bench/ (results in build/bench/)
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup configure build test test-python test-sanitize bench demo docs install clean

all: build

setup:
	@scripts/setup.sh

configure: setup
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	  launcher=""; if command -v ccache >/dev/null; then \
	    launcher="-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"; fi; \
	  cmake -G Ninja -S . -B $(BUILD_DIR) \
	    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
	    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
	    -DPython3_EXECUTABLE=$(CURDIR)/.venv/bin/python \
	    $$launcher $(CMAKE_FLAGS); \
	fi

build: configure
	@ninja -C $(BUILD_DIR) -j$(JOBS)

test: build
	@scripts/run-tests.sh $(BUILD_DIR)

# Its own build directory and flags: scripts/test-sanitize.sh.
SANITIZE_BUILD_DIR ?= build-sanitize
test-sanitize: setup
	@JOBS=$(JOBS) scripts/test-sanitize.sh $(SANITIZE_BUILD_DIR)

test-python: setup
	@.venv/bin/python -m pytest python/tests -q

bench: build
	@scripts/run-bench.sh $(BUILD_DIR)

demo: build
	@scripts/demo.sh $(BUILD_DIR)

# Regenerates docs/dialect.md from the ODS definitions.
docs: build
	@cp $(BUILD_DIR)/docs/TernaryDialect.md docs/dialect.md
	@echo "docs/dialect.md regenerated"

install: build
	@cmake --install $(BUILD_DIR) --prefix $(or $(PREFIX),$(BUILD_DIR)/install)

clean:
	@rm -rf $(BUILD_DIR)

# quire's entry points. `make demo` and `make test` work on a fresh Debian 12
# machine: each first runs scripts/setup.sh, which installs what is missing.

SHELL := /bin/bash
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: all setup release asan demo test test-release test-asan test-fuzz fuzz-build bench microbench fuzz clean

all: release

setup:
	@bash scripts/setup.sh

build/release/build.ninja:
	cmake --preset release >/dev/null

build/asan/build.ninja:
	cmake --preset asan >/dev/null

release: setup build/release/build.ninja
	cmake --build build/release -j $(JOBS)

asan: setup build/asan/build.ninja
	cmake --build build/asan -j $(JOBS)

## demo: install, build Release, run the main job on local data (quire-demo/;
## docs/cli.md describes it). `make demo DEMO_ARGS='--at s3://bucket/events'`
## puts the table in a store instead.
DEMO_ARGS ?=
demo: release
	./build/release/src/quire/cli/quire demo $(DEMO_ARGS)

## test: install, build Release and ASan+UBSan, run every test in both, then a
## short deterministic libFuzzer run of every fuzzer (test-fuzz).
test: test-release test-asan test-fuzz

test-release: release
	cd build/release && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

test-asan: asan
	cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

## test-fuzz: build the fuzzers (clang, ASan+UBSan) and run each for a fixed
## number of inputs from a fixed seed over the seeds and committed crashers, so the
## outcome is the same on every run of the same code. `make fuzz` runs longer.
# Inputs per fuzzer (about 5-20 s each): the cheap targets get more.
FUZZ_TEST_RUNS_array_validate ?= 200000
FUZZ_TEST_RUNS_codec_decompress ?= 20000
FUZZ_TEST_RUNS_parquet_metadata ?= 200000
FUZZ_TEST_RUNS_parquet_reader ?= 3000
FUZZ_TEST_RUNS_text_reader ?= 20000
FUZZ_TEST_RUNS_xml_response ?= 1000000
test-fuzz: fuzz-build
	set -e; for f in $(FUZZERS); do \
	  case $$f in \
	    array_validate) runs=$(FUZZ_TEST_RUNS_array_validate) ;; \
	    codec_decompress) runs=$(FUZZ_TEST_RUNS_codec_decompress) ;; \
	    parquet_metadata) runs=$(FUZZ_TEST_RUNS_parquet_metadata) ;; \
	    text_reader) runs=$(FUZZ_TEST_RUNS_text_reader) ;; \
	    xml_response) runs=$(FUZZ_TEST_RUNS_xml_response) ;; \
	    *) runs=$(FUZZ_TEST_RUNS_parquet_reader) ;; \
	  esac; \
	  rm -rf build/fuzz/test-corpus/$$f; mkdir -p build/fuzz/test-corpus/$$f; \
	  echo "== $$f: $$runs inputs"; \
	  ./build/fuzz/fuzz/$${f}_fuzzer -seed=1 -runs=$$runs -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/crashers/$$f- build/fuzz/test-corpus/$$f \
	    $$( [ -d build/fuzz/seeds/$$f ] && echo build/fuzz/seeds/$$f ) tests/data/fuzz/$$f \
	    > build/fuzz/test-$$f.log 2>&1 || { tail -40 build/fuzz/test-$$f.log; exit 1; }; \
	  grep -E "^(Done|stat::number_of_executed_units)" build/fuzz/test-$$f.log; \
	done

## bench: the peer harness of ../shared/bench (data generated when missing) on
## every workload, 1 and 2 threads, DuckDB, Polars and quire (bench/quire.json);
## rewrites the first section of docs/benchmarks.md. BENCH_RUNS rounds (default 5).
## `make microbench` runs the Google Benchmark programs instead.
BENCH_RUNS ?= 5
bench: setup
	bash bench/run_all.sh $(BENCH_RUNS)

microbench: setup
	cmake --preset bench >/dev/null
	cmake --build build/bench -j $(JOBS)
	for b in build/bench/bench/*_benchmark; do $$b; done

## fuzz: build the libFuzzer targets with clang (installs clang when missing),
## write seeds, and run each fuzzer for FUZZ_SECONDS. Crashers land in
## build/fuzz/crashers/; copy them to tests/data/fuzz/<target>/ with the fix.
FUZZ_SECONDS ?= 60
FUZZERS = array_validate codec_decompress parquet_metadata parquet_reader text_reader xml_response
fuzz-build:
	@bash scripts/setup.sh --fuzz
	cmake --preset fuzz >/dev/null
	cmake --build build/fuzz -j $(JOBS)
	./build/fuzz/fuzz/make_fuzz_seeds build/fuzz/seeds
	mkdir -p build/fuzz/seeds/parquet_reader build/fuzz/seeds/parquet_metadata build/fuzz/crashers
	cp tests/data/parquet/data/*.parquet build/fuzz/seeds/parquet_reader/

fuzz: fuzz-build
	set -e; for f in $(FUZZERS); do \
	  mkdir -p build/fuzz/corpus/$$f tests/data/fuzz/$$f; \
	  echo "== $$f ($(FUZZ_SECONDS) s)"; \
	  ./build/fuzz/fuzz/$${f}_fuzzer -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	    -artifact_prefix=build/fuzz/crashers/$$f- build/fuzz/corpus/$$f \
	    $$( [ -d build/fuzz/seeds/$$f ] && echo build/fuzz/seeds/$$f ) tests/data/fuzz/$$f; \
	done

clean:
	rm -rf build

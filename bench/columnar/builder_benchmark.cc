/// \file bench/columnar/builder_benchmark.cc
/// \brief Throughput of the columnar hot paths: building, validating, concatenating.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "quire/columnar/builder.h"
#include "quire/testing/random_arrays.h"

namespace quire::columnar {
namespace {

constexpr int64_t kRows = 1 << 20;

void BM_BuildInt64(benchmark::State& state) {
  std::vector<int64_t> values(kRows);
  std::mt19937_64 rng(1);
  for (auto& v : values) v = int64_t(rng());
  TrackingMemoryPool pool;
  for (auto _ : state) {
    Int64Builder b(int64(), &pool);
    if (state.range(0)) {
      for (int64_t v : values) benchmark::DoNotOptimize(b.Append(v));
    } else {
      benchmark::DoNotOptimize(b.AppendValues(values.data(), kRows));
    }
    benchmark::DoNotOptimize(b.Finish());
  }
  state.SetBytesProcessed(state.iterations() * kRows * 8);
  state.counters["peak_pool_bytes"] = double(pool.max_memory());
}
BENCHMARK(BM_BuildInt64)->Arg(0)->Arg(1)->ArgNames({"one_by_one"});

void BM_BuildStrings(benchmark::State& state) {
  std::vector<std::string> values(kRows / 4);
  for (size_t i = 0; i < values.size(); ++i) values[i] = "value-" + std::to_string(i * 7919);
  int64_t bytes = 0;
  for (const auto& v : values) bytes += int64_t(v.size());
  TrackingMemoryPool pool;
  for (auto _ : state) {
    StringBuilder b(utf8(), &pool);
    for (const auto& v : values) benchmark::DoNotOptimize(b.Append(v));
    benchmark::DoNotOptimize(b.Finish());
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["peak_pool_bytes"] = double(pool.max_memory());
}
BENCHMARK(BM_BuildStrings);

void BM_ValidateFullStrings(benchmark::State& state) {
  auto a = testing::MakeRandomArray(utf8(), kRows / 4, {.null_probability = 0.1});
  const int64_t bytes = a->buffer(2)->size();
  for (auto _ : state) benchmark::DoNotOptimize(a->ValidateFull());
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_ValidateFullStrings);

void BM_ConcatenateListOfStruct(benchmark::State& state) {
  auto type = list(struct_({field("x", float64()), field("s", utf8())}));
  ArrayVector chunks;
  for (uint32_t s = 0; s < 8; ++s) {
    chunks.push_back(testing::MakeRandomArray(type, kRows / 64, {.seed = s}));
  }
  TrackingMemoryPool pool;
  for (auto _ : state) benchmark::DoNotOptimize(Concatenate(chunks, &pool));
  state.SetItemsProcessed(state.iterations() * int64_t(chunks.size()) * (kRows / 64));
  state.counters["peak_pool_bytes"] = double(pool.max_memory());
}
BENCHMARK(BM_ConcatenateListOfStruct);

}  // namespace
}  // namespace quire::columnar

BENCHMARK_MAIN();

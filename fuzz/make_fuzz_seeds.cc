/// \file fuzz/make_fuzz_seeds.cc
/// \brief Write seed inputs for the fuzzers: `make_fuzz_seeds DIR`.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "quire/columnar/fuzzing.h"
#include "quire/testing/random_arrays.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds DIR\n");
    return 2;
  }
  const std::filesystem::path dir = std::filesystem::path(argv[1]) / "array_validate";
  std::filesystem::create_directories(dir);
  const auto& types = quire::columnar::FuzzTypes();
  int written = 0;
  for (size_t t = 0; t < types.size(); ++t) {
    for (uint32_t seed = 0; seed < 4; ++seed) {
      auto array = quire::testing::MakeRandomArray(
          types[t], 1 + seed * 7, {.seed = seed, .null_probability = seed * 0.2});
      std::ofstream(dir / ("seed-" + std::to_string(t) + "-" + std::to_string(seed)),
                    std::ios::binary)
          << quire::columnar::EncodeFuzzArray(*array, uint8_t(t));
      ++written;
    }
  }
  std::printf("wrote %d seeds to %s\n", written, dir.c_str());
  return 0;
}

/// \file quire/util/macros.cc
#include "quire/util/macros.h"

#include <cstdio>
#include <cstdlib>

namespace quire::internal {

void DieOnError(const Status& status) {
  std::fprintf(stderr, "quire: fatal: value of a failed Result accessed: %s\n",
               status.ToString().c_str());
  std::abort();
}

void DCheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "quire: internal check failed at %s:%d: %s\n", file, line,
               condition);
  std::abort();
}

}  // namespace quire::internal

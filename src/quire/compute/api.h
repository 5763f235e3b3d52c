#pragma once

/// \file quire/compute/api.h
/// \brief The compute layer. Today: predicate expressions (expression.h): the
/// language of `quire cat --where`, parsed, evaluated on batches with SQL's
/// three-valued logic, and used to filter batches. Pushdown to statistics, casts for
/// schema evolution and partition hashing follow (../shared/DESIGN.md).

#include "quire/compute/expression.h"

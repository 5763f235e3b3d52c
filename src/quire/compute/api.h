#pragma once

/// \file quire/compute/api.h
/// \brief The compute layer. Today: predicate expressions (expression.h): the
/// language of `quire cat --where`, parsed, evaluated on batches with SQL's
/// three-valued logic, and used to filter batches; casts for schema evolution
/// (cast.h). Pushdown to statistics and partition hashing follow
/// (../shared/DESIGN.md).

#include "quire/compute/cast.h"
#include "quire/compute/expression.h"

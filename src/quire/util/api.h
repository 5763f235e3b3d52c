#pragma once

/// \file quire/util/api.h
/// \brief The util layer: Status and Result (status.h, result.h, macros.h), bitmap
/// helpers (bit_util.h), UTF-8 validation (utf8.h), float16 conversion (float16.h)
/// and a progress bar for the CLI (progress.h).

#include "quire/util/bit_util.h"
#include "quire/util/float16.h"
#include "quire/util/macros.h"
#include "quire/util/progress.h"
#include "quire/util/result.h"
#include "quire/util/status.h"
#include "quire/util/utf8.h"

#pragma once

/// \file quire/util/visibility.h
/// \brief Symbol export macro; the library builds with -fvisibility=hidden.

#if defined(_WIN32)
#define QUIRE_EXPORT __declspec(dllexport)
#else
#define QUIRE_EXPORT [[gnu::visibility("default")]]
#endif

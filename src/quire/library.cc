/// \file quire/library.cc
/// \brief Anchor source of libquire.so, which links every layer whole.

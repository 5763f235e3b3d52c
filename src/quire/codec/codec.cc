/// \file quire/codec/codec.cc
/// \brief Placeholder until the codec layer lands.

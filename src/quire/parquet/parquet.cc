/// \file quire/parquet/parquet.cc
/// \brief Placeholder until the parquet layer lands.

#pragma once

/// \file quire/table/api.h
/// \brief The table layer: versioned tables of Parquet files on the Delta Lake
/// protocol (PROTOCOL.md of delta-io/delta).
///
/// A tour:
/// - actions.h: the log's actions (protocol, metaData, add, remove, txn, ...) and
///   their JSON form;
/// - schema.h: Delta schemas as Arrow schemas, column mapping, partition values;
/// - deletion_vector.h: deletion vectors (inline and on-disk bitmaps of deleted rows);
/// - checkpoint.h: checkpoints as Parquet files of actions;
/// - snapshot.h / table.h: log replay, snapshots, time travel, scans, writes.

#include "quire/table/actions.h"
#include "quire/table/checkpoint.h"
#include "quire/table/schema.h"

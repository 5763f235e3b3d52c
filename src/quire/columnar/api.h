#pragma once

/// \file quire/columnar/api.h
/// \brief The columnar layer: Arrow-layout memory, in one include.
///
/// A tour:
/// - type.h: DataType (int32(), utf8(), timestamp(...), list(...), struct_(...),
///   map(...), dictionary(...)), Field and Schema; type_parse.h: ParseType(), the
///   inverse of DataType::ToString() plus SQL-style aliases.
/// - buffer.h: MemoryPool (counts bytes and the peak), Buffer (64-byte aligned,
///   reference counted, sliceable), BufferBuilder and BitmapBuilder.
/// - array.h: Array, the immutable Arrow layout (offset, length, null count,
///   validity, buffers, children, dictionary), Slice(), Validate()/ValidateFull(),
///   and typed views (PrimitiveView, OffsetBinaryView, ListView...).
/// - builder.h: a builder per type, MakeBuilder() for any type, Concatenate().
/// - record_batch.h: RecordBatch, RecordBatchReader, ChunkedArray and Table.
/// - c_data.h: export and import through the Arrow C Data and C Stream Interfaces.
/// - json.h: the canonical JSON rendering the conformance tests compare with.
/// - variant.h: the Variant binary encoding (semi-structured values).
/// - pretty_print.h: text tables for the command line.

#include "quire/columnar/array.h"
#include "quire/columnar/buffer.h"
#include "quire/columnar/builder.h"
#include "quire/columnar/c_data.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/json.h"
#include "quire/columnar/pretty_print.h"
#include "quire/columnar/record_batch.h"
#include "quire/columnar/temporal.h"
#include "quire/columnar/type.h"
#include "quire/columnar/type_parse.h"
#include "quire/columnar/variant.h"

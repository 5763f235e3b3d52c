#pragma once

/// \file quire/parquet/schema.h
/// \brief The Parquet schema as a tree with definition and repetition levels, and
/// its mapping to Arrow types (LogicalTypes.md, including the backward-compatibility
/// rules for lists and maps).

#include <cstdint>
#include <string>
#include <vector>

#include "quire/columnar/type.h"
#include "quire/parquet/metadata.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Deepest schema nesting accepted (hostile footers cannot recurse further).
inline constexpr int kMaxSchemaDepth = 100;

/// \brief One node of the schema tree (the root is node 0).
struct SchemaNode {
  const SchemaElement* element = nullptr;
  FieldRepetitionType repetition = FieldRepetitionType::kRequired;
  int parent = -1;
  std::vector<int> children;
  /// Definition and repetition levels of a value present at this node.
  int16_t def_level = 0;
  int16_t rep_level = 0;
  /// Index of the leaf column, or -1 for groups.
  int column = -1;
  bool is_leaf() const { return element->type.has_value() && children.empty(); }
  const std::string& name() const { return element->name; }
};

/// \brief A leaf column of the schema: where its values sit in the tree.
struct ColumnDescriptor {
  int node = -1;
  std::vector<std::string> path;  ///< names from the root's child down to the leaf
  Type physical_type = Type::kInt32;
  int32_t type_length = 0;
  int16_t max_def_level = 0;
  int16_t max_rep_level = 0;
  const SchemaElement* element = nullptr;
  /// \brief Return the path joined with '.'.
  std::string dotted_path() const;
};

/// \brief The schema of a file as a tree. Keeps pointers into the FileMetaData it
/// was made from, which must outlive it. Immutable; thread-safe.
class QUIRE_EXPORT SchemaDescriptor {
 public:
  /// \brief Build the tree from the depth-first list of a footer.
  /// \return kCorrupt if the list is empty, children counts overrun it, a leaf has
  /// no type (or a group has one), names are missing, the tree is too deep, or
  /// elements are left over.
  static Result<SchemaDescriptor> Make(const std::vector<SchemaElement>& elements);

  int num_columns() const { return int(columns_.size()); }
  const ColumnDescriptor& column(int i) const { return columns_[size_t(i)]; }
  const std::vector<ColumnDescriptor>& columns() const { return columns_; }
  const std::vector<SchemaNode>& nodes() const { return nodes_; }
  const SchemaNode& node(int i) const { return nodes_[size_t(i)]; }
  const SchemaNode& root() const { return nodes_[0]; }

 private:
  std::vector<SchemaNode> nodes_;
  std::vector<ColumnDescriptor> columns_;
};

/// \brief Choices for how Parquet types appear in Arrow.
struct ArrowSchemaOptions {
  /// INT96 timestamps (Impala, old Spark) become timestamp[unit] without a
  /// timezone. Microseconds by default: they cover the years INT96 files hold
  /// (nanoseconds overflow past 2262) and match what DuckDB and Spark show.
  columnar::TimeUnit int96_unit = columnar::TimeUnit::kMicro;
  /// BYTE_ARRAY string and binary columns come back as dictionary<int32, string|binary>
  /// arrays: dictionary-encoded pages keep their indices, and the values of pages
  /// that fell back to another encoding are added to the batch's dictionary.
  bool read_dictionary = false;
};

/// \brief Return the Arrow type of the leaf `node` from its physical type and
/// logical (or legacy converted) annotation.
/// \return kUnsupported for annotations that do not fit the physical type in a way
/// quire cannot read; unknown logical types fall back to the physical type.
QUIRE_EXPORT Result<columnar::TypePtr> LeafArrowType(const SchemaElement& element,
                                                     const ArrowSchemaOptions& options = {});

/// \brief Return the Arrow field of schema node `node`: structs for groups, lists for
/// LIST-annotated groups and unannotated repeated fields, maps for MAP groups.
QUIRE_EXPORT Result<columnar::FieldPtr> ArrowFieldOf(const SchemaDescriptor& schema, int node,
                                                     const ArrowSchemaOptions& options = {});

/// \brief Return the Arrow schema of the whole file (one field per root child), with
/// the footer's key-value metadata.
QUIRE_EXPORT Result<columnar::SchemaPtr> ToArrowSchema(const SchemaDescriptor& schema,
                                                       const FileMetaData& metadata,
                                                       const ArrowSchemaOptions& options = {});

/// \brief Return whether `node` is a group annotated VARIANT. Such a group reads as
/// the unshredded struct<metadata: binary, value: binary> with the extension name
/// "arrow.parquet.variant".
QUIRE_EXPORT bool IsVariantGroup(const SchemaNode& node);

/// \brief Return whether schema node `node` lies inside a VARIANT group (its leaves
/// are decoded as stored: never as dictionary arrays).
QUIRE_EXPORT bool IsInsideVariant(const SchemaDescriptor& schema, int node);

/// \brief Return the Arrow type of the VARIANT group `node` as stored: a struct of
/// its children (metadata, value and the shredded typed_value tree), with
/// read_dictionary off.
QUIRE_EXPORT Result<columnar::TypePtr> ShreddedVariantType(const SchemaDescriptor& schema,
                                                           int node,
                                                           const ArrowSchemaOptions& options = {});

/// \brief How a LIST-annotated group maps to Arrow: which node holds the repeated
/// level, which node is the element, and whether elements are required.
struct ListShape {
  int repeated = -1;  ///< the repeated child (level of the list)
  int element = -1;   ///< node whose type is the element type
  bool element_is_repeated_node = false;  ///< legacy 2-level form
};

/// \brief Apply LogicalTypes.md's list rules to the LIST-annotated group `node`.
QUIRE_EXPORT Result<ListShape> ResolveList(const SchemaDescriptor& schema, int node);

/// \brief Return the Parquet schema that holds Arrow `schema`: the depth-first
/// element list (root first) a writer puts in the footer.
///
/// Nullable fields are OPTIONAL, others REQUIRED. Leaves get the logical type
/// (and, where one exists, the legacy converted type) other readers expect:
/// int8/16 and unsigned integers INTEGER(width, sign) on INT32/INT64; decimals
/// DECIMAL on INT32 (precision <= 9), INT64 (<= 18) or the smallest
/// FIXED_LEN_BYTE_ARRAY; date32/date64 DATE; time32 TIME(MILLIS), time64
/// TIME(MICROS|NANOS), both not adjusted to UTC; timestamps TIMESTAMP in their unit
/// (seconds as MILLIS), adjusted to UTC when they have a timezone; strings STRING;
/// float16 FLOAT16; fixed_size_binary(16) with extension "arrow.uuid" UUID;
/// month-day-nano intervals the legacy INTERVAL; durations plain INT64;
/// dictionaries their value type; lists (all three kinds) the three-level LIST
/// form (`<name> (LIST) { repeated group list { <element> } }`); maps
/// `<name> (MAP) { repeated group key_value { required key; value } }`; structs
/// groups; the null type INT32 annotated UNKNOWN; a struct with the extension
/// "arrow.parquet.variant" a VARIANT group.
/// \return kUnsupported for a struct without fields (Parquet has no empty
/// groups); kInvalidArgument for a schema without fields.
QUIRE_EXPORT Result<std::vector<SchemaElement>> ToParquetSchema(const columnar::Schema& schema);

/// \brief Return the fewest bytes of a FIXED_LEN_BYTE_ARRAY DECIMAL of `precision`.
QUIRE_EXPORT int32_t DecimalByteWidth(int32_t precision);

}  // namespace quire::parquet

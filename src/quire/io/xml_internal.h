#pragma once

/// \file quire/io/xml_internal.h
/// \brief A small XML reader for S3 and Azure Blob responses, and escaping for the
/// request bodies quire sends. Not installed.
///
/// It reads elements and their text into a tree. Attributes, comments, processing
/// instructions and the XML declaration are skipped; CDATA sections are text; the
/// five predefined entities and character references are decoded. A DOCTYPE is
/// refused, so no entity can expand. Nesting deeper than XmlLimits::max_depth is
/// refused, and the parser does not recurse, so hostile input gets kCorrupt.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quire/util/result.h"

namespace quire::io::internal {

/// \brief One element: its name (with any namespace prefix), its text and children.
struct XmlElement {
  std::string name;
  /// The character data directly inside this element, entities decoded.
  std::string text;
  std::vector<XmlElement> children;

  /// \brief Return the first child named `name`, or nullptr.
  const XmlElement* Child(std::string_view name) const;
  /// \brief Return the text of the first child named `name` ("" when absent).
  std::string_view ChildText(std::string_view name) const;
  /// \brief Return every child named `name`, in document order.
  std::vector<const XmlElement*> Children(std::string_view name) const;
};

struct XmlLimits {
  int max_depth = 64;
};

/// \brief Parse one XML document. \return kCorrupt naming the offset of the problem.
Result<XmlElement> ParseXml(std::string_view text, const XmlLimits& limits = {});

/// \brief Escape text for an XML element's content (&, <, >, ", ').
std::string XmlEscape(std::string_view text);

}  // namespace quire::io::internal

/// \file quire/io/fuzzing.cc
#include "quire/io/fuzzing.h"

#include <string_view>

#include "quire/io/xml_internal.h"
#include "quire/util/macros.h"

namespace quire::io {

Status FuzzServiceResponse(std::span<const uint8_t> data) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  QUIRE_ASSIGN_OR_RETURN(internal::XmlElement root, internal::ParseXml(text));
  // What the filesystems read: listings (S3 Contents/CommonPrefixes, Azure
  // Blobs/Blob/Properties), continuation markers, error codes, deleted keys.
  size_t seen = 0;
  for (const char* name : {"Contents", "CommonPrefixes", "Deleted", "Error"}) {
    for (const internal::XmlElement* e : root.Children(name)) {
      seen += e->ChildText("Key").size() + e->ChildText("Prefix").size() +
              e->ChildText("Size").size() + e->ChildText("Code").size();
    }
  }
  if (const auto* blobs = root.Child("Blobs")) {
    for (const internal::XmlElement* b : blobs->Children("Blob")) {
      if (const auto* p = b->Child("Properties")) seen += p->ChildText("Content-Length").size();
      seen += b->ChildText("Name").size();
    }
  }
  seen += root.ChildText("NextContinuationToken").size() + root.ChildText("NextMarker").size();
  // Round trip of escaping: the escaped text of every element parses back to it.
  const std::string escaped = "<a>" + internal::XmlEscape(root.text) + "</a>";
  QUIRE_ASSIGN_OR_RETURN(internal::XmlElement again, internal::ParseXml(escaped));
  if (again.text != root.text) {
    return Status::Internal("escaped text of {} bytes did not parse back ({} seen)",
                            root.text.size(), seen);
  }
  return Status::OK();
}

}  // namespace quire::io

/// \file quire/io/xml.cc
#include "quire/io/xml_internal.h"

#include <cstring>

#include "quire/util/macros.h"

namespace quire::io::internal {

const XmlElement* XmlElement::Child(std::string_view child) const {
  for (const XmlElement& c : children) {
    if (c.name == child) return &c;
  }
  return nullptr;
}

std::string_view XmlElement::ChildText(std::string_view child) const {
  const XmlElement* c = Child(child);
  return c ? std::string_view(c->text) : std::string_view();
}

std::vector<const XmlElement*> XmlElement::Children(std::string_view child) const {
  std::vector<const XmlElement*> out;
  for (const XmlElement& c : children) {
    if (c.name == child) out.push_back(&c);
  }
  return out;
}

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(char(cp));
  } else if (cp < 0x800) {
    out->push_back(char(0xC0 | (cp >> 6)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(char(0xE0 | (cp >> 12)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(char(0xF0 | (cp >> 18)));
    out->push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  }
}

class Parser {
 public:
  Parser(std::string_view text, const XmlLimits& limits) : s_(text), limits_(limits) {}

  Result<XmlElement> Parse() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
    while (pos_ < s_.size()) {
      if (s_[pos_] != '<') {
        QUIRE_RETURN_NOT_OK(Text());
        continue;
      }
      if (Starts("<?")) {
        QUIRE_RETURN_NOT_OK(SkipPast("?>", "processing instruction"));
      } else if (Starts("<!--")) {
        QUIRE_RETURN_NOT_OK(SkipPast("-->", "comment"));
      } else if (Starts("<![CDATA[")) {
        QUIRE_RETURN_NOT_OK(CData());
      } else if (Starts("<!")) {
        return Error("DOCTYPE and other declarations are not supported");
      } else if (Starts("</")) {
        QUIRE_RETURN_NOT_OK(EndTag());
      } else {
        QUIRE_RETURN_NOT_OK(StartTag());
      }
    }
    if (!stack_.empty()) {
      return Error("document ends inside element <" + stack_.back().name + ">");
    }
    if (!has_root_) return Error("no root element");
    return std::move(root_);
  }

 private:
  bool Starts(std::string_view prefix) const { return s_.substr(pos_, prefix.size()) == prefix; }

  Status Error(const std::string& what) const {
    return Status::Corrupt("XML: {} at offset {}", what, pos_);
  }

  Status SkipPast(std::string_view end, const char* what) {
    const size_t found = s_.find(end, pos_);
    if (found == std::string_view::npos) return Error(std::string("unterminated ") + what);
    pos_ = found + end.size();
    return Status::OK();
  }

  Status CData() {
    if (stack_.empty()) return Error("CDATA outside the root element");
    const size_t start = pos_ + 9;
    const size_t end = s_.find("]]>", start);
    if (end == std::string_view::npos) return Error("unterminated CDATA section");
    stack_.back().text.append(s_.substr(start, end - start));
    pos_ = end + 3;
    return Status::OK();
  }

  Status Text() {
    size_t end = s_.find('<', pos_);
    if (end == std::string_view::npos) end = s_.size();
    const std::string_view raw = s_.substr(pos_, end - pos_);
    if (stack_.empty()) {
      for (char c : raw) {
        if (!IsSpace(c)) return Error("text outside the root element");
      }
      pos_ = end;
      return Status::OK();
    }
    std::string& out = stack_.back().text;
    for (size_t i = 0; i < raw.size();) {
      if (raw[i] != '&') {
        const size_t amp = raw.find('&', i);
        const size_t stop = amp == std::string_view::npos ? raw.size() : amp;
        out.append(raw.substr(i, stop - i));
        i = stop;
        continue;
      }
      const size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos || semi - i > 12) {
        pos_ += i;
        return Error("unterminated entity reference");
      }
      const std::string_view entity = raw.substr(i + 1, semi - i - 1);
      if (!Entity(entity, &out)) {
        pos_ += i;
        return Error("unknown or invalid entity &" + std::string(entity) + ";");
      }
      i = semi + 1;
    }
    pos_ = end;
    return Status::OK();
  }

  static bool Entity(std::string_view e, std::string* out) {
    if (e == "amp") return out->push_back('&'), true;
    if (e == "lt") return out->push_back('<'), true;
    if (e == "gt") return out->push_back('>'), true;
    if (e == "quot") return out->push_back('"'), true;
    if (e == "apos") return out->push_back('\''), true;
    if (e.size() < 2 || e[0] != '#') return false;
    const bool hex = e[1] == 'x';
    const std::string_view digits = e.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return false;
    uint32_t cp = 0;
    for (char c : digits) {
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (hex && c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (hex && c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return false;
      }
      cp = cp * (hex ? 16 : 10) + uint32_t(d);
      if (cp > 0x10FFFF) return false;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    AppendUtf8(cp, out);
    return true;
  }

  // Reads "<name attributes...>" or "<name .../>".
  Status StartTag() {
    if (has_root_ && stack_.empty()) return Error("a second root element");
    size_t i = pos_ + 1;
    const size_t name_start = i;
    while (i < s_.size() && !IsSpace(s_[i]) && s_[i] != '>' && s_[i] != '/' && s_[i] != '<') ++i;
    if (i == name_start) return Error("element without a name");
    std::string name(s_.substr(name_start, i - name_start));
    // Skip attributes; '>' inside a quoted value does not end the tag.
    char quote = 0;
    while (i < s_.size()) {
      const char c = s_[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>' || c == '<') {
        break;
      }
      ++i;
    }
    if (i >= s_.size() || s_[i] != '>') return Error("unterminated start tag <" + name + ">");
    const bool empty = s_[i - 1] == '/';
    pos_ = i + 1;
    if (int(stack_.size()) >= limits_.max_depth) {
      return Error("elements nested deeper than " + std::to_string(limits_.max_depth));
    }
    stack_.push_back(XmlElement{std::move(name), {}, {}});
    if (empty) Close();
    return Status::OK();
  }

  Status EndTag() {
    const size_t end = s_.find('>', pos_);
    if (end == std::string_view::npos) return Error("unterminated end tag");
    std::string_view name = s_.substr(pos_ + 2, end - pos_ - 2);
    while (!name.empty() && IsSpace(name.back())) name.remove_suffix(1);
    if (stack_.empty()) return Error("end tag </" + std::string(name) + "> without a start");
    if (name != stack_.back().name) {
      return Error("end tag </" + std::string(name) + "> does not match <" + stack_.back().name +
                   ">");
    }
    pos_ = end + 1;
    Close();
    return Status::OK();
  }

  void Close() {
    XmlElement done = std::move(stack_.back());
    stack_.pop_back();
    if (stack_.empty()) {
      root_ = std::move(done);
      has_root_ = true;
    } else {
      stack_.back().children.push_back(std::move(done));
    }
  }

  std::string_view s_;
  XmlLimits limits_;
  size_t pos_ = 0;
  std::vector<XmlElement> stack_;
  XmlElement root_;
  bool has_root_ = false;
};

}  // namespace

Result<XmlElement> ParseXml(std::string_view text, const XmlLimits& limits) {
  return Parser(text, limits).Parse();
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace quire::io::internal

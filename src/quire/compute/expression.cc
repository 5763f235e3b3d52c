/// \file quire/compute/expression.cc
/// \brief Expression trees and the parser of the predicate language.
#include "quire/compute/expression.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "quire/util/macros.h"

namespace quire::compute {

std::string Literal::ToString() const {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return bool_value ? "true" : "false";
    case Kind::kInt: return std::to_string(int_value);
    case Kind::kDouble: return fmt::format("{}", double_value);
    case Kind::kString: {
      std::string out = "'";
      for (char c : string_value) out += c == '\'' ? "''" : std::string(1, c);
      return out + "'";
    }
  }
  return "?";
}

ExpressionPtr Expression::Column(std::string name) {
  auto e = std::make_shared<Expression>(Kind::kColumn);
  e->column_ = std::move(name);
  return e;
}
ExpressionPtr Expression::Constant(Literal value) {
  auto e = std::make_shared<Expression>(Kind::kLiteral);
  e->literal_ = std::move(value);
  return e;
}
ExpressionPtr Expression::Compare(CompareOp op, ExpressionPtr left, ExpressionPtr right) {
  auto e = std::make_shared<Expression>(Kind::kCompare);
  e->op_ = op;
  e->left_ = std::move(left);
  e->right_ = std::move(right);
  return e;
}
ExpressionPtr Expression::And(ExpressionPtr left, ExpressionPtr right) {
  auto e = std::make_shared<Expression>(Kind::kAnd);
  e->left_ = std::move(left);
  e->right_ = std::move(right);
  return e;
}
ExpressionPtr Expression::Or(ExpressionPtr left, ExpressionPtr right) {
  auto e = std::make_shared<Expression>(Kind::kOr);
  e->left_ = std::move(left);
  e->right_ = std::move(right);
  return e;
}
ExpressionPtr Expression::Not(ExpressionPtr operand) {
  auto e = std::make_shared<Expression>(Kind::kNot);
  e->left_ = std::move(operand);
  return e;
}
ExpressionPtr Expression::IsNull(ExpressionPtr operand, bool negated) {
  auto e = std::make_shared<Expression>(Kind::kIsNull);
  e->left_ = std::move(operand);
  e->negated_ = negated;
  return e;
}
ExpressionPtr Expression::In(ExpressionPtr operand, std::vector<Literal> values, bool negated) {
  auto e = std::make_shared<Expression>(Kind::kIn);
  e->left_ = std::move(operand);
  e->values_ = std::move(values);
  e->negated_ = negated;
  return e;
}

std::string Expression::ToString() const {
  static constexpr const char* kOps[] = {"=", "!=", "<", "<=", ">", ">="};
  switch (kind_) {
    case Kind::kLiteral: return literal_.ToString();
    case Kind::kColumn: {
      bool plain = !column_.empty() && !std::isdigit(static_cast<unsigned char>(column_[0]));
      for (char c : column_) plain &= std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      return plain ? column_ : "\"" + column_ + "\"";
    }
    case Kind::kCompare:
      return fmt::format("({} {} {})", left_->ToString(), kOps[int(op_)], right_->ToString());
    case Kind::kAnd: return fmt::format("({} and {})", left_->ToString(), right_->ToString());
    case Kind::kOr: return fmt::format("({} or {})", left_->ToString(), right_->ToString());
    case Kind::kNot: return fmt::format("(not {})", left_->ToString());
    case Kind::kIsNull:
      return fmt::format("({} is {}null)", left_->ToString(), negated_ ? "not " : "");
    case Kind::kIn: {
      std::string list;
      for (const auto& v : values_) list += (list.empty() ? "" : ", ") + v.ToString();
      return fmt::format("({} {}in ({}))", left_->ToString(), negated_ ? "not " : "", list);
    }
  }
  return "?";
}

namespace {

struct Token {
  enum class Kind { kEnd, kIdentifier, kQuoted, kString, kNumber, kSymbol } kind;
  std::string text;
  size_t pos;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<ExpressionPtr> Parse() {
    QUIRE_RETURN_NOT_OK(Tokenize());
    QUIRE_ASSIGN_OR_RETURN(auto e, ParseOr());
    if (Peek().kind != Token::Kind::kEnd) return Error("end of the expression");
    return e;
  }

 private:
  Status Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) ||
                                    text_[j] == '_' || text_[j] == '.')) {
          ++j;
        }
        tokens_.push_back({Token::Kind::kIdentifier, std::string(text_.substr(i, j - i)), i});
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 ((c == '-' || c == '.') && i + 1 < text_.size() &&
                  (std::isdigit(static_cast<unsigned char>(text_[i + 1])) || text_[i + 1] == '.'))) {
        size_t j = i + 1;
        while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) ||
                                    text_[j] == '.' ||
                                    ((text_[j] == '-' || text_[j] == '+') &&
                                     (text_[j - 1] == 'e' || text_[j - 1] == 'E')))) {
          ++j;
        }
        tokens_.push_back({Token::Kind::kNumber, std::string(text_.substr(i, j - i)), i});
        i = j;
      } else if (c == '\'' || c == '"') {
        std::string s;
        size_t j = i + 1;
        while (true) {
          if (j >= text_.size()) {
            return Status::Invalid("unterminated {} at position {}",
                                   c == '\'' ? "string" : "quoted name", i);
          }
          if (text_[j] == c) {
            if (j + 1 < text_.size() && text_[j + 1] == c) {  // doubled quote
              s.push_back(c);
              j += 2;
              continue;
            }
            break;
          }
          s.push_back(text_[j++]);
        }
        tokens_.push_back({c == '\'' ? Token::Kind::kString : Token::Kind::kQuoted, s, i});
        i = j + 1;
      } else {
        static constexpr std::string_view kTwo[] = {"<=", ">=", "!=", "<>", "=="};
        std::string sym(1, c);
        for (auto two : kTwo) {
          if (text_.substr(i, 2) == two) sym = std::string(two);
        }
        if (sym.size() == 1 && std::string_view("=<>(),").find(c) == std::string_view::npos) {
          return Status::Invalid("unexpected '{}' at position {}", c, i);
        }
        tokens_.push_back({Token::Kind::kSymbol, sym, i});
        i += sym.size();
      }
    }
    tokens_.push_back({Token::Kind::kEnd, "", text_.size()});
    return Status::OK();
  }

  const Token& Peek() const { return tokens_[pos_]; }
  bool IsKeyword(const Token& t, std::string_view word) const {
    if (t.kind != Token::Kind::kIdentifier || t.text.size() != word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(t.text[i])) != word[i]) return false;
    }
    return true;
  }
  bool AcceptKeyword(std::string_view word) {
    if (!IsKeyword(Peek(), word)) return false;
    ++pos_;
    return true;
  }
  bool AcceptSymbol(std::string_view s) {
    if (Peek().kind != Token::Kind::kSymbol || Peek().text != s) return false;
    ++pos_;
    return true;
  }
  Status Error(std::string_view expected) const {
    const Token& t = Peek();
    return Status::Invalid("expected {} at position {}, found {}", expected, t.pos,
                           t.kind == Token::Kind::kEnd ? "the end" : "'" + t.text + "'");
  }

  Result<ExpressionPtr> ParseOr() {
    QUIRE_ASSIGN_OR_RETURN(auto left, ParseAnd());
    while (AcceptKeyword("or")) {
      QUIRE_ASSIGN_OR_RETURN(auto right, ParseAnd());
      left = Expression::Or(std::move(left), std::move(right));
    }
    return left;
  }
  Result<ExpressionPtr> ParseAnd() {
    QUIRE_ASSIGN_OR_RETURN(auto left, ParseNot());
    while (AcceptKeyword("and")) {
      QUIRE_ASSIGN_OR_RETURN(auto right, ParseNot());
      left = Expression::And(std::move(left), std::move(right));
    }
    return left;
  }
  Result<ExpressionPtr> ParseNot() {
    if (AcceptKeyword("not")) {
      if (++depth_ > 200) return Status::Invalid("expression nested too deeply");
      QUIRE_ASSIGN_OR_RETURN(auto operand, ParseNot());
      --depth_;
      return Expression::Not(std::move(operand));
    }
    return ParseTest();
  }
  Result<ExpressionPtr> ParseTest() {
    QUIRE_ASSIGN_OR_RETURN(auto left, ParseOperand());
    if (AcceptKeyword("is")) {
      const bool negated = AcceptKeyword("not");
      if (!AcceptKeyword("null")) return Error("null");
      return Expression::IsNull(std::move(left), negated);
    }
    const bool negated = AcceptKeyword("not");
    if (AcceptKeyword("in")) {
      if (!AcceptSymbol("(")) return Error("'('");
      std::vector<Literal> values;
      do {
        QUIRE_ASSIGN_OR_RETURN(auto v, ParseLiteral());
        values.push_back(std::move(v));
      } while (AcceptSymbol(","));
      if (!AcceptSymbol(")")) return Error("',' or ')'");
      return Expression::In(std::move(left), std::move(values), negated);
    }
    if (negated) return Error("'in' after 'not'");
    using Op = Expression::CompareOp;
    static const std::pair<std::string_view, Op> kOps[] = {
        {"=", Op::kEq}, {"==", Op::kEq}, {"!=", Op::kNe}, {"<>", Op::kNe}, {"<", Op::kLt},
        {"<=", Op::kLe}, {">", Op::kGt}, {">=", Op::kGe}};
    for (const auto& [sym, op] : kOps) {
      if (AcceptSymbol(sym)) {
        QUIRE_ASSIGN_OR_RETURN(auto right, ParseOperand());
        return Expression::Compare(op, std::move(left), std::move(right));
      }
    }
    return left;
  }
  Result<ExpressionPtr> ParseOperand() {
    const Token& t = Peek();
    if (AcceptSymbol("(")) {
      if (++depth_ > 200) return Status::Invalid("expression nested too deeply");
      QUIRE_ASSIGN_OR_RETURN(auto e, ParseOr());
      --depth_;
      if (!AcceptSymbol(")")) return Error("')'");
      return e;
    }
    if (t.kind == Token::Kind::kQuoted) {
      ++pos_;
      return Expression::Column(t.text);
    }
    if (t.kind == Token::Kind::kIdentifier && !IsKeyword(t, "true") && !IsKeyword(t, "false") &&
        !IsKeyword(t, "null")) {
      for (auto word : {"and", "or", "not", "in", "is"}) {
        if (IsKeyword(t, word)) return Error("a column or a value");
      }
      ++pos_;
      return Expression::Column(t.text);
    }
    QUIRE_ASSIGN_OR_RETURN(auto lit, ParseLiteral());
    return Expression::Constant(std::move(lit));
  }
  Result<Literal> ParseLiteral() {
    const Token t = Peek();
    Literal l;
    if (t.kind == Token::Kind::kString) {
      l.kind = Literal::Kind::kString;
      l.string_value = t.text;
    } else if (IsKeyword(t, "true") || IsKeyword(t, "false")) {
      l.kind = Literal::Kind::kBool;
      l.bool_value = IsKeyword(t, "true");
    } else if (IsKeyword(t, "null")) {
      l.kind = Literal::Kind::kNull;
    } else if (t.kind == Token::Kind::kNumber) {
      const char* b = t.text.data();
      const char* e = b + t.text.size();
      auto [p, ec] = std::from_chars(b, e, l.int_value);
      if (ec == std::errc() && p == e) {
        l.kind = Literal::Kind::kInt;
      } else {
        auto [q, ec2] = std::from_chars(b, e, l.double_value);
        if (ec2 != std::errc() || q != e) {
          return Status::Invalid("'{}' at position {} is not a number", t.text, t.pos);
        }
        l.kind = Literal::Kind::kDouble;
      }
    } else {
      return Error("a value");
    }
    ++pos_;
    return l;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<ExpressionPtr> ParseExpression(std::string_view text) { return Parser(text).Parse(); }

}  // namespace quire::compute

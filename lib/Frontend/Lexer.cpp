//===- Lexer.cpp - Lexer of the .tri DSL ----------------------------------===//
#include "tritondsl/Frontend/Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ConvertUTF.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

using namespace tritondsl::frontend;

static bool isIdentifierStart(char c) { return llvm::isAlpha(c) || c == '_'; }
static bool isIdentifierChar(char c) { return llvm::isAlnum(c) || c == '_'; }
static bool isNonAscii(char c) { return (unsigned char)c >= 0x80; }

/// Whether `text` may be quoted in a message (valid UTF-8, not too long).
static bool isPrintableUTF8(llvm::StringRef text) {
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(text.begin());
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(text.end());
  return text.size() <= 64 && llvm::isLegalUTF8String(&begin, end);
}

llvm::StringRef tritondsl::frontend::spellTokenKind(TokenKind kind) {
  switch (kind) {
  case TokenKind::eof:
    return "end of file";
  case TokenKind::error:
    return "invalid character";
  case TokenKind::identifier:
    return "identifier";
  case TokenKind::integer:
    return "integer";
  case TokenKind::floating:
    return "number";
  case TokenKind::kw_layer:
    return "'layer'";
  case TokenKind::kw_param:
    return "'param'";
  case TokenKind::kw_fn:
    return "'fn'";
  case TokenKind::kw_let:
    return "'let'";
  case TokenKind::kw_return:
    return "'return'";
  case TokenKind::kw_true:
    return "'true'";
  case TokenKind::kw_false:
    return "'false'";
  case TokenKind::l_brace:
    return "'{'";
  case TokenKind::r_brace:
    return "'}'";
  case TokenKind::l_paren:
    return "'('";
  case TokenKind::r_paren:
    return "')'";
  case TokenKind::l_square:
    return "'['";
  case TokenKind::r_square:
    return "']'";
  case TokenKind::less:
    return "'<'";
  case TokenKind::greater:
    return "'>'";
  case TokenKind::comma:
    return "','";
  case TokenKind::colon:
    return "':'";
  case TokenKind::semicolon:
    return "';'";
  case TokenKind::dot:
    return "'.'";
  case TokenKind::arrow:
    return "'->'";
  case TokenKind::at:
    return "'@'";
  case TokenKind::plus:
    return "'+'";
  case TokenKind::minus:
    return "'-'";
  case TokenKind::star:
    return "'*'";
  case TokenKind::slash:
    return "'/'";
  case TokenKind::equal:
    return "'='";
  }
  return "token";
}

std::string tritondsl::frontend::describeToken(const Token &token) {
  // Long spellings (a 1 MB identifier) are shortened in messages.
  auto shorten = [](llvm::StringRef text) {
    if (text.size() <= 32)
      return text.str();
    return text.take_front(29).str() + "...";
  };
  switch (token.kind) {
  case TokenKind::identifier:
    return "identifier '" + shorten(token.spelling) + "'";
  case TokenKind::integer:
  case TokenKind::floating:
    return "number '" + shorten(token.spelling) + "'";
  default:
    return spellTokenKind(token.kind).str();
  }
}

Lexer::Lexer(llvm::StringRef buffer, FrontendDiagnostics &diag)
    : cur(buffer.begin()), end(buffer.end()), lineStart(buffer.begin()),
      diag(diag) {}

SourceLoc Lexer::here(const char *ptr) const {
  return SourceLoc{llvm::SMLoc::getFromPointer(ptr), line,
                  unsigned(ptr - lineStart) + 1};
}

Token Lexer::makeToken(TokenKind kind, const char *start) {
  Token token;
  token.kind = kind;
  token.spelling = llvm::StringRef(start, cur - start);
  token.loc = here(start);
  return token;
}

void Lexer::skipWhitespaceAndComments() {
  while (cur != end) {
    char c = *cur;
    if (c == '\n') {
      ++cur;
      ++line;
      lineStart = cur;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++cur;
    } else if (c == '#' || (c == '/' && cur + 1 != end && cur[1] == '/')) {
      while (cur != end && *cur != '\n')
        ++cur;
    } else if (c == '/' && cur + 1 != end && cur[1] == '*') {
      SourceLoc start = here(cur);
      cur += 2;
      bool closed = false;
      while (cur != end) {
        if (*cur == '*' && cur + 1 != end && cur[1] == '/') {
          cur += 2;
          closed = true;
          break;
        }
        if (*cur == '\n') {
          ++line;
          lineStart = cur + 1;
        }
        ++cur;
      }
      if (!closed)
        diag.error(start, "unterminated block comment: '/*' without '*/'");
    } else {
      return;
    }
  }
}

Token Lexer::lex() {
  while (true) {
    skipWhitespaceAndComments();
    if (cur == end) {
      Token token = makeToken(TokenKind::eof, cur);
      return token;
    }
    const char *start = cur;
    char c = *cur;
    if (isIdentifierStart(c) || isNonAscii(c))
      return lexIdentifier(start);
    if (llvm::isDigit(c) ||
        (c == '.' && cur + 1 != end && llvm::isDigit(cur[1])))
      return lexNumber(start);
    ++cur;
    switch (c) {
    case '{':
      return makeToken(TokenKind::l_brace, start);
    case '}':
      return makeToken(TokenKind::r_brace, start);
    case '(':
      return makeToken(TokenKind::l_paren, start);
    case ')':
      return makeToken(TokenKind::r_paren, start);
    case '[':
      return makeToken(TokenKind::l_square, start);
    case ']':
      return makeToken(TokenKind::r_square, start);
    case '<':
      return makeToken(TokenKind::less, start);
    case '>':
      return makeToken(TokenKind::greater, start);
    case ',':
      return makeToken(TokenKind::comma, start);
    case ':':
      return makeToken(TokenKind::colon, start);
    case ';':
      return makeToken(TokenKind::semicolon, start);
    case '.':
      return makeToken(TokenKind::dot, start);
    case '@':
      return makeToken(TokenKind::at, start);
    case '+':
      return makeToken(TokenKind::plus, start);
    case '-':
      if (cur != end && *cur == '>') {
        ++cur;
        return makeToken(TokenKind::arrow, start);
      }
      return makeToken(TokenKind::minus, start);
    case '*':
      return makeToken(TokenKind::star, start);
    case '/':
      return makeToken(TokenKind::slash, start);
    case '=':
      return makeToken(TokenKind::equal, start);
    default:
      break;
    }
    // A stray byte: report it; the parser skips the error token without a
    // second message.
    if (llvm::isPrint(c))
      diag.error(here(start), std::string("unexpected character '") + c + "'");
    else
      diag.error(here(start), "unexpected byte 0x" +
                                  llvm::utohexstr((unsigned char)c, false, 2) +
                                  " in the source");
    if (diag.reachedErrorLimit()) {
      cur = end;
      return makeToken(TokenKind::eof, cur);
    }
    return makeToken(TokenKind::error, start);
  }
}

Token Lexer::lexIdentifier(const char *start) {
  const char *firstNonAscii = nullptr;
  while (cur != end && (isIdentifierChar(*cur) || isNonAscii(*cur))) {
    if (!firstNonAscii && isNonAscii(*cur))
      firstNonAscii = cur;
    ++cur;
  }
  llvm::StringRef text(start, cur - start);
  if (firstNonAscii) {
    // Identifiers are ASCII; report the whole word once and keep it as an
    // identifier so that parsing goes on without follow-up errors.
    std::string message = "identifiers must be ASCII letters, digits and '_'";
    if (isPrintableUTF8(text))
      message += "; '" + text.str() + "' has a non-ASCII character";
    else
      message += "; found a non-ASCII byte";
    diag.error(here(firstNonAscii), message);
  }
  TokenKind kind = llvm::StringSwitch<TokenKind>(text)
                       .Case("layer", TokenKind::kw_layer)
                       .Case("param", TokenKind::kw_param)
                       .Case("fn", TokenKind::kw_fn)
                       .Case("let", TokenKind::kw_let)
                       .Case("return", TokenKind::kw_return)
                       .Case("true", TokenKind::kw_true)
                       .Case("false", TokenKind::kw_false)
                       .Default(TokenKind::identifier);
  return makeToken(kind, start);
}

Token Lexer::lexNumber(const char *start) {
  bool isFloat = false;
  while (cur != end && llvm::isDigit(*cur))
    ++cur;
  if (cur != end && *cur == '.' && cur + 1 != end && llvm::isDigit(cur[1])) {
    isFloat = true;
    ++cur;
    while (cur != end && llvm::isDigit(*cur))
      ++cur;
  }
  bool badExponent = false;
  if (cur != end && (*cur == 'e' || *cur == 'E')) {
    const char *exponent = cur + 1;
    if (exponent != end && (*exponent == '+' || *exponent == '-'))
      ++exponent;
    if (exponent != end && llvm::isDigit(*exponent)) {
      isFloat = true;
      cur = exponent;
      while (cur != end && llvm::isDigit(*cur))
        ++cur;
    } else {
      badExponent = true;
    }
  }
  llvm::StringRef number(start, cur - start);
  // Letters glued to a number (`784x10`, `1e`) make one malformed literal.
  if (cur != end && (isIdentifierChar(*cur) || isNonAscii(*cur))) {
    while (cur != end && (isIdentifierChar(*cur) || isNonAscii(*cur)))
      ++cur;
    llvm::StringRef text(start, cur - start);
    std::string shown = text.size() <= 32 && isPrintableUTF8(text)
                            ? text.str()
                            : number.str() + "...";
    diag.error(here(start),
               badExponent ? "malformed number '" + shown +
                                 "': the exponent has no digits"
                           : "malformed number '" + shown + "'");
  }
  Token token = makeToken(isFloat ? TokenKind::floating : TokenKind::integer,
                          start);
  token.spelling = number;
  if (isFloat) {
    std::string copy = number.str();
    errno = 0;
    token.floatValue = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(token.floatValue) || errno == ERANGE) {
      if (std::isinf(token.floatValue))
        diag.error(token.loc, "number '" +
                                  (number.size() <= 32
                                       ? number.str()
                                       : number.take_front(29).str() + "...") +
                                  "' is out of range for a 64-bit float");
      if (std::isinf(token.floatValue))
        token.floatValue = 0;
    }
  } else {
    uint64_t value = 0;
    if (number.getAsInteger(10, value) || value > uint64_t(INT64_MAX)) {
      diag.error(token.loc,
                 "integer '" +
                     (number.size() <= 32 ? number.str()
                                          : number.take_front(29).str() +
                                                "...") +
                     "' is too large (the maximum is 9223372036854775807)");
      value = 0;
    }
    token.intValue = int64_t(value);
  }
  return token;
}

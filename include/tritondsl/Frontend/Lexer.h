//===- Lexer.h - Lexer of the .tri DSL ---------------------------*- C++ -*-===//
//
// Turns the source buffer into tokens, each with its location. Comments are
// `# ...` and `// ...` to the end of the line and `/* ... */`. Malformed input
// (stray bytes, non-ASCII identifiers, unterminated comments, out-of-range
// literals) is reported and skipped: the lexer always makes progress and ends
// at the end of the buffer, whatever the bytes.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_FRONTEND_LEXER_H
#define TRITONDSL_FRONTEND_LEXER_H

#include "tritondsl/Frontend/Diagnostics.h"

#include <cstdint>
#include "tritondsl/Support/LLVM.h"

namespace tritondsl::frontend {

enum class TokenKind {
  eof,
  error, // a stray character, already reported by the lexer
  identifier,
  integer,  // 784
  floating, // 0.5, 1e-3
  // Keywords.
  kw_layer,
  kw_param,
  kw_fn,
  kw_let,
  kw_return,
  kw_true,
  kw_false,
  // Punctuation.
  l_brace,   // {
  r_brace,   // }
  l_paren,   // (
  r_paren,   // )
  l_square,  // [
  r_square,  // ]
  less,      // <
  greater,   // >
  comma,     // ,
  colon,     // :
  semicolon, // ;
  dot,       // .
  arrow,     // ->
  at,        // @
  plus,      // +
  minus,     // -
  star,      // *
  slash,     // /
  equal,     // =
};

struct Token {
  TokenKind kind = TokenKind::eof;
  llvm::StringRef spelling;
  SourceLoc loc;
  /// The value of an integer or floating literal.
  int64_t intValue = 0;
  double floatValue = 0;

  bool is(TokenKind k) const { return kind == k; }
  bool isNot(TokenKind k) const { return kind != k; }
};

/// How a token is named in messages: `identifier 'foo'`, `'{'`, `end of file`.
std::string describeToken(const Token &token);
/// The spelling of a token kind in messages: `'{'`, `identifier`.
llvm::StringRef spellTokenKind(TokenKind kind);

class Lexer {
public:
  Lexer(llvm::StringRef buffer, FrontendDiagnostics &diag);

  /// The next token; `eof` forever once the buffer is consumed.
  Token lex();

private:
  SourceLoc here(const char *ptr) const;
  void skipWhitespaceAndComments();
  Token makeToken(TokenKind kind, const char *start);
  Token lexIdentifier(const char *start);
  Token lexNumber(const char *start);

  const char *cur;
  const char *end;
  const char *lineStart;
  unsigned line = 1;
  FrontendDiagnostics &diag;
};

} // namespace tritondsl::frontend

#endif // TRITONDSL_FRONTEND_LEXER_H

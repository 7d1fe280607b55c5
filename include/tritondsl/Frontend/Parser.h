//===- Parser.h - Recursive-descent parser of the .tri DSL -------*- C++ -*-===//
//
// One function per grammar rule of docs/language.md. On a syntax error the
// parser reports it and skips to the next statement, layer item or layer, so
// that one run reports several errors. Expressions nest at most
// `kMaxNesting` levels deep (parentheses, unary minus, call arguments): deeper
// input gets a located error instead of exhausting the stack.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_FRONTEND_PARSER_H
#define TRITONDSL_FRONTEND_PARSER_H

#include "tritondsl/Frontend/AST.h"
#include "tritondsl/Frontend/Lexer.h"

#include <optional>
#include "tritondsl/Support/LLVM.h"

namespace tritondsl::frontend {

class Parser {
public:
  static constexpr unsigned kMaxNesting = 256;

  Parser(Lexer &lexer, FrontendDiagnostics &diag);

  /// Parses a whole file. Returns the tree of what parsed (possibly partial);
  /// check `diag.hasErrors()` to know whether it is complete.
  std::unique_ptr<ModuleAST> parseModule();

private:
  // Grammar rules.
  std::unique_ptr<LayerAST> parseLayer();
  std::unique_ptr<ParamAST> parseParam();
  std::unique_ptr<FunctionAST> parseFunction();
  std::optional<ArgumentAST> parseArgument();
  std::optional<TypeAST> parseType();
  bool parseDims(TypeAST &type);
  StmtPtr parseStatement();
  StmtPtr parseLet();
  StmtPtr parseAssign();
  StmtPtr parseReturn();
  ExprPtr parseExpression();
  ExprPtr parseBinaryRHS(int minPrecedence, ExprPtr lhs);
  ExprPtr parseUnary();
  ExprPtr parsePrimary();
  ExprPtr parseNumber();
  ExprPtr parseParenExpr();
  ExprPtr parseIdentifierExpr();
  bool parseCallArgs(llvm::StringRef callee, std::vector<CallArg> &args);

  // Token stream.
  void consume();
  const Token &peek();
  bool consumeIf(TokenKind kind);
  /// Reports `expected <what>, got <current token>` unless the current token
  /// is `kind`, which is then consumed.
  bool expect(TokenKind kind, const llvm::Twine &what);
  /// Reports `expected <what>, got <token>`; false when the token is an
  /// invalid character the lexer already reported. Unless `atToken`, a
  /// token on a later line means something is missing at the end of the
  /// previous line, which is where the error goes.
  bool errorExpected(const llvm::Twine &what, bool atToken = false);
  /// False when the current token is the end of the file and an error there
  /// was already reported.
  bool reportAtEOF();

  // Error recovery.
  void skipToLayerItem();
  void skipToStatement(const char *failedAt);
  void skipToLayer();

  /// Counts nesting levels of one expression; false once past the limit.
  bool enterNesting();

  Lexer &lexer;
  FrontendDiagnostics &diag;
  Token tok;
  std::optional<Token> lookahead;
  /// Line of the last consumed token (recovery resumes at a new line).
  unsigned lastLine = 0;
  /// Just past the last consumed token: where a missing piece is reported.
  SourceLoc previousEnd;
  /// Whether an error at the end of the file was reported (one is enough).
  bool eofReported = false;
  unsigned nesting = 0;
  /// The layer being parsed, for messages.
  llvm::StringRef currentLayer;
};

/// Parses `buffer` (registered in the engine's SourceMgr). Returns null when
/// there were syntax errors (already reported).
std::unique_ptr<ModuleAST> parseModule(FrontendDiagnostics &diag);

} // namespace tritondsl::frontend

#endif // TRITONDSL_FRONTEND_PARSER_H

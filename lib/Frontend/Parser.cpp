//===- Parser.cpp - Recursive-descent parser of the .tri DSL --------------===//
//
// The grammar (docs/language.md has it in full, with examples):
//
//   module     ::= layer*
//   layer      ::= 'layer' IDENT '{' (param | function)* '}'
//   param      ::= 'param' IDENT ':' type ';'?
//   function   ::= 'fn' IDENT '(' (argument (',' argument)*)? ')' '->' type
//                  '{' statement* '}'
//   argument   ::= IDENT ':' type
//   type       ::= 'Tensor' ('<' IDENT '>')? dims | 'TernaryTensor' dims
//                | IDENT                                  (scalar: f32, ...)
//   dims       ::= '[' (dim (',' dim)*)? ']'
//   dim        ::= INTEGER | IDENT
//   statement  ::= (let | assign | return) ';'?
//   let        ::= 'let' IDENT (':' type)? '=' expression
//   assign     ::= IDENT '=' expression
//   return     ::= 'return' expression
//   expression ::= unary (binop unary)*    (+ - lowest; * / @ higher; left)
//   unary      ::= '-' unary | primary
//   primary    ::= NUMBER | 'true' | 'false' | '(' expression ')'
//                | IDENT | IDENT ('.' IDENT)? '(' call_args? ')'
//   call_args  ::= call_arg (',' call_arg)* ','?
//   call_arg   ::= (IDENT '=')? expression
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Frontend/Parser.h"

#include "llvm/Support/MemoryBuffer.h"

using namespace tritondsl::frontend;

Parser::Parser(Lexer &lexer, FrontendDiagnostics &diag)
    : lexer(lexer), diag(diag) {
  tok = lexer.lex();
}

//===----------------------------------------------------------------------===//
// Token stream
//===----------------------------------------------------------------------===//

void Parser::consume() {
  if (tok.is(TokenKind::eof))
    return;
  lastLine = tok.loc.line;
  previousEnd = tok.loc;
  previousEnd.pointer =
      llvm::SMLoc::getFromPointer(tok.spelling.data() + tok.spelling.size());
  previousEnd.column += tok.spelling.size();
  if (lookahead) {
    tok = *lookahead;
    lookahead.reset();
  } else {
    tok = lexer.lex();
  }
}

const Token &Parser::peek() {
  if (tok.is(TokenKind::eof))
    return tok;
  if (!lookahead)
    lookahead = lexer.lex();
  return *lookahead;
}

bool Parser::consumeIf(TokenKind kind) {
  if (tok.isNot(kind))
    return false;
  consume();
  return true;
}

bool Parser::errorExpected(const llvm::Twine &what, bool atToken) {
  // The lexer already reported the invalid character; at the end of the file
  // only the first missing piece is reported.
  if (tok.is(TokenKind::error) || !reportAtEOF())
    return false;
  // Something missing at the end of a line is reported there, not at the
  // start of the next line.
  SourceLoc at = tok.loc;
  if (!atToken && previousEnd.line != 0 && previousEnd.line < tok.loc.line)
    at = previousEnd;
  diag.error(at, "expected " + what + ", got " + describeToken(tok));
  return true;
}

bool Parser::reportAtEOF() {
  if (tok.isNot(TokenKind::eof))
    return true;
  if (eofReported)
    return false;
  eofReported = true;
  return true;
}

bool Parser::expect(TokenKind kind, const llvm::Twine &what) {
  if (consumeIf(kind))
    return true;
  errorExpected(what);
  return false;
}

bool Parser::enterNesting() {
  if (nesting >= kMaxNesting) {
    diag.error(tok.loc, "expression nested too deeply (the limit is " +
                            llvm::Twine(kMaxNesting) + " levels)");
    return false;
  }
  ++nesting;
  return true;
}

namespace {
/// Leaves one nesting level on scope exit.
struct NestingScope {
  explicit NestingScope(unsigned &nesting) : nesting(nesting) {}
  ~NestingScope() { --nesting; }
  unsigned &nesting;
};
} // namespace

//===----------------------------------------------------------------------===//
// Error recovery
//===----------------------------------------------------------------------===//

static bool startsLayerItem(const Token &tok) {
  return tok.is(TokenKind::kw_param) || tok.is(TokenKind::kw_fn) ||
         tok.is(TokenKind::kw_layer);
}

void Parser::skipToLayer() {
  while (tok.isNot(TokenKind::eof) && tok.isNot(TokenKind::kw_layer))
    consume();
}

void Parser::skipToLayerItem() {
  // Nested braces (a function body) are skipped whole.
  unsigned depth = 0;
  while (tok.isNot(TokenKind::eof)) {
    if (depth == 0 && (startsLayerItem(tok) || tok.is(TokenKind::r_brace)))
      return;
    if (tok.is(TokenKind::l_brace))
      ++depth;
    else if (tok.is(TokenKind::r_brace))
      --depth;
    else if (tok.is(TokenKind::kw_layer))
      return;
    consume();
  }
}

void Parser::skipToStatement(const char *failedAt) {
  // Always make progress past the token that failed to start a statement.
  if (tok.loc.pointer.getPointer() == failedAt &&
      tok.isNot(TokenKind::r_brace) && !startsLayerItem(tok))
    consume();
  while (tok.isNot(TokenKind::eof)) {
    if (tok.is(TokenKind::kw_let) || tok.is(TokenKind::kw_return) ||
        tok.is(TokenKind::r_brace) || startsLayerItem(tok))
      return;
    // An assignment at the start of a new line.
    if (tok.is(TokenKind::identifier) && tok.loc.line != lastLine &&
        peek().is(TokenKind::equal))
      return;
    consume();
  }
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

std::unique_ptr<ModuleAST> Parser::parseModule() {
  std::vector<std::unique_ptr<LayerAST>> layers;
  while (tok.isNot(TokenKind::eof) && !diag.reachedErrorLimit()) {
    if (tok.isNot(TokenKind::kw_layer)) {
      errorExpected("'layer'", /*atToken=*/true);
      skipToLayer();
      continue;
    }
    if (auto layer = parseLayer())
      layers.push_back(std::move(layer));
    else
      skipToLayer();
  }
  return std::make_unique<ModuleAST>(std::move(layers));
}

std::unique_ptr<LayerAST> Parser::parseLayer() {
  SourceLoc loc = tok.loc;
  consume(); // 'layer'
  if (tok.isNot(TokenKind::identifier)) {
    errorExpected("a layer name after 'layer'");
    return nullptr;
  }
  llvm::StringRef name = tok.spelling;
  SourceLoc nameLoc = tok.loc;
  consume();
  currentLayer = name;
  if (!expect(TokenKind::l_brace, "'{' after 'layer " + name + "'"))
    return nullptr;

  std::vector<std::unique_ptr<ParamAST>> params;
  std::vector<std::unique_ptr<FunctionAST>> functions;
  while (tok.isNot(TokenKind::r_brace) && !diag.reachedErrorLimit()) {
    if (tok.is(TokenKind::eof) || tok.is(TokenKind::kw_layer)) {
      if (reportAtEOF()) {
        diag.error(tok.loc, "expected '}' to close layer '" + name +
                                "', got " + describeToken(tok));
        diag.note(loc, "layer '" + name + "' starts here");
      }
      return std::make_unique<LayerAST>(nameLoc, name, std::move(params),
                                        std::move(functions));
    }
    if (tok.is(TokenKind::kw_param)) {
      if (auto param = parseParam())
        params.push_back(std::move(param));
      else
        skipToLayerItem();
    } else if (tok.is(TokenKind::kw_fn)) {
      if (auto function = parseFunction())
        functions.push_back(std::move(function));
      else
        skipToLayerItem();
    } else {
      errorExpected("'param', 'fn' or '}' in layer '" + name + "'",
                    /*atToken=*/true);
      consume();
      skipToLayerItem();
    }
  }
  consumeIf(TokenKind::r_brace);
  return std::make_unique<LayerAST>(nameLoc, name, std::move(params),
                                    std::move(functions));
}

std::unique_ptr<ParamAST> Parser::parseParam() {
  consume(); // 'param'
  if (tok.isNot(TokenKind::identifier)) {
    errorExpected("a param name after 'param'");
    return nullptr;
  }
  llvm::StringRef name = tok.spelling;
  SourceLoc loc = tok.loc;
  consume();
  if (!expect(TokenKind::colon, "':' and a type after 'param " + name + "'"))
    return nullptr;
  std::optional<TypeAST> type = parseType();
  if (!type)
    return nullptr;
  consumeIf(TokenKind::semicolon);
  return std::make_unique<ParamAST>(loc, name, std::move(*type));
}

std::optional<ArgumentAST> Parser::parseArgument() {
  if (tok.isNot(TokenKind::identifier)) {
    errorExpected("an argument name");
    return std::nullopt;
  }
  ArgumentAST arg;
  arg.loc = tok.loc;
  arg.name = tok.spelling;
  consume();
  if (!expect(TokenKind::colon, "':' and a type after argument '" + arg.name +
                                    "'"))
    return std::nullopt;
  std::optional<TypeAST> type = parseType();
  if (!type)
    return std::nullopt;
  arg.type = std::move(*type);
  return arg;
}

std::unique_ptr<FunctionAST> Parser::parseFunction() {
  consume(); // 'fn'
  if (tok.isNot(TokenKind::identifier)) {
    errorExpected("a function name after 'fn'");
    return nullptr;
  }
  llvm::StringRef name = tok.spelling;
  SourceLoc loc = tok.loc;
  consume();
  if (!expect(TokenKind::l_paren, "'(' after 'fn " + name + "'"))
    return nullptr;
  std::vector<ArgumentAST> args;
  if (!consumeIf(TokenKind::r_paren)) {
    while (true) {
      std::optional<ArgumentAST> arg = parseArgument();
      if (!arg)
        return nullptr;
      args.push_back(std::move(*arg));
      if (consumeIf(TokenKind::r_paren))
        break;
      if (!expect(TokenKind::comma, "',' or ')' after an argument of '" +
                                        name + "'"))
        return nullptr;
    }
  }
  if (!expect(TokenKind::arrow, "'->' and the result type of '" + name + "'"))
    return nullptr;
  std::optional<TypeAST> resultType = parseType();
  if (!resultType)
    return nullptr;
  if (!expect(TokenKind::l_brace, "'{' to start the body of '" + name + "'"))
    return nullptr;

  std::vector<StmtPtr> body;
  while (tok.isNot(TokenKind::r_brace) && !diag.reachedErrorLimit()) {
    if (tok.is(TokenKind::eof) || startsLayerItem(tok)) {
      if (reportAtEOF()) {
        diag.error(tok.loc, "expected '}' to close function '" + name +
                                "', got " + describeToken(tok));
        diag.note(loc, "function '" + name + "' starts here");
      }
      return nullptr;
    }
    const char *start = tok.loc.pointer.getPointer();
    if (StmtPtr stmt = parseStatement())
      body.push_back(std::move(stmt));
    else
      skipToStatement(start);
  }
  SourceLoc endLoc = tok.loc;
  consumeIf(TokenKind::r_brace);
  return std::make_unique<FunctionAST>(loc, name, std::move(args),
                                       std::move(*resultType), std::move(body),
                                       endLoc);
}

std::optional<TypeAST> Parser::parseType() {
  TypeAST type;
  type.loc = tok.loc;
  if (tok.isNot(TokenKind::identifier)) {
    errorExpected("a type (Tensor[...], TernaryTensor[...] or a scalar type "
                  "such as f32)");
    return std::nullopt;
  }
  llvm::StringRef name = tok.spelling;
  if (name == "Tensor") {
    consume();
    type.type.kind = DslType::Kind::Tensor;
    type.type.element = ElementType::F32;
    if (consumeIf(TokenKind::less)) {
      if (tok.isNot(TokenKind::identifier)) {
        errorExpected("an element type such as f16 after 'Tensor<'");
        return std::nullopt;
      }
      std::optional<ElementType> element = parseElementTypeName(tok.spelling);
      if (!element) {
        diag.error(tok.loc, "unknown element type '" + tok.spelling +
                                "'; expected one of bool, i8, i16, i32, i64, "
                                "f16, bf16, f32, f64");
        return std::nullopt;
      }
      type.type.element = *element;
      consume();
      if (!expect(TokenKind::greater, "'>' after the element type"))
        return std::nullopt;
    }
    if (!parseDims(type))
      return std::nullopt;
    return type;
  }
  if (name == "TernaryTensor") {
    consume();
    type.type.kind = DslType::Kind::Ternary;
    type.type.element = ElementType::F32;
    if (tok.is(TokenKind::less)) {
      diag.error(tok.loc, "TernaryTensor has no element type: its elements "
                          "are trits (-1, 0, +1)");
      return std::nullopt;
    }
    if (!parseDims(type))
      return std::nullopt;
    return type;
  }
  if (std::optional<ElementType> element = parseElementTypeName(name)) {
    consume();
    type.type = DslType::scalar(*element);
    return type;
  }
  std::string shown = name.size() <= 32 ? name.str()
                                        : name.take_front(29).str() + "...";
  diag.error(tok.loc, "unknown type '" + shown +
                          "'; expected Tensor[...], TernaryTensor[...] or a "
                          "scalar type (f32, i32, bool, ...)");
  return std::nullopt;
}

bool Parser::parseDims(TypeAST &type) {
  if (!expect(TokenKind::l_square, "'[' and the dimensions of the tensor"))
    return false;
  if (consumeIf(TokenKind::r_square))
    return true;
  while (true) {
    if (tok.is(TokenKind::integer)) {
      type.type.dims.push_back(Dim::fixed(tok.intValue));
    } else if (tok.is(TokenKind::identifier)) {
      type.type.dims.push_back(Dim::symbolic(tok.spelling));
    } else {
      errorExpected("a dimension (an integer or a name such as N)");
      return false;
    }
    type.dimLocs.push_back(tok.loc);
    consume();
    if (consumeIf(TokenKind::r_square))
      return true;
    if (!expect(TokenKind::comma, "',' or ']' after a dimension"))
      return false;
  }
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

StmtPtr Parser::parseStatement() {
  StmtPtr stmt;
  if (tok.is(TokenKind::kw_let))
    stmt = parseLet();
  else if (tok.is(TokenKind::kw_return))
    stmt = parseReturn();
  else if (tok.is(TokenKind::identifier) && peek().is(TokenKind::equal))
    stmt = parseAssign();
  else
    errorExpected("a statement ('let', an assignment or 'return')",
                  /*atToken=*/true);
  if (stmt)
    consumeIf(TokenKind::semicolon);
  return stmt;
}

StmtPtr Parser::parseLet() {
  SourceLoc loc = tok.loc;
  consume(); // 'let'
  if (tok.isNot(TokenKind::identifier)) {
    errorExpected("a variable name after 'let'");
    return nullptr;
  }
  llvm::StringRef name = tok.spelling;
  SourceLoc nameLoc = tok.loc;
  consume();
  std::optional<TypeAST> declaredType;
  if (consumeIf(TokenKind::colon)) {
    declaredType = parseType();
    if (!declaredType)
      return nullptr;
  }
  if (!expect(TokenKind::equal, "'=' after 'let " + name + "'"))
    return nullptr;
  ExprPtr value = parseExpression();
  if (!value)
    return nullptr;
  return std::make_unique<LetStmtAST>(loc, name, nameLoc,
                                      std::move(declaredType),
                                      std::move(value));
}

StmtPtr Parser::parseAssign() {
  SourceLoc loc = tok.loc;
  llvm::StringRef name = tok.spelling;
  consume(); // name
  consume(); // '='
  ExprPtr value = parseExpression();
  if (!value)
    return nullptr;
  return std::make_unique<AssignStmtAST>(loc, name, std::move(value));
}

StmtPtr Parser::parseReturn() {
  SourceLoc loc = tok.loc;
  consume(); // 'return'
  ExprPtr value = parseExpression();
  if (!value)
    return nullptr;
  return std::make_unique<ReturnStmtAST>(loc, std::move(value));
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// Binding strength of a binary operator token; -1 for other tokens.
static int getPrecedence(const Token &tok) {
  switch (tok.kind) {
  case TokenKind::plus:
  case TokenKind::minus:
    return 1;
  case TokenKind::star:
  case TokenKind::slash:
  case TokenKind::at:
    return 2;
  default:
    return -1;
  }
}

static BinaryOp getBinaryOp(TokenKind kind) {
  switch (kind) {
  case TokenKind::plus:
    return BinaryOp::Add;
  case TokenKind::minus:
    return BinaryOp::Sub;
  case TokenKind::star:
    return BinaryOp::Mul;
  case TokenKind::slash:
    return BinaryOp::Div;
  default:
    return BinaryOp::MatMul;
  }
}

ExprPtr Parser::parseExpression() {
  if (!enterNesting())
    return nullptr;
  NestingScope scope(nesting);
  ExprPtr lhs = parseUnary();
  if (!lhs)
    return nullptr;
  return parseBinaryRHS(/*minPrecedence=*/1, std::move(lhs));
}

/// Precedence climbing: operators of one level fold into a left-leaning tree
/// in a loop, so long chains do not deepen the recursion.
ExprPtr Parser::parseBinaryRHS(int minPrecedence, ExprPtr lhs) {
  while (true) {
    int precedence = getPrecedence(tok);
    if (precedence < minPrecedence)
      return lhs;
    Token opTok = tok;
    consume();
    ExprPtr rhs = parseUnary();
    if (!rhs)
      return nullptr;
    if (precedence < getPrecedence(tok)) {
      rhs = parseBinaryRHS(precedence + 1, std::move(rhs));
      if (!rhs)
        return nullptr;
    }
    lhs = std::make_unique<BinaryExprAST>(opTok.loc, getBinaryOp(opTok.kind),
                                          std::move(lhs), std::move(rhs));
  }
}

ExprPtr Parser::parseUnary() {
  if (tok.isNot(TokenKind::minus))
    return parsePrimary();
  SourceLoc loc = tok.loc;
  if (!enterNesting())
    return nullptr;
  NestingScope scope(nesting);
  consume(); // '-'
  ExprPtr operand = parseUnary();
  if (!operand)
    return nullptr;
  return std::make_unique<UnaryExprAST>(loc, std::move(operand));
}

ExprPtr Parser::parsePrimary() {
  switch (tok.kind) {
  case TokenKind::integer:
  case TokenKind::floating:
    return parseNumber();
  case TokenKind::kw_true:
  case TokenKind::kw_false: {
    auto expr =
        std::make_unique<BoolExprAST>(tok.loc, tok.is(TokenKind::kw_true));
    consume();
    return expr;
  }
  case TokenKind::l_paren:
    return parseParenExpr();
  case TokenKind::identifier:
    return parseIdentifierExpr();
  default:
    errorExpected("an expression");
    return nullptr;
  }
}

ExprPtr Parser::parseNumber() {
  ConstantValue value;
  value.isFloat = tok.is(TokenKind::floating);
  value.intValue = tok.intValue;
  value.floatValue = tok.floatValue;
  auto expr = std::make_unique<NumberExprAST>(tok.loc, value, tok.spelling);
  consume();
  return expr;
}

ExprPtr Parser::parseParenExpr() {
  SourceLoc open = tok.loc;
  consume(); // '('
  ExprPtr inner = parseExpression();
  if (!inner)
    return nullptr;
  if (tok.isNot(TokenKind::r_paren)) {
    if (errorExpected("')'"))
      diag.note(open, "to match this '('");
    return nullptr;
  }
  consume();
  return inner;
}

ExprPtr Parser::parseIdentifierExpr() {
  SourceLoc loc = tok.loc;
  llvm::StringRef name = tok.spelling;
  consume();
  llvm::StringRef member;
  SourceLoc memberLoc;
  if (consumeIf(TokenKind::dot)) {
    if (tok.isNot(TokenKind::identifier)) {
      errorExpected("a function name after '" + name + ".'");
      return nullptr;
    }
    member = tok.spelling;
    memberLoc = tok.loc;
    consume();
    if (tok.isNot(TokenKind::l_paren)) {
      errorExpected("'(' to call '" + name + "." + member + "'");
      return nullptr;
    }
  }
  if (tok.isNot(TokenKind::l_paren))
    return std::make_unique<VariableExprAST>(loc, name);
  std::vector<CallArg> args;
  if (!parseCallArgs(member.empty() ? name : member, args))
    return nullptr;
  return std::make_unique<CallExprAST>(loc, name, member, memberLoc,
                                       std::move(args));
}

bool Parser::parseCallArgs(llvm::StringRef callee,
                           std::vector<CallArg> &args) {
  SourceLoc open = tok.loc;
  consume(); // '('
  if (consumeIf(TokenKind::r_paren))
    return true;
  while (true) {
    CallArg arg;
    arg.loc = tok.loc;
    if (tok.is(TokenKind::identifier) && peek().is(TokenKind::equal)) {
      arg.keyword = tok.spelling;
      consume();
      consume();
    }
    arg.value = parseExpression();
    if (!arg.value)
      return false;
    args.push_back(std::move(arg));
    if (consumeIf(TokenKind::r_paren))
      return true;
    if (tok.isNot(TokenKind::comma)) {
      if (errorExpected("',' or ')' in the arguments of '" + callee + "'"))
        diag.note(open, "the argument list starts here");
      return false;
    }
    consume(); // ','
    // A trailing comma before ')' is allowed.
    if (consumeIf(TokenKind::r_paren))
      return true;
  }
}

std::unique_ptr<ModuleAST>
tritondsl::frontend::parseModule(FrontendDiagnostics &diag) {
  llvm::StringRef buffer =
      diag.getSourceMgr().getMemoryBuffer(diag.getBufferId())->getBuffer();
  Lexer lexer(buffer, diag);
  Parser parser(lexer, diag);
  std::unique_ptr<ModuleAST> module = parser.parseModule();
  if (diag.hasErrors())
    return nullptr;
  return module;
}

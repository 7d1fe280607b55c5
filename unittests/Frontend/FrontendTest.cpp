//===- FrontendTest.cpp - Lexer, parser and checker C++ API ---------------===//
//
// The front end as a library: tokens and their locations, how types print,
// that parse/check report through FrontendDiagnostics with counts, that the
// builtin table follows Builtins.def, and that importDSL gives a verified
// module.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Frontend/Builtins.h"
#include "tritondsl/Frontend/Lexer.h"
#include "tritondsl/Frontend/MLIRGen.h"
#include "tritondsl/Frontend/Parser.h"
#include "tritondsl/Frontend/Sema.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

using namespace tritondsl::frontend;

namespace {
/// A source buffer with its diagnostics captured in a string.
struct Source {
  explicit Source(llvm::StringRef text, unsigned errorLimit = 20)
      : os(messages) {
    bufferId = sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, "test.tri"), llvm::SMLoc());
    diag = std::make_unique<FrontendDiagnostics>(sourceMgr, bufferId, os,
                                                 errorLimit);
  }
  llvm::StringRef text() const {
    return sourceMgr.getMemoryBuffer(bufferId)->getBuffer();
  }
  llvm::SourceMgr sourceMgr;
  unsigned bufferId;
  std::string messages;
  llvm::raw_string_ostream os;
  std::unique_ptr<FrontendDiagnostics> diag;
};

std::vector<Token> lexAll(Source &source) {
  Lexer lexer(source.text(), *source.diag);
  std::vector<Token> tokens;
  do
    tokens.push_back(lexer.lex());
  while (tokens.back().isNot(TokenKind::eof));
  return tokens;
}
} // namespace

TEST(FrontendLexer, TokensHaveKindsSpellingsAndLocations) {
  Source source("layer L {\n  x@w -> 1.5e-3 # c\n}");
  std::vector<Token> tokens = lexAll(source);
  std::vector<TokenKind> kinds;
  for (const Token &token : tokens)
    kinds.push_back(token.kind);
  EXPECT_EQ(kinds, (std::vector<TokenKind>{
                       TokenKind::kw_layer, TokenKind::identifier,
                       TokenKind::l_brace, TokenKind::identifier,
                       TokenKind::at, TokenKind::identifier, TokenKind::arrow,
                       TokenKind::floating, TokenKind::r_brace,
                       TokenKind::eof}));
  EXPECT_EQ(tokens[7].spelling, "1.5e-3");
  EXPECT_DOUBLE_EQ(tokens[7].floatValue, 1.5e-3);
  EXPECT_EQ(tokens[4].loc.line, 2u);
  EXPECT_EQ(tokens[4].loc.column, 4u);
  EXPECT_EQ(tokens[8].loc.line, 3u);
  EXPECT_EQ(tokens[8].loc.column, 1u);
  EXPECT_FALSE(source.diag->hasErrors());
}

TEST(FrontendLexer, MinusIsNeverPartOfANumber) {
  Source source("a-1");
  std::vector<Token> tokens = lexAll(source);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[1].kind, TokenKind::minus);
  EXPECT_EQ(tokens[2].kind, TokenKind::integer);
  EXPECT_EQ(tokens[2].intValue, 1);
}

TEST(FrontendLexer, AlwaysReachesTheEndOfGarbage) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i)
    garbage.push_back(char((i * 37 + 11) % 256));
  Source source(garbage, /*errorLimit=*/0);
  std::vector<Token> tokens = lexAll(source);
  EXPECT_EQ(tokens.back().kind, TokenKind::eof);
  EXPECT_TRUE(source.diag->hasErrors());
}

TEST(FrontendTypes, PrintAsWrittenInSource) {
  EXPECT_EQ(DslType::tensor(ElementType::F32,
                            {Dim::symbolic("N"), Dim::fixed(784)})
                .str(),
            "Tensor[N, 784]");
  EXPECT_EQ(DslType::tensor(ElementType::F16, {Dim::fixed(4)}).str(),
            "Tensor<f16>[4]");
  EXPECT_EQ(DslType::scalar(ElementType::I32).str(), "i32");
  EXPECT_EQ(DslType::tensor(ElementType::F32, {}).str(), "Tensor[]");
  EXPECT_EQ(DslType::literal(DslType::Kind::FloatLiteral).str(),
            "float literal");
}

TEST(FrontendParser, ReportsSeveralErrorsAndReturnsNull) {
  Source source("layer A {\n fn f(x: f32) -> f32 {\n let = x\n let b x\n "
                "return x\n }\n}\n");
  EXPECT_EQ(parseModule(*source.diag), nullptr);
  EXPECT_EQ(source.diag->getNumErrors(), 2u);
  EXPECT_NE(source.messages.find("test.tri:3:6: error: expected a variable "
                                 "name after 'let', got '='"),
            std::string::npos)
      << source.messages;
}

TEST(FrontendSema, AnnotatesTypesAndResolvesCalls) {
  Source source("layer B { fn forward(x: Tensor[N, 4]) -> Tensor[N, 4] { "
                "return x } }\n"
                "layer A { fn forward(y: Tensor[2, 4]) -> Tensor[2, 4] { "
                "return B(y) } }\n");
  std::unique_ptr<ModuleAST> module = parseModule(*source.diag);
  ASSERT_NE(module, nullptr);
  ASSERT_TRUE(checkModule(*module, *source.diag)) << source.messages;
  const FunctionAST &forward = *module->getLayers()[1]->getFunctions()[0];
  auto &ret = llvm::cast<ReturnStmtAST>(*forward.getBody()[0]);
  auto &call = llvm::cast<CallExprAST>(ret.getValue());
  EXPECT_EQ(call.type.str(), "Tensor[2, 4]");
  EXPECT_EQ(call.calleeLayer, module->getLayers()[0].get());
  EXPECT_EQ(call.calleeFunction->getName(), "forward");
  EXPECT_EQ(call.builtin, Builtin::None);
}

TEST(FrontendBuiltins, TableFollowsBuiltinsDef) {
  // Builtin's enumerators and the table share Builtins.def's order, names
  // resolve both ways, and every builtin's first param is the required
  // tensor that Sema's argument binding relies on.
  llvm::ArrayRef<BuiltinSpec> specs = getBuiltinSpecs();
  ASSERT_FALSE(specs.empty());
  for (auto [index, spec] : llvm::enumerate(specs)) {
    EXPECT_EQ(size_t(spec.id), index + 1) << spec.name.str();
    EXPECT_EQ(lookupBuiltin(spec.name), spec.id);
    EXPECT_EQ(lookupBuiltinSpec(spec.name), &spec);
    EXPECT_EQ(getBuiltinName(spec.id), spec.name);
    ASSERT_FALSE(spec.params.empty()) << spec.name.str();
    EXPECT_TRUE(spec.params[0].required) << spec.name.str();
    EXPECT_EQ(spec.params[0].kind, BuiltinArgKind::Tensor) << spec.name.str();
  }
  EXPECT_EQ(lookupBuiltin("forward"), Builtin::None);
  EXPECT_EQ(getBuiltinName(Builtin::None), "?");
  const BuiltinSpec *sum = lookupBuiltinSpec("sum");
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(sum->rule, BuiltinRule::Reduction);
  ASSERT_EQ(sum->params.size(), 3u);
  EXPECT_EQ(sum->params[2].name, "keepdim");
  EXPECT_EQ(sum->params[2].kind, BuiltinArgKind::Bool);
  EXPECT_FALSE(sum->params[2].required);
  EXPECT_EQ(lookupBuiltinSpec("reshape")->arity, BuiltinArity::VariadicDims);
}

TEST(FrontendSema, ErrorLimitStopsReporting) {
  std::string text = "layer A { fn f(x: f32) -> f32 {\n";
  for (int i = 0; i < 50; ++i)
    text += "let v" + std::to_string(i) + " = nope\n";
  text += "return x } }\n";
  Source source(text, /*errorLimit=*/5);
  std::unique_ptr<ModuleAST> module = parseModule(*source.diag);
  ASSERT_NE(module, nullptr);
  EXPECT_FALSE(checkModule(*module, *source.diag));
  EXPECT_EQ(source.diag->getNumErrors(), 5u);
  EXPECT_TRUE(source.diag->reachedErrorLimit());
}

TEST(FrontendImport, GivesAVerifiedModule) {
  Source source("layer L { param w: TernaryTensor[8, 2]\n"
                "fn forward(x: Tensor[N, 8]) -> Tensor[N, 2] { return x @ w "
                "} }\n");
  mlir::DialectRegistry registry;
  registerFrontendDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      importDSL(source.sourceMgr, source.bufferId, context, source.os);
  ASSERT_TRUE(module) << source.messages;
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  EXPECT_NE(text.find("ternary.matmul"), std::string::npos) << text;
  EXPECT_NE(text.find("!ternary.packed<8x2>"), std::string::npos) << text;
}

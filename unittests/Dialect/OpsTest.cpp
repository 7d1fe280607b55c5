//===- OpsTest.cpp - C++ API of the ternary ops and packing bridge --------===//
//
// Proves the C++ side of the ops: building and folding through OpBuilder
// (createOrFold) gives the bytes of the runtime library, packTrits /
// unpackTrits / verifyPackedBytes agree with ternary_packing.h, large packed
// constants become dense_resource blobs, and a parsed network (layer, param,
// get_param, call) verifies and resolves its callee.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"

#include <random>

using namespace mlir;
using namespace mlir::ternary;

namespace {
class OpsTest : public ::testing::Test {
protected:
  OpsTest() : builder(&context) {
    DialectRegistry registry;
    registerTernaryDialect(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    module = ModuleOp::create(UnknownLoc::get(&context));
    builder.setInsertionPointToEnd(module->getBody());
  }

  Location loc() { return UnknownLoc::get(&context); }

  Value tritConstant(ArrayRef<int64_t> shape, ArrayRef<int8_t> values) {
    auto type = RankedTensorType::get(shape, builder.getI8Type());
    return arith::ConstantOp::create(
        builder, loc(), DenseElementsAttr::get(type, values));
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
};

TEST_F(OpsTest, PackOfConstantFoldsToSeedBytes) {
  Value trits = tritConstant({6}, {1, -1, 0, 1, 0, -1});
  auto type = PackedTensorType::get(&context, {6});
  Value packed = builder.createOrFold<PackOp>(loc(), type, trits);
  auto constant = packed.getDefiningOp<ConstantOp>();
  ASSERT_TRUE(constant) << "pack of a constant must fold";
  SmallVector<uint8_t> storage;
  auto bytes = getPackedBytes(constant.getValue(), storage);
  ASSERT_TRUE(bytes);
  // codes 2,0,1,2 -> 0b10'01'00'10 = 0x92; codes 1,0 + padding 1,1 -> 0x51.
  EXPECT_EQ(std::vector<uint8_t>(bytes->begin(), bytes->end()),
            (std::vector<uint8_t>{0x92, 0x51}));
  EXPECT_TRUE(succeeded(verify(*module)));
}

TEST_F(OpsTest, PackOfNonTritConstantDoesNotFold) {
  Value trits = tritConstant({4}, {1, 2, 0, -1});
  auto type = PackedTensorType::get(&context, {4});
  Value packed = builder.createOrFold<PackOp>(loc(), type, trits);
  EXPECT_TRUE(packed.getDefiningOp<PackOp>())
      << "a value of 2 is not a trit: the pack must stay";
}

TEST_F(OpsTest, UnpackOfPackFoldsToOperand) {
  auto tritsType = RankedTensorType::get({4, 4}, builder.getI8Type());
  auto func = func::FuncOp::create(
      builder, loc(), "f", builder.getFunctionType({tritsType}, {}));
  Block *entry = func.addEntryBlock();
  OpBuilder body = OpBuilder::atBlockEnd(entry);
  Value arg = entry->getArgument(0);
  auto packedType = PackedTensorType::get(&context, {4, 4});
  Value packed = PackOp::create(body, loc(), packedType, arg);
  Value unpacked = body.createOrFold<UnpackOp>(loc(), tritsType, packed);
  EXPECT_EQ(unpacked, arg);
  func::ReturnOp::create(body, loc());
}

TEST_F(OpsTest, RelayoutOfConstantRepacks) {
  Value trits = tritConstant({2, 3}, {1, 0, -1, -1, 1, 0});
  auto offset2 = PackedTensorType::get(&context, {2, 3});
  Value packed = builder.createOrFold<PackOp>(loc(), offset2, trits);
  auto base3 = offset2.withLayout(LayoutAttr::get(&context, Encoding::base3, 1));
  Value relaid = builder.createOrFold<RelayoutOp>(loc(), base3, packed);
  auto constant = relaid.getDefiningOp<ConstantOp>();
  ASSERT_TRUE(constant);
  SmallVector<uint8_t> storage;
  auto bytes = getPackedBytes(constant.getValue(), storage);
  ASSERT_TRUE(bytes);
  // Rows along axis 1: [1, 0, -1] -> 2 + 1*3 + 0*9 + padding 1*27 + 1*81 = 113
  //                    [-1, 1, 0] -> 0 + 2*3 + 1*9 + 27 + 81 = 123
  EXPECT_EQ(std::vector<uint8_t>(bytes->begin(), bytes->end()),
            (std::vector<uint8_t>{113, 123}));
}

TEST_F(OpsTest, PackTritsMatchesRuntimeAlongEveryAxis) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> trit(-1, 1);
  SmallVector<int8_t> values(3 * 5 * 7);
  for (int8_t &v : values)
    v = static_cast<int8_t>(trit(rng));
  int64_t shape[] = {3, 5, 7};
  for (Encoding encoding : {Encoding::offset2, Encoding::base3}) {
    for (unsigned axis = 0; axis < 3; ++axis) {
      auto type = PackedTensorType::get(
          &context, shape, LayoutAttr::get(&context, encoding, axis));
      FailureOr<SmallVector<uint8_t>> bytes = packTrits(type, values);
      ASSERT_TRUE(succeeded(bytes));
      ASSERT_EQ(static_cast<int64_t>(bytes->size()), *type.getStorageBytes());
      std::vector<uint8_t> expected(*type.getStorageBytes());
      ASSERT_EQ(tri_pack_tensor(toRuntimeEncoding(encoding), values.data(),
                                shape, 3, axis, expected.data(), nullptr),
                TRI_OK);
      EXPECT_EQ(std::vector<uint8_t>(bytes->begin(), bytes->end()), expected);
      FailureOr<SmallVector<int8_t>> back = unpackTrits(type, *bytes);
      ASSERT_TRUE(succeeded(back));
      EXPECT_EQ(*back, values);
    }
  }
}

TEST_F(OpsTest, PackTritsRejectsWrongCountAndNonTrits) {
  auto type = PackedTensorType::get(&context, {4});
  EXPECT_TRUE(failed(packTrits(type, SmallVector<int8_t>{1, 0, -1})));
  EXPECT_TRUE(failed(packTrits(type, SmallVector<int8_t>{1, 0, -1, 3})));
  auto dynamic = PackedTensorType::get(&context, {ShapedType::kDynamic});
  EXPECT_TRUE(failed(packTrits(dynamic, SmallVector<int8_t>{1})));
}

TEST_F(OpsTest, UnpackTritsRejectsInvalidBytes) {
  auto type = PackedTensorType::get(&context, {6});
  EXPECT_TRUE(failed(unpackTrits(type, SmallVector<uint8_t>{0x92, 0xff})));
  // 0x11: padding codes 0b00 (-1) instead of 0b01 (zero).
  EXPECT_TRUE(failed(unpackTrits(type, SmallVector<uint8_t>{0x92, 0x11})));
  EXPECT_TRUE(failed(unpackTrits(type, SmallVector<uint8_t>{0x92})));
}

TEST_F(OpsTest, VerifyPackedBytesNamesTheBadByte) {
  auto type = PackedTensorType::get(&context, {6});
  auto bytesType = RankedTensorType::get(
      {2}, IntegerType::get(&context, 8, IntegerType::Unsigned));
  auto value = cast<ElementsAttr>(
      DenseElementsAttr::get(bytesType, ArrayRef<uint8_t>{0x92, 0xff}));
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(
      verifyPackedBytes([&] { return emitError(loc()); }, type, value)));
  EXPECT_EQ(message, "byte 1 (0xff) of '!ternary.packed<6>' is invalid: "
                     "packed byte holds an invalid code");
}

TEST_F(OpsTest, VerifyPackedBytesChecksCount) {
  auto type = PackedTensorType::get(&context, {784, 10});
  auto bytesType = RankedTensorType::get(
      {100}, IntegerType::get(&context, 8, IntegerType::Unsigned));
  auto value = cast<ElementsAttr>(DenseElementsAttr::get(
      bytesType, ArrayRef<uint8_t>(std::vector<uint8_t>(100, 0x55))));
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(
      verifyPackedBytes([&] { return emitError(loc()); }, type, value)));
  EXPECT_NE(message.find("needs 1960 bytes (10 rows of 196 bytes, offset2), "
                         "got 100"),
            std::string::npos)
      << message;
}

TEST_F(OpsTest, LargeConstantsUseDenseResources) {
  auto small = PackedTensorType::get(&context, {64, 16});   // 256 bytes
  auto large = PackedTensorType::get(&context, {784, 10});  // 1960 bytes
  ElementsAttr smallAttr =
      getPackedBytesAttr(small, std::vector<uint8_t>(256, 0x55));
  ElementsAttr largeAttr =
      getPackedBytesAttr(large, std::vector<uint8_t>(1960, 0x55));
  EXPECT_TRUE(isa<DenseElementsAttr>(smallAttr));
  EXPECT_TRUE(isa<DenseResourceElementsAttr>(largeAttr));
  SmallVector<uint8_t> storage;
  auto bytes = getPackedBytes(largeAttr, storage);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->size(), 1960u);
  EXPECT_TRUE(llvm::all_of(*bytes, [](uint8_t b) { return b == 0x55; }));
}

TEST_F(OpsTest, SplatBytesAreExpanded) {
  auto bytesType = RankedTensorType::get(
      {5}, IntegerType::get(&context, 8, IntegerType::Unsigned));
  auto splat = cast<ElementsAttr>(
      DenseElementsAttr::get(bytesType, ArrayRef<uint8_t>{0x55}));
  SmallVector<uint8_t> storage;
  auto bytes = getPackedBytes(splat, storage);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(std::vector<uint8_t>(bytes->begin(), bytes->end()),
            std::vector<uint8_t>(5, 0x55));
}

TEST_F(OpsTest, MaterializeConstantBuildsTernaryConstant) {
  auto type = PackedTensorType::get(&context, {4});
  ElementsAttr bytes = getPackedBytesAttr(type, std::vector<uint8_t>{0x55});
  auto *dialect = context.getLoadedDialect<TernaryDialect>();
  Operation *op = dialect->materializeConstant(builder, bytes, type, loc());
  ASSERT_TRUE(op);
  EXPECT_TRUE(isa<ConstantOp>(op));
  EXPECT_EQ(op->getResult(0).getType(), type);
}

TEST_F(OpsTest, ParsedNetworkVerifiesAndResolvesCallee) {
  const char *source = R"mlir(
    ternary.layer @Block {
      ternary.param @w : !ternary.packed<4x4> = dense<85> : tensor<4xui8>
      func.func @forward(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
        %w = ternary.get_param @w : !ternary.packed<4x4>
        %y = ternary.matmul %x, %w : tensor<1x4xf32>, !ternary.packed<4x4> -> tensor<1x4xf32>
        return %y : tensor<1x4xf32>
      }
    }
    ternary.layer @Net {
      func.func @forward(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
        %y = ternary.call @Block::@forward(%x) : (tensor<1x4xf32>) -> tensor<1x4xf32>
        return %y : tensor<1x4xf32>
      }
    }
  )mlir";
  OwningOpRef<ModuleOp> parsed = parseSourceString<ModuleOp>(source, &context);
  ASSERT_TRUE(parsed);
  ASSERT_TRUE(succeeded(verify(*parsed)));
  CallOp call;
  parsed->walk([&](CallOp op) { call = op; });
  ASSERT_TRUE(call);
  func::FuncOp callee = call.resolveCallee();
  ASSERT_TRUE(callee);
  EXPECT_EQ(callee->getParentOfType<LayerOp>().getSymName(), "Block");
  EXPECT_EQ(cast<SymbolRefAttr>(call.getCallableForCallee()),
            call.getCallee());
}

TEST_F(OpsTest, LayerBuilderCreatesEmptyBody) {
  auto layer = LayerOp::create(builder, loc(), "Empty");
  EXPECT_EQ(layer.getSymName(), "Empty");
  EXPECT_TRUE(layer.getBodyBlock().empty());
  EXPECT_TRUE(succeeded(verify(*module)));
}
} // namespace

//===- PackedTensorTypeTest.cpp - C++ API of the packed type and layout ---===//
//
// Proves the C++ API of `!ternary.packed` and `#ternary.layout`: construction,
// default layout, size arithmetic (rows, row bytes, storage bytes) for both
// encodings and dynamic dims, parsing and printing, and that invalid types are
// rejected through getChecked with the verifier's message.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::ternary;

namespace {
class PackedTensorTypeTest : public ::testing::Test {
protected:
  PackedTensorTypeTest() {
    DialectRegistry registry;
    registerTernaryDialect(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  std::string print(Type type) {
    std::string text;
    llvm::raw_string_ostream os(text);
    type.print(os);
    return text;
  }

  /// Tries to build a type through getChecked and returns the diagnostic.
  std::string checkedError(ArrayRef<int64_t> shape, LayoutAttr layout) {
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      message = diag.str();
      return success();
    });
    Type type = PackedTensorType::getChecked(
        [&] { return emitError(UnknownLoc::get(&context)); }, &context, shape,
        layout);
    EXPECT_FALSE(type) << "expected the type to be rejected";
    return message;
  }

  MLIRContext context;
};

TEST_F(PackedTensorTypeTest, DefaultLayoutIsOffset2AlongAxis0) {
  auto type = PackedTensorType::get(&context, {784, 10});
  EXPECT_EQ(type.getEncoding(), Encoding::offset2);
  EXPECT_EQ(type.getPackedAxis(), 0u);
  EXPECT_TRUE(type.getLayout().isDefault());
  EXPECT_EQ(type.getLayout(), LayoutAttr::getDefault(&context));
}

TEST_F(PackedTensorTypeTest, Offset2SizesFor784x10) {
  auto type = PackedTensorType::get(&context, {784, 10});
  EXPECT_EQ(type.getRank(), 2);
  EXPECT_EQ(type.getNumElements(), 7840);
  EXPECT_EQ(type.getNumRows(), 10);     // one row per output column
  EXPECT_EQ(type.getRowBytes(), 196);   // 784 / 4
  EXPECT_EQ(type.getStorageBytes(), 1960);
}

TEST_F(PackedTensorTypeTest, Base3SizesRoundUpRows) {
  auto layout = LayoutAttr::get(&context, Encoding::base3, 1);
  auto type = PackedTensorType::get(&context, {3, 11}, layout);
  EXPECT_EQ(type.getRowBytes(), 3);     // ceil(11 / 5)
  EXPECT_EQ(type.getNumRows(), 3);
  EXPECT_EQ(type.getStorageBytes(), 9);
  EXPECT_EQ(layout.getTritsPerByte(), 5u);
}

TEST_F(PackedTensorTypeTest, Offset2RowPaddingRoundsUp) {
  auto type = PackedTensorType::get(&context, {6});
  EXPECT_EQ(type.getRowBytes(), 2);     // the seed example: 6 trits, 2 bytes
  EXPECT_EQ(type.getStorageBytes(), 2);
  EXPECT_EQ(PackedTensorType::get(&context, {4}).getStorageBytes(), 1);
  EXPECT_EQ(PackedTensorType::get(&context, {5}).getStorageBytes(), 2);
}

TEST_F(PackedTensorTypeTest, DynamicDims) {
  int64_t dyn = ShapedType::kDynamic;
  auto batchDynamic = PackedTensorType::get(
      &context, {dyn, 64}, LayoutAttr::get(&context, Encoding::offset2, 1));
  EXPECT_FALSE(batchDynamic.hasStaticShape());
  EXPECT_TRUE(batchDynamic.isDynamicDim(0));
  EXPECT_EQ(batchDynamic.getRowBytes(), 16); // the packed dim is static
  EXPECT_EQ(batchDynamic.getNumRows(), std::nullopt);
  EXPECT_EQ(batchDynamic.getStorageBytes(), std::nullopt);
  EXPECT_EQ(batchDynamic.getNumElements(), std::nullopt);
  auto packedDynamic = PackedTensorType::get(&context, {dyn, 64});
  EXPECT_EQ(packedDynamic.getRowBytes(), std::nullopt);
  EXPECT_EQ(packedDynamic.getNumRows(), 64);
}

TEST_F(PackedTensorTypeTest, TritAndStorageTensorTypes) {
  auto type = PackedTensorType::get(&context, {784, 10});
  RankedTensorType trits = type.getTritTensorType();
  EXPECT_EQ(trits.getShape(), ArrayRef<int64_t>({784, 10}));
  EXPECT_TRUE(trits.getElementType().isSignlessInteger(8));
  RankedTensorType storage = type.getStorageTensorType();
  EXPECT_EQ(storage.getShape(), ArrayRef<int64_t>({1960}));
  EXPECT_TRUE(storage.getElementType().isUnsignedInteger(8));
  auto dynamic = PackedTensorType::get(&context, {ShapedType::kDynamic, 8});
  EXPECT_TRUE(dynamic.getStorageTensorType().isDynamicDim(0));
}

TEST_F(PackedTensorTypeTest, WithLayoutKeepsShape) {
  auto type = PackedTensorType::get(&context, {8, 16});
  auto base3 = LayoutAttr::get(&context, Encoding::base3, 1);
  PackedTensorType other = type.withLayout(base3);
  EXPECT_EQ(other.getShape(), type.getShape());
  EXPECT_EQ(other.getLayout(), base3);
  EXPECT_NE(other, type);
  EXPECT_EQ(other.getStorageBytes(), 8 * 4); // ceil(16 / 5) = 4 per row
}

TEST_F(PackedTensorTypeTest, TypesAreUniqued) {
  EXPECT_EQ(PackedTensorType::get(&context, {2, 3}),
            PackedTensorType::get(&context, {2, 3},
                                  LayoutAttr::getDefault(&context)));
  EXPECT_NE(PackedTensorType::get(&context, {2, 3}),
            PackedTensorType::get(&context, {3, 2}));
}

TEST_F(PackedTensorTypeTest, PrintElidesDefaultLayout) {
  EXPECT_EQ(print(PackedTensorType::get(&context, {784, 10})),
            "!ternary.packed<784x10>");
  auto layout = LayoutAttr::get(&context, Encoding::base3, 1);
  EXPECT_EQ(print(PackedTensorType::get(
                &context, {ShapedType::kDynamic, 64}, layout)),
            "!ternary.packed<?x64, #ternary.layout<base3, axis = 1>>");
}

TEST_F(PackedTensorTypeTest, ParseRoundTrip) {
  for (StringRef text :
       {"!ternary.packed<784x10>", "!ternary.packed<6>",
        "!ternary.packed<?x64, #ternary.layout<base3, axis = 1>>",
        "!ternary.packed<2x3x4, #ternary.layout<offset2, axis = 2>>"}) {
    Type type = parseType(text, &context);
    ASSERT_TRUE(type) << text.str();
    EXPECT_TRUE(isa<PackedTensorType>(type));
    EXPECT_EQ(print(type), text.str());
  }
}

TEST_F(PackedTensorTypeTest, ParseExplicitDefaultLayoutEqualsShortForm) {
  Type longForm = parseType(
      "!ternary.packed<4x4, #ternary.layout<offset2, axis = 0>>", &context);
  Type shortForm = parseType("!ternary.packed<4x4>", &context);
  ASSERT_TRUE(longForm && shortForm);
  EXPECT_EQ(longForm, shortForm);
}

TEST_F(PackedTensorTypeTest, LayoutAttrParseAndPrint) {
  Attribute attr =
      parseAttribute("#ternary.layout<base3, axis = 2>", &context);
  auto layout = dyn_cast_or_null<LayoutAttr>(attr);
  ASSERT_TRUE(layout);
  EXPECT_EQ(layout.getEncoding(), Encoding::base3);
  EXPECT_EQ(layout.getAxis(), 2u);
  EXPECT_FALSE(layout.isDefault());
  EXPECT_EQ(LayoutAttr::getDefault(&context).getTritsPerByte(), 4u);
}

TEST_F(PackedTensorTypeTest, RejectsRankZero) {
  EXPECT_EQ(checkedError({}, LayoutAttr::getDefault(&context)),
            "packed tensor must have rank >= 1");
}

TEST_F(PackedTensorTypeTest, RejectsAxisOutOfRange) {
  EXPECT_EQ(checkedError({4, 4}, LayoutAttr::get(&context, Encoding::offset2,
                                                 2)),
            "packed axis 2 is out of range for a rank-2 tensor");
}

TEST_F(PackedTensorTypeTest, RejectsNegativeDim) {
  EXPECT_EQ(checkedError({4, -3}, LayoutAttr::getDefault(&context)),
            "dimension 1 of a packed tensor must be non-negative or dynamic "
            "('?'), got -3");
}

TEST_F(PackedTensorTypeTest, NullLayoutMeansDefaultButVerifierRejectsIt) {
  // The builders substitute the default layout for a null one ...
  auto type = PackedTensorType::get(&context, {4, 4}, LayoutAttr());
  EXPECT_TRUE(type.getLayout().isDefault());
  // ... and the verifier rejects storage without a layout.
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(PackedTensorType::verify(
      [&] { return emitError(UnknownLoc::get(&context)); }, {4, 4},
      LayoutAttr())));
  EXPECT_EQ(message, "packed tensor needs a layout");
}

TEST_F(PackedTensorTypeTest, EnumStringsRoundTrip) {
  EXPECT_EQ(stringifyEncoding(Encoding::offset2), "offset2");
  EXPECT_EQ(symbolizeEncoding("base3"), Encoding::base3);
  EXPECT_EQ(symbolizeEncoding("base4"), std::nullopt);
  EXPECT_EQ(symbolizeQuantMethod("absmean"), QuantMethod::absmean);
  EXPECT_EQ(stringifyQuantMethod(QuantMethod::stochastic), "stochastic");
}

TEST_F(PackedTensorTypeTest, RuntimeEncodingMapping) {
  EXPECT_EQ(toRuntimeEncoding(Encoding::offset2), TRI_ENCODING_OFFSET2);
  EXPECT_EQ(toRuntimeEncoding(Encoding::base3), TRI_ENCODING_BASE3);
}
} // namespace

//===- ACALSimEmitter.cpp - The files of a --target=acalsim directory -----===//
//
// The program itself is printed by mlir::emitc::translateToCpp: {name}.c
// from the EmitC module, {name}.h from declarations of its entry points.
// Its constant globals (weights, packed 2 bits a trit, and float params)
// become extern declarations; their bytes go to {name}_weights.bin, which
// {name}_weights.c includes with .incbin into the .acalsim_weights section.
// The rest is the runtime (runtime/acalsim, embedded at build time), a
// linker script, a Makefile, a main that runs the last entry point on
// {name}_input.bin and prints its outputs, and that input.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Target/ACALSim/ACALSimTarget.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Target/Cpp/CppEmitter.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace tritondsl;

namespace {
#include "kACALSimBoardHeader.inc"
#include "kACALSimBoardSource.inc"
#include "kACALSimHeader.inc"
#include "kACALSimLinkerScript.inc"
#include "kACALSimSource.inc"
#include "kACALSimStart.inc"
#include "kTernaryPackingHeader.inc"
#include "kTernaryPackingSource.inc"

/// Alignment of every blob in {name}_weights.bin and {name}_input.bin.
constexpr size_t kBlobAlignment = 16;


/// The bytes of a constant's initial value.
FailureOr<std::string> getBytes(emitc::GlobalOp global, Attribute value) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return global.emitError("the weights blob of @")
             << global.getSymName() << " is not loaded";
    ArrayRef<char> data = blob->getData();
    return std::string(data.begin(), data.end());
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense || dense.getElementType().getIntOrFloatBitWidth() % 8 != 0)
    return global.emitError("cannot write the initial value of @")
           << global.getSymName() << " as bytes";
  ArrayRef<char> raw = dense.getRawData();
  if (!dense.isSplat())
    return std::string(raw.begin(), raw.end());
  std::string bytes;
  for (int64_t i = 0, e = dense.getNumElements(); i < e; ++i)
    bytes.append(raw.begin(), raw.end());
  return bytes;
}

void padTo(std::string &bytes, size_t alignment) {
  while (bytes.size() % alignment)
    bytes.push_back('\0');
}

/// The C type of an element type.
FailureOr<StringRef> getCType(Type type) {
  if (type.isF32())
    return StringRef("float");
  if (type.isF64())
    return StringRef("double");
  if (auto integer = dyn_cast<IntegerType>(type)) {
    switch (integer.getWidth()) {
    case 1:
      return StringRef("bool");
    case 8:
      return StringRef(integer.isUnsigned() ? "uint8_t" : "int8_t");
    case 16:
      return StringRef(integer.isUnsigned() ? "uint16_t" : "int16_t");
    case 32:
      return StringRef(integer.isUnsigned() ? "uint32_t" : "int32_t");
    case 64:
      return StringRef(integer.isUnsigned() ? "uint64_t" : "int64_t");
    }
  }
  return failure();
}

std::string getDTypeName(Type type) {
  std::string name;
  llvm::raw_string_ostream os(name);
  type.print(os);
  return name;
}

std::string getShapeText(ArrayRef<int64_t> shape, StringRef separator) {
  std::string text;
  for (int64_t dim : shape) {
    if (!text.empty())
      text += separator;
    text += std::to_string(dim);
  }
  return text.empty() ? "1" : text;
}

/// One argument of the entry point main runs: an array, a pointer to one
/// value (a rank-0 tensor) or one value (a scalar argument, `s: f32`).
struct EntryArgument {
  Type element;
  ArrayRef<int64_t> shape;
  bool scalar, byValue;
  StringRef cType;
  int64_t elements;
  size_t bytes;
};

/// A deterministic input: values in [-1, 1] for floats, [-8, 8] for
/// integers (the same formula for every run of the compiler).
std::string makeInput(const EntryArgument &argument) {
  std::string bytes;
  Type element = argument.element;
  for (int64_t i = 0; i < argument.elements; ++i) {
    int64_t step = (i * 37 + 11) % 17 - 8;
    if (element.isF32()) {
      float value = static_cast<float>(step) / 8.0f;
      bytes.append(reinterpret_cast<const char *>(&value), sizeof(value));
    } else if (element.isF64()) {
      double value = static_cast<double>(step) / 8.0;
      bytes.append(reinterpret_cast<const char *>(&value), sizeof(value));
    } else {
      unsigned width = llvm::divideCeil(element.getIntOrFloatBitWidth(), 8);
      for (unsigned byte = 0; byte < width; ++byte)
        bytes.push_back(static_cast<char>(
            (static_cast<uint64_t>(step) >> (8 * byte)) & 0xff));
    }
  }
  return bytes;
}

std::string makeMakefile(StringRef name, StringRef offload) {
  return llvm::formatv(R"(# Makefile of the --target=acalsim program '{0}' (offload={1}).
# Generated by tritonc; docs/targets/acalsim.md.
#
#   make                      build {0}.elf with $(CROSS_COMPILE)gcc
#   make run HARNESS=DIR      run it in QEMU with the device-emulating test
#                             harness of DIR (the repository's runtime/acalsim)
#   make size                 code and weight bytes of the ELF

NAME := {0}
CROSS_COMPILE ?= riscv64-unknown-elf-
CC := $(CROSS_COMPILE)gcc
SIZE := $(CROSS_COMPILE)size
QEMU ?= qemu-system-riscv64
QEMU_FLAGS ?= -machine virt -bios none -nographic -m 128M

ARCH_FLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany
OPT ?= -O2
CFLAGS := $(ARCH_FLAGS) $(OPT) -std=gnu11 -ffreestanding -ffp-contract=off \
          -fno-math-errno -Wall -Wno-unused-variable -Wno-unused-but-set-variable \
          -I. --specs=picolibc.specs $(EXTRA_CFLAGS)
LDFLAGS := -nostartfiles -T $(NAME).ld -Wl,--no-warn-rwx-segments -Wl,--gc-sections

SOURCES := $(NAME).c $(NAME)_weights.c main.c acalsim.c acalsim_board.c \
           ternary_packing.c start.S

# The test harness: a trap handler that emulates the ACALSim devices on a
# QEMU without them (kept out of the program's own sources).
HARNESS ?=
HARNESS_CFLAGS ?=
ifneq ($(HARNESS),)
HARNESS_SOURCES := $(HARNESS)/qemu/acalsim_harness.c $(HARNESS)/acalsim_model.c
CFLAGS += -I$(HARNESS) $(HARNESS_CFLAGS)
endif

.PHONY: all run size clean
all: $(NAME).elf

$(NAME).elf: $(SOURCES) $(HARNESS_SOURCES) $(NAME).h acalsim.h acalsim_board.h \
             ternary_packing.h $(NAME).ld $(NAME)_weights.bin $(NAME)_input.bin
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(SOURCES) $(HARNESS_SOURCES) -lm

run: $(NAME).elf
	$(QEMU) $(QEMU_FLAGS) -kernel $(NAME).elf

size: $(NAME).elf
	$(SIZE) -A $(NAME).elf

clean:
	rm -f $(NAME).elf
)",
                       name, offload)
      .str();
}

std::string incbinSymbol(StringRef symbol, StringRef file, size_t offset,
                         size_t size) {
  return llvm::formatv("    \".balign {0}\\n.globl {1}\\n.type {1}, "
                       "@object\\n.size {1}, {4}\\n{1}:\\n.incbin "
                       "\\\"{2}\\\", {3}, {4}\\n\"\n",
                       kBlobAlignment, symbol, file, offset, size)
      .str();
}
} // namespace

LogicalResult tritondsl::emitACALSimDirectory(
    ModuleOp module, StringRef offload,
    SmallVectorImpl<TargetFile> &files) {
  // The emitter prints what the pipeline made: EmitC only.
  WalkResult notEmitC = module.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == module.getOperation() || isa<emitc::EmitCDialect>(op->getDialect()))
      return WalkResult::advance();
    op->emitError("the ACALSim emitter prints the EmitC module of the "
                  "--target=acalsim pipeline (tritonc --target=acalsim "
                  "--emit=emitc-mlir); found '")
        << op->getName() << "'";
    return WalkResult::interrupt();
  });
  if (notEmitC.wasInterrupted())
    return failure();
  std::string name = getProgramName(module);
  SymbolTable symbols(module);

  // Weights: every initialized constant global.
  std::string weightsBin;
  std::string weightsSymbols;
  llvm::json::Array weightsManifest;
  unsigned weightIndex = 0;
  SmallVector<emitc::GlobalOp> globals(module.getOps<emitc::GlobalOp>());
  for (emitc::GlobalOp global : globals) {
    std::optional<Attribute> value = global.getInitialValue();
    auto array = dyn_cast<emitc::ArrayType>(global.getType());
    // Scalars (a 0-D param, a scale) stay in the C source.
    if (!value || !global.getConstSpecifier() || !array)
      continue;
    FailureOr<std::string> bytes = getBytes(global, *value);
    if (failed(bytes))
      return failure();
    std::string symbol =
        llvm::formatv("{0}_weight_{1}", name, weightIndex++).str();
    if (failed(symbols.rename(global, symbol)))
      return global.emitError("cannot rename @") << global.getSymName();
    global.removeInitialValueAttr();
    global.setStaticSpecifier(false);
    global.setExternSpecifier(true);
    padTo(weightsBin, kBlobAlignment);
    weightsManifest.push_back(llvm::json::Object{
        {"symbol", symbol},
        {"dtype", getDTypeName(array.getElementType())},
        {"shape", llvm::json::Array(array.getShape())},
        {"offset", static_cast<int64_t>(weightsBin.size())},
        {"bytes", static_cast<int64_t>(bytes->size())}});
    weightsSymbols += incbinSymbol(symbol, name + "_weights.bin",
                                   weightsBin.size(), bytes->size());
    weightsBin += *bytes;
  }

  // The entry points: public functions that return the status.
  SmallVector<emitc::FuncOp> entries;
  for (auto func : module.getOps<emitc::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      entries.push_back(func);
  if (entries.empty())
    return module.emitError("the ACALSim target found no entry point (a "
                            "public function) to emit");
  auto inputCounts =
      module->getAttrOfType<DictionaryAttr>("acalsim.entry_inputs");

  std::string source;
  {
    llvm::raw_string_ostream os(source);
    os << "// " << name << ".c: generated by tritonc --target=acalsim "
       << "(offload=" << offload << ") through EmitC. Do not edit.\n";
    if (failed(emitc::translateToCpp(module, os)))
      return failure();
  }

  // The header: declarations of the entry points, printed the same way.
  std::string header;
  {
    OpBuilder b(module.getContext());
    OwningOpRef<ModuleOp> declarations = ModuleOp::create(module.getLoc());
    b.setInsertionPointToEnd(declarations->getBody());
    emitc::IncludeOp::create(b, module.getLoc(), "stdbool.h", true);
    emitc::IncludeOp::create(b, module.getLoc(), "stdint.h", true);
    for (emitc::FuncOp entry : entries) {
      auto declaration = cast<emitc::FuncOp>(b.clone(*entry));
      declaration.getBody().getBlocks().clear();
      declaration.setSpecifiersAttr(b.getStrArrayAttr({"extern"}));
    }
    std::string guard = StringRef(name).upper() + "_H";
    llvm::raw_string_ostream os(header);
    os << "// " << name << ".h: the entry points of " << name
       << ".c. Each returns 0 or an acalsim_status (acalsim.h).\n"
       << "#ifndef " << guard << "\n#define " << guard << "\n";
    if (failed(emitc::translateToCpp(*declarations, os)))
      return failure();
    os << "#endif // " << guard << "\n";
  }

  // main: the last entry point, on {name}_input.bin.
  emitc::FuncOp entry = entries.back();
  ArrayRef<Type> argumentTypes = entry.getFunctionType().getInputs();
  int64_t inputCount = argumentTypes.size();
  if (inputCounts)
    if (auto count = inputCounts.getAs<IntegerAttr>(entry.getSymName()))
      inputCount = count.getInt();
  SmallVector<EntryArgument> arguments;
  for (Type type : argumentTypes) {
    EntryArgument argument{};
    if (auto array = dyn_cast<emitc::ArrayType>(type)) {
      argument.element = array.getElementType();
      argument.shape = array.getShape();
      argument.elements = array.getNumElements();
    } else if (auto pointer = dyn_cast<emitc::PointerType>(type)) {
      argument.element = pointer.getPointee();
      argument.scalar = true;
      argument.elements = 1;
    } else if (type.isIntOrFloat()) {
      argument.element = type;
      argument.scalar = argument.byValue = true;
      argument.elements = 1;
    }
    FailureOr<StringRef> cType = failure();
    if (argument.element)
      cType = getCType(argument.element);
    if (failed(cType))
      return entry.emitError("main cannot pass an argument of type ")
             << type << " to @" << entry.getSymName();
    argument.cType = *cType;
    argument.bytes =
        static_cast<size_t>(argument.elements) *
        llvm::divideCeil(argument.element.getIntOrFloatBitWidth(), 8);
    arguments.push_back(argument);
  }
  std::string inputBin;
  std::string mainSource = llvm::formatv(
      R"(// main.c: runs {0} of {1}.c on {1}_input.bin (generated by tritonc
// --target=acalsim). Prints each output as `output I DTYPE SHAPE` and one
// value a line: the bits of a float in hex, integers in decimal, then
// `acalsim: instret N` (minstret around the call); a failing run prints
// `acalsim: error STATUS MESSAGE` instead and exits with 1.
#include "acalsim.h"
#include "acalsim_board.h"
#include "{1}.h"

#include <stddef.h>
#include <stdint.h>

__asm__(".section .rodata.acalsim_input, \"a\"\n"
)",
      entry.getSymName(), name);
  std::string declarations, copies, printing, callArguments;
  llvm::json::Array inputsManifest, outputsManifest, paramsManifest;
  size_t inputOffset = 0;
  for (auto [index, argument] : llvm::enumerate(arguments)) {
    std::string variable = llvm::formatv("argument{0}", index).str();
    std::string dims;
    for (int64_t dim : argument.shape)
      dims += "[" + std::to_string(dim) + "]";
    declarations += llvm::formatv("static {0} {1}{2};\n", argument.cType,
                                  variable, dims);
    // Where its bytes are; a rank-0 tensor is passed by address.
    std::string address = (argument.scalar ? "&" : "") + variable;
    callArguments +=
        (index ? ", " : "") + (argument.byValue ? variable : address);
    if (Attribute param = entry.getArgAttr(index, "ternary.param")) {
      // A param without a value (no --weights): zero bytes (packed
      // weights: every trit -1), so that the program runs at all.
      std::string paramName;
      if (auto ref = dyn_cast<SymbolRefAttr>(param)) {
        paramName = ref.getRootReference().str();
        for (FlatSymbolRefAttr nested : ref.getNestedReferences())
          paramName += "." + nested.getValue().str();
      }
      paramsManifest.push_back(llvm::json::Object{
          {"param", paramName},
          {"dtype", getDTypeName(argument.element)},
          {"shape", llvm::json::Array(argument.shape)}});
      continue;
    }
    if (static_cast<int64_t>(index) < inputCount) {
      padTo(inputBin, kBlobAlignment);
      inputOffset = inputBin.size();
      inputBin += makeInput(argument);
      inputsManifest.push_back(llvm::json::Object{
          {"dtype", getDTypeName(argument.element)},
          {"shape", llvm::json::Array(argument.shape)},
          {"offset", static_cast<int64_t>(inputOffset)},
          {"bytes", static_cast<int64_t>(argument.bytes)}});
      std::string symbol = llvm::formatv("{0}_input{1}", name, index).str();
      mainSource += incbinSymbol(symbol, name + "_input.bin", inputOffset,
                                 argument.bytes);
      declarations +=
          llvm::formatv("extern const uint8_t {0}[{1}];\n", symbol,
                        argument.bytes);
      copies += llvm::formatv(
          "  for (size_t i = 0; i < {0}; ++i)\n"
          "    ((uint8_t *){1})[i] = {2}[i];\n",
          argument.bytes, address, symbol);
      continue;
    }
    Type element = argument.element;
    bool isFloat = element.isF32();
    outputsManifest.push_back(llvm::json::Object{
        {"dtype", getDTypeName(element)},
        {"shape", llvm::json::Array(argument.shape)}});
    printing += llvm::formatv(
        "  acalsim_puts(\"output {0} {1} {2}\\n\");\n"
        "  for (size_t i = 0; i < {3}; ++i) {{\n",
        index - inputCount, getDTypeName(element),
        getShapeText(argument.shape, "x"), argument.elements);
    if (isFloat)
      printing += llvm::formatv(
          "    acalsim_put_hex32(((const uint32_t *){0})[i]);\n", address);
    else
      printing += llvm::formatv(
          "    acalsim_put_dec((int64_t)((const {0} *){1})[i]);\n",
          argument.cType, address);
    printing += "    acalsim_putc('\\n');\n  }\n";
  }
  mainSource += "    \".previous\\n\");\n\n" + declarations;
  mainSource += llvm::formatv(R"(
int main(void) {{
{0}  acalsim_puts("acalsim: run {1} offload={3}\n");
  uint64_t start = acalsim_instret();
  int32_t status = {1}({2});
  uint64_t retired = acalsim_instret() - start;
  if (status != 0) {{
    acalsim_puts("acalsim: error ");
    acalsim_put_dec(status);
    acalsim_puts(" ");
    acalsim_puts(acalsim_status_message(status));
    acalsim_puts("\n");
    return 1;
  }
{4}  acalsim_puts("acalsim: instret ");
  acalsim_put_dec((int64_t)retired);
  acalsim_puts("\nacalsim: done\n");
  return 0;
}
)",
                              copies, entry.getSymName(), callArguments,
                              offload, printing)
                    .str();

  std::string weightsSource =
      llvm::formatv("// {0}_weights.c: the constants of {0}.c (packed "
                    "ternary weights, 2 bits a\n// trit, and float params), "
                    "from {0}_weights.bin byte for byte (generated by\n"
                    "// tritonc --target=acalsim). Editing the .bin changes "
                    "the program's weights.\n__asm__(\".section "
                    ".acalsim_weights, \\\"a\\\"\\n\"\n{1}    "
                    "\".previous\\n\");\n",
                    name, weightsSymbols)
          .str();

  auto add = [&](std::string fileName, std::string contents) {
    files.push_back({std::move(fileName), std::move(contents)});
  };
  add(name + ".c", std::move(source));
  add(name + ".h", std::move(header));
  add(name + "_weights.c", std::move(weightsSource));
  add(name + "_weights.bin", std::move(weightsBin));
  add(name + "_input.bin", std::move(inputBin));
  add(name + ".ld", kACALSimLinkerScript.str());
  add("main.c", std::move(mainSource));
  add("start.S", kACALSimStart.str());
  add("acalsim.h", kACALSimHeader.str());
  add("acalsim.c", kACALSimSource.str());
  add("acalsim_board.h", kACALSimBoardHeader.str());
  add("acalsim_board.c", kACALSimBoardSource.str());
  add("ternary_packing.h", kTernaryPackingHeader.str());
  add("ternary_packing.c", kTernaryPackingSource.str());
  add("Makefile", makeMakefile(name, offload));
  // What a runner needs (triton_dsl.acalsim): the entry main runs, the
  // layout of {name}_input.bin, the outputs main prints, the weights.
  llvm::json::Object manifest{
      {"version", 1},
      {"name", name},
      {"entry", entry.getSymName()},
      {"offload", offload},
      {"elf", name + ".elf"},
      {"input_file", name + "_input.bin"},
      {"weights_file", name + "_weights.bin"},
      {"inputs", std::move(inputsManifest)},
      {"outputs", std::move(outputsManifest)},
      {"weights", std::move(weightsManifest)},
      {"unbound_params", std::move(paramsManifest)}};
  std::string manifestText;
  llvm::raw_string_ostream manifestStream(manifestText);
  manifestStream << llvm::formatv("{0:2}",
                                  llvm::json::Value(std::move(manifest)))
                 << "\n";
  add(name + ".json", std::move(manifestText));
  return success();
}

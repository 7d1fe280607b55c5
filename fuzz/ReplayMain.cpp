//===- ReplayMain.cpp - Run the fuzz target on files, without libFuzzer ---===//
//
// `tri-fuzz-replay FILE...` feeds each file to LLVMFuzzerTestOneInput, so
// that the fuzz target builds and runs with any compiler (the lit suite runs
// it on the seed corpus) and a crash found by the fuzzer can be replayed in
// an ordinary build.
//
//===----------------------------------------------------------------------===//
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    auto file = llvm::MemoryBuffer::getFile(argv[i], /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
    if (!file) {
      llvm::errs() << "tri-fuzz-replay: cannot read '" << argv[i] << "'\n";
      return 1;
    }
    LLVMFuzzerTestOneInput(
        reinterpret_cast<const uint8_t *>((*file)->getBufferStart()),
        (*file)->getBufferSize());
  }
  llvm::outs() << "replayed " << (argc - 1) << " inputs\n";
  return 0;
}

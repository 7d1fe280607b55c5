//===- PassCounters.h - Pass statistics in every LLVM build -----*- C++ -*-===//
//
// MLIR's Pass::Statistic derives from llvm::Statistic, which is a no-op in
// LLVM builds without statistics: Debian's release libMLIR prints an empty
// "Pass statistics report" for -mlir-pass-statistics, for upstream passes
// and ours alike. Our passes count what they change with PassCounter
// instead, and addPassCounterReport() prints those counts in the same
// format when the pass manager is destroyed. triton-opt installs the report
// when it is given -mlir-pass-statistics; tritonc can do the same.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_SUPPORT_PASSCOUNTERS_H
#define TRITONDSL_SUPPORT_PASSCOUNTERS_H

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallVector.h"

#include <atomic>
#include <cstdint>
#include "tritondsl/Support/LLVM.h"

namespace tritondsl {

/// One statistic of a pass: a name (e.g. `folded-ops`), a description and a
/// count. A copy (a pass cloned for another thread) starts from zero.
class PassCounter {
public:
  PassCounter(const char *name, const char *description)
      : name(name), description(description) {}
  PassCounter(const PassCounter &other)
      : name(other.name), description(other.description) {}
  PassCounter &operator=(const PassCounter &) = delete;

  PassCounter &operator++() {
    ++value;
    return *this;
  }
  PassCounter &operator+=(uint64_t amount) {
    value += amount;
    return *this;
  }
  const char *getName() const { return name; }
  const char *getDescription() const { return description; }
  /// The count since the last take(), and resets it.
  uint64_t take() { return value.exchange(0); }

private:
  const char *name;
  const char *description;
  std::atomic<uint64_t> value{0};
};

/// Implemented by passes that have counters, in declaration order.
class CountingPass {
public:
  virtual ~CountingPass() = default;
  virtual llvm::SmallVector<PassCounter *> getCounters() = 0;
};

/// Adds an instrumentation to `pm` that sums the counters of every counting
/// pass it runs and prints them (pass argument, then `(S) value name -
/// description` lines) to stderr when the pass manager is destroyed.
void addPassCounterReport(PassManager &pm);

/// Whether the command line asks for pass statistics
/// (`-mlir-pass-statistics`), for tools that install the report themselves.
bool commandLineRequestsPassStatistics(int argc, char **argv);

} // namespace tritondsl

#endif // TRITONDSL_SUPPORT_PASSCOUNTERS_H

//===- PassCounters.cpp - Pass statistics in every LLVM build -------------===//
#include "tritondsl/Support/PassCounters.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <mutex>
#include <string>

using namespace mlir;
using namespace tritondsl;

namespace {

class PassCounterReport : public PassInstrumentation {
public:
  ~PassCounterReport() override { print(llvm::errs()); }

  void runAfterPass(Pass *pass, Operation *) override { collect(pass); }
  void runAfterPassFailed(Pass *pass, Operation *) override { collect(pass); }

private:
  struct Count {
    std::string description;
    uint64_t value = 0;
  };

  void collect(Pass *pass) {
    auto *counting = dynamic_cast<CountingPass *>(pass);
    if (!counting)
      return;
    std::lock_guard<std::mutex> lock(mutex);
    auto &counts = report[pass->getArgument()];
    for (PassCounter *counter : counting->getCounters()) {
      Count &count = counts[counter->getName()];
      count.description = counter->getDescription();
      count.value += counter->take();
    }
  }

  void print(llvm::raw_ostream &os) {
    if (report.empty())
      return;
    os << "===" << std::string(73, '-') << "===\n"
       << "                 ... Pass statistics report (ternary passes) ...\n"
       << "===" << std::string(73, '-') << "===\n";
    for (auto &[pass, counts] : report) {
      os << pass << "\n";
      for (auto &[name, count] : counts)
        os << "  (S) " << count.value << " " << name << " - "
           << count.description << "\n";
    }
    os.flush();
  }

  std::mutex mutex;
  llvm::MapVector<llvm::StringRef, llvm::MapVector<llvm::StringRef, Count>>
      report;
};

} // namespace

void tritondsl::addPassCounterReport(PassManager &pm) {
  pm.addInstrumentation(std::make_unique<PassCounterReport>());
}

bool tritondsl::commandLineRequestsPassStatistics(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if (!arg.consume_front("--"))
      arg.consume_front("-");
    if (arg == "mlir-pass-statistics" || arg == "mlir-pass-statistics=true" ||
        arg == "mlir-pass-statistics=1")
      return true;
  }
  return false;
}

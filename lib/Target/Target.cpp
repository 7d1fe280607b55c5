//===- Target.cpp - The registry of code generation targets ---------------===//
#include "tritondsl/Target/Target.h"

#include "mlir/InitAllDialects.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <mutex>

using namespace mlir;
using namespace tritondsl;

TargetBackend::~TargetBackend() = default;

void TargetBackend::buildPipeline(OpPassManager &,
                                  const TargetOptions &) const {}

ternary::LayoutAttr
TargetBackend::getWeightLayout(MLIRContext *context) const {
  return ternary::LayoutAttr::get(context, getWeightEncoding(), /*axis=*/0);
}

const TargetOutputKind *
TargetBackend::lookupOutputKind(llvm::StringRef emit) const {
  ArrayRef<TargetOutputKind> kinds = getOutputKinds();
  if (emit.empty())
    return kinds.empty() ? nullptr : &kinds.front();
  for (const TargetOutputKind &kind : kinds)
    if (kind.name == emit)
      return &kind;
  return nullptr;
}

namespace {
/// The targets by name. Registration happens at tool start-up and when the
/// Python module is imported; look-ups may come from any thread.
struct Registry {
  std::mutex mutex;
  llvm::StringMap<std::unique_ptr<TargetBackend>> targets;
};
} // namespace

static Registry &getRegistry() {
  static Registry registry;
  return registry;
}

void tritondsl::registerTarget(std::unique_ptr<TargetBackend> target) {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  llvm::StringRef name = target->getName();
  registry.targets.try_emplace(name, std::move(target));
}

const TargetBackend *tritondsl::lookupTarget(llvm::StringRef name) {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  auto it = registry.targets.find(name);
  return it == registry.targets.end() ? nullptr : it->second.get();
}

SmallVector<const TargetBackend *> tritondsl::getRegisteredTargets() {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  SmallVector<const TargetBackend *> targets;
  for (auto &entry : registry.targets)
    targets.push_back(entry.second.get());
  llvm::sort(targets, [](const TargetBackend *a, const TargetBackend *b) {
    return a->getName() < b->getName();
  });
  return targets;
}

std::string tritondsl::getKnownTargetNames() {
  std::string names;
  for (const TargetBackend *target : getRegisteredTargets()) {
    if (!names.empty())
      names += ", ";
    names += target->getName();
  }
  return names.empty() ? "none registered" : names;
}

std::string tritondsl::getUnknownTargetMessage(llvm::StringRef name) {
  return ("unknown target '" + name + "' (known targets: " +
          getKnownTargetNames() + ")")
      .str();
}

llvm::cl::OptionCategory &tritondsl::getTargetOptionCategory() {
  static llvm::cl::OptionCategory category("target options");
  return category;
}

void tritondsl::registerTargetTranslations() {
  static llvm::cl::opt<unsigned> optLevel(
      "target-opt-level",
      llvm::cl::desc("The optimization level of the --to-<target> emitters "
                     "(0..2, default 2; the CPU object's LLVM level)"),
      llvm::cl::init(2));
  for (const TargetBackend *target : getRegisteredTargets()) {
    // The registry owns the names; translations keep StringRefs to them.
    static llvm::StringMap<std::string> *names =
        new llvm::StringMap<std::string>();
    std::string &name = (*names)[target->getName()];
    name = ("to-" + target->getName()).str();
    std::string &description = (*names)["description " + name];
    description =
        (target->getDescription() + " (the --target=" + target->getName() +
         " emitter, on IR after its pipeline)")
            .str();
    TranslateFromMLIRRegistration registration(
        name, description,
        [target](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
          auto module = dyn_cast<ModuleOp>(op);
          if (!module)
            return op->emitError("expected a builtin.module");
          if (optLevel > 2)
            return module.emitError("--target-opt-level must be 0, 1 or 2, "
                                    "got ")
                   << optLevel.getValue();
          TargetOptions options;
          options.optLevel = optLevel;
          SmallVector<TargetFile> files;
          if (failed(target->emit(module, options, files)))
            return failure();
          if (files.size() != 1 || !files.front().name.empty())
            return module.emitError("target '")
                   << target->getName()
                   << "' writes several files; use tritonc -o DIR";
          os << files.front().contents;
          return success();
        },
        [](DialectRegistry &registry) {
          registerAllDialects(registry);
          ternary::registerTernaryDialect(registry);
        });
  }
}

/// A C identifier made of `text`, or empty when it would start with a digit.
static std::string toIdentifier(llvm::StringRef text) {
  std::string name;
  for (char c : text) {
    if (llvm::isAlnum(c))
      name += llvm::toLower(c);
    else if (!name.empty() && name.back() != '_')
      name += '_';
  }
  while (!name.empty() && name.back() == '_')
    name.pop_back();
  if (name.empty() || llvm::isDigit(name.front()))
    return {};
  return name;
}

std::string tritondsl::getProgramName(ModuleOp module) {
  std::string name;
  module.walk([&](Operation *op) {
    if (auto loc = dyn_cast<FileLineColLoc>(op->getLoc())) {
      name = toIdentifier(llvm::sys::path::stem(loc.getFilename().getValue()));
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name.empty() ? "model" : name;
}

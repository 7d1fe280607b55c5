//===- Builtins.cpp - The table of builtin functions ----------------------===//
//
// Builds the table from Builtins.def once, in its order (which Builtin's
// enumerators follow too, so a builtin's entry is found by its id).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Frontend/Builtins.h"

#include "llvm/ADT/StringMap.h"

#include <vector>

using namespace tritondsl::frontend;
using llvm::StringRef;

namespace {
constexpr bool Required = true;
constexpr bool Optional = false;
} // namespace

llvm::ArrayRef<BuiltinSpec> tritondsl::frontend::getBuiltinSpecs() {
  static const std::vector<BuiltinSpec> specs = {
#define PARAM(Name, Kind, Presence)                                            \
  BuiltinParam{Name, BuiltinArgKind::Kind, Presence}
#define BUILTIN_PARAMS(...) __VA_ARGS__
#define BUILTIN(Id, Name, Rule, Arity, Params)                                 \
  BuiltinSpec{Name, Builtin::Id, BuiltinRule::Rule, BuiltinArity::Arity,       \
              {BUILTIN_PARAMS Params}},
#include "tritondsl/Frontend/Builtins.def"
#undef BUILTIN_PARAMS
#undef PARAM
  };
  return specs;
}

const BuiltinSpec *tritondsl::frontend::lookupBuiltinSpec(StringRef name) {
  static const llvm::StringMap<const BuiltinSpec *> byName = [] {
    llvm::StringMap<const BuiltinSpec *> map;
    for (const BuiltinSpec &spec : getBuiltinSpecs())
      map[spec.name] = &spec;
    return map;
  }();
  return byName.lookup(name);
}

Builtin tritondsl::frontend::lookupBuiltin(StringRef name) {
  const BuiltinSpec *spec = lookupBuiltinSpec(name);
  return spec ? spec->id : Builtin::None;
}

StringRef tritondsl::frontend::getBuiltinName(Builtin builtin) {
  if (builtin == Builtin::None)
    return "?";
  return getBuiltinSpecs()[size_t(builtin) - 1].name;
}

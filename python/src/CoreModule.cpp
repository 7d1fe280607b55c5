//===- CoreModule.cpp - The Python module triton_dsl._core ----------------===//
//
// `Compiler().compile(source, filename, target, opt_level, ...)` runs the
// driver that tritonc runs, without holding the GIL, and returns `(ok,
// files, binary, diagnostics)`: the output files as (name, bytes) and every
// diagnostic as a tuple `(severity, filename, line, column, message)`; a new
// Compiler per call is the one-shot compile. `targets()` lists the target
// registry. Nothing is printed.
// The Python API on top of it is triton_dsl/compiler.py (docs/python.md).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Driver/Driver.h"
#include "tritondsl/InitAll.h"

#include "mlir/Support/Timing.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace py = pybind11;
using namespace mlir;
using namespace tritondsl;

static const char *getSeverityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

/// Messages may quote bytes of the source that are not UTF-8.
static py::str toPythonString(const std::string &text) {
  PyObject *str =
      PyUnicode_DecodeUTF8(text.data(), text.size(), "backslashreplace");
  if (!str)
    throw py::error_already_set();
  return py::reinterpret_steal<py::str>(str);
}

/// The CompileOptions of the Python API's (target, emit): "ast", "mlir",
/// "opt-mlir" (for `emit`'s target, else the CPU), or a registered target
/// with one of its output kinds; "obj" and "llvm-mlir" name the CPU
/// target's outputs. Raises ValueError for anything else. Sets `binary`.
static CompileOptions getOptions(const std::string &target,
                                 const std::string &emit, bool &binary) {
  CompileOptions options;
  binary = false;
  if (target == "ast" || target == "mlir" || target == "opt-mlir") {
    options.stage = target == "ast"    ? CompileStage::AST
                    : target == "mlir" ? CompileStage::MLIR
                                       : CompileStage::OptMLIR;
    if (!emit.empty() && options.stage != CompileStage::OptMLIR)
      throw py::value_error("target '" + target + "' takes no emit");
    if (!emit.empty() && !lookupTarget(emit))
      throw py::value_error(getUnknownTargetMessage(emit));
    options.target = emit;
    return options;
  }
  options.stage = CompileStage::Target;
  options.target = target;
  options.emit = emit;
  if (target == "obj" || target == "llvm-mlir") {
    if (!emit.empty())
      throw py::value_error("target '" + target + "' takes no emit");
    options.target = "cpu";
    options.emit = target;
  }
  const TargetBackend *backend = lookupTarget(options.target);
  if (!backend)
    throw py::value_error(getUnknownTargetMessage(target) +
                          "; or 'ast', 'mlir', 'opt-mlir'");
  const TargetOutputKind *kind = backend->lookupOutputKind(options.emit);
  if (!kind) {
    std::string kinds;
    for (const TargetOutputKind &k : backend->getOutputKinds())
      kinds += (kinds.empty() ? "" : ", ") + k.name.str();
    throw py::value_error("target '" + options.target + "' cannot emit '" +
                          options.emit + "' (it emits " + kinds + ")");
  }
  binary = kind->binary;
  return options;
}

/// Compiles with `compiler` without the GIL; returns (ok, [(name, bytes)],
/// binary, [(severity, filename, line, column, message)]).
static py::tuple compileWith(Compiler &compiler, const py::bytes &source,
                             const std::string &filename,
                             const std::string &target, int optLevel,
                             bool useMicrokernels, const std::string &emit,
                             const std::string &weights,
                             const std::string &quantizer,
                             std::optional<float> threshold, uint64_t seed) {
  if (optLevel < 0 || optLevel > 2)
    throw py::value_error("unknown optimization level " +
                          std::to_string(optLevel) + " (use 0, 1 or 2)");
  bool binary;
  CompileOptions options = getOptions(target, emit, binary);
  options.optLevel = optLevel;
  options.useMicrokernels = useMicrokernels;
  options.weightsPath = weights;
  std::optional<ternary::QuantMethod> method =
      ternary::symbolizeQuantMethod(quantizer);
  if (!method)
    throw py::value_error("unknown quantizer '" + quantizer +
                          "' (use absmean, threshold or stochastic)");
  if (*method == ternary::QuantMethod::threshold &&
      (!threshold || !(*threshold >= 0)))
    throw py::value_error("the threshold quantizer needs threshold >= 0");
  options.quantizer.method = *method;
  options.quantizer.threshold = threshold;
  options.quantizer.seed = seed;
  std::vector<CompileDiagnostic> diagnostics;
  options.observeDiagnostic = [&](const CompileDiagnostic &diagnostic) {
    diagnostics.push_back(diagnostic);
  };

  // Bytes are immutable and `source` holds them while the GIL is released.
  std::string_view text = source;
  llvm::SmallVector<TargetFile> files;
  bool ok;
  {
    py::gil_scoped_release release;
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBuffer(llvm::StringRef(text), filename,
                                         /*RequiresNullTerminator=*/false),
        llvm::SMLoc());
    TimingScope noTiming;
    ok = succeeded(
        compiler.compile(sourceMgr, options, files, llvm::nulls(), noTiming));
  }

  py::list pythonFiles;
  for (const TargetFile &file : files)
    pythonFiles.append(py::make_tuple(
        file.name, py::bytes(file.contents.data(), file.contents.size())));
  py::list pythonDiagnostics;
  for (const CompileDiagnostic &diagnostic : diagnostics)
    pythonDiagnostics.append(py::make_tuple(
        getSeverityName(diagnostic.severity),
        toPythonString(diagnostic.filename), diagnostic.line,
        diagnostic.column, toPythonString(diagnostic.message)));
  return py::make_tuple(ok, pythonFiles, binary, pythonDiagnostics);
}

/// The registered targets: [(name, description, encoding, fuses_bias,
/// [(emit, description, binary), ...]), ...].
static py::list getTargets() {
  py::list targets;
  for (const TargetBackend *target : getRegisteredTargets()) {
    py::list kinds;
    for (const TargetOutputKind &kind : target->getOutputKinds())
      kinds.append(py::make_tuple(kind.name.str(), kind.description.str(),
                                  kind.binary));
    targets.append(py::make_tuple(
        target->getName().str(), target->getDescription().str(),
        ternary::stringifyEncoding(target->getWeightEncoding()).str(),
        target->fusesBias(), kinds));
  }
  return targets;
}

PYBIND11_MODULE(_core, m) {
  registerAllTargets();
  m.doc() = "The Triton DSL compiler (the driver of tritonc); use "
            "triton_dsl.compile, triton_dsl.Compiler and triton_dsl.load";
  py::class_<Compiler>(m, "Compiler",
                       "A reusable, thread-safe compiler (contexts and "
                       "pipelines are kept between programs).")
      .def(py::init<>())
      .def(
          "compile",
          [](Compiler &compiler, const py::bytes &source,
             const std::string &filename, const std::string &target,
             int optLevel, bool useMicrokernels, const std::string &emit,
             const std::string &weights, const std::string &quantizer,
             std::optional<float> threshold, uint64_t seed) {
            return compileWith(compiler, source, filename, target, optLevel,
                               useMicrokernels, emit, weights, quantizer,
                               threshold, seed);
          },
          py::arg("source"), py::arg("filename"), py::arg("target"),
          py::arg("opt_level"), py::arg("use_microkernels") = false,
          py::arg("emit") = "", py::arg("weights") = "",
          py::arg("quantizer") = "absmean", py::arg("threshold") = py::none(),
          py::arg("seed") = 0,
          "Compiles .tri source bytes without the GIL; returns (ok, "
          "[(name, bytes)], binary, [(severity, filename, line, column, "
          "message), ...]).");
  m.def("targets", &getTargets,
        "The registered targets: [(name, description, weight encoding, "
        "fuses bias, [(emit, description, binary), ...]), ...].");
}

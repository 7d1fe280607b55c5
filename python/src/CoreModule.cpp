//===- CoreModule.cpp - The Python module triton_dsl._core ----------------===//
//
// `compile(source, filename, target, opt_level)` runs compileDSL, the driver
// that tritonc runs, without holding the GIL, and returns `(ok, output,
// diagnostics)`: the output bytes and every diagnostic as a tuple
// `(severity, filename, line, column, message)`. Nothing is printed. The
// Python API on top of it is triton_dsl/compiler.py (docs/python.md).
//
//===----------------------------------------------------------------------===//
#include "triton/Driver/Driver.h"

#include "mlir/Support/Timing.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/pybind11.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace py = pybind11;
using namespace mlir;
using namespace mlir::triton;

/// The outputs by the names of the Python API.
static constexpr std::pair<const char *, CompileOutput> kTargets[] = {
    {"ast", CompileOutput::AST},
    {"mlir", CompileOutput::MLIR},
    {"opt-mlir", CompileOutput::OptMLIR},
    {"pytorch", CompileOutput::PyTorch},
    {"llvm-mlir", CompileOutput::LLVMMLIR},
    {"obj", CompileOutput::Object},
};

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

static py::tuple compile(const py::bytes &source, const std::string &filename,
                         const std::string &target, int optLevel,
                         bool useMicrokernels) {
  const auto *entry =
      llvm::find_if(kTargets, [&](const auto &t) { return target == t.first; });
  if (entry == std::end(kTargets)) {
    std::string message = "unknown target '" + target + "' (use";
    for (const auto &[name, output] : kTargets)
      message += std::string(" ") + name;
    throw py::value_error(message + ")");
  }
  if (optLevel < 0 || optLevel > 2)
    throw py::value_error("unknown optimization level " +
                          std::to_string(optLevel) + " (use 0, 1 or 2)");
  CompileOptions options;
  options.output = entry->second;
  options.optLevel = optLevel;
  options.useMicrokernels = useMicrokernels;
  std::vector<CompileDiagnostic> diagnostics;
  options.observeDiagnostic = [&](const CompileDiagnostic &diagnostic) {
    diagnostics.push_back(diagnostic);
  };

  // Bytes are immutable and `source` holds them while the GIL is released.
  std::string_view text = source;
  llvm::SmallString<0> output;
  bool ok;
  {
    py::gil_scoped_release release;
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(text), filename),
        llvm::SMLoc());
    TimingScope noTiming;
    ok = succeeded(
        compileDSL(sourceMgr, options, output, llvm::nulls(), noTiming));
  }

  py::list pythonDiagnostics;
  for (const CompileDiagnostic &diagnostic : diagnostics)
    pythonDiagnostics.append(py::make_tuple(
        getSeverityName(diagnostic.severity),
        toPythonString(diagnostic.filename), diagnostic.line,
        diagnostic.column, toPythonString(diagnostic.message)));
  return py::make_tuple(ok, py::bytes(output.data(), output.size()),
                        pythonDiagnostics);
}

PYBIND11_MODULE(_core, m) {
  m.doc() = "The Triton DSL compiler (the driver of tritonc); use "
            "triton_dsl.compile and triton_dsl.load";
  m.def("compile", &compile, py::arg("source"), py::arg("filename"),
        py::arg("target"), py::arg("opt_level"),
        py::arg("use_microkernels") = false,
        "Compiles .tri source bytes without the GIL; returns (ok, output "
        "bytes, [(severity, filename, line, column, message), ...]).");
  py::list targets;
  for (const auto &[name, output] : kTargets)
    targets.append(name);
  m.attr("TARGETS") = py::tuple(targets);
}

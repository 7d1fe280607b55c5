//===- Diagnostics.h - Located diagnostics of the .tri front end -*- C++ -*-===//
//
// Every front-end message has the form `file:line:col: error: message`,
// followed by the source line and a caret under the column (llvm::SMDiagnostic
// prints it). The engine counts errors and stops reporting after a limit so
// that garbage input cannot flood the terminal.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_FRONTEND_DIAGNOSTICS_H
#define TRITONDSL_FRONTEND_DIAGNOSTICS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include "tritondsl/Support/LLVM.h"

namespace tritondsl::frontend {

/// A position in the source: the pointer into the buffer (for llvm::SourceMgr)
/// and the 1-based line and byte column, computed once by the lexer so that
/// nothing has to rescan a long line to find them.
struct SourceLoc {
  llvm::SMLoc pointer;
  unsigned line = 0;
  unsigned column = 0;
};

class FrontendDiagnostics {
public:
  /// Reports on `bufferId` of `sourceMgr` to `os`. After `errorLimit` errors
  /// (0: no limit) one final message says so and later errors are dropped.
  FrontendDiagnostics(const llvm::SourceMgr &sourceMgr, unsigned bufferId,
                   llvm::raw_ostream &os, unsigned errorLimit = 20);

  void error(SourceLoc loc, const llvm::Twine &message);
  void warning(SourceLoc loc, const llvm::Twine &message);
  /// A note that belongs to the previous error or warning; dropped with it.
  void note(SourceLoc loc, const llvm::Twine &message);

  unsigned getNumErrors() const { return numErrors; }
  unsigned getNumWarnings() const { return numWarnings; }
  bool hasErrors() const { return numErrors != 0; }
  /// True once the error limit is reached: parsers and checkers stop early.
  bool reachedErrorLimit() const {
    return errorLimit != 0 && numErrors >= errorLimit;
  }
  void setWarningsEnabled(bool enabled) { warningsEnabled = enabled; }

  /// Sees every error, warning and note that is printed (the ones dropped by
  /// the error limit or disabled warnings are not), as it is printed: for
  /// embedders that want the diagnostics as data rather than text.
  using Observer = std::function<void(llvm::SourceMgr::DiagKind kind,
                                      SourceLoc loc,
                                      llvm::StringRef message)>;
  void setObserver(Observer observer) { this->observer = std::move(observer); }

  llvm::StringRef getFilename() const { return filename; }
  const llvm::SourceMgr &getSourceMgr() const { return sourceMgr; }
  unsigned getBufferId() const { return bufferId; }

private:
  void report(SourceLoc loc, llvm::SourceMgr::DiagKind kind,
              const llvm::Twine &message);

  const llvm::SourceMgr &sourceMgr;
  unsigned bufferId;
  llvm::raw_ostream &os;
  std::string filename;
  unsigned errorLimit;
  unsigned numErrors = 0;
  unsigned numWarnings = 0;
  bool warningsEnabled = true;
  Observer observer;
  /// Whether the last error/warning was printed (notes follow it).
  bool lastPrinted = false;
};

} // namespace tritondsl::frontend

#endif // TRITONDSL_FRONTEND_DIAGNOSTICS_H

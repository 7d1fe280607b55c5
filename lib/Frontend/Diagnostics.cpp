//===- Diagnostics.cpp - Located diagnostics of the .tri front end --------===//
#include "tritondsl/Frontend/Diagnostics.h"

#include "llvm/Support/MemoryBuffer.h"

using namespace tritondsl::frontend;

/// Lines longer than this are not echoed (SMDiagnostic would not print them
/// either); it also bounds the scan for the line around a location.
static constexpr size_t kMaxEchoedLine = 4096;

FrontendDiagnostics::FrontendDiagnostics(const llvm::SourceMgr &sourceMgr,
                                   unsigned bufferId, llvm::raw_ostream &os,
                                   unsigned errorLimit)
    : sourceMgr(sourceMgr), bufferId(bufferId), os(os),
      filename(sourceMgr.getMemoryBuffer(bufferId)->getBufferIdentifier()),
      errorLimit(errorLimit) {}

void FrontendDiagnostics::error(SourceLoc loc, const llvm::Twine &message) {
  if (reachedErrorLimit()) {
    lastPrinted = false;
    return;
  }
  ++numErrors;
  report(loc, llvm::SourceMgr::DK_Error, message);
  lastPrinted = true;
  if (reachedErrorLimit()) {
    os << filename << ": error: too many errors emitted, stopping now "
       << "(--error-limit=0 shows all)\n";
  }
}

void FrontendDiagnostics::warning(SourceLoc loc, const llvm::Twine &message) {
  lastPrinted = warningsEnabled && !reachedErrorLimit();
  if (!lastPrinted)
    return;
  ++numWarnings;
  report(loc, llvm::SourceMgr::DK_Warning, message);
}

void FrontendDiagnostics::note(SourceLoc loc, const llvm::Twine &message) {
  if (lastPrinted)
    report(loc, llvm::SourceMgr::DK_Note, message);
}

void FrontendDiagnostics::report(SourceLoc loc, llvm::SourceMgr::DiagKind kind,
                              const llvm::Twine &message) {
  static const char *const labels[] = {"error", "warning", "remark", "note"};
  if (observer)
    observer(kind, loc, message.str());
  if (loc.line == 0) {
    os << filename << ": " << labels[kind] << ": " << message << '\n';
    return;
  }
  // The source line around the location, found by a bounded scan. A line too
  // long to echo is left out and the message printed alone.
  llvm::StringRef buffer = sourceMgr.getMemoryBuffer(bufferId)->getBuffer();
  const char *ptr = loc.pointer.getPointer();
  if (!ptr || ptr < buffer.begin() || ptr > buffer.end()) {
    os << filename << ':' << loc.line << ':' << loc.column << ": "
       << labels[kind] << ": " << message << '\n';
    return;
  }
  const char *begin = ptr, *end = ptr;
  while (begin > buffer.begin() && begin[-1] != '\n' &&
         size_t(ptr - begin) <= kMaxEchoedLine)
    --begin;
  while (end < buffer.end() && *end != '\n' && *end != '\r' &&
         size_t(end - begin) <= kMaxEchoedLine)
    ++end;
  bool complete = (begin == buffer.begin() || begin[-1] == '\n') &&
                  (end == buffer.end() || *end == '\n' || *end == '\r');
  // Control characters (binary input) are not echoed to the terminal.
  for (const char *c = begin; complete && c != end; ++c)
    complete = *c == '\t' || ((unsigned char)*c >= 0x20 && *c != 0x7f);
  if (!complete) {
    os << filename << ':' << loc.line << ':' << loc.column << ": "
       << labels[kind] << ": " << message << '\n';
    return;
  }
  llvm::SMDiagnostic diag(sourceMgr, loc.pointer, filename, int(loc.line),
                          int(loc.column) - 1, kind, message.str(),
                          llvm::StringRef(begin, end - begin), {});
  diag.print(/*ProgName=*/nullptr, os, /*ShowColors=*/os.has_colors());
}

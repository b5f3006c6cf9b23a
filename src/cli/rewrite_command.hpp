// What `slipway rewrite` and `slipway repack` share: one machinery, one set of flags
// (--undo/--cleanup/--abort, copy pacing and throttling), one way to run and report.
#pragma once
#include <string>

namespace CLI {
class App;
}

namespace slipway::cli {

struct GlobalOptions;

struct RewriteCommandSpec {
  const char* name;         // "rewrite" | "repack"
  const char* description;
  bool takes_alter;         // rewrite: --alter is the new definition; repack: same definition
};

void add_rewrite_command(CLI::App& app, GlobalOptions& globals, const RewriteCommandSpec& spec);

}  // namespace slipway::cli

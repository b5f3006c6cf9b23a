// Limits on what slipway reads from files, in one place: each reader enforces them and says
// which limit a file broke (docs/migrations.md lists them).
#pragma once
#include <cstddef>

namespace slipway::limits {

// YAML aliases let a few bytes stand for a tree of any size ("billion laughs": 400 bytes of
// nested anchors expand to hundreds of millions of nodes). A file without aliases has fewer
// nodes than bytes; this budget leaves room for ordinary alias use and stops a walk long
// before the expansion costs time or memory.
constexpr std::size_t yaml_nodes_for(std::size_t file_bytes) { return 16 * file_bytes + 1024; }

}  // namespace slipway::limits

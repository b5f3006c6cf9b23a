// Limits on what slipway reads from the files a user gives it, in one place (docs/migrations.md,
// "Limits"): real migrations are kilobytes and tens of operations; these keep a hostile or
// generated file from costing unbounded memory or time. Each reader enforces them and says
// which limit a file broke.
#pragma once
#include <cstddef>

namespace slipway::limits {

inline constexpr std::size_t max_migration_file_bytes = std::size_t{16} << 20;  // 16 MiB
inline constexpr std::size_t max_lint_file_bytes = std::size_t{16} << 20;       // 16 MiB
inline constexpr std::size_t max_migration_operations = 20'000;

// The values (YAML nodes) a file may expand to, aliases (`*name`) counted as copies of their
// anchor's value at each use — 400 bytes of nested anchors ("billion laughs") stand for
// hundreds of millions of nodes: one per 2 bytes of the file (denser than any migration written
// out) plus 10,000 for anchors shared in a small file.
constexpr std::size_t max_migration_values(std::size_t file_bytes) { return file_bytes / 2 + 10'000; }

}  // namespace slipway::limits

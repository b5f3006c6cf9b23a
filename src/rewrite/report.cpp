// The rewrite's report: JSON for --json, aligned text otherwise.
#include <fmt/format.h>

#include "rewrite/rewriter.hpp"

namespace slipway::rewrite {

nlohmann::json Report::to_json() const {
  return {{"id", id},
          {"table", table},
          {"kind", kind},
          {"status", status},
          {"action", action},
          {"old_table", old_table.empty() ? nlohmann::json() : nlohmann::json(old_table)},
          {"rows_copied", rows_copied},
          {"chunks", chunks},
          {"log_entries_replayed", replayed},
          {"ranges_verified", ranges_verified},
          {"ranges_recopied", ranges_recopied},
          {"rows_verified", rows_verified},
          {"lock_held_ms", lock_held_ms ? nlohmann::json(*lock_held_ms) : nlohmann::json()},
          {"swap_attempts", swap_attempts},
          {"views_recreated", views_recreated},
          {"foreign_keys_validated", foreign_keys_validated},
          {"size_before_bytes", size_before},
          {"size_after_bytes", size_after},
          {"seconds", seconds},
          {"throttled_seconds", throttled_seconds},
          {"phase_seconds", [&] {
             nlohmann::json j = nlohmann::json::object();
             for (const auto& [p, secs] : phase_seconds) j[p] = secs;
             return j;
           }()}};
}

std::string Report::to_text() const {
  std::string out = fmt::format("{} {}: {} (id {})\n", kind, table, action, id);
  out += fmt::format("  status:              {}\n", status);
  if (rows_copied || chunks) out += fmt::format("  copied:              {} rows in {} chunks\n", rows_copied, chunks);
  if (replayed) out += fmt::format("  replayed:            {} log entries\n", replayed);
  if (ranges_verified)
    out += fmt::format("  verified:            {} rows in {} key ranges ({} re-copied)\n", rows_verified,
                       ranges_verified, ranges_recopied);
  if (lock_held_ms) out += fmt::format("  exclusive lock held: {:.1f} ms\n", *lock_held_ms);
  if (!views_recreated.empty()) out += fmt::format("  views recreated:     {}\n", fmt::join(views_recreated, ", "));
  if (!foreign_keys_validated.empty())
    out += fmt::format("  foreign keys:        {} validated\n", fmt::join(foreign_keys_validated, ", "));
  if (size_before && size_after)
    out += fmt::format("  size:                {:.1f} MB -> {:.1f} MB\n", double(size_before) / 1048576.0,
                       double(size_after) / 1048576.0);
  if (!old_table.empty())
    out += fmt::format("  old table:           {} (kept in sync; --undo swaps back, --cleanup drops it)\n", old_table);
  std::string phases;
  for (const auto& [p, secs] : phase_seconds) phases += fmt::format("{}{} {:.1f}s", phases.empty() ? "" : ", ", p, secs);
  out += fmt::format("  took:                {:.1f} s{}\n", seconds, phases.empty() ? "" : " (" + phases + ")");
  return out;
}

}  // namespace slipway::rewrite

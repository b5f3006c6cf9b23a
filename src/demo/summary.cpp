#include "demo/summary.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "demo/format.hpp"

namespace slipway::demo {

std::vector<RunSummary::ChangeTotals> RunSummary::per_change() const {
  std::vector<ChangeTotals> out;
  for (const auto& p : phases) {
    if (p.change == "traffic" || p.change == "all changes") continue;
    if (out.empty() || out.back().change != p.change) out.push_back({p.change});
    auto& c = out.back();
    c.duration_s += p.duration_s();
    c.max_ms = std::max(c.max_ms, p.app.max_ms);
    c.errors += p.app.errors;
  }
  return out;
}

namespace {

std::string run_table(const RunSummary& r) {
  std::string out = fmt::format("{:<24} {:<22} {:>8} {:>8} {:>6} {:>8} {:>8} {:>8}\n", "change", "step",
                                "duration", "queries", "errors", "p50", "p99", "max");
  std::string last_change;
  for (const auto& p : r.phases) {
    std::string change = p.change == last_change ? "" : p.change;
    last_change = p.change;
    out += fmt::format("{:<24} {:<22} {:>8} {:>8} {:>6} {:>8} {:>8} {:>8}", change, p.step,
                       seconds(p.duration_s()), thousands(p.app.queries), p.app.errors, ms(p.app.p50_ms),
                       ms(p.app.p99_ms), ms(p.app.max_ms));
    if (p.rows_checked)
      out += fmt::format("   {} rows checked, {} bad", thousands(*p.rows_checked), thousands(p.rows_bad.value_or(0)));
    out += "\n";
  }
  out += fmt::format("{:<24} {:<22} {:>8} {:>8} {:>6} {:>8} {:>8} {:>8}\n", "whole run", "",
                     seconds(r.duration_s), thousands(r.app.queries), r.app.errors, ms(r.app.p50_ms),
                     ms(r.app.p99_ms), ms(r.app.max_ms));
  return out;
}

std::string verified_text(const RunSummary& r) {
  return fmt::format("{} of {}", thousands(r.rows_verified), thousands(r.rows));
}

}  // namespace

std::string summary_table(const DemoSummary& s) {
  std::string out;
  out += fmt::format("\n== slipway: {} on user_profiles ({} rows), application at {:.0f} q/s per version, "
                     "lock_timeout {}\n\n",
                     s.slipway.mode == "slipway" ? "expand/backfill/complete" : s.slipway.mode, thousands(s.rows),
                     s.rate_per_app, ms(s.lock_timeout_ms));
  out += run_table(s.slipway);
  out += fmt::format("\nrows verified: {} (computed by queries over every row after the changes)\n",
                     verified_text(s.slipway));
  for (const auto& f : s.slipway.failures) out += "  verification FAILED: " + f + "\n";
  out += fmt::format("application: {} queries, {} errors, max latency {}\n", thousands(s.slipway.app.queries),
                     s.slipway.app.errors, ms(s.slipway.app.max_ms));
  for (const auto& [msg, n] : s.slipway.error_messages) out += fmt::format("  {} x {}\n", n, msg);
  if (!s.slipway.outcome.empty() && s.slipway.outcome != "complete") out += "outcome: " + s.slipway.outcome + "\n";

  if (s.naive) {
    const auto& n = *s.naive;
    out += fmt::format("\n== the naive way (plain ALTER TABLE, one big UPDATE) on a copy, same traffic\n\n");
    out += run_table(n);
    for (const auto& f : n.failures) out += "  naive result: " + f + "\n";
    out += "\n== side by side\n\n";
    out += fmt::format("{:<24} | {:>9} {:>10} {:>6} | {:>9} {:>10} {:>6}\n", "change", "slipway", "max lat.",
                       "errors", "naive", "max lat.", "errors");
    auto a = s.slipway.per_change();
    auto b = n.per_change();
    for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
      std::string name = i < a.size() ? a[i].change : b[i].change;
      std::string left = i < a.size() ? fmt::format("{:>9} {:>10} {:>6}", seconds(a[i].duration_s), ms(a[i].max_ms), a[i].errors)
                                       : fmt::format("{:>27}", "");
      std::string right = i < b.size() ? fmt::format("{:>9} {:>10} {:>6}", seconds(b[i].duration_s), ms(b[i].max_ms), b[i].errors)
                                        : "";
      out += fmt::format("{:<24} | {} | {}\n", name, left, right);
    }
    out += fmt::format("{:<24} | {:>9} {:>10} {:>6} | {:>9} {:>10} {:>6}\n", "whole run", seconds(s.slipway.duration_s),
                       ms(s.slipway.app.max_ms), s.slipway.app.errors, seconds(n.duration_s), ms(n.app.max_ms),
                       n.app.errors);
    out += fmt::format("{:<24} | {:>27} | {:>27}\n", "rows verified", verified_text(s.slipway), verified_text(n));
    if (!n.error_messages.empty()) {
      out += "naive-way application errors:\n";
      for (const auto& [msg, c] : n.error_messages) out += fmt::format("  {} x {}\n", c, msg);
    }
  }
  if (!s.cleanup.empty()) out += "\n" + s.cleanup + "\n";
  return out;
}

namespace {

nlohmann::json stats_json(const LatencyStats& st) {
  return {{"queries", st.queries}, {"errors", st.errors}, {"p50_ms", st.p50_ms},
          {"p99_ms", st.p99_ms},   {"max_ms", st.max_ms}};
}

nlohmann::json run_json(const RunSummary& r) {
  nlohmann::json phases = nlohmann::json::array();
  for (const auto& p : r.phases) {
    nlohmann::json j{{"change", p.change},     {"step", p.step},         {"start_s", p.start_s},
                     {"end_s", p.end_s},       {"duration_s", p.duration_s()}, {"app", stats_json(p.app)}};
    if (p.rows_checked) j["rows_checked"] = *p.rows_checked;
    if (p.rows_bad) j["rows_bad"] = *p.rows_bad;
    phases.push_back(j);
  }
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : r.per_change())
    changes.push_back({{"change", c.change}, {"duration_s", c.duration_s}, {"max_ms", c.max_ms}, {"errors", c.errors}});
  return {{"mode", r.mode},
          {"database", r.database},
          {"finished", r.finished},
          {"outcome", r.outcome},
          {"duration_s", r.duration_s},
          {"app", stats_json(r.app)},
          {"rows", r.rows},
          {"rows_verified", r.rows_verified},
          {"verification_failures", r.failures},
          {"error_messages", r.error_messages},
          {"phases", phases},
          {"changes", changes}};
}

}  // namespace

nlohmann::json summary_json(const DemoSummary& s) {
  nlohmann::json j{{"server", s.server},
                   {"rows", s.rows},
                   {"rate_per_app", s.rate_per_app},
                   {"lock_timeout_ms", s.lock_timeout_ms},
                   {"interrupted", s.interrupted},
                   {"cleanup", s.cleanup},
                   {"slipway", run_json(s.slipway)}};
  j["naive"] = s.naive ? run_json(*s.naive) : nlohmann::json();
  return j;
}

}  // namespace slipway::demo

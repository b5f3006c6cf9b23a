#include "compare/report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace slipway::compare {

namespace {

// (id, tenant)=(5, acme)
std::string key_text(const TableResult& r, const KeyValue& key) {
  return fmt::format("({})=({})", fmt::join(r.table.key_names(), ", "), fmt::join(key, ", "));
}

nlohmann::json key_json(const TableResult& r, const KeyValue& key) {
  nlohmann::json k = nlohmann::json::object();
  auto names = r.table.key_names();
  for (size_t i = 0; i < names.size() && i < key.size(); ++i) k[names[i]] = key[i];
  return k;
}

nlohmann::json value_json(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }
std::string value_text(const std::optional<std::string>& v) { return v ? "'" + *v + "'" : "NULL"; }

const std::vector<Difference>& remaining(const TableResult& r, bool repaired) {
  return repaired ? r.after_repair : r.differences;
}

nlohmann::json differences_json(const TableResult& r, const std::vector<Difference>& diffs, bool redact) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : diffs) {
    nlohmann::json j{{"key", key_json(r, d.key)}, {"kind", difference_kind_name(d.kind)}};
    if (d.kind == DifferenceKind::values_differ) {
      j["columns"] = nlohmann::json::array();
      for (const auto& c : d.columns) {
        nlohmann::json cj{{"column", c.column}};
        if (!redact) {
          cj["source"] = value_json(c.source);
          cj["target"] = value_json(c.target);
        }
        j["columns"].push_back(cj);
      }
    }
    out.push_back(j);
  }
  return out;
}

}  // namespace

bool Report::identical() const {
  bool repaired = repair && !dry_run;
  for (const auto& t : tables)
    if (!remaining(t, repaired).empty()) return false;
  return true;
}

nlohmann::json Report::to_json() const {
  nlohmann::json out{{"identical", identical()}, {"tables", nlohmann::json::array()}};
  for (const auto& t : tables) {
    nlohmann::json changing = nlohmann::json::array();
    for (const auto& k : t.changing) changing.push_back(key_json(t, k));
    nlohmann::json j{{"table", t.table.pair.label()},
                     {"key", t.table.key_names()},
                     {"columns", t.table.columns.size()},
                     {"not_compared", t.table.source_only},
                     {"source_rows", t.source_rows},
                     {"target_rows", t.target_rows},
                     {"chunks", t.chunks},
                     {"summaries", t.summaries},
                     {"rows_fetched", t.rows_fetched},
                     {"seconds", t.seconds},
                     {"resumed", t.resumed},
                     {"keys_ordered_by_c_collation", t.table.key_collated},
                     {"differences", differences_json(t, t.differences, redact)},
                     {"changing", changing}};
    if (repair) {
      j["repair"] = {{"dry_run", dry_run}, {"rows", dry_run ? 0 : t.repaired}};
      if (dry_run) j["repair"]["statements"] = t.repair_statements;
      else j["repair"]["remaining"] = differences_json(t, t.after_repair, redact);
    }
    out["tables"].push_back(j);
  }
  return out;
}

std::string Report::to_text() const {
  std::string out;
  for (const auto& t : tables) {
    out += fmt::format("{}: {} rows in the source, {} in the target, {} chunks, {} rows fetched, {:.2f} s{}: ",
                       t.table.pair.label(), t.source_rows, t.target_rows, t.chunks, t.rows_fetched, t.seconds,
                       t.resumed ? " (resumed)" : "");
    out += t.differences.empty() ? "identical\n" : fmt::format("{} differing rows\n", t.differences.size());
    for (const auto& d : t.differences) {
      out += "  " + key_text(t, d.key) + ": ";
      if (d.kind == DifferenceKind::missing_in_target) out += "missing in the target\n";
      else if (d.kind == DifferenceKind::extra_in_target) out += "not in the source (extra in the target)\n";
      else {
        std::vector<std::string> cols;
        for (const auto& c : d.columns)
          cols.push_back(redact ? c.column
                                : fmt::format("{}: {} (source) vs {} (target)", c.column, value_text(c.source),
                                              value_text(c.target)));
        out += fmt::format("differs in {}\n", fmt::join(cols, "; "));
      }
    }
    if (!t.changing.empty()) {
      std::vector<std::string> keys;
      for (const auto& k : t.changing) keys.push_back(key_text(t, k));
      out += fmt::format("  still being written at the last recheck (not reported as different): {}\n",
                         fmt::join(keys, ", "));
    }
    if (!t.table.source_only.empty())
      out += fmt::format("  not compared (source columns not in the target): {}\n", fmt::join(t.table.source_only, ", "));
    if (repair && dry_run) {
      for (const auto& s : t.repair_statements) out += "  " + s + "\n";
    } else if (repair) {
      out += fmt::format("  repaired {} rows; {} still differ\n", t.repaired, t.after_repair.size());
    }
  }
  if (identical()) out += "identical\n";  // otherwise the error line says "differences found"
  return out;
}

}  // namespace slipway::compare

// SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, IDEs).
#include <nlohmann/json.hpp>

#include <ostream>

#include "lint/format/format.hpp"
#include "lint/rule.hpp"

namespace slipway::lint {

void render_sarif(const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions&) {
  nlohmann::json rules = nlohmann::json::array();
  rules.push_back({{"id", syntax_error_rule},
                   {"shortDescription", {{"text", "SQL that PostgreSQL cannot parse"}}},
                   {"defaultConfiguration", {{"level", "error"}}}});
  for (auto& r : all_rules()) {
    auto info = r->info();
    rules.push_back({{"id", info.id},
                     {"shortDescription", {{"text", info.summary}}},
                     {"help", {{"text", "see docs/rules/" + std::string(info.id) + ".md"}}},
                     {"defaultConfiguration", {{"level", severity_name(info.severity)}}}});
  }
  nlohmann::json results = nlohmann::json::array();
  for (auto& rep : reports)
    for (auto& f : rep.findings) {
      std::string text = f.message;
      if (!f.lock.empty()) text += " [lock: " + f.lock + ", blocks " + f.blocks + "]";
      if (!f.recipe.empty()) text += " Safe: " + f.recipe;
      nlohmann::json region{{"startLine", f.at.line},
                            {"startColumn", f.at.col},
                            {"endLine", std::max(f.statement.end.line, f.at.line)},
                            {"endColumn", f.statement.end.line > f.at.line ? f.statement.end.col
                                                                           : std::max(f.statement.end.col, f.at.col + 1)}};
      nlohmann::json result{{"ruleId", f.rule},
                            {"level", severity_name(f.severity)},
                            {"message", {{"text", text}}},
                            {"locations",
                             {{{"physicalLocation", {{"artifactLocation", {{"uri", rep.path}}}, {"region", region}}}}}}};
      if (!f.fix.empty()) result["properties"] = {{"fix", f.fix}};
      results.push_back(std::move(result));
    }
  nlohmann::json doc{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                     {"version", "2.1.0"},
                     {"runs",
                      {{{"tool", {{"driver", {{"name", "slipway"}, {"informationUri", "https://github.com/slipway"}, {"rules", rules}}}}},
                        {"results", results}}}}};
  out << doc.dump(2) << "\n";
}

}  // namespace slipway::lint

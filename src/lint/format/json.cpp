// JSON format: {"files": [...], "findings": [...], "summary": {...}}; positions 1-based.
#include <nlohmann/json.hpp>

#include <ostream>

#include "lint/format/format.hpp"

namespace slipway::lint {
namespace {

nlohmann::json pos(const Position& p) { return {{"line", p.line}, {"column", p.col}}; }

}  // namespace

void render_json(const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions& opts) {
  nlohmann::json files = nlohmann::json::array(), findings = nlohmann::json::array();
  for (auto& r : reports) {
    nlohmann::json file{{"path", r.path}, {"statements", r.statement_count}, {"findings", r.findings.size()}};
    if (opts.explain) {
      nlohmann::json stmts = nlohmann::json::array();
      for (auto& s : r.statements)
        stmts.push_back({{"start", pos(s.span.start)}, {"end", pos(s.span.end)}, {"kind", s.kind}, {"classification", s.summary}});
      file["classification"] = std::move(stmts);
    }
    files.push_back(std::move(file));
    for (auto& f : r.findings) {
      nlohmann::json j{{"file", r.path},
                       {"rule", f.rule},
                       {"severity", severity_name(f.severity)},
                       {"message", f.message},
                       {"line", f.at.line},
                       {"column", f.at.col},
                       {"statement", {{"start", pos(f.statement.start)}, {"end", pos(f.statement.end)}}}};
      if (!f.lock.empty()) j["lock"] = {{"mode", f.lock}, {"blocks", f.blocks}};
      j["recipe"] = f.recipe;
      j["fix"] = f.fix.empty() ? nlohmann::json() : nlohmann::json(f.fix);
      findings.push_back(std::move(j));
    }
  }
  auto t = totals(reports);
  nlohmann::json doc{{"files", std::move(files)},
                     {"findings", std::move(findings)},
                     {"summary",
                      {{"files", t.files}, {"statements", t.statements}, {"errors", t.errors}, {"warnings", t.warnings}}}};
  out << doc.dump(2) << "\n";
}

}  // namespace slipway::lint

#include "lint/format/format.hpp"

namespace slipway::lint {

const char* severity_name(Severity s) { return s == Severity::error ? "error" : "warning"; }

std::optional<Format> parse_format(std::string_view name) {
  if (name == "human") return Format::human;
  if (name == "json") return Format::json;
  if (name == "sarif") return Format::sarif;
  if (name == "github") return Format::github;
  if (name == "gcc") return Format::gcc;
  return std::nullopt;
}

Totals totals(const std::vector<FileReport>& reports) {
  Totals t;
  for (auto& r : reports) {
    ++t.files;
    t.statements += r.statement_count;
    for (auto& f : r.findings) (f.severity == Severity::error ? t.errors : t.warnings)++;
  }
  return t;
}

void render(Format f, const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions& opts) {
  switch (f) {
    case Format::human: return render_human(reports, out, opts);
    case Format::json: return render_json(reports, out, opts);
    case Format::sarif: return render_sarif(reports, out, opts);
    case Format::github: return render_github(reports, out, opts);
    case Format::gcc: return render_gcc(reports, out, opts);
  }
}

}  // namespace slipway::lint

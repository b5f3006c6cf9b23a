// gcc format: `file:line:col: severity: message [rule]`, understood by editors and CI parsers.
#include <ostream>

#include "lint/format/format.hpp"

namespace slipway::lint {

void render_gcc(const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions& opts) {
  for (auto& r : reports) {
    if (opts.explain)
      for (auto& s : r.statements)
        out << r.path << ":" << s.span.start.line << ":" << s.span.start.col << ": note: " << s.kind << ": " << s.summary
            << "\n";
    for (auto& f : r.findings)
      out << r.path << ":" << f.at.line << ":" << f.at.col << ": " << severity_name(f.severity) << ": " << f.message
          << " [" << f.rule << "]\n";
  }
}

}  // namespace slipway::lint

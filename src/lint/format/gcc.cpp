// gcc format: `file:line:col: severity: message [rule]`, understood by editors and CI parsers.
#include <ostream>

#include "lint/format/format.hpp"

namespace slipway::lint {

void render_gcc(const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions&) {
  for (auto& r : reports)
    for (auto& f : r.findings)
      out << r.path << ":" << f.at.line << ":" << f.at.col << ": " << severity_name(f.severity) << ": " << f.message
          << " [" << f.rule << "]\n";
}

}  // namespace slipway::lint

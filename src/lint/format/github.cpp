// GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=...::message`.
#include <ostream>
#include <string>

#include "lint/format/format.hpp"

namespace slipway::lint {
namespace {

// Escaping as GitHub's toolkit does (%, CR, LF everywhere; also ':' and ',' in properties).
std::string escape_data(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}
std::string escape_property(const std::string& s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

}  // namespace

void render_github(const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions&) {
  for (auto& r : reports)
    for (auto& f : r.findings) {
      std::string msg = f.message;
      if (!f.lock.empty()) msg += "\nlock: " + f.lock + " (blocks " + f.blocks + ")";
      if (!f.recipe.empty()) msg += "\nsafe: " + f.recipe;
      if (!f.fix.empty()) msg += "\nfix:\n" + f.fix;
      out << "::" << severity_name(f.severity) << " file=" << escape_property(r.path) << ",line=" << f.at.line
          << ",col=" << f.at.col << ",endLine=" << f.statement.end.line << ",endColumn=" << f.statement.end.col
          << ",title=" << escape_property("slipway " + f.rule) << "::" << escape_data(msg) << "\n";
    }
}

}  // namespace slipway::lint

// Human format: one block per finding with the source line and a caret, the lock and what it
// blocks, the safe recipe and the rewritten SQL when there is one. 1-based positions.
#include <ostream>
#include <string>

#include "lint/format/format.hpp"
#include "lint/source.hpp"

namespace slipway::lint {
namespace {

struct Style {
  bool on;
  std::string operator()(const char* code, const std::string& s) const {
    return on ? std::string("\x1b[") + code + "m" + s + "\x1b[0m" : s;
  }
};

std::string line_text(const std::string& text, const LineIndex& lines, int line) {
  std::size_t b = lines.line_start(line);
  std::size_t e = text.find('\n', b);
  std::string s = text.substr(b, e == std::string::npos ? std::string::npos : e - b);
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

// The caret column in display cells: tabs kept as tabs so the caret lines up under them.
std::string caret_padding(const std::string& line, int col) {
  std::string pad;
  int c = 1;
  for (std::size_t i = 0; i < line.size() && c < col; ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    pad += line[i] == '\t' ? '\t' : ' ';
    ++c;
  }
  return pad + std::string(col > c ? col - c : 0, ' ');
}

void indent_block(std::ostream& out, const std::string& label, const std::string& text) {
  std::size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out << "  " << (first ? label : std::string(label.size(), ' ')) << line << "\n";
    first = false;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

}  // namespace

void render_human(const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions& opts) {
  Style st{opts.color};
  for (auto& r : reports) {
    LineIndex lines(r.text);
    if (opts.explain) {
      for (auto& s : r.statements)
        out << st("1", r.path + ":" + std::to_string(s.span.start.line) + ":" + std::to_string(s.span.start.col)) << ": "
            << st("36", s.kind) << ": " << s.summary << "\n";
    }
    for (auto& f : r.findings) {
      bool err = f.severity == Severity::error;
      out << st("1", r.path + ":" + std::to_string(f.at.line) + ":" + std::to_string(f.at.col)) << ": "
          << st(err ? "1;31" : "1;33", std::string(severity_name(f.severity)) + "[" + f.rule + "]") << ": "
          << st("1", f.message) << "\n";
      if (f.at.line >= 1 && f.at.line <= lines.line_count()) {
        std::string num = std::to_string(f.at.line);
        std::string line = line_text(r.text, lines, f.at.line);
        out << "  " << st("34", num + " |") << " " << line << "\n";
        out << "  " << st("34", std::string(num.size(), ' ') + " |") << " " << caret_padding(line, f.at.col)
            << st(err ? "1;31" : "1;33", "^") << "\n";
      }
      if (!f.lock.empty()) out << "  " << st("1", "lock:") << " " << f.lock << " (blocks " << f.blocks << ")\n";
      if (!f.recipe.empty()) indent_block(out, st("32", "safe:") + " ", f.recipe);
      if (!f.fix.empty()) indent_block(out, st("32", "fix:") + "  ", f.fix);
      out << "\n";
    }
  }
  auto t = totals(reports);
  out << t.files << (t.files == 1 ? " file, " : " files, ") << t.statements << " statements: "
      << st(t.errors ? "1;31" : "32", std::to_string(t.errors) + (t.errors == 1 ? " error" : " errors")) << ", "
      << st(t.warnings ? "1;33" : "32", std::to_string(t.warnings) + (t.warnings == 1 ? " warning" : " warnings"))
      << "\n";
}

}  // namespace slipway::lint

// Output formats for lint reports, one file each: human (default), json, sarif, github, gcc.
#pragma once
#include <iosfwd>
#include <optional>
#include <string_view>
#include <vector>

#include "lint/finding.hpp"

namespace slipway::lint {

enum class Format { human, json, sarif, github, gcc };
std::optional<Format> parse_format(std::string_view name);

struct RenderOptions {
  bool color = false;    // ANSI colours (human format on a terminal)
  bool explain = false;  // also print every statement's classification
};

void render(Format f, const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions& opts);

void render_human(const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions& opts);
void render_json(const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions& opts);
void render_sarif(const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions& opts);
void render_github(const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions& opts);
void render_gcc(const std::vector<FileReport>& reports, std::ostream& out, const RenderOptions& opts);

struct Totals {
  std::size_t files = 0, statements = 0, errors = 0, warnings = 0;
};
Totals totals(const std::vector<FileReport>& reports);

}  // namespace slipway::lint

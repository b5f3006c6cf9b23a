// What the layout readers share: reading, lines, errors, ordering.
#include <fmt/format.h>

#include <algorithm>
#include <system_error>

#include "apply/layouts/readers.hpp"
#include "util/error.hpp"
#include "util/input_limits.hpp"
#include "util/text_file.hpp"

namespace slipway::apply::layouts {

std::string read_script_file(const fs::path& file) {
  std::string text = read_text_file(file.string(), limits::max_migration_file_bytes, "a migration file");
  // No control-character check: SQL may carry them in string literals; NUL and invalid UTF-8
  // PostgreSQL would refuse anyway, so say where they are before anything runs.
  check_text(text, file.string(), false);
  return text;
}

void fail_at(const fs::path& file, int line, const std::string& what, const std::string& hint) {
  if (line > 0) throw InputError(fmt::format("{}:{}: {}", file.string(), line, what), hint);
  throw InputError(fmt::format("{}: {}", file.string(), what), hint);
}

std::vector<fs::path> directory_entries(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> entries;
  fs::directory_iterator it(dir, ec);
  if (ec) fail_at(dir, 0, fmt::format("cannot read the directory: {}", ec.message()), "check that it exists and is readable");
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    entries.push_back(it->path());
  }
  if (ec) fail_at(dir, 0, fmt::format("cannot read the directory: {}", ec.message()), "check that it is readable");
  std::sort(entries.begin(), entries.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
  return entries;
}

bool is_regular(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);  // follows symlinks, as the tools do
}

bool is_directory(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

std::vector<TextLine> split_lines(std::string_view text) {
  std::vector<TextLine> lines;
  std::size_t begin = 0;
  int number = 1;
  while (begin < text.size()) {
    std::size_t newline = text.find('\n', begin);
    std::size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::size_t next = newline == std::string_view::npos ? text.size() : newline + 1;
    std::size_t content_end = (end > begin && text[end - 1] == '\r') ? end - 1 : end;
    lines.push_back({text.substr(begin, content_end - begin), begin, next, number++});
    begin = next;
  }
  return lines;
}

std::string_view trim_blanks(std::string_view text) {
  std::size_t b = text.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  std::size_t e = text.find_last_not_of(" \t");
  return text.substr(b, e - b + 1);
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool parse_decimal(std::string_view digits, unsigned long long max, unsigned long long& value) {
  if (!all_digits(digits)) return false;
  unsigned long long v = 0;
  for (char c : digits) {
    unsigned d = static_cast<unsigned>(c - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  value = v;
  return true;
}

void sort_unique(std::vector<Script>& scripts, const std::function<bool(const Script&, const Script&)>& less,
                 std::string_view tool) {
  std::stable_sort(scripts.begin(), scripts.end(), less);
  for (std::size_t i = 1; i < scripts.size(); ++i) {
    const Script& a = scripts[i - 1];
    const Script& b = scripts[i];
    if (less(a, b) || less(b, a)) continue;
    const fs::path& fa = a.up.present ? a.up.file : a.down.file;
    const fs::path& fb = b.up.present ? b.up.file : b.down.file;
    throw InputError(fmt::format("{} and {} have the same version ({}: {} and {})", fa.string(), fb.string(), tool,
                                 a.version, b.version),
                     "give one of them another version: the tool records each version once");
  }
}

}  // namespace slipway::apply::layouts

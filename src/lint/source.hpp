// Byte offset -> line:column for one file, computed once per file.
#pragma once
#include <string_view>
#include <vector>

#include "lint/finding.hpp"

namespace slipway::lint {

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  Position position(std::size_t offset) const;
  // Offset of the first byte of a 1-based line (text size if past the end).
  std::size_t line_start(int line) const;
  int line_count() const { return static_cast<int>(starts_.size()); }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

// Byte length of the first `chars` UTF-8 characters of `text` (libpg_query reports error
// cursors in characters, node locations in bytes).
std::size_t utf8_bytes_for_chars(std::string_view text, std::size_t chars);

}  // namespace slipway::lint

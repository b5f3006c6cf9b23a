#include "lint/source.hpp"

#include <algorithm>

namespace slipway::lint {

LineIndex::LineIndex(std::string_view text) : text_(text) {
  starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts_.push_back(i + 1);
}

Position LineIndex::position(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  std::size_t line = static_cast<std::size_t>(it - starts_.begin());  // 1-based
  std::size_t start = starts_[line - 1];
  int col = 1;
  for (std::size_t i = start; i < offset; ++i)
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++col;  // skip continuation bytes
  return {static_cast<int>(line), col};
}

std::size_t LineIndex::line_start(int line) const {
  if (line < 1) return 0;
  if (static_cast<std::size_t>(line) > starts_.size()) return text_.size();
  return starts_[line - 1];
}

std::size_t utf8_bytes_for_chars(std::string_view text, std::size_t chars) {
  std::size_t i = 0;
  while (i < text.size() && chars > 0) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    --chars;
  }
  return i;
}

}  // namespace slipway::lint

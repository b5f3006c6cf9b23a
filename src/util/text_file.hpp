// Text the user hands slipway (migration files, SQL to lint): a size limit, and UTF-8 without
// NUL bytes. Each problem is an InputError naming file:line:column and what to do; the parsers
// behind (yaml-cpp, nlohmann::json, libpg_query) would otherwise drop, truncate or choke.
#pragma once
#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace slipway {

// Reads `path` whole. InputError if it cannot be read or has more than `max_bytes` bytes
// (`what` names the kind of file and where the limit is documented, for the message).
std::string read_text_file(const std::string& path, std::size_t max_bytes, std::string_view what);
// The same for a stream (stdin), `name` standing for the file in messages.
std::string read_text(std::istream& in, const std::string& name, std::size_t max_bytes, std::string_view what);

// Replaces `path` with `text` atomically (a temporary file beside it, then rename): a reader or
// a crash sees the old file or the new one, never half of one. Error when it cannot be written.
void write_text_file(const std::string& path, std::string_view text);

// What is wrong with the first bad byte of a text, or nothing: "invalid UTF-8 (byte 0xff)",
// "a NUL byte", or, with `refuse_controls`, "a control character (0x07)" for C0 controls other
// than tab, line feed and carriage return.
struct TextProblem {
  enum class Kind { none, invalid_utf8, nul, control };
  Kind kind = Kind::none;
  std::size_t offset = 0;
  std::string what;
  explicit operator bool() const { return kind != Kind::none; }
};
TextProblem first_text_problem(std::string_view text, bool refuse_controls);

// InputError "name:line:column: ..." for the first problem of `text` (line and column 1-based,
// the column in characters).
void check_text(std::string_view text, const std::string& name, bool refuse_controls);

}  // namespace slipway

#include "util/text_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "util/error.hpp"

namespace slipway {

std::string read_text_file(const std::string& path, std::size_t max_bytes, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read {}", path), "check that the file exists and is readable");
  return read_text(in, path, max_bytes, what);
}

std::string read_text(std::istream& in, const std::string& name, std::size_t max_bytes, std::string_view what) {
  // Read in chunks up to one byte past the limit rather than trusting the size on disk (a pipe
  // or /dev/zero has none).
  std::string text;
  char chunk[64 * 1024];
  while (in && text.size() <= max_bytes) {
    in.read(chunk, sizeof chunk);
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError(fmt::format("cannot read {}", name), "check that the file is readable");
  if (text.size() > max_bytes) {
    throw InputError(fmt::format("{}: larger than {} bytes ({} MiB), the limit for {}", name, max_bytes,
                                 max_bytes >> 20, what),
                     "split it into smaller files");
  }
  return text;
}

namespace {
// Length of the UTF-8 sequence starting at text[i] (1..4), or 0 if it is not a valid one
// (overlong forms, surrogates and code points beyond U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b = byte(i);
  if (b < 0x80) return 1;
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) n = 2;
  else if (b == 0xE0) n = 3, lo = 0xA0;
  else if (b >= 0xE1 && b <= 0xEC) n = 3;
  else if (b == 0xED) n = 3, hi = 0x9F;
  else if (b >= 0xEE && b <= 0xEF) n = 3;
  else if (b == 0xF0) n = 4, lo = 0x90;
  else if (b >= 0xF1 && b <= 0xF3) n = 4;
  else if (b == 0xF4) n = 4, hi = 0x8F;
  else return 0;
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}
}  // namespace

TextProblem first_text_problem(std::string_view text, bool refuse_controls) {
  for (std::size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    if (b == 0) return {TextProblem::Kind::nul, i, "a NUL byte"};
    if (refuse_controls && b < 0x20 && b != '\t' && b != '\n' && b != '\r')
      return {TextProblem::Kind::control, i, fmt::format("a control character (0x{:02x})", b)};
    std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) return {TextProblem::Kind::invalid_utf8, i, fmt::format("invalid UTF-8 (byte 0x{:02x})", b)};
    i += n;
  }
  return {};
}

void check_text(std::string_view text, const std::string& name, bool refuse_controls) {
  auto problem = first_text_problem(text, refuse_controls);
  if (!problem) return;
  int line = 1, column = 1;
  for (std::size_t i = 0; i < problem.offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  throw InputError(fmt::format("{}:{}:{}: {}: the file must be UTF-8 text", name, line, column, problem.what),
                   problem.kind == TextProblem::Kind::invalid_utf8 ? "save the file as UTF-8" : "remove the character: it has no meaning here (PostgreSQL text cannot hold NUL bytes)");
}

void write_text_file(const std::string& path, std::string_view text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw Error("could not write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw Error("could not replace " + path + ": " + ec.message());
}

}  // namespace slipway

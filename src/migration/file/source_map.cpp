#include "migration/file/source_map.hpp"

namespace slipway::migration {

namespace {
// "a.b[2].c" -> "a.b[2]" -> "a.b" -> "a" -> "".
std::string parent_path(const std::string& path) {
  auto cut = path.find_last_of(".[");
  return cut == std::string::npos ? std::string() : path.substr(0, cut);
}
}  // namespace

std::string SourceMap::where(const std::string& path) const {
  for (std::string p = path;; p = parent_path(p)) {
    if (auto it = positions.find(p); it != positions.end()) {
      std::string pos = std::to_string(it->second.first) + ":" + std::to_string(it->second.second);
      return file.empty() ? pos : file + ":" + pos;
    }
    if (p.empty()) break;
  }
  return file;
}

}  // namespace slipway::migration

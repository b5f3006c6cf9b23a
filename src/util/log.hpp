// Minimal leveled logging to stderr. stdout is reserved for command output (tables, JSON).
#pragma once
#include <fmt/format.h>

#include <string_view>

namespace slipway::log {

enum class Level { quiet = 0, info = 1, verbose = 2 };

void set_level(Level level);
Level level();
void write(std::string_view prefix, std::string_view message);

template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (level() >= Level::info) write("", fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void verbose(fmt::format_string<Args...> f, Args&&... args) {
  if (level() >= Level::verbose) write("  ", fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  write("warning: ", fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace slipway::log

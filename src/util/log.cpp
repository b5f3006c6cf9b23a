#include "util/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace slipway::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;  // progress output and log lines come from several threads
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

void write(std::string_view prefix, std::string_view message) {
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "%.*s%.*s\n", int(prefix.size()), prefix.data(), int(message.size()),
               message.data());
}

}  // namespace slipway::log

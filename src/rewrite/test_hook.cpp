#include "rewrite/test_hook.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "util/log.hpp"

namespace slipway::rewrite {

void pause_point(std::string_view phase) {
  const char* at = std::getenv("SLIPWAY_TEST_PAUSE_AT");
  const char* file = std::getenv("SLIPWAY_TEST_PAUSE_FILE");
  if (!at || !file || !*file) return;
  static std::set<std::string> done;  // each phase pauses once per process
  std::stringstream list(at);
  bool listed = false;
  for (std::string item; std::getline(list, item, ',');) listed |= item == phase;
  if (!listed || !done.insert(std::string(phase)).second) return;
  namespace fs = std::filesystem;
  std::string tmp = std::string(file) + ".tmp";
  { std::ofstream(tmp) << phase << "\n"; }
  fs::rename(tmp, file);  // appears whole
  log::info("paused at phase {} until {} is removed", phase, file);
  while (fs::exists(file)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace slipway::rewrite

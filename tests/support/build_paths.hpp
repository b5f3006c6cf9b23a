// Paths CMake knows at configure time (the built binary, the source tree, the run's cluster file).
#pragma once

namespace slipway::test::build_paths {
extern const char* const slipway_bin;
extern const char* const source_dir;
extern const char* const cluster_file;
}  // namespace slipway::test::build_paths

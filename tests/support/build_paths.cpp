#include "support/build_paths.hpp"

namespace slipway::test::build_paths {
const char* const slipway_bin = SLIPWAY_BIN_DEFAULT;
const char* const source_dir = SLIPWAY_SOURCE_DIR_DEFAULT;
const char* const cluster_file = SLIPWAY_CLUSTER_FILE_DEFAULT;
}  // namespace slipway::test::build_paths

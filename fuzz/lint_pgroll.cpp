// The lint front end: any bytes as a pgroll migration (YAML or JSON). Findings or an InputError are both fine; any
// other exception, a crash, a leak or undefined behaviour is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lint/linter.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  slipway::lint::Linter linter({});
  try {
    linter.lint_pgroll("fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size));
  } catch (const slipway::InputError&) {
  }
  return 0;
}

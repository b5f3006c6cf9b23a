#include "cli/user_text_flags.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace slipway::cli {

void check_flag_text(std::string_view flag, const std::string& value, TextCheck check) {
  if (value.empty()) return;
  if (auto problem = check(value)) throw InputError(fmt::format("{} \"{}\" {}", flag, value, problem->what), problem->hint);
}

}  // namespace slipway::cli

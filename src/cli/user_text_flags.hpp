// Flags whose value slipway puts into SQL (--set, --where, --throttle-query, --lag-query):
// checked with lint's user-text gate when the command line is read, before connecting.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "lint/user_text.hpp"

namespace slipway::cli {

using TextCheck = std::optional<lint::UserTextProblem> (*)(std::string_view);

// InputError naming the flag when `value` (if not empty) does not pass `check`.
void check_flag_text(std::string_view flag, const std::string& value, TextCheck check);

}  // namespace slipway::cli

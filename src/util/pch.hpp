// Precompiled header: the heavy third-party headers most translation units include.
#pragma once
#include <pqxx/pqxx>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

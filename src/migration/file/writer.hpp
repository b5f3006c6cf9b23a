// Migration documents written back as files: YAML that reads back to the same JSON (strings
// that would read as null, booleans or numbers are quoted), or JSON.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace slipway::migration {

std::string to_yaml(const nlohmann::json& document);
// Writes `document` to `path`, YAML or JSON by `as_json`; Error when the file cannot be written.
void write_migration_file(const std::string& path, const nlohmann::json& document, bool as_json);

}  // namespace slipway::migration

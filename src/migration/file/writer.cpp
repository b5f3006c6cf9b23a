#include "migration/file/writer.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>

#include "migration/file/migration_file.hpp"
#include "util/error.hpp"

#include "util/text_file.hpp"

namespace slipway::migration {
namespace {

void emit(YAML::Emitter& out, const nlohmann::json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, v] : j.items()) {
      out << YAML::Key << k << YAML::Value;
      emit(out, v);
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& v : j) emit(out, v);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    // Quoted whenever a plain scalar would read back as something else (null, true, 12, 0.5).
    const auto& s = j.get<std::string>();
    const auto plain = yaml_plain_scalar(s);
    out << (plain.is_string() && plain.get<std::string>() == s ? YAML::Auto : YAML::DoubleQuoted) << s;
  } else if (j.is_null()) {
    out << YAML::Null;
  } else if (j.is_boolean()) {
    out << j.get<bool>();
  } else if (j.is_number_integer()) {
    out << j.get<long long>();
  } else {
    out << j.get<double>();
  }
}

}  // namespace

std::string to_yaml(const nlohmann::json& document) {
  YAML::Emitter out;
  emit(out, document);
  return std::string(out.c_str()) + "\n";
}

void write_migration_file(const std::string& path, const nlohmann::json& document, bool as_json) {
  write_text_file(path, as_json ? document.dump(2) + "\n" : to_yaml(document));
}

}  // namespace slipway::migration

// Reads migration files with yaml-cpp (JSON is YAML) into nlohmann::json, remembering where
// every field came from, then parses them strictly into operations.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "migration/file/migration_file.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;

namespace slipway::migration {

namespace {

// A plain (unquoted) YAML scalar as JSON: null, booleans and numbers as YAML 1.2's core schema
// reads them; everything else stays a string. Quoted scalars are always strings.
nlohmann::json plain_scalar(const std::string& s) {
  static const std::regex int_re(R"([-+]?[0-9]+)");
  static const std::regex float_re(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (std::regex_match(s, int_re)) {
    try {
      return std::stoll(s);
    } catch (...) {
      return s;
    }
  }
  if (std::regex_match(s, float_re)) return std::stod(s);
  return s;
}

nlohmann::json to_json(const YAML::Node& node, const std::string& path, SourceMap& map) {
  auto mark = node.Mark();
  if (mark.line >= 0) map.positions[path] = {mark.line + 1, mark.column + 1};
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return node.Scalar();
      return plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      auto arr = nlohmann::json::array();
      size_t i = 0;
      for (const auto& item : node) arr.push_back(to_json(item, fmt::format("{}[{}]", path, i++), map));
      return arr;
    }
    case YAML::NodeType::Map: {
      auto obj = nlohmann::json::object();
      for (const auto& kv : node) {
        std::string key = kv.first.as<std::string>();
        std::string child = path.empty() ? key : path + "." + key;
        if (obj.contains(key)) {
          throw InputError(fmt::format("{}: {}: duplicate field", map.where(child), child));
        }
        auto km = kv.first.Mark();
        if (km.line >= 0) map.positions[child] = {km.line + 1, km.column + 1};
        auto value = to_json(kv.second, child, map);
        // The key's position is the more useful one for "unknown field" messages.
        if (km.line >= 0) map.positions[child] = {km.line + 1, km.column + 1};
        obj[key] = std::move(value);
      }
      return obj;
    }
  }
  return nullptr;
}

}  // namespace

MigrationDocument read_migration_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("cannot read migration file {}", path), "check the path");
  std::stringstream ss;
  ss << in.rdbuf();
  SourceMap source;
  source.file = path;
  nlohmann::json doc;
  try {
    YAML::Node root = YAML::Load(ss.str());
    doc = to_json(root, "", source);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}:{}:{}: not valid YAML/JSON: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  std::string name = fs::path(path).stem().string();
  auto m = parse_migration(name, doc, std::move(source));
  return m;
}

MigrationDocument parse_migration(const std::string& name, const nlohmann::json& document, SourceMap source) {
  MigrationDocument m;
  m.name = name;
  m.document = document;
  m.source = std::move(source);
  if (name.empty()) throw InputError("a migration needs a name (the file's base name)");
  if (!m.document.is_object()) {
    throw InputError(fmt::format("{}: a migration must be an object with an `operations` list", m.source.where("")),
                     "see docs/migrations.md for the file format");
  }
  Fields top(m.document, "", m.source);
  if (auto declared = top.optional_string("name"); declared && *declared != name) {
    top.fail("name", fmt::format("says \"{}\" but the file is named \"{}\"", *declared, name),
             "the file's base name is the migration name; remove `name` or rename the file");
  }
  m.version_schema = top.optional_string("version_schema");
  if (m.version_schema && m.version_schema->empty()) top.fail("version_schema", "must not be empty");
  if (!top.has("operations")) {
    top.fail("operations", "required field is missing", "a migration is `operations:` followed by a list");
  }
  const auto& ops = m.document["operations"];
  if (!ops.is_array()) {
    top.fail("operations", "must be a list of operations (`- create_table: ...`)");
  }
  for (size_t i = 0; i < ops.size(); ++i) {
    std::string p = fmt::format("operations[{}]", i);
    const auto& item = ops[i];
    if (!item.is_object() || item.size() != 1) {
      throw InputError(fmt::format("{}: {}: each operation must be an object with exactly one key, the "
                                   "operation's kind",
                                   m.source.where(p), p),
                       "e.g. `- add_column: {table: users, column: {...}}`");
    }
    const std::string kind = item.begin().key();
    Fields f(item.begin().value(), p + "." + kind, m.source);
    m.operations.push_back(make_operation(kind, f));
    f.finish();
  }
  top.finish();
  return m;
}

std::vector<std::string> migration_files_in(const std::string& dir) {
  if (!fs::is_directory(dir)) throw InputError(fmt::format("{} is not a directory", dir));
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    auto ext = e.path().extension().string();
    if (ext == ".yaml" || ext == ".yml" || ext == ".json") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return fs::path(a).filename() < fs::path(b).filename();
  });
  return out;
}

}  // namespace slipway::migration

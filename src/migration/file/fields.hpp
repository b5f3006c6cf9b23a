// Strict reading of one JSON object of a migration document: typed getters that name the field
// path (and file:line:col) on any error, and finish() that rejects unknown fields. Every
// operation parses its own section with this, so the file format is defined next to the code
// that implements it.
#pragma once
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "migration/file/source_map.hpp"

namespace slipway::migration {

// A relation name a file wrote as `schema.name`: where, and the schema it names. Operations keep
// the bare name; validation checks the schema is the one the migration runs against.
struct SchemaQualifier {
  std::string path;  // "operations[0].create_table.name"
  std::string schema;
};

class Fields {
 public:
  // `qualifiers` (shared by the objects inside) collects the schema-qualified relation names read.
  Fields(const nlohmann::json& object, std::string path, const SourceMap& source,
         std::vector<SchemaQualifier>* qualifiers = nullptr);

  const std::string& path() const { return path_; }
  std::string child_path(const std::string& key) const;
  bool has(const char* key) const;
  bool has_list(const char* key) const;  // present and a list

  std::string required_string(const char* key);
  std::optional<std::string> optional_string(const char* key);
  // Three states: absent (nullopt), explicit null (optional holding nullopt), a string.
  std::optional<std::optional<std::string>> nullable_string(const char* key);
  // A table, index or other relation name: `name` or `schema.name` (pg::split_qualified); the
  // bare name is returned and a qualifier recorded.
  std::string required_relation(const char* key);
  std::optional<std::string> optional_relation(const char* key);
  std::optional<bool> optional_bool(const char* key);
  std::optional<long long> optional_int(const char* key);
  std::vector<std::string> string_list(const char* key, bool required = false);
  std::map<std::string, std::string> string_map(const char* key);

  // Strings slipway writes into its SQL as an expression, a type name or one of the clause
  // lists below, and statements it runs as written (syntax only): checked with lint/user_text as that shape (never text that ends the statement
  // or reaches past the clause), InputError at the field otherwise. An empty expression or type
  // is left to the caller.
  enum class Sql { expression, type, statements, storage_parameters, opclass, exclusion_elements, sequence_options };
  std::string required_sql(const char* key, Sql shape);
  std::optional<std::string> optional_sql(const char* key, Sql shape);
  std::optional<std::optional<std::string>> nullable_sql(const char* key, Sql shape);
  std::map<std::string, std::string> sql_map(const char* key, Sql shape);

  Fields required_object(const char* key);
  std::optional<Fields> optional_object(const char* key);
  std::vector<Fields> object_list(const char* key, bool required = false);

  // Throws InputError if the object has a field no getter asked for.
  void finish() const;

  // Throws InputError about `key` of this object (or the object itself if key is empty).
  [[noreturn]] void fail(const std::string& key, const std::string& problem,
                         const std::string& hint = {}) const;

 private:
  const nlohmann::json& get(const char* key) const;
  void check_sql(const std::string& key, const std::string& value, Sql shape) const;
  const nlohmann::json& object_;
  std::string path_;
  const SourceMap& source_;
  mutable std::set<std::string> read_;
  std::vector<SchemaQualifier>* qualifiers_;
};

}  // namespace slipway::migration

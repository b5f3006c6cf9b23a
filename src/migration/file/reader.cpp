// Reads migration files with yaml-cpp (JSON is YAML) into nlohmann::json, remembering where
// every field came from, then parses them strictly into operations.
#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "migration/file/migration_file.hpp"
#include "util/error.hpp"
#include "util/text_file.hpp"

namespace fs = std::filesystem;

namespace slipway::migration {

namespace {

// A plain (unquoted) YAML scalar as JSON: null, booleans and numbers as YAML 1.2's core schema
// reads them; everything else stays a string. Quoted scalars are always strings.
// A YAML 1.2 core-schema number: [-+]?[0-9]+ (integer) or
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? (float). A scanner, not std::regex: libstdc++'s
// regex recurses once per character and a long run of digits in a file overflowed the stack.
enum class NumberShape { none, integer, floating };
NumberShape number_shape(std::string_view s) {
  std::size_t i = 0, n = s.size();
  auto digits = [&] {
    std::size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t whole = digits();
  if (i == n) return whole > 0 ? NumberShape::integer : NumberShape::none;
  if (s[i] == '.') {
    ++i;
    if (digits() == 0 && whole == 0) return NumberShape::none;
  } else if (whole == 0) {
    return NumberShape::none;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return NumberShape::none;
  }
  return i == n ? NumberShape::floating : NumberShape::none;
}

// A plain (unquoted) YAML scalar as JSON: null, booleans and numbers as YAML 1.2's core schema
// reads them; everything else stays a string. Quoted scalars are always strings, and so is a
// number beyond a 64-bit integer or a double (JSON has no infinity).
nlohmann::json plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  switch (number_shape(s)) {
    case NumberShape::integer: {
      const char* first = s.data() + (s[0] == '+' ? 1 : 0);
      long long v = 0;
      auto [end, ec] = std::from_chars(first, s.data() + s.size(), v);
      if (ec == std::errc() && end == s.data() + s.size()) return v;
      return s;
    }
    case NumberShape::floating: {
      errno = 0;
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (errno == ERANGE && std::isinf(v)) return s;
      return v;
    }
    case NumberShape::none: break;
  }
  return s;
}

// Builds the JSON straight from yaml-cpp's parser events, without yaml-cpp's node tree (which
// costs about 50 bytes of memory per byte of file), remembering each value's position. Counts the
// values it produces: an alias (`*a`) is one event however often it is used but a copy of its
// anchor's value here, so nested aliases (a 360-byte "billion laughs" file) would otherwise
// expand into billions of values. A second document (after `---`) would be silently ignored by
// a reader of the first: it is refused.
class JsonBuilder : public YAML::EventHandler {
 public:
  JsonBuilder(SourceMap& map, std::size_t max_values) : map_(map), max_values_(max_values) {}

  nlohmann::json take() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) {
      throw InputError(fmt::format("{}:{}: a second YAML document (after `---`): a migration file holds one", map_.file,
                                   mark.line + 1),
                       "put all operations in the first document's `operations` list, or each migration in its own file");
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { add(nullptr, mark, anchor, 1); }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_scalar(value, mark);
    // Quoted scalars (tag "!") and explicit strings stay strings; a key is its text either way.
    bool text = tag == "!" || tag == "tag:yaml.org,2002:str" || expecting_key();
    add(text ? nlohmann::json(value) : plain_scalar(value), mark, anchor, 1);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) fail(mark, "an alias used inside its own anchor's value", "aliases cannot be recursive");
    add(it->second.value, mark, YAML::NullAnchor, it->second.values);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(nlohmann::json::array(), mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(nlohmann::json::object(), mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    nlohmann::json value;
    std::string path;
    YAML::anchor_t anchor;
    std::size_t values_before;         // for the anchor's size
    std::optional<std::string> key;    // a map's key waiting for its value
  };
  struct Anchored {
    nlohmann::json value;
    std::size_t values;
  };

  bool expecting_key() const { return !stack_.empty() && stack_.back().value.is_object() && !stack_.back().key; }

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& problem, const std::string& hint) const {
    throw InputError(fmt::format("{}:{}:{}: {}", map_.file, mark.line + 1, mark.column + 1, problem), hint);
  }

  void count(std::size_t values, const YAML::Mark& mark) {
    values_ += values;
    if (values_ > max_values_) {
      fail(mark,
           fmt::format("the document has more than {} values (an alias `*name` counts as a copy of what its anchor "
                       "holds), the limit for a file of this size",
                       max_values_),
           "use fewer aliases, or write the values out (docs/migrations.md, \"Limits\")");
    }
  }

  // The path of the value about to be placed (its container is on top of the stack).
  std::string next_path() const {
    if (stack_.empty()) return "";
    const Frame& top = stack_.back();
    if (top.value.is_array()) return fmt::format("{}[{}]", top.path, top.value.size());
    return top.path.empty() ? *top.key : top.path + "." + *top.key;
  }

  void add(nlohmann::json value, const YAML::Mark& mark, YAML::anchor_t anchor, std::size_t values) {
    count(values, mark);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {value, values};
    if (expecting_key()) {
      if (!value.is_string()) fail(mark, "a key must be a name", "write `name: value`");
      Frame& top = stack_.back();
      std::string key = value.get<std::string>();
      std::string child = top.path.empty() ? key : top.path + "." + key;
      if (top.value.contains(key)) throw InputError(fmt::format("{}: {}: duplicate field", map_.where(child), child));
      // The key's position is the more useful one for "unknown field" messages.
      map_.positions[child] = {mark.line + 1, mark.column + 1};
      top.key = std::move(key);
      return;
    }
    place(std::move(value), mark);
  }

  // Puts a finished value into its container (or makes it the document). `mark` is where it
  // starts; a key's value keeps the key's position, set when the key was read.
  void place(nlohmann::json value, const std::optional<YAML::Mark>& mark) {
    bool in_map = !stack_.empty() && stack_.back().value.is_object();
    if (mark && !in_map) map_.positions[next_path()] = {mark->line + 1, mark->column + 1};
    if (stack_.empty()) {
      root_ = std::move(value);
    } else if (in_map) {
      Frame& top = stack_.back();
      top.value[*top.key] = std::move(value);
      top.key.reset();
    } else {
      stack_.back().value.push_back(std::move(value));
    }
  }

  void open(nlohmann::json empty, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (expecting_key()) fail(mark, "a key must be a name, not a list or a map", "write `name: value`");
    count(1, mark);
    std::string path = next_path();
    if (stack_.empty() || stack_.back().value.is_array()) map_.positions[path] = {mark.line + 1, mark.column + 1};
    stack_.push_back({std::move(empty), std::move(path), anchor, values_ - 1, std::nullopt});
  }

  void close() {
    Frame done = std::move(stack_.back());
    stack_.pop_back();
    if (done.anchor != YAML::NullAnchor) anchors_[done.anchor] = {done.value, values_ - done.values_before};
    place(std::move(done.value), std::nullopt);  // its position was recorded by open()
  }

  // The file's bytes are checked before parsing; escapes ("\0", "\x07") can still put a NUL or a
  // control character into a value, which PostgreSQL cannot store.
  void check_scalar(const std::string& value, const YAML::Mark& mark) const {
    if (auto problem = first_text_problem(value, true)) {
      std::string path = expecting_key() ? (stack_.back().path.empty() ? "a key" : stack_.back().path + ": a key")
                                         : next_path();
      fail(mark, fmt::format("{}{}the value holds {}", path, path.empty() ? "" : ": ", problem.what),
           "remove it: names, types and SQL have no use for it (PostgreSQL text cannot hold NUL bytes)");
    }
  }

  SourceMap& map_;
  std::size_t max_values_;
  std::size_t values_ = 0;
  int documents_ = 0;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  nlohmann::json root_;
};

}  // namespace

MigrationDocument read_migration_file(const std::string& path) {
  return read_migration_text(read_text_file(path, limits::max_migration_file_bytes, "a migration file"), path);
}

namespace {
// The file's text as JSON (YAML 1.2 core schema; JSON is YAML), with the line of every value.
nlohmann::json document_of(std::string_view text, const std::string& path, SourceMap& source) {
  if (text.size() > limits::max_migration_file_bytes) {
    throw InputError(fmt::format("{}: larger than {} bytes ({} MiB), the limit for a migration file", path,
                                 limits::max_migration_file_bytes, limits::max_migration_file_bytes >> 20),
                     "split it into smaller files");
  }
  check_text(text, path, true);
  source.file = path;
  nlohmann::json doc;
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    JsonBuilder builder(source, limits::max_migration_values(text.size()));
    if (parser.HandleNextDocument(builder)) parser.HandleNextDocument(builder);  // a second one throws
    doc = builder.take();
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}:{}:{}: not valid YAML/JSON: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return doc;
}
}  // namespace

nlohmann::json yaml_plain_scalar(const std::string& text) { return plain_scalar(text); }

nlohmann::json read_migration_document(const std::string& path) {
  SourceMap source;
  return document_of(read_text_file(path, limits::max_migration_file_bytes, "a migration file"), path, source);
}

MigrationDocument read_migration_text(std::string_view text, const std::string& path) {
  SourceMap source;
  auto doc = document_of(text, path, source);
  std::string name = fs::path(path).stem().string();
  return parse_migration(name, std::move(doc), std::move(source));
}

MigrationDocument parse_migration(const std::string& name, nlohmann::json document, SourceMap source) {
  MigrationDocument m;
  m.name = name;
  m.source = std::move(source);
  if (name.empty()) throw InputError("a migration needs a name (the file's base name)");
  if (!document.is_object()) {
    throw InputError(fmt::format("{}: a migration must be an object with an `operations` list", m.source.where("")),
                     "see docs/migrations.md for the file format");
  }
  Fields top(document, "", m.source);
  if (auto declared = top.optional_string("name"); declared && *declared != name) {
    top.fail("name", fmt::format("says \"{}\" but the file is named \"{}\"", *declared, name),
             "the file's base name is the migration name; remove `name` or rename the file");
  }
  m.version_schema = top.optional_string("version_schema");
  if (m.version_schema && m.version_schema->empty()) top.fail("version_schema", "must not be empty");
  if (!top.has("operations")) {
    top.fail("operations", "required field is missing", "a migration is `operations:` followed by a list");
  }
  const auto& ops = document["operations"];
  if (!ops.is_array()) {
    top.fail("operations", "must be a list of operations (`- create_table: ...`)");
  }
  if (ops.size() > limits::max_migration_operations) {
    top.fail("operations", fmt::format("{} operations; a migration holds at most {}", ops.size(), limits::max_migration_operations),
             "split it into several migrations (docs/migrations.md, \"Limits\")");
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
    std::vector<SchemaQualifier> qualifiers;
    Fields f(item.begin().value(), p + "." + kind, m.source, &qualifiers);
    m.operations.push_back(make_operation(kind, f));
    f.finish();
    m.operations.back()->qualifiers = std::move(qualifiers);
  }
  top.finish();
  m.document_text = document.dump();
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

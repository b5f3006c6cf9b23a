// changing-column-type: ALTER COLUMN ... TYPE rewrites the table and rebuilds its indexes under
// ACCESS EXCLUSIVE, except for binary-coercible changes (varchar widening or dropping the
// limit, varchar -> text, numeric precision widening, ...), which only touch the catalog.
// The old type comes from CREATE TABLE / ADD COLUMN seen earlier in the run.
#include "lint/rules/common.hpp"
#include "lint/types.hpp"

#include <algorithm>
#include <cctype>

namespace slipway::lint::rules {
namespace {

class ChangingColumnType final : public Rule {
 public:
  RuleInfo info() const override {
    return {"changing-column-type", Severity::error, "changing a column's type rewrites the table"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string& sub, const Json& cmd) {
      if (sub != "AT_AlterColumnType") return;
      TypeChange change = judge_type_change(cmd, table, ctx);
      if (!change.valid || !change.rewrites) return;
      const Json& col = *as(*get(cmd, "def"), "ColumnDef");
      std::string c = str(cmd, "name");
      const ColumnType& to = change.to;
      const ColumnType* from = change.from;
      std::string what = from ? "changing " + c + " from " + from->display() + " to " + to.display()
                              : "changing the type of " + c + " to " + to.display();
      std::string why = from ? " is not binary-coercible:" : " (old type not seen in this run):";
      out.push_back({what + why + " rewrites " + table + " and its indexes while holding ACCESS EXCLUSIVE",
                     "add a new column of the new type, keep it in sync with a trigger, backfill in batches, "
                     "then switch readers and drop the old column (slipway migrations do this with "
                     "alter_column), or rebuild the table online with `slipway rewrite`",
                     online_fix(s, table, c, col), integer(col, "location")});
    });
  }

 private:
  // The two slipway ways, as SQL comments: the online rewrite of the table (not with USING,
  // which `slipway rewrite` refuses) and the expand/contract migration, whose `up` is the
  // USING expression when there is one (without it alter_column casts).
  static std::string shell_word(const std::string& w) {
    bool plain = !w.empty();
    for (char ch : w)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-')) plain = false;
    if (plain) return w;
    std::string quoted = "'";
    for (char ch : w) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return quoted + "'";
  }

  static std::string online_fix(const Statement& s, const std::string& table, const std::string& column,
                                const Json& col) {
    if (list(s.body, "cmds").size() != 1) return {};
    int type_at = integer(*get(col, "typeName"), "location");
    std::string_view rest = s.text_between(type_at);
    if (rest.empty()) return {};
    std::size_t using_at = find_keyword(rest, "USING");
    // The type as written, with its COLLATE clause (the rewrite keeps it; a migration's `type`
    // has no place for it, so then no migration is printed).
    std::string type = trimmed_text(rest.substr(0, std::min(using_at, rest.size())));
    if (type.empty()) return {};
    bool collate = find_keyword(type, "COLLATE") != std::string_view::npos;
    auto dot = table.find('.');
    std::string schema = dot == std::string::npos ? std::string() : table.substr(0, dot);
    std::string bare = dot == std::string::npos ? table : table.substr(dot + 1);
    std::string schema_flag = schema.empty() ? std::string() : "--schema " + shell_word(schema) + " ";
    std::string out;
    if (using_at == std::string_view::npos) {
      out = "-- online (shadow table, change capture, a short swap):\n--   slipway " + schema_flag + "rewrite --table " +
            shell_word(bare) + " --alter " + shell_word("ALTER COLUMN " + ident(column) + " TYPE " + type);
      if (collate) return out;
      out += "\n-- or expand/contract, ";
    } else if (collate) {
      return {};
    } else {
      out = "-- expand/contract, ";
    }
    nlohmann::ordered_json op = {{"table", bare}, {"column", column}, {"type", type}};
    if (using_at != std::string_view::npos) op["up"] = trimmed_text(rest.substr(using_at + 5));
    nlohmann::ordered_json migration = {{"operations", {{{"alter_column", op}}}}};
    return out + "a slipway migration (slipway " + schema_flag + "start, then complete):\n--   " + migration.dump();
  }
};

}  // namespace
std::unique_ptr<Rule> make_changing_column_type() { return std::make_unique<ChangingColumnType>(); }
}  // namespace slipway::lint::rules

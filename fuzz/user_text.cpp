// The one gate for user text in slipway's SQL (lint/user_text): --alter's ALTER TABLE actions,
// expressions (--where, up/down, defaults, checks), types, --set lists and throttle queries. The
// first byte picks the check, the rest is the text. Each check returns a problem or nothing;
// throwing, crashing, leaking or undefined behaviour is a bug. And what a check accepts must
// stay inside the statement slipway puts it in: embedded there, the text parses as exactly one
// statement without error (no closing parenthesis, no second statement, no comment that eats
// what slipway writes after it).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lint/parser.hpp"
#include "lint/user_text.hpp"

namespace lint = slipway::lint;

namespace {

// Aborts (a finding) unless `sql` is one statement that parses.
void must_be_one_statement(const std::string& sql) {
  auto out = lint::parse_sql(sql);
  if (out.statements.size() != 1 || out.statements[0].error) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      if (!lint::alter_table_problem("public", "t", text)) must_be_one_statement("ALTER TABLE public.t " + text);
      break;
    case 1: {
      bool accepted = !lint::expression_problem(text);
      // check_expression is the same check with a position: they must agree.
      if (accepted != !lint::check_expression(text)) std::abort();
      if (accepted) must_be_one_statement("UPDATE t SET c = (" + text + ") WHERE (" + text + ") AND id > 1");
      break;
    }
    case 2:
      if (!lint::type_problem(text)) must_be_one_statement("CREATE TABLE t (c " + text + " NOT NULL, d int)");
      break;
    case 3:
      if (!lint::assignments_problem(text)) must_be_one_statement("UPDATE t SET " + text + " WHERE id > 1");
      break;
    case 4:
      if (!lint::query_problem(text)) must_be_one_statement(text);
      break;
    case 5: (void)lint::alter_table_problem("sch\"ema", "ta ble", text); break;
  }
  return 0;
}

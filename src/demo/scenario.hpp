// The demo's story: the `user_profiles` table of the seed documents, the application that uses
// it (in the two shapes it has before and after full_name exists), and the six changes made to
// it, each as a pgroll-format file under examples/user_profiles/ plus what the naive way would
// run instead and how the result is verified.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "pg/connection.hpp"

namespace slipway::demo {

inline constexpr const char* kTable = "user_profiles";

// Which columns an application version reads and writes.
enum class AppShape {
  split_name,  // first_name, last_name (the application before 01_combine_full_name)
  full_name,   // full_name
};

// Creates `schema`.user_profiles and fills it with `rows` rows (one INSERT ... SELECT).
void load_scenario(pg::Connection& conn, const std::string& schema, int64_t rows);

// One change of the scenario.
struct ScenarioStep {
  std::string file;         // file name under the examples directory, e.g. 02_add_status.yaml
  std::string name;         // migration name (the file name without extension)
  std::string title;        // what it does, for people
  AppShape new_app_shape;   // the application written for the schema after this change
  // Checked after the backfill, before complete, while both versions exist: one statement
  // returning (rows checked, rows violating the invariant). {old} and {new} are replaced by the
  // quoted schemas the old and new application use.
  std::string verify_sql;
  // The naive way: plain statements on the table, run one after the other in autocommit, each
  // with a short label ("UPDATE all rows"). {table} is replaced by the quoted, schema-qualified
  // table.
  std::vector<std::pair<std::string, std::string>> naive_sql;
};

const std::vector<ScenarioStep>& scenario_steps();

// After every change: checks of the final table in `schema` (catalog and rows). Each returns a
// description of what failed; empty when all hold. `full_naive` is false for the naive copy,
// which keeps first_name/last_name (the naive way never gets to drop them safely).
struct FinalCheck {
  int64_t rows = 0;          // rows in the table
  int64_t rows_ok = 0;       // rows that satisfy every row invariant
  std::vector<std::string> failures;
};
FinalCheck check_final_state(pg::Connection& conn, const std::string& schema, bool naive);

// The application's statements for a shape (unqualified table; the session's search_path picks
// the version schema).
struct AppStatements {
  std::string read;    // $1 = id
  std::string update;  // $1 = id, then the name columns
  std::string insert;  // username, email, name columns..., bio, tier, referred_by
};
const AppStatements& app_statements(AppShape shape);

}  // namespace slipway::demo

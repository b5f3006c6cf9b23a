// Nothing left stuck: from every state a crash, an error or a lock give-up leaves, `slipway
// status` names the command to run, and running it works. The kills use the applier's test hook
// (SLIPWAY_TEST_PAUSE_AT, see kill_test.cpp); status is read through `status --json`.
#include "demo/scenario.hpp"
#include "migration/ops_test_support.hpp"
#include "support/slipway_process.hpp"

namespace slipway::test {
namespace {

class Recovery : public OpsTest {
 protected:
  // The commands `status` names for the active migration: {resume, or}; {"", ""} when none is
  // active.
  std::pair<std::string, std::string> named_commands() {
    auto r = slipway({"status", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto s = nlohmann::json::parse(r.out);
    if (s["active"].is_null()) return {"", ""};
    const auto& pos = s["active"]["position"];
    EXPECT_TRUE(pos["next_command"].is_string()) << r.out;
    return {pos["next_command"], pos["or"].is_null() ? "" : pos["or"].get<std::string>()};
  }
  // Runs a command `status` named (start gets the migration's file).
  CommandResult run_named(const std::string& command, const std::string& file) {
    std::vector<std::string> args{command};
    if (command == "start") args.push_back(file);
    return slipway(args);
  }
  std::vector<std::string> step_ids(const std::string& file, const std::string& phase) {
    auto r = slipway({"plan", "--json", file});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> ids;
    const auto plan = nlohmann::json::parse(r.out);
    for (const auto& a : plan[phase]) ids.push_back(a["id"]);
    return ids;
  }
  std::string history_status(const std::string& name) {
    return scalar<std::string>("SELECT status FROM slipway.migrations WHERE name = '" + name + "'");
  }

  // Kills `command` before each of its steps `ids` in turn; `check(i)` then reads what status
  // names after the kill before step i.
  void kill_before_each(const std::vector<std::string>& command, const std::vector<std::string>& ids,
                        const std::function<void(size_t)>& check) {
    for (size_t i = 0; i < ids.size(); ++i) {
      SCOPED_TRACE(command[0] + " killed before step " + ids[i]);
      run_until_step_then_kill(url(), command, ids[i]);
      check(i);
    }
  }

  // The property, for one migration: killed before each step of start, status names a way
  // back (rollback: the schema as before) and a way on (start again, then complete or rollback);
  // killed during complete and during rollback, the command status names finishes them.
  void expect_recoverable_from_every_step(const std::string& file, const std::string& name) {
    const auto before = app_schema_dump();
    // `plan` refuses a migration that is active: the steps are read first.
    const auto start_ids = step_ids(file, "start"), rollback_ids = step_ids(file, "rollback"),
               complete_ids = step_ids(file, "complete");
    for (const auto& id : start_ids) {
      SCOPED_TRACE("start killed before step " + id);
      run_until_step_then_kill(url(), {"start", file}, id);
      auto [resume, instead] = named_commands();
      ASSERT_EQ(resume, "start");
      ASSERT_EQ(instead, "rollback");
      auto back = run_named(instead, file);
      ASSERT_EQ(back.exit_code, 0) << back.err;
      EXPECT_EQ(app_schema_dump(), before);
      EXPECT_EQ(named_commands().first, "");

      run_until_step_then_kill(url(), {"start", file}, id);
      auto on = run_named(named_commands().first, file);
      ASSERT_EQ(on.exit_code, 0) << on.err;
      auto [next, other] = named_commands();
      EXPECT_EQ(next, "complete");
      ASSERT_EQ(other, "rollback");
      ASSERT_EQ(run_named(other, file).exit_code, 0);
      EXPECT_EQ(app_schema_dump(), before);
    }
    start(file);
    kill_before_each({"rollback"}, rollback_ids, [&](size_t) {
      EXPECT_EQ(named_commands(), std::make_pair(std::string("rollback"), std::string()));
    });
    ASSERT_FALSE(rollback_ids.empty());
    auto back = run_named(named_commands().first, file);
    ASSERT_EQ(back.exit_code, 0) << back.err;
    EXPECT_EQ(app_schema_dump(), before);
    start(file);
    kill_before_each({"complete"}, complete_ids, [&](size_t i) {
      auto [resume, instead] = named_commands();
      EXPECT_EQ(resume, "complete");
      // Once a step of complete ran, there is no way back.
      EXPECT_EQ(instead, i == 0 ? "rollback" : "");
    });
    auto done = run_named(named_commands().first, file);
    ASSERT_EQ(done.exit_code, 0) << done.err;
    EXPECT_EQ(named_commands().first, "");
    EXPECT_EQ(history_status(name), "complete");
    EXPECT_EQ(slipway_leftovers(), "");
  }
};

// The examples' migrations, in order: every operation kind they use, each step of each.
TEST_F(Recovery, EveryStepOfTheExampleMigrations) {
  auto conn = connect();
  demo::load_scenario(conn, "public", 300);
  ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  for (const auto& step : demo::scenario_steps()) {
    SCOPED_TRACE(step.file);
    expect_recoverable_from_every_step(source_dir() + "/examples/user_profiles/" + step.file, step.name);
  }
}

// An index on a partitioned table is many steps (ON ONLY, a concurrent build per leaf, an attach
// per partition): killed before any of them, start resumes and rollback leaves nothing.
TEST_F(Recovery, EveryStepOfAPartitionedIndexBuild) {
  sql("CREATE TABLE events (id int NOT NULL, day int NOT NULL) PARTITION BY RANGE (day)");
  sql("CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (100)");
  sql("CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (100) TO (200) PARTITION BY LIST (id)");
  sql("CREATE TABLE events_2a PARTITION OF events_2 DEFAULT");
  sql("INSERT INTO events SELECT g, g % 200 FROM generate_series(1, 500) g");
  ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  auto file = migration_file("02_index", R"(operations:
  - create_index:
      name: events_id_idx
      table: events
      columns:
        - column: id
)");
  expect_recoverable_from_every_step(file, "02_index");
}

// The other operation kinds, and a `sql` operation whose `down` fails unless its `up` ran.
TEST_F(Recovery, EveryStepOfTheOtherOperationKinds) {
  sql("CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, score int CHECK (score >= 0))");
  sql("CREATE TABLE tags (id int PRIMARY KEY, a int, b int, CONSTRAINT tags_a_b UNIQUE (a, b))");
  sql("INSERT INTO tags SELECT g, g, g FROM generate_series(1, 100) g");
  sql("CREATE INDEX users_score_idx ON users (score)");
  sql("CREATE TABLE old_stuff (id int PRIMARY KEY)");
  sql("INSERT INTO users SELECT g, 'user' || g, g FROM generate_series(1, 300) g");
  ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  auto file = migration_file("02_others", R"(operations:
  - create_table:
      name: teams
      columns:
        - name: id
          type: serial
          pk: true
        - name: label
          type: text
  - sql:
      up: CREATE TABLE notes (id int)
      down: DROP TABLE notes
  - create_constraint:
      type: check
      table: users
      name: name_not_empty
      columns: [name]
      check: length(name) > 0
      up:
        name: CASE WHEN length(name) > 0 THEN name ELSE '?' END
      down:
        name: name
  - drop_constraint:
      table: users
      name: users_score_check
      up: score
      down: greatest(score, 0)
  - drop_multicolumn_constraint:
      table: tags
      name: tags_a_b
      up:
        a: a
        b: b
      down:
        a: a
        b: b
  - rename_column:
      table: users
      from: name
      to: full_name
  - drop_index:
      name: users_score_idx
  - set_replica_identity:
      table: users
      identity:
        type: full
  - drop_table:
      name: old_stuff
  - rename_table:
      from: teams
      to: squads
)");
  expect_recoverable_from_every_step(file, "02_others");
}

// A `sql` operation whose `up` fails: bad input naming the file and the operation, and the
// start rolled back (as pgroll does): nothing of the migration remains, and the fixed file starts.
TEST_F(Recovery, FailingSqlUpIsBadInputAndTheStartIsRolledBack) {
  sql("CREATE TABLE users (id int PRIMARY KEY, name text)");
  sql("INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 50) g");
  ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  const auto before = app_schema_dump();
  const std::string yaml = R"(operations:
  - add_column:
      table: users
      up: name || '!'
      column:
        name: shout
        type: varchar(200)
  - sql:
      up: CREATE TABLE foo (id int REFERENCES nowhere (id))
      down: DROP TABLE foo
)";
  auto file = migration_file("03_bad_sql", yaml);
  auto r = slipway({"start", file});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(file + ":"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("operations[1].sql.up"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nowhere"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("was rolled back"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fix the statement"), std::string::npos) << r.err;
  EXPECT_EQ(app_schema_dump(), before);
  EXPECT_EQ(history_status("03_bad_sql"), "rolled_back");
  EXPECT_EQ(named_commands().first, "");

  auto fixed = yaml;
  fixed.replace(fixed.find(" REFERENCES nowhere (id)"), std::string(" REFERENCES nowhere (id)").size(), "");
  migration_file("03_bad_sql", fixed);
  start(file);
  complete();
  EXPECT_TRUE(has_column("users", "shout"));
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.foo') IS NOT NULL"));
}

// Rollback undoes only the steps that ran: a `down` whose `up` never ran is not run (it would
// fail forever: `notes` does not exist).
TEST_F(Recovery, RollbackSkipsTheDownOfAnUpThatNeverRan) {
  sql("CREATE TABLE users (id int PRIMARY KEY)");
  ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  const auto before = app_schema_dump();
  auto file = migration_file("04_sql", R"(operations:
  - sql:
      up: CREATE TABLE notes (id int)
      down: DROP TABLE notes
)");
  run_until_step_then_kill(url(), {"start", file}, "sql:up");
  auto r = slipway({"rollback"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("nothing to undo"), std::string::npos) << r.err;
  EXPECT_EQ(app_schema_dump(), before);
}

// A `down` that fails is bad input naming the operation; the rollback stays resumable.
TEST_F(Recovery, FailingSqlDownNamesTheOperationAndRollbackResumes) {
  sql("CREATE TABLE users (id int PRIMARY KEY)");
  ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  auto file = migration_file("05_sql", R"(operations:
  - sql:
      up: CREATE TABLE notes (id int)
      down: DROP TABLE notes
)");
  start(file);
  sql("ALTER TABLE notes RENAME TO notes_by_hand");  // someone moved it by hand
  auto r = slipway({"rollback"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("migration 05_sql: operations[0].sql.down"), std::string::npos) << r.err;
  EXPECT_EQ(named_commands().first, "rollback");
  sql("ALTER TABLE notes_by_hand RENAME TO notes");
  rollback();
  EXPECT_EQ(history_status("05_sql"), "rolled_back");
}

// A lock give-up (exit 3) leaves the migration active: the message says so, and that the same
// command resumes it; it does.
TEST_F(Recovery, LockGiveUpSaysTheMigrationStaysActiveAndTheSameCommandResumes) {
  sql("CREATE TABLE users (id int PRIMARY KEY, name text)");
  ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  auto file = migration_file("06_add", R"(operations:
  - add_column:
      table: users
      column:
        name: note
        type: text
        nullable: true
)");
  auto holder = connect();
  holder.exec("BEGIN");
  holder.exec("LOCK TABLE users IN ACCESS SHARE MODE");
  auto r = slipway({"--lock-timeout", "300ms", "--lock-retries", "0", "start", file});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("migration 06_add stays active"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("`slipway start " + file + "` again resumes it"), std::string::npos) << r.err;
  EXPECT_EQ(named_commands(), std::make_pair(std::string("start"), std::string("rollback")));
  holder.exec("ROLLBACK");
  start(file);
  complete();
  EXPECT_TRUE(has_column("users", "note"));
}

// A retried rollback or complete that finds its work done (the history says so) is a success
// with a note; a request nothing in the history satisfies stays bad input.
TEST_F(Recovery, RetriedRollbackAndCompleteFindTheirWorkDone) {
  sql("CREATE TABLE users (id int PRIMARY KEY)");
  EXPECT_EQ(slipway({"init"}).exit_code, 0);
  auto nothing = slipway({"rollback"});
  EXPECT_EQ(nothing.exit_code, 2) << nothing.err;
  EXPECT_EQ(slipway({"complete"}).exit_code, 2);

  auto file = migration_file("07_idx", R"(operations:
  - create_index:
      name: users_id_idx
      table: users
      columns:
        - column: id
)");
  start(file);
  rollback();
  auto again = slipway({"rollback", "--json"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("already rolled back"), std::string::npos) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["already_done"], true);
  auto wrong = slipway({"complete"});
  EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
  EXPECT_NE(wrong.err.find("07_idx, was rolled back"), std::string::npos) << wrong.err;

  start(file);
  complete();
  auto retried = slipway({"complete"});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_NE(retried.err.find("already completed"), std::string::npos) << retried.err;
  auto late = slipway({"rollback"});
  EXPECT_EQ(late.exit_code, 2) << late.err;
  EXPECT_NE(late.err.find("cannot be rolled back"), std::string::npos) << late.err;
}

// `start FILE --complete` retried after its first run finished (the answer lost with the
// connection): nothing to do, exit 0, as a retried `complete` is. The same file changed, or a
// plain `start`, is still refused.
TEST_F(Recovery, RetriedStartCompleteAfterItFinishedIsDone) {
  sql("CREATE TABLE users (id int PRIMARY KEY)");
  const std::string yaml = "operations:\n  - add_column: {table: users, column: {name: c, type: int, nullable: true}}\n";
  auto file = migration_file("08_add", yaml);
  ASSERT_EQ(slipway({"start", file, "--complete"}).exit_code, 0);
  const auto after = app_schema_dump();
  auto retried = slipway({"start", file, "--complete", "--json"});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_NE(retried.err.find("already started and completed: nothing to do"), std::string::npos) << retried.err;
  EXPECT_EQ(nlohmann::json::parse(retried.out)["status"], "complete");
  EXPECT_EQ(app_schema_dump(), after);
  auto plain = slipway({"start", file});
  EXPECT_EQ(plain.exit_code, 2) << plain.err;
  EXPECT_NE(plain.err.find("already applied (complete)"), std::string::npos) << plain.err;
  migration_file("08_add", "operations:\n  - add_column: {table: users, column: {name: d, type: int, nullable: true}}\n");
  auto changed = slipway({"start", file, "--complete"});
  EXPECT_EQ(changed.exit_code, 2) << changed.err;
  EXPECT_EQ(app_schema_dump(), after);
}

}  // namespace
}  // namespace slipway::test

// Shared helpers of the backfill tests: a people table with a column to fill, the migration
// engine's kind of trigger, a progress sink that records snapshots.
#pragma once
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "backfill/engine.hpp"
#include "support/pg_test.hpp"

namespace slipway::test {

class RecordingSink : public backfill::ProgressSink {
 public:
  void update(const backfill::ProgressSnapshot& s) override {
    std::lock_guard l(mu_);
    snapshots_.push_back(s);
  }
  void finish(const backfill::ProgressSnapshot& s) override {
    std::lock_guard l(mu_);
    snapshots_.push_back(s);
  }
  void note(const std::string& m) override {
    std::lock_guard l(mu_);
    notes_.push_back(m);
  }
  bool saw_reason(const std::string& reason) {
    std::lock_guard l(mu_);
    for (const auto& s : snapshots_) {
      if (s.throttle_reason == reason) return true;
    }
    return false;
  }
  std::vector<backfill::ProgressSnapshot> snapshots() {
    std::lock_guard l(mu_);
    return snapshots_;
  }

 private:
  std::mutex mu_;
  std::vector<backfill::ProgressSnapshot> snapshots_;
  std::vector<std::string> notes_;
};

class BackfillTest : public PgTest {
 protected:
  // people(id bigint identity PK, first, last, full_name (to fill), hits int (counts updates)).
  void make_people(int rows) {
    sql("CREATE TABLE people (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, first text NOT NULL, "
        "last text NOT NULL, full_name text, hits int NOT NULL DEFAULT 0)");
    sql("INSERT INTO people (first, last) SELECT 'first' || g, 'last' || g FROM generate_series(1, " +
        std::to_string(rows) + ") g");
    sql("ANALYZE people");
  }

  // The migration engine's trigger shape: application writes compute full_name; the backfill's
  // own writes (slipway.backfill = on) skip it.
  void add_up_trigger() {
    sql(R"(CREATE FUNCTION people_up() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN NEW.full_name := NEW.first || ' ' || NEW.last; RETURN NEW; END $$)");
    sql("CREATE TRIGGER people_up BEFORE INSERT OR UPDATE ON people FOR EACH ROW "
        "WHEN (current_setting('slipway.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION people_up()");
  }

  int64_t wrong_rows(const std::string& table = "people") {
    return scalar<int64_t>("SELECT count(*) FROM " + table +
                           " WHERE full_name IS DISTINCT FROM first || ' ' || last");
  }

  // Rows recorded in the checkpoints so far (0 before the engine created its state tables).
  int64_t checkpointed_rows() {
    if (!scalar<bool>("SELECT to_regclass('slipway.backfill_ranges') IS NOT NULL")) return 0;
    return scalar<int64_t>("SELECT coalesce(sum(rows_done), 0) FROM slipway.backfill_ranges");
  }

  backfill::JobSpec people_job(const std::string& id = "job") {
    backfill::JobSpec spec;
    spec.job_id = id;
    spec.schema = "public";
    spec.table = "people";
    spec.action = backfill::update_action(R"("full_name" = first || ' ' || last, hits = hits + 1)");
    spec.action_description = "full_name";
    return spec;
  }

  backfill::EngineOptions small_batches(int64_t size) {
    backfill::EngineOptions o;
    o.fixed_batch_size = size;
    return o;
  }
};

}  // namespace slipway::test

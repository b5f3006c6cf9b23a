// The repairer (compare's applier): makes the target's confirmed differing rows equal to the
// source's — insert what is missing, update what differs, delete what the source does not
// have — in short transactions through the lock-timeout executor, then fetches those keys again
// to show they are equal. Only the compared columns are written (generated ones never).
#pragma once
#include "compare/comparer.hpp"
#include "pg/ddl_executor.hpp"

namespace slipway::compare {

class Repairer {
 public:
  Repairer(pg::Connection& source, pg::DdlExecutor& target, Comparer& comparer, bool dry_run)
      : source_(source), target_(target), comparer_(comparer), dry_run_(dry_run) {}
  // Repairs result.differences; fills result.repaired, repair_statements (dry run) and
  // after_repair.
  void repair(TableResult& result);

 private:
  pg::Connection& source_;
  pg::DdlExecutor& target_;
  Comparer& comparer_;
  bool dry_run_;
};

}  // namespace slipway::compare

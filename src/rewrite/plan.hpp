// What a rewrite works with, fixed when it starts and stored in slipway.rewrites.plan so that a
// re-run after a crash continues with exactly the same helper objects and column mapping.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace slipway::rewrite {

// Keeps `target` in step with `source`: rows are copied and log entries replayed with
//   INSERT INTO target (target_columns) SELECT source_exprs FROM ONLY source s ...
// The log holds only the key of every row changed in `source` (see capture.hpp).
struct SyncPair {
  std::string schema;  // application schema of source and target
  std::string source;  // table names, unqualified
  std::string target;
  std::string log_schema;  // slipway's state schema
  std::string log;
  std::vector<std::string> key;
  std::vector<std::string> source_key_types;
  std::vector<std::string> target_key_types;
  std::vector<std::string> target_columns;
  std::vector<std::string> source_exprs;  // over the alias `s`
  bool overriding = false;                // target has GENERATED ALWAYS identity columns

  std::string qualified_source() const;
  std::string qualified_target() const;
  std::string qualified_log() const;
};

// One index of the original table and its counterpart on the shadow.
struct IndexPlan {
  std::string original;  // name on the original table (and on the new one after the swap)
  std::string shadow;    // name on the shadow until the swap, then on the old table
  std::string create_tail;     // "USING btree (id)" (plain indexes)
  bool unique = false;
  bool key_index = false;      // the index of the key replay and verification look rows up by
  char constraint_type = 0;    // 'p', 'u', 'x' when it backs a constraint
  std::string constraint_def;  // pg_get_constraintdef, for constraint-backed indexes
};

// Helper objects of one direction of change capture.
struct CaptureNames {
  std::string function;        // in the state schema
  std::string trigger_prefix;  // triggers <prefix>ins/upd/del/trunc on the captured table
};

struct Plan {
  int64_t id = 0;
  std::string schema;
  std::string table;
  // The shadow until the swap; the swap exchanges the names, so afterwards the original
  // (old) table carries it through the rollback window.
  std::string shadow;
  std::string state_schema;
  SyncPair forward;  // original -> shadow, before the swap
  SyncPair reverse;  // new -> old, during the rollback window
  CaptureNames forward_capture;
  CaptureNames reverse_capture;
  std::vector<IndexPlan> indexes;

  nlohmann::json to_json() const;
  static Plan from_json(const nlohmann::json& j);
};

}  // namespace slipway::rewrite

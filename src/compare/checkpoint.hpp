// Where a compare stands, in a local file (compare is read-only on both databases, so its
// progress is not kept in them): per table, the last key compared and the keys found
// different so far. Written after every chunk (to a temporary file, then renamed, so a kill
// leaves the old or the new one); a re-run with the same file and the same comparison resumes
// after that key.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>

#include "compare/compare_sql.hpp"

namespace slipway::compare {

struct TableProgress {
  std::string identity;           // TableComparison::identity()
  std::optional<KeyValue> after;  // compared up to and including this key
  bool finished = false;          // every chunk compared
  std::set<KeyValue> candidates;  // keys that differed when their chunk was compared
  int64_t source_rows = 0, target_rows = 0, chunks = 0;
};

class Checkpoint {
 public:
  // `path` empty: no file; the progress is kept in memory only (a lost connection resumes).
  explicit Checkpoint(std::string path);
  // The saved progress of table `label`, when it belongs to the same comparison (else the
  // table starts over, with a note).
  std::optional<TableProgress> resume(const std::string& label, const std::string& identity) const;
  void save(const std::string& label, const TableProgress& progress);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::map<std::string, TableProgress> tables_;
};

}  // namespace slipway::compare

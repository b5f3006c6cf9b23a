#include "compare/comparer.hpp"

#include <fmt/format.h>
#include <pqxx/pqxx>

#include <cmath>
#include <future>
#include <thread>

#include "backfill/sizer.hpp"
#include "pg/row_key.hpp"
#include "util/log.hpp"

namespace slipway::compare {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

pqxx::result query(pg::Connection& conn, const std::string& sql, const std::vector<std::string>& params) {
  return conn.exec_list(sql, params);
}

std::optional<KeyValue> key_at(pg::Connection& conn, const SideSql& side, const KeyRange& range, int64_t offset) {
  std::vector<std::string> params;
  auto r = query(conn, key_at_sql(side, range, offset, params), params);
  if (r.empty()) return std::nullopt;
  return pg::key_of(r[0], side.key.columns().size());
}

// Keys per query when fetching listed keys: a few hundred parameters per statement.
constexpr size_t kKeysPerFetch = 200;
// Bisection deeper than this means the data moved under it: fetch the range instead.
constexpr int kMaxDepth = 48;
// A differing range is split into this many parts of equal rows.
constexpr int64_t kParts = 16;

}  // namespace

Comparer::Comparer(pg::Connection& source, pg::Connection& target, const CompareOptions& options,
                   backfill::Throttler* throttler, backfill::ProgressSink* progress, Checkpoint& checkpoint,
                   backfill::Metrics* metrics)
    : source_(source), target_(target), options_(options), throttler_(throttler), progress_(progress),
      checkpoint_(checkpoint), metrics_(metrics) {}

// Both sides at once, each on its own server: the chunk costs the slower side's time.
std::pair<Comparer::Summary, Comparer::Summary> Comparer::summaries(const TableComparison& t, const KeyRange& range,
                                                                    TableResult& result, std::optional<KeyValue>* next,
                                                                    int64_t next_offset) {
  auto one = [&](pg::Connection& conn, const SideSql& side, bool with_next) {
    std::vector<std::string> params;
    auto sql = with_next ? summary_then_key_sql(side, range, next_offset, params) : summary_sql(side, range, params);
    auto r = query(conn, sql, params);
    if (with_next) {
      if (r[0][2].is_null()) next->reset();
      else *next = pg::key_of(r[0], side.key.columns().size(), 2);
    }
    return Summary{r[0][0].as<int64_t>(), r[0][1].c_str()};
  };
  auto source_side = t.source_side();
  auto target_side = t.target_side();
  auto target = std::async(std::launch::async, [&] { return one(target_, target_side, false); });
  Summary s = one(source_, source_side, next && range.upto);
  Summary g = target.get();
  result.summaries += 2;
  return {s, g};
}

void Comparer::bisect(const TableComparison& t, const KeyRange& range, const Summary& s, const Summary& g, int depth,
                      TableResult& result, std::set<KeyValue>& candidates) {
  auto fetch_rows = [&] {
    ObservedRows source_rows, target_rows;
    for (auto [conn, side, rows] : {std::tuple{&source_, t.source_side(), &source_rows},
                                    std::tuple{&target_, t.target_side(), &target_rows}}) {
      std::vector<std::string> params;
      auto r = query(*conn, rows_sql(side, range, params), params);
      add_observed_rows(r, side.key.columns().size(), side.values.size(), *rows);
      result.rows_fetched += int64_t(r.size());
    }
    for (const auto& d : differences_of(source_rows, target_rows, t.columns)) candidates.insert(d.key);
  };
  int64_t bigger = std::max(s.count, g.count);
  if (bigger <= options_.leaf_rows || depth >= kMaxDepth) return fetch_rows();
  // Parts of equal rows on the side with more rows, their bounds found in one scan: each level
  // hashes the range once, and there are log16 levels, not log2.
  bool on_source = s.count >= g.count;
  const SideSql side = on_source ? t.source_side() : t.target_side();
  int64_t step = (bigger + kParts - 1) / kParts;
  std::vector<std::string> params;
  auto bounds = query(on_source ? source_ : target_, keys_every_sql(side, range, step, params), params);
  std::vector<KeyRange> parts;
  std::optional<KeyValue> lo = range.after;
  for (const auto& row : bounds) {
    KeyValue k = pg::key_of(row, side.key.columns().size());
    parts.push_back({lo, k});
    lo = std::move(k);
  }
  if (!range.upto || !lo || *lo != *range.upto) parts.push_back({lo, range.upto});
  if (parts.size() < 2) return fetch_rows();  // the rows moved away meanwhile
  auto [ss, gs] = part_summaries(t, parts, result);
  size_t differing = 0;
  for (size_t i = 0; i < parts.size(); ++i) differing += ss[i] == gs[i] ? 0 : 1;
  // Where differences are dense, a part is fetched at once rather than split again (one more
  // hashing pass over it) — when that still moves at most ~100 rows (both sides) per difference.
  // The share of parts that differ estimates the differences per part (Poisson: a part holds
  // none with probability e^-lambda); every part differing says at least a few.
  double share = double(differing) / double(parts.size());
  double per_part = share >= 1.0 ? 4.0 : -std::log(1.0 - share);
  auto fetch_below = static_cast<int64_t>(50.0 * per_part);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (ss[i] == gs[i]) continue;
    bool fetch = std::max(ss[i].count, gs[i].count) <= fetch_below;
    bisect(t, parts[i], ss[i], gs[i], fetch ? kMaxDepth : depth + 1, result, candidates);
  }
}

std::pair<std::vector<Comparer::Summary>, std::vector<Comparer::Summary>> Comparer::part_summaries(
    const TableComparison& t, const std::vector<KeyRange>& parts, TableResult& result) {
  auto one = [&](pg::Connection& conn, const SideSql& side) {
    std::vector<std::string> params;
    auto r = query(conn, summaries_sql(side, parts, params), params);
    std::vector<Summary> out;
    for (const auto& row : r) out.push_back({row[0].as<int64_t>(), row[1].c_str()});
    return out;
  };
  auto source_side = t.source_side();
  auto target_side = t.target_side();
  auto target = std::async(std::launch::async, [&] { return one(target_, target_side); });
  auto s = one(source_, source_side);
  auto g = target.get();
  result.summaries += int64_t(2 * parts.size());
  return {std::move(s), std::move(g)};
}

std::vector<Difference> Comparer::differing(const TableComparison& t, const std::vector<KeyValue>& keys,
                                            TableResult& result, std::map<KeyValue, std::string>* observations,
                                            std::set<KeyValue>* written) {
  ObservedRows source_rows, target_rows;
  bool with_written = written && !start_xid_.empty();
  for (size_t i = 0; i < keys.size(); i += kKeysPerFetch) {
    std::vector<KeyValue> batch(keys.begin() + long(i), keys.begin() + long(std::min(keys.size(), i + kKeysPerFetch)));
    for (bool source : {true, false}) {
      const SideSql side = source ? t.source_side() : t.target_side();
      std::vector<std::string> params;
      std::string extra;
      if (source && with_written) {
        params.push_back(start_xid_);
        extra = written_since_sql(1);
      }
      auto r = query(source ? source_ : target_, rows_with_keys_sql(side, batch, params, extra), params);
      add_observed_rows(r, side.key.columns().size(), side.values.size(), source ? source_rows : target_rows,
                        source && with_written);
      result.rows_fetched += int64_t(r.size());
    }
  }
  if (observations)
    for (const auto& k : keys) (*observations)[k] = observation_of(source_rows, target_rows, k);
  if (with_written)
    for (const auto& [k, row] : source_rows)
      if (row.written_during_compare) written->insert(k);
  return differences_of(source_rows, target_rows, t.columns);
}

// A key is reported when it still differs after the rechecks. Rechecks count only while
// nothing moves: a round in which a key caught up or changed shows replication (or a dual
// write) still at work, and is followed by another (up to four times the rechecks asked for).
// At the end, a key whose rows moved in the last round, or whose source row was written after
// the compare began, is "changing": its target may simply not have received it yet. Without
// rechecks (or in one snapshot) the first look is the answer.
void Comparer::confirm(const TableComparison& t, const std::set<KeyValue>& candidates, TableResult& result) {
  std::vector<KeyValue> keys(candidates.begin(), candidates.end());
  std::map<KeyValue, std::string> seen;
  std::set<KeyValue> written;
  auto diffs = differing(t, keys, result, &seen, &written);
  std::set<KeyValue> moving;
  int rechecks = options_.snapshot ? 0 : options_.recheck;
  int stable = 0;
  for (int round = 0; stable < rechecks && round < 4 * rechecks && !diffs.empty(); ++round) {
    // The delay is the point: replication or a dual write catching up.
    std::this_thread::sleep_for(options_.recheck_delay);
    keys.clear();
    for (const auto& d : diffs) keys.push_back(d.key);
    std::map<KeyValue, std::string> now;
    written.clear();
    auto next = differing(t, keys, result, &now, &written);
    moving.clear();
    for (const auto& d : next)
      if (seen[d.key] != now[d.key]) moving.insert(d.key);
    stable = (next.size() < diffs.size() || !moving.empty()) ? 0 : stable + 1;
    diffs = std::move(next);
    seen = std::move(now);
  }
  for (auto& d : diffs) {
    if (rechecks > 0 && (moving.count(d.key) || written.count(d.key))) result.changing.push_back(d.key);
    else result.differences.push_back(std::move(d));
  }
}

TableResult Comparer::run(const TableComparison& t) {
  auto started = Clock::now();
  if (!options_.snapshot) start_xid_ = source_.query_value<std::string>(next_xid_sql()).value_or("");
  TableResult result;
  result.table = t;
  const std::string label = t.pair.label();
  TableProgress progress;
  progress.identity = t.identity();
  if (auto saved = checkpoint_.resume(label, progress.identity)) {
    progress = *saved;
    result.resumed = true;
    if (progress_) progress_->note(fmt::format("resuming the compare of {} from {}", label, checkpoint_.path()));
  }
  // No slow start (the backfill's is for the application's row locks; compare takes none).
  backfill::BatchSizer sizer(options_.chunk_time, 10000, 100, 5000000, options_.chunk_size);
  backfill::ProgressSnapshot snap;
  snap.job = "compare";
  snap.label = "compare " + label;
  snap.rows_estimate = t.source_rows_estimate;
  auto source_side = t.source_side();
  if (metrics_) metrics_->set_job("compare", label);
  bool bound_known = false;
  std::optional<KeyValue> upto;
  while (!progress.finished) {
    if (throttler_) {
      // While it waits, the metrics keep showing why (the callback is polled during the wait).
      auto waited = throttler_->wait_until_clear([&] {
        if (metrics_) metrics_->set_throttled(throttler_->throttled_seconds(), throttler_->last_lag_seconds(), 0);
        return false;
      });
      snap.throttle_reason = waited.count() > 0 ? throttler_->current_reason() : "";
    }
    auto chunk_started = Clock::now();
    // The chunk's bound was found with the previous chunk's summary (or is looked up now, for
    // the first chunk of a run).
    if (!bound_known) upto = key_at(source_, source_side, {progress.after, std::nullopt}, sizer.size() - 1);
    KeyRange range{progress.after, upto};
    std::optional<KeyValue> next;
    auto [s, g] = summaries(t, range, result, &next, sizer.size() - 1);
    bound_known = range.upto.has_value();
    upto = next;
    double took = seconds_since(chunk_started);
    if (s.count >= sizer.size()) sizer.observe(s.count, took);
    if (!(s == g)) bisect(t, range, s, g, 0, result, progress.candidates);
    progress.source_rows += s.count;
    progress.target_rows += g.count;
    progress.chunks += 1;
    progress.after = range.upto;
    progress.finished = !range.upto.has_value();
    checkpoint_.save(label, progress);
    if (throttler_) throttler_->account_rows(s.count, chunk_started);
    if (metrics_) {
      double elapsed = seconds_since(started);
      metrics_->add_batch(took, s.count);
      metrics_->set_gauges(elapsed > 0 ? double(progress.source_rows) / elapsed : 0, sizer.size(),
                           t.source_rows_estimate);
      if (throttler_) metrics_->set_throttled(throttler_->throttled_seconds(), throttler_->last_lag_seconds(), 0);
    }
    if (progress_) {
      snap.rows_done = progress.source_rows;
      snap.batch_size = sizer.size();
      snap.elapsed_seconds = seconds_since(started);
      snap.rows_per_second = snap.elapsed_seconds > 0 ? double(snap.rows_done) / snap.elapsed_seconds : 0;
      progress_->update(snap);
    }
  }
  result.source_rows = progress.source_rows;
  result.target_rows = progress.target_rows;
  result.chunks = progress.chunks;
  confirm(t, progress.candidates, result);
  result.seconds = seconds_since(started);
  if (progress_) {
    snap.rows_done = progress.source_rows;
    snap.finished = true;
    snap.elapsed_seconds = result.seconds;
    progress_->finish(snap);
  }
  return result;
}

}  // namespace slipway::compare

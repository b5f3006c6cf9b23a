#include "apply/history/tool_history.hpp"

#include "util/error.hpp"

namespace slipway::apply {

std::unique_ptr<ToolHistory> make_golang_migrate_history(const HistoryOptions& o);
std::unique_ptr<ToolHistory> make_goose_history(const HistoryOptions& o);
std::unique_ptr<ToolHistory> make_flyway_history(const HistoryOptions& o);
std::unique_ptr<ToolHistory> make_dbmate_history(const HistoryOptions& o);
std::unique_ptr<ToolHistory> make_diesel_history(const HistoryOptions& o);
std::unique_ptr<ToolHistory> make_sqitch_history(const HistoryOptions& o);
std::unique_ptr<ToolHistory> make_plain_history(const HistoryOptions& o);

void ToolHistory::record_started(pqxx::work&, const MigrationSet&, const Script&, bool) {}

std::unique_ptr<ToolHistory> make_history(Layout layout, const HistoryOptions& options) {
  switch (layout) {
    case Layout::golang_migrate: return make_golang_migrate_history(options);
    case Layout::goose: return make_goose_history(options);
    case Layout::flyway: return make_flyway_history(options);
    case Layout::dbmate: return make_dbmate_history(options);
    case Layout::diesel: return make_diesel_history(options);
    case Layout::sqitch: return make_sqitch_history(options);
    case Layout::plain: return make_plain_history(options);
    case Layout::auto_detect: break;
  }
  throw InputError("no history for an undetected layout", "pass --layout");
}

}  // namespace slipway::apply

#include "compare/checkpoint.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/error.hpp"

#include "util/text_file.hpp"

namespace slipway::compare {

namespace {
nlohmann::json to_json(const TableProgress& p) {
  nlohmann::json c = nlohmann::json::array();
  for (const auto& k : p.candidates) c.push_back(k);
  return {{"identity", p.identity}, {"after", p.after ? nlohmann::json(*p.after) : nlohmann::json()},
          {"finished", p.finished}, {"candidates", c}, {"source_rows", p.source_rows},
          {"target_rows", p.target_rows}, {"chunks", p.chunks}};
}
TableProgress from_json(const nlohmann::json& j) {
  TableProgress p;
  p.identity = j.at("identity").get<std::string>();
  if (!j.at("after").is_null()) p.after = j.at("after").get<KeyValue>();
  p.finished = j.at("finished").get<bool>();
  for (const auto& k : j.at("candidates")) p.candidates.insert(k.get<KeyValue>());
  p.source_rows = j.at("source_rows").get<int64_t>();
  p.target_rows = j.at("target_rows").get<int64_t>();
  p.chunks = j.at("chunks").get<int64_t>();
  return p;
}
}  // namespace

Checkpoint::Checkpoint(std::string path) : path_(std::move(path)) {
  if (path_.empty() || !std::filesystem::exists(path_)) return;
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  try {
    auto j = nlohmann::json::parse(text.str());
    for (const auto& [label, t] : j.at("tables").items()) tables_[label] = from_json(t);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: not a compare checkpoint ({})", path_, e.what()),
                     "give another --checkpoint file, or remove this one to start over");
  }
}

std::optional<TableProgress> Checkpoint::resume(const std::string& label, const std::string& identity) const {
  auto it = tables_.find(label);
  if (it == tables_.end() || it->second.identity != identity) return std::nullopt;
  return it->second;
}

void Checkpoint::save(const std::string& label, const TableProgress& progress) {
  tables_[label] = progress;  // kept in memory too: a run that lost its connection resumes from it
  if (path_.empty()) return;
  nlohmann::json j{{"tables", nlohmann::json::object()}};
  for (const auto& [l, p] : tables_) j["tables"][l] = to_json(p);
  write_text_file(path_, j.dump() + "\n");
}

}  // namespace slipway::compare

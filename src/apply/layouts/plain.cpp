// Plain SQL files with no tool behind them: the files given, in the order given (a directory
// stands for its *.sql by name). A file is one migration, all of it `up`; its version is its
// file name, which slipway's own history records. `.autocommit.` in the name runs it outside a
// transaction (CREATE INDEX CONCURRENTLY and friends).
#include <fmt/format.h>

#include <map>

#include "apply/layouts/readers.hpp"
#include "util/error.hpp"

namespace slipway::apply::layouts {

MigrationSet read_plain(const std::vector<fs::path>& inputs) {
  std::vector<fs::path> files;
  for (const fs::path& input : inputs) {
    if (layouts::is_directory(input)) {
      for (const fs::path& entry : directory_entries(input))
        if (entry.extension() == ".sql" && is_regular(entry)) files.push_back(entry);
    } else if (is_regular(input)) {
      files.push_back(input);
    } else {
      fail_at(input, 0, "no such file or directory", "give the migration files or the directory that holds them");
    }
  }
  if (files.empty())
    throw InputError(fmt::format("no .sql files in {}", inputs.empty() ? std::string("the input") : inputs.front().string()),
                     "give a directory of .sql files, or pass --layout for the tool that wrote the migrations");
  MigrationSet set;
  set.layout = Layout::plain;
  set.root = inputs.size() == 1 && layouts::is_directory(inputs.front()) ? inputs.front() : files.front().parent_path();
  std::map<std::string, fs::path> seen;
  for (const fs::path& file : files) {
    Script script;
    script.version = file.filename().string();
    if (auto [it, fresh] = seen.emplace(script.version, file); !fresh)
      throw InputError(fmt::format("{} and {} have the same version {} (the file name)", it->second.string(), file.string(), script.version),
                       "rename one of them: slipway records plain files by name");
    script.description = file.stem().string();
    script.up = {true, file, read_script_file(file), 1};
    script.in_transaction = script.version.find(".autocommit.") == std::string::npos;
    set.scripts.push_back(std::move(script));
  }
  return set;
}

}  // namespace slipway::apply::layouts

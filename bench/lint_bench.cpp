// Benchmark for `slipway lint`: a large generated migration (tens of thousands of statements,
// many with findings) and the corpus of real migrations (../shared/corpus). Pure CPU.
//
//   ./build/bench/lint_bench [statements=50000] [corpus_dir=../shared/corpus]
//
// Prints statements/s and µs/statement for lint alone and lint + human rendering, in wall time
// and in CPU time of this process (the machine may be shared: CPU time is what lint costs).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "lint/format/format.hpp"
#include "lint/linter.hpp"

namespace fs = std::filesystem;
using namespace slipway::lint;
using Clock = std::chrono::steady_clock;

namespace {

// A realistic mix: DDL on existing tables (findings), DDL on new tables (none), DML, comments.
std::string generate(std::size_t n) {
  std::ostringstream out;
  std::size_t i = 0;
  while (i < n) {
    std::size_t k = i / 10;
    out << "-- step " << k << "\n";
    out << "CREATE TABLE IF NOT EXISTS t" << k << " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        << "name text NOT NULL, created timestamptz DEFAULT now(), owner_id bigint REFERENCES users (id));\n";
    out << "CREATE INDEX t" << k << "_name ON t" << k << " (name);\n";
    out << "CREATE INDEX users_" << k << " ON users (col" << k << ");\n";
    out << "ALTER TABLE users ADD COLUMN c" << k << " varchar(" << (k % 200 + 1) << ") NOT NULL;\n";
    out << "ALTER TABLE orders ALTER COLUMN amount" << k << " TYPE numeric(12,2);\n";
    out << "ALTER TABLE orders ADD CONSTRAINT fk" << k << " FOREIGN KEY (u" << k << ") REFERENCES users (id);\n";
    out << "UPDATE users SET active = true WHERE id BETWEEN " << k * 1000 << " AND " << k * 1000 + 999 << ";\n";
    out << "SELECT u.id, count(*) FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id > " << k
        << " GROUP BY u.id HAVING count(*) > 1;\n";
    out << "ALTER TABLE users ALTER COLUMN c" << k << " SET NOT NULL;\n";
    out << "DROP INDEX IF EXISTS old_" << k << ";\n";
    i += 10;
  }
  return out.str();
}

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct Timing {
  double lint_s = 0, render_s = 0, cpu_s = 0;
  std::size_t statements = 0, findings = 0;
};

Timing run_once(const std::vector<std::pair<std::string, std::string>>& files) {
  Timing t;
  Linter linter(LintSettings{});
  std::vector<FileReport> reports;
  double cpu_start = cpu_seconds();
  auto start = Clock::now();
  for (auto& [path, text] : files) reports.push_back(linter.lint_sql(path, text));
  auto linted = Clock::now();
  std::ostringstream sink;
  render(Format::human, reports, sink, RenderOptions{});
  auto rendered = Clock::now();
  t.cpu_s = cpu_seconds() - cpu_start;
  t.lint_s = std::chrono::duration<double>(linted - start).count();
  t.render_s = std::chrono::duration<double>(rendered - linted).count();
  for (auto& r : reports) {
    t.statements += r.statement_count;
    t.findings += r.findings.size();
  }
  return t;
}

Timing best_of(int runs, const std::vector<std::pair<std::string, std::string>>& files) {
  Timing best;
  for (int i = 0; i < runs; ++i) {
    auto t = run_once(files);
    if (i == 0 || t.cpu_s < best.cpu_s) best = t;
  }
  return best;
}

void print_row(const std::string& name, std::size_t files, const Timing& t) {
  double total = t.lint_s + t.render_s;
  std::printf("| %s | %zu | %zu | %zu | %.0f ms | %.0f ms | %.0f ms | %.0f | %.1f µs |\n", name.c_str(), files,
              t.statements, t.findings, t.lint_s * 1000, total * 1000, t.cpu_s * 1000, t.statements / t.cpu_s,
              t.cpu_s * 1e6 / t.statements);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = argc > 1 ? std::stoul(argv[1]) : 50000;
  fs::path corpus = argc > 2 ? fs::path(argv[2]) : fs::path("../shared/corpus");

  std::printf("| input | files | statements | findings | lint (wall) | lint + human output (wall) | same, CPU | "
              "statements/s (CPU) | per statement (CPU) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t size : {std::size_t{5000}, n}) {
    std::vector<std::pair<std::string, std::string>> files{{"generated.sql", generate(size)}};
    print_row("generated, " + std::to_string(size) + " statements", 1, best_of(5, files));
  }
  if (fs::is_directory(corpus)) {
    std::vector<std::pair<std::string, std::string>> files;
    for (auto& e : fs::recursive_directory_iterator(corpus)) {
      auto name = e.path().filename().string();
      if (!e.is_regular_file() || (e.path().extension() != ".sql" && name.find(".sql.postgres") == std::string::npos))
        continue;
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      files.emplace_back(e.path().string(), ss.str());
    }
    std::sort(files.begin(), files.end());
    print_row("corpus (" + corpus.string() + ")", files.size(), best_of(5, files));
  } else {
    std::fprintf(stderr, "no corpus at %s: skipped\n", corpus.string().c_str());
  }
  return 0;
}

// Under --json an error is also one JSON object on stdout, {"error": {"code", "kind", "message",
// "hint"}}, besides the text on stderr: usage errors (CLI11's and slipway's), failures.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/pg_test.hpp"

namespace {

using slipway::test::run_command;
using slipway::test::slipway_bin;

const char* kNowhere = "postgresql://alice:hunter2@127.0.0.1:1/app?connect_timeout=3";

nlohmann::json json_error_of(std::vector<std::string> args, int code, std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), slipway_bin());
  env.emplace("SLIPWAY_POSTGRES_URL", kNowhere);
  auto r = run_command(args, env);
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_NE(r.err.find("slipway: "), std::string::npos) << "the text stays on stderr: " << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "stdout is not one JSON value: " << r.out;
  if (j.is_discarded()) return {};
  EXPECT_EQ(j["error"]["code"], code) << j;
  EXPECT_TRUE(j["error"]["message"].is_string()) << j;
  EXPECT_TRUE(j["error"].contains("hint")) << j;
  EXPECT_EQ(r.out.find("hunter2"), std::string::npos) << r.out;
  return j["error"];
}

TEST(CliJsonErrors, UsageErrorsAreJsonOnStdout) {
  auto e = json_error_of({"--json", "status", "--lock-timeout", "0"}, 2);
  EXPECT_EQ(e["kind"], "usage");
  EXPECT_NE(e["message"].get<std::string>().find("--lock-timeout"), std::string::npos) << e;
  // CLI11's own parse errors, with --json before or after the bad part, or from the environment.
  e = json_error_of({"--json", "no-such-command"}, 2);
  EXPECT_EQ(e["kind"], "usage");
  e = json_error_of({"status", "--no-such-flag", "--json"}, 2);
  EXPECT_EQ(e["kind"], "usage");
  e = json_error_of({"backfill", "--status", "--forget", "x"}, 2, {{"SLIPWAY_JSON", "1"}});
  EXPECT_NE(e["message"].get<std::string>().find("excludes"), std::string::npos) << e;
  e = json_error_of({"--json", "status"}, 2, {{"SLIPWAY_POSTGRES_URL", "postgresql://alice:hunter2@db:x/app"}});
  EXPECT_NE(e["message"].get<std::string>().find("--postgres-url"), std::string::npos) << e;
}

TEST(CliJsonErrors, FailuresAreJsonOnStdout) {
  auto e = json_error_of({"status", "--json"}, 1);
  EXPECT_EQ(e["kind"], "failed");
  EXPECT_NE(e["message"].get<std::string>().find("cannot connect"), std::string::npos) << e;
}

TEST(CliJsonErrors, WithoutJsonStdoutStaysEmpty) {
  auto r = run_command({slipway_bin(), "status", "--lock-timeout", "0"}, {{"SLIPWAY_POSTGRES_URL", kNowhere}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
}

}  // namespace

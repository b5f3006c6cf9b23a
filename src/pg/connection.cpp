#include "pg/connection.hpp"

#include <fmt/format.h>

#include <pqxx/except>

#include "pg/conninfo.hpp"

namespace slipway::pg {

namespace {
// libpq's connection failures span several lines ("connection to server ... failed: ...\n\tIs the
// server running ...?"). The first line says what happened; that is the one the user sees.
std::string first_line(std::string m) {
  auto nl = m.find('\n');
  if (nl != std::string::npos) m.resize(nl);
  return m;
}
}  // namespace

Connection::Connection(const std::string& conninfo) : conninfo_(conninfo) {
  try {
    parse_conninfo(conninfo);
  } catch (const InputError& e) {
    throw ConnectFailed(e.what());  // one line, exit 1, like every other way of not connecting
  }
  try {
    conn_ = std::make_unique<pqxx::connection>(with_application_name(conninfo));
  } catch (const std::exception& e) {
    std::string target = conninfo.empty() ? "the server named by PG* environment variables"
                                          : mask_password(conninfo);
    throw ConnectFailed(fmt::format("cannot connect to {}: {}", target, mask_password(first_line(e.what()))));
  }
  // Values travel between slipway's sessions and runs as text: key values, checkpoints, range
  // bounds. Their output form depends on session settings a role, a database or PGOPTIONS may
  // change: with extra_float_digits 0 distinct doubles print alike, and with DateStyle SQL a
  // timestamptz prints a zone abbreviation that may parse back to another zone. So, as pg_dump
  // does, every session fixes the output forms to ones that read back exactly. Setting DateStyle
  // to ISO alone keeps the session's day/month order for input, so expressions that parse
  // dates read them as the application's sessions do.
  // statement_timeout 0: a role's or database's statement_timeout (30 s is common) would cancel
  // an index build, a VALIDATE or a VACUUM halfway, however long by design. slipway bounds what
  // matters to the application, its lock waits, with lock_timeout, and its batches by size.
  // Sessions that want a limit (the throttler's poll) set their own after this.
  exec("SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 3; SET statement_timeout = 0");
}

Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

pqxx::result Connection::exec(std::string_view sql) {
  return typed_errors([&] {
    pqxx::nontransaction tx(*conn_);
    return tx.exec(std::string(sql));
  });
}

void Connection::prepare(const std::string& name, std::string_view sql) {
  typed_errors([&] { conn_->prepare(name, std::string(sql)); });
}

int Connection::backend_pid() const { return conn_->backendpid(); }
int Connection::server_version() const { return conn_->server_version(); }

std::string Connection::describe() const {
  return fmt::format("{}@{}:{}/{}", conn_->username() ? conn_->username() : "",
                     conn_->hostname() ? conn_->hostname() : "", conn_->port() ? conn_->port() : "",
                     conn_->dbname() ? conn_->dbname() : "");
}

void Connection::cancel_query() {
  try {
    conn_->cancel_query();
  } catch (const std::exception&) {
    // Best effort: the query may have finished or the connection gone.
  }
}

}  // namespace slipway::pg

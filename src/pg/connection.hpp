// RAII connection to PostgreSQL. Thin over pqxx::connection: it adds slipway's
// application_name, password masking in every message, typed errors (pg/errors.hpp), and output
// settings under which every value's text reads back exactly (DateStyle ISO, IntervalStyle
// postgres, extra_float_digits 3), and no statement_timeout inherited from the role.
#pragma once
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pg/errors.hpp"

namespace slipway::pg {

class Connection {
 public:
  // `conninfo`: URL, key=value, or empty for libpq's environment variables.
  // Throws ConnectFailed with a one-line, password-free message.
  explicit Connection(const std::string& conninfo);
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  pqxx::connection& raw() { return *conn_; }

  // One statement (or several separated by ';') in autocommit mode.
  pqxx::result exec(std::string_view sql);

  // A named prepared statement of this session: parsed and planned once, for a query that runs
  // many times (a poll every few ms). Run it with exec_prepared.
  void prepare(const std::string& name, std::string_view sql);
  template <typename... Args>
  pqxx::result exec_prepared(const std::string& name, Args&&... args) {
    return typed_errors([&] {
      pqxx::nontransaction tx(*conn_);
      return tx.exec_prepared(name, std::forward<Args>(args)...);
    });
  }

  // One statement with bound parameters ($1, $2, ...), autocommit.
  template <typename... Args>
  pqxx::result exec_params(std::string_view sql, Args&&... args) {
    return typed_errors([&] {
      pqxx::nontransaction tx(*conn_);
      return tx.exec_params(std::string(sql), std::forward<Args>(args)...);
    });
  }

  // The same with a list of parameters whose length the SQL decides (key ranges, listed keys).
  pqxx::result exec_list(std::string_view sql, const std::vector<std::string>& params) {
    return typed_errors([&] {
      pqxx::nontransaction tx(*conn_);
      return tx.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(params));
    });
  }

  // First column of the first row, or nullopt when there is no row or it is NULL.
  template <typename T, typename... Args>
  std::optional<T> query_value(std::string_view sql, Args&&... args) {
    auto r = exec_params(sql, std::forward<Args>(args)...);
    if (r.empty() || r[0][0].is_null()) return std::nullopt;
    return r[0][0].template as<T>();
  }

  int backend_pid() const;
  int server_version() const;  // e.g. 150004
  // The target, safe to print: user@host:port/dbname.
  std::string describe() const;
  const std::string& conninfo() const { return conninfo_; }
  // Asks the server to cancel whatever this connection is running (thread-safe).
  void cancel_query();

 private:
  std::string conninfo_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace slipway::pg

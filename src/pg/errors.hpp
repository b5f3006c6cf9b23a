// Typed PostgreSQL errors. Every database error that leaves the pg layer is one of these,
// carrying its SQLSTATE, so callers branch on the type (LockTimeout -> retry) and never on
// message text.
#pragma once
#include <string>

#include "util/error.hpp"

namespace slipway::pg {

class PgError : public Error {
 public:
  PgError(const std::string& what, std::string sqlstate, std::string query = {}, std::string hint = {})
      : Error(what, std::move(hint)), sqlstate_(std::move(sqlstate)), query_(std::move(query)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& query() const { return query_; }

 private:
  std::string sqlstate_;
  std::string query_;
};

#define SLIPWAY_PG_ERROR(Name) \
  class Name : public PgError { \
   public: \
    using PgError::PgError; \
  }

SLIPWAY_PG_ERROR(LockTimeout);           // 55P03 lock_not_available
SLIPWAY_PG_ERROR(Deadlock);              // 40P01
SLIPWAY_PG_ERROR(SerializationFailure);  // 40001
SLIPWAY_PG_ERROR(QueryCanceled);         // 57014 (statement_timeout, pg_cancel_backend)
SLIPWAY_PG_ERROR(UndefinedObject);       // 42704, 42P01 table, 42703 column, 42883 function, 3F000 schema
SLIPWAY_PG_ERROR(DuplicateObject);       // 42710, 42P07 table, 42701 column, 42P06 schema, 42723 function
SLIPWAY_PG_ERROR(UniqueViolation);       // 23505
SLIPWAY_PG_ERROR(CheckViolation);        // 23514, 23502 not-null
SLIPWAY_PG_ERROR(ForeignKeyViolation);   // 23503
SLIPWAY_PG_ERROR(SyntaxOrAccessError);   // other class 42 (syntax, datatype mismatch, privileges)
SLIPWAY_PG_ERROR(ObjectInUse);           // 55006
#undef SLIPWAY_PG_ERROR

// What to do after a lost connection: every step slipway takes is recorded as it commits.
inline constexpr const char* kResumeAfterLostConnectionHint =
    "what slipway committed is recorded: once the server accepts connections again, run the same command to resume";

// Class 08, 57P01..57P03, a broken connection: the server ended the session or went away
// (a restart, a failover, pg_terminate_backend). Its hint says what to do, wherever it ends up.
class ConnectionLost : public PgError {
 public:
  ConnectionLost(const std::string& what, std::string sqlstate, std::string query = {},
                 std::string hint = kResumeAfterLostConnectionHint)
      : PgError(what, std::move(sqlstate), std::move(query), std::move(hint)) {}
};

// Could not connect at all (bad URL, wrong password, unreachable host). The message names the
// target with its password masked.
class ConnectFailed : public Error {
 public:
  using Error::Error;
};

// Converts the exception in flight (pqxx or std) into the matching typed error and throws it.
// Call only from inside a catch block.
[[noreturn]] void rethrow_typed();

// Wraps a callable so any pqxx exception leaves it typed.
template <typename F>
decltype(auto) typed_errors(F&& f) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (...) {
    rethrow_typed();
  }
}

// The typed error for a SQLSTATE (exposed for tests).
[[noreturn]] void throw_for_sqlstate(const std::string& sqlstate, const std::string& message,
                                     const std::string& query);

}  // namespace slipway::pg

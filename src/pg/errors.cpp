#include "pg/errors.hpp"

#include <pqxx/except>

namespace slipway::pg {

void throw_for_sqlstate(const std::string& s, const std::string& message, const std::string& query) {
  auto is = [&](const char* code) { return s == code; };
  auto cls = [&](const char* prefix) { return s.rfind(prefix, 0) == 0; };
  if (is("55P03")) throw LockTimeout(message, s, query);
  if (is("40P01")) throw Deadlock(message, s, query);
  if (is("40001")) throw SerializationFailure(message, s, query);
  if (is("57014")) throw QueryCanceled(message, s, query);
  if (cls("08") || is("57P01") || is("57P02") || is("57P03")) throw ConnectionLost(message, s, query);
  // The server sends a SQLSTATE with every error; an error without one is libpq's own, raised
  // when talking to the server failed midway ("server closed the connection unexpectedly" when
  // a crashed server's socket closes under a statement).
  if (s.empty()) throw ConnectionLost(message, "08006", query);
  if (is("42704") || is("42P01") || is("42703") || is("42883") || is("3F000"))
    throw UndefinedObject(message, s, query);
  if (is("42710") || is("42P07") || is("42701") || is("42P06") || is("42723"))
    throw DuplicateObject(message, s, query);
  if (is("23505")) throw UniqueViolation(message, s, query);
  if (is("23514") || is("23502")) throw CheckViolation(message, s, query);
  if (is("23503")) throw ForeignKeyViolation(message, s, query);
  if (is("55006")) throw ObjectInUse(message, s, query);
  if (cls("42")) throw SyntaxOrAccessError(message, s, query);
  throw PgError(message, s, query);
}

namespace {
// libpq messages end with a newline and sometimes carry a DETAIL/HINT block; keep them whole
// but trimmed, so one error prints as one readable paragraph.
std::string trimmed(std::string m) {
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  if (m.rfind("ERROR:  ", 0) == 0) m.erase(0, 8);
  return m;
}

// When the server ends a session during a statement (pg_terminate_backend, a shutdown), libpqxx
// 6 reports what it tripped over next, "Could not obtain client encoding: not connected.",
// which says nothing to a user: say what happened instead.
std::string lost_connection_message(const std::string& what) {
  std::string m = trimmed(what);
  if (m.empty() || m.find("client encoding") != std::string::npos) {
    return "the connection to the server was lost: the server terminated the session or went away";
  }
  return m;
}
}  // namespace

void rethrow_typed() {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    throw ConnectionLost(lost_connection_message(e.what()), "08006");
  } catch (const pqxx::in_doubt_error& e) {
    throw ConnectionLost(trimmed(e.what()), "08007");
  } catch (const pqxx::sql_error& e) {
    throw_for_sqlstate(e.sqlstate(), trimmed(e.what()), e.query());
  }
}

}  // namespace slipway::pg

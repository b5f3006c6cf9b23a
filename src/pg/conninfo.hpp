// Connection strings: libpq's URL or key=value form, or empty for libpq's environment
// variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGSSLMODE, ...).
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace slipway::pg {

// Adds application_name=slipway unless the caller set one.
std::string with_application_name(const std::string& conninfo, const std::string& app = "slipway");

// The string with any password replaced by ***, safe to print or log.
std::string mask_password(const std::string& conninfo);
// `conninfo` with a server setting for every session it opens (`-c name=value` added to libpq's
// `options`, after any the user gave); the value's spaces and backslashes escaped as options
// needs. Returned in key=value form.
std::string with_setting(const std::string& conninfo, const std::string& name, const std::string& value);

// Parsed by libpq itself (PQconninfoParse): only the keywords that were given.
std::map<std::string, std::string> parse_conninfo(const std::string& conninfo);

// Checks a connection string the way libpq will read it, without connecting: PQconninfoParse's
// syntax (URL or key=value), and the values libpq only checks when it connects (port numbers,
// one port or one per host, connect_timeout). InputError with the password masked otherwise.
void check_conninfo(std::string_view conninfo);

// key=value form of `params`, values quoted as libpq expects.
std::string to_keyvalue(const std::map<std::string, std::string>& params);

// The same target with another database (used for per-test databases and the demo).
std::string with_database(const std::string& conninfo, const std::string& dbname);

}  // namespace slipway::pg

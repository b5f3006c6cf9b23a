#include "pg/conninfo.hpp"

#include <libpq-fe.h>

#include <memory>
#include <regex>

#include "util/error.hpp"

namespace slipway::pg {

namespace {
bool is_url(const std::string& s) {
  return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0;
}
}  // namespace

std::string with_application_name(const std::string& conninfo, const std::string& app) {
  if (conninfo.find("application_name") != std::string::npos) return conninfo;
  if (is_url(conninfo)) {
    return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + "application_name=" + app;
  }
  return conninfo.empty() ? "application_name=" + app : conninfo + " application_name=" + app;
}

std::string mask_password(const std::string& conninfo) {
  std::string out = conninfo;
  // URL userinfo: scheme://user:secret@host
  static const std::regex url_pw(R"(((?:postgres|postgresql)://[^:/@?]*):[^@/?]*@)");
  out = std::regex_replace(out, url_pw, "$1:***@");
  // password=... as a URL parameter or a key=value pair, quoted or not.
  static const std::regex kv_pw(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*))");
  out = std::regex_replace(out, kv_pw, "$1***");
  return out;
}

std::map<std::string, std::string> parse_conninfo(const std::string& conninfo) {
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> opts(
      PQconninfoParse(conninfo.c_str(), &err), &PQconninfoFree);
  if (!opts) {
    std::string msg = err ? err : "invalid connection string";
    if (err) PQfreemem(err);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw InputError("bad connection string " + mask_password(conninfo) + ": " + msg,
                     "use postgresql://user@host:port/dbname or key=value pairs");
  }
  std::map<std::string, std::string> out;
  for (auto* o = opts.get(); o->keyword; ++o) {
    if (o->val) out[o->keyword] = o->val;
  }
  return out;
}

std::string to_keyvalue(const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    std::string quoted = "'";
    for (char c : v) {
      if (c == '\'' || c == '\\') quoted += '\\';
      quoted += c;
    }
    quoted += "'";
    if (!out.empty()) out += ' ';
    out += k + "=" + quoted;
  }
  return out;
}

std::string with_database(const std::string& conninfo, const std::string& dbname) {
  auto params = parse_conninfo(conninfo);
  params["dbname"] = dbname;
  return to_keyvalue(params);
}

}  // namespace slipway::pg

#include "pg/conninfo.hpp"

#include <libpq-fe.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <cctype>
#include <vector>

#include "util/error.hpp"

namespace slipway::pg {

namespace {
constexpr const char* kConninfoHint = "use postgresql://user@host:port/dbname or key=value pairs";

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

std::string with_setting(const std::string& conninfo, const std::string& name, const std::string& value) {
  auto params = parse_conninfo(conninfo);
  std::string escaped;
  for (char c : value) {
    if (c == ' ' || c == '\\') escaped += '\\';
    escaped += c;
  }
  auto& options = params["options"];
  options += (options.empty() ? "" : " ") + ("-c " + name + "=" + escaped);
  return to_keyvalue(params);
}

// A scanner rather than std::regex: libstdc++'s regex recurses per character, and a long quoted
// value (200 kB) overflowed the stack.
std::string mask_password(const std::string& conninfo) {
  const std::string& in = conninfo;
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0, n = in.size();
  auto at = [&](std::string_view word) { return in.compare(i, word.size(), word) == 0; };
  while (i < n) {
    // URL userinfo, read as libpq reads it: scheme://user:secret@host, the userinfo being
    // everything up to the first '@' before any '/', the secret everything after its first ':'
    // (so a '?' or '#' in either does not hide it).
    if (at("postgres://") || at("postgresql://")) {
      std::size_t user = in.find("://", i) + 3;
      std::size_t at_sign = in.find_first_of("@/", user);
      if (at_sign != std::string::npos && in[at_sign] == '@') {
        std::size_t colon = in.find(':', user);
        if (colon < at_sign) {
          out.append(in, i, colon + 1 - i).append("***");
          i = at_sign;
          continue;
        }
      }
      out.append(in, i, user - i);
      i = user;
      continue;
    }
    // password=... as a URL parameter or a key=value pair, quoted ('...' with \ escapes) or not.
    if (at("password")) {
      std::size_t j = i + 8;
      while (j < n && std::isspace(static_cast<unsigned char>(in[j]))) ++j;
      if (j < n && in[j] == '=') {
        ++j;
        while (j < n && std::isspace(static_cast<unsigned char>(in[j]))) ++j;
        out.append(in, i, j - i).append("***");
        std::size_t end = j;
        bool quoted = false;
        if (j < n && in[j] == '\'') {
          for (end = j + 1; end < n && in[end] != '\''; ++end)
            if (in[end] == '\\' && end + 1 < n) ++end;
          quoted = end < n;
          if (quoted) ++end;
        }
        if (!quoted)
          for (end = j; end < n && !std::isspace(static_cast<unsigned char>(in[end])) && in[end] != '&'; ++end) {
          }
        i = end;
        continue;
      }
    }
    out += in[i++];
  }
  return out;
}

namespace {
// libpq's parse errors quote pieces of the input, which may be the whole URL with its password
// or a percent-encoded password alone. A quoted piece stays only when it is part of the masked
// string too (a keyword, a host); any other is shown as "***".
std::string without_secrets(const std::string& libpq_message, const std::string& conninfo) {
  std::string masked = mask_password(conninfo), out;
  size_t pos = 0;
  while (true) {
    auto open = libpq_message.find('"', pos);
    auto close = open == std::string::npos ? std::string::npos : libpq_message.find('"', open + 1);
    if (close == std::string::npos) return out + libpq_message.substr(pos);
    auto piece = libpq_message.substr(open + 1, close - open - 1);
    out += libpq_message.substr(pos, open + 1 - pos);
    out += masked.find(piece) != std::string::npos ? piece : "***";
    out += '"';
    pos = close + 1;
  }
}
}  // namespace

std::map<std::string, std::string> parse_conninfo(const std::string& conninfo) {
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> opts(
      PQconninfoParse(conninfo.c_str(), &err), &PQconninfoFree);
  if (!opts) {
    std::string msg = err ? err : "invalid connection string";
    if (err) PQfreemem(err);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw InputError("bad connection string " + mask_password(conninfo) + ": " + without_secrets(msg, conninfo),
                     kConninfoHint);
  }
  std::map<std::string, std::string> out;
  for (auto* o = opts.get(); o->keyword; ++o) {
    if (o->val) out[o->keyword] = o->val;
  }
  return out;
}

namespace {
std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t start = 0;;) {
    auto comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

bool is_integer_in(std::string_view s, long min, long max) {
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc{} && end == s.data() + s.size() && v >= min && v <= max;
}
}  // namespace

void check_conninfo(std::string_view conninfo) {
  std::string text(conninfo);
  if (text.find('\0') != std::string::npos) {
    throw InputError("bad connection string: it contains a NUL byte", kConninfoHint);
  }
  auto params = parse_conninfo(text);
  auto bad = [&](const std::string& why) {
    return InputError("bad connection string " + mask_password(text) + ": " + why, kConninfoHint);
  };
  if (auto port = params.find("port"); port != params.end()) {
    auto ports = split_commas(port->second);
    for (auto p : ports) {
      if (!p.empty() && !is_integer_in(p, 1, 65535)) {
        throw bad("port \"" + std::string(p) + "\" is not a number from 1 to 65535");
      }
    }
    size_t hosts = 1;
    for (const char* key : {"host", "hostaddr"}) {
      if (auto h = params.find(key); h != params.end()) hosts = std::max(hosts, split_commas(h->second).size());
    }
    if (ports.size() != 1 && ports.size() != hosts) {
      throw bad(fmt::format("{} ports for {} hosts (give one port, or one per host)", ports.size(), hosts));
    }
  }
  if (auto t = params.find("connect_timeout"); t != params.end() && !t->second.empty() &&
                                                !is_integer_in(t->second, -2147483647L, 2147483647L)) {
    throw bad("connect_timeout \"" + t->second + "\" is not a whole number of seconds");
  }
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

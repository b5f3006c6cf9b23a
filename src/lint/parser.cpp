#include "lint/parser.hpp"

#include <pg_query.h>

#include <cctype>

#include <nlohmann/json.hpp>

#include "lint/source.hpp"
#include "util/text_file.hpp"

namespace slipway::lint {
namespace {


// RAII for libpg_query results.
struct ParseResult {
  PgQueryParseResult r;
  explicit ParseResult(const char* sql) : r(pg_query_parse(sql)) {}
  ~ParseResult() { pg_query_free_parse_result(r); }
  ParseResult(const ParseResult&) = delete;
  ParseResult& operator=(const ParseResult&) = delete;
};
struct SplitResult {
  PgQuerySplitResult r;
  explicit SplitResult(const char* sql) : r(pg_query_split_with_scanner(sql)) {}
  ~SplitResult() { pg_query_free_split_result(r); }
  SplitResult(const SplitResult&) = delete;
  SplitResult& operator=(const SplitResult&) = delete;
};

// End of the statement's last token: trims trailing whitespace and comments is not needed
// (libpg_query's stmt_len already stops before ';'), but it may include trailing blanks.
std::size_t trim_end(std::string_view text, std::size_t begin, std::size_t end) {
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\n' || text[end - 1] == '\t' ||
                         text[end - 1] == '\r'))
    --end;
  return end;
}

// End of the statement's last token: libpg_query's statement length runs to the ';', so a
// trailing `-- comment` would otherwise end the statement's text (and swallow whatever a fix
// appends to it). Quoted strings, identifiers, dollar quotes and comments are skipped as the
// scanner does; if the text ends inside one, the plain trimmed end is kept.
std::size_t end_of_last_token(std::string_view text, std::size_t begin, std::size_t end) {
  std::size_t last = begin;
  std::size_t i = begin;
  while (i < end) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if ((c == '-' && i + 1 < end && text[i + 1] == '-') || (c == '/' && i + 1 < end && text[i + 1] == '*')) {
      std::size_t after = skip_blank(text, i, end);
      if (after == i) return trim_end(text, begin, end);
      i = after;
    } else if (c == '\'' || c == '"') {
      bool escapes = c == '\'' && i > begin && (text[i - 1] == 'E' || text[i - 1] == 'e');
      std::size_t j = i + 1;
      for (;;) {
        if (j >= end) return trim_end(text, begin, end);
        if (escapes && text[j] == '\\') {
          j += 2;
        } else if (text[j] == c) {
          if (j + 1 < end && text[j + 1] == c) j += 2;
          else break;
        } else {
          ++j;
        }
      }
      i = last = j + 1;
    } else if (c == '$') {
      std::size_t j = i + 1;
      while (j < end && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
      if (j < end && text[j] == '$' && (j == i + 1 || !std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
        std::string_view tag = text.substr(i, j - i + 1);
        std::size_t close = text.substr(0, end).find(tag, j + 1);
        if (close == std::string_view::npos) return trim_end(text, begin, end);
        i = last = close + tag.size();
      } else {
        i = last = j;  // $1, a lone $
      }
    } else {
      last = ++i;
    }
  }
  return last;
}

std::size_t after_semicolon(std::string_view text, std::size_t end) {
  std::size_t i = skip_blank(text, end, text.size());
  if (i < text.size() && text[i] == ';') return i + 1;
  return end;
}

// Parses text[begin, end) on its own; positions come back absolute.
ParsedStatement parse_one(std::string_view text, std::size_t region_begin, std::size_t end,
                          const std::shared_ptr<TreeArena>& arena) {
  ParsedStatement st;
  st.arena = arena;
  st.region_begin = region_begin;
  st.begin = skip_blank(text, region_begin, end);
  st.end = end_of_last_token(text, st.begin, end);
  st.base = st.begin;
  std::string piece(text.substr(st.begin, st.end - st.begin));
  ParseResult pr(piece.c_str());
  if (pr.r.error) {
    std::size_t cursor = pr.r.error->cursorpos > 0 ? pr.r.error->cursorpos - 1 : 0;
    st.error = SyntaxError{st.begin + utf8_bytes_for_chars(piece, cursor), pr.r.error->message};
    return st;
  }
  TreeArena::Scope scope(*arena);
  auto doc = Json::parse(pr.r.parse_tree);
  auto& stmts = doc["stmts"];
  if (stmts.empty()) {
    st.error = SyntaxError{st.begin, "no statement"};
    return st;
  }
  if (stmts.size() > 1) {  // the scanner missed a boundary (rare): keep the first, note the rest
    st.error = SyntaxError{st.begin, "several statements where one was expected"};
    return st;
  }
  st.tree = std::make_shared<Json>(std::move(stmts[0]["stmt"]));
  return st;
}

// Text between scanner statements that holds something other than comments: the scanner
// drops statements that start with an unknown word ("selec 1", template syntax), which must
// still be reported as syntax errors.
void add_gap_statements(std::string_view text, std::size_t from, std::size_t to,
                        std::vector<ParsedStatement>& out, const std::shared_ptr<TreeArena>& arena) {
  std::size_t pos = from;
  while (pos < to) {
    std::size_t start = skip_blank(text, pos, to);
    if (start >= to) return;
    if (text[start] == ';') {
      pos = start + 1;
      continue;
    }
    std::size_t semi = text.find(';', start);
    std::size_t stop = (semi == std::string_view::npos || semi > to) ? to : semi;
    out.push_back(parse_one(text, pos, stop, arena));
    if (!out.back().error) out.back().error = SyntaxError{out.back().begin, "unrecognised text"};
    pos = stop + 1;
  }
}

}  // namespace

std::size_t skip_blank(std::string_view text, std::size_t i, std::size_t to) {
  while (i < to) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if (c == '-' && i + 1 < to && text[i + 1] == '-') {
      while (i < to && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < to && text[i + 1] == '*') {
      int depth = 0;  // PostgreSQL block comments nest
      while (i < to) {
        if (text[i] == '/' && i + 1 < to && text[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (text[i] == '*' && i + 1 < to && text[i + 1] == '/') {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
    } else {
      break;
    }
  }
  return std::min(i, to);
}

int grammar_major_version() { return PG_VERSION_NUM / 10000; }
std::string_view grammar_version() { return PG_VERSION; }

ParseOutput parse_sql(std::string_view text) {
  ParseOutput out;
  // libpg_query reads a C string (a NUL ends the text unnoticed) and copies invalid UTF-8 into
  // its JSON tree, which then does not parse: either is one statement's syntax error, at the byte.
  if (auto bad = first_text_problem(text, false)) {
    ParsedStatement st;
    st.begin = skip_blank(text, 0, bad.offset);
    st.end = text.size();
    st.error = SyntaxError{bad.offset, bad.what};
    out.statements.push_back(std::move(st));
    out.trailing_begin = text.size();
    return out;
  }
  std::string owned(text);  // libpg_query wants NUL-terminated input
  auto arena = std::make_shared<TreeArena>();

  // Fast path: the whole file parses in one call.
  {
    ParseResult pr(owned.c_str());
    if (!pr.r.error) {
      TreeArena::Scope scope(*arena);
      auto doc = Json::parse(pr.r.parse_tree);
      std::size_t last_end = 0;
      for (auto& s : doc["stmts"]) {
        ParsedStatement st;
        st.region_begin = s.value("stmt_location", 0);
        std::size_t len = s.value("stmt_len", 0);
        std::size_t end = len == 0 ? text.size() : st.region_begin + len;
        st.begin = skip_blank(text, st.region_begin, end);
        st.end = end_of_last_token(text, st.begin, end);
        st.base = 0;
        st.arena = arena;
        st.tree = std::make_shared<Json>(std::move(s["stmt"]));
        last_end = after_semicolon(text, end);
        out.statements.push_back(std::move(st));
      }
      out.trailing_begin = last_end;
      return out;
    }
  }

  // Slow path: split with the scanner, parse each statement separately.
  SplitResult sr(owned.c_str());
  if (sr.r.error) {  // e.g. an unterminated quoted string: nothing after it can be split
    ParsedStatement st;
    st.region_begin = 0;
    st.begin = skip_blank(text, 0, text.size());
    st.end = text.size();
    ParseResult pr(owned.c_str());
    std::size_t cursor = pr.r.error && pr.r.error->cursorpos > 0 ? pr.r.error->cursorpos - 1 : 0;
    st.error = SyntaxError{utf8_bytes_for_chars(text, cursor),
                           pr.r.error ? pr.r.error->message : sr.r.error->message};
    out.statements.push_back(std::move(st));
    out.trailing_begin = text.size();
    return out;
  }
  std::size_t pos = 0;
  for (int i = 0; i < sr.r.n_stmts; ++i) {
    std::size_t loc = sr.r.stmts[i]->stmt_location;
    std::size_t len = sr.r.stmts[i]->stmt_len;
    std::size_t end = len == 0 ? text.size() : loc + len;
    std::size_t region = std::min(pos, loc);  // leading comments belong to the statement
    if (loc > pos) {
      std::size_t before = out.statements.size();
      add_gap_statements(text, pos, loc, out.statements, arena);
      if (out.statements.size() != before) region = loc;
    }
    auto st = parse_one(text, region, end, arena);
    out.statements.push_back(std::move(st));
    pos = after_semicolon(text, end);
  }
  if (pos < text.size()) add_gap_statements(text, pos, text.size(), out.statements, arena);
  out.trailing_begin = text.size();
  return out;
}

}  // namespace slipway::lint

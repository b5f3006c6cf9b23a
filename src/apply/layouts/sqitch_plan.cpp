// sqitch.plan, read the way App::Sqitch::Plan::_parse reads it: pragmas up to the first blank
// line, then change and tag lines, each with an optional `# note`. The planner, date and note
// are kept exactly as sqitch keeps them: sqitch's change id is a SHA-1 over them, so one
// character off and slipway's registry rows would name another change.
#include <fmt/format.h>

#include <map>
#include <set>

#include "apply/layouts/readers.hpp"
#include "util/error.hpp"

namespace slipway::apply::layouts {

namespace {

constexpr std::string_view sqitch_punct = "-!\"#$%&'()*+,./:;<=>?@[\\]^`{|}~";  // [:punct:] but '_'
constexpr std::string_view sqitch_line_shape =
    "a change line is `name [dependencies] 2024-01-02T03:04:05Z Planner Name <email> # note`";

bool sqitch_blank(char c) { return c == ' ' || c == '\t'; }
bool sqitch_is_punct(char c) { return sqitch_punct.find(c) != std::string_view::npos; }

// Plan::Line's BUILDARGS: trim, then undo the escapes sqitch writes for \n, \r and '\'.
std::string sqitch_note(std::string_view raw) {
  std::size_t b = raw.find_first_not_of(" \t\r\n\f\v");
  if (b == std::string_view::npos) return {};
  raw = raw.substr(b, raw.find_last_not_of(" \t\r\n\f\v") - b + 1);
  std::string note;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == '\\' || raw[i + 1] == 'n' || raw[i + 1] == 'r')) {
      note += raw[i + 1] == 'n' ? '\n' : raw[i + 1] == 'r' ? '\r' : '\\';
      ++i;
    } else {
      note += raw[i];
    }
  }
  return note;
}

// A blank or comment-only line; `note` says whether it carries a (non-empty) comment.
bool sqitch_blank_line(std::string_view line, bool& note) {
  std::size_t i = 0;
  while (i < line.size() && sqitch_blank(line[i])) ++i;
  if (i == line.size()) return note = false, true;
  if (line[i] != '#') return false;
  note = !sqitch_note(line.substr(i + 1)).empty();
  return true;
}

// Splits off the inline note at the first '#' (and the blanks before it).
std::string_view sqitch_strip_note(std::string_view line, std::string& note) {
  std::size_t hash = line.find('#');
  note = hash == std::string_view::npos ? std::string() : sqitch_note(line.substr(hash + 1));
  std::string_view rest = line.substr(0, hash);
  while (!rest.empty() && sqitch_blank(rest.back())) rest.remove_suffix(1);
  return rest;
}

// Plan's $name_re: no blanks or :@#\, not starting or ending with punctuation, not ending in
// a symbolic-reference suffix such as ^2 or ~3.
bool sqitch_valid_name(std::string_view name) {
  if (name.empty() || sqitch_is_punct(name.front()) || sqitch_is_punct(name.back())) return false;
  for (char c : name)
    if (sqitch_blank(c) || c == ':' || c == '@' || c == '#' || c == '\\') return false;
  std::size_t digits = name.find_last_not_of("0123456789");
  if (digits != std::string_view::npos && digits + 1 < name.size() &&
      std::string_view("~/=%^[]").find(name[digits]) != std::string_view::npos)
    return false;
  return true;
}

bool sqitch_sha1_like(std::string_view name) {
  if (name.size() < 40) return false;
  for (std::size_t i = 0; i < 40; ++i)
    if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f'))) return false;
  return true;
}

bool sqitch_timestamp(std::string_view s) {  // YYYY-MM-DDTHH:MM:SSZ
  static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:ddZ";
  if (s.size() < shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i]) return false;
  return true;
}

struct SqitchDependency {
  bool conflict = false;
  std::string text;     // as written, without '!'
  std::string project;  // "" when none
  std::string key;      // change, change@tag, @tag or a change id
  bool id = false;
};

// Plan::Depend->parse: [!][project:](sha1 | change[@tag] | @tag).
bool sqitch_parse_dependency(std::string_view s, SqitchDependency& dep) {
  dep.conflict = s.starts_with('!');
  if (dep.conflict) s.remove_prefix(1);
  dep.text = std::string(s);
  if (std::size_t colon = s.find(':'); colon != std::string_view::npos) {
    dep.project = std::string(s.substr(0, colon));
    if (!sqitch_valid_name(dep.project)) return false;
    s.remove_prefix(colon + 1);
  }
  dep.key = std::string(s);
  if (s.size() == 40 && sqitch_sha1_like(s)) return dep.id = true;
  std::size_t at = s.find('@');
  std::string_view change = s.substr(0, at);
  if (!change.empty() && !sqitch_valid_name(change)) return false;
  if (at != std::string_view::npos && !sqitch_valid_name(s.substr(at + 1))) return false;
  return !s.empty() && !(change.empty() && at == std::string_view::npos);
}

class SqitchPlanParser {
 public:
  SqitchPlanParser(const fs::path& file, std::string_view text) : file_(file), lines_(split_lines(text)) {}

  SqitchPlan parse() {
    std::size_t i = read_pragmas();
    if (plan_.project.empty())
      fail_at(file_, 0, "no %project pragma", "start the plan with %syntax-version=1.0.0 and %project=<name>, then a blank line");
    for (; i < lines_.size(); ++i) read_line(lines_[i]);
    return std::move(plan_);
  }

 private:
  [[noreturn]] void fail(const TextLine& line, const std::string& what, std::string_view hint = sqitch_line_shape) {
    fail_at(file_, line.number, what, std::string(hint));
  }

  // Pragmas (%name=value), up to the first blank line. Returns the index of the line after it.
  std::size_t read_pragmas() {
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      const TextLine& line = lines_[i];
      bool note = false;
      if (sqitch_blank_line(line.text, note)) {
        if (!note) return i + 1;
        continue;
      }
      std::string ignored;
      std::string_view t = trim_blanks(sqitch_strip_note(line.text, ignored));
      if (!t.starts_with('%')) fail(line, "not a pragma: a blank line must come between the pragmas and the changes",
                                    "put a blank line after the %pragma lines");
      t.remove_prefix(1);
      std::size_t eq = t.find('=');
      std::string name(trim_blanks(t.substr(0, eq)));
      std::string value(eq == std::string_view::npos ? std::string_view() : trim_blanks(t.substr(eq + 1)));
      if (name.empty() || sqitch_is_punct(name.front())) fail(line, "not a valid pragma", "write %name=value");
      if (name == "project") {
        if (!sqitch_valid_name(value)) fail(line, fmt::format("invalid project name \"{}\"", value), "project names follow the rules of change names");
        plan_.project = value;
      } else if (name == "uri") {
        plan_.uri = value;
      }
    }
    return lines_.size();
  }

  void read_line(const TextLine& line) {
    bool has_note = false;
    if (sqitch_blank_line(line.text, has_note)) return;
    std::string note;
    std::string_view t = sqitch_strip_note(line.text, note);
    std::size_t i = 0;
    while (i < t.size() && sqitch_blank(t[i])) ++i;
    bool tag = i < t.size() && t[i] == '@';
    if (tag) ++i;
    if (!tag && i < t.size() && (t[i] == '+' || t[i] == '-'))
      fail(line, "the +/- change operators of early sqitch plans are not supported", "rewrite the plan with a current sqitch");
    std::size_t name_begin = i;
    while (i < t.size() && !sqitch_blank(t[i])) ++i;
    std::string name(t.substr(name_begin, i - name_begin));
    if (!sqitch_valid_name(name))
      fail(line, fmt::format("invalid name \"{}\": names must not begin with punctuation, contain \"@\", \":\", \"#\", \"\\\", "
                             "or blanks, or end in punctuation or digits following punctuation", name));
    if (name == "HEAD" || name == "ROOT") fail(line, fmt::format("\"{}{}\" is a reserved name", tag ? "@" : "", name));
    if (sqitch_sha1_like(name)) fail(line, fmt::format("\"{}\" could be confused with a SHA1 ID", name));
    while (i < t.size() && sqitch_blank(t[i])) ++i;

    std::string_view dependencies;
    if (i < t.size() && t[i] == '[') {
      std::size_t close = t.find(']', i);
      if (close == std::string_view::npos || close == i + 1) fail(line, "unterminated or empty dependency list");
      dependencies = t.substr(i + 1, close - i - 1);
      i = close + 1;
      while (i < t.size() && sqitch_blank(t[i])) ++i;
    }
    std::string_view rest = t.substr(i);
    if (!sqitch_timestamp(rest))
      fail(line, rest.empty() ? "missing timestamp and planner name and email" : "missing timestamp");
    SqitchChange info;
    info.planned_at = std::string(rest.substr(0, 20));
    rest.remove_prefix(20);
    while (!rest.empty() && sqitch_blank(rest.front())) rest.remove_prefix(1);
    read_planner(line, rest, info);
    info.note = std::move(note);

    if (tag) {
      add_tag(line, name, dependencies, info);
    } else {
      add_change(line, name, dependencies, std::move(info));
    }
  }

  // (?<planner_name>[^<]+)[[:blank:]]+<(?<planner_email>[^>]+)> up to the end of the line: the
  // name is everything before '<' but the one blank the regex needs (greedy [^<]+ gives back one).
  void read_planner(const TextLine& line, std::string_view rest, SqitchChange& info) {
    if (rest.empty()) fail(line, "missing planner name and email");
    std::size_t lt = rest.find('<');
    if (lt == std::string_view::npos || rest.back() != '>' || lt < 2 || !sqitch_blank(rest[lt - 1]) ||
        rest.substr(lt + 1, rest.size() - lt - 2).find('>') != std::string_view::npos || lt + 2 == rest.size())
      fail(line, fmt::format("cannot read the planner \"{}\"", rest), "write the planner as `Name <email>`");
    info.planner_name = std::string(rest.substr(0, lt - 1));
    info.planner_email = std::string(rest.substr(lt + 1, rest.size() - lt - 2));
  }

  void add_tag(const TextLine& line, const std::string& name, std::string_view dependencies, const SqitchChange& info) {
    if (name.find('/') != std::string::npos) fail(line, fmt::format("tag \"{}\" contains illegal character /", name));
    if (plan_.changes.empty()) fail(line, fmt::format("tag \"{}\" declared without a preceding change", name));
    std::string key = "@" + name;
    if (auto it = seen_.find(key); it != seen_.end())
      fail(line, fmt::format("tag \"{}\" duplicates earlier declaration on line {}", name, it->second));
    if (!dependencies.empty()) fail(line, "tags may not specify dependencies");
    SqitchChange& change = plan_.changes.back().info;
    change.tags.push_back(key);
    change.tag_details.push_back({key, info.planner_name, info.planner_email, info.planned_at, info.note});
    seen_[key] = line.number;
    since_tag_.clear();
  }

  void add_change(const TextLine& line, const std::string& name, std::string_view dependencies, SqitchChange info) {
    if (auto it = since_tag_.find(name); it != since_tag_.end())
      fail(line, fmt::format("change \"{}\" duplicates earlier declaration on line {}", name, it->second),
           "give the change another name, or tag the plan between them (sqitch rework)");
    if (auto it = seen_.find(name); it != seen_.end())
      fail(line, fmt::format("change \"{}\" reworks the change on line {}: reworked changes are not supported yet", name, it->second),
           "deploy up to this change with sqitch, or give the new version of the change a name of its own");
    std::set<std::string> written;
    std::size_t i = 0;
    while (i < dependencies.size()) {
      while (i < dependencies.size() && sqitch_blank(dependencies[i])) ++i;
      std::size_t start = i;
      while (i < dependencies.size() && !sqitch_blank(dependencies[i])) ++i;
      if (start == i) break;
      std::string_view text = dependencies.substr(start, i - start);
      SqitchDependency dep;
      if (!sqitch_parse_dependency(text, dep)) fail(line, fmt::format("\"{}\" is not a valid dependency specification", text));
      if (!written.insert(std::string(text)).second) fail(line, fmt::format("duplicate dependency \"{}\"", text));
      if (!dep.conflict) check_required(line, name, dep);
      (dep.conflict ? info.conflicts : info.requires_).push_back(dep.text);
    }
    since_tag_[name] = line.number;
    seen_[name] = line.number;
    plan_.changes.push_back({name, line.number, std::move(info)});
  }

  // Plan::check_changes: a requirement in this project must be planned before the change.
  void check_required(const TextLine& line, const std::string& change, const SqitchDependency& dep) {
    if ((!dep.project.empty() && dep.project != plan_.project) || (dep.project.empty() && dep.id)) return;
    if (dep.key == change) fail(line, fmt::format("change \"{}\" cannot require itself", change));
    std::size_t at = dep.key.find('@');
    if (at != std::string::npos && at > 0) {
      auto tag = seen_.find(dep.key.substr(at));
      auto required = seen_.find(dep.key.substr(0, at));
      if (tag != seen_.end() && required != seen_.end() && required->second < tag->second) return;
    } else if (seen_.contains(dep.key)) {
      return;
    }
    fail(line, fmt::format("change \"{}\" requires \"{}\", which is not planned before it", change, dep.key),
         "plan the required change first (move this line down), or fix the dependency's name");
  }

  const fs::path& file_;
  std::vector<TextLine> lines_;
  SqitchPlan plan_;
  std::map<std::string, int> seen_;       // changes and "@tags" planned so far -> line
  std::map<std::string, int> since_tag_;  // changes since the last tag -> line
};

}  // namespace

SqitchPlan parse_sqitch_plan(const fs::path& file, std::string_view text) { return SqitchPlanParser(file, text).parse(); }

}  // namespace slipway::apply::layouts

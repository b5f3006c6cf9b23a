#include "demo/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "demo/format.hpp"

namespace slipway::demo {

namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* step_color(const std::string& step) {
  if (step == "warm-up") return "#f1f3f5";
  if (step == "start") return "#dbe9ff";
  if (step == "backfill") return "#d9f5e3";
  if (step == "verify") return "#fff3bf";
  if (step == "complete") return "#eadcff";
  if (step == "both versions live") return "#e3fafc";
  if (step == "old app retired") return "#f8f0fc";
  return "#ffe0e0";  // the naive way's statements
}

const char* app_color(AppId app) { return app == AppId::old_app ? "#1c7ed6" : "#e8590c"; }

struct Scale {
  double x0, x1, y0, y1;  // pixel box
  double t_max;           // seconds
  double lo, hi;          // log10 of the latency range, ms
  double x(double t) const { return x0 + (x1 - x0) * std::clamp(t / t_max, 0.0, 1.0); }
  double y(double ms_value) const {
    double v = std::log10(std::max(ms_value, std::pow(10.0, lo)));
    return y1 - (y1 - y0) * std::clamp((v - lo) / (hi - lo), 0.0, 1.0);
  }
};

}  // namespace

std::string latency_chart_svg(const RunSummary& run, double y_max_ms, double lock_timeout_ms) {
  const double width = 980, height = 340;
  Scale sc{70, width - 20, 30, height - 40, std::max(run.duration_s, 1.0), -1.0, std::log10(std::max(y_max_ms, 10.0))};
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {1}" width="{0}" height="{1}" font-family="sans-serif" font-size="11">)",
      width, height);
  svg += "\n";

  // Phases, shaded; each change's name above its group.
  std::string last_change;
  for (const auto& p : run.phases) {
    double xa = sc.x(p.start_s), xb = sc.x(p.end_s);
    svg += fmt::format(R"(<rect x="{:.1f}" y="{}" width="{:.1f}" height="{}" fill="{}"><title>{} {}: {}</title></rect>)",
                       xa, sc.y0, std::max(xb - xa, 0.5), sc.y1 - sc.y0, step_color(p.step), escape(p.change),
                       escape(p.step), seconds(p.duration_s()));
    svg += "\n";
    if (p.change != last_change && p.change != "traffic") {
      svg += fmt::format(R"(<line x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2}" stroke="#adb5bd" stroke-width="0.6"/>)", xa,
                         sc.y0 - 12, sc.y1);
      std::string label = p.change.substr(0, p.change.find('_'));
      svg += fmt::format(R"(<text x="{:.1f}" y="{}" fill="#495057">{}</text>)", xa + 2, sc.y0 - 4, escape(label));
      svg += "\n";
    }
    last_change = p.change;
  }

  // Axes: log latency with a line per decade; time every few seconds.
  for (int d = int(std::floor(sc.lo)); d <= int(std::ceil(sc.hi)); ++d) {
    double v = std::pow(10.0, d);
    if (std::log10(v) > sc.hi + 1e-9) break;
    double y = sc.y(v);
    svg += fmt::format(R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#dee2e6" stroke-width="0.6"/>)", sc.x0,
                       sc.x1, y, y);
    svg += fmt::format(R"(<text x="{}" y="{:.1f}" text-anchor="end" fill="#495057">{}</text>)", sc.x0 - 6, y + 4, ms(v));
    svg += "\n";
  }
  double step = sc.t_max <= 20 ? 2 : sc.t_max <= 60 ? 5 : sc.t_max <= 180 ? 15 : 30;
  for (double t = 0; t <= sc.t_max + 1e-9; t += step) {
    svg += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="middle" fill="#495057">{}s</text>)", sc.x(t), sc.y1 + 16,
                       t);
  }
  svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle" fill="#495057">time since the run began</text>)",
                     (sc.x0 + sc.x1) / 2, sc.y1 + 32);
  svg += fmt::format(
      R"~(<text transform="translate(14,{}) rotate(-90)" text-anchor="middle" fill="#495057">query latency (log scale)</text>)~",
      (sc.y0 + sc.y1) / 2);
  svg += "\n";
  if (lock_timeout_ms > 0) {
    double y = sc.y(lock_timeout_ms);
    svg += fmt::format(R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#c92a2a" stroke-dasharray="5,4" stroke-width="1"/>)",
                       sc.x0, sc.x1, y, y);
    svg += fmt::format(R"(<text x="{}" y="{:.1f}" text-anchor="end" fill="#c92a2a">lock_timeout {}</text>)", sc.x1 - 4,
                       y - 4, ms(lock_timeout_ms));
    svg += "\n";
  }

  // One series per application version: the slowest query sent in each time bucket, so no
  // stall can hide between points; errors as red crosses at the top.
  double bucket = std::max(0.1, sc.t_max / 400);
  for (auto app : {AppId::old_app, AppId::new_app}) {
    std::map<long, double> worst;
    for (const auto& s : run.samples) {
      if (s.app != app) continue;
      long b = long(s.start_s / bucket);
      worst[b] = std::max(worst[b], s.latency_ms);
    }
    if (worst.empty()) continue;
    // Break the line where the application sent nothing (retired, or not deployed yet).
    std::string path;
    long prev = -10;
    for (const auto& [b, v] : worst) {
      path += fmt::format("{}{:.1f},{:.1f} ", b == prev + 1 ? "L" : "M", sc.x((double(b) + 0.5) * bucket), sc.y(v));
      prev = b;
    }
    svg += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="1.3"/>)", path, app_color(app));
    svg += "\n";
  }
  for (const auto& s : run.samples) {
    if (s.ok) continue;
    double x = sc.x(s.start_s), y = sc.y0 + 6;
    svg += fmt::format(R"~(<path d="M{0:.1f},{1:.1f}l6,6m0,-6l-6,6" stroke="#e03131" stroke-width="1.2" transform="translate(-3,-3)"/>)~",
                       x, y);
  }
  svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#868e96" stroke-width="0.8"/>)",
                     sc.x0, sc.y0, sc.x1 - sc.x0, sc.y1 - sc.y0);
  svg += "\n</svg>\n";
  return svg;
}

namespace {

std::string legend() {
  std::string out = R"(<div class="legend">)";
  for (auto app : {AppId::old_app, AppId::new_app})
    out += fmt::format(R"(<span><i style="background:{}"></i>{}</span>)", app_color(app), app_name(app));
  for (const char* step : {"start", "backfill", "both versions live", "verify", "complete"})
    out += fmt::format(R"(<span><i class="box" style="background:{}"></i>{}</span>)", step_color(step), step);
  out += fmt::format(R"(<span><i class="box" style="background:{}"></i>naive statement</span>)", step_color("naive"));
  out += R"(<span><b style="color:#e03131">&#x2715;</b> application error</span>)";
  out += R"(<br>Each line is the slowest query sent in each instant; a gap means the application could not )"
         R"(send any query then (all its connections were waiting).</div>)";
  return out;
}

std::string phase_table(const RunSummary& r) {
  std::string out = "<table><tr><th>change</th><th>step</th><th>duration</th><th>queries</th><th>errors</th>"
                    "<th>p50</th><th>p99</th><th>max</th><th>rows checked</th></tr>\n";
  for (const auto& p : r.phases) {
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        escape(p.change), escape(p.step), seconds(p.duration_s()), thousands(p.app.queries), p.app.errors ? "bad" : "",
        p.app.errors, ms(p.app.p50_ms), ms(p.app.p99_ms), ms(p.app.max_ms),
        p.rows_checked ? fmt::format("{} ({} bad)", thousands(*p.rows_checked), thousands(p.rows_bad.value_or(0))) : "");
  }
  out += fmt::format("<tr class=\"total\"><td>whole run</td><td></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} of {} verified</td></tr>\n",
                     seconds(r.duration_s), thousands(r.app.queries), r.app.errors, ms(r.app.p50_ms), ms(r.app.p99_ms),
                     ms(r.app.max_ms), thousands(r.rows_verified), thousands(r.rows));
  out += "</table>\n";
  return out;
}

}  // namespace

std::string html_report(const DemoSummary& s) {
  double y_max = std::max(s.slipway.app.max_ms, s.lock_timeout_ms * 2);
  if (s.naive) y_max = std::max(y_max, s.naive->app.max_ms);
  y_max = std::pow(10.0, std::ceil(std::log10(std::max(y_max * 1.05, 10.0))));

  std::string out = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>slipway demo</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#212529}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;font-size:13px;margin:0.8em 0}
td,th{padding:3px 9px;border-bottom:1px solid #e9ecef;text-align:right}
td:first-child,td:nth-child(2),th:first-child,th:nth-child(2){text-align:left}
tr.total td{font-weight:600;border-top:2px solid #adb5bd}
td.bad{color:#c92a2a;font-weight:600}
.legend{font-size:12px;margin:0.3em 0 1em}.legend span{margin-right:1.2em;white-space:nowrap}
.legend i{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:5px}
.legend i.box{height:11px;width:11px;border:1px solid #ced4da}
.big{font-size:1.1em}.ok{color:#2b8a3e;font-weight:600}.notok{color:#c92a2a;font-weight:600}
</style></head><body>
)";
  out += "<h1>slipway demo: zero-downtime schema changes under live traffic</h1>\n";
  out += fmt::format("<p>{} &middot; user_profiles with {} rows &middot; the application sends {:.0f} queries/s per version &middot; lock_timeout {}</p>\n",
                     escape(s.server), thousands(s.rows), s.rate_per_app, ms(s.lock_timeout_ms));
  auto verdict = [&](const RunSummary& r) {
    bool good = r.app.errors == 0 && r.failures.empty() && r.finished;
    return fmt::format("<p class=\"big\">{}: <span class=\"{}\">{} application errors</span>, max latency <b>{}</b>, "
                       "{} of {} rows verified, {}</p>\n",
                       r.mode == "slipway" ? "slipway" : "the naive way", good ? "ok" : "notok", r.app.errors,
                       ms(r.app.max_ms), thousands(r.rows_verified), thousands(r.rows), seconds(r.duration_s));
  };
  out += "<h2>slipway: expand, backfill, complete</h2>\n" + verdict(s.slipway);
  out += legend();
  out += latency_chart_svg(s.slipway, y_max, s.lock_timeout_ms);
  if (s.naive) {
    out += "<h2>the naive way: plain ALTER TABLE, one big UPDATE (same changes, same traffic, a copy)</h2>\n" +
           verdict(*s.naive);
    out += latency_chart_svg(*s.naive, y_max, s.lock_timeout_ms);
  }
  out += "<h2>phases</h2>\n<h3>slipway</h3>\n" + phase_table(s.slipway);
  for (const auto& f : s.slipway.failures) out += "<p class=\"notok\">verification failed: " + escape(f) + "</p>\n";
  if (s.naive) {
    out += "<h3>the naive way</h3>\n" + phase_table(*s.naive);
    for (const auto& f : s.naive->failures) out += "<p class=\"notok\">" + escape(f) + "</p>\n";
    if (!s.naive->error_messages.empty()) {
      out += "<p>application errors under the naive way:</p><ul>\n";
      for (const auto& [m, n] : s.naive->error_messages) out += fmt::format("<li>{} &times; {}</li>\n", n, escape(m));
      out += "</ul>\n";
    }
  }
  if (!s.cleanup.empty()) out += "<p>" + escape(s.cleanup) + "</p>\n";
  out += "</body></html>\n";
  return out;
}

}  // namespace slipway::demo

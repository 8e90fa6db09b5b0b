// Self-contained HTML report: inline CSS and one inline SVG chart per feature (reference vs
// current shares per bin/category). No scripts, fonts or images are loaded from anywhere.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "mlo/drift/report.hpp"

namespace mlo::drift {

using nlohmann::json;

namespace {

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string num(const json& v, const char* f = "%.4g") {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, f, v.get<double>());
  return buf;
}

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:24px;color:#1d2330}"
    "table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccd;padding:4px "
    "8px;font-size:13px}"
    "th{background:#eef}.yes{color:#b00020;font-weight:bold}.ok{color:#1b7f3b}"
    ".badge{display:inline-block;padding:4px 10px;border-radius:4px;color:#fff;font-weight:bold}"
    ".bad{background:#b00020}.good{background:#1b7f3b}section{margin:18px 0;border-top:1px solid "
    "#dde}"
    ".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}";

std::string chart(const json& f) {
  const int w = 720, h = 240, left = 48, bottom = 70, top = 12;
  std::ostringstream s;
  s << "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\""
    << h << "\" role=\"img\" aria-label=\"" << esc(f["name"].get<std::string>()) << " histogram\">";
  const auto& hist = f["histogram"];
  const size_t n = hist["labels"].size();
  if (n == 0) {
    s << "<text x=\"20\" y=\"40\" font-size=\"14\">no data to chart"
      << (f["present"].get<bool>() ? "" : " (column missing from the batch)") << "</text></svg>";
    return s.str();
  }
  double vmax = 0;
  for (size_t i = 0; i < n; ++i)
    vmax = std::max({vmax, hist["reference"][i].get<double>(), hist["current"][i].get<double>()});
  if (vmax <= 0) vmax = 1;
  const double plot_h = h - bottom - top,
               slot = static_cast<double>(w - left - 10) / static_cast<double>(n);
  s << "<line x1=\"" << left << "\" y1=\"" << top + plot_h << "\" x2=\"" << w - 10 << "\" y2=\""
    << top + plot_h << "\" stroke=\"#889\"/>";
  s << "<text x=\"4\" y=\"" << top + 10 << "\" font-size=\"11\">" << num(json(vmax * 100), "%.1f")
    << "%</text>";
  for (size_t i = 0; i < n; ++i) {
    const double x0 = left + slot * static_cast<double>(i), bw = slot * 0.4;
    const double rh = hist["reference"][i].get<double>() / vmax * plot_h,
                 ch = hist["current"][i].get<double>() / vmax * plot_h;
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4c72b0\"/>",
                  x0 + slot * 0.1, top + plot_h - rh, bw, rh);
    s << buf;
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#dd8452\"/>",
                  x0 + slot * 0.5, top + plot_h - ch, bw, ch);
    s << buf;
    std::string label = hist["labels"][i].get<std::string>();
    if (label.size() > 18) label = label.substr(0, 17) + "…";
    std::snprintf(buf, sizeof buf,
                  "<text font-size=\"10\" transform=\"translate(%.1f,%.1f) rotate(35)\">",
                  x0 + slot * 0.3, top + plot_h + 12);
    s << buf << esc(label) << "</text>";
  }
  s << "</svg>";
  return s.str();
}

void summary_table(std::ostringstream& o, const json& r) {
  o << "<table><tr><th>feature</th><th>type</th><th>method</th><th>value</th><th>threshold</"
       "th><th>drift</th>"
       "<th>PSI</th><th>KS</th><th>JS</th><th>Wasserstein</th><th>null "
       "rate</th><th>issues</th></tr>";
  for (const auto& f : r["features"]) {
    const auto& st = f["stats"];
    auto s = [&](const char* k) { return st.contains(k) ? num(st[k]) : std::string("-"); };
    std::string issues;
    for (const auto& i : f["issues"]) issues += (issues.empty() ? "" : "; ") + i.get<std::string>();
    o << "<tr><td><a href=\"#f-" << esc(f["name"].get<std::string>()) << "\">"
      << esc(f["name"].get<std::string>()) << "</a></td><td>" << f["kind"].get<std::string>()
      << "</td><td>" << esc(f["method"].get<std::string>()) << "</td><td>" << num(f["value"])
      << "</td><td>" << num(f["threshold"]) << "</td><td class=\""
      << (f["drifted"].get<bool>() ? "yes\">yes" : "ok\">no") << "</td><td>" << s("psi")
      << "</td><td>" << s("ks") << "</td><td>" << s("js") << "</td><td>" << s("wasserstein")
      << "</td><td>" << (f["quality"].contains("null_rate") ? num(f["quality"]["null_rate"]) : "-")
      << "</td><td>" << esc(issues) << "</td></tr>";
  }
  o << "</table>";
}

void concept_html(std::ostringstream& o, const json& c) {
  o << "<h2>Model quality (" << esc(c["task"].get<std::string>())
    << ")</h2><table><tr><th>slice</th><th>rows</th>";
  std::vector<std::string> metrics;
  for (auto it = c["overall"]["metrics"].begin(); it != c["overall"]["metrics"].end(); ++it)
    metrics.push_back(it.key());
  for (const auto& m : metrics) o << "<th>" << esc(m) << "</th>";
  o << "<th>status</th></tr>";
  auto row = [&](const json& s, const std::string& name) {
    o << "<tr><td>" << esc(name) << "</td><td>" << s["rows"].get<uint64_t>() << "</td>";
    for (const auto& m : metrics)
      o << "<td>" << (s["metrics"].contains(m) ? num(s["metrics"][m]) : "-") << "</td>";
    o << "<td class=\"" << (s["degraded"].empty() ? "ok\">ok" : "yes\">degraded") << "</td></tr>";
  };
  row(c["overall"], "(all)");
  if (c.contains("slices")) {
    for (const auto& s : c["slices"])
      row(s, c["slice_by"].get<std::string>() + "=" + s["slice"].get<std::string>());
  }
  o << "</table><ul>";
  for (const auto& f : c["findings"]) o << "<li>" << esc(f.get<std::string>()) << "</li>";
  o << "</ul>";
}

}  // namespace

std::string report_html(const json& r) {
  std::ostringstream o;
  const bool finding = r["verdict"]["finding"].get<bool>();
  const std::string title = "mlo drift: " + r["model"].get<std::string>() + " v" +
                            std::to_string(r["version"].get<int64_t>());
  o << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << esc(title)
    << "</title><style>" << kStyle << "</style></head><body><h1>" << esc(title) << "</h1>";
  o << "<p><span class=\"badge " << (finding ? "bad\">FINDING" : "good\">OK") << "</span> "
    << r["verdict"]["drifted_features"] << " of " << r["verdict"]["features"]
    << " features drifted (weighted share " << num(r["dataset"]["drifted_share"]) << ")</p>";
  o << "<p>Reference: " << esc(r["reference"].get<std::string>()) << " ("
    << r["dataset"]["reference_rows"] << " rows) · current: ";
  for (size_t i = 0; i < r["current"].size(); ++i)
    o << (i ? ", " : "") << esc(r["current"][i].get<std::string>());
  o << " (" << r["dataset"]["current_rows"]
    << " rows) · mode: " << esc(r["mode"].get<std::string>())
    << " · policy: " << esc(r["policy"].get<std::string>()) << " · "
    << esc(r["created"].get<std::string>()) << "</p>";
  for (const auto& i : r["dataset"]["issues"])
    o << "<p class=\"yes\">" << esc(i.get<std::string>()) << "</p>";
  o << "<h2>Features by severity</h2>";
  summary_table(o, r);
  if (r.contains("concept")) concept_html(o, r["concept"]);
  o << "<h2>Distributions</h2><p class=\"legend\"><span "
       "style=\"background:#4c72b0\"></span>reference"
       "<span style=\"background:#dd8452\"></span>current</p>";
  for (const auto& f : r["features"]) {
    o << "<section id=\"f-" << esc(f["name"].get<std::string>()) << "\"><h3>"
      << esc(f["name"].get<std::string>()) << " (" << f["kind"].get<std::string>()
      << (f["drifted"].get<bool>() ? ", <span class=\"yes\">drifted</span>" : "") << ")</h3>"
      << chart(f) << "</section>";
  }
  o << "</body></html>\n";
  return o.str();
}

}  // namespace mlo::drift

// Self-contained HTML report: inline CSS and one inline SVG chart per feature (reference vs
// current shares per bin/category, labelled axes). No scripts, fonts or images are loaded
// from anywhere. The verdict banner comes first so it is visible without scrolling.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "mlo/core/text.hpp"
#include "mlo/drift/report.hpp"
#include "mlo/drift/report_parts.hpp"

namespace mlo::drift {

namespace {

std::string esc(const std::string& s) {
  return markup_escape(s);
}

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:16px 24px;color:#1d2330}"
    "h1{font-size:18px;margin:0 0 8px}h2{font-size:16px;margin:20px 0 6px}h3{font-size:14px}"
    "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccd;padding:3px "
    "7px;font-size:12px;text-align:left}th{background:#eef}"
    ".bad{color:#b00020;font-weight:bold}.ok{color:#1b7f3b}"
    ".verdict{font-size:17px;font-weight:bold;padding:10px 14px;border-radius:6px;color:#fff;"
    "margin:0 0 10px}.verdict.finding{background:#b00020}.verdict.clean{background:#1b7f3b}"
    "ul.ctx{margin:4px 0;padding-left:18px;font-size:13px}"
    "section{margin:14px 0;border-top:1px solid #dde}";

// Cells equal to DRIFT/DEGRADED/MISSING are highlighted.
void table(std::ostringstream& o, const report_parts::Table& t,
           const std::string& link_prefix = "") {
  o << "<table><tr>";
  for (const auto& h : t.header) o << "<th>" << esc(h) << "</th>";
  o << "</tr>";
  for (const auto& row : t.rows) {
    o << "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string& c = row[i];
      const bool bad = c == "DRIFT" || c == "DEGRADED" || c == "MISSING";
      o << "<td" << (bad ? " class=\"bad\"" : (c == "ok" ? " class=\"ok\"" : "")) << ">";
      if (i == 0 && !link_prefix.empty())
        o << "<a href=\"#" << link_prefix << esc(c) << "\">" << esc(c) << "</a>";
      else
        o << esc(c);
      o << "</td>";
    }
    o << "</tr>";
  }
  o << "</table>";
}

std::string svg_text(double x, double y, const std::string& text, const std::string& extra = "") {
  char buf[96];
  std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\"", x, y);
  return buf + extra + ">" + esc(text) + "</text>";
}

std::string rect(double x, double y, double w, double h, const char* fill) {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x, y, w,
                h, fill);
  return buf;
}

// Bars of reference (blue) and current (orange) shares. The y axis is scaled to the largest
// bar other than "(other)", so a big "(other)" bucket is drawn cut (with its value written on
// it) instead of flattening every other category. Categories absent from the reference are
// labelled "(unseen)".
std::string chart(const FeatureDrift& f, const char* css_class) {
  const int w = 760, h = 270, left = 56, right = 10, top = 22, bottom = 84;
  const bool numeric = f.kind == FeatureKind::kNumeric;
  std::ostringstream s;
  s << "<svg class=\"" << css_class << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w
    << "\" height=\"" << h << "\" role=\"img\" aria-label=\"" << esc(f.name) << " distribution\">";
  const Histogram& hist = f.histogram;
  const size_t n = hist.labels.size();
  if (n == 0) {
    s << svg_text(20, 40, f.present ? "no data to chart" : "column missing from the batch")
      << "</svg>";
    return s.str();
  }
  double vmax = 0, vall = 0;
  for (size_t i = 0; i < n; ++i) {
    const double m = std::max(hist.reference[i], hist.current[i]);
    vall = std::max(vall, m);
    if (hist.labels[i] != "(other)") vmax = std::max(vmax, m);
  }
  if (vmax <= 0) vmax = vall > 0 ? vall : 1;
  vmax *= 1.1;
  const double plot_h = h - bottom - top, plot_w = w - left - right;
  const double slot = plot_w / static_cast<double>(n), y0 = top + plot_h;
  // axes, ticks and labels
  s << "<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\"" << y0
    << "\" stroke=\"#556\"/><line x1=\"" << left << "\" y1=\"" << y0 << "\" x2=\"" << w - right
    << "\" y2=\"" << y0 << "\" stroke=\"#556\"/>";
  for (int t = 0; t <= 4; ++t) {
    const double v = vmax * t / 4, y = y0 - plot_h * t / 4;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", v * 100);
    s << svg_text(left - 40, y + 3, buf) << "<line x1=\"" << left - 3 << "\" y1=\"" << y
      << "\" x2=\"" << left << "\" y2=\"" << y << "\" stroke=\"#556\"/>";
  }
  s << svg_text(12, top + plot_h / 2, "share of rows",
                " transform=\"rotate(-90 12 " + std::to_string(int(top + plot_h / 2)) +
                    ")\" text-anchor=\"middle\"");
  s << svg_text(left + plot_w / 2, h - 4,
                numeric ? f.name + " (value bins)" : f.name + " (category)",
                " text-anchor=\"middle\"");
  s << rect(w - 190, 4, 10, 10, "#4c72b0") << svg_text(w - 176, 13, "reference")
    << rect(w - 110, 4, 10, 10, "#dd8452") << svg_text(w - 96, 13, "current");
  for (size_t i = 0; i < n; ++i) {
    const double x0 = left + slot * static_cast<double>(i), bw = slot * 0.38;
    const double vals[2] = {hist.reference[i], hist.current[i]};
    const char* fills[2] = {"#4c72b0", "#dd8452"};
    for (int k = 0; k < 2; ++k) {
      const double bh = std::min(vals[k] / vmax, 1.0) * plot_h;
      const double bx = x0 + slot * (k == 0 ? 0.1 : 0.5);
      s << rect(bx, y0 - bh, bw, bh, fills[k]);
      if (vals[k] > vmax) {  // cut bar: say how tall it really is
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f%%", vals[k] * 100);
        s << rect(bx, top + 6, bw, 3, "#fff") << svg_text(bx, top - 2, buf);
      }
    }
    std::string label = hist.labels[i];
    if (label.size() > 18) label = label.substr(0, 17) + "…";
    if (!numeric && hist.reference[i] == 0 && hist.current[i] > 0 && label != "(other)")
      label += " (unseen)";
    char tr[96];
    std::snprintf(tr, sizeof tr, " transform=\"rotate(35 %.1f %.1f)\"", x0 + slot * 0.3, y0 + 12);
    s << svg_text(x0 + slot * 0.3, y0 + 12, label, tr);
  }
  s << "</svg>";
  return s.str();
}

report_parts::Table side_table(const FeatureDrift& f) {
  using report_parts::change;
  using report_parts::percent;
  report_parts::Table t{{"statistic", "reference → current (change)"}, {}};
  const SideStats &r = f.reference, &c = f.current;
  t.rows.push_back({"rows", std::to_string(r.rows) + " → " + std::to_string(c.rows)});
  t.rows.push_back({"nulls", change(r.null_rate, c.null_rate, true)});
  if (f.kind == FeatureKind::kNumeric) {
    t.rows.push_back({"mean", change(r.mean, c.mean)});
    t.rows.push_back({"std", change(r.std, c.std)});
    t.rows.push_back({"min", change(r.min, c.min)});
    t.rows.push_back({"p05", change(r.p05, c.p05)});
    t.rows.push_back({"p25", change(r.p25, c.p25)});
    t.rows.push_back({"median", change(r.p50, c.p50)});
    t.rows.push_back({"p75", change(r.p75, c.p75)});
    t.rows.push_back({"p95", change(r.p95, c.p95)});
    t.rows.push_back({"max", change(r.max, c.max)});
  } else {
    t.rows.push_back(
        {"categories", std::to_string(r.categories) + " → " + std::to_string(c.categories)});
  }
  for (const char* q : {"unseen_share", "out_of_range_share", "type_error_share"})
    if (auto it = f.quality.find(q); it != f.quality.end())
      t.rows.push_back({q, percent(it->second)});
  return t;
}

void concept_html(std::ostringstream& o, const DriftReport& r) {
  const ConceptResult& c = *r.concept_result;
  o << "<h2>Model quality on the labelled batch (" << esc(c.task) << ")</h2>";
  table(o, report_parts::metric_table(r));
  if (const auto cm = report_parts::confusion(c.overall); !cm.rows.empty()) {
    o << "<h3>Confusion matrix</h3>";
    table(o, cm);
  }
  if (!c.slice_by.empty()) {
    o << "<h3>Slices by " << esc(c.slice_by) << ", worst " << esc(c.slice_metric) << " first</h3>";
    table(o, report_parts::slice_table(c));
    if (c.slices.size() > kMaxSlicesShown)
      o << "<p>… and " << c.slices.size() - kMaxSlicesShown
        << " more slices (see the JSON report)</p>";
    o << "<p>Worst-to-best " << esc(c.slice_metric) << " ratio: " << fmt_num(c.worst_to_best)
      << "</p>";
  }
  if (!c.findings.empty()) {
    o << "<ul>";
    for (const auto& f : c.findings) o << "<li class=\"bad\">" << esc(f) << "</li>";
    o << "</ul>";
  }
}

void prediction_html(std::ostringstream& o, const DriftReport& r) {
  const PredictionReport& p = *r.predictions;
  o << "<h2>Model outputs on the batch</h2>";
  if (p.drift) table(o, report_parts::feature_table(*p.drift), "p-");
  if (p.unscored_rows)
    o << "<p class=\"bad\">" << p.unscored_rows
      << " rows could not be scored (first: " << esc(p.first_unscored) << ")</p>";
  if (p.cbpe) {
    o << "<h3>Estimated performance without labels (CBPE)</h3>";
    if (p.cbpe->available) table(o, report_parts::cbpe_table(*p.cbpe, r.meta.model));
    if (!p.cbpe->note.empty())
      o << "<p" << (p.cbpe->poorly_calibrated ? " class=\"bad\"" : "") << ">" << esc(p.cbpe->note)
        << "</p>";
  }
}

// prefix "f-" for input features (class "chart"), "p-" for model outputs ("chart output").
void feature_section(std::ostringstream& o, const FeatureDrift& f, const std::string& prefix) {
  o << "<section id=\"" << prefix << esc(f.name) << "\"><h3>" << esc(f.name) << " ("
    << (f.kind == FeatureKind::kNumeric ? "numeric" : "categorical")
    << (f.drifted ? ", <span class=\"bad\">drifted</span>" : "") << ", " << esc(f.method) << " "
    << fmt_num(f.value) << " vs threshold " << fmt_num(f.threshold) << ")</h3>"
    << chart(f, prefix == "f-" ? "chart" : "chart output");
  table(o, side_table(f));
  o << "</section>";
}

}  // namespace

std::string report_html(const DriftReport& r) {
  std::ostringstream o;
  const std::string title =
      "mlo drift: " + r.meta.model.name + " v" + std::to_string(r.meta.model.version);
  o << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << esc(title)
    << "</title><style>" << kStyle << "</style></head><body>";
  o << "<p class=\"verdict " << (r.verdict.finding ? "finding" : "clean") << "\" id=\"verdict\">"
    << esc(r.verdict.headline) << "</p><h1>" << esc(title) << "</h1><ul class=\"ctx\">";
  for (const auto& line : report_parts::context_lines(r)) o << "<li>" << esc(line) << "</li>";
  o << "</ul>";
  for (const auto& i : r.drift.dataset_issues) o << "<p class=\"bad\">" << esc(i) << "</p>";
  o << "<h2>Features by severity</h2>";
  table(o, report_parts::feature_table(r.drift), "f-");
  if (r.predictions) prediction_html(o, r);
  if (r.concept_result) concept_html(o, r);
  o << "<h2>Distributions</h2>";
  for (const auto& f : r.drift.features) feature_section(o, f, "f-");
  if (r.predictions && r.predictions->drift) {
    o << "<h2>Model output distributions</h2>";
    for (const auto& f : r.predictions->drift->features) feature_section(o, f, "p-");
  }
  o << "</body></html>\n";
  return o.str();
}

}  // namespace mlo::drift

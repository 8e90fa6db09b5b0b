// Markdown rendering of the drift report (for people and $GITHUB_STEP_SUMMARY): verdict first,
// then dataset and model, features by severity, model quality.
#include <cmath>
#include <sstream>

#include "mlo/drift/report.hpp"
#include "mlo/drift/report_parts.hpp"

namespace mlo::drift {

namespace {

std::string cell(std::string s) {  // keep table cells on one line and unbroken
  for (char& c : s) {
    if (c == '|' || c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

void table(std::ostringstream& md, const report_parts::Table& t) {
  md << "|";
  for (const auto& h : t.header) md << " " << cell(h) << " |";
  md << "\n|";
  for (size_t i = 0; i < t.header.size(); ++i) md << "---|";
  md << "\n";
  for (const auto& row : t.rows) {
    md << "|";
    for (const auto& c : row) md << " " << cell(c) << " |";
    md << "\n";
  }
}

void concept_section(std::ostringstream& md, const DriftReport& r) {
  const ConceptResult& c = *r.concept_result;
  md << "\n### Model quality on the labelled batch (" << c.task << ")\n\n";
  table(md, report_parts::metric_table(r));
  if (const auto cm = report_parts::confusion(c.overall); !cm.rows.empty()) {
    md << "\nConfusion matrix (threshold applied, all labelled rows):\n\n";
    table(md, cm);
  }
  if (!c.slice_by.empty()) {
    md << "\nSlices by `" << cell(c.slice_by) << "`, worst " << c.slice_metric << " first:\n\n";
    table(md, report_parts::slice_table(c));
    if (c.slices.size() > kMaxSlicesShown)
      md << "\n… and " << c.slices.size() - kMaxSlicesShown
         << " more slices (see the JSON report)\n";
    md << "\nWorst-to-best " << c.slice_metric << " ratio: " << fmt_num(c.worst_to_best) << "\n";
  }
  if (!c.findings.empty()) md << "\n";
  for (const auto& f : c.findings) md << "- " << cell(f) << "\n";
}

void prediction_section(std::ostringstream& md, const DriftReport& r) {
  const PredictionReport& p = *r.predictions;
  md << "\n### Model outputs on the batch\n\n";
  if (p.drift) table(md, report_parts::feature_table(*p.drift));
  if (p.unscored_rows)
    md << "\n"
       << p.unscored_rows << " rows could not be scored (first: " << cell(p.first_unscored)
       << ")\n";
  if (p.cbpe) {
    md << "\n#### Estimated performance without labels (CBPE)\n\n";
    if (p.cbpe->available) table(md, report_parts::cbpe_table(*p.cbpe, r.meta.model));
    if (!p.cbpe->note.empty()) md << "\n" << cell(p.cbpe->note) << "\n";
  }
}

}  // namespace

std::string report_markdown(const DriftReport& r) {
  std::ostringstream md;
  md << "## mlo drift: " << cell(r.meta.model.name) << " v" << r.meta.model.version << "\n\n";
  md << "**" << cell(r.verdict.headline) << "**\n\n";
  for (const auto& line : report_parts::context_lines(r)) md << "- " << cell(line) << "\n";
  md << "\n### Features by severity\n\n";
  table(md, report_parts::feature_table(r.drift));
  for (const auto& i : r.drift.dataset_issues) md << "\n- " << cell(i) << "\n";
  if (r.predictions) prediction_section(md, r);
  if (r.concept_result) concept_section(md, r);
  return md.str();
}

}  // namespace mlo::drift

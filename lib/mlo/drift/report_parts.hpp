// Internal to the report renderers: the tables and lines every format shows, built once from
// the typed report so Markdown, HTML and the terminal table cannot disagree.
#pragma once

#include <string>
#include <vector>

#include "mlo/drift/report.hpp"

namespace mlo::drift::report_parts {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// Dataset and model information, one line each ("Reference: baseline (480000 rows) · …").
std::vector<std::string> context_lines(const DriftReport& r);
// One row per feature, worst first: status, method/value/threshold, reference -> current
// count, null rate, mean, std, median, unseen share and data-quality issues.
Table feature_table(const DatasetDrift& drift);
// Concept metrics: recorded (eval), current, delta, tolerance and status.
Table metric_table(const DriftReport& r);
// 2 x 2 confusion matrix of a binary slice; empty rows for regression.
Table confusion(const SliceQuality& q);
// At most kMaxSlicesShown slices, worst first.
Table slice_table(const ConceptResult& c);
// CBPE estimates: metric, estimate, 95% band, recorded, status. Empty when unavailable.
Table cbpe_table(const CbpeResult& c, const ModelInfo& model);

// "a -> b" with the change; "-" parts for NaN.
std::string change(double ref, double cur, bool percent = false);
std::string percent(double share);

}  // namespace mlo::drift::report_parts

// Drift reports, rendered from one typed DriftReport so every format says the same thing:
// JSON (machine readable), Markdown (people and $GITHUB_STEP_SUMMARY) and a self-contained
// HTML page (inline CSS and SVG charts; no scripts, fonts or images loaded from anywhere).
// Every format leads with the verdict: one line saying what was found and what to do.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlo/drift/cbpe.hpp"
#include "mlo/drift/compare.hpp"
#include "mlo/drift/concept.hpp"

namespace mlo::drift {

// What the report says about the model (from its manifest).
struct ModelInfo {
  std::string name;
  int64_t version = 0;
  std::string manifest_digest;  // "" when unknown
  std::string task;
  std::string created;
  std::map<std::string, std::string> params;
  std::string training_data_digest;  // "" when unknown
  uint64_t training_rows = 0;
  std::map<std::string, double> eval_metrics;  // recorded at train/register time
};

struct ReportMeta {
  ModelInfo model;
  std::string reference;             // "baseline" or the reference file
  std::vector<std::string> current;  // batch inputs as given
  std::string mode;                  // "profile" | "exact"
  std::string policy;                // policy file or "defaults"
  std::string created;               // RFC 3339
};

struct Verdict {
  bool drift = false;  // features or the model's predictions drifted
  bool prediction_drift = false;
  bool quality_failed = false;
  bool performance_degraded = false;  // measured (labels) or, without labels, estimated (CBPE)
  bool finding = false;
  int drifted_features = 0;
  int features = 0;
  int exit_code = 0;  // 0 or 8
  // One line: what was found and what to do, e.g. "2 of 8 features drifted (distance,
  // origin); auc 0.61 vs 0.65 recorded — retrain suggested".
  std::string headline;
};

// Labels seen with --labels: rows whose label was blank are reported, not scored.
struct LabelStats {
  uint64_t labelled = 0;
  uint64_t unlabelled = 0;
};

// The model's own outputs on the batch: prediction drift against the version's monitoring
// baseline and (binary) CBPE estimates.
struct PredictionReport {
  std::optional<DatasetDrift> drift;  // features "prediction" and "predicted_class"
  std::optional<CbpeResult> cbpe;
  uint64_t unscored_rows = 0;  // rows the model could not score (bad values), not profiled
  std::string first_unscored;  // "file: line N: why"
};

struct DriftReport {
  ReportMeta meta;
  DatasetDrift drift;
  std::optional<ConceptResult> concept_result;
  std::optional<LabelStats> labels;
  std::optional<PredictionReport> predictions;
  Verdict verdict;
};

// Fills report.verdict from the drift and concept results.
void decide(DriftReport& report);

inline constexpr size_t kMaxSlicesShown = 20;  // slices beyond this are counted, not listed

nlohmann::json report_json(const DriftReport& report);
std::string report_markdown(const DriftReport& report);
std::string report_html(const DriftReport& report);

// "%.4g"; "-" for NaN. Shared by the renderers.
std::string fmt_num(double v);

}  // namespace mlo::drift

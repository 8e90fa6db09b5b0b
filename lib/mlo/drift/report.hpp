// Drift reports. The JSON document is the single source: Markdown (for people and
// $GITHUB_STEP_SUMMARY) and the self-contained HTML page (inline SVG histograms, no external
// assets, no scripts) are rendered from it, so every format says the same thing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlo/drift/compare.hpp"
#include "mlo/drift/concept.hpp"

namespace mlo::drift {

struct ReportMeta {
  std::string model;  // name
  int64_t version = 0;
  std::string reference;             // "baseline" or the reference file
  std::vector<std::string> current;  // batch inputs
  std::string mode;                  // "profile" | "exact"
  std::string policy;                // policy file or "defaults"
  std::string created;               // RFC 3339
};

// {"model","version","reference","current","mode","policy","created","verdict":{...},
//  "dataset":{...},"features":[...],"concept":{...}?}
nlohmann::json report_json(const ReportMeta& meta, const DatasetDrift& drift,
                           const std::optional<ConceptResult>& concept_result);
std::string report_markdown(const nlohmann::json& report);
std::string report_html(const nlohmann::json& report);

}  // namespace mlo::drift

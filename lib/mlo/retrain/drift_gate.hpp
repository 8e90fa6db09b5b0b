// `retrain --if-drift REPORT.json`: the verdict of a drift report (written by `mlo drift
// --report`, shape in lib/mlo/drift/report.hpp), read into a typed struct so cron can chain
//   mlo drift NAME@champion --data new.csv --report r.json; mlo retrain ... --if-drift r.json
// Only the fields retrain decides on are read; the rest of the report is not interpreted.
#pragma once

#include <cstdint>
#include <string>

#include "mlo/core/result.hpp"

namespace mlo::retrain {

struct DriftVerdict {
  std::string model;  // the report's model name
  int64_t version = 0;
  bool drift = false;                 // dataset-level data drift
  bool data_quality_failed = false;   // e.g. missing columns, empty batch
  bool performance_degraded = false;  // concept drift on labelled data
  int64_t drifted_features = 0;
  int64_t features = 0;

  // Retraining helps with a changed distribution or degraded quality, not with broken input
  // data, so a data-quality failure alone does not warrant it.
  bool warrants_retrain() const { return drift || performance_degraded; }
  // "no drift found in r.json (0 of 5 features drifted)" / "drift found in r.json (...)".
  std::string describe(const std::string& path) const;
};

// kNotFound when the file does not exist; kInvalidInput naming the file for anything else
// (not JSON, no verdict, a field of the wrong type).
Result<DriftVerdict> read_drift_verdict(const std::string& path);

}  // namespace mlo::retrain

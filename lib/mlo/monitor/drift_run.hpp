// One `mlo drift` run, end to end, as a library call: resolve the version, load the reference
// (the version's baseline profile, or exact samples of a reference file), profile every batch
// file in one streaming pass each, score labelled rows through the same Predictor as
// score-batch (schema check, engine choice, encode errors fail the run), compare under the
// policy and decide the verdict. Nothing is written; write_drift_outputs() commits the reports
// and the run record afterwards, all or none.
//
// This lives in lib/mlo/monitor (above drift and score) because it needs both the drift
// statistics and the scoring Predictor, and score must not depend on drift's orchestration.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/drift/report.hpp"
#include "mlo/score/predictor.hpp"
#include "mlo/store/store.hpp"

namespace mlo::monitor {

struct DriftOptions {
  std::string ref;                   // model reference
  std::vector<std::string> current;  // batch files (CSV/JSONL, any compression), merged
  std::string reference_file;        // "": the version's baseline; else exact mode on this file
  std::string policy_file;           // "": built-in defaults
  bool labels = false;               // measure model quality on the batch's labels
  std::string score_column;          // with labels: scores from this column, not the model
  std::string label_column;          // with labels: default the version's target
  std::string slice_by;              // with labels: metrics per value of this column
  Engine engine = Engine::kAuto;     // for in-process scoring
  size_t chunk_rows = 65536;
  // Workers that parse and profile chunks (and sort exact samples); 0 = one per core. The
  // report does not depend on it: chunks are profiled separately and merged in order.
  int threads = 0;
  // Exact mode keeps every numeric value of the reference and the batch (at most 8 bytes each;
  // integer columns 1 to 4); past this many values the run fails (kInvalidInput) instead of
  // growing. 64 Mi values = 512 MiB at worst.
  uint64_t exact_max_values = uint64_t{64} << 20;
  // Called after each parsed block with the text bytes (estimated from the fields: exact for
  // CSV without quoting) and rows seen so far, over all batch files.
  std::function<void(uint64_t bytes, uint64_t rows)> on_progress;
};

struct DriftInput {
  std::string path;           // as given
  std::string absolute_path;  // for the run record
  std::string digest;         // sha256 of the raw bytes
  uint64_t rows = 0;
};

struct DriftResult {
  drift::DriftReport report;
  std::string ref;  // as given
  std::string started;
  std::vector<DriftInput> inputs;       // the batch files
  std::optional<DriftInput> reference;  // exact mode's reference file
  int exit_code() const { return report.verdict.exit_code; }
};

// Errors name the file they came from. kUsage for option combinations that make no sense
// (slice without labels, no batch), kNotFound for an unknown model or a version without a
// baseline, kInvalidInput for bad data, labels, scores or policy.
Result<DriftResult> run_drift(Store& store, const DriftOptions& options);

struct DriftOutputs {
  std::vector<std::string> reports;  // FILE.json | FILE.md | FILE.html
  bool record = true;                // write a run record to the store
};

// Writes every report to a temp file beside its target, then the run record, then renames the
// reports into place: a failure before the renames leaves every output and the store as they
// were; a rename failure names exactly which reports were already replaced. kUsage for an
// unknown report extension (before anything is written). Returns the run record key ("" when
// not recorded).
Result<std::string> write_drift_outputs(Store& store, const DriftResult& result,
                                        const DriftOutputs& outputs);

}  // namespace mlo::monitor

// Batch scoring: input (CSV/JSON Lines, file or stdin, any compression) -> chunks of whole rows
// -> N workers (parse, encode with the version's preprocess spec, predict, format) -> ordered
// writer. Memory is bounded by the chunks in flight (about 2 per worker), never by the file
// size, and the output keeps the input's row order.
//
// Sharding: `--shard k/N` keeps the rows whose 0-based data row index i (header excluded,
// blank lines counted) satisfies i % N == k. Every shard reads the whole input; the N outputs
// together hold every row exactly once. Structurally broken rows (ragged, bad quoting, bad
// JSON) fail or are skipped in every shard; a bad value only in the shard that owns the row.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/input.hpp"
#include "mlo/data/rows.hpp"
#include "mlo/score/challenger.hpp"
#include "mlo/score/explain.hpp"
#include "mlo/score/predictor.hpp"
#include "mlo/score/row_formatter.hpp"

namespace mlo {

struct ScoreOptions {
  std::string input = "-";   // path or "-" (stdin); compression detected by content
  std::string output = "-";  // path or "-" (stdout); compressed by extension (.gz .zst .xz .bz2)
  std::optional<DataFormat>
      input_format;  // default: from the input name (.jsonl/.ndjson), else CSV
  std::optional<OutputFormat>
      output_format;         // default: from the output name (.jsonl/.ndjson), else CSV
  int threads = 0;           // workers; 0 = all cores
  uint64_t shard_index = 0;  // k of k/N, 0-based
  uint64_t shard_count = 1;  // N
  double threshold = 0.5;    // binary label cut-off
  // Passthrough columns; nullopt = the manifest's schema.passthrough (when present in the input).
  std::optional<std::vector<std::string>> columns;
  std::vector<std::string> default_columns;  // the manifest's passthrough list
  OnBadRow on_bad_row = OnBadRow::kFail;
  size_t chunk_bytes = 256u << 10;  // small chunks stay in cache: measured faster and smaller than 2 MiB
  // Called from the writer thread after each chunk: uncompressed bytes read, rows written.
  std::function<void(uint64_t bytes, uint64_t rows)> on_progress;
  // Called after the output is complete but before it is committed; an error aborts the run
  // and leaves no output (used to write the run record first).
  std::function<Status(const struct ScoreSummary&)> before_commit;
  // Champion/challenger (challenger.hpp): a second version scored in the same pass.
  std::optional<ChallengerOptions> challenger;
  // Per-row explanations (explain.hpp): needs a predictor loaded with contributions, a binary
  // or regression model and no challenger (else kUsage). Contributions are computed in blocks
  // of kExplainRows rows, so they add at most kExplainRows x (features + 1) floats per worker.
  std::optional<ExplainOptions> explain;
};

inline constexpr size_t kExplainRows = 1024;

struct ScoreSummary {
  uint64_t rows_in = 0;       // data rows read (all shards)
  uint64_t rows_out = 0;      // rows written
  uint64_t rows_skipped = 0;  // bad rows dropped under --on-bad-row skip
  uint64_t rows_other_shards = 0;
  std::string first_skip_reason;
  uint64_t unseen_categories = 0;  // categorical values not seen in training (scored as missing)
  std::string input_name;
  std::string input_digest;  // sha256 of the raw input bytes
  std::string input_compression;
  uint64_t input_bytes = 0;       // raw (compressed) bytes
  uint64_t input_text_bytes = 0;  // uncompressed bytes
  std::string input_format;       // csv | jsonl
  std::string output_name;
  std::string output_compression;
  std::string output_format;
  uint64_t output_bytes = 0;  // uncompressed
  std::vector<std::string> output_columns;
  int threads = 0;
  double seconds = 0;          // reading through writing, excluding model load
  ChallengerStats challenger;  // with options.challenger
};

Result<ScoreSummary> score_batch(const Predictor& predictor, const ScoreOptions& options);

}  // namespace mlo

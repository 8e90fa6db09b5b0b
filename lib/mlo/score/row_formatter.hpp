// RowFormatter: turns scored rows into output text (CSV or JSON Lines). Columns: the
// passthrough columns as read, then the prediction:
//   binary      score (P(class 1)), label (1 if score >= threshold else 0)
//   regression  score
//   multiclass  score_0 .. score_<K-1> (probabilities), label (argmax); softmax models: label
// Floats are printed in their shortest round-trip form (fmt "{}" of float).
#pragma once

#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/rows.hpp"

namespace mlo {

enum class OutputFormat { kCsv, kJsonl };

class RowFormatter {
 public:
  // `passthrough_src`: header index of each passthrough column. kInvalidInput when a
  // passthrough name collides with an output column.
  static Result<RowFormatter> create(OutputFormat format, std::vector<std::string> passthrough,
                                     std::vector<size_t> passthrough_src, const std::string& task,
                                     int num_outputs, double threshold);

  std::vector<std::string> columns() const { return columns_; }
  // The CSV header line (with '\n'); empty for JSON Lines.
  std::string header() const;
  // Appends one output row for block row `row` with its `scores` (num_outputs values).
  void append(const RowBlock& block, size_t row, const float* scores, std::string& out) const;

 private:
  enum class Kind { kBinary, kRegression, kMultiProb, kMultiLabel };
  RowFormatter() = default;
  void append_value(std::string& out, size_t column, std::string_view text, bool is_number) const;

  OutputFormat format_ = OutputFormat::kCsv;
  Kind kind_ = Kind::kBinary;
  std::vector<std::string> columns_;    // output column names, in order
  std::vector<std::string> json_keys_;  // columns_ as quoted JSON keys with ':'
  std::vector<size_t> passthrough_src_;
  int num_outputs_ = 1;
  float threshold_ = 0.5f;
};

// True for text that is a JSON number literal as written ("12", "-0.5", "1e3"; not "01", "+1").
bool is_json_number(std::string_view text);

}  // namespace mlo

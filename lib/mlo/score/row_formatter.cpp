#include "mlo/score/row_formatter.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "mlo/data/csv.hpp"
#include "mlo/data/jsonl.hpp"

namespace mlo {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

bool is_json_number(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (is_digit(s[i])) {
    while (i < n && is_digit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (i >= n || !is_digit(s[i])) return false;
    while (i < n && is_digit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= n || !is_digit(s[i])) return false;
    while (i < n && is_digit(s[i])) ++i;
  }
  return i == n;
}

Result<RowFormatter> RowFormatter::create(OutputFormat format, std::vector<std::string> passthrough,
                                          std::vector<size_t> passthrough_src,
                                          const std::string& task, int num_outputs,
                                          double threshold) {
  RowFormatter f;
  f.format_ = format;
  f.passthrough_src_ = std::move(passthrough_src);
  f.num_outputs_ = num_outputs;
  f.threshold_ = static_cast<float>(threshold);
  f.columns_ = std::move(passthrough);
  if (task == "multiclass") {
    f.kind_ = num_outputs > 1 ? Kind::kMultiProb : Kind::kMultiLabel;
    for (int k = 0; k < num_outputs && num_outputs > 1; ++k)
      f.columns_.push_back("score_" + std::to_string(k));
    f.columns_.push_back("label");
  } else if (task == "regression") {
    f.kind_ = Kind::kRegression;
    f.columns_.push_back("score");
  } else {
    f.kind_ = Kind::kBinary;
    f.columns_.push_back("score");
    f.columns_.push_back("label");
  }
  if (f.kind_ != Kind::kMultiProb && num_outputs != 1)
    return make_error(
        ErrorCode::kInvalidInput,
        fmt::format("task {} needs a model with one output, this one has {}", task, num_outputs));
  for (size_t i = 0; i < f.passthrough_src_.size(); ++i) {
    if (std::count(f.columns_.begin(), f.columns_.end(), f.columns_[i]) > 1)
      return make_error(ErrorCode::kInvalidInput, "passthrough column '" + f.columns_[i] +
                                                      "' collides with an output column");
  }
  for (const auto& c : f.columns_) {
    std::string key;
    append_json_string(key, c);
    f.json_keys_.push_back(key + ":");
  }
  return f;
}

std::string RowFormatter::header() const {
  if (format_ == OutputFormat::kJsonl) return {};
  std::string out;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i) out.push_back(',');
    append_csv_field(out, columns_[i]);
  }
  out.push_back('\n');
  return out;
}

void RowFormatter::append_value(std::string& out, size_t column, std::string_view text,
                                bool is_number) const {
  if (format_ == OutputFormat::kCsv) {
    if (column) out.push_back(',');
    if (is_number)
      out.append(text);
    else
      append_csv_field(out, text);
    return;
  }
  out.append(column ? "," : "{");
  out.append(json_keys_[column]);
  if (is_number && (text == "nan" || text == "inf" || text == "-inf"))
    out.append("null");
  else if (is_number)
    out.append(text);
  else if (is_missing_token(text))
    out.append("null");
  else if (is_json_number(text))
    out.append(text);
  else
    append_json_string(out, text);
}

void RowFormatter::append(const RowBlock& block, size_t row, const float* scores,
                          std::string& out) const {
  size_t col = 0;
  for (size_t src : passthrough_src_) append_value(out, col++, block.at(row, src), false);
  char buf[32];
  auto number = [&](float v) {
    char* end = fmt::format_to(buf, "{}", v);
    return std::string_view(buf, static_cast<size_t>(end - buf));
  };
  switch (kind_) {
    case Kind::kBinary:
      append_value(out, col++, number(scores[0]), true);
      append_value(out, col++, scores[0] >= threshold_ ? "1" : "0", true);
      break;
    case Kind::kRegression:
      append_value(out, col++, number(scores[0]), true);
      break;
    case Kind::kMultiProb: {
      int best = 0;
      for (int k = 0; k < num_outputs_; ++k) {
        append_value(out, col++, number(scores[k]), true);
        if (scores[k] > scores[best]) best = k;
      }
      append_value(out, col++, std::to_string(best), true);
      break;
    }
    case Kind::kMultiLabel:
      append_value(out, col++, number(scores[0]), true);
      break;
  }
  out.append(format_ == OutputFormat::kCsv ? "\n" : "}\n");
}

}  // namespace mlo

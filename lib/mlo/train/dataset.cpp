#include "mlo/train/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

#include <fmt/format.h>

namespace mlo::train {

namespace {

Error invalid(const std::string& msg) {
  return make_error(ErrorCode::kInvalidInput, msg);
}

}  // namespace

Result<Table> read_recipe_table(
    const std::string& path, const Recipe& r, int threads,
    const std::function<void(const std::string&, uint64_t, uint64_t)>& on_read) {
  ReadOptions opt;
  opt.threads = threads;
  if (on_read)
    opt.on_progress = [&path, &on_read](uint64_t bytes, uint64_t rows) {
      on_read(path, bytes, rows);
    };
  for (const auto* list : {&r.id, &r.numeric, &r.categorical})
    opt.columns.insert(opt.columns.end(), list->begin(), list->end());
  opt.columns.push_back(r.target);
  opt.categorical = r.categorical;
  opt.categorical.insert(opt.categorical.end(), r.id.begin(), r.id.end());
  opt.numeric = r.numeric;
  opt.numeric.push_back(r.target);
  auto table = read_table(path, opt);
  if (!table.ok()) return make_error(table.error().code, path + ": " + table.error().message);
  return table;
}

Status check_labels(const Recipe& r, const std::vector<float>& y, const std::string& what,
                    int& max_class) {
  for (size_t i = 0; i < y.size(); ++i) {
    float v = y[i];
    if (std::isnan(v)) continue;
    auto bad = [&](const char* why) {
      return invalid(
          fmt::format("{}: target '{}' row {}: {} (got {})", what, r.target, i + 1, why, v));
    };
    if (std::isinf(v)) return bad("not a finite number");
    if (r.task == "binary" && v != 0.0f && v != 1.0f) return bad("binary labels must be 0 or 1");
    if (r.task == "multiclass") {
      if (v < 0 || v != std::floor(v) || v > 9999)
        return bad("multiclass labels must be class indices 0, 1, 2, ...");
      max_class = std::max(max_class, static_cast<int>(v));
    }
  }
  return {};
}

Matrix select_rows(const std::vector<float>& x, const std::vector<float>& y, size_t cols,
                   const std::vector<size_t>& rows) {
  Matrix m;
  m.cols = cols;
  m.rows = rows.size();
  m.x.resize(rows.size() * cols);
  m.y.resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(x.begin() + static_cast<long>(rows[i] * cols), cols,
                m.x.begin() + static_cast<long>(i * cols));
    m.y[i] = y[rows[i]];
  }
  return m;
}

std::vector<size_t> labelled_rows(const std::vector<float>& y) {
  std::vector<size_t> out;
  out.reserve(y.size());
  for (size_t i = 0; i < y.size(); ++i)
    if (!std::isnan(y[i])) out.push_back(i);
  return out;
}

void shuffle_rows(std::vector<size_t>& rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng() % i]);
}

Result<int> resolve_num_class(const Recipe& recipe, int max_class) {
  if (recipe.task != "multiclass") return 0;
  int num_class = max_class + 1;
  if (auto it = recipe.params.find("num_class"); it != recipe.params.end()) {
    int given = std::atoi(it->second.c_str());
    if (given <= max_class)
      return invalid(fmt::format("params.num_class {}: labels go up to {}", it->second, max_class));
    num_class = given;
  }
  if (num_class < 2) return invalid("multiclass: the target has a single class");
  return num_class;
}

uint64_t recipe_seed(const Recipe& recipe) {
  auto it = recipe.params.find("seed");
  return it == recipe.params.end() ? 0 : std::strtoull(it->second.c_str(), nullptr, 10);
}

HoldoutSplit split_holdout(std::vector<size_t> rows, double fraction, uint64_t seed) {
  shuffle_rows(rows, seed);
  const size_t n_eval =
      static_cast<size_t>(std::llround(static_cast<double>(rows.size()) * fraction));
  HoldoutSplit split;
  split.eval.assign(rows.begin(), rows.begin() + static_cast<long>(n_eval));
  split.train.assign(rows.begin() + static_cast<long>(n_eval), rows.end());
  std::sort(split.eval.begin(), split.eval.end());
  std::sort(split.train.begin(), split.train.end());
  return split;
}

}  // namespace mlo::train

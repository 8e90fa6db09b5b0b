// Data preparation shared by train_recipe and cross-validation, so both read, check and split
// rows the same way: the recipe's columns, labels checked for the task, dense row selections
// and the seeded holdout split.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/table.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "mlo/train/recipe.hpp"

namespace mlo::train {

// Reads the recipe's id, feature and target columns (ids and categoricals as text). Errors
// keep their code and name the file.
// `on_read` (optional) sees the path, uncompressed bytes and rows read so far.
Result<Table> read_recipe_table(
    const std::string& path, const Recipe& recipe, int threads,
    const std::function<void(const std::string&, uint64_t, uint64_t)>& on_read = {});

// Checks the non-missing labels for the task (binary 0/1, finite regression values, class
// indices for multiclass, raising max_class). kInvalidInput naming `what`, the row and value.
Status check_labels(const Recipe& recipe, const std::vector<float>& y, const std::string& what,
                    int& max_class);

// The number of classes for a multiclass recipe (params.num_class, else max_class + 1); 0 for
// other tasks. kInvalidInput when num_class does not cover the labels or there is one class.
Result<int> resolve_num_class(const Recipe& recipe, int max_class);

// params.seed, 0 when absent: the seed of the holdout split and the folds.
uint64_t recipe_seed(const Recipe& recipe);

struct Matrix {
  std::vector<float> x, y;
  size_t rows = 0, cols = 0;
  DenseView view() const { return DenseView{x.data(), rows, cols}; }
};

// Rows `rows` of the row-major `x` (cols wide) and their labels.
Matrix select_rows(const std::vector<float>& x, const std::vector<float>& y, size_t cols,
                   const std::vector<size_t>& rows);

// Indices of the rows whose label is present.
std::vector<size_t> labelled_rows(const std::vector<float>& y);

// Fisher-Yates with mt19937_64 draws, so the order does not depend on the standard library.
void shuffle_rows(std::vector<size_t>& rows, uint64_t seed);

// The seeded holdout: `rows` shuffled with `seed`, the first round(n * fraction) held out.
// Both halves are returned sorted (file order).
struct HoldoutSplit {
  std::vector<size_t> train, eval;
};
HoldoutSplit split_holdout(std::vector<size_t> rows, double fraction, uint64_t seed);

}  // namespace mlo::train

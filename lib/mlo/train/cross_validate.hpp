// k-fold cross-validation of a recipe's parameters, for retrain's hyperparameter search.
//
// The data are read, checked and encoded once (CvData::prepare); every evaluate() call then
// trains `folds` models. The preprocessing is fitted on all rows the search may use: it only
// orders categories and records statistics, no label information crosses folds.
// Folds: the usable rows are shuffled with the recipe's seed and row k of that order goes to
// fold k % folds, so the folds are the same for every trial and every run.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/train/dataset.hpp"
#include "mlo/train/recipe.hpp"
#include "mlo/train/train_pipeline.hpp"

namespace mlo::train {

// The metric a search ranks trials by: auc (binary), rmse (regression), mlogloss (multiclass).
std::string primary_metric(const std::string& task);

class CvData {
 public:
  // The rows the search may use: the labelled rows of inputs.data_path, minus the rows
  // train_recipe holds out for evaluation when there is no eval file (the same seeded split),
  // so the candidate's evaluation rows never inform the choice of parameters.
  // kInvalidInput like train_recipe for data that does not fit the recipe, or fewer rows
  // than needed for `folds` folds.
  static Result<CvData> prepare(const Recipe& recipe, const TrainInputs& inputs, int folds);

  size_t rows() const { return rows_.size(); }
  int folds() const { return folds_; }

  // Trains one model per fold on the other folds (early stopping, when the recipe sets it,
  // watches the held-out fold) and returns the mean of each task metric over the folds.
  // `trial` must have the recipe's task, target and features; only its parameters vary.
  Result<std::map<std::string, double>> evaluate(const Recipe& trial, int threads) const;

 private:
  std::vector<float> x_, y_;
  size_t cols_ = 0;
  std::vector<size_t> rows_;  // usable rows, in the seeded shuffled order
  int folds_ = 0;
  int num_class_ = 0;
};

}  // namespace mlo::train

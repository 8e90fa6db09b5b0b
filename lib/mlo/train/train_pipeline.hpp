// The library half of `mlo train`: read the data, fit the preprocessing, train, evaluate,
// profile the training data and assemble the registration (nothing is written here; the caller
// hands `request` to register_version, with dry_run when asked).
//
// Rows whose target is missing are dropped (counted in dropped_rows). Labels: binary 0/1,
// regression any finite number, multiclass integer class indices 0..K-1 (K = params.num_class
// or the largest label + 1). Evaluation data is --eval's file, or a deterministic holdout
// (shuffled with the recipe's params.seed, default 0) of the training rows; the holdout's
// eval digest is the training file's digest combined with the split's fraction and seed.
// The baseline profile covers every row of the training file (features only).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/preprocess.hpp"
#include "mlo/data/table.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/train/recipe.hpp"

namespace mlo::train {

// Fits the booster on the prepared matrices; the default is XgbModel::train in this process.
// Distributed training (distributed.hpp) substitutes one that trains across worker processes.
using FitFn = std::function<Result<XgbModel>(
    DenseView x, const std::vector<float>& y, const DenseView* eval_x,
    const std::vector<float>* eval_y, const TrainOptions& options)>;

// Fits the preprocessing on the training table; the default is fit_preprocess. Multi-host
// training substitutes one that merges every shard's summary (distributed_fit.hpp).
using FitSpecFn = std::function<Result<PreprocessSpec>(const Table& data)>;

struct TrainInputs {
  std::string data_path;
  std::optional<std::string> eval_path;  // else a holdout of data_path
  double holdout = 0.2;                  // fraction in (0, 1)
  int threads = 0;                       // 0 = all cores
  FitFn fit;                             // empty = XgbModel::train
  FitSpecFn fit_spec;                    // empty = fit_preprocess
  // Optional: called once before training with the table the evaluation rows come from and
  // their indices (the labelled rows of the eval file, or the held-out rows of the training
  // file), so a caller can score another model on exactly these rows (retrain's champion).
  // An error aborts training and is returned as is.
  std::function<Status(const Table& table, const std::vector<size_t>& rows)> on_eval_rows;
};

struct TrainProgress {
  std::function<void(const std::string& stage)> on_stage;  // "reading train.csv", "training", ...
  // After every boosting round: the eval metric's name and value ("" and NaN without eval data;
  // "" in distributed training, whose workers report only values).
  std::function<void(int round, int total, const std::string& metric, double value)> on_round;
  // While a data file is read: uncompressed bytes and rows so far.
  std::function<void(const std::string& path, uint64_t bytes, uint64_t rows)> on_read;
};

struct TrainOutcome {
  RegisterRequest request;  // manifest fields, artifacts model/preprocess/baseline/recipe
  std::map<std::string, double> metrics;
  std::string objective;
  int rounds_trained = 0;
  int best_iteration = 0;  // 0-based; the last round when early stopping did not stop
  uint64_t train_rows = 0, eval_rows = 0, dropped_rows = 0;
};

// kInvalidInput for data problems (missing column, bad labels, too few rows), naming them.
Result<TrainOutcome> train_recipe(const Recipe& recipe, const TrainInputs& inputs,
                                  const TrainProgress& progress = {});

}  // namespace mlo::train

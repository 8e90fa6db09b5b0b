#include "mlo/train/cross_validate.hpp"

#include <fmt/format.h>

#include "mlo/metrics/metrics.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "mlo/train/fit_preprocess.hpp"

namespace mlo::train {

std::string primary_metric(const std::string& task) {
  if (task == "regression") return "rmse";
  if (task == "multiclass") return "mlogloss";
  return "auc";
}

Result<CvData> CvData::prepare(const Recipe& recipe, const TrainInputs& in, int folds) {
  if (folds < 2) return make_error(ErrorCode::kInvalidInput, "folds: need at least 2");
  MLO_ASSIGN_OR_RETURN(Table data, read_recipe_table(in.data_path, recipe, in.threads));
  MLO_ASSIGN_OR_RETURN(PreprocessSpec spec, fit_preprocess(data, recipe.numeric, recipe.categorical,
                                                           FitOptions{recipe.max_categories}));
  CvData cv;
  cv.y_ = data.column(recipe.target)->numbers;
  int max_class = 0;
  MLO_TRY(check_labels(recipe, cv.y_, in.data_path, max_class));
  MLO_ASSIGN_OR_RETURN(cv.num_class_, resolve_num_class(recipe, max_class));
  MLO_ASSIGN_OR_RETURN(cv.x_, encode_table(spec, data));
  cv.cols_ = spec.features.size();
  cv.folds_ = folds;
  const uint64_t seed = recipe_seed(recipe);
  std::vector<size_t> rows = labelled_rows(cv.y_);
  if (!in.eval_path) rows = split_holdout(std::move(rows), in.holdout, seed).train;
  if (rows.size() < static_cast<size_t>(folds) * 2)
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("{}: {} usable rows are too few for {} folds", in.data_path,
                                  rows.size(), folds));
  shuffle_rows(rows, seed);
  cv.rows_ = std::move(rows);
  return cv;
}

Result<std::map<std::string, double>> CvData::evaluate(const Recipe& trial, int threads) const {
  TrainOptions topt;
  topt.params = trial.params;
  topt.params["objective"] = trial.objective();
  if (num_class_ > 0) topt.params["num_class"] = std::to_string(num_class_);
  topt.num_boost_round = trial.num_boost_round;
  topt.early_stopping_rounds = trial.early_stopping_rounds;
  topt.nthread = threads;
  std::map<std::string, double> sum;
  for (int f = 0; f < folds_; ++f) {
    std::vector<size_t> fit_rows, held_rows;
    for (size_t k = 0; k < rows_.size(); ++k)
      (static_cast<int>(k % static_cast<size_t>(folds_)) == f ? held_rows : fit_rows)
          .push_back(rows_[k]);
    Matrix fit = select_rows(x_, y_, cols_, fit_rows);
    Matrix held = select_rows(x_, y_, cols_, held_rows);
    DenseView hv = held.view();
    MLO_ASSIGN_OR_RETURN(XgbModel model, XgbModel::train(fit.view(), fit.y, &hv, &held.y, topt));
    std::vector<float> pred;
    MLO_TRY(model.predict(hv, pred, threads));
    for (const auto& [k, v] : metrics::eval_metrics(trial.task, held.y, pred, num_class_))
      sum[k] += v / folds_;
  }
  return sum;
}

}  // namespace mlo::train

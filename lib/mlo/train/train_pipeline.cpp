#include "mlo/train/train_pipeline.hpp"

#include <cmath>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include "mlo/core/digest.hpp"
#include "mlo/core/version.hpp"
#include "mlo/data/table.hpp"
#include "mlo/drift/baseline.hpp"
#include "mlo/drift/prediction.hpp"
#include "mlo/drift/profile.hpp"
#include "mlo/metrics/metrics.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "mlo/train/dataset.hpp"
#include "mlo/train/fit_preprocess.hpp"

namespace mlo::train {

namespace {

Error invalid(const std::string& msg) {
  return make_error(ErrorCode::kInvalidInput, msg);
}

void stage(const TrainProgress& p, const std::string& text) {
  if (p.on_stage) p.on_stage(text);
}

std::string format_param(double v) {
  return fmt::format("{}", v);
}

}  // namespace

Result<TrainOutcome> train_recipe(const Recipe& recipe, const TrainInputs& in,
                                  const TrainProgress& progress) {
  if (!in.eval_path && !(in.holdout > 0.0 && in.holdout < 1.0))
    return invalid(
        fmt::format("holdout fraction {}: must be between 0 and 1 (exclusive)", in.holdout));
  stage(progress, "reading " + in.data_path);
  MLO_ASSIGN_OR_RETURN(Table data,
                       read_recipe_table(in.data_path, recipe, in.threads, progress.on_read));
  std::optional<Table> eval_table;
  if (in.eval_path) {
    stage(progress, "reading " + *in.eval_path);
    MLO_ASSIGN_OR_RETURN(eval_table,
                         read_recipe_table(*in.eval_path, recipe, in.threads, progress.on_read));
  }
  stage(progress, fmt::format("read {} rows; fitting preprocessing", data.rows));
  MLO_ASSIGN_OR_RETURN(PreprocessSpec spec,
                       in.fit_spec ? in.fit_spec(data)
                                   : fit_preprocess(data, recipe.numeric, recipe.categorical,
                                                    FitOptions{recipe.max_categories}));
  const std::vector<float>& y_all = data.column(recipe.target)->numbers;
  int max_class = 0;
  MLO_TRY(check_labels(recipe, y_all, in.data_path, max_class));
  if (eval_table)
    MLO_TRY(
        check_labels(recipe, eval_table->column(recipe.target)->numbers, *in.eval_path, max_class));
  MLO_ASSIGN_OR_RETURN(int num_class, resolve_num_class(recipe, max_class));

  MLO_ASSIGN_OR_RETURN(std::vector<float> x_all, encode_table(spec, data));
  const size_t cols = spec.features.size();
  std::vector<size_t> rows = labelled_rows(y_all);
  TrainOutcome out;
  out.dropped_rows = data.rows - rows.size();
  Matrix train, eval;
  std::optional<DataRef> eval_ref;
  if (eval_table) {
    MLO_ASSIGN_OR_RETURN(std::vector<float> ex, encode_table(spec, *eval_table));
    const auto& ey = eval_table->column(recipe.target)->numbers;
    std::vector<size_t> erows = labelled_rows(ey);
    out.dropped_rows += eval_table->rows - erows.size();
    train = select_rows(x_all, y_all, cols, rows);
    eval = select_rows(ex, ey, cols, erows);
    if (in.on_eval_rows) MLO_TRY(in.on_eval_rows(*eval_table, erows));
    eval_ref = DataRef{eval_table->input_digest, eval.rows, *in.eval_path};
  } else {
    const uint64_t seed = recipe_seed(recipe);
    HoldoutSplit split = split_holdout(std::move(rows), in.holdout, seed);
    train = select_rows(x_all, y_all, cols, split.train);
    eval = select_rows(x_all, y_all, cols, split.eval);
    if (in.on_eval_rows) MLO_TRY(in.on_eval_rows(data, split.eval));
    std::string split_id =
        fmt::format("{}\nholdout={}\nseed={}", data.input_digest, format_param(in.holdout), seed);
    eval_ref =
        DataRef{digest_bytes(split_id), eval.rows,
                fmt::format("{}#holdout={},seed={}", in.data_path, format_param(in.holdout), seed)};
  }
  if (train.rows == 0) return invalid(in.data_path + ": no labelled training rows");
  if (eval.rows == 0) return invalid("no labelled evaluation rows");
  x_all = {};
  out.train_rows = train.rows;
  out.eval_rows = eval.rows;
  out.objective = recipe.objective();

  TrainOptions topt;
  topt.params = recipe.params;
  topt.params["objective"] = out.objective;
  if (num_class > 0) topt.params["num_class"] = std::to_string(num_class);
  topt.num_boost_round = recipe.num_boost_round;
  topt.early_stopping_rounds = recipe.early_stopping_rounds;
  topt.nthread = in.threads;
  topt.on_round = [&](int round, const std::string& metric, double value) {
    out.rounds_trained = round + 1;
    if (progress.on_round) progress.on_round(round, recipe.num_boost_round, metric, value);
  };
  stage(progress, fmt::format("training on {} rows, evaluating on {}", train.rows, eval.rows));
  DenseView ev = eval.view();
  auto model = in.fit ? in.fit(train.view(), train.y, &ev, &eval.y, topt)
                      : XgbModel::train(train.view(), train.y, &ev, &eval.y, topt);
  if (!model.ok()) return make_error(model.error().code, model.error().message);
  out.best_iteration =
      model->best_iteration() >= 0 ? model->best_iteration() : out.rounds_trained - 1;
  std::vector<float> pred;
  MLO_TRY(model->predict(ev, pred, in.threads));
  out.metrics = metrics::eval_metrics(recipe.task, eval.y, pred, num_class);

  stage(progress, "profiling the training data");
  MLO_ASSIGN_OR_RETURN(std::string baseline,
                       drift::build_baseline(
                           in.data_path, drift::feature_decls(recipe.numeric, recipe.categorical)));
  MLO_ASSIGN_OR_RETURN(std::string model_bytes, model->save_ubjson());

  ModelVersion& mv = out.request.manifest;
  mv.name = recipe.name;
  mv.task = recipe.task;
  for (const auto& f : spec.features)
    mv.features.push_back(
        {f.name, f.type == FeatureEncoding::Type::kNumeric ? "numeric" : "categorical"});
  mv.target = recipe.target;
  mv.passthrough = recipe.id;
  mv.training_data = DataRef{data.input_digest, data.rows, in.data_path};
  mv.eval_data = eval_ref;
  mv.metrics = out.metrics;
  mv.params = topt.params;
  mv.params.erase("nthread");
  mv.params.erase("verbosity");
  mv.params["num_boost_round"] = std::to_string(recipe.num_boost_round);
  if (recipe.early_stopping_rounds > 0)
    mv.params["early_stopping_rounds"] = std::to_string(recipe.early_stopping_rounds);
  mv.params["best_iteration"] = std::to_string(out.best_iteration);
  mv.environment = {{"mlo", mlo_version()},
                    {"xgboost", xgboost_version()},
                    {"os", os_name()},
                    {"arch", arch_name()}};
  mv.labels = recipe.labels;
  auto& art = out.request.artifacts;
  art["model"] = ArtifactInput{"application/ubjson", std::move(model_bytes), std::nullopt};
  art["preprocess"] = ArtifactInput{"application/yaml", spec.to_yaml(), std::nullopt};
  art["baseline"] = ArtifactInput{drift::kProfileMediaType, std::move(baseline), std::nullopt};
  art["recipe"] = ArtifactInput{"application/yaml", recipe.text, std::nullopt};
  // Monitoring baseline from the eval data: prediction drift, CBPE calibration, mean |SHAP|.
  std::vector<float> shap;
  MLO_TRY(model->contributions({ev.data, std::min(ev.rows, drift::kImportanceRows), ev.cols}, shap,
                               in.threads));
  std::vector<std::string> names;
  for (const auto& f : spec.features) names.push_back(f.name);
  art["monitoring"] = ArtifactInput{
      "application/json",
      drift::monitoring_baseline(recipe.task, eval.y, pred, std::max(1, num_class), names, shap)
          .to_json(),
      std::nullopt};
  return out;
}

}  // namespace mlo::train

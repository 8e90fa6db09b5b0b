#include "mlo/train/train_pipeline.hpp"

#include <cmath>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include "mlo/core/digest.hpp"
#include "mlo/core/version.hpp"
#include "mlo/data/table.hpp"
#include "mlo/drift/profile.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "mlo/metrics/metrics.hpp"
#include "mlo/train/fit_preprocess.hpp"

namespace mlo::train {

namespace {

Error invalid(const std::string& msg) {
  return make_error(ErrorCode::kInvalidInput, msg);
}

void stage(const TrainProgress& p, const std::string& text) {
  if (p.on_stage) p.on_stage(text);
}

Result<Table> read_data(const std::string& path, const Recipe& r, int threads) {
  ReadOptions opt;
  opt.threads = threads;
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

// Labels of the rows to keep (target present), checked for the task.
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

struct Matrix {
  std::vector<float> x, y;
  size_t rows = 0, cols = 0;
  DenseView view() const { return DenseView{x.data(), rows, cols}; }
};

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

// Fisher-Yates with our own draw, so the split does not depend on the standard library.
void shuffle_rows(std::vector<size_t>& rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng() % i]);
}

Result<std::string> baseline_profile(const Table& t, const Recipe& r) {
  std::vector<drift::FeatureDecl> decls;
  std::vector<const TableColumn*> cols;
  for (const auto& n : r.numeric) decls.push_back({n, drift::FeatureKind::kNumeric});
  for (const auto& n : r.categorical) decls.push_back({n, drift::FeatureKind::kCategorical});
  for (const auto& d : decls) cols.push_back(t.column(d.name));
  auto builder = drift::ProfileBuilder::baseline(decls);
  for (uint64_t row = 0; row < t.rows; ++row) {
    for (size_t f = 0; f < cols.size(); ++f) {
      if (decls[f].kind == drift::FeatureKind::kNumeric)
        builder.add_value(f, cols[f]->numbers[row]);
      else
        builder.add_category(f, cols[f]->strings[row]);
    }
    builder.end_row();
  }
  return builder.finish().to_json();
}

std::string format_param(double v) {
  return fmt::format("{}", v);
}

}  // namespace

Result<TrainOutcome> train_recipe(const Recipe& recipe, const TrainInputs& in,
                                  const TrainProgress& progress) {
  if (!in.eval_path && !(in.holdout > 0.0 && in.holdout < 1.0))
    return invalid(fmt::format("--holdout {}: must be between 0 and 1 (exclusive)", in.holdout));
  stage(progress, "reading " + in.data_path);
  MLO_ASSIGN_OR_RETURN(Table data, read_data(in.data_path, recipe, in.threads));
  std::optional<Table> eval_table;
  if (in.eval_path) {
    stage(progress, "reading " + *in.eval_path);
    MLO_ASSIGN_OR_RETURN(eval_table, read_data(*in.eval_path, recipe, in.threads));
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
  int num_class = 0;
  if (recipe.task == "multiclass") {
    num_class = max_class + 1;
    if (auto it = recipe.params.find("num_class"); it != recipe.params.end()) {
      int given = std::atoi(it->second.c_str());
      if (given <= max_class)
        return invalid(
            fmt::format("params.num_class {}: labels go up to {}", it->second, max_class));
      num_class = given;
    }
    if (num_class < 2) return invalid("multiclass: the target has a single class");
  }

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
    eval_ref = DataRef{eval_table->input_digest, eval.rows, *in.eval_path};
  } else {
    uint64_t seed = recipe.params.count("seed")
                        ? std::strtoull(recipe.params.at("seed").c_str(), nullptr, 10)
                        : 0;
    shuffle_rows(rows, seed);
    size_t n_eval =
        static_cast<size_t>(std::llround(static_cast<double>(rows.size()) * in.holdout));
    std::vector<size_t> eval_rows(rows.begin(), rows.begin() + static_cast<long>(n_eval));
    std::vector<size_t> train_rows(rows.begin() + static_cast<long>(n_eval), rows.end());
    std::sort(eval_rows.begin(), eval_rows.end());
    std::sort(train_rows.begin(), train_rows.end());
    train = select_rows(x_all, y_all, cols, train_rows);
    eval = select_rows(x_all, y_all, cols, eval_rows);
    std::string split =
        fmt::format("{}\nholdout={}\nseed={}", data.input_digest, format_param(in.holdout), seed);
    eval_ref =
        DataRef{digest_bytes(split), eval.rows,
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
  topt.on_round = [&](int round, double metric) {
    out.rounds_trained = round + 1;
    if (progress.on_round) progress.on_round(round, recipe.num_boost_round, metric);
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
  MLO_ASSIGN_OR_RETURN(std::string baseline, baseline_profile(data, recipe));
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
  return out;
}

}  // namespace mlo::train

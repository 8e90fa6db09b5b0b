#include "mlo/retrain/retrain.hpp"

#include <algorithm>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <yaml-cpp/yaml.h>

#include "mlo/core/time.hpp"
#include "mlo/data/remote_input.hpp"
#include "mlo/metrics/metrics.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/policy.hpp"
#include "mlo/registry/run_record.hpp"
#include "mlo/score/predictor.hpp"
#include "mlo/train/recipe.hpp"

namespace mlo::retrain {

namespace {

Error invalid(const std::string& msg) {
  return make_error(ErrorCode::kInvalidInput, msg);
}

std::string ref_of(const ModelVersion& mv) {
  return fmt::format("{}:{}", mv.name, mv.version);
}

// Fails early (before the parent is loaded) on a missing local file; an s3:// object is checked
// by the HEAD its reader starts with (remote_input.hpp), also kNotFound.
Status require_file(const std::string& path, const std::string& what) {
  if (is_remote_data_path(path)) return {};
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return make_error(ErrorCode::kNotFound, fmt::format("{} {}: no such file", what, path));
  return {};
}

// The parent's recipe as it was trained: the stored recipe text, with the parameters recorded
// in the manifest (recipe params + train-time overrides + the objective) applied over it.
Result<train::Recipe> parent_recipe(Store& store, const ModelVersion& mv) {
  const std::string what = ref_of(mv) + " recipe";
  if (!mv.artifacts.count("recipe"))
    return invalid(ref_of(mv) +
                   ": no stored recipe (it was registered, not trained), so it cannot be refit");
  MLO_ASSIGN_OR_RETURN(std::string text, read_artifact(store, mv, "recipe"));
  MLO_ASSIGN_OR_RETURN(train::Recipe recipe, train::parse_recipe(text, what));
  recipe.params.clear();
  recipe.early_stopping_rounds = 0;  // recorded only when set
  for (const auto& [key, value] : mv.params) {
    if (key == "best_iteration") continue;  // an outcome of training, not a parameter
    auto st = train::apply_param_override(recipe, key + "=" + value);
    if (!st.ok()) return invalid(what + ": manifest params." + key + ": " + st.error().message);
  }
  recipe.name = mv.name;
  MLO_TRY(train::validate_recipe(recipe, what));
  return recipe;
}

// Predictions for `rows` x features, split over `threads` (Predictor::predict is thread-safe
// and single-threaded per call).
Status predict_parallel(const Predictor& p, const std::vector<float>& x, size_t rows, int threads,
                        std::vector<float>& out) {
  const size_t cols = p.spec().features.size();
  const size_t outputs = static_cast<size_t>(p.num_outputs());
  size_t n = threads > 0 ? static_cast<size_t>(threads)
                         : std::max<size_t>(1, std::thread::hardware_concurrency());
  n = std::max<size_t>(1, std::min(n, rows / 4096 + 1));
  out.assign(rows * outputs, 0.0f);
  std::vector<Status> status(n);
  std::vector<std::thread> pool;
  const size_t per = (rows + n - 1) / n;
  auto work = [&](size_t t) {
    size_t begin = std::min(rows, t * per), end = std::min(rows, begin + per);
    if (begin == end) return;
    std::vector<float> part;
    status[t] = p.predict(x.data() + begin * cols, end - begin, part);
    if (status[t].ok()) std::copy(part.begin(), part.end(), out.begin() + begin * outputs);
  };
  for (size_t t = 1; t < n; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  for (auto& st : status) MLO_TRY(st);
  return {};
}

// The champion's metrics on exactly the rows the candidate is evaluated on.
Result<std::map<std::string, double>> score_rows(const Predictor& p, const Table& table,
                                                 const std::vector<size_t>& rows,
                                                 const std::string& target, int threads) {
  MLO_ASSIGN_OR_RETURN(std::vector<float> all, encode_table(p.spec(), table));
  const size_t cols = p.spec().features.size();
  const auto& labels = table.column(target)->numbers;
  std::vector<float> x(rows.size() * cols), y(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(all.begin() + static_cast<long>(rows[i] * cols), cols,
                x.begin() + static_cast<long>(i * cols));
    y[i] = labels[rows[i]];
  }
  all = {};
  std::vector<float> pred;
  MLO_TRY(predict_parallel(p, x, rows.size(), threads, pred));
  return metrics::eval_metrics(p.task(), y, pred, p.task() == "multiclass" ? p.num_outputs() : 0);
}

struct Champion {
  ModelVersion manifest;
  ChampionEval eval;
  std::optional<Predictor> predictor;
};

// The alias holder, loaded; std::nullopt with `note` set when there is none to compare with.
Result<std::optional<Champion>> load_champion(Store& store, const std::string& name,
                                              const std::string& alias, const std::string& task,
                                              std::string& note) {
  MLO_TRY(validate_alias_name(alias));
  auto rec = read_alias(store, name, alias);
  if (!rec.ok()) {
    if (rec.error().code != ErrorCode::kNotFound) return rec.error();
    note = fmt::format("{} has no alias '{}'; nothing to compare with", name, alias);
    return std::optional<Champion>{};
  }
  MLO_ASSIGN_OR_RETURN(VersionRecord v, load_version_record(store, name, rec->version));
  Champion c;
  c.manifest = v.manifest;
  c.eval = ChampionEval{alias, v.manifest.version, v.digest, {}};
  if (v.manifest.task != task) {
    note = fmt::format("{}@{} ({}) is a {} model, the candidate {}; not compared", name, alias,
                       ref_of(v.manifest), v.manifest.task, task);
    return std::optional<Champion>{};
  }
  MLO_ASSIGN_OR_RETURN(Predictor p, Predictor::load(store, v.manifest, Engine::kAuto));
  c.predictor = std::move(p);
  return std::optional<Champion>{std::move(c)};
}

std::map<std::string, MetricDelta> deltas(const std::map<std::string, double>& candidate,
                                          const std::map<std::string, double>& champion) {
  std::map<std::string, MetricDelta> out;
  for (const auto& [k, cand] : candidate) {
    auto it = champion.find(k);
    if (it == champion.end()) continue;
    MetricDelta d{cand, it->second, cand - it->second, false};
    d.better = metrics::higher_is_better(k) ? d.delta > 0 : d.delta < 0;
    out[k] = d;
  }
  return out;
}

}  // namespace

Result<RetrainOutcome> retrain(Store& store, const RetrainOptions& o,
                               const train::TrainProgress& progress) {
  RetrainOutcome out;
  MLO_ASSIGN_OR_RETURN(VersionRecord parent, resolve_version(store, o.ref));
  const ModelVersion& pm = parent.manifest;
  out.parent_ref = ref_of(pm);
  out.parent_version = pm.version;
  if (o.drift_report) {
    MLO_ASSIGN_OR_RETURN(DriftVerdict verdict, read_drift_verdict(*o.drift_report));
    if (verdict.model != pm.name)
      return invalid(fmt::format("drift report {}: it is about model '{}', not '{}'",
                                 *o.drift_report, verdict.model, pm.name));
    out.reason = verdict.describe(*o.drift_report);
    if (!verdict.warrants_retrain()) {
      out.skipped = true;
      return out;
    }
  }
  MLO_ASSIGN_OR_RETURN(train::Recipe recipe, parent_recipe(store, pm));
  if (!o.name.empty()) {
    MLO_TRY(validate_model_name(o.name));
    recipe.name = o.name;
  }
  MLO_TRY(require_file(o.data_path, "data"));
  if (o.eval_path) MLO_TRY(require_file(*o.eval_path, "eval data"));

  train::TrainInputs in;
  in.data_path = o.data_path;
  in.eval_path = o.eval_path;
  in.holdout = o.holdout;
  in.threads = o.threads;
  if (o.search.mode != SearchMode::kNone) {
    if (progress.on_stage) progress.on_stage("searching hyperparameters by cross-validation");
    auto on_trial = [&](size_t i, size_t n, const Trial& t) {
      if (!progress.on_stage) return;
      std::string params;
      for (const auto& [k, v] : t.params) params += fmt::format(" {}={}", k, v);
      progress.on_stage(fmt::format("trial {}/{}:{}", i + 1, n, params));
    };
    MLO_ASSIGN_OR_RETURN(SearchResult s, run_search(recipe, in, o.search, on_trial));
    MLO_ASSIGN_OR_RETURN(recipe, with_params(std::move(recipe), s.trials[s.best].params));
    out.search = std::move(s);
  }

  std::string alias = o.champion_alias;
  if (alias.empty()) {
    MLO_ASSIGN_OR_RETURN(PromotionPolicy policy, resolve_policy(store, recipe.name, std::nullopt));
    alias = policy.alias;
  }
  std::optional<Champion> champion;
  MLO_ASSIGN_OR_RETURN(champion,
                       load_champion(store, recipe.name, alias, recipe.task, out.champion_note));
  if (champion) {
    in.on_eval_rows = [&](const Table& table, const std::vector<size_t>& rows) -> Status {
      if (progress.on_stage)
        progress.on_stage(
            fmt::format("scoring {} on the {} eval rows", ref_of(champion->manifest), rows.size()));
      auto m = score_rows(*champion->predictor, table, rows, recipe.target, o.threads);
      if (!m.ok()) {
        out.champion_note = fmt::format("{} cannot score the eval data: {}",
                                        ref_of(champion->manifest), m.error().message);
        return {};
      }
      champion->eval.metrics = std::move(*m);
      out.champion = champion->eval;
      return {};
    };
  }
  MLO_ASSIGN_OR_RETURN(out.training, o.distributed ? train::train_recipe_distributed(
                                                         recipe, in, *o.distributed, progress)
                                                   : train::train_recipe(recipe, in, progress));
  if (out.champion) out.deltas = deltas(out.training.metrics, out.champion->metrics);

  RegisterRequest req = out.training.request;
  out.eval_data = *req.manifest.eval_data;
  if (recipe.name == pm.name)
    req.manifest.parent = pm.version;
  else
    req.manifest.labels["parent"] = out.parent_ref;  // `parent` numbers a version of this model
  req.manifest.status = "candidate";
  req.manifest.champion = out.champion;  // training.eval.champion, read by the promotion gate
  req.artifacts["comparison"] =
      ArtifactInput{"application/json", comparison_json(out), std::nullopt};
  req.dry_run = o.dry_run;
  MLO_ASSIGN_OR_RETURN(out.registered, register_version(store, std::move(req)));
  if (out.search && !o.dry_run) {
    auto key = write_run_record(store, search_run_yaml(out));
    if (key.ok())
      out.run_key = *key;
    else
      out.run_warning = key.error().message;
  }
  out.training.request = {};  // the bytes are stored (or were only hashed); do not keep them
  return out;
}

std::string comparison_json(const RetrainOutcome& r) {
  using nlohmann::json;
  json doc{{"parent", r.parent_ref},
           {"eval_data",
            {{"digest", r.eval_data.digest},
             {"rows", r.eval_data.rows},
             {"source", r.eval_data.source}}},
           {"candidate", {{"metrics", r.training.metrics}}}};
  if (r.champion) {
    doc["champion"] = {{"alias", r.champion->alias},
                       {"version", r.champion->version},
                       {"manifest", r.champion->manifest},
                       {"metrics", r.champion->metrics}};
  } else {
    doc["champion"] = nullptr;
  }
  if (!r.champion_note.empty()) doc["note"] = r.champion_note;
  json d = json::object();
  for (const auto& [k, v] : r.deltas)
    d[k] = {{"candidate", v.candidate},
            {"champion", v.champion},
            {"delta", v.delta},
            {"better", v.better}};
  doc["deltas"] = d;
  if (r.search) {
    const SearchResult& s = *r.search;
    json trials = json::array();
    for (const auto& t : s.trials) trials.push_back({{"params", t.params}, {"metrics", t.metrics}});
    doc["search"] = {{"mode", s.mode == SearchMode::kGrid ? "grid" : "random"},
                     {"folds", s.folds},
                     {"metric", s.metric},
                     {"rows", s.rows},
                     {"best", s.best},
                     {"trials", trials}};
  }
  return doc.dump(2) + "\n";
}

std::string search_run_yaml(const RetrainOutcome& r) {
  // A mlo/run/v1 record (registry/run_record.hpp): typed header, the search in the body.
  const ModelVersion& mv = r.registered.manifest;
  const SearchResult& s = *r.search;
  RunHeader h;
  h.kind = "retrain";
  h.model = {r.parent_ref, mv.name, mv.version, r.registered.manifest_digest};
  if (mv.training_data)
    h.inputs.push_back(
        {"data", absolute_path(mv.training_data->source), mv.training_data->digest, 0});
  h.outputs.push_back({"version", mv.name + ":" + std::to_string(mv.version), "", 0});
  YAML::Node body;
  body["parent"] = r.parent_ref;
  body["search"]["mode"] = s.mode == SearchMode::kGrid ? "grid" : "random";
  body["search"]["folds"] = s.folds;
  body["search"]["metric"] = s.metric;
  body["search"]["rows"] = s.rows;
  body["search"]["best"] = s.best;
  for (const auto& t : s.trials) {
    YAML::Node trial;
    for (const auto& [k, v] : t.params) trial["params"][k] = v;
    for (const auto& [k, v] : t.metrics) trial["metrics"][k] = v;
    body["trials"].push_back(trial);
  }
  auto text = run_record_yaml(h, body);
  return text.ok() ? *text : std::string();  // "" is refused by write_run_record
}

}  // namespace mlo::retrain

#include "mlo/monitor/drift_run.hpp"

#include <algorithm>

#include "mlo/core/atomic_file.hpp"
#include "mlo/core/parallel.hpp"
#include "mlo/core/time.hpp"
#include "mlo/drift/compare.hpp"
#include "mlo/drift/prediction.hpp"
#include "mlo/drift/samples.hpp"
#include "mlo/drift/stream.hpp"
#include "mlo/monitor/batch_scorer.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/registry/run_record.hpp"

namespace mlo::monitor {

using namespace mlo::drift;

namespace {

// Prefixes the file name unless the message already starts with it.
Error in_file(const std::string& path, const Error& e) {
  if (e.message.rfind(path, 0) == 0) return e;
  return make_error(e.code, path + ": " + e.message);
}

std::vector<FeatureDecl> decls_of(const ModelVersion& mv) {
  std::vector<FeatureDecl> d;
  for (const auto& f : mv.features)
    d.push_back(
        {f.name, f.type == "categorical" ? FeatureKind::kCategorical : FeatureKind::kNumeric});
  return d;
}

Result<Policy> load_policy(const std::string& path) {
  if (path.empty()) return Policy{};
  auto text = read_file(path);
  if (!text.ok()) return in_file(path, text.error());
  return Policy::from_yaml(*text, "policy " + path);
}

ModelInfo model_info(const VersionRecord& rec) {
  const ModelVersion& mv = rec.manifest;
  ModelInfo m;
  m.name = mv.name;
  m.version = mv.version;
  m.manifest_digest = rec.digest;
  m.task = mv.task;
  m.created = mv.created;
  m.params = mv.params;
  if (mv.training_data) {
    m.training_data_digest = mv.training_data->digest;
    m.training_rows = mv.training_data->rows;
  }
  m.eval_metrics = mv.metrics;
  return m;
}

// Counts the values exact mode keeps, across the reference and every batch.
class ExactBudget {
 public:
  ExactBudget(uint64_t max_values, size_t numeric) : max_(max_values), numeric_(numeric) {}
  Status add_rows(const std::string& path, uint64_t rows) {
    used_ += rows * numeric_;
    if (used_ <= max_) return {};
    return make_error(ErrorCode::kInvalidInput,
                      path + ": exact comparison would keep more than " + std::to_string(max_) +
                          " numeric values (" + std::to_string(max_ * 8 >> 20) +
                          " MiB); compare with the stored baseline profile instead");
  }

 private:
  uint64_t max_, used_ = 0;
  size_t numeric_;
};

struct Reference {
  Profile profile;
  std::vector<SortedSample> values;  // exact mode only
  std::optional<DriftInput> input;
};

Result<Reference> load_reference(Store& store, const ModelVersion& mv, const DriftOptions& o,
                                 ExactBudget& budget) {
  Reference ref;
  if (o.reference_file.empty()) {
    if (!mv.artifacts.count("baseline"))
      return make_error(ErrorCode::kNotFound,
                        mv.name + ":" + std::to_string(mv.version) +
                            ": no baseline profile artifact; compare with a reference file");
    MLO_ASSIGN_OR_RETURN(std::string bytes, read_artifact(store, mv, "baseline"));
    MLO_ASSIGN_OR_RETURN(ref.profile, Profile::from_json(bytes, "baseline artifact"));
    return ref;
  }
  const std::string& path = o.reference_file;
  ProfileOptions opt;
  opt.keep_values = true;
  auto builder = ProfileBuilder::baseline(decls_of(mv), opt);
  BlockFn fn = [&](const std::vector<std::string>&, const RowBlock& b) {
    return budget.add_rows(path, b.rows());
  };
  auto sr = profile_stream(path, builder, StreamOptions{o.chunk_rows, o.threads}, fn);
  if (!sr.ok()) return in_file(path, sr.error());
  for (size_t f = 0; f < sr->present.size(); ++f) {
    if (!sr->present[f])
      return make_error(ErrorCode::kInvalidInput,
                        path + ": no column '" + builder.feature(f).name + "'");
  }
  ref.profile = builder.finish(o.threads);
  for (size_t f = 0; f < builder.num_features(); ++f) ref.values.push_back(builder.take_values(f));
  ref.input = DriftInput{path, absolute_path(path), sr->digest, sr->rows};
  return ref;
}

struct Current {
  Profile profile;
  std::vector<SortedSample> values;
  std::vector<bool> present;
  std::vector<DriftInput> inputs;
};

Result<Current> profile_current(const Reference& ref, const DriftOptions& o, const Policy& policy,
                                BatchScorer* scorer, ExactBudget& budget) {
  Current cur;
  const bool exact = !ref.values.empty();
  cur.present.assign(ref.profile.features.size(), true);
  cur.values.resize(exact ? ref.profile.features.size() : 0);
  std::vector<std::vector<SortedSample>> parts(cur.values.size());  // per feature, per file
  uint64_t rows_seen = 0, bytes_seen = 0;
  bool first = true;
  for (const auto& path : o.current) {
    ProfileOptions opt;
    opt.keep_values = exact;
    auto builder = ProfileBuilder::against(ref.profile, opt);
    BlockFn fn = [&](const std::vector<std::string>& h, const RowBlock& b) -> Status {
      if (exact) MLO_TRY(budget.add_rows(path, b.rows()));
      if (scorer) MLO_TRY(scorer->on_block(path, h, b));
      rows_seen += b.rows();
      if (o.on_progress) {
        for (const auto& field : b.fields) bytes_seen += field.size() + 1;  // + separator
        o.on_progress(bytes_seen, rows_seen);
      }
      return {};
    };
    auto sr = profile_stream(path, builder, StreamOptions{o.chunk_rows, o.threads}, fn);
    if (!sr.ok()) return in_file(path, sr.error());
    for (size_t f = 0; f < sr->present.size() && !sr->header.empty(); ++f) {  // no header: empty
      if (sr->present[f]) continue;
      if (!policy.quality.allow_missing_columns)
        return make_error(ErrorCode::kInvalidInput,
                          path + ": no column '" + builder.feature(f).name +
                              "' (set quality.allow_missing_columns in the policy to allow it)");
      cur.present[f] = false;
    }
    Profile p = builder.finish(o.threads);
    for (size_t f = 0; f < parts.size(); ++f) parts[f].push_back(builder.take_values(f));
    cur.inputs.push_back({path, absolute_path(path), sr->digest, sr->rows});
    if (first) {
      cur.profile = std::move(p);
    } else if (Status st = merge_into(cur.profile, p); !st.ok()) {
      return in_file(path, st.error());
    }
    first = false;
  }
  parallel_for(parts.size(), worker_count(o.threads, parts.size()),
               [&](size_t f) { cur.values[f] = merge_samples(std::move(parts[f])); });
  return cur;
}

// The version's monitoring baseline (prediction drift, CBPE); null for versions without one.
Result<std::shared_ptr<const MonitoringBaseline>> load_monitoring(Store& store,
                                                                  const ModelVersion& mv) {
  if (!mv.artifacts.count("monitoring")) return std::shared_ptr<const MonitoringBaseline>();
  MLO_ASSIGN_OR_RETURN(std::string bytes, read_artifact(store, mv, "monitoring"));
  MLO_ASSIGN_OR_RETURN(MonitoringBaseline m, MonitoringBaseline::from_json(
                                                 bytes, mv.name + ":" + std::to_string(mv.version) +
                                                            " monitoring artifact"));
  return std::make_shared<const MonitoringBaseline>(std::move(m));
}

Result<PredictionReport> predictions(BatchScorer& scorer, const MonitoringBaseline& baseline,
                                     const ModelVersion& mv, const Policy& policy) {
  PredictionReport p;
  p.unscored_rows = scorer.unscored_rows();
  p.first_unscored = scorer.first_unscored();
  if (auto profile = scorer.prediction_profile()) {
    Policy pred_policy = policy;
    pred_policy.quality.allow_empty_batch = true;  // the feature verdict already says so
    MLO_ASSIGN_OR_RETURN(DatasetDrift d,
                         compare(baseline.predictions, *profile, {}, {}, pred_policy));
    p.drift = std::move(d);
  }
  if (!scorer.label_stats())  // with labels quality is measured, not estimated
    p.cbpe = scorer.cbpe(mv.metrics, policy.performance);
  return p;
}

Status check_options(const DriftOptions& o) {
  if (o.current.empty()) return make_error(ErrorCode::kUsage, "drift: no batch to compare");
  if (!o.slice_by.empty() && !o.labels)
    return make_error(ErrorCode::kUsage, "drift: slicing needs labels");
  if (!o.label_column.empty() && !o.labels)
    return make_error(ErrorCode::kUsage, "drift: a label column needs labels");
  return {};
}

}  // namespace

Result<DriftResult> run_drift(Store& store, const DriftOptions& o) {
  MLO_TRY(check_options(o));
  DriftResult result;
  result.ref = o.ref;
  result.started = now_rfc3339();
  MLO_ASSIGN_OR_RETURN(Policy policy, load_policy(o.policy_file));
  MLO_ASSIGN_OR_RETURN(VersionRecord rec, resolve_version(store, o.ref));
  const ModelVersion& mv = rec.manifest;

  MLO_ASSIGN_OR_RETURN(auto baseline, load_monitoring(store, mv));
  std::optional<BatchScorer> scorer;
  if (o.labels || baseline) {
    std::shared_ptr<const Predictor> predictor;
    if (o.score_column.empty()) {
      MLO_ASSIGN_OR_RETURN(Predictor p, Predictor::load(store, mv, o.engine));
      predictor = std::make_shared<const Predictor>(std::move(p));
    }
    ScorerOptions so{o.labels, o.label_column, o.score_column, o.slice_by,
                     policy.performance.threshold};
    MLO_ASSIGN_OR_RETURN(BatchScorer bs, BatchScorer::create(mv, so, predictor, baseline));
    scorer = std::move(bs);
  }
  size_t numeric = 0;
  for (const auto& d : decls_of(mv)) numeric += d.kind == FeatureKind::kNumeric ? 1 : 0;
  ExactBudget budget(o.exact_max_values, numeric);
  MLO_ASSIGN_OR_RETURN(Reference ref, load_reference(store, mv, o, budget));
  MLO_ASSIGN_OR_RETURN(Current cur,
                       profile_current(ref, o, policy, scorer ? &*scorer : nullptr, budget));
  std::vector<ExactSamples> exact;
  for (size_t f = 0; f < ref.values.size(); ++f) exact.push_back({&ref.values[f], &cur.values[f]});

  DriftReport& report = result.report;
  MLO_ASSIGN_OR_RETURN(report.drift, compare(ref.profile, cur.profile, exact, cur.present, policy));
  if (baseline && !baseline->importance.empty())
    rank_by_importance(report.drift, baseline->importance);
  if (scorer) {
    report.concept_result = scorer->concept_result(mv.metrics, policy.performance);
    report.labels = scorer->label_stats();
    if (baseline) {
      MLO_ASSIGN_OR_RETURN(report.predictions, predictions(*scorer, *baseline, mv, policy));
    }
  }
  report.meta = ReportMeta{model_info(rec),
                           o.reference_file.empty() ? "baseline" : o.reference_file,
                           o.current,
                           ref.values.empty() ? "profile" : "exact",
                           o.policy_file.empty() ? "defaults" : o.policy_file,
                           now_rfc3339()};
  decide(report);
  result.inputs = std::move(cur.inputs);
  result.reference = ref.input;
  return result;
}

}  // namespace mlo::monitor

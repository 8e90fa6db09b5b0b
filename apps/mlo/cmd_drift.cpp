// mlo drift REF --current BATCH...: data drift of a batch against the version's baseline
// profile (or, exactly, against --reference data), plus concept drift with --labels.
// Labels: scores come from --score-column when given, otherwise the version's own model
// scores the batch in-process (preprocess artifact -> Encoder -> XgbModel), exactly as
// score-batch would. Exit 0 no finding, 8 drift/data-quality/performance finding, 3 bad input.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>

#include <yaml-cpp/yaml.h>

#include "command.hpp"
#include "mlo/core/atomic_file.hpp"
#include "mlo/core/time.hpp"
#include "mlo/core/yaml_io.hpp"
#include "mlo/data/encoder.hpp"
#include "mlo/data/preprocess.hpp"
#include "mlo/drift/compare.hpp"
#include "mlo/drift/concept.hpp"
#include "mlo/drift/report.hpp"
#include "mlo/drift/stream.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "mlo/registry/registry.hpp"
#include "notify_cli.hpp"
#include "output.hpp"

namespace mlo::cli {

namespace {

using namespace mlo::drift;

struct DriftOptions {
  std::string ref;
  std::vector<std::string> current;
  std::string reference_file;
  std::string policy_file;
  bool labels = false;
  std::string score_column;
  std::string label_column;
  std::string slice_by;
  std::vector<std::string> reports;
  size_t chunk_rows = 65536;
  bool no_record = false;
};

std::vector<FeatureDecl> decls_of(const ModelVersion& mv) {
  std::vector<FeatureDecl> d;
  for (const auto& f : mv.features)
    d.push_back(
        {f.name, f.type == "categorical" ? FeatureKind::kCategorical : FeatureKind::kNumeric});
  return d;
}

// Scores and labels for --labels, fed block by block from the same pass as the profile.
class LabelCollector {
 public:
  static Result<LabelCollector> create(Store& store, const ModelVersion& mv,
                                       const DriftOptions& o) {
    LabelCollector c;
    c.task_ = mv.task;
    if (c.task_ != "binary" && c.task_ != "regression")
      return make_error(ErrorCode::kInvalidInput, "drift --labels: task '" + mv.task +
                                                      "' is not supported (binary, regression)");
    c.label_ = o.label_column.empty() ? mv.target : o.label_column;
    if (c.label_.empty())
      return make_error(ErrorCode::kInvalidInput,
                        "drift --labels: the version records no target; pass --label-column");
    c.score_column_ = o.score_column;
    c.slice_by_ = o.slice_by;
    if (c.score_column_.empty()) {
      MLO_ASSIGN_OR_RETURN(std::string model_bytes, read_artifact(store, mv, "model"));
      MLO_ASSIGN_OR_RETURN(XgbModel model, XgbModel::load(model_bytes));
      c.model_ = std::make_shared<XgbModel>(std::move(model));
      MLO_ASSIGN_OR_RETURN(std::string pre, read_artifact(store, mv, "preprocess"));
      MLO_ASSIGN_OR_RETURN(PreprocessSpec spec,
                           PreprocessSpec::from_yaml(pre, "preprocess artifact"));
      c.spec_ = std::make_shared<PreprocessSpec>(std::move(spec));
    }
    c.acc_ = std::make_shared<ConceptAccumulator>(mv.task);
    return c;
  }

  // Called for each new input file (its header) and each block.
  Status on_block(const std::string& input, const std::vector<std::string>& header,
                  const RowBlock& block) {
    if (header_ != header) MLO_TRY(bind(input, header));
    std::vector<double> scores(block.rows(), NAN);
    if (score_col_) {
      for (size_t r = 0; r < block.rows(); ++r) {
        float v = NAN;
        if (parse_float_field(block.at(r, *score_col_), v)) scores[r] = v;
      }
    } else {
      EncodedBlock enc;
      MLO_TRY(encoder_->encode(block, OnBadRow::kSkip, enc));
      std::vector<float> out;
      if (!enc.rows.empty()) {
        MLO_TRY(model_->predict(DenseView{enc.x.data(), enc.rows.size(), encoder_->num_features()},
                                out, 0));
      }
      for (size_t i = 0; i < enc.rows.size() && i < out.size(); ++i) scores[enc.rows[i]] = out[i];
    }
    for (size_t r = 0; r < block.rows(); ++r) {
      float y = NAN;
      if (!parse_float_field(block.at(r, label_col_), y) || std::isnan(y) || std::isnan(scores[r]))
        continue;
      acc_->add(y, scores[r], slice_col_ ? block.at(r, *slice_col_) : std::string_view{});
    }
    return {};
  }

  ConceptResult finish(const ModelVersion& mv, const Policy& policy) const {
    return acc_->finish(mv.metrics, policy.performance, slice_by_);
  }

 private:
  Status bind(const std::string& input, const std::vector<std::string>& header) {
    auto col = [&](const std::string& name, const char* role) -> Result<size_t> {
      auto it = std::find(header.begin(), header.end(), name);
      if (it == header.end())
        return make_error(ErrorCode::kInvalidInput,
                          input + ": no " + role + " column '" + name + "'");
      return static_cast<size_t>(it - header.begin());
    };
    MLO_ASSIGN_OR_RETURN(label_col_, col(label_, "label"));
    if (!slice_by_.empty()) {
      MLO_ASSIGN_OR_RETURN(size_t s, col(slice_by_, "--slice-by"));
      slice_col_ = s;
    }
    if (!score_column_.empty()) {
      MLO_ASSIGN_OR_RETURN(size_t s, col(score_column_, "--score-column"));
      score_col_ = s;
    } else {
      MLO_ASSIGN_OR_RETURN(Encoder enc, Encoder::create(*spec_, header, input));
      encoder_ = std::make_shared<Encoder>(std::move(enc));
    }
    header_ = header;
    return {};
  }

  std::string task_, label_, score_column_, slice_by_;
  std::shared_ptr<XgbModel> model_;
  std::shared_ptr<PreprocessSpec> spec_;
  std::shared_ptr<Encoder> encoder_;
  std::shared_ptr<ConceptAccumulator> acc_;
  std::vector<std::string> header_;
  size_t label_col_ = 0;
  std::optional<size_t> slice_col_, score_col_;
};

Result<Policy> load_policy(const std::string& path) {
  if (path.empty()) return Policy{};
  MLO_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return Policy::from_yaml(text, "policy " + path);
}

struct Reference {
  Profile profile;
  std::vector<std::vector<double>> values;  // exact mode only
};

Result<Reference> load_reference(Store& store, const ModelVersion& mv, const DriftOptions& o) {
  Reference ref;
  if (o.reference_file.empty()) {
    if (!mv.artifacts.count("baseline"))
      return make_error(ErrorCode::kNotFound,
                        mv.name + ":" + std::to_string(mv.version) +
                            ": no baseline profile artifact; pass --reference FILE.csv");
    MLO_ASSIGN_OR_RETURN(std::string bytes, read_artifact(store, mv, "baseline"));
    MLO_ASSIGN_OR_RETURN(ref.profile, Profile::from_json(bytes, "baseline artifact"));
    return ref;
  }
  ProfileOptions opt;
  opt.keep_values = true;
  auto builder = ProfileBuilder::baseline(decls_of(mv), opt);
  StreamOptions so{o.chunk_rows};
  MLO_ASSIGN_OR_RETURN(StreamResult sr, profile_stream(o.reference_file, builder, so));
  for (size_t f = 0; f < sr.present.size(); ++f) {
    if (!sr.present[f])
      return make_error(ErrorCode::kInvalidInput,
                        o.reference_file + ": no column '" + builder.feature(f).name + "'");
  }
  ref.profile = builder.finish();
  for (size_t f = 0; f < builder.num_features(); ++f) ref.values.push_back(builder.values(f));
  return ref;
}

struct Current {
  Profile profile;
  std::vector<std::vector<double>> values;
  std::vector<bool> present;
  std::vector<std::string> digests;
};

Result<Current> profile_current(const Reference& ref, const DriftOptions& o, const Policy& policy,
                                LabelCollector* labels) {
  Current cur;
  const bool exact = !ref.values.empty();
  cur.present.assign(ref.profile.features.size(), true);
  cur.values.resize(exact ? ref.profile.features.size() : 0);
  bool first = true;
  for (const auto& path : o.current) {
    ProfileOptions opt;
    opt.keep_values = exact;
    auto builder = ProfileBuilder::against(ref.profile, opt);
    BlockFn fn = nullptr;
    if (labels)
      fn = [&](const std::vector<std::string>& h, const RowBlock& b) {
        return labels->on_block(path, h, b);
      };
    MLO_ASSIGN_OR_RETURN(StreamResult sr,
                         profile_stream(path, builder, StreamOptions{o.chunk_rows}, fn));
    for (size_t f = 0; f < sr.present.size() && !sr.header.empty();
         ++f) {  // no header: empty batch
      if (sr.present[f]) continue;
      if (!policy.quality.allow_missing_columns)
        return make_error(ErrorCode::kInvalidInput,
                          path + ": no column '" + builder.feature(f).name +
                              "' (set quality.allow_missing_columns in the policy to allow it)");
      cur.present[f] = false;
    }
    Profile p = builder.finish();
    for (size_t f = 0; exact && f < cur.values.size(); ++f) {
      const auto& v = builder.values(f);
      cur.values[f].insert(cur.values[f].end(), v.begin(), v.end());
    }
    cur.digests.push_back(sr.digest);
    if (first)
      cur.profile = std::move(p);
    else
      MLO_TRY(merge_into(cur.profile, p));
    first = false;
  }
  if (exact && o.current.size() > 1)
    for (auto& v : cur.values) std::sort(v.begin(), v.end());
  return cur;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

void print_summary_table(const nlohmann::json& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : r["features"]) {
    std::string issues;
    for (const auto& i : f["issues"]) issues += (issues.empty() ? "" : "; ") + i.get<std::string>();
    auto st = [&](const char* k) {
      return f["stats"].contains(k) ? fmt(f["stats"][k].get<double>()) : std::string("-");
    };
    rows.push_back({f["name"].get<std::string>(), f["kind"].get<std::string>(),
                    f["method"].get<std::string>(), fmt(f["value"].get<double>()),
                    fmt(f["threshold"].get<double>()), f["drifted"].get<bool>() ? "DRIFT" : "ok",
                    st("psi"), st("ks"), st("js"), issues.empty() ? "-" : issues});
  }
  print_table(
      {"FEATURE", "TYPE", "METHOD", "VALUE", "THRESHOLD", "STATUS", "PSI", "KS", "JS", "ISSUES"},
      rows);
  if (r.contains("concept")) {
    const auto& c = r["concept"];
    std::vector<std::vector<std::string>> crow;
    auto add = [&](const nlohmann::json& s, const std::string& name) {
      std::string metrics;
      for (auto it = s["metrics"].begin(); it != s["metrics"].end(); ++it)
        metrics += it.key() + "=" + fmt(it.value().get<double>()) + " ";
      crow.push_back({name, std::to_string(s["rows"].get<uint64_t>()), metrics,
                      s["degraded"].empty() ? "ok" : "DEGRADED"});
    };
    add(c["overall"], "(all)");
    if (c.contains("slices"))
      for (const auto& s : c["slices"])
        add(s, c["slice_by"].get<std::string>() + "=" + s["slice"].get<std::string>());
    std::cout << '\n';
    print_table({"SLICE", "ROWS", "METRICS", "STATUS"}, crow);
  }
}

Status write_reports(const nlohmann::json& r, const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    std::string body;
    auto ends = [&](const char* s) {
      return path.size() >= std::strlen(s) &&
             path.compare(path.size() - std::strlen(s), std::string::npos, s) == 0;
    };
    if (ends(".json"))
      body = r.dump(2) + "\n";
    else if (ends(".md"))
      body = report_markdown(r);
    else if (ends(".html") || ends(".htm"))
      body = report_html(r);
    else
      return make_error(ErrorCode::kUsage,
                        "drift --report " + path + ": unknown format (use .json, .md or .html)");
    MLO_TRY(write_file_atomic(path, body));
  }
  return {};
}

std::string run_record_yaml(const nlohmann::json& r, const std::vector<std::string>& digests) {
  YAML::Node n;
  n["kind"] = "drift";
  n["model"] = r["model"].get<std::string>();
  n["version"] = r["version"].get<int64_t>();
  n["created"] = r["created"].get<std::string>();
  n["actor"] = current_actor();
  n["reference"] = r["reference"].get<std::string>();
  n["mode"] = r["mode"].get<std::string>();
  for (size_t i = 0; i < digests.size(); ++i) {
    YAML::Node in;
    in["path"] = r["current"][i].get<std::string>();
    in["digest"] = digests[i];
    n["inputs"].push_back(in);
  }
  n["rows"] = r["dataset"]["current_rows"].get<uint64_t>();
  n["verdict"]["drift"] = r["verdict"]["drift"].get<bool>();
  n["verdict"]["data_quality_failed"] = r["verdict"]["data_quality_failed"].get<bool>();
  n["verdict"]["performance_degraded"] = r["verdict"]["performance_degraded"].get<bool>();
  n["verdict"]["exit_code"] = r["verdict"]["exit_code"].get<int>();
  for (const auto& f : r["features"]) {
    YAML::Node fn;
    fn["method"] = f["method"].get<std::string>();
    fn["value"] = f["value"].get<double>();
    fn["drifted"] = f["drifted"].get<bool>();
    n["features"][f["name"].get<std::string>()] = fn;
  }
  if (r.contains("concept")) {
    for (auto it = r["concept"]["overall"]["metrics"].begin();
         it != r["concept"]["overall"]["metrics"].end(); ++it)
      n["metrics"][it.key()] = it.value().get<double>();
  }
  return emit_yaml(n);
}

Result<int> run_drift(const Context& ctx, const DriftOptions& o) {
  if (o.current.empty()) return make_error(ErrorCode::kUsage, "drift: --current is required");
  if (!o.slice_by.empty() && !o.labels)
    return make_error(ErrorCode::kUsage, "drift: --slice-by needs --labels");
  MLO_ASSIGN_OR_RETURN(Policy policy, load_policy(o.policy_file));
  MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
  MLO_ASSIGN_OR_RETURN(ModelVersion mv, resolve_ref(*store, o.ref));
  MLO_ASSIGN_OR_RETURN(Reference ref, load_reference(*store, mv, o));
  std::optional<LabelCollector> labels;
  if (o.labels) {
    MLO_ASSIGN_OR_RETURN(LabelCollector lc, LabelCollector::create(*store, mv, o));
    labels = std::move(lc);
  }
  MLO_ASSIGN_OR_RETURN(Current cur, profile_current(ref, o, policy, labels ? &*labels : nullptr));
  std::vector<ExactSamples> exact;
  for (size_t f = 0; f < ref.values.size(); ++f) exact.push_back({&ref.values[f], &cur.values[f]});
  MLO_ASSIGN_OR_RETURN(DatasetDrift drift,
                       compare(ref.profile, cur.profile, exact, cur.present, policy));
  std::optional<ConceptResult> concept_result;
  if (labels) concept_result = labels->finish(mv, policy);

  ReportMeta meta{mv.name,
                  mv.version,
                  o.reference_file.empty() ? "baseline" : o.reference_file,
                  o.current,
                  ref.values.empty() ? "profile" : "exact",
                  o.policy_file.empty() ? "defaults" : o.policy_file,
                  now_rfc3339()};
  const nlohmann::json report = report_json(meta, drift, concept_result);
  MLO_TRY(write_reports(report, o.reports));
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) {
    std::ofstream out(summary, std::ios::app);
    out << report_markdown(report) << '\n';
  }
  if (!o.no_record) MLO_TRY(write_run_record(*store, run_record_yaml(report, cur.digests)));
  if (ctx.global.json)
    print_json(report);
  else
    print_summary_table(report);
  const int code = report["verdict"]["exit_code"].get<int>();
  const std::string verdict =
      code == 0 ? "no drift"
                : "finding (exit 8): " +
                      std::to_string(report["verdict"]["drifted_features"].get<int>()) +
                      " drifted feature(s)" +
                      (drift.quality_failed ? ", data-quality limits exceeded" : "") +
                      (concept_result && concept_result->degraded ? ", model quality degraded" : "");
  info("drift: " + verdict);
  if (code != 0)
    notify_event(ctx, {notify::kDrift, mv.name, mv.version,
                       "mlo: drift " + mv.name + ":" + std::to_string(mv.version) + ": " + verdict,
                       report["verdict"], /*store=*/{}});
  return code;
}

}  // namespace

void setup_drift(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DriftOptions>();
  app.add_option("ref", o->ref, "Model reference: name, name:N, name@alias or sha256:...")
      ->required();
  app.add_option("--current", o->current,
                 "Batch file (CSV/JSONL, any compression); repeat to merge batches")
      ->required();
  app.add_option("--reference", o->reference_file,
                 "Compare exactly with this reference data instead of the stored baseline");
  app.add_option("--policy", o->policy_file, "Drift policy YAML (default: built-in defaults)");
  app.add_flag("--labels", o->labels,
               "Also measure model quality on the batch's labels (concept drift)");
  app.add_option("--score-column", o->score_column,
                 "With --labels: use this column's scores instead of scoring in-process");
  app.add_option("--label-column", o->label_column,
                 "With --labels: label column (default: the version's target)");
  app.add_option("--slice-by", o->slice_by,
                 "With --labels: report metrics per value of this column");
  app.add_option("--report", o->reports,
                 "Write a report: FILE.json, FILE.md or FILE.html (repeatable)");
  app.add_option("--chunk-rows", o->chunk_rows, "Rows per streamed chunk (approximate)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 26));
  app.add_flag("--no-record", o->no_record, "Do not write a run record to the store");
  app.callback([&ctx, o] { ctx.run = [&ctx, o]() -> Result<int> { return run_drift(ctx, *o); }; });
}

}  // namespace mlo::cli

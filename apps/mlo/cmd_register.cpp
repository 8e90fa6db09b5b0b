// mlo register NAME --model FILE [...]: validate the model (and preprocess spec) here, where
// XGBoost is linked, then hand the files to register_version (lib/mlo/registry), which stores
// blobs -> manifest -> event.
#include <sys/stat.h>

#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/core/atomic_file.hpp"
#include "mlo/core/version.hpp"
#include "mlo/data/preprocess.hpp"
#include "mlo/drift/baseline.hpp"
#include "mlo/model/feature_info.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "mlo/registry/manifest_json.hpp"
#include "mlo/registry/registry.hpp"
#include "notify_cli.hpp"
#include "output.hpp"

namespace mlo::cli {
namespace {

struct RegisterOptions {
  std::string name;
  std::string model;
  std::string preprocess;
  std::vector<std::string> params, metrics, labels, artifacts;
  std::string task;       // empty: inferred from the model's objective
  std::string reference;  // --reference FILE.csv: drift baseline profile (helper "drift")
  bool if_new = false;
  bool dry_run = false;
  int64_t repair = 0;  // --repair N: append the missing `registered` event of NAME:N
};

Error invalid(const std::string& message) {
  return make_error(ErrorCode::kInvalidInput, "register: " + message);
}

// KEY=VALUE flags, their usage errors prefixed with the command.
Result<std::map<std::string, std::string>> parse_pairs(const std::vector<std::string>& items,
                                                       const std::string& flag) {
  auto pairs = parse_key_values(items, flag);
  if (!pairs.ok()) return usage_error("register", pairs.error().message);
  return pairs;
}

Result<std::map<std::string, double>> parse_metrics(const std::vector<std::string>& items) {
  MLO_ASSIGN_OR_RETURN(auto pairs, parse_pairs(items, "--metric"));
  std::map<std::string, double> out;
  for (const auto& [k, v] : pairs) {
    size_t used = 0;
    double value = NAN;
    try {
      value = std::stod(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (v.empty() || used != v.size() || !std::isfinite(value))
      return usage_error("register", "--metric " + k + "='" + v + "': not a finite number");
    out.emplace(k, value);
  }
  return out;
}

// A user-named input file: kNotFound if missing, kInvalidInput if not a non-empty regular file.
Result<std::string> read_input(const std::string& path, const std::string& flag) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    return make_error(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kRuntime,
                      "register: " + flag + " " + path + ": " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) return invalid(flag + " " + path + ": not a regular file");
  if (st.st_size == 0) return invalid(flag + " " + path + ": file is empty");
  auto bytes = read_file(path);
  if (!bytes.ok())
    return make_error(bytes.error().code, "register: " + flag + " " + bytes.error().message);
  return bytes;
}

std::string task_of_objective(const std::string& objective) {
  if (objective.rfind("binary:", 0) == 0) return "binary";
  if (objective.rfind("multi:", 0) == 0) return "multiclass";
  if (objective.rfind("reg:", 0) == 0 || objective.rfind("count:", 0) == 0 ||
      objective.rfind("survival:", 0) == 0)
    return "regression";
  return "";
}

Status check_task(std::string& task, const XgbModel& model) {
  const std::string inferred = task_of_objective(model.objective());
  if (task.empty()) {
    task = inferred.empty() ? "regression" : inferred;
    return {};
  }
  if (task != "binary" && task != "regression" && task != "multiclass")
    return usage_error("register",
                       "--task '" + task + "': expected binary, regression or multiclass");
  if (!inferred.empty() && inferred != task)
    return invalid("--task " + task + " contradicts the model's objective " + model.objective());
  return {};
}

// Both formats open with '{'; in JSON the next token is a quoted key, in UBJSON a length marker.
bool looks_like_json(const std::string& bytes) {
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  size_t i = 0;
  while (i < bytes.size() && is_space(bytes[i])) ++i;
  if (i >= bytes.size() || bytes[i] != '{') return false;
  ++i;
  while (i < bytes.size() && is_space(bytes[i])) ++i;
  return i < bytes.size() && (bytes[i] == '"' || bytes[i] == '}');
}

Result<std::map<std::string, std::string>> parse_extra_artifacts(
    const std::vector<std::string>& items) {
  MLO_ASSIGN_OR_RETURN(auto pairs, parse_pairs(items, "--artifact"));
  for (const auto& [key, path] : pairs) {
    if (key == "model" || key == "preprocess" || key == "baseline")
      return usage_error("register", "--artifact " + key +
                                         ": reserved name (use --model/--preprocess/--reference)");
    if (path.empty()) return usage_error("register", "--artifact " + key + ": empty path");
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      const int err = errno;
      return make_error(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kRuntime,
                        "register: --artifact " + key + "=" + path + ": " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode))
      return invalid("--artifact " + key + "=" + path + ": not a regular file");
  }
  return pairs;
}

// --reference: the drift baseline profile of the schema's features, built by the one function
// train and retrain use too (lib/mlo/drift/baseline.hpp).
Result<std::string> baseline_from_reference(const std::string& path,
                                            const std::vector<FeatureSpec>& features) {
  std::vector<drift::FeatureDecl> decls;
  for (const auto& f : features)
    decls.push_back({f.name, f.type == "categorical" ? drift::FeatureKind::kCategorical
                                                     : drift::FeatureKind::kNumeric});
  auto baseline = drift::build_baseline(path, decls);
  if (!baseline.ok())
    return make_error(baseline.error().code, "register: --reference " + baseline.error().message);
  return baseline;
}

// Builds the request: everything validated before anything is written.
Result<RegisterRequest> build_request(const RegisterOptions& o) {
  RegisterRequest req;
  ModelVersion& mv = req.manifest;
  mv.name = o.name;
  if (auto st = validate_model_name(o.name); !st.ok())
    return usage_error("register", st.error().message);
  MLO_ASSIGN_OR_RETURN(mv.params, parse_pairs(o.params, "--param"));
  MLO_ASSIGN_OR_RETURN(mv.labels, parse_pairs(o.labels, "--label"));
  MLO_ASSIGN_OR_RETURN(mv.metrics, parse_metrics(o.metrics));
  MLO_ASSIGN_OR_RETURN(auto extra, parse_extra_artifacts(o.artifacts));

  MLO_ASSIGN_OR_RETURN(std::string model_bytes, read_input(o.model, "--model"));
  auto model = XgbModel::load(model_bytes);
  if (!model.ok() && model.error().code == ErrorCode::kRuntime)  // XGBoost itself is missing
    return make_error(ErrorCode::kRuntime,
                      "register: --model " + o.model + ": " + model.error().message);
  if (!model.ok())
    return invalid("--model " + o.model + ": not an XGBoost model: " + model.error().message);
  const size_t n_features = model->num_features();
  mv.task = o.task;
  MLO_TRY(check_task(mv.task, *model));

  if (!o.preprocess.empty()) {
    MLO_ASSIGN_OR_RETURN(std::string spec_bytes, read_input(o.preprocess, "--preprocess"));
    auto spec = PreprocessSpec::from_yaml(spec_bytes, o.preprocess);
    if (!spec.ok())
      return make_error(spec.error().code, "register: --preprocess " + spec.error().message);
    if (spec->features.size() != n_features)
      return invalid(fmt::format("feature count mismatch: {} has {} features, the model expects {}",
                                 o.preprocess, spec->features.size(), n_features));
    for (const auto& f : spec->features)
      mv.features.push_back({f.name, f.type == FeatureEncoding::Type::kCategorical
                                         ? std::string("categorical")
                                         : std::string("numeric")});
    req.artifacts["preprocess"] =
        ArtifactInput{"application/yaml", std::move(spec_bytes), std::nullopt};
  } else {
    // A model trained elsewhere (pandas) carries its feature names and types: use them.
    auto embedded = embedded_features(model_bytes);
    if (!embedded.ok()) return invalid("--model " + o.model + ": " + embedded.error().message);
    if (!embedded->empty() && embedded->size() != n_features)
      return invalid(fmt::format("--model {}: {} feature names for {} features", o.model,
                                 embedded->size(), n_features));
    for (size_t i = 0; i < n_features; ++i) {
      if (embedded->empty())
        mv.features.push_back({"f" + std::to_string(i), "numeric"});
      else
        mv.features.push_back(
            {(*embedded)[i].name, (*embedded)[i].categorical ? "categorical" : "numeric"});
    }
  }
  const std::string media =
      looks_like_json(model_bytes) ? "application/json" : "application/ubjson";
  req.artifacts["model"] = ArtifactInput{media, std::move(model_bytes), std::nullopt};
  // --reference (drift baseline) adds req.artifacts["baseline"] here.
  if (!o.reference.empty()) {
    MLO_ASSIGN_OR_RETURN(std::string baseline, baseline_from_reference(o.reference, mv.features));
    req.artifacts["baseline"] =
        ArtifactInput{drift::kProfileMediaType, std::move(baseline), std::nullopt};
  }
  for (const auto& [key, path] : extra)
    req.artifacts[key] = ArtifactInput{"application/octet-stream", std::nullopt, path};

  mv.environment = {{"mlo", mlo_version()},
                    {"xgboost", xgboost_version()},
                    {"os", os_name()},
                    {"arch", arch_name()}};
  req.if_new = o.if_new;
  req.dry_run = o.dry_run;
  return req;
}

void print_result(const Context& ctx, const RegisterResult& r, bool dry_run) {
  const std::string ref = r.manifest.name + ":" + std::to_string(r.manifest.version);
  if (ctx.global.json) {
    print_json({{"ref", ref},
                {"name", r.manifest.name},
                {"version", r.manifest.version},
                {"existed", r.existed},
                {"dry_run", dry_run},
                {"manifest_digest", r.manifest_digest},
                {"manifest", manifest_to_json(r.manifest)}});
  } else {
    std::cout << ref << "\n";
  }
  if (r.existed)
    info("identical to existing version " + ref + "; nothing registered");
  else if (dry_run)
    info("dry run: would register " + ref + "; nothing written");
  if (ctx.global.verbose && r.hashed_bytes > 0) {
    const double gib = static_cast<double>(r.hashed_bytes) / (1u << 30);
    info(fmt::format("stored {:.3f} GiB of artifacts in {:.3f} s ({:.2f} GiB/s)", gib,
                     r.hash_seconds, r.hash_seconds > 0 ? gib / r.hash_seconds : 0.0));
  }
}

// The version exists but reads refuse it until its `registered` event is written: fail loudly
// with the exact repair command.
Error event_failure(const RegisterResult& r) {
  const std::string ref = r.manifest.name + ":" + std::to_string(r.manifest.version);
  return make_error(ErrorCode::kRuntime, "register " + r.manifest.name + ": " + ref +
                                             " was written but its audit event was not (" +
                                             r.event_warning + "); repair with: mlo register " +
                                             r.manifest.name + " --repair " +
                                             std::to_string(r.manifest.version));
}

Result<int> repair(const Context& ctx, const RegisterOptions& o) {
  if (!o.model.empty() || o.if_new || o.dry_run)
    return usage_error("register", "--repair takes no --model, --if-new or --dry-run");
  MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
  auto event = repair_registration(*store, o.name, o.repair);
  const std::string ref = o.name + ":" + std::to_string(o.repair);
  if (!event.ok())
    return make_error(event.error().code,
                      "register --repair " + ref + ": " + event.error().message);
  if (ctx.global.json)
    print_json({{"ref", ref}, {"repaired", true}, {"event", *event}});
  else
    std::cout << ref << "\n";
  info("recorded the 'registered' event of " + ref + " (event " + std::to_string(*event) + ")");
  return 0;
}

}  // namespace

void setup_register(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<RegisterOptions>();
  app.add_option("name", o->name, "Model name: [a-z0-9][a-z0-9._-]*")->required();
  app.add_option("--model", o->model,
                 "XGBoost model file (JSON or UBJSON); required unless --repair");
  app.add_option("--preprocess", o->preprocess, "Preprocess spec (YAML); sets the feature schema");
  app.add_option("--param", o->params, "Training parameter KEY=VALUE (repeatable)");
  app.add_option("--metric", o->metrics, "Evaluation metric KEY=NUMBER (repeatable)");
  app.add_option("--label", o->labels, "Label KEY=VALUE (repeatable)");
  app.add_option("--artifact", o->artifacts,
                 "Extra file to store with the version, KEY=FILE (repeatable)");
  app.add_option("--reference", o->reference,
                 "Reference data (CSV/JSONL) for the drift baseline profile");
  app.add_option("--task", o->task,
                 "binary | regression | multiclass (default: from the model's objective)");
  app.add_flag("--if-new", o->if_new,
               "Return the existing version if identical content is already registered");
  app.add_flag("--dry-run", o->dry_run, "Validate and hash, write nothing");
  app.add_option(
         "--repair", o->repair,
         "Append the missing 'registered' event of version N (after an interrupted register)")
      ->check(CLI::Range(int64_t{1}, int64_t{999999999999999}));
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> Result<int> {
      if (o->repair > 0) return repair(ctx, *o);
      if (o->model.empty()) return usage_error("register", "--model is required");
      MLO_ASSIGN_OR_RETURN(RegisterRequest req, build_request(*o));
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto result = register_version(*store, std::move(req));
      if (!result.ok())
        return make_error(result.error().code,
                          "register " + o->name + ": " + result.error().message);
      print_result(ctx, *result, o->dry_run);
      if (!result->event_warning.empty()) return event_failure(*result);
      if (!result->existed && !o->dry_run)
        notify_event(ctx, {notify::kRegistered,
                           result->manifest.name,
                           result->manifest.version,
                           fmt::format("mlo: registered {}:{}", result->manifest.name,
                                       result->manifest.version),
                           {{"manifest_digest", result->manifest_digest}},
                           /*store=*/{}});
      return 0;
    };
  });
}

}  // namespace mlo::cli

#include "mlo/registry/run_log.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "mlo/core/yaml_io.hpp"
#include "mlo/registry/run_record.hpp"

namespace mlo {
namespace {

constexpr const char* kRunsPrefix = "runs/";

bool is_day(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  const int month = std::stoi(s.substr(5, 2));
  const int day = std::stoi(s.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// "runs/2026-11-22/x.yaml" -> "2026-11-22"; "" when the key has no day segment.
std::string key_day(const std::string& key) {
  const size_t start = std::char_traits<char>::length(kRunsPrefix);
  const size_t slash = key.find('/', start);
  return slash == std::string::npos ? "" : key.substr(start, slash - start);
}

std::string key_stem(const std::string& key) {
  const size_t slash = key.rfind('/');
  std::string stem = key.substr(slash == std::string::npos ? 0 : slash + 1);
  if (stem.size() > 5 && stem.ends_with(".yaml")) stem.resize(stem.size() - 5);
  return stem;
}

std::string scalar_or(const YAML::Node& map, const char* field, std::string fallback = "") {
  const YAML::Node n = map[field];
  return n && n.IsScalar() ? n.Scalar() : fallback;
}

// The header's model mapping; kInvalidInput for a record that is not mlo/run/v1.
Result<std::pair<std::string, int64_t>> record_model(const YAML::Node& doc) {
  if (scalar_or(doc, "schema") != kRunSchema)
    return make_error(ErrorCode::kInvalidInput, std::string("not a ") + kRunSchema + " record");
  const YAML::Node model = doc["model"];
  if (model && model.IsMap() && model["name"] && model["name"].IsScalar()) {
    const YAML::Node v = model["version"];
    return std::make_pair(model["name"].Scalar(), v ? v.as<int64_t>() : int64_t{0});
  }
  return make_error(ErrorCode::kInvalidInput, "no model name");
}

void read_files(const YAML::Node& list, std::vector<RunInput>& out) {
  if (!list || !list.IsSequence()) return;
  for (const auto& f : list)
    if (f.IsMap())
      out.push_back({scalar_or(f, "path"), scalar_or(f, "digest"), scalar_or(f, "role")});
}

void read_drift(const YAML::Node& body, RunSummary& run) {
  if (const YAML::Node v = body["verdict"]; v && v.IsMap()) {
    run.headline = scalar_or(v, "headline");
    run.drift = v["drift"] && v["drift"].as<bool>();
    run.quality_failed = v["data_quality_failed"] && v["data_quality_failed"].as<bool>();
    run.performance_degraded = v["performance_degraded"] && v["performance_degraded"].as<bool>();
  }
  if (const YAML::Node fs = body["features"]; fs && fs.IsMap()) {
    for (const auto& kv : fs) {
      const YAML::Node f = kv.second;
      if (!f.IsMap()) throw YAML::Exception(YAML::Mark::null_mark(), "feature entry is not a map");
      run.features.push_back({kv.first.as<std::string>(), scalar_or(f, "method"),
                              f["value"] ? f["value"].as<double>() : 0.0,
                              f["drifted"] && f["drifted"].as<bool>()});
    }
  }
  if (const YAML::Node ms = body["metrics"]; ms && ms.IsMap())
    for (const auto& kv : ms)
      run.metrics.emplace_back(kv.first.as<std::string>(), kv.second.as<double>());
}

void read_score(const YAML::Node& body, RunSummary& run) {
  const YAML::Node rows = body["rows"];
  if (!rows || !rows.IsMap()) return;
  run.rows_in = rows["in"] ? rows["in"].as<uint64_t>() : 0;
  run.rows_out = rows["out"] ? rows["out"].as<uint64_t>() : 0;
  run.rows_skipped = rows["skipped"] ? rows["skipped"].as<uint64_t>() : 0;
}

Result<RunSummary> summarise(const std::string& key, const YAML::Node& doc,
                             const std::pair<std::string, int64_t>& model) {
  RunSummary run;
  run.key = key;
  run.model = model.first;
  run.version = model.second;
  run.manifest_digest = scalar_or(doc["model"], "manifest_digest");
  run.run_id = scalar_or(doc, "id", key_stem(key));
  run.kind = scalar_or(doc, "kind");
  run.time = scalar_or(doc, "started");
  run.finished = scalar_or(doc, "finished");
  run.actor = scalar_or(doc, "actor");
  run.exit_code = doc["exit_code"] ? doc["exit_code"].as<int>() : 0;
  if (run.kind.empty()) return make_error(ErrorCode::kInvalidInput, "no kind");
  if (run.time.empty()) return make_error(ErrorCode::kInvalidInput, "no started time");
  read_files(doc["inputs"], run.inputs);
  read_files(doc["outputs"], run.outputs);
  const YAML::Node body = doc["body"];
  if (body && body.IsMap()) {
    if (run.kind == "drift") read_drift(body, run);
    if (run.kind == "score") read_score(body, run);
  }
  return run;
}

// Errors name the key.
Result<YAML::Node> parse_map(const std::string& key, const std::string& text) {
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(text, key));
  if (!doc.IsMap()) return make_error(ErrorCode::kInvalidInput, key + ": not a YAML mapping");
  return doc;
}

bool keep(const RunSummary& run, const RunQuery& q) {
  if (!q.kind.empty() && run.kind != q.kind) return false;
  if (!q.since.empty() && run.time.substr(0, 10) < q.since) return false;
  if (q.feature.empty()) return true;
  return std::any_of(run.features.begin(), run.features.end(),
                     [&q](const RunFeature& f) { return f.name == q.feature; });
}

Status check_query(const RunQuery& q) {
  if (q.model.empty()) return make_error(ErrorCode::kUsage, "runs: no model name");
  if (!q.kind.empty() && !std::all_of(q.kind.begin(), q.kind.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      }))
    return make_error(
        ErrorCode::kUsage,
        "runs: --kind must be a run kind such as drift or score, not '" + q.kind + "'");
  if (!q.feature.empty() && q.kind == "score")
    return make_error(ErrorCode::kUsage, "runs: --feature applies to drift runs, not --kind score");
  if (!q.since.empty() && !is_day(q.since))
    return make_error(ErrorCode::kUsage, "runs: --since must be YYYY-MM-DD, not '" + q.since + "'");
  return {};
}

}  // namespace

Result<RunSummary> parse_run_record(const std::string& key, const std::string& text) {
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_map(key, text));
  try {
    MLO_ASSIGN_OR_RETURN(auto model, record_model(doc));
    return summarise(key, doc, model);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidInput, e.msg);
  }
}

Result<RunLog> read_run_log(Store& store, const RunQuery& query) {
  MLO_TRY(check_query(query));
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.list(kRunsPrefix));
  RunLog log;
  for (const auto& key : keys) {
    if (!key.ends_with(".yaml")) continue;
    // A record is filed under the day it was written, never before its own time.
    if (!query.since.empty() && key_day(key) < query.since) continue;
    auto text = store.get(key);
    if (!text.ok()) {
      if (text.error().code != ErrorCode::kNotFound)  // removed since the listing: not a problem
        log.problems.push_back(key + ": " + text.error().message);
      continue;
    }
    auto doc = parse_map(key, *text);
    if (!doc.ok()) {  // the message already names the key
      log.problems.push_back(doc.error().message);
      continue;
    }
    try {
      auto model = record_model(*doc);
      if (!model.ok()) {
        log.problems.push_back(key + ": " + model.error().message);
        continue;
      }
      if (model->first != query.model) continue;
      auto run = summarise(key, *doc, *model);
      if (!run.ok()) {
        log.problems.push_back(key + ": " + run.error().message);
        continue;
      }
      if (keep(*run, query)) log.runs.push_back(std::move(*run));
    } catch (const YAML::Exception& e) {
      log.problems.push_back(key + ": " + e.msg);
    }
  }
  std::stable_sort(log.runs.begin(), log.runs.end(), [](const RunSummary& a, const RunSummary& b) {
    return std::tie(a.time, a.run_id, a.key) < std::tie(b.time, b.run_id, b.key);
  });
  if (query.limit > 0 && log.runs.size() > query.limit)
    log.runs.erase(log.runs.begin(), log.runs.end() - static_cast<std::ptrdiff_t>(query.limit));
  if (!query.feature.empty()) {
    for (auto& run : log.runs)
      std::erase_if(run.features,
                    [&query](const RunFeature& f) { return f.name != query.feature; });
  }
  return log;
}

}  // namespace mlo

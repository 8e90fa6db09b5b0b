#include "mlo/retrain/drift_gate.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mlo::retrain {

namespace {

using nlohmann::json;

Error malformed(const std::string& path, const std::string& why) {
  return make_error(ErrorCode::kInvalidInput, "drift report " + path + ": " + why);
}

Result<bool> get_bool(const json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_boolean())
    return malformed(path, fmt::format("verdict.{}: expected true or false", key));
  return it->get<bool>();
}

Result<int64_t> get_int(const json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer())
    return malformed(path, fmt::format("{}: expected an integer", key));
  return it->get<int64_t>();
}

}  // namespace

std::string DriftVerdict::describe(const std::string& path) const {
  std::string what;
  if (drift) what = "data drift";
  if (performance_degraded) what += std::string(what.empty() ? "" : " and ") + "degraded quality";
  if (what.empty()) what = "no drift";
  return fmt::format("{} found in {} ({} of {} features drifted{})", what, path, drifted_features,
                     features, data_quality_failed ? "; data quality checks failed" : "");
}

Result<DriftVerdict> read_drift_verdict(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT)
      return make_error(ErrorCode::kNotFound, "drift report " + path + ": no such file");
    return malformed(path, std::strerror(err));
  }
  std::ostringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return malformed(path, "not valid JSON");
  if (!doc.is_object()) return malformed(path, "expected a JSON object");
  auto verdict = doc.find("verdict");
  if (verdict == doc.end() || !verdict->is_object())
    return malformed(path, "no 'verdict' object (is it a `drift --report` JSON file?)");
  DriftVerdict v;
  auto model = doc.find("model");
  if (model == doc.end() || !model->is_string()) return malformed(path, "model: expected a name");
  v.model = model->get<std::string>();
  MLO_ASSIGN_OR_RETURN(v.version, get_int(doc, "version", path));
  MLO_ASSIGN_OR_RETURN(v.drift, get_bool(*verdict, "drift", path));
  MLO_ASSIGN_OR_RETURN(v.data_quality_failed, get_bool(*verdict, "data_quality_failed", path));
  MLO_ASSIGN_OR_RETURN(v.performance_degraded, get_bool(*verdict, "performance_degraded", path));
  MLO_ASSIGN_OR_RETURN(v.drifted_features, get_int(*verdict, "drifted_features", path));
  MLO_ASSIGN_OR_RETURN(v.features, get_int(*verdict, "features", path));
  return v;
}

}  // namespace mlo::retrain

#include "mlo/registry/manifest_json.hpp"

namespace mlo {
namespace {

nlohmann::json data_ref_json(const DataRef& d) {
  nlohmann::json j = nlohmann::json::object();
  if (!d.digest.empty()) j["digest"] = d.digest;
  if (d.rows) j["rows"] = d.rows;
  if (!d.source.empty()) j["source"] = d.source;
  return j;
}

}  // namespace

nlohmann::json manifest_to_json(const ModelVersion& mv) {
  nlohmann::json j;
  j["apiVersion"] = kApiVersion;
  j["kind"] = "ModelVersion";
  j["name"] = mv.name;
  j["version"] = mv.version;
  j["created"] = mv.created;
  j["created_by"] = mv.created_by;
  j["task"] = mv.task;
  j["status"] = mv.status;
  j["artifacts"] = nlohmann::json::object();
  for (const auto& [key, a] : mv.artifacts)
    j["artifacts"][key] = {{"digest", a.digest}, {"size", a.size}, {"media_type", a.media_type}};
  nlohmann::json features = nlohmann::json::array();
  for (const auto& f : mv.features) features.push_back({{"name", f.name}, {"type", f.type}});
  j["schema"] = {{"features", features}};
  if (!mv.target.empty()) j["schema"]["target"] = {{"name", mv.target}};
  if (!mv.passthrough.empty()) j["schema"]["passthrough"] = mv.passthrough;
  nlohmann::json training = nlohmann::json::object();
  if (mv.training_data) training["data"] = data_ref_json(*mv.training_data);
  if (!mv.params.empty()) training["params"] = mv.params;
  if (mv.eval_data || !mv.metrics.empty() || mv.champion) {
    training["eval"] = nlohmann::json::object();
    if (mv.eval_data) training["eval"]["data"] = data_ref_json(*mv.eval_data);
    if (!mv.metrics.empty()) training["eval"]["metrics"] = mv.metrics;
    if (mv.champion)
      training["eval"]["champion"] = {{"alias", mv.champion->alias},
                                      {"version", mv.champion->version},
                                      {"manifest", mv.champion->manifest},
                                      {"metrics", mv.champion->metrics}};
  }
  if (mv.parent) training["parent"] = *mv.parent;
  if (!training.empty()) j["training"] = training;
  j["environment"] = mv.environment;
  j["labels"] = mv.labels;
  return j;
}

nlohmann::json event_to_json(const Event& event) {
  nlohmann::json j;
  j["number"] = event.number;
  j["type"] = event.type;
  j["time"] = event.time;
  j["actor"] = event.actor;
  j["previous"] = event.previous;
  j["fields"] = event.fields;
  return j;
}

nlohmann::json alias_to_json(const AliasRecord& alias) {
  nlohmann::json j = {{"alias", alias.alias},
                      {"version", alias.version},
                      {"manifest", alias.manifest},
                      {"event", alias.event},
                      {"id", alias.id},
                      {"type", alias.type},
                      {"actor", alias.actor},
                      {"time", alias.time},
                      {"reason", alias.reason}};
  if (alias.previous_version > 0) {
    j["previous_version"] = alias.previous_version;
    j["previous_manifest"] = alias.previous_manifest;
  } else {
    j["previous_version"] = nullptr;
  }
  return j;
}

}  // namespace mlo

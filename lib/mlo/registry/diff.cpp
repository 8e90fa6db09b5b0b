#include "mlo/registry/diff.hpp"

#include <set>

#include <fmt/format.h>

namespace mlo {
namespace {

class Differ {
 public:
  void field(const std::string& name, const std::string& a, const std::string& b) {
    if (a != b) out_.push_back({name, a, b});
  }

  template <typename Map, typename Format>
  void map(const std::string& prefix, const Map& a, const Map& b, Format format) {
    std::set<std::string> keys;
    for (const auto& kv : a) keys.insert(kv.first);
    for (const auto& kv : b) keys.insert(kv.first);
    for (const auto& key : keys) {
      auto ia = a.find(key);
      auto ib = b.find(key);
      field(prefix + "." + key, ia == a.end() ? "" : format(ia->second),
            ib == b.end() ? "" : format(ib->second));
    }
  }

  std::vector<FieldDiff> take() { return std::move(out_); }

 private:
  std::vector<FieldDiff> out_;
};

std::string artifact_text(const Artifact& a) {
  return a.digest + " (" + std::to_string(a.size) + " bytes)";
}
std::string feature_text(const FeatureSpec& f) {
  return f.name + " (" + f.type + ")";
}
std::string data_text(const std::optional<DataRef>& d) {
  if (!d) return "";
  std::string s = d->digest;
  if (d->rows) s += fmt::format(" ({} rows)", d->rows);
  if (!d->source.empty()) s += " " + d->source;
  return s;
}
std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : ", ") + item;
  return s;
}

void diff_features(Differ& d, const ModelVersion& a, const ModelVersion& b) {
  d.field("schema.feature_count", std::to_string(a.features.size()),
          std::to_string(b.features.size()));
  const size_t n = std::max(a.features.size(), b.features.size());
  for (size_t i = 0; i < n; ++i) {
    d.field("schema.features[" + std::to_string(i) + "]",
            i < a.features.size() ? feature_text(a.features[i]) : "",
            i < b.features.size() ? feature_text(b.features[i]) : "");
  }
}

}  // namespace

std::vector<FieldDiff> diff_versions(const ModelVersion& a, const ModelVersion& b) {
  Differ d;
  d.field("name", a.name, b.name);
  d.field("version", std::to_string(a.version), std::to_string(b.version));
  d.field("created", a.created, b.created);
  d.field("created_by", a.created_by, b.created_by);
  d.field("task", a.task, b.task);
  d.field("status", a.status, b.status);
  d.map("artifacts", a.artifacts, b.artifacts, artifact_text);
  diff_features(d, a, b);
  d.field("schema.target", a.target, b.target);
  d.field("schema.passthrough", join(a.passthrough), join(b.passthrough));
  d.field("training.data", data_text(a.training_data), data_text(b.training_data));
  d.field("training.eval.data", data_text(a.eval_data), data_text(b.eval_data));
  d.field("training.parent", a.parent ? std::to_string(*a.parent) : "",
          b.parent ? std::to_string(*b.parent) : "");
  d.map("params", a.params, b.params, [](const std::string& v) { return v; });
  d.map("metrics", a.metrics, b.metrics, [](double v) { return fmt::format("{}", v); });
  d.map("environment", a.environment, b.environment, [](const std::string& v) { return v; });
  d.map("labels", a.labels, b.labels, [](const std::string& v) { return v; });
  return d.take();
}

}  // namespace mlo

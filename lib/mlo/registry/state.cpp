#include "mlo/registry/state.hpp"

#include <algorithm>

namespace mlo {

int64_t event_version(const Event& event) {
  auto it = event.fields.find("version");
  if (it == event.fields.end() || it->second.empty() || it->second.size() > 15) return 0;
  int64_t n = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

VersionState derive_state(const ModelVersion& mv, const std::vector<Event>& events) {
  VersionState s;
  s.version = mv.version;
  s.labels = mv.labels;
  for (const auto& e : events) {
    if (event_version(e) != mv.version) continue;
    if (e.type == "approved") {
      if (std::find(s.approvers.begin(), s.approvers.end(), e.actor) == s.approvers.end())
        s.approvers.push_back(e.actor);
      if (s.status == "candidate") s.status = "approved";
    } else if (e.type == "rejected") {
      s.status = "rejected";
    } else if (e.type == "archived") {
      s.status = "archived";
    } else if (e.type == "annotated") {
      for (const auto& [k, v] : e.fields) {
        if (k.rfind(kLabelFieldPrefix, 0) != 0) continue;
        const std::string label = k.substr(std::string(kLabelFieldPrefix).size());
        if (v.empty())
          s.labels.erase(label);
        else
          s.labels[label] = v;
      }
      if (auto d = e.fields.find("description"); d != e.fields.end()) s.description = d->second;
    }
  }
  return s;
}

}  // namespace mlo

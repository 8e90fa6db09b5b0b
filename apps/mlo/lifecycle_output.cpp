#include "lifecycle_output.hpp"

#include <iostream>

#include "mlo/registry/manifest_json.hpp"
#include "output.hpp"

namespace mlo::cli {

nlohmann::json review_to_json(const ReviewResult& r) {
  return {{"ref", r.name + ":" + std::to_string(r.version)},
          {"name", r.name},
          {"version", r.version},
          {"status", r.state.status},
          {"approvers", r.state.approvers},
          {"labels", r.state.labels},
          {"description", r.state.description},
          {"event", event_to_json(r.event)}};
}

void print_review(const Context& ctx, const std::string& verb, const ReviewResult& r) {
  if (ctx.global.json) {
    print_json(review_to_json(r));
    return;
  }
  std::cout << r.name << ":" << r.version << " " << verb << " by " << r.event.actor << " (event "
            << r.event.number << "); status " << r.state.status << "\n";
}

nlohmann::json gates_to_json(const std::vector<GateResult>& gates) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& g : gates)
    list.push_back({{"gate", g.name}, {"passed", g.passed}, {"detail", g.detail}});
  return list;
}

Error command_error(const std::string& what, const Error& e) {
  return make_error(e.code, what + ": " + e.message);
}

}  // namespace mlo::cli

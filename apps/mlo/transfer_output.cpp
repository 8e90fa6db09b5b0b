#include "transfer_output.hpp"

#include <iostream>

#include <fmt/format.h>

#include "output.hpp"

namespace mlo::cli {
namespace {

nlohmann::json count_json(const CopyCount& c, bool with_kept = false) {
  nlohmann::json j = {{"copied", c.copied}, {"present", c.present}};
  if (with_kept) j["kept"] = c.kept;
  return j;
}

std::string count_text(const char* what, const CopyCount& c) {
  std::string s = fmt::format("{} {} copied, {} present", what, c.copied, c.present);
  if (c.kept) s += fmt::format(", {} kept (destination ahead)", c.kept);
  return s;
}

}  // namespace

nlohmann::json copy_result_json(const CopyResult& r) {
  return {{"name", r.name},
          {"blobs", count_json(r.blobs)},
          {"manifests", count_json(r.manifests)},
          {"events", count_json(r.events)},
          {"aliases", count_json(r.aliases, true)},
          {"bytes_copied", r.bytes_copied},
          {"bytes_total", r.bytes_total},
          {"written", r.written}};
}

void print_copy_results(const Context& ctx, const std::string& from, const std::string& to,
                        bool dry_run, const std::vector<CopyResult>& results) {
  uint64_t bytes = 0;
  for (const auto& r : results) bytes += r.bytes_copied;
  if (ctx.global.json) {
    nlohmann::json models = nlohmann::json::array();
    for (const auto& r : results) models.push_back(copy_result_json(r));
    print_json({{"from", from},
                {"to", to},
                {"dry_run", dry_run},
                {"models", models},
                {"bytes_copied", bytes}});
    return;
  }
  for (const auto& r : results)
    std::cout << fmt::format("{}: {}; {}; {}; {}; {} blob bytes copied\n", r.name,
                             count_text("blobs", r.blobs), count_text("manifests", r.manifests),
                             count_text("events", r.events), count_text("aliases", r.aliases),
                             r.bytes_copied);
  if (dry_run) info("dry run: " + from + " -> " + to + ": nothing written");
}

}  // namespace mlo::cli

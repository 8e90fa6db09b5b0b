// Rendering shared by push, pull, copy and import: typed copy results -> lines for people or
// one JSON document.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "mlo/transfer/copy.hpp"

namespace mlo::cli {

nlohmann::json copy_result_json(const CopyResult& r);
// {"from", "to", "dry_run", "models": [...], "bytes_copied"} on stdout, or one line per model.
void print_copy_results(const Context& ctx, const std::string& from, const std::string& to,
                        bool dry_run, const std::vector<CopyResult>& results);

}  // namespace mlo::cli

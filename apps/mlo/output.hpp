// stdout is data, stderr is talk.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mlo::cli {

// One document, pretty, on stdout. An object gets "schema": "mlo/v1/<kind>" (set_json_kind,
// the command's name, set once in main) unless it carries its own.
void print_json(const nlohmann::json& doc);
void set_json_kind(const std::string& kind);
// A plain aligned table on stdout: header row, then rows.
void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);
void info(const std::string& line);   // stderr, unless -q
void set_quiet(bool quiet);

}  // namespace mlo::cli

// stdout is data, stderr is talk.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mlo::cli {

void print_json(const nlohmann::json& doc);  // one document, pretty, on stdout
// A plain aligned table on stdout: header row, then rows.
void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);
void info(const std::string& line);   // stderr, unless -q
void set_quiet(bool quiet);

}  // namespace mlo::cli

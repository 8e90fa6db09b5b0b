#include "output.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace mlo::cli {
namespace {
bool g_quiet = false;
std::string g_json_kind;
}  // namespace

void set_quiet(bool quiet) {
  g_quiet = quiet;
}
void set_json_kind(const std::string& kind) {
  g_json_kind = kind;
}

// Invalid UTF-8 in a value (from input data) becomes U+FFFD instead of throwing mid-output.
void print_json(const nlohmann::json& doc) {
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  if (doc.is_object() && !g_json_kind.empty() && !doc.contains("schema")) {
    nlohmann::json tagged = doc;
    tagged["schema"] = "mlo/v1/" + g_json_kind;
    std::cout << tagged.dump(2, ' ', false, kReplace) << '\n';
    return;
  }
  std::cout << doc.dump(2, ' ', false, kReplace) << '\n';
}

void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], row[i].size());
  };
  widen(header);
  for (const auto& row : rows) widen(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    std::cout << line << '\n';
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
}

void info(const std::string& line) {
  if (!g_quiet) std::cerr << line << '\n';
}

}  // namespace mlo::cli

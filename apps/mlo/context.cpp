#include <unistd.h>
#include <cstdlib>
#include <string_view>

#include <algorithm>
#include <cctype>
#include <thread>

#include "command.hpp"
#include "mlo/core/config.hpp"
#include "mlo/core/text.hpp"
#include "mlo/registry/store_init.hpp"

namespace mlo::cli {

Result<std::unique_ptr<Store>> Context::open_store(bool require_init) const {
  MLO_ASSIGN_OR_RETURN(Settings settings, resolve_settings(global.store, global.notify));
  MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, mlo::open_store(settings.store));
  if (require_init) MLO_TRY(check_store_marker(*store));
  return store;
}

CLI::Option* add_threads_option(CLI::App& app, int& threads, const std::string& description) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return app.add_option("--threads", threads, description)
      ->check(CLI::Range(1, static_cast<int>(4 * cores)));
}

Result<std::map<std::string, std::string>> parse_key_values(const std::vector<std::string>& items,
                                                            const std::string& flag) {
  auto usage = [&](const std::string& what, const std::string& why) {
    return make_error(ErrorCode::kUsage, flag + " " + quote_value(what) + ": " + why);
  };
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) return usage(item, "expected KEY=VALUE");
    std::string key = item.substr(0, eq);
    if (key.empty()) return usage(item, "empty key");
    for (char c : key)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' &&
          c != '/')
        return usage(item, "key may only hold letters, digits, '_', '-', '.' and '/'");
    if (!out.emplace(key, item.substr(eq + 1)).second) return usage(key, "given twice");
  }
  return out;
}

std::string closest_name(const std::string& word, const std::vector<std::string>& candidates) {
  // Levenshtein distance with one row; names are short.
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;  // farther than this is no typo
  for (const auto& c : candidates) {
    size_t d = distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

bool Context::show_progress() const {
  const char* ci = std::getenv("CI");  // CI logs are not terminals even when they pretend
  return !global.no_progress && !global.quiet && isatty(STDERR_FILENO) != 0 &&
         (ci == nullptr || *ci == '\0' || std::string_view(ci) == "false");
}

}  // namespace mlo::cli

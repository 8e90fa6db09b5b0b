#include "mlo/core/config.hpp"

#include <cstdlib>
#include <filesystem>

#include "mlo/core/yaml_io.hpp"

namespace mlo {
namespace fs = std::filesystem;

namespace {

// Nearest .mlo.yaml from the working directory upwards, if any.
std::optional<fs::path> find_project_config() {
  std::error_code ec;
  fs::path dir = fs::current_path(ec);
  if (ec) return std::nullopt;
  for (;;) {
    fs::path candidate = dir / ".mlo.yaml";
    if (fs::is_regular_file(candidate, ec)) return candidate;
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

bool is_url(const std::string& s) { return s.find("://") != std::string::npos; }

}  // namespace

Result<Settings> resolve_settings(const std::optional<std::string>& flag_store,
                                  const std::optional<std::string>& flag_notify) {
  Settings settings;
  if (auto config = find_project_config()) {
    MLO_ASSIGN_OR_RETURN(YAML::Node doc, load_yaml_file(config->string()));
    if (doc.IsMap() && doc["store"]) {
      if (!doc["store"].IsScalar())
        return make_error(ErrorCode::kInvalidInput, config->string() + ": 'store' must be a string");
      std::string store = doc["store"].as<std::string>();
      if (!is_url(store) && fs::path(store).is_relative()) store = (config->parent_path() / store).string();
      settings.store = store;
      settings.store_source = config->string();
    }
    if (doc.IsMap() && doc["notify"] && !doc["notify"].IsNull()) {
      YAML::Emitter flow;  // one line, so `mlo config` can show it in a table
      flow << YAML::Flow << doc["notify"];
      settings.notify = flow.c_str();
      settings.notify_source = config->string();
    }
  }
  if (const char* env = std::getenv("MLO_STORE"); env && *env) {
    settings.store = env;
    settings.store_source = "MLO_STORE";
  }
  if (const char* env = std::getenv("MLO_NOTIFY_URL"); env && *env) {
    settings.notify = env;
    settings.notify_source = "MLO_NOTIFY_URL";
  }
  if (flag_notify) {
    if (flag_notify->empty()) return make_error(ErrorCode::kUsage, "--notify: empty value");
    settings.notify = *flag_notify;
    settings.notify_source = "--notify";
  }
  if (flag_store) {
    if (flag_store->empty()) return make_error(ErrorCode::kUsage, "--store: empty value");
    settings.store = *flag_store;
    settings.store_source = "--store";
  }
  return settings;
}

}  // namespace mlo

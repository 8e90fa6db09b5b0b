#include <cctype>

#include "mlo/core/time.hpp"
#include "mlo/core/yaml_io.hpp"
#include "mlo/registry/registry.hpp"

namespace mlo {
namespace {

bool is_safe_run_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

}  // namespace

Result<std::string> write_run_record(Store& store, const std::string& yaml_text) {
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(yaml_text, "run record"));
  if (!doc.IsMap()) return make_error(ErrorCode::kInvalidInput, "run record: not a YAML mapping");
  // A record that names its own run_id (score-batch prints it) is stored under that id, so
  // the id a user sees and the record's key agree.
  if (doc["run_id"] && doc["run_id"].IsScalar()) {
    std::string id = doc["run_id"].as<std::string>();
    if (!is_safe_run_id(id)) return make_error(ErrorCode::kInvalidInput, "run record: bad run_id '" + id + "'");
    std::string key = "runs/" + today_utc() + "/" + id + ".yaml";
    MLO_TRY(store.put_new(key, yaml_text));
    return key;
  }
  // Run ids carry 32 random bits; a collision is retried with a fresh id.
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string key = "runs/" + today_utc() + "/" + new_run_id() + ".yaml";
    Status put = store.put_new(key, yaml_text);
    if (put.ok()) return key;
    if (put.error().code != ErrorCode::kConflict) return put.error();
  }
  return make_error(ErrorCode::kConflict, "run record: could not allocate a unique run id");
}

}  // namespace mlo

#include "mlo/core/time.hpp"
#include "mlo/core/yaml_io.hpp"
#include "mlo/registry/registry.hpp"

namespace mlo {

Result<std::string> write_run_record(Store& store, const std::string& yaml_text) {
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(yaml_text, "run record"));
  if (!doc.IsMap()) return make_error(ErrorCode::kInvalidInput, "run record: not a YAML mapping");
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

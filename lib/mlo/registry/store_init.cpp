#include "mlo/registry/store_init.hpp"

#include <yaml-cpp/yaml.h>

#include "mlo/core/time.hpp"
#include "mlo/core/yaml_io.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/manifest.hpp"

namespace mlo {
namespace {

Result<StoreInfo> decode(const YAML::Node& doc, const std::string& what) {
  if (!doc.IsMap()) return make_error(ErrorCode::kInvalidInput, what + ": not a mapping");
  MLO_ASSIGN_OR_RETURN(std::string api, require_string(doc, "apiVersion", what));
  if (api != kApiVersion)
    return make_error(ErrorCode::kInvalidInput, what + ": unsupported apiVersion '" + api + "'");
  MLO_ASSIGN_OR_RETURN(std::string kind, require_string(doc, "kind", what));
  if (kind != "Store")
    return make_error(ErrorCode::kInvalidInput, what + ": kind is '" + kind + "', expected Store");
  StoreInfo info;
  MLO_ASSIGN_OR_RETURN(long long format, require_int(doc, "format", what));
  if (format != kStoreFormat)
    return make_error(ErrorCode::kInvalidInput, what + ": store format " + std::to_string(format) +
                                                    " is not supported (this mlo reads format " +
                                                    std::to_string(kStoreFormat) + ")");
  info.format = static_cast<int>(format);
  MLO_ASSIGN_OR_RETURN(info.digest, require_string(doc, "digest", what));
  if (info.digest != "sha256")
    return make_error(ErrorCode::kInvalidInput,
                      what + ": digest algorithm '" + info.digest + "' is not supported");
  MLO_ASSIGN_OR_RETURN(info.created, require_string(doc, "created", what));
  return info;
}

}  // namespace

Result<StoreInfo> parse_store_info(const std::string& text) {
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(text, kStoreMarkerKey));
  try {
    return decode(doc, kStoreMarkerKey);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidInput, std::string(kStoreMarkerKey) + ": " + e.msg);
  }
}

std::string store_info_yaml(const StoreInfo& info) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << kApiVersion;
  out << YAML::Key << "kind" << YAML::Value << "Store";
  out << YAML::Key << "format" << YAML::Value << info.format;
  out << YAML::Key << "digest" << YAML::Value << info.digest;
  out << YAML::Key << "created" << YAML::Value << info.created;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

Result<StoreInfo> check_store_marker(Store& store) {
  auto bytes = store.get(kStoreMarkerKey);
  if (!bytes.ok()) {
    if (bytes.error().code != ErrorCode::kNotFound) return bytes.error();
    return make_error(ErrorCode::kNotFound, "store " + store.url() + ": not an mlo store (no " +
                                                kStoreMarkerKey + "); run 'mlo init'");
  }
  auto info = parse_store_info(*bytes);
  if (!info.ok()) return make_error(info.error().code, "store " + store.url() + ": " + info.error().message);
  return info;
}

Result<InitResult> init_store(Store& store) {
  InitResult result;
  auto existing = store.get(kStoreMarkerKey);
  if (!existing.ok() && existing.error().code != ErrorCode::kNotFound) return existing.error();
  if (existing.ok()) {
    MLO_ASSIGN_OR_RETURN(result.info, parse_store_info(*existing));
    return result;
  }
  result.info.created = now_rfc3339();
  Status put = store.put_new(kStoreMarkerKey, store_info_yaml(result.info));
  if (put.ok()) {
    result.created = true;
    return result;
  }
  if (put.error().code != ErrorCode::kConflict) return put.error();
  // Lost a race with another `mlo init`: the winner's marker stands.
  MLO_ASSIGN_OR_RETURN(std::string bytes, store.get(kStoreMarkerKey));
  MLO_ASSIGN_OR_RETURN(result.info, parse_store_info(bytes));
  return result;
}

}  // namespace mlo

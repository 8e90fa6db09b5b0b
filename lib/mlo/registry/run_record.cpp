#include "mlo/registry/run_record.hpp"

#include <cctype>
#include <filesystem>

#include "mlo/core/time.hpp"
#include "mlo/core/yaml_io.hpp"
#include "mlo/registry/registry.hpp"

namespace mlo {
namespace {

bool is_safe_word(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

void emit_files(YAML::Emitter& out, const char* key, const std::vector<RunFile>& files) {
  out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const auto& f : files) {
    out << YAML::BeginMap;
    out << YAML::Key << "role" << YAML::Value << f.role;
    out << YAML::Key << "path" << YAML::Value << f.path;
    if (!f.digest.empty()) out << YAML::Key << "digest" << YAML::Value << f.digest;
    if (f.bytes) out << YAML::Key << "bytes" << YAML::Value << f.bytes;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

Result<std::string> put_record(Store& store, const std::string& id, const std::string& text) {
  std::string key = "runs/" + today_utc() + "/" + id + ".yaml";
  MLO_TRY(store.put_new(key, text));
  return key;
}

}  // namespace

std::string absolute_path(const std::string& path) {
  if (path.empty() || path == "-" || path.find("://") != std::string::npos) return path;
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

Result<std::string> run_record_yaml(RunHeader& h, const YAML::Node& body) {
  if (!is_safe_word(h.kind))
    return make_error(ErrorCode::kInvalidInput, "run record: bad kind '" + h.kind + "'");
  if (h.id.empty()) h.id = new_run_id();
  if (!is_safe_word(h.id))
    return make_error(ErrorCode::kInvalidInput, "run record: bad id '" + h.id + "'");
  if (body && !body.IsNull() && !body.IsMap())
    return make_error(ErrorCode::kInvalidInput, "run record: the body is not a mapping");
  if (h.finished.empty()) h.finished = now_rfc3339();
  if (h.started.empty()) h.started = h.finished;
  if (h.actor.empty()) h.actor = current_actor();
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "schema" << YAML::Value << kRunSchema;
  out << YAML::Key << "kind" << YAML::Value << h.kind;
  out << YAML::Key << "id" << YAML::Value << h.id;
  out << YAML::Key << "started" << YAML::Value << h.started;
  out << YAML::Key << "finished" << YAML::Value << h.finished;
  out << YAML::Key << "actor" << YAML::Value << h.actor;
  out << YAML::Key << "exit_code" << YAML::Value << h.exit_code;
  out << YAML::Key << "model" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "ref" << YAML::Value << h.model.ref;
  out << YAML::Key << "name" << YAML::Value << h.model.name;
  out << YAML::Key << "version" << YAML::Value << h.model.version;
  out << YAML::Key << "manifest_digest" << YAML::Value << h.model.manifest_digest;
  out << YAML::EndMap;
  emit_files(out, "inputs", h.inputs);
  emit_files(out, "outputs", h.outputs);
  out << YAML::Key << "body" << YAML::Value;
  if (body && body.IsMap())
    out << body;
  else
    out << YAML::BeginMap << YAML::EndMap;
  out << YAML::EndMap;
  if (!out.good()) return make_error(ErrorCode::kInvalidInput, "run record: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

Result<std::string> write_run_record(Store& store, RunHeader header, const YAML::Node& body) {
  const bool fixed_id = !header.id.empty();
  for (int attempt = 0; attempt < 8; ++attempt) {
    if (!fixed_id) header.id.clear();
    MLO_ASSIGN_OR_RETURN(std::string text, run_record_yaml(header, body));
    auto key = put_record(store, header.id, text);
    if (key.ok() || fixed_id || key.error().code != ErrorCode::kConflict) return key;
  }  // run ids carry 32 random bits; a collision is retried with a fresh id
  return make_error(ErrorCode::kConflict, "run record: could not allocate a unique run id");
}

// The text form (kept for callers that build their own YAML): the text must already be a
// mlo/run/v1 mapping; it is stored under its `id`.
Result<std::string> write_run_record(Store& store, const std::string& yaml_text) {
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(yaml_text, "run record"));
  if (!doc.IsMap()) return make_error(ErrorCode::kInvalidInput, "run record: not a YAML mapping");
  if (!doc["schema"] || !doc["schema"].IsScalar() || doc["schema"].Scalar() != kRunSchema)
    return make_error(ErrorCode::kInvalidInput,
                      std::string("run record: not a ") + kRunSchema + " record");
  const std::string id = doc["id"] && doc["id"].IsScalar() ? doc["id"].Scalar() : "";
  if (!is_safe_word(id))
    return make_error(ErrorCode::kInvalidInput, "run record: bad id '" + id + "'");
  return put_record(store, id, yaml_text);
}

}  // namespace mlo

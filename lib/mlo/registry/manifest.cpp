#include "mlo/registry/manifest.hpp"

#include <cmath>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "mlo/core/digest.hpp"
#include "mlo/core/yaml_io.hpp"
#include "mlo/registry/yaml_fields.hpp"

namespace mlo {
namespace {

using Emitter = YAML::Emitter;

// Shortest text that reads back as the same double ("0.73", not "0.72999999999999998").
std::string format_double(double v) {
  return fmt::format("{}", v);
}

void emit_string_map(Emitter& out, const char* key, const std::map<std::string, std::string>& map) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [k, v] : map) out << YAML::Key << k << YAML::Value << v;
  out << YAML::EndMap;
}

void emit_metrics(Emitter& out, const std::map<std::string, double>& metrics) {
  out << YAML::Flow << YAML::BeginMap;
  for (const auto& [k, v] : metrics) out << YAML::Key << k << YAML::Value << format_double(v);
  out << YAML::EndMap;
}

void emit_data_ref(Emitter& out, const DataRef& ref) {
  out << YAML::Flow << YAML::BeginMap;
  if (!ref.digest.empty()) out << YAML::Key << "digest" << YAML::Value << ref.digest;
  if (ref.rows != 0) out << YAML::Key << "rows" << YAML::Value << ref.rows;
  if (!ref.source.empty()) out << YAML::Key << "source" << YAML::Value << ref.source;
  out << YAML::EndMap;
}

void emit_artifacts(Emitter& out, const std::map<std::string, Artifact>& artifacts) {
  out << YAML::Key << "artifacts" << YAML::Value;
  if (artifacts.empty()) {
    out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
    return;
  }
  out << YAML::BeginMap;
  for (const auto& [key, a] : artifacts) {
    out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "digest" << YAML::Value << a.digest;
    out << YAML::Key << "size" << YAML::Value << a.size;
    out << YAML::Key << "media_type" << YAML::Value << a.media_type;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void emit_schema(Emitter& out, const ModelVersion& mv) {
  out << YAML::Key << "schema" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "features" << YAML::Value;
  if (mv.features.empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
  } else {
    out << YAML::BeginSeq;
    for (const auto& f : mv.features) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << f.name
          << YAML::Key << "type" << YAML::Value << f.type << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!mv.target.empty()) {
    out << YAML::Key << "target" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
        << "name" << YAML::Value << mv.target << YAML::EndMap;
  }
  if (!mv.passthrough.empty()) {
    out << YAML::Key << "passthrough" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& p : mv.passthrough) out << p;
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

bool has_training(const ModelVersion& mv) {
  return mv.training_data || !mv.params.empty() || mv.eval_data || !mv.metrics.empty() ||
         mv.parent || mv.champion;
}

void emit_training(Emitter& out, const ModelVersion& mv) {
  out << YAML::Key << "training" << YAML::Value << YAML::BeginMap;
  if (mv.training_data) {
    out << YAML::Key << "data" << YAML::Value;
    emit_data_ref(out, *mv.training_data);
  }
  if (!mv.params.empty()) emit_string_map(out, "params", mv.params);
  if (mv.eval_data || !mv.metrics.empty() || mv.champion) {
    out << YAML::Key << "eval" << YAML::Value << YAML::Flow << YAML::BeginMap;
    if (mv.eval_data) {
      out << YAML::Key << "data" << YAML::Value;
      emit_data_ref(out, *mv.eval_data);
    }
    if (!mv.metrics.empty()) {
      out << YAML::Key << "metrics" << YAML::Value;
      emit_metrics(out, mv.metrics);
    }
    if (mv.champion) {
      out << YAML::Key << "champion" << YAML::Value << YAML::Flow << YAML::BeginMap;
      if (!mv.champion->alias.empty())
        out << YAML::Key << "alias" << YAML::Value << mv.champion->alias;
      out << YAML::Key << "version" << YAML::Value << mv.champion->version;
      if (!mv.champion->manifest.empty())
        out << YAML::Key << "manifest" << YAML::Value << mv.champion->manifest;
      out << YAML::Key << "metrics" << YAML::Value;
      emit_metrics(out, mv.champion->metrics);
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  if (mv.parent) out << YAML::Key << "parent" << YAML::Value << *mv.parent;
  out << YAML::EndMap;
}

bool is_one_of(const std::string& value, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (value == a) return true;
  return false;
}

Result<Artifact> decode_artifact(const YAML::Node& node, const std::string& what) {
  if (!node.IsMap()) return make_error(ErrorCode::kInvalidInput, what + ": must be a mapping");
  Artifact a;
  MLO_ASSIGN_OR_RETURN(a.digest, require_string(node, "digest", what));
  if (!is_valid_digest(a.digest))
    return make_error(ErrorCode::kInvalidInput,
                      what + ": field 'digest': not a sha256 digest: '" + a.digest + "'");
  MLO_ASSIGN_OR_RETURN(long long size, require_int(node, "size", what));
  if (size < 0) return make_error(ErrorCode::kInvalidInput, what + ": field 'size': negative");
  a.size = static_cast<uint64_t>(size);
  MLO_ASSIGN_OR_RETURN(a.media_type, optional_string(node, "media_type", what));
  return a;
}

Result<DataRef> decode_data_ref(const YAML::Node& node, const std::string& what) {
  if (!node.IsMap()) return make_error(ErrorCode::kInvalidInput, what + ": must be a mapping");
  DataRef ref;
  MLO_ASSIGN_OR_RETURN(ref.digest, optional_string(node, "digest", what));
  if (!ref.digest.empty() && !is_valid_digest(ref.digest))
    return make_error(ErrorCode::kInvalidInput, what + ": field 'digest': not a sha256 digest");
  MLO_ASSIGN_OR_RETURN(long long rows, optional_int(node, "rows", what, 0));
  if (rows < 0) return make_error(ErrorCode::kInvalidInput, what + ": field 'rows': negative");
  ref.rows = static_cast<uint64_t>(rows);
  MLO_ASSIGN_OR_RETURN(ref.source, optional_string(node, "source", what));
  return ref;
}

Status decode_schema(const YAML::Node& doc, ModelVersion& mv, const std::string& what) {
  MLO_ASSIGN_OR_RETURN(YAML::Node schema, require_field(doc, "schema", what));
  if (!schema.IsMap())
    return make_error(ErrorCode::kInvalidInput, what + ": field 'schema': must be a mapping");
  MLO_ASSIGN_OR_RETURN(YAML::Node features, require_field(schema, "features", what + ": schema"));
  if (!features.IsSequence())
    return make_error(ErrorCode::kInvalidInput, what + ": schema.features: must be a sequence");
  for (size_t i = 0; i < features.size(); ++i) {
    const std::string where = what + ": schema.features[" + std::to_string(i) + "]";
    if (!features[i].IsMap())
      return make_error(ErrorCode::kInvalidInput, where + ": must be a mapping");
    FeatureSpec f;
    MLO_ASSIGN_OR_RETURN(f.name, require_string(features[i], "name", where));
    MLO_ASSIGN_OR_RETURN(f.type, require_string(features[i], "type", where));
    if (!is_one_of(f.type, {"numeric", "categorical"}))
      return make_error(ErrorCode::kInvalidInput, where + ": unknown type '" + f.type + "'");
    mv.features.push_back(std::move(f));
  }
  if (schema["target"]) {
    if (!schema["target"].IsMap())
      return make_error(ErrorCode::kInvalidInput, what + ": schema.target: must be a mapping");
    MLO_ASSIGN_OR_RETURN(mv.target,
                         require_string(schema["target"], "name", what + ": schema.target"));
  }
  MLO_ASSIGN_OR_RETURN(mv.passthrough,
                       optional_string_list(schema, "passthrough", what + ": schema"));
  return {};
}

Status decode_training(const YAML::Node& doc, ModelVersion& mv, const std::string& what) {
  const YAML::Node training = doc["training"];
  if (!training) return {};
  const std::string where = what + ": training";
  if (!training.IsMap()) return make_error(ErrorCode::kInvalidInput, where + ": must be a mapping");
  if (training["data"]) {
    MLO_ASSIGN_OR_RETURN(DataRef data, decode_data_ref(training["data"], where + ".data"));
    mv.training_data = data;
  }
  MLO_ASSIGN_OR_RETURN(mv.params, optional_string_map(training, "params", where));
  if (const YAML::Node eval = training["eval"]) {
    if (!eval.IsMap())
      return make_error(ErrorCode::kInvalidInput, where + ".eval: must be a mapping");
    if (eval["data"]) {
      MLO_ASSIGN_OR_RETURN(DataRef data, decode_data_ref(eval["data"], where + ".eval.data"));
      mv.eval_data = data;
    }
    MLO_ASSIGN_OR_RETURN(mv.metrics, optional_double_map(eval, "metrics", where + ".eval"));
    if (const YAML::Node champion = eval["champion"]) {
      const std::string cw = where + ".eval.champion";
      if (!champion.IsMap())
        return make_error(ErrorCode::kInvalidInput, cw + ": must be a mapping");
      ChampionEval c;
      MLO_ASSIGN_OR_RETURN(long long v, require_int(champion, "version", cw));
      if (v < 1)
        return make_error(ErrorCode::kInvalidInput, cw + ": field 'version': must be >= 1");
      c.version = v;
      MLO_ASSIGN_OR_RETURN(c.alias, optional_string(champion, "alias", cw));
      MLO_ASSIGN_OR_RETURN(c.manifest, optional_string(champion, "manifest", cw));
      if (!c.manifest.empty() && !is_valid_digest(c.manifest))
        return make_error(ErrorCode::kInvalidInput, cw + ": field 'manifest': not a sha256 digest");
      MLO_ASSIGN_OR_RETURN(c.metrics, optional_double_map(champion, "metrics", cw));
      mv.champion = std::move(c);
    }
  }
  if (training["parent"]) {
    MLO_ASSIGN_OR_RETURN(long long parent, require_int(training, "parent", where));
    if (parent < 1)
      return make_error(ErrorCode::kInvalidInput, where + ": field 'parent': must be >= 1");
    mv.parent = parent;
  }
  return {};
}

Result<ModelVersion> decode_manifest(const YAML::Node& doc, const std::string& what) {
  if (!doc.IsMap()) return make_error(ErrorCode::kInvalidInput, what + ": not a mapping");
  MLO_ASSIGN_OR_RETURN(std::string api, require_string(doc, "apiVersion", what));
  if (api != kApiVersion)
    return make_error(ErrorCode::kInvalidInput, what + ": unsupported apiVersion '" + api +
                                                    "' (this mlo reads " + kApiVersion + ")");
  MLO_ASSIGN_OR_RETURN(std::string kind, require_string(doc, "kind", what));
  if (kind != "ModelVersion")
    return make_error(ErrorCode::kInvalidInput,
                      what + ": kind is '" + kind + "', expected ModelVersion");
  ModelVersion mv;
  MLO_ASSIGN_OR_RETURN(mv.name, require_string(doc, "name", what));
  if (auto st = validate_model_name(mv.name); !st.ok())
    return make_error(ErrorCode::kInvalidInput, what + ": " + st.error().message);
  MLO_ASSIGN_OR_RETURN(mv.version, require_int(doc, "version", what));
  if (mv.version < 1)
    return make_error(ErrorCode::kInvalidInput, what + ": field 'version': must be >= 1");
  MLO_ASSIGN_OR_RETURN(mv.created, require_string(doc, "created", what));
  MLO_ASSIGN_OR_RETURN(mv.created_by, optional_string(doc, "created_by", what));
  MLO_ASSIGN_OR_RETURN(mv.task, require_string(doc, "task", what));
  if (!is_one_of(mv.task, {"binary", "regression", "multiclass"}))
    return make_error(ErrorCode::kInvalidInput, what + ": unknown task '" + mv.task + "'");
  MLO_ASSIGN_OR_RETURN(mv.status, require_string(doc, "status", what));
  if (!is_one_of(mv.status, {"candidate", "approved", "rejected", "archived"}))
    return make_error(ErrorCode::kInvalidInput, what + ": unknown status '" + mv.status + "'");
  MLO_ASSIGN_OR_RETURN(YAML::Node artifacts, require_field(doc, "artifacts", what));
  if (!artifacts.IsMap())
    return make_error(ErrorCode::kInvalidInput, what + ": field 'artifacts': must be a mapping");
  for (const auto& entry : artifacts) {
    const std::string key = entry.first.as<std::string>();
    MLO_ASSIGN_OR_RETURN(Artifact a, decode_artifact(entry.second, what + ": artifacts." + key));
    mv.artifacts.emplace(key, std::move(a));
  }
  MLO_TRY(decode_schema(doc, mv, what));
  MLO_TRY(decode_training(doc, mv, what));
  MLO_ASSIGN_OR_RETURN(mv.environment, optional_string_map(doc, "environment", what));
  MLO_ASSIGN_OR_RETURN(mv.labels, optional_string_map(doc, "labels", what));
  return mv;
}

}  // namespace

std::string ModelVersion::to_yaml() const {
  Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << kApiVersion;
  out << YAML::Key << "kind" << YAML::Value << "ModelVersion";
  out << YAML::Key << "name" << YAML::Value << name;
  out << YAML::Key << "version" << YAML::Value << version;
  out << YAML::Key << "created" << YAML::Value << created;
  out << YAML::Key << "created_by" << YAML::Value << created_by;
  out << YAML::Key << "task" << YAML::Value << task;
  out << YAML::Key << "status" << YAML::Value << status;
  emit_artifacts(out, artifacts);
  emit_schema(out, *this);
  if (has_training(*this)) emit_training(out, *this);
  if (!environment.empty()) emit_string_map(out, "environment", environment);
  if (!labels.empty()) emit_string_map(out, "labels", labels);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

Result<ModelVersion> ModelVersion::from_yaml(const std::string& text, const std::string& what) {
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(text, what));
  try {
    return decode_manifest(doc, what);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": " + e.msg);
  }
}

Status validate_model_name(const std::string& name) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kUsage, "invalid model name '" + name + "': " + why);
  };
  if (name.empty()) return bad("empty");
  if (name.size() > 128) return bad("longer than 128 characters");
  auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_alnum(name[0])) return bad("must start with a lowercase letter or digit");
  for (char c : name)
    if (!lower_alnum(c) && c != '.' && c != '_' && c != '-')
      return bad("only lowercase letters, digits, '.', '_' and '-' are allowed");
  if (name.find("..") != std::string::npos) return bad("must not contain '..'");
  return {};
}

namespace {

// "{digest: D, size: N, media_type: M}" as emit_artifacts writes it, every value plain.
std::optional<Artifact> scan_flow_artifact(std::string_view v) {
  constexpr std::string_view kFields[] = {"{digest: ", ", size: ", ", media_type: ", "}"};
  std::string_view parts[3];
  for (size_t i = 0; i < 3; ++i) {
    if (v.substr(0, kFields[i].size()) != kFields[i]) return std::nullopt;
    v.remove_prefix(kFields[i].size());
    const size_t end = v.find_first_of(",}");
    if (end == std::string_view::npos) return std::nullopt;
    parts[i] = v.substr(0, end);
    v.remove_prefix(end);
  }
  auto size = plain_int(parts[1]);
  if (v != kFields[3] || !is_plain_text(parts[0]) || !is_plain_text(parts[2]) || !size ||
      !is_valid_digest(parts[0]))
    return std::nullopt;
  return Artifact{std::string(parts[0]), static_cast<uint64_t>(*size), std::string(parts[2])};
}

}  // namespace

std::optional<ManifestRefs> scan_manifest_refs(std::string_view text) {
  ManifestRefs refs;
  bool name = false, version = false, artifacts = false, in_artifacts = false;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (in_artifacts && line.substr(0, 2) == "  " && line.size() > 2 && line[2] != ' ') {
      const size_t colon = line.find(": ");
      if (colon == std::string_view::npos) return std::nullopt;
      const std::string_view key = line.substr(2, colon - 2);
      auto a = scan_flow_artifact(line.substr(colon + 2));
      if (!is_plain_text(key) || !a || !refs.artifacts.emplace(key, std::move(*a)).second)
        return std::nullopt;
      continue;
    }
    in_artifacts = false;
    if (line.rfind("name: ", 0) == 0) {
      refs.name = line.substr(6);
      if (name || !is_plain_text(refs.name)) return std::nullopt;
      name = true;
    } else if (line.rfind("version: ", 0) == 0) {
      auto v = plain_int(line.substr(9));
      if (version || !v) return std::nullopt;
      refs.version = *v;
      version = true;
    } else if (line == "artifacts:" || line == "artifacts: {}") {
      if (artifacts) return std::nullopt;
      artifacts = true;
      in_artifacts = line == "artifacts:";
    }
  }
  if (!name || !version || !artifacts) return std::nullopt;
  return refs;
}

}  // namespace mlo

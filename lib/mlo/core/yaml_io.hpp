// Hardened YAML loading for manifests, specs and policies. yaml-cpp alone accepts alias bombs,
// unbounded nesting and duplicate keys; every document from a file or the store goes through
// here so hostile input becomes a one-line kInvalidInput error instead of a crash or a hang.
#pragma once

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "mlo/core/result.hpp"

namespace mlo {

struct YamlLimits {
  size_t max_bytes = 16u << 20;   // 16 MiB
  int max_depth = 64;             // nesting of maps/sequences
  int max_aliases = 1000;         // alias (*ref) uses in the document
  size_t max_nodes = 2'000'000;   // total nodes after alias expansion
  // Scalar bytes after alias expansion: a 10 MB string aliased 900 times is 9 GB to whoever
  // walks the tree, though the document is small and has few nodes.
  size_t max_expanded_bytes = 64u << 20;
};

// Parses one YAML document. Rejects: over-size input, deeper nesting, too many aliases,
// expanded nodes or expanded bytes (checked on the event stream before any tree is built), duplicate mapping keys, syntax errors. `what` names the source in errors
// ("manifest models/x/versions/3.yaml: duplicate key 'name' at line 4").
Result<YAML::Node> parse_yaml(std::string_view text, const std::string& what,
                              const YamlLimits& limits = {});
Result<YAML::Node> load_yaml_file(const std::string& path, const YamlLimits& limits = {});

// Deterministic block-style emission (keys in insertion order), ending with a newline.
std::string emit_yaml(const YAML::Node& node);

// Typed field access with kInvalidInput errors that name the field ("manifest: field 'version': ...").
Result<YAML::Node> require_field(const YAML::Node& map, const std::string& key, const std::string& what);
Result<std::string> require_string(const YAML::Node& map, const std::string& key, const std::string& what);
Result<long long> require_int(const YAML::Node& map, const std::string& key, const std::string& what);

}  // namespace mlo

// libFuzzer target: the hardened YAML loader and the preprocess spec decoder on top of it
// (limits on size, depth, aliases, expanded nodes and bytes; duplicate keys; typed fields).
#include <cstdint>
#include <string>

#include "mlo/core/text.hpp"
#include "mlo/core/yaml_io.hpp"
#include "mlo/data/preprocess.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  mlo::YamlLimits small;  // small limits so the fuzzer reaches them
  small.max_bytes = 1 << 16;
  small.max_nodes = 10'000;
  small.max_expanded_bytes = 1 << 20;
  auto doc = mlo::parse_yaml(text, "fuzz", small);
  if (doc.ok()) {
    (void)mlo::emit_yaml(*doc);
    (void)mlo::require_int(*doc, "format", "fuzz");
  }
  auto spec = mlo::PreprocessSpec::from_yaml(text, "fuzz");
  if (spec.ok()) (void)spec->to_yaml();
  std::string json;
  mlo::append_json_string(json, text);
  (void)mlo::quote_value(text);
  return 0;
}

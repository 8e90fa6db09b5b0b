// libFuzzer target: the drift profile decoder (the stored baseline a version carries), then
// re-encoding and merging the profile into itself, the operations drift runs on a decoded
// baseline.
#include <cstdint>
#include <string_view>

#include "mlo/drift/profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto profile = mlo::drift::Profile::from_json(bytes, "fuzz");
  if (!profile.ok()) return 0;
  (void)profile->to_json();
  mlo::drift::Profile copy = *profile;
  (void)mlo::drift::merge_into(copy, *profile);
  return 0;
}

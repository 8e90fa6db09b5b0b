// The store marker mlo-store.yaml: {apiVersion, kind: Store, format, digest, created}.
// `mlo init` writes it create-only; every other command requires it.
#pragma once

#include <string>

#include "mlo/core/result.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

inline constexpr int kStoreFormat = 1;

struct StoreInfo {
  int format = kStoreFormat;
  std::string digest = "sha256";
  std::string created;
};

// kInvalidInput for a malformed marker or a format/digest this mlo does not know.
Result<StoreInfo> parse_store_info(const std::string& text);
std::string store_info_yaml(const StoreInfo& info);

struct InitResult {
  StoreInfo info;
  bool created = false;  // false: the store was already initialised (and its marker is valid)
};
// Reads and validates the marker of an existing store, before a command reads or writes
// anything else: kNotFound (with a hint to run `mlo init`) when it is missing, kInvalidInput
// naming the store for garbage, an unknown format version or another digest algorithm.
Result<StoreInfo> check_store_marker(Store& store);

// Idempotent: creates mlo-store.yaml unless a valid one exists.
Result<InitResult> init_store(Store& store);

}  // namespace mlo

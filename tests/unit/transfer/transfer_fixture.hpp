// Shared by the transfer unit tests: fresh named memory stores with a marker, a small model
// history, and a byte-exact snapshot of a store.
#pragma once

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "mlo/registry/lifecycle.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/registry/store_init.hpp"
#include "mlo/registry/verify.hpp"
#include "mlo/store/store.hpp"

// REQUIRE(r.ok()) that shows the error's message when it fails.
#define REQUIRE_OK(r)                                      \
  do {                                                     \
    if (!(r).ok()) FAIL("error: " << (r).error().message); \
  } while (0)

namespace transfer_test {

inline std::unique_ptr<mlo::Store> fresh_store() {
  static std::atomic<int> counter{0};
  auto store = mlo::open_store("memory://transfer-test-" + std::to_string(++counter));
  REQUIRE(store.ok());
  REQUIRE(mlo::init_store(**store).ok());
  return std::move(*store);
}

inline int64_t add_version(mlo::Store& store, const std::string& name, const std::string& model,
                           std::optional<std::string> extra = std::nullopt) {
  mlo::RegisterRequest req;
  req.manifest.name = name;
  req.manifest.task = "binary";
  req.manifest.features = {{"f0", "numeric"}};
  req.artifacts["model"] = mlo::ArtifactInput{"application/json", model, std::nullopt};
  if (extra)
    req.artifacts["baseline"] = mlo::ArtifactInput{"application/yaml", *extra, std::nullopt};
  auto r = mlo::register_version(store, req);
  REQUIRE(r.ok());
  return r->manifest.version;
}

inline void promote(mlo::Store& store, const std::string& ref, const std::string& alias) {
  mlo::PromoteRequest req;
  req.ref = ref;
  req.alias = alias;
  req.reason = "test";
  req.force = true;
  auto r = mlo::promote_version(store, req);
  REQUIRE(r.ok());
  REQUIRE_FALSE(r->refused);
}

inline std::map<std::string, std::string> snapshot(mlo::Store& store) {
  std::map<std::string, std::string> out;
  auto keys = store.list("");
  REQUIRE(keys.ok());
  for (const auto& key : *keys) {
    auto bytes = store.get(key);
    REQUIRE(bytes.ok());
    out[key] = *bytes;
  }
  return out;
}

inline void require_verifies(mlo::Store& store) {
  auto report = mlo::verify_store(store, {});
  REQUIRE(report.ok());
  for (const auto& p : report->problems) INFO(p.key + ": " + p.message);
  CHECK(report->problems.empty());
}

}  // namespace transfer_test

// Shared by the monitor unit tests: a memory store holding one version trained by mlo's own
// train pipeline on the tiny binary data (so it has a baseline, a monitoring artifact with
// calibration and importance, and a preprocess spec), plus batches written beside it.
#pragma once

#include <atomic>
#include <memory>

#include <catch2/catch.hpp>

#include "mlo/registry/registry.hpp"
#include "mlo/store/store.hpp"
#include "mlo/train/train_pipeline.hpp"
#include "train/train_test_data.hpp"

namespace mlo::test {

inline std::unique_ptr<Store> fresh_monitor_store() {
  static std::atomic<int> counter{0};
  auto s = open_store("memory://monitor-test-" + std::to_string(++counter));
  REQUIRE(s.ok());
  return std::move(*s);
}

struct TrainedVersion {
  TempDir dir;
  std::unique_ptr<Store> store = fresh_monitor_store();
  ModelVersion mv;
  std::string train_csv;

  TrainedVersion() {
    train_csv = write_binary_csv(dir / "train.csv", 600, 1);
    auto recipe = train::parse_recipe(kBinaryRecipe, "recipe");
    REQUIRE(recipe.ok());
    train::TrainInputs in;
    in.data_path = train_csv;
    in.threads = 1;
    auto out = train::train_recipe(*recipe, in);
    REQUIRE(out.ok());
    auto reg = register_version(*store, out->request);
    REQUIRE(reg.ok());
    mv = reg->manifest;
  }
};

}  // namespace mlo::test

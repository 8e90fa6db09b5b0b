// NativeForest vs XGBoost predict on a flights-like model: 8 features, 300 trees of depth 8,
// binary:logistic, 3,000,000 rows, 2 threads each (native: rows split in halves, one thread
// each). Prints times, ratios and whether the outputs are identical.
//
// Build: cmake --build build --target native_forest_bench (a Release tree).
// Run: build/tests/native_forest_bench [rows] [train_rows]
// Prints one line per native path the CPU has (portable, avx512, avx512-vbmi): "native <path> 2
// threads: T s (R x xgboost), D of N outputs differ" (tests/bench/score_vs_python.sh reads these).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "mlo/model/native_forest.hpp"

using namespace mlo;

namespace {

void make_rows(size_t rows, uint32_t seed, std::vector<float>& x, std::vector<float>& y) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> month(1, 12), day(1, 28), dow(0, 6), hour(5, 23),
      minute(0, 59), dist(100, 3000), airport(0, 29);
  std::uniform_real_distribution<double> unit(0, 1);
  x.resize(rows * 8);
  y.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    float* row = &x[r * 8];
    row[0] = static_cast<float>(month(rng));
    row[1] = static_cast<float>(day(rng));
    row[2] = static_cast<float>(dow(rng));
    row[3] = static_cast<float>(hour(rng));
    row[4] = static_cast<float>(minute(rng));
    row[5] = unit(rng) < 0.02 ? NAN : static_cast<float>(dist(rng));
    row[6] = static_cast<float>(airport(rng));
    row[7] = static_cast<float>(airport(rng));
    double z = -1.5 + 0.08 * (row[3] - 12) + 0.3 * (row[2] >= 5) +
               0.0002 * (std::isnan(row[5]) ? 800 : row[5]) +
               0.05 * (static_cast<int>(row[6]) % 3) + 0.4 * (row[0] == 12 || row[0] == 7);
    y[r] = unit(rng) < 1.0 / (1.0 + std::exp(-z)) ? 1.0f : 0.0f;
  }
}

// Process CPU seconds (all threads): a steadier figure than wall time on a shared machine.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec) / 1e6;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  size_t rows = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 3000000;
  size_t train_rows = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 200000;
  std::vector<float> tx, ty, x, y;
  make_rows(train_rows, 1, tx, ty);
  make_rows(rows, 2, x, y);
  TrainOptions opt;
  opt.params = {{"objective", "binary:logistic"},
                {"max_depth", "8"},
                {"eta", "0.1"},
                {"tree_method", "hist"}};
  opt.num_boost_round = 300;
  opt.nthread = 2;
  // argv[3]: a model file to reuse (trained and written when missing).
  std::string cache = argc > 3 ? argv[3] : "";
  std::ifstream in(cache, std::ios::binary);
  std::stringstream cached;
  cached << in.rdbuf();
  auto t0 = std::chrono::steady_clock::now();
  auto model = !cache.empty() && in ? XgbModel::load(cached.str())
                                    : XgbModel::train(DenseView{tx.data(), train_rows, 8}, ty,
                                                      nullptr, nullptr, opt);
  if (!model.ok()) {
    std::fprintf(stderr, "train: %s\n", model.error().message.c_str());
    return 1;
  }
  if (!cache.empty() && !in) std::ofstream(cache, std::ios::binary) << *model->save_ubjson();
  std::printf("train %zu rows, 300 trees depth 8: %.2f s\n", train_rows, seconds_since(t0));
  DenseView view{x.data(), rows, 8};
  std::vector<float> want;
  t0 = std::chrono::steady_clock::now();
  double c0 = cpu_seconds();
  if (!model->predict(view, want, 2).ok()) return 1;
  double t_xgb = seconds_since(t0), c_xgb = cpu_seconds() - c0;
  std::printf("xgboost predict, nthread 2: %.3f s (cpu %.3f s)\n", t_xgb, c_xgb);
  auto forest = NativeForest::build(*model);
  if (!forest.ok() || !forest->supported()) return 1;
  for (auto path : {NativeForest::Path::kPortable, NativeForest::Path::kAvx512,
                    NativeForest::Path::kAvx512Vbmi}) {
    forest->set_path(path);
    if (forest->path() != path) continue;  // the CPU lacks it
    std::vector<float> got(rows);
    // Best of 3 (wall and CPU separately): the machine may be shared.
    double t = 1e30, c = 1e30;
    for (int rep = 0; rep < 3; ++rep) {
      t0 = std::chrono::steady_clock::now();
      c0 = cpu_seconds();
      size_t half = rows / 2;
      std::thread worker([&] { forest->predict(DenseView{x.data(), half, 8}, got.data()); });
      forest->predict(DenseView{x.data() + half * 8, rows - half, 8}, got.data() + half);
      worker.join();
      t = std::min(t, seconds_since(t0));
      c = std::min(c, cpu_seconds() - c0);
    }
    size_t diff = 0;
    for (size_t i = 0; i < rows; ++i) diff += std::memcmp(&got[i], &want[i], sizeof(float)) != 0;
    std::printf(
        "native %-11s 2 threads: %.3f s  (%.2fx xgboost), %zu of %zu outputs differ; cpu %.3f s "
        "(%.2fx)\n",
        NativeForest::path_name(path), t, t_xgb / t, diff, rows, c, c_xgb / c);
  }
  return 0;
}

// NativeForest: evaluates an XGBoost gbtree model without XGBoost, producing the same floats
// as XgbModel::predict (see docs/notes in native_forest.cpp for the arithmetic). Trees are kept
// in a flat complete-tree layout and evaluated over blocks of rows, on an AVX-512 path when the
// CPU has it (runtime check) and a portable path otherwise.
//
// Contract:
//  - build() fails (kInvalidInput) only for model bytes ModelDocument::parse rejects; a valid
//    model that this evaluator cannot reproduce exactly (dart, gblinear, categorical splits,
//    other objectives, non-finite thresholds, a format version other than the verified 1.7.x)
//    builds with supported() == false and unsupported_reason() set, and callers
//    fall back to XgbModel::predict.
//  - predict() writes rows x num_outputs() floats (probabilities for classification, the
//    class index for multi:softmax). It is const and single-threaded: run one call per worker
//    thread on disjoint row ranges; a NativeForest may be shared between threads.
//  - x.cols must be >= num_features(); NaN marks a missing value.
//  - Paths, fastest first: kAvx512Vbmi (byte lanes, see native_forest_vbmi.cpp) for forests
//    of depth <= 8 whose features need at most 16 byte features (one per 254 distinct
//    thresholds of a feature) on a CPU with AVX-512 VBMI; kAvx512 (float lanes) on any AVX-512 CPU;
//    kPortable everywhere. build() picks the fastest the forest and the CPU allow;
//    MLO_NATIVE_FOREST=portable or =avx512 in the environment (read by build()) or set_path() caps
//    it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/model/model_document.hpp"
#include "mlo/model/xgboost_model.hpp"

namespace mlo {

class NativeForest {
 public:
  enum class Path { kPortable, kAvx512, kAvx512Vbmi };

  static Result<NativeForest> build(const XgbModel& model);
  // Straight from the model file's bytes (UBJSON, or JSON text whose thresholds are read as
  // float like XGBoost does), without XGBoost. kInvalidInput for what ModelDocument::parse
  // rejects.
  static Result<NativeForest> from_bytes(std::string_view bytes);
  static Result<NativeForest> from_ubjson(std::string_view bytes);
  static Result<NativeForest> from_json(std::string_view text);
  static Result<NativeForest> from_document(const ModelDocument& doc);

  bool supported() const { return reason_.empty(); }
  const std::string& unsupported_reason() const { return reason_; }
  int num_outputs() const { return num_outputs_; }
  size_t num_features() const { return num_features_; }
  size_t num_trees() const { return trees_.size(); }
  int max_depth() const {
    int d = 0;
    for (const auto& t : trees_) d = std::max(d, t.depth);
    return d;
  }
  const std::string& objective() const { return objective_; }

  // Runs `path` or, when the CPU or the forest does not allow it, the fastest slower path that
  // they allow; path() says which one runs.
  void set_path(Path path);
  Path path() const { return path_; }
  static bool cpu_has_avx512();
  static bool cpu_has_avx512_vbmi();
  static const char* path_name(Path path);

  void predict(DenseView x, float* out) const;

  // Complete-tree layout of one tree, level by level (node p of level l at index 2^l-1+p).
  // A leaf above the bottom level becomes a pass-through split (threshold NaN, default
  // right) over copies of itself, so every row takes exactly `depth` steps. A default-left
  // node is stored mirrored (children swapped, flip bit set in nodes_info_, threshold
  // nextafter(-t, +inf)): the kernels then compare (flip ? -x : x) < threshold, and NaN,
  // which compares false, takes the stored right child. No NaN test is needed.
  struct Tree {
    int depth = 0;
    int group = 0;             // output group (class) from tree_info
    uint32_t node_offset = 0;  // into nodes_thr_/nodes_info_; each level padded to >= 16
    uint32_t leaf_offset = 0;  // into leaves_; 2^depth values, padded to >= 16
    uint32_t byte_offset = 0;  // into byte_nodes_ (kAvx512Vbmi only)
  };

 private:
  enum class Link { kIdentity, kSigmoid, kSoftprob, kSoftmax };

  // Appends the tree's stored nodes' thresholds as XGBoost reads them to `node_cut`.
  void add_tree(const ModelTree& tree, int depth, int group, std::vector<float>& node_cut);
  void build_byte_layout(const std::vector<float>& node_cut);
  void finish(const float* margin, size_t n, float* out) const;

  std::string objective_;
  std::string reason_;
  Link link_ = Link::kIdentity;
  Path path_ = Path::kPortable;
  int num_outputs_ = 1;  // values written per row
  int num_groups_ = 1;   // margins per row
  size_t num_features_ = 0;
  float base_margin_ = 0.0f;
  std::vector<Tree> trees_;
  std::vector<float> nodes_thr_;
  std::vector<uint32_t> nodes_info_;  // feature index | (mirrored << 31)
  std::vector<float> leaves_;
  // The kAvx512Vbmi layout (empty when the forest does not fit it, see
  // native_forest_kernels.hpp): each byte feature's split thresholds, sorted, in 256 slots padded
  // with NaN (`cuts_`); per tree and level the nodes' feature byte and threshold rank.
  std::vector<float> cuts_;
  std::vector<uint8_t> byte_nodes_;
  std::vector<uint32_t> byte_columns_;  // the column each byte feature reads
};

}  // namespace mlo

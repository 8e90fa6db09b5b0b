// Reading an XGBoost model into NativeForest's layout, the portable kernel and the link
// functions. The arithmetic follows XGBoost 1.7's CPU predictor exactly (see
// /work/shared/notes/xgboost-model-format.md, summarised):
//  - margins start at the base margin in float (logistic objectives: -logf(1/base_score - 1));
//  - a NaN follows default_left, otherwise `x < threshold` (both float) goes left;
//  - leaf values are added in float, one tree at a time, in model order;
//  - sigmoid is 1 / (expf(min(-m, 88.7f)) + 1) with libm's expf; softmax exponentiates in float,
//    sums in double and divides in float, like xgboost::common::Softmax.
// Nothing here may be compiled with -ffast-math: it would reorder these sums.
#include "mlo/model/native_forest.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>

#include <fmt/format.h>

#include "mlo/model/native_forest_kernels.hpp"

namespace mlo {

namespace {

constexpr int kMaxDepth = 12;  // 2^12 leaves per tree; deeper trees go to XGBoost

// The model format versions whose arithmetic the tests verify bit for bit against XGBoost.
constexpr int64_t kVerifiedMajor = 1, kVerifiedMinor = 7;

size_t padded(size_t n) {
  return std::max<size_t>(n, 16);
}

// Depth of the subtree at `root` (ModelDocument::parse guarantees a proper tree); stops
// counting past kMaxDepth.
int tree_depth(const ModelTree& t) {
  int depth = 0;
  std::vector<std::pair<int32_t, int>> stack{{0, 0}};
  while (!stack.empty()) {
    auto [node, d] = stack.back();
    stack.pop_back();
    depth = std::max(depth, d);
    if (t.left[static_cast<size_t>(node)] < 0 || d > kMaxDepth) continue;
    stack.push_back({t.left[static_cast<size_t>(node)], d + 1});
    stack.push_back({t.right[static_cast<size_t>(node)], d + 1});
  }
  return depth;
}

}  // namespace

Result<NativeForest> NativeForest::from_bytes(std::string_view bytes) {
  MLO_ASSIGN_OR_RETURN(ModelDocument doc, ModelDocument::parse(bytes));
  return from_document(doc);
}

Result<NativeForest> NativeForest::from_ubjson(std::string_view bytes) {
  return from_bytes(bytes);
}

Result<NativeForest> NativeForest::from_json(std::string_view text) {
  return from_bytes(text);
}

Result<NativeForest> NativeForest::build(const XgbModel& model) {
  // UBJSON holds the float32 thresholds and leaves exactly.
  MLO_ASSIGN_OR_RETURN(std::string bytes, model.save_ubjson());
  return from_bytes(bytes);
}

bool NativeForest::cpu_has_avx512() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

void NativeForest::set_path(Path path) {
  path_ = path == Path::kAvx512 && cpu_has_avx512() ? Path::kAvx512 : Path::kPortable;
}

Result<NativeForest> NativeForest::from_document(const ModelDocument& doc) {
  NativeForest f;
  const char* env = std::getenv("MLO_NATIVE_FOREST");
  f.set_path(env && std::string(env) == "portable" ? Path::kPortable : Path::kAvx512);
  f.objective_ = doc.objective;
  f.num_features_ = static_cast<size_t>(doc.num_feature);
  const float base_score = doc.base_score;
  const int64_t num_class = doc.num_class;
  if (doc.version[0] != kVerifiedMajor || doc.version[1] != kVerifiedMinor) {
    f.reason_ = fmt::format(
        "model format version {} is not verified for the native evaluator "
        "(verified: {}.{}.x)",
        doc.version_string(), kVerifiedMajor, kVerifiedMinor);
    return f;
  }
  if (doc.booster != "gbtree") {
    f.reason_ = "booster " + doc.booster + " is not supported";
    return f;
  }
  const std::string& obj = f.objective_;
  f.num_groups_ = static_cast<int>(std::max<int64_t>(num_class, 1));
  if (obj == "binary:logistic" || obj == "reg:logistic") {
    f.link_ = Link::kSigmoid;
    f.base_margin_ = -std::log(1.0f / base_score - 1.0f);
  } else if (obj == "reg:squarederror" || obj == "reg:linear" || obj == "binary:logitraw") {
    // XGBoost 1.7 takes binary:logitraw's base_score as a margin as it is (verified by the
    // tests).
    f.link_ = Link::kIdentity;
    f.base_margin_ = base_score;
  } else if (obj == "multi:softprob" || obj == "multi:softmax") {
    f.link_ = obj == "multi:softprob" ? Link::kSoftprob : Link::kSoftmax;
    f.base_margin_ = base_score;
  } else {
    f.reason_ = "objective " + obj + " is not supported";
    return f;
  }
  f.num_outputs_ = f.link_ == Link::kSoftprob ? f.num_groups_ : 1;
  if (f.link_ != Link::kSoftprob && f.link_ != Link::kSoftmax && f.num_groups_ != 1) {
    f.reason_ = "multiple output groups with objective " + obj;
    return f;
  }
  for (size_t i = 0; i < doc.trees.size(); ++i) {
    const ModelTree& t = doc.trees[i];
    for (size_t k = 0; k < t.left.size(); ++k) {
      if (t.left[k] < 0) continue;
      // Categorical first: their split conditions are NaN by format, not by damage.
      if (!t.split_type.empty() && t.split_type[k] != 0) {
        f.reason_ = "categorical splits are not supported";
        return f;
      }
      if (!std::isfinite(t.cond[k])) {
        f.reason_ = fmt::format("tree {} has a non-finite split threshold", i);
        return f;
      }
    }
    int depth = tree_depth(t);
    if (depth > kMaxDepth) {
      f.reason_ = fmt::format("tree {} is deeper than {}", i, kMaxDepth);
      return f;
    }
    f.add_tree(t, depth, doc.tree_info[i]);
  }
  return f;
}

void NativeForest::add_tree(const ModelTree& tree, int depth, int group) {
  const auto& left = tree.left;
  const auto& right = tree.right;
  const auto& feature = tree.feature;
  const auto& default_left = tree.default_left;
  const auto& cond = tree.cond;
  Tree t;
  t.depth = depth;
  t.group = group;
  t.node_offset = static_cast<uint32_t>(nodes_thr_.size());
  std::vector<size_t> level_offset(static_cast<size_t>(depth) + 1);
  size_t total = 0;
  for (int l = 0; l < depth; ++l) {
    level_offset[static_cast<size_t>(l)] = total;
    total += padded(size_t{1} << l);
  }
  // Padding nodes: NaN threshold, default right, feature 0 -> always right, never read out of
  // bounds.
  nodes_thr_.resize(t.node_offset + total, NAN);
  nodes_info_.resize(t.node_offset + total, 0);
  t.leaf_offset = static_cast<uint32_t>(leaves_.size());
  leaves_.resize(t.leaf_offset + padded(size_t{1} << depth), 0.0f);
  std::function<void(int32_t, int, size_t)> fill = [&](int32_t node, int level, size_t pos) {
    if (level == depth) {
      leaves_[t.leaf_offset + pos] = cond[static_cast<size_t>(node)];
      return;
    }
    size_t at = t.node_offset + level_offset[static_cast<size_t>(level)] + pos;
    if (left[static_cast<size_t>(node)] <
        0) {  // leaf above the bottom: pass through (NaN -> right)
      fill(node, level + 1, 2 * pos);
      fill(node, level + 1, 2 * pos + 1);
      return;
    }
    // A default-left node is stored mirrored: children swapped and `x < t` rewritten as
    // `-x < nextafter(-t, +inf)` (the same as x >= t for every non-NaN x), so that NaN, which
    // compares false, goes to the stored right child = XGBoost's left. Thresholds are finite
    // (checked by the caller), so the rewrite is exact.
    const size_t k = static_cast<size_t>(node);
    const bool mirrored = default_left[k] != 0;
    nodes_thr_[at] = mirrored ? std::nextafter(-cond[k], INFINITY) : cond[k];
    nodes_info_[at] = static_cast<uint32_t>(feature[k]) | (mirrored ? 0x80000000u : 0u);
    fill(mirrored ? right[k] : left[k], level + 1, 2 * pos);
    fill(mirrored ? left[k] : right[k], level + 1, 2 * pos + 1);
  };
  fill(0, 0, 0);
  trees_.push_back(t);
}

void NativeForest::predict(DenseView x, float* out) const {
  if (!supported()) return;
  size_t groups = static_cast<size_t>(num_groups_);
  float margin[kBlock * 64];
  float* m = margin;
  std::vector<float> big;
  if (groups > 64) {
    big.resize(kBlock * groups);
    m = big.data();
  }
  for (size_t row0 = 0; row0 < x.rows; row0 += kBlock) {
    size_t n = std::min(kBlock, x.rows - row0);
    std::fill(m, m + kBlock * groups, base_margin_);
    KernelArgs args{trees_.data(),
                    trees_.size(),
                    nodes_thr_.data(),
                    nodes_info_.data(),
                    leaves_.data(),
                    num_features_,
                    x.data + row0 * x.cols,
                    x.cols,
                    n,
                    m};
    if (path_ == Path::kAvx512)
      margins_avx512(args);
    else
      margins_portable(args);
    finish(m, n, out + row0 * static_cast<size_t>(num_outputs_));
  }
}

void NativeForest::finish(const float* m, size_t n, float* out) const {
  size_t groups = static_cast<size_t>(num_groups_);
  switch (link_) {
    case Link::kIdentity:
      std::copy(m, m + n, out);
      return;
    case Link::kSigmoid:
      for (size_t r = 0; r < n; ++r) out[r] = 1.0f / (expf(std::min(-m[r], 88.7f)) + 1.0f);
      return;
    case Link::kSoftprob:
      for (size_t r = 0; r < n; ++r) {
        float* o = out + r * groups;
        float wmax = m[r];
        for (size_t g = 1; g < groups; ++g) wmax = fmaxf(m[g * kBlock + r], wmax);
        double wsum = 0.0;
        for (size_t g = 0; g < groups; ++g) {
          o[g] = expf(m[g * kBlock + r] - wmax);
          wsum += o[g];
        }
        for (size_t g = 0; g < groups; ++g) o[g] /= static_cast<float>(wsum);
      }
      return;
    case Link::kSoftmax:
      for (size_t r = 0; r < n; ++r) {
        size_t best = 0;
        for (size_t g = 1; g < groups; ++g)
          if (m[g * kBlock + r] > m[best * kBlock + r]) best = g;
        out[r] = static_cast<float>(best);
      }
      return;
  }
}

}  // namespace mlo

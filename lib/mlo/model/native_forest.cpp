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

bool NativeForest::cpu_has_avx512_vbmi() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi");
#else
  return false;
#endif
}

const char* NativeForest::path_name(Path path) {
  switch (path) {
    case Path::kPortable:
      return "portable";
    case Path::kAvx512:
      return "avx512";
    case Path::kAvx512Vbmi:
      return "avx512-vbmi";
  }
  return "?";
}

void NativeForest::set_path(Path path) {
  if (path == Path::kAvx512Vbmi && (byte_columns_.empty() || !cpu_has_avx512_vbmi()))
    path = Path::kAvx512;
  if (path == Path::kAvx512 && !cpu_has_avx512()) path = Path::kPortable;
  path_ = path;
}

Result<NativeForest> NativeForest::from_document(const ModelDocument& doc) {
  NativeForest f;
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
  // Each stored node's split threshold as XGBoost reads it (NaN for pass-through nodes),
  // parallel to nodes_thr_: the byte layout is built from it.
  std::vector<float> node_cut;
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
    f.add_tree(t, depth, doc.tree_info[i], node_cut);
  }
  f.build_byte_layout(node_cut);
  const char* env = std::getenv("MLO_NATIVE_FOREST");
  const std::string cap = env ? env : "";
  f.set_path(cap == "portable" ? Path::kPortable
             : cap == "avx512" ? Path::kAvx512
                               : Path::kAvx512Vbmi);
  return f;
}

void NativeForest::add_tree(const ModelTree& tree, int depth, int group,
                            std::vector<float>& node_cut) {
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
  node_cut.resize(t.node_offset + total, NAN);
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
    node_cut[at] = cond[k];
    fill(mirrored ? right[k] : left[k], level + 1, 2 * pos);
    fill(mirrored ? left[k] : right[k], level + 1, 2 * pos + 1);
  };
  fill(0, 0, 0);
  trees_.push_back(t);
}

// The kAvx512Vbmi layout (see native_forest_kernels.hpp), when the forest fits it: depth <= 8
// and at most 16 byte features (254 distinct thresholds each).
void NativeForest::build_byte_layout(const std::vector<float>& node_cut) {
  if (trees_.empty()) return;
  for (const auto& t : trees_)
    if (t.depth > kByteMaxDepth) return;
  std::vector<std::vector<float>> by_column(std::max<size_t>(num_features_, 1));
  for (size_t i = 0; i < node_cut.size(); ++i)
    if (!std::isnan(node_cut[i])) by_column[nodes_info_[i] & 0x7fffffffu].push_back(node_cut[i]);
  std::vector<uint32_t> columns;
  std::vector<uint32_t> first_feature(by_column.size());
  std::vector<float> cuts;
  for (size_t f = 0; f < by_column.size(); ++f) {
    auto& c = by_column[f];
    std::sort(c.begin(), c.end());
    // -0 and +0 compare equal, so they are one cut.
    c.erase(std::unique(c.begin(), c.end(), [](float a, float b) { return a == b; }), c.end());
    first_feature[f] = static_cast<uint32_t>(columns.size());
    for (size_t i = 0; i < c.size(); i += 254) {
      columns.push_back(static_cast<uint32_t>(f));
      cuts.resize(columns.size() * kByteCutSlots, NAN);
      std::copy(c.begin() + static_cast<ptrdiff_t>(i),
                c.begin() + static_cast<ptrdiff_t>(std::min(c.size(), i + 254)),
                cuts.end() - kByteCutSlots);
    }
  }
  if (columns.empty() || columns.size() > kByteMaxFeatures) return;
  const size_t rows_per_pair = byte_rows_per_pair(columns.size());
  std::vector<uint8_t> bytes;
  for (auto& t : trees_) {
    t.byte_offset = static_cast<uint32_t>(bytes.size());
    bytes.resize(bytes.size() + byte_tree_size(t.depth), 0);
    uint8_t* out = bytes.data() + t.byte_offset;
    size_t node = t.node_offset;
    for (int l = 0; l < t.depth; ++l) {
      uint8_t* feature = out + byte_level_offset(l);
      uint8_t* rank = feature + byte_level_size(l);
      for (size_t p = 0; p < (size_t{1} << l); ++p) {
        const float cut = node_cut[node + p];
        if (std::isnan(cut)) continue;  // pass-through: rank 0, always right
        const uint32_t info = nodes_info_[node + p];
        const size_t f = info & 0x7fffffffu;
        const bool mirrored = (info & 0x80000000u) != 0;
        const auto& c = by_column[f];
        // x < cut  <=>  (number of cuts <= x) < (index of cut) + 1, counted within the byte
        // feature that holds the cut.
        const auto index =
            static_cast<size_t>(std::lower_bound(c.begin(), c.end(), cut) - c.begin());
        const size_t v = first_feature[f] + index / 254;
        const int below = static_cast<int>(index % 254) + 1;
        feature[p] = static_cast<uint8_t>(v * rows_per_pair | (mirrored ? 0x80u : 0u));
        rank[p] = static_cast<uint8_t>(mirrored ? 255 - below : below);
      }
      node += padded(size_t{1} << l);
    }
    uint8_t* planes = out + byte_level_offset(t.depth);
    const size_t plane = byte_leaf_size(t.depth);
    for (size_t p = 0; p < (size_t{1} << t.depth); ++p) {
      uint32_t bits;
      std::memcpy(&bits, &leaves_[t.leaf_offset + p], sizeof(bits));
      for (size_t k = 0; k < 4; ++k) planes[k * plane + p] = static_cast<uint8_t>(bits >> (8 * k));
    }
  }
  cuts_ = std::move(cuts);
  byte_nodes_ = std::move(bytes);
  byte_columns_ = std::move(columns);
}

void NativeForest::predict(DenseView x, float* out) const {
  if (!supported()) return;
  size_t groups = static_cast<size_t>(num_groups_);
  std::vector<float> margins(kBlock * groups);
  float* m = margins.data();
  // The kernels address a block's values with 32-bit offsets (row * cols). A wider matrix
  // (columns beyond any model's features) is scored from a compact copy of each block.
  const bool compact = x.cols > kMaxKernelColumns;
  std::vector<float> packed(compact ? kBlock * num_features_ : 0);
  for (size_t row0 = 0; row0 < x.rows; row0 += kBlock) {
    size_t n = std::min(kBlock, x.rows - row0);
    std::fill(m, m + kBlock * groups, base_margin_);
    const float* block = x.data + row0 * x.cols;
    size_t cols = x.cols;
    if (compact) {
      for (size_t r = 0; r < n; ++r)
        std::copy_n(block + r * x.cols, num_features_, packed.data() + r * num_features_);
      block = packed.data();
      cols = num_features_;
    }
    KernelArgs args{trees_.data(),
                    trees_.size(),
                    nodes_thr_.data(),
                    nodes_info_.data(),
                    leaves_.data(),
                    cuts_.data(),
                    byte_nodes_.data(),
                    byte_columns_.data(),
                    byte_columns_.size(),
                    num_features_,
                    block,
                    cols,
                    n,
                    m,
                    groups};
    switch (path_) {
      case Path::kAvx512Vbmi:
        margins_avx512_vbmi(args);
        break;
      case Path::kAvx512:
        margins_avx512(args);
        break;
      case Path::kPortable:
        margins_portable(args);
        break;
    }
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

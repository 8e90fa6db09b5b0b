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
#include <nlohmann/json.hpp>

#include "mlo/model/native_forest_kernels.hpp"

namespace mlo {

namespace {

using nlohmann::json;

constexpr int kMaxDepth = 12;  // 2^12 leaves per tree; deeper trees go to XGBoost

Error bad_model(const std::string& why) {
  return make_error(ErrorCode::kInvalidInput, "model: " + why);
}

// Model-param numbers are strings in XGBoost 1.x ("5E-1"); newer versions may write "[5E-1]".
float param_float(const json& v) {
  if (v.is_number()) return v.get<float>();
  std::string s = v.get<std::string>();
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '[' || c == ']'; }), s.end());
  return std::strtof(s.c_str(), nullptr);
}

long param_int(const json& v) {
  if (v.is_number()) return v.get<long>();
  return std::strtol(v.get<std::string>().c_str(), nullptr, 10);
}

// UBJSON typed arrays of uint8 can arrive as numbers, booleans or a binary blob.
std::vector<int64_t> int_array(const json& v) {
  std::vector<int64_t> out;
  if (v.is_binary()) {
    for (uint8_t b : v.get_binary()) out.push_back(b);
  } else {
    out.reserve(v.size());
    for (const auto& e : v)
      out.push_back(e.is_boolean() ? static_cast<int64_t>(e.get<bool>()) : e.get<int64_t>());
  }
  return out;
}

std::vector<float> float_array(const json& v) {
  std::vector<float> out;
  out.reserve(v.size());
  for (const auto& e : v) out.push_back(static_cast<float>(e.get<double>()));
  return out;
}

size_t padded(size_t n) {
  return std::max<size_t>(n, 16);
}

struct RawTree {
  std::vector<int64_t> left, right, feature, default_left, split_type;
  std::vector<float> cond;
};

int tree_depth(const RawTree& t, int64_t node, int depth) {
  if (t.left[node] < 0) return depth;
  if (depth > kMaxDepth) return depth + 1;
  return std::max(tree_depth(t, t.left[node], depth + 1), tree_depth(t, t.right[node], depth + 1));
}

}  // namespace

Result<NativeForest> NativeForest::from_ubjson(std::string_view bytes) {
  try {
    json doc = json::from_ubjson(bytes);
    return from_document(&doc);
  } catch (const std::exception& e) {
    return bad_model(std::string("bad UBJSON: ") + e.what());
  }
}

Result<NativeForest> NativeForest::from_json(std::string_view text) {
  try {
    json doc = json::parse(text);
    return from_document(&doc);
  } catch (const std::exception& e) {
    return bad_model(std::string("bad JSON: ") + e.what());
  }
}

Result<NativeForest> NativeForest::build(const XgbModel& model) {
  // UBJSON holds the float32 thresholds and leaves exactly; JSON text would need decimal round
  // trips.
  MLO_ASSIGN_OR_RETURN(std::string bytes, model.save_ubjson());
  return from_ubjson(bytes);
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

Result<NativeForest> NativeForest::from_document(const void* document) {
  const json& doc = *static_cast<const json*>(document);
  NativeForest f;
  const char* env = std::getenv("MLO_NATIVE_FOREST");
  f.set_path(env && std::string(env) == "portable" ? Path::kPortable : Path::kAvx512);
  try {
    const json& learner = doc.at("learner");
    const json& mp = learner.at("learner_model_param");
    f.objective_ = learner.at("objective").at("name").get<std::string>();
    float base_score = param_float(mp.at("base_score"));
    long num_class = mp.contains("num_class") ? param_int(mp.at("num_class")) : 0;
    f.num_features_ = static_cast<size_t>(param_int(mp.at("num_feature")));
    const json& booster = learner.at("gradient_booster");
    std::string booster_name = booster.at("name").get<std::string>();
    if (booster_name != "gbtree") {
      f.reason_ = "booster " + booster_name + " is not supported";
      return f;
    }
    const std::string& obj = f.objective_;
    f.num_groups_ = static_cast<int>(std::max(num_class, 1L));
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
    const json& trees = booster.at("model").at("trees");
    std::vector<int64_t> tree_info = int_array(booster.at("model").at("tree_info"));
    if (tree_info.size() != trees.size()) return bad_model("tree_info does not match the trees");
    for (size_t i = 0; i < trees.size(); ++i) {
      const json& jt = trees[i];
      RawTree t{int_array(jt.at("left_children")),
                int_array(jt.at("right_children")),
                int_array(jt.at("split_indices")),
                int_array(jt.at("default_left")),
                jt.contains("split_type") ? int_array(jt.at("split_type")) : std::vector<int64_t>{},
                float_array(jt.at("split_conditions"))};
      size_t n = t.left.size();
      if (n == 0 || t.right.size() != n || t.feature.size() != n || t.default_left.size() != n ||
          t.cond.size() != n || (!t.split_type.empty() && t.split_type.size() != n))
        return bad_model(fmt::format("tree {} has inconsistent node arrays", i));
      for (size_t k = 0; k < n; ++k) {
        if (t.left[k] < 0) continue;
        if (t.left[k] >= static_cast<int64_t>(n) || t.right[k] < 0 ||
            t.right[k] >= static_cast<int64_t>(n) || t.left[k] <= static_cast<int64_t>(k) ||
            t.right[k] <= static_cast<int64_t>(k))
          return bad_model(fmt::format("tree {} has a bad child index at node {}", i, k));
        if (t.feature[k] < 0 ||
            static_cast<size_t>(t.feature[k]) >= std::max<size_t>(f.num_features_, 1))
          return bad_model(
              fmt::format("tree {} splits on feature {} of {}", i, t.feature[k], f.num_features_));
        if (!t.split_type.empty() && t.split_type[k] != 0) {
          f.reason_ = "categorical splits are not supported";
          return f;
        }
      }
      if (tree_info[i] < 0 || tree_info[i] >= f.num_groups_)
        return bad_model(fmt::format("tree {} has a bad group", i));
      int depth = tree_depth(t, 0, 0);
      if (depth > kMaxDepth) {
        f.reason_ = fmt::format("tree {} is deeper than {}", i, kMaxDepth);
        return f;
      }
      f.add_tree(t.left, t.right, t.feature, t.default_left, t.cond, depth,
                 static_cast<int>(tree_info[i]));
    }
  } catch (const std::exception& e) {
    return bad_model(e.what());
  }
  return f;
}

void NativeForest::add_tree(const std::vector<int64_t>& left, const std::vector<int64_t>& right,
                            const std::vector<int64_t>& feature,
                            const std::vector<int64_t>& default_left,
                            const std::vector<float>& cond, int depth, int group) {
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
  std::function<void(int64_t, int, size_t)> fill = [&](int64_t node, int level, size_t pos) {
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
    nodes_thr_[at] = cond[static_cast<size_t>(node)];
    nodes_info_[at] = static_cast<uint32_t>(feature[static_cast<size_t>(node)]) |
                      (default_left[static_cast<size_t>(node)] ? 0x80000000u : 0u);
    fill(left[static_cast<size_t>(node)], level + 1, 2 * pos);
    fill(right[static_cast<size_t>(node)], level + 1, 2 * pos + 1);
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
    KernelArgs args{this, x.data + row0 * x.cols, x.cols, n, m};
    if (path_ == Path::kAvx512)
      margins_avx512(args);
    else
      margins_portable(args);
    finish(m, n, out + row0 * static_cast<size_t>(num_outputs_));
  }
}

// Margins are laid out group-major within a block: m[g * kBlock + r].
void margins_portable(const KernelArgs& a) {
  const NativeForest& f = *a.forest;
  uint32_t pos[kBlock];
  const float* x = a.x;
  const size_t cols = a.cols;
  const size_t rows = a.rows;
  for (const auto& t : f.trees_) {
    const float* thr = f.nodes_thr_.data() + t.node_offset;
    const uint32_t* info = f.nodes_info_.data() + t.node_offset;
    std::fill(pos, pos + rows, 0u);
    size_t off = 0;
    for (int l = 0; l < t.depth; ++l) {
      for (size_t r = 0; r < rows; ++r) {
        uint32_t node_info = info[off + pos[r]];
        float v = x[r * cols + (node_info & 0x7fffffffu)];
        // Branch-free on purpose: the direction is a coin flip for the predictor.
        uint32_t left = static_cast<uint32_t>(v < thr[off + pos[r]]) |
                        (static_cast<uint32_t>(std::isnan(v)) & (node_info >> 31));
        pos[r] = 2 * pos[r] + 1 - left;
      }
      off += padded(size_t{1} << l);
    }
    const float* leaves = f.leaves_.data() + t.leaf_offset;
    float* m = a.margin + static_cast<size_t>(t.group) * kBlock;
    for (size_t r = 0; r < rows; ++r) m[r] += leaves[pos[r]];
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

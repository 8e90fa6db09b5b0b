// ModelDocument: what mlo reads from an XGBoost model file (JSON text or UBJSON), without
// XGBoost and without building a DOM. One streaming (SAX) pass keeps only the fields below
// (the tree arrays in compact form) and enforces limits while it reads, so a hostile file
// cannot make it allocate more than a bounded multiple of what it keeps.
//
// Contract of parse():
//  - kInvalidInput, with a message naming what is wrong, for anything that is not a model
//    this build can safely hand to XGBoost or evaluate: not JSON/UBJSON, a missing or
//    unsupported format `version` (XGBoost 1.x models only), absurd sizes (num_feature,
//    num_class, trees, nodes beyond the k* limits), per-node arrays whose lengths disagree
//    with each other or with the declared num_nodes, child indices out of range, a node
//    reached twice from the root (a cycle or a shared subtree), parents that disagree with
//    the children, split features >= num_feature, categorical segments outside the category
//    list, tree_info entries outside [0, num_class), feature name or type lists that are not
//    lists of strings (or hold more than kMaxModelFeatures entries, or one longer than
//    kMaxFeatureNameBytes).
//  - On success every tree reachable from its root is a proper binary tree; unreachable
//    (deleted) nodes are allowed, as XGBoost writes them after pruning.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/result.hpp"

namespace mlo {

inline constexpr int64_t kMaxModelFeatures = int64_t{1} << 20;
inline constexpr int64_t kMaxModelClasses = 10000;
inline constexpr int64_t kMaxModelTrees = int64_t{1} << 20;
inline constexpr int64_t kMaxTreeNodes = int64_t{1} << 22;   // per tree
inline constexpr int64_t kMaxModelNodes = int64_t{1} << 25;  // all trees together
inline constexpr int kMaxModelNesting = 64;                  // JSON/UBJSON container depth
inline constexpr size_t kMaxFeatureNameBytes = 4096;         // one feature name or type

struct ModelTree {
  std::vector<int32_t> left, right, feature, parents;
  std::vector<uint8_t> default_left, split_type;
  std::vector<float> cond;      // split threshold, or the leaf value at a leaf
  int64_t declared_nodes = -1;  // tree_param.num_nodes
  // Lengths of the arrays mlo does not keep but XGBoost reads per node (-1: absent).
  int64_t base_weights = -1, loss_changes = -1, sum_hessian = -1;
  std::vector<int64_t> cat_nodes, cat_segments, cat_sizes;
  int64_t num_categories = 0;
};

struct ModelDocument {
  std::array<int64_t, 3> version{-1, -1, -1};  // the file's XGBoost version [major, minor, patch]
  std::string objective;                       // learner.objective.name
  std::string booster;                         // learner.gradient_booster.name
  float base_score = 0.5f;
  int64_t num_class = 0;
  int64_t num_feature = 0;
  std::vector<int32_t> tree_info;
  // learner.feature_names / feature_types, as saved by XGBoost (empty when absent or null);
  // embedded_features() (feature_info.hpp) interprets them.
  std::vector<std::string> feature_names, feature_types;
  std::vector<ModelTree> trees;  // gbtree trees (dart: its inner gbtree's)

  static Result<ModelDocument> parse(std::string_view bytes);
  std::string version_string() const;  // "1.7.4"
};

// True for bytes XGBoost 1.7 would read as JSON text ('{' then '"' or whitespace), false for
// UBJSON ('{' then a type marker).
bool model_is_json_text(std::string_view bytes);

// XGBoost's JSON writer prints non-finite floats as bare NaN / Infinity / -Infinity tokens
// (categorical splits have NaN split conditions), which JSON does not allow. Returns the text
// with those tokens, outside strings, replaced by `null` (NaN) and +-1e999 (+-inf, as a JSON
// parser reads it), or nullopt when there are none, so the common case costs no copy.
std::optional<std::string> json_without_nonfinite(std::string_view text);

// JSON text without insignificant whitespace (XGBoost 1.7 only recognises JSON text whose
// second byte is '"'). Strings are copied as they are.
std::string compact_json(std::string_view text);

}  // namespace mlo

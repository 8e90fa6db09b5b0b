// PreprocessSpec: how raw columns become the model's float features (the "preprocess"
// artifact of a version). The YAML form is the contract shared by `mlo register`, `mlo train`
// and `mlo score-batch`:
//
//   features:                      # in the model's feature order
//     - {name: distance, type: numeric, impute: 0.0, mean: 812.5, std: 410.2}
//     - {name: origin, type: categorical, categories: [ATL, BOS, ORD]}   # code = index; unseen ->
//     missing
//
// numeric: parsed as float; missing (empty, NA, NaN, null) -> `impute` if given, else NaN.
//   mean/std are recorded normalization statistics (informational; trees do not need scaling).
// categorical: the value's index in `categories` as a float; missing or unseen -> NaN.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"

namespace mlo {

struct FeatureEncoding {
  enum class Type { kNumeric, kCategorical };
  std::string name;
  Type type = Type::kNumeric;
  double impute = NAN;  // NaN: keep missing as missing
  double mean = NAN;
  double std = NAN;
  std::vector<std::string> categories;
};

struct PreprocessSpec {
  std::vector<FeatureEncoding> features;

  std::string to_yaml() const;
  // kInvalidInput with a message naming the field for anything malformed (missing name,
  // unknown type, duplicate feature or category, categorical without categories).
  static Result<PreprocessSpec> from_yaml(const std::string& text, const std::string& what);
};

}  // namespace mlo

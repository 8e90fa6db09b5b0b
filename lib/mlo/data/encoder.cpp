#include "mlo/data/encoder.hpp"

#include <cmath>
#include <unordered_map>

#include "mlo/core/text.hpp"
#include "mlo/data/category_table.hpp"

namespace mlo {

struct Encoder::Impl {
  PreprocessSpec spec;
  std::vector<size_t> source;
  std::vector<CategoryTable> codes;  // per feature; empty if numeric

  // A categorical field's code; NaN when missing or unseen (missing tokens are never
  // categories). Sets `unseen` for a value that is neither.
  float code(size_t feature, std::string_view field, bool& unseen) const {
    const int c = codes[feature].find(field);
    const bool missing = is_missing_token(field);
    unseen = c < 0 && !missing;
    return c >= 0 && !missing ? static_cast<float>(c) : NAN;
  }
};

Encoder::Encoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Encoder::Encoder(Encoder&&) noexcept = default;
Encoder& Encoder::operator=(Encoder&&) noexcept = default;
Encoder::~Encoder() = default;

Result<Encoder> Encoder::create(const PreprocessSpec& spec, const std::vector<std::string>& header,
                                const std::string& what) {
  auto impl = std::make_unique<Impl>();
  impl->spec = spec;
  std::unordered_map<std::string_view, size_t> by_name;
  for (size_t i = 0; i < header.size(); ++i) by_name.emplace(header[i], i);
  std::vector<std::string> missing;
  for (const auto& f : impl->spec.features) {
    auto it = by_name.find(f.name);
    if (it == by_name.end()) {
      missing.push_back(f.name);
      continue;
    }
    impl->source.push_back(it->second);
    impl->codes.emplace_back(f.categories);
  }
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + quote_value(m);
    return make_error(ErrorCode::kInvalidInput, what + ": missing feature column" +
                                                    (missing.size() > 1 ? "s " : " ") + names);
  }
  return Encoder(std::move(impl));
}

size_t Encoder::num_features() const {
  return impl_->source.size();
}
size_t Encoder::source_column(size_t feature) const {
  return impl_->source[feature];
}

bool Encoder::encode_field(size_t feature, std::string_view field, float& out) const {
  const FeatureEncoding& f = impl_->spec.features[feature];
  if (f.type == FeatureEncoding::Type::kCategorical) {
    bool unseen;
    out = impl_->code(feature, field, unseen);
    return true;
  }
  if (!parse_float_field(field, out)) return false;
  if (std::isnan(out) && !std::isnan(f.impute)) out = static_cast<float>(f.impute);
  return true;
}

Status Encoder::encode(const RowBlock& block, OnBadRow on_bad_row, EncodedBlock& out) const {
  const size_t nf = num_features();
  const size_t rows = block.rows();
  out.x.resize(rows * nf);
  out.rows.clear();
  out.rows.reserve(rows);
  out.bad = {};
  out.unseen = 0;
  const auto& features = impl_->spec.features;
  size_t kept = 0;
  for (size_t r = 0; r < rows; ++r) {
    float* dst = out.x.data() + kept * nf;
    bool ok = true;
    for (size_t i = 0; i < nf; ++i) {
      std::string_view field = block.at(r, impl_->source[i]);
      if (features[i].type == FeatureEncoding::Type::kCategorical) {
        bool unseen;
        dst[i] = impl_->code(i, field, unseen);
        out.unseen += unseen;
        continue;
      }
      if (!encode_field(i, field, dst[i])) {
        std::string why = "line " + std::to_string(block.lines[r]) + ": column " +
                          quote_value(features[i].name) + ": " + quote_value(field) +
                          " is not a number";
        if (on_bad_row == OnBadRow::kFail) return make_error(ErrorCode::kInvalidInput, why);
        out.bad.add(std::move(why));
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    out.rows.push_back(static_cast<uint32_t>(r));
    ++kept;
  }
  out.x.resize(kept * nf);
  return {};
}

}  // namespace mlo

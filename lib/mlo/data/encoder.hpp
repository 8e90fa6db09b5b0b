// Encoder: applies a PreprocessSpec to parsed rows. It maps the input's header to the spec's
// features once (a missing feature column is kInvalidInput naming it), then turns each
// RowBlock into a row-major float matrix in model feature order:
//   numeric      parsed number; missing -> impute if set, else NaN
//   categorical  index in categories (hash lookup); missing or unseen -> NaN
// A non-numeric value in a numeric column is kInvalidInput with its line number under kFail;
// under kSkip the row is dropped and counted.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/preprocess.hpp"
#include "mlo/data/rows.hpp"

namespace mlo {

struct EncodedBlock {
  std::vector<float> x;        // kept rows x num_features, row-major
  std::vector<uint32_t> rows;  // for each encoded row, its row index in the RowBlock
  BadRows bad;                 // rows dropped under kSkip
  uint64_t unseen = 0;         // categorical values not in the spec's categories
};

class Encoder {
 public:
  // `header`: the input's column names. `what` names the input in messages.
  static Result<Encoder> create(const PreprocessSpec& spec, const std::vector<std::string>& header,
                                const std::string& what);

  Encoder(Encoder&&) noexcept;
  Encoder& operator=(Encoder&&) noexcept;
  ~Encoder();

  size_t num_features() const;
  // Header index of feature i.
  size_t source_column(size_t feature) const;

  // Encodes every row of `block` (out is cleared first).
  Status encode(const RowBlock& block, OnBadRow on_bad_row, EncodedBlock& out) const;
  // Encodes one field of feature i (NaN for missing/unseen). False if a numeric field is not a
  // number.
  bool encode_field(size_t feature, std::string_view field, float& out) const;

 private:
  struct Impl;
  explicit Encoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlo

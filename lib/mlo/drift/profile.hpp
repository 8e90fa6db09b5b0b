// Mergeable per-feature profiles: the "baseline" artifact of a version (training data) and the
// summary of a scored batch, built in one streaming pass.
//
// Numeric feature: rows/nulls/type errors, count/min/max/mean/M2 (Chan's formula on merge) and
// a histogram on the REFERENCE's bin edges. A baseline keeps every value until finish() and
// picks up to `fine_bins` edges at exact quantiles of the sorted values (all distinct values
// when there are fewer), so a reference bin holds at most ~1/fine_bins of the mass unless it
// is a single repeated value. Batches are counted on those same edges with O(edges) memory.
// Bin k (0 <= k <= E) holds values x with edges[k-1] < x <= edges[k] (edges[-1] = -inf,
// edges[E] = +inf); edges[0] is the reference minimum and edges[E-1] its maximum, so bin E is
// "above the reference range"; `below_range` counts x < edges[0] (they are also in bin 0).
//
// Categorical feature: exact counts of up to `max_categories` values, the rest in `other`.
// Merging adds counts; categories beyond the cap after merging fold into `other`.
//
// Numeric values are rounded to float precision before profiling (the precision the model and
// `mlo train` see) unless keep_values is set (exact mode keeps doubles).
//
// Serialized as JSON (media type application/json), schema "mlo/profile/v1".
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/drift/samples.hpp"

namespace mlo::drift {

inline constexpr const char* kProfileMediaType = "application/json";
inline constexpr const char* kProfileSchema = "mlo/profile/v1";

enum class FeatureKind { kNumeric, kCategorical };

struct FeatureDecl {
  std::string name;
  FeatureKind kind = FeatureKind::kNumeric;
};

struct FeatureProfile {
  std::string name;
  FeatureKind kind = FeatureKind::kNumeric;
  uint64_t rows = 0;         // cells seen, including nulls and type errors
  uint64_t nulls = 0;        // empty, NA, NaN, null
  uint64_t type_errors = 0;  // non-numeric text in a numeric column (not counted in `count`)
  // numeric
  uint64_t count = 0;  // valid numeric values
  double min = 0, max = 0, mean = 0, m2 = 0;
  std::vector<double> edges;   // ascending, distinct; shared with the reference
  std::vector<uint64_t> bins;  // edges.size() + 1 counts
  uint64_t below_range = 0;    // x < edges[0]
  // categorical
  std::map<std::string, uint64_t> categories;
  uint64_t other = 0;  // values beyond the category cap

  double variance() const {
    return count > 1 ? m2 / static_cast<double>(count) : 0.0;
  }  // population
};

struct Profile {
  uint64_t rows = 0;
  std::vector<FeatureProfile> features;

  const FeatureProfile* find(std::string_view name) const;
  std::string to_json() const;
  // kInvalidInput for anything malformed (wrong schema, bins not matching edges, ...).
  static Result<Profile> from_json(std::string_view bytes, const std::string& what);
};

// Adds `other`'s counts into `into`. Features are matched by name; numeric features must share
// edges (both profiled against the same reference), else kInvalidInput.
Status merge_into(Profile& into, const Profile& other, size_t max_categories = 1000);

struct ProfileOptions {
  size_t fine_bins = 1000;       // baseline: number of quantile edges (upper bound)
  size_t max_categories = 1000;  // top-K kept, the rest go to `other`
  bool keep_values = false;      // keep sorted numeric values for exact statistics
};

namespace detail {
// Adds `other`'s rows, nulls, type errors, count, below-range and bin counts to `into`, with a
// count-weighted merge of min/max/mean/M2 (Chan et al.). Categories are the caller's: their
// caps differ between merging profiles and absorbing shards.
void merge_counts(FeatureProfile& into, const FeatureProfile& other);
}  // namespace detail

// Category values longer than this are counted under category_key(value) so that hostile
// input (megabyte-long "categories") cannot make a profile grow beyond
// max_categories * ~kMaxCategoryBytes.
inline constexpr size_t kMaxCategoryBytes = 1024;
// The first kMaxCategoryBytes - 24 bytes (cut on a UTF-8 boundary), then "…#" and 16 hex digits
// of a 64-bit FNV-1a hash of the whole value: distinct long values stay distinct in practice.
std::string category_key(std::string_view value);

// True for the missing-value spellings of the data layer: "", NA, NaN, null (any case,
// surrounding blanks ignored).
bool is_missing_token(std::string_view text);

// Streaming builder. Feed cells column by column, call end_row() after each row.
class ProfileBuilder {
 public:
  // Baseline mode: keeps every numeric value (1 to 8 bytes each, see samples.hpp) until
  // finish() so the edges are exact quantiles. Use for training/reference data.
  static ProfileBuilder baseline(std::vector<FeatureDecl> features,
                                 const ProfileOptions& options = {});
  // Batch mode: counts on `reference`'s edges and categories; memory bounded by the reference
  // size, never by the batch. keep_values additionally retains the values (exact mode).
  static ProfileBuilder against(const Profile& reference, const ProfileOptions& options = {});

  ProfileBuilder(ProfileBuilder&&) noexcept;
  ProfileBuilder& operator=(ProfileBuilder&&) noexcept;
  ~ProfileBuilder();

  size_t num_features() const;
  const FeatureDecl& feature(size_t index) const;

  void add_value(size_t feature, double value);  // numeric; NaN counts as null
  void add_missing(size_t feature);
  void add_type_error(size_t feature);
  void add_category(size_t feature, std::string_view value);  // missing tokens count as null
  // Parses raw text according to the feature's kind (missing token -> null, bad number ->
  // type error).
  void add_cell(size_t feature, std::string_view text);
  void end_row();
  // Room for `rows` more rows of kept values (a hint from a caller that knows the chunk size).
  void reserve(size_t rows);

  // For parallel profiling: an empty builder of the same kind (features, reference edges, options)
  // that counts one chunk of rows, without a category cap (a chunk bounds it).
  ProfileBuilder shard() const;
  // Adds a shard's rows as if they had been fed to this builder after everything before:
  // counts, bins and values exactly; categories in the order the shard first saw them, so the
  // cap admits the same ones. Mean and M2 merge by Chan's formula, so they match a single
  // pass within rounding (relative ~1e-15); merging the same chunks in the same order gives
  // the same bits whatever thread computed them.
  void absorb(ProfileBuilder&& shard);

  // Finishes the profile. The builder may be used for values() afterwards, nothing else.
  // Sorts kept values on up to `threads` threads (0 = one per core).
  Profile finish(int threads = 1);
  // Sorted valid numeric values of a feature, after finish() and only with keep_values
  // (exact mode); empty otherwise.
  const SortedSample& values(size_t feature) const;
  // Moves them out (values() is empty afterwards).
  SortedSample take_values(size_t feature);

 private:
  struct Impl;
  explicit ProfileBuilder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlo::drift

// Profiles: building, merging, JSON round trip; compare() on synthetic shifts.
#include <cmath>
#include <random>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mlo/drift/compare.hpp"
#include "mlo/drift/profile.hpp"
#include "mlo/drift/stats.hpp"

using namespace mlo::drift;
using Catch::Matchers::WithinAbs;

namespace {
std::vector<FeatureDecl> decls() {
  return {{"x", FeatureKind::kNumeric}, {"c", FeatureKind::kCategorical}};
}

Profile build_reference(int n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> norm(10, 2);
  auto b = ProfileBuilder::baseline(decls());
  for (int i = 0; i < n; ++i) {
    b.add_value(0, norm(rng));
    b.add_category(1, i % 3 == 0 ? "a" : (i % 3 == 1 ? "b" : "c"));
    b.end_row();
  }
  return b.finish();
}

Profile build_batch(const Profile& ref, int n, unsigned seed, double shift, double scale,
                    bool keep = false, SortedSample* values = nullptr) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> norm(10 + shift, 2 * scale);
  ProfileOptions opt;
  opt.keep_values = keep;
  auto b = ProfileBuilder::against(ref, opt);
  for (int i = 0; i < n; ++i) {
    b.add_cell(0, std::to_string(norm(rng)));
    if (b.num_features() > 1) b.add_cell(1, i % 3 == 0 ? "a" : (i % 3 == 1 ? "b" : "c"));
    b.end_row();
  }
  Profile p = b.finish();
  if (values) *values = b.values(0);
  return p;
}
}  // namespace

TEST_CASE("baseline profile has bounded quantile bins and exact moments") {
  const Profile p = build_reference(50000, 1);
  const FeatureProfile& x = p.features[0];
  CHECK(x.count == 50000);
  CHECK(x.edges.size() <= 1001);
  CHECK(x.edges.front() == x.min);
  CHECK(x.edges.back() == x.max);
  uint64_t total = 0, biggest = 0;
  for (auto c : x.bins) total += c, biggest = std::max(biggest, c);
  CHECK(total == 50000);
  CHECK(biggest <= 51);  // ~1/1000 of the mass per bin
  CHECK_THAT(x.mean, WithinAbs(10, 0.05));
  CHECK_THAT(std::sqrt(x.variance()), WithinAbs(2, 0.05));
  CHECK(p.features[1].categories.size() == 3);
}

TEST_CASE("profile JSON round trip and malformed input") {
  const Profile p = build_reference(2000, 2);
  auto back = Profile::from_json(p.to_json(), "test");
  REQUIRE(back.ok());
  CHECK(back->to_json() == p.to_json());
  CHECK(Profile::from_json("{\"schema\":\"x\"}", "t").error().code ==
        mlo::ErrorCode::kInvalidInput);
  CHECK(Profile::from_json("not json", "t").error().code == mlo::ErrorCode::kInvalidInput);
}

// Regression for a fuzz_profile finding: a count written as a huge float (or a negative or
// fractional number) was converted to uint64 with undefined behaviour.
TEST_CASE("profile counts must be non-negative integers") {
  const nlohmann::json good = nlohmann::json::parse(build_reference(500, 2).to_json());
  auto refused = [&](auto mutate, const std::string& field) {
    nlohmann::json doc = good;
    mutate(doc);
    auto r = Profile::from_json(doc.dump(), "p.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == mlo::ErrorCode::kInvalidInput);
    CHECK_THAT(r.error().message, Catch::Contains("'" + field + "'"));
  };
  refused([](auto& d) { d["rows"] = 8.88889e57; }, "rows");
  refused([](auto& d) { d["features"][0]["count"] = -1; }, "count");
  refused([](auto& d) { d["features"][0]["bins"][3] = 8.88889e57; }, "bins");
  refused([](auto& d) { d["features"][0]["below_range"] = 0.5; }, "below_range");
  refused([](auto& d) { d["features"][1]["categories"].begin().value() = 1.5; }, "categories");
}

TEST_CASE("merging batch profiles equals profiling the concatenation") {
  const Profile ref = build_reference(5000, 3);
  Profile a = build_batch(ref, 3000, 4, 0, 1);
  const Profile b = build_batch(ref, 2000, 5, 1, 1);
  auto whole = ProfileBuilder::against(ref);
  {
    std::mt19937_64 r1(4), r2(5);
    std::normal_distribution<double> n1(10, 2), n2(11, 2);
    for (int i = 0; i < 3000; ++i)
      whole.add_cell(0, std::to_string(n1(r1))),
          whole.add_cell(1, i % 3 == 0 ? "a" : (i % 3 == 1 ? "b" : "c")), whole.end_row();
    for (int i = 0; i < 2000; ++i)
      whole.add_cell(0, std::to_string(n2(r2))),
          whole.add_cell(1, i % 3 == 0 ? "a" : (i % 3 == 1 ? "b" : "c")), whole.end_row();
  }
  const Profile w = whole.finish();
  REQUIRE(merge_into(a, b).ok());
  CHECK(a.rows == 5000);
  CHECK(a.features[0].bins == w.features[0].bins);
  CHECK_THAT(a.features[0].mean, WithinAbs(w.features[0].mean, 1e-9));
  CHECK_THAT(a.features[0].m2, WithinAbs(w.features[0].m2, 1e-6));
  CHECK(a.features[1].categories == w.features[1].categories);
  Profile other = build_reference(100, 9);
  CHECK(merge_into(a, other).error().code == mlo::ErrorCode::kInvalidInput);  // different edges
}

TEST_CASE("compare: same distribution does not alarm, shifts do") {
  const Profile ref = build_reference(100000, 6);
  const Policy policy;
  auto same = compare(ref, build_batch(ref, 100000, 7, 0, 1), {}, {}, policy);
  REQUIRE(same.ok());
  CHECK_FALSE(same->drift);
  CHECK_FALSE(same->quality_failed);
  auto shifted = compare(ref, build_batch(ref, 100000, 8, 1.0, 1), {}, {}, policy);
  REQUIRE(shifted.ok());
  CHECK(shifted->drift);
  CHECK(shifted->features.front().name == "x");
  auto scaled = compare(ref, build_batch(ref, 100000, 9, 0, 2.0), {}, {}, policy);
  REQUIRE(scaled.ok());
  CHECK(scaled->drift);
}

TEST_CASE("profile statistics stay within the stated error of the exact ones") {
  ProfileOptions keep;
  keep.keep_values = true;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> norm(10, 2);
  auto rb = ProfileBuilder::baseline({{"x", FeatureKind::kNumeric}}, keep);
  for (int i = 0; i < 20000; ++i) rb.add_value(0, norm(rng)), rb.end_row();
  const Profile ref = rb.finish();
  const SortedSample ref_values = rb.values(0);
  SortedSample cur_values;
  const Profile cur =
      build_batch(Profile{ref.rows, {ref.features[0]}}, 15000, 12, 0.3, 1.2, true, &cur_values);
  std::vector<ExactSamples> ex{{&ref_values, &cur_values}};
  auto approx = compare(ref, cur, {}, {}, Policy{});
  auto exact = compare(ref, cur, ex, {}, Policy{});
  REQUIRE(approx.ok());
  REQUIRE(exact.ok());
  const auto& a = approx->features[0].stats;
  const auto& e = exact->features[0].stats;
  CHECK(std::abs(a.at("ks") - e.at("ks")) <= a.at("ks_error") + 1e-12);
  CHECK(std::abs(a.at("wasserstein") - e.at("wasserstein")) <= a.at("wasserstein_error") + 1e-12);
  CHECK(e.at("ks") == ks_statistic(ref_values, cur_values));
}

TEST_CASE("edge cases: constant column, empty batch, nulls and type errors never give NaN") {
  auto rb =
      ProfileBuilder::baseline({{"k", FeatureKind::kNumeric}, {"c", FeatureKind::kCategorical}});
  for (int i = 0; i < 100; ++i) rb.add_value(0, 5.0), rb.add_category(1, "only"), rb.end_row();
  const Profile ref = rb.finish();
  auto cb = ProfileBuilder::against(ref);
  for (int i = 0; i < 50; ++i) cb.add_cell(0, i % 2 ? "5" : "7"), cb.add_cell(1, ""), cb.end_row();
  cb.add_cell(0, "abc"), cb.add_cell(1, "new"), cb.end_row();
  auto r = compare(ref, cb.finish(), {}, {}, Policy{});
  REQUIRE(r.ok());
  for (const auto& f : r->features) {
    for (const auto& [k, v] : f.stats) CHECK(std::isfinite(v));
    for (const auto& [k, v] : f.quality) CHECK(std::isfinite(v));
  }
  CHECK(r->quality_failed);  // type error and null surge
  auto empty = compare(ref, ProfileBuilder::against(ref).finish(), {}, {}, Policy{});
  REQUIRE(empty.ok());
  CHECK(empty->quality_failed);
  CHECK_FALSE(empty->drift);
  auto missing = compare(ref, ProfileBuilder::against(ref).finish(), {}, {false, true}, Policy{});
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->features.front().present);
}

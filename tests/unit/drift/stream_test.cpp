// profile_stream on several threads: one shard per chunk, absorbed in chunk order, so the profile
// (and exact samples) do not depend on the thread count and match a plain single pass.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include <catch2/catch.hpp>

#include "mlo/drift/profile.hpp"
#include "mlo/drift/stream.hpp"

using namespace mlo::drift;

namespace {

std::vector<FeatureDecl> decls() {
  return {
      {"x", FeatureKind::kNumeric}, {"n", FeatureKind::kNumeric}, {"c", FeatureKind::kCategorical}};
}

// Rows with nulls, type errors and many categories (more than the cap used below), first seen
// spread over many chunks.
struct Input {
  std::string path = "/tmp/mlo-stream-test-" + std::to_string(::getpid()) + ".csv";
  std::vector<std::vector<std::string>> rows;
  Input() {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> norm(3, 2);
    std::ofstream out(path);
    out << "x,c,n\n";
    for (int i = 0; i < 20000; ++i) {
      std::string x = i % 97 == 0 ? "" : (i % 131 == 0 ? "oops" : std::to_string(norm(rng)));
      std::string c = "cat" + std::to_string((i * 7919) % (50 + i / 400));
      std::string n = std::to_string(i % 13);
      out << x << ',' << c << ',' << n << '\n';
      rows.push_back({x, n, c});
    }
  }
  ~Input() { std::remove(path.c_str()); }
};

Profile reference_profile() {
  auto b = ProfileBuilder::baseline(decls());
  for (int i = 0; i < 500; ++i) {
    b.add_value(0, i / 50.0);
    b.add_value(1, i % 13);
    b.add_category(2, "cat" + std::to_string(i % 5));
    b.end_row();
  }
  return b.finish();
}

ProfileOptions options() {
  ProfileOptions o;
  o.max_categories = 10;
  o.keep_values = true;
  return o;
}

}  // namespace

TEST_CASE("parallel profiling gives the same profile for 1, 2 and 4 threads") {
  Input input;
  const Profile ref = reference_profile();
  std::string first_json;
  SortedSample first_values;
  for (int threads : {1, 2, 4}) {
    auto builder = ProfileBuilder::against(ref, options());
    auto sr = profile_stream(input.path, builder,
                             StreamOptions{200, threads});  // 64 KiB chunks: 8 of them
    REQUIRE(sr.ok());
    CHECK(sr->rows == 20000);
    const std::string json = builder.finish(threads).to_json();
    if (threads == 1) {
      first_json = json;
      first_values = builder.values(0);
    } else {
      CHECK(json == first_json);
      CHECK(builder.values(0) == first_values);
    }
  }
  // Baseline mode too (edges from all values, categories capped at finish).
  std::string base_json;
  for (int threads : {1, 4}) {
    auto builder = ProfileBuilder::baseline(decls(), options());
    REQUIRE(profile_stream(input.path, builder, StreamOptions{300, threads}).ok());
    const std::string json = builder.finish(threads).to_json();
    if (threads == 1)
      base_json = json;
    else
      CHECK(json == base_json);
  }
}

TEST_CASE("chunked profile equals a single pass: counts exactly, moments within rounding") {
  Input input;
  const Profile ref = reference_profile();
  auto single = ProfileBuilder::against(ref, options());
  for (const auto& row : input.rows) {
    for (size_t f = 0; f < row.size(); ++f) single.add_cell(f, row[f]);
    single.end_row();
  }
  const Profile a = single.finish();
  auto chunked = ProfileBuilder::against(ref, options());
  REQUIRE(profile_stream(input.path, chunked, StreamOptions{200, 2}).ok());
  const Profile b = chunked.finish(2);
  REQUIRE(a.features.size() == b.features.size());
  CHECK(a.rows == b.rows);
  for (size_t f = 0; f < a.features.size(); ++f) {
    const FeatureProfile& x = a.features[f];
    const FeatureProfile& y = b.features[f];
    INFO(x.name);
    CHECK(x.rows == y.rows);
    CHECK(x.nulls == y.nulls);
    CHECK(x.type_errors == y.type_errors);
    CHECK(x.count == y.count);
    CHECK(x.min == y.min);
    CHECK(x.max == y.max);
    CHECK(x.bins == y.bins);
    CHECK(x.below_range == y.below_range);
    CHECK(x.categories == y.categories);  // the same 10 new categories admitted past the cap
    CHECK(x.other == y.other);
    CHECK(std::abs(x.mean - y.mean) <= 1e-12 * std::max(1.0, std::abs(x.mean)));
    CHECK(std::abs(x.m2 - y.m2) <= 1e-12 * std::max(1.0, std::abs(x.m2)));
  }
  CHECK(a.features[2].other > 0);  // the cap was exercised
  CHECK(a.features[0].type_errors > 0);
  CHECK(single.values(0) == chunked.values(0));
}

// SampleColumn and sort_doubles must give exactly std::sort's result (bit for bit), whatever the
// path: counting sort of int32 parts, radix sort of doubles, or the std::sort fallback.
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <random>

#include <catch2/catch.hpp>

#include "mlo/drift/compare.hpp"
#include "mlo/drift/profile.hpp"
#include "mlo/drift/samples.hpp"
#include "mlo/drift/stats.hpp"
#include "mlo/drift/stream.hpp"

using namespace mlo::drift;

namespace {

std::vector<uint64_t> bits(const std::vector<double>& v) {
  std::vector<uint64_t> b;
  for (double x : v) b.push_back(std::bit_cast<uint64_t>(x));
  return b;
}
std::vector<uint64_t> bits(const SortedSample& s) {
  return bits(s.expand());
}

// sort_doubles(v) and std::sort(v) agree bit for bit.
void check_sort(std::vector<double> v) {
  std::vector<double> expected = v;
  std::sort(expected.begin(), expected.end());
  sort_doubles(v);
  CHECK(bits(v) == bits(expected));
}

// take_sorted() of `values` pushed in order, in parts of `part` values, equals std::sort.
void check_column(const std::vector<double>& values, size_t part) {
  SampleColumn col;
  for (size_t i = 0; i < values.size(); i += part) {
    SampleColumn shard;
    shard.reserve(part);
    for (size_t j = i; j < std::min(values.size(), i + part); ++j) shard.push(values[j]);
    col.append(std::move(shard));
    CHECK(shard.size() == 0);
  }
  CHECK(col.size() == values.size());
  std::vector<double> expected = values;
  std::sort(expected.begin(), expected.end());
  CHECK(bits(col.take_sorted()) == bits(expected));
  CHECK(col.size() == 0);
}

// Random doubles over the whole range: every sign and exponent (denormals included), +-inf,
// +-0, and runs of duplicates. No NaN.
std::vector<double> wild(size_t n, uint64_t seed, bool zeros_of_both_signs) {
  std::mt19937_64 rng(seed);
  std::vector<double> v;
  const double specials[] = {std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::denorm_min(),
                             -std::numeric_limits<double>::denorm_min(),
                             std::numeric_limits<double>::min(),
                             std::numeric_limits<double>::max(),
                             -std::numeric_limits<double>::max(),
                             1.0,
                             -1.0};
  for (size_t i = 0; i < n; ++i) {
    double x;
    switch (rng() % 5) {
      case 0:
        do x = std::bit_cast<double>(rng());
        while (std::isnan(x));
        break;
      case 1:  // denormal
        x = std::bit_cast<double>(rng() & 0x800FFFFFFFFFFFFFull);
        break;
      case 2:
        x = std::normal_distribution<double>(0, 1e3)(rng);
        break;
      case 3:
        x = specials[rng() % std::size(specials)];
        break;
      default:
        x = static_cast<double>(static_cast<int>(rng() % 21) - 10);  // duplicates
    }
    v.push_back(x);
  }
  v[n / 3] = -0.0;
  if (zeros_of_both_signs) v[n / 2] = 0.0;
  return v;
}

}  // namespace

TEST_CASE("sort_doubles equals std::sort bit for bit") {
  for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{1500}, size_t{100000}}) {
    INFO(n);
    if (n >= 3) {
      check_sort(wild(n, n, false));     // -0.0 only: radix path
      check_sort(wild(n, n + 1, true));  // both zeros: std::sort's own order of equal elements
    }
    std::mt19937_64 rng(n);
    std::vector<double> v(n);
    for (auto& x : v) x = std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
    check_sort(v);
    for (auto& x : v) x = std::round(x / 1000) + 0.5;  // few distinct values, most digits equal
    check_sort(v);
  }
  std::vector<double> same(5000, 3.25);  // every pass skipped
  check_sort(same);
  std::vector<double> pos_zero(5000, 0.0);
  pos_zero[17] = std::numeric_limits<double>::denorm_min();
  check_sort(pos_zero);
}

TEST_CASE("SampleColumn keeps int32 until the first other value, and sorts like std::sort") {
  SampleColumn c;
  for (int i = 0; i < 100; ++i) c.push(i % 13 - 6);
  c.push(2147483647.0);
  c.push(-2147483648.0);
  CHECK(c.integral());
  c.push(0.0);
  CHECK(c.integral());
  SECTION("a fraction") {
    c.push(2.5);
  }
  SECTION("negative zero (int32 would make it +0.0)") {
    c.push(-0.0);
  }
  SECTION("beyond int32") {
    c.push(2147483648.0);
  }
  SECTION("a denormal") {
    c.push(std::numeric_limits<double>::denorm_min());
  }
  CHECK_FALSE(c.integral());
  c.push(4);  // stays double from now on
  CHECK_FALSE(c.integral());
  CHECK(c.size() == 105);
  const std::vector<double> v = c.take_sorted().expand();
  CHECK(v.size() == 105);
  CHECK(std::is_sorted(v.begin(), v.end()));
}

TEST_CASE("SampleColumn parts: counting sort, radix sort, mixed parts, both zeros") {
  std::mt19937_64 rng(3);
  std::vector<double> small_ints, wide_ints, mixed, zeros, widening, jump;
  for (int i = 0; i < 20000; ++i) {
    small_ints.push_back(static_cast<double>(rng() % 60) - 20);             // counting sort
    wide_ints.push_back(static_cast<double>(static_cast<int32_t>(rng())));  // radix sort
    // Integral in the first parts, then fractions: int and double parts side by side.
    mixed.push_back(i < 12000 ? static_cast<double>(rng() % 500) : (rng() % 5000) / 8.0);
    zeros.push_back(i % 3 == 0 ? 0.0 : (i % 3 == 1 ? -0.0 : static_cast<double>(rng() % 4)));
    // int8, then int16, then int32, then doubles within one part
    widening.push_back(i < 5000    ? static_cast<double>(rng() % 200) - 100
                       : i < 10000 ? static_cast<double>(rng() % 60000) - 30000
                       : i < 15000 ? static_cast<double>(static_cast<int32_t>(rng()))
                                   : static_cast<double>(rng() % 1000) / 3);
    // int8 straight to int32 and back to small values
    jump.push_back(i == 7000 ? 2e9 : static_cast<double>(rng() % 100));
  }
  for (size_t part : {size_t{1000}, size_t{4096}, size_t{20000}}) {
    INFO(part);
    check_column(small_ints, part);
    check_column(wide_ints, part);
    check_column(mixed, part);
    check_column(zeros, part);  // -0.0 parts are doubles, +0.0 int: std::sort on push order
    check_column(widening, part);
    check_column(jump, part);
    check_column(std::vector<double>(20000, 2.5), part);  // no radix pass moves anything
  }
  SampleColumn empty;
  CHECK(empty.take_sorted().empty());
}

TEST_CASE("exact-mode batch bins counted on the sorted values equal the per-value count") {
  auto base = ProfileBuilder::baseline({{"x", FeatureKind::kNumeric}}, ProfileOptions{8, 10});
  for (int i = 0; i < 100; ++i) base.add_value(0, i / 4.0), base.end_row();
  const Profile ref = base.finish();
  REQUIRE(ref.features[0].edges.size() == 9);  // the minimum and 8 quantiles
  ProfileOptions keep;
  keep.keep_values = true;
  auto a = ProfileBuilder::against(ref, {});
  auto b = ProfileBuilder::against(ref, keep);
  std::mt19937_64 rng(5);
  for (int i = 0; i < 3000; ++i) {
    // Below, inside and above the reference range, and exactly on edges.
    const double x = i % 7 == 0 ? ref.features[0].edges[rng() % 9]
                                : std::uniform_real_distribution<double>(-5, 30)(rng);
    a.add_value(0, x);
    b.add_value(0, x);
    a.end_row();
    b.end_row();
  }
  const Profile pa = a.finish(), pb = b.finish(2);
  CHECK(pa.features[0].bins == pb.features[0].bins);
  CHECK(pa.features[0].below_range == pb.features[0].below_range);
  CHECK(pa.features[0].below_range > 0);
  CHECK(pa.features[0].bins.back() > 0);
}

TEST_CASE("kept samples are the same for 1, 2 and 4 threads when a column turns non-integral") {
  const std::string path = "/tmp/mlo-samples-test-" + std::to_string(::getpid()) + ".csv";
  std::vector<double> k_values;
  {
    std::ofstream out(path);
    out << "k,c\n";
    std::mt19937_64 rng(11);
    for (int i = 0; i < 20000; ++i) {
      // integral for the first ~60% (several chunks), then some halves and a -0.0
      const bool late = i > 12000 && i % 5 == 0;
      const std::string k = i == 15000 ? "-0.0"
                            : late     ? std::to_string(rng() % 90) + ".5"
                                       : std::to_string(rng() % 90);
      out << k << ",c" << i % 3 << '\n';
      k_values.push_back(std::stod(k));
    }
  }
  std::sort(k_values.begin(), k_values.end());
  ProfileOptions o;
  o.keep_values = true;
  std::string first_json;
  for (int threads : {1, 2, 4}) {
    INFO(threads);
    auto builder = ProfileBuilder::baseline(
        {{"k", FeatureKind::kNumeric}, {"c", FeatureKind::kCategorical}}, o);
    REQUIRE(profile_stream(path, builder, StreamOptions{300, threads}).ok());
    const std::string json = builder.finish(threads).to_json();
    if (threads == 1) first_json = json;
    CHECK(json == first_json);
    CHECK(bits(builder.values(0)) == bits(k_values));
  }
  std::remove(path.c_str());
}

namespace {
SortedSample sample_of(const std::vector<double>& values) {
  SampleColumn c;
  for (double x : values) c.push(x);
  return c.take_sorted();
}
}  // namespace

TEST_CASE("statistics on runs equal those on the expanded values, bit for bit") {
  std::mt19937_64 rng(17);
  std::vector<double> ints_a, ints_b, doubles_b;
  for (int i = 0; i < 5000; ++i) {
    ints_a.push_back(static_cast<double>(rng() % 24));
    ints_b.push_back(static_cast<double>(rng() % 30) - 3);
    doubles_b.push_back(static_cast<double>(rng() % 40) / 2 - 0.0);
  }
  doubles_b[9] = -0.0;  // a -0.0 run among plain values, tied with the runs' 0
  const SortedSample a = sample_of(ints_a), b = sample_of(ints_b), c = sample_of(doubles_b);
  REQUIRE(a.as_runs());
  REQUIRE(b.as_runs());
  REQUIRE_FALSE(c.as_runs());
  const std::vector<double> ea = a.expand(), eb = b.expand(), ec = c.expand();
  for (const auto& [x, ex] : {std::pair{&a, &ea}, {&b, &eb}, {&c, &ec}}) {
    for (const auto& [y, ey] : {std::pair{&a, &ea}, {&b, &eb}, {&c, &ec}}) {
      CHECK(std::bit_cast<uint64_t>(ks_statistic(*x, *y)) ==
            std::bit_cast<uint64_t>(ks_statistic(*ex, *ey)));
      CHECK(std::bit_cast<uint64_t>(wasserstein_sorted(*x, *y)) ==
            std::bit_cast<uint64_t>(wasserstein_sorted(*ex, *ey)));
    }
    for (size_t r = 0; r < ex->size(); r += 37) CHECK((*x)[r] == (*ex)[r]);
    CHECK((*x)[ex->size() - 1] == ex->back());
    for (double q : {0.0, 0.1, 0.25, 0.5, 0.9, 1.0})
      CHECK(quantile_linear(*x, q) == quantile_linear(SortedSample(*ex), q));
  }
  CHECK(ks_statistic(a, b) > 0);
  CHECK(wasserstein_sorted(a, c) > 0);
}

TEST_CASE("merge_samples equals std::sort of the files' values concatenated") {
  std::mt19937_64 rng(23);
  std::vector<double> f1, f2, f3;
  for (int i = 0; i < 3000; ++i) {
    f1.push_back(static_cast<double>(rng() % 50));
    f2.push_back(static_cast<double>(rng() % 70) - 10);
    f3.push_back(i % 100 == 0 ? -0.0 : static_cast<double>(rng() % 50) / 4);
  }
  auto expected = [](std::vector<std::vector<double>> files) {
    std::vector<double> all;  // drift's old way: each file sorted, concatenated, sorted again
    for (auto& f : files) {
      std::sort(f.begin(), f.end());
      all.insert(all.end(), f.begin(), f.end());
    }
    std::sort(all.begin(), all.end());
    return bits(all);
  };
  const SortedSample runs = merge_samples({sample_of(f1), sample_of(f2)});
  CHECK(runs.as_runs());
  CHECK(bits(runs) == expected({f1, f2}));
  CHECK(bits(merge_samples({sample_of(f1), sample_of(f3), sample_of(f2)})) ==
        expected({f1, f3, f2}));
  CHECK(bits(merge_samples({SortedSample(), sample_of(f3)})) == expected({f3}));
  CHECK(merge_samples({}).empty());
}

TEST_CASE("add_cell reads integer text exactly as from_chars does") {
  const std::vector<std::string> cells = {
      "7",          "-12",        "+5", "-0",  "0",    "007",  "-007", "999999999",
      "1000000000", "-999999999", "-",  "1e3", "12.0", " 42 ", "-+3",  "+-3"};
  ProfileOptions o;
  o.keep_values = true;
  auto b = ProfileBuilder::baseline({{"x", FeatureKind::kNumeric}}, o);
  std::vector<double> expected;
  uint64_t errors = 0;
  for (const auto& cell : cells) {
    b.add_cell(0, cell);
    b.end_row();
    std::string_view t = cell;
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    double v = 0;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc() && ptr == t.data() + t.size())
      expected.push_back(v);
    else
      ++errors;
  }
  const Profile p = b.finish();
  CHECK(p.features[0].type_errors == errors);
  CHECK(errors == 2);  // "-" and "-+3" ("+-3" is "-3" once the + is dropped)
  std::sort(expected.begin(), expected.end());
  CHECK(bits(b.values(0)) == bits(expected));
}

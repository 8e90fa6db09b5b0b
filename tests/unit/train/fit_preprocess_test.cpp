// fit_preprocess: category order and cap, missing values, numeric statistics, bad columns.
#include <cmath>

#include <catch2/catch.hpp>

#include "mlo/train/fit_preprocess.hpp"

using namespace mlo;
using namespace mlo::train;
using Catch::Matchers::WithinAbs;

namespace {

Table make_table() {
  Table t;
  TableColumn num{"n", TableColumn::Type::kNumeric, {1.0f, 2.0f, NAN, 3.0f, 4.0f, 5.0f}, {}};
  TableColumn cat{"c", TableColumn::Type::kString, {}, {"b", "a", "", "c", "b", "a"}};
  TableColumn empty{"e", TableColumn::Type::kString, {}, {"", "", "", "", "", ""}};
  t.columns = {num, cat, empty};
  t.rows = 6;
  return t;
}

}  // namespace

TEST_CASE("categories are ordered by frequency, ties by name, missing is not a level") {
  auto spec = fit_preprocess(make_table(), {}, {"c"});
  REQUIRE(spec.ok());
  REQUIRE(spec->features.size() == 1);
  CHECK(spec->features[0].type == FeatureEncoding::Type::kCategorical);
  CHECK(spec->features[0].categories == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("max_categories keeps the most frequent levels") {
  auto spec = fit_preprocess(make_table(), {}, {"c"}, FitOptions{2});
  REQUIRE(spec.ok());
  CHECK(spec->features[0].categories == std::vector<std::string>{"a", "b"});
}

TEST_CASE("numeric features get mean and population std of the present values") {
  auto spec = fit_preprocess(make_table(), {"n"}, {"c"});
  REQUIRE(spec.ok());
  REQUIRE(spec->features.size() == 2);
  const auto& f = spec->features[0];  // numeric first, then categorical
  CHECK(f.name == "n");
  CHECK(f.type == FeatureEncoding::Type::kNumeric);
  CHECK_THAT(f.mean, WithinAbs(3.0, 1e-12));
  CHECK_THAT(f.std, WithinAbs(std::sqrt(2.0), 1e-12));
  CHECK(std::isnan(f.impute));  // no imputation: trees learn a default direction
  CHECK(spec->features[1].name == "c");
}

TEST_CASE("bad columns are invalid input naming the column") {
  auto missing = fit_preprocess(make_table(), {"zz"}, {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(missing.error().message, Catch::Contains("'zz'"));
  auto text_as_number = fit_preprocess(make_table(), {"c"}, {});
  REQUIRE_FALSE(text_as_number.ok());
  CHECK_THAT(text_as_number.error().message, Catch::Contains("holds text"));
  auto empty = fit_preprocess(make_table(), {}, {"e"});
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.error().message, Catch::Contains("no values"));
}

// BatchScorer's row validation: labels (binary 0/1, regression numbers, blanks unlabelled),
// score columns, missing columns, tasks without label support; quote_value's escaping.
#include <catch2/catch.hpp>

#include "mlo/monitor/batch_scorer.hpp"

using namespace mlo;
using namespace mlo::monitor;

namespace {

ModelVersion version(const std::string& task) {
  ModelVersion mv;
  mv.name = "m";
  mv.version = 3;
  mv.task = task;
  mv.target = "y";
  return mv;
}

// One block of `rows` rows over columns id, y, s, g (lines 2..).
RowBlock block(const std::vector<std::vector<std::string_view>>& rows) {
  RowBlock b;
  b.cols = 4;
  uint64_t line = 2;
  for (const auto& r : rows) {
    b.fields.insert(b.fields.end(), r.begin(), r.end());
    b.row_ids.push_back(line - 2);
    b.lines.push_back(line++);
  }
  return b;
}

const std::vector<std::string> kHeader{"id", "y", "s", "g"};

BatchScorer scorer(const std::string& task, const std::string& slice = "") {
  ScorerOptions o;
  o.labels = true;
  o.score_column = "s";
  o.slice_by = slice;
  auto s = BatchScorer::create(version(task), o, nullptr, nullptr);
  REQUIRE(s.ok());
  return std::move(*s);
}

}  // namespace

TEST_CASE("batch scorer: binary labels must be 0 or 1; blanks are unlabelled") {
  auto s = scorer("binary", "g");
  REQUIRE(s.on_block("b.csv", kHeader,
                     block({{"1", "1", "0.9", "x"},
                            {"2", "0", "0.2", ""},
                            {"3", "", "0.5", "x"},
                            {"4", "NA", "0.5", "x"}}))
              .ok());
  auto stats = s.label_stats();
  REQUIRE(stats);
  CHECK(stats->labelled == 2);
  CHECK(stats->unlabelled == 2);
  auto result = s.concept_result({}, drift::ConceptPolicy{});
  REQUIRE(result);
  bool blank_slice = false;
  for (const auto& slice : result->slices) blank_slice |= slice.slice == kBlankSlice;
  CHECK(blank_slice);

  auto bad = s.on_block("b.csv", kHeader, block({{"5", "2", "0.5", "x"}}));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK(bad.error().message == "b.csv: line 2: label '2' in column 'y' is not 0 or 1");
  bad = s.on_block("b.csv", kHeader, block({{"5", "yes", "0.5", "x"}}));
  CHECK(bad.error().message == "b.csv: line 2: label 'yes' in column 'y' is not a number");
  bad = s.on_block("b.csv", kHeader, block({{"5", "1", "high", "x"}}));
  CHECK(bad.error().message == "b.csv: line 2: score 'high' in column 's' is not a number");
  bad = s.on_block("b.csv", kHeader, block({{"5", "1", "inf", "x"}}));
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("batch scorer: regression labels are any finite number") {
  auto s = scorer("regression");
  REQUIRE(
      s.on_block("r.csv", kHeader, block({{"1", "12.5", "11", ""}, {"2", "-3", "-2", ""}})).ok());
  CHECK(s.label_stats()->labelled == 2);
  auto bad = s.on_block("r.csv", kHeader, block({{"3", "nope", "1", ""}}));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "r.csv: line 2: label 'nope' in column 'y' is not a number");
}

TEST_CASE("batch scorer: missing columns and unsupported tasks are invalid input") {
  auto s = scorer("binary", "region");
  auto r = s.on_block("b.csv", kHeader, block({{"1", "1", "0.5", "x"}}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "b.csv: no slice column 'region'");
  ScorerOptions o;
  o.labels = true;
  o.score_column = "s";
  o.label_column = "label";
  auto nolabel = BatchScorer::create(version("binary"), o, nullptr, nullptr);
  REQUIRE(nolabel.ok());
  CHECK(nolabel->on_block("b.csv", kHeader, block({{"1", "1", "0.5", "x"}})).error().message ==
        "b.csv: no label column 'label'");
  auto multi = BatchScorer::create(version("multiclass"), o, nullptr, nullptr);
  REQUIRE_FALSE(multi.ok());
  CHECK(multi.error().message ==
        "m:3: labels: task 'multiclass' is not supported (binary, regression)");
  ModelVersion untargeted = version("binary");
  untargeted.target.clear();
  o.label_column.clear();
  CHECK(BatchScorer::create(untargeted, o, nullptr, nullptr).error().code ==
        ErrorCode::kInvalidInput);
  ScorerOptions no_scores;  // no score column and no predictor: nothing to score with
  CHECK(BatchScorer::create(version("binary"), no_scores, nullptr, nullptr).error().code ==
        ErrorCode::kInvalidInput);
}

TEST_CASE("quote_value: quoted, escaped, at most ~80 bytes") {
  CHECK(quote_value("abc") == "'abc'");
  CHECK(quote_value("a\tb\xc3\xa9") == "'a\\x09b\\xc3\\xa9'");
  const std::string q = quote_value(std::string(500, 'x'));
  CHECK(q.size() < 90);
  CHECK(q.substr(q.size() - 4) == "...'");
}

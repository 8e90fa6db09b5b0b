#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "mlo/data/table.hpp"
#include "mlo/model/native_forest.hpp"
#include "mlo/score/row_formatter.hpp"
#include "mlo/score/score_batch.hpp"

using namespace mlo;

namespace {

struct Dir {
  std::filesystem::path path;
  Dir() {
    std::string t = (std::filesystem::temp_directory_path() / "mlo-score-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~Dir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& n) const { return (path / n).string(); }
};

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

PreprocessSpec spec() {
  PreprocessSpec s;
  s.features = {{"x", FeatureEncoding::Type::kNumeric, NAN, NAN, NAN, {}},
                {"c", FeatureEncoding::Type::kCategorical, NAN, NAN, NAN, {"a", "b", "c"}}};
  return s;
}

// A small binary model trained on y = (x > 0) xor (c == "b"), plus a CSV to score.
struct Fixture {
  Dir dir;
  std::string model_bytes;
  std::string csv;
  Fixture() {
    std::mt19937 rng(5);
    std::normal_distribution<float> nd;
    std::vector<float> x;
    std::vector<float> y;
    std::string text = "id,c,x\n";
    const char* cats[] = {"a", "b", "c", "zz", ""};
    for (int i = 0; i < 3000; ++i) {
      float v = nd(rng);
      int c = static_cast<int>(rng() % 5);
      bool missing = rng() % 10 == 0;
      text += std::to_string(i) + "," + cats[c] + "," +
              (missing ? std::string("NA") : std::to_string(v)) + "\n";
      x.push_back(missing ? NAN : v);
      x.push_back(c < 3 ? static_cast<float>(c) : NAN);
      y.push_back(((v > 0) != (c == 1)) ? 1.0f : 0.0f);
    }
    csv = dir.file("in.csv");
    std::ofstream(csv) << text;
    TrainOptions opt;
    opt.params = {{"objective", "binary:logistic"}, {"max_depth", "3"}};
    opt.num_boost_round = 10;
    opt.nthread = 1;
    auto m = XgbModel::train(DenseView{x.data(), y.size(), 2}, y, nullptr, nullptr, opt);
    REQUIRE(m.ok());
    model_bytes = *m->save_ubjson();
  }
};

}  // namespace

TEST_CASE("score: output equals XgbModel::predict on the same encoding, for any threads/chunks") {
  Fixture fx;
  auto table = read_table(fx.csv, ReadOptions{{}, {"c"}, {}, 1, OnBadRow::kFail, {}});
  REQUIRE(table.ok());
  auto x = encode_table(spec(), *table);
  REQUIRE(x.ok());
  auto model = XgbModel::load(fx.model_bytes);
  std::vector<float> want;
  REQUIRE(model->predict(DenseView{x->data(), table->rows, 2}, want, 1).ok());
  std::string expected = "id,score,label\n";
  for (size_t i = 0; i < want.size(); ++i)
    expected += fmt::format("{},{},{}\n", i, want[i], want[i] >= 0.5f ? 1 : 0);

  for (Engine engine : {Engine::kAuto, Engine::kXgboost}) {
    auto pred = Predictor::from_bytes(fx.model_bytes, spec(), "binary", engine);
    REQUIRE(pred.ok());
    // The native engine names the kernel its forest runs (which one NativeForest picks is
    // tested in unit/model); XGBoost none.
    auto forest = NativeForest::from_bytes(fx.model_bytes);
    REQUIRE(forest.ok());
    CHECK(pred->kernel() ==
          (engine == Engine::kXgboost ? "" : NativeForest::path_name(forest->path())));
    for (int threads : {1, 3}) {
      ScoreOptions o;
      o.input = fx.csv;
      o.output = fx.dir.file("out.csv");
      o.threads = threads;
      o.chunk_bytes = threads == 1 ? (2u << 20) : 1000;
      o.columns = std::vector<std::string>{"id"};
      auto sum = score_batch(*pred, o);
      REQUIRE(sum.ok());
      CHECK(sum->rows_in == 3000);
      CHECK(sum->rows_out == 3000);
      CHECK(sum->unseen_categories > 0);
      CHECK(slurp(o.output) == expected);
    }
  }
}

TEST_CASE("score: shards partition rows; errors leave no output") {
  Fixture fx;
  auto pred = Predictor::from_bytes(fx.model_bytes, spec(), "binary", Engine::kAuto);
  REQUIRE(pred.ok());
  uint64_t total = 0;
  for (uint64_t k = 0; k < 4; ++k) {
    ScoreOptions o;
    o.input = fx.csv;
    o.output = fx.dir.file("s.csv");
    o.shard_index = k;
    o.shard_count = 4;
    o.chunk_bytes = 4096;
    o.columns = std::vector<std::string>{"id"};
    auto sum = score_batch(*pred, o);
    REQUIRE(sum.ok());
    total += sum->rows_out;
    CHECK(sum->rows_other_shards == 3000 - sum->rows_out);
    std::string out = slurp(o.output);
    CHECK(out.substr(0, 17) == "id,score,label\n" + std::to_string(k) + ",");
  }
  CHECK(total == 3000);

  ScoreOptions bad;
  bad.input = fx.csv;
  bad.output = fx.dir.file("bad.csv");
  bad.columns = std::vector<std::string>{"nope"};
  auto r = score_batch(*pred, bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidInput);
  CHECK_FALSE(std::filesystem::exists(bad.output));
  bad.columns.reset();
  bad.shard_index = 2;
  bad.shard_count = 2;
  CHECK(score_batch(*pred, bad).error().code == ErrorCode::kUsage);
  // A ragged row late in the file fails the run after chunks were already written.
  std::ofstream(fx.csv, std::ios::app) << "1,2\n";
  bad.shard_index = 0;
  bad.shard_count = 1;
  bad.chunk_bytes = 1000;
  r = score_batch(*pred, bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == fx.csv + ": line 3002: expected 3 fields, got 2");
  CHECK_FALSE(std::filesystem::exists(bad.output));
  CHECK(std::distance(std::filesystem::directory_iterator(fx.dir.path), {}) == 2);  // in.csv, s.csv
}

TEST_CASE("score: feature count mismatch between model and spec is caught at load") {
  Fixture fx;
  PreprocessSpec one;
  one.features = {{"x", FeatureEncoding::Type::kNumeric, NAN, NAN, NAN, {}}};
  auto p = Predictor::from_bytes(fx.model_bytes, one, "binary", Engine::kAuto);
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().code == ErrorCode::kInvalidInput);
  CHECK(p.error().message == "the model expects 2 features, the preprocess spec has 1");
}

TEST_CASE("formatter: csv and jsonl rows, collisions, json numbers") {
  for (const char* yes : {"0", "-1", "12.5", "1e3", "-0.5E-2"}) CHECK(is_json_number(yes));
  for (const char* no : {"", "01", "+1", "1.", ".5", "1e", "abc", "1,5"})
    CHECK_FALSE(is_json_number(no));
  auto clash = RowFormatter::create(OutputFormat::kCsv, {"score"}, {0}, "binary", 1, 0.5);
  REQUIRE_FALSE(clash.ok());
  RowBlock block;
  block.cols = 2;
  block.fields = {"7", "a \"q\""};
  block.lines = {2};
  block.row_ids = {0};
  const float scores[] = {0.25f};
  auto csv = RowFormatter::create(OutputFormat::kCsv, {"id", "name"}, {0, 1}, "binary", 1, 0.2);
  REQUIRE(csv.ok());
  std::string out = csv->header();
  csv->append(block, 0, scores, out);
  CHECK(out == "id,name,score,label\n7,\"a \"\"q\"\"\",0.25,1\n");
  auto js =
      RowFormatter::create(OutputFormat::kJsonl, {"id", "name"}, {0, 1}, "regression", 1, 0.5);
  out.clear();
  js->append(block, 0, scores, out);
  CHECK(out == "{\"id\":7,\"name\":\"a \\\"q\\\"\",\"score\":0.25}\n");
  const float probs[] = {0.1f, 0.7f, 0.2f};
  auto multi = RowFormatter::create(OutputFormat::kCsv, {}, {}, "multiclass", 3, 0.5);
  out = multi->header();
  multi->append(block, 0, probs, out);
  CHECK(out == "score_0,score_1,score_2,label\n0.1,0.7,0.2,1\n");
}

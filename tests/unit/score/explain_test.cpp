#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "mlo/score/explain.hpp"
#include "mlo/score/score_batch.hpp"

using namespace mlo;

TEST_CASE("explain: top-K by |contribution|, ties in feature order, k clamped") {
  const float c[] = {0.1f, -0.5f, 0.3f, 0.5f, 0.0f};
  std::vector<uint32_t> order;
  top_contributions(c, 5, 3, order);
  CHECK(order == std::vector<uint32_t>{1, 3, 2});  // |-0.5| == |0.5|: feature 1 first
  top_contributions(c, 5, 1, order);
  CHECK(order == std::vector<uint32_t>{1});
  top_contributions(c, 5, 9, order);
  CHECK(order == std::vector<uint32_t>{1, 3, 2, 0, 4});
  top_contributions(c, 0, 2, order);
  CHECK(order.empty());
}

TEST_CASE("explain: K is validated against the feature count") {
  const std::vector<std::string> names{"a", "b", "c"};
  for (size_t k : {size_t{0}, size_t{4}}) {
    auto f = ExplainFormatter::create(OutputFormat::kCsv, names, ExplainOptions{k, false});
    REQUIRE_FALSE(f.ok());
    CHECK(f.error().code == ErrorCode::kUsage);
    CHECK(f.error().message == "cannot explain the top " + std::to_string(k) +
                                   " features of a model with 3 "
                                   "(expected 1..3 or all)");
  }
  auto all = ExplainFormatter::create(OutputFormat::kCsv, names, ExplainOptions{0, true});
  REQUIRE(all.ok());
  CHECK(all->top_k() == 3);
  CHECK(all->bias());
  CHECK(all->columns() == std::vector<std::string>{"explain", "explain_bias"});
  auto one = ExplainFormatter::create(OutputFormat::kCsv, names, ExplainOptions{3, false});
  REQUIRE(one.ok());
  CHECK(one->columns() == std::vector<std::string>{"explain"});
  CHECK_FALSE(ExplainFormatter::create(OutputFormat::kCsv, {}, ExplainOptions{0, true}).ok());
}

TEST_CASE("explain: CSV and JSON Lines text, signed shortest floats, quoting") {
  const float c[] = {0.125f, -0.045f, 1e-5f, 0.0f, 2.5f};  // 4 features + bias
  std::vector<uint32_t> order;
  std::string explain, bias;
  auto csv = ExplainFormatter::create(OutputFormat::kCsv, {"dist", "origin", "a,b", "z"},
                                      ExplainOptions{2, false});
  REQUIRE(csv.ok());
  csv->format(c, order, explain, bias);
  CHECK(explain == "dist=+0.125;origin=-0.045");
  CHECK(bias.empty());
  auto all = ExplainFormatter::create(OutputFormat::kCsv, {"dist", "origin", "a,b", "z"},
                                      ExplainOptions{0, true});
  all->format(c, order, explain, bias);
  CHECK(explain == "\"dist=+0.125;origin=-0.045;a,b=+1e-05;z=+0\"");  // quoted: a comma
  CHECK(bias == "2.5");
  auto js = ExplainFormatter::create(OutputFormat::kJsonl, {"dist", "or\"igin", "a,b", "z"},
                                     ExplainOptions{3, false});
  js->format(c, order, explain, bias);
  CHECK(explain == "{\"dist\":0.125,\"or\\\"igin\":-0.045,\"a,b\":1e-05}");
}

namespace {

struct Dir {
  std::filesystem::path path;
  Dir() {
    std::string t = (std::filesystem::temp_directory_path() / "mlo-explain-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~Dir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& n) const { return (path / n).string(); }
};

PreprocessSpec three_numeric() {
  PreprocessSpec s;
  for (const char* n : {"x0", "x1", "x2"})
    s.features.push_back({n, FeatureEncoding::Type::kNumeric, NAN, NAN, NAN, {}});
  return s;
}

// Parses "name=+v;name=-v" into (name, value) pairs.
std::vector<std::pair<std::string, double>> parse_explain(const std::string& field) {
  std::vector<std::pair<std::string, double>> out;
  std::stringstream ss(field);
  std::string item;
  while (std::getline(ss, item, ';')) {
    auto eq = item.find('=');
    out.emplace_back(item.substr(0, eq), std::stod(item.substr(eq + 1)));
  }
  return out;
}

}  // namespace

TEST_CASE("explain: score_batch rows carry XGBoost's contributions; they sum to the margin") {
  Dir dir;
  std::mt19937 rng(3);
  std::normal_distribution<float> nd;
  std::vector<float> x, y;
  std::string text = "x0,x1,x2\n";
  const size_t rows = 2 * kExplainRows + 100;  // several contribution blocks in one chunk
  for (size_t i = 0; i < rows; ++i) {
    float a = nd(rng), b = nd(rng), c = nd(rng);
    const bool missing = i % 7 == 0;
    text += std::to_string(a) + "," + (missing ? std::string("NA") : std::to_string(b)) + "," +
            std::to_string(c) + "\n";
    x.insert(x.end(), {std::stof(std::to_string(a)), missing ? NAN : std::stof(std::to_string(b)),
                       std::stof(std::to_string(c))});
    y.push_back(a + 0.5f * b > 0 ? 1.0f : 0.0f);
  }
  const std::string csv = dir.file("in.csv");
  std::ofstream(csv) << text;
  TrainOptions opt;
  opt.params = {{"objective", "binary:logistic"}, {"max_depth", "3"}};
  opt.num_boost_round = 8;
  opt.nthread = 1;
  auto model = XgbModel::train(DenseView{x.data(), rows, 3}, y, nullptr, nullptr, opt);
  REQUIRE(model.ok());
  std::vector<float> margin, contrib;
  REQUIRE(model->predict_margin(DenseView{x.data(), rows, 3}, margin, 1).ok());
  REQUIRE(model->contributions(DenseView{x.data(), rows, 3}, contrib, 1).ok());
  const std::string bytes = *model->save_ubjson();

  for (Engine engine : {Engine::kNative, Engine::kXgboost}) {
    auto pred = Predictor::from_bytes(bytes, three_numeric(), "binary", engine, true);
    REQUIRE(pred.ok());
    ScoreOptions o;
    o.input = csv;
    o.output = dir.file("out.csv");
    o.threads = 2;
    o.explain = ExplainOptions{0, true};
    auto sum = score_batch(*pred, o);
    REQUIRE(sum.ok());
    CHECK(sum->output_columns ==
          std::vector<std::string>{"score", "label", "explain", "explain_bias"});
    std::ifstream in(o.output);
    std::string line;
    std::getline(in, line);
    CHECK(line == "score,label,explain,explain_bias");
    size_t r = 0;
    double worst = 0;
    while (std::getline(in, line)) {
      // score,label,explain,bias (no feature name needs quoting here)
      const size_t c2 = line.find(',', line.find(',') + 1), c3 = line.rfind(',');
      auto parts = parse_explain(line.substr(c2 + 1, c3 - c2 - 1));
      REQUIRE(parts.size() == 3);
      double total = std::stod(line.substr(c3 + 1));
      CHECK(total == Approx(contrib[r * 4 + 3]).margin(1e-7));
      for (auto& [name, v] : parts) {
        const size_t f = static_cast<size_t>(name[1] - '0');
        worst = std::max(
            worst, std::fabs(static_cast<double>(static_cast<float>(v) - contrib[r * 4 + f])));
        total += v;
      }
      CHECK(std::fabs(parts[0].second) >= std::fabs(parts[2].second));
      CHECK(total == Approx(margin[r]).margin(1e-5));
      ++r;
    }
    CHECK(r == rows);
    CHECK(worst == 0.0);  // shortest round-trip text: the same floats
  }

  // Without contributions at load, or with a challenger, explanations are refused.
  auto plain = Predictor::from_bytes(bytes, three_numeric(), "binary", Engine::kNative);
  std::vector<float> out;
  CHECK(plain->contributions(x.data(), 1, out).error().code == ErrorCode::kInvalidInput);
  ScoreOptions bad;
  bad.input = csv;
  bad.output = dir.file("bad.csv");
  bad.explain = ExplainOptions{4, false};
  auto pred = Predictor::from_bytes(bytes, three_numeric(), "binary", Engine::kAuto, true);
  CHECK(score_batch(*pred, bad).error().code == ErrorCode::kUsage);
  CHECK_FALSE(std::filesystem::exists(bad.output));
  bad.explain = ExplainOptions{1, false};
  ChallengerOptions ch;
  ch.predictor = &*pred;
  bad.challenger = ch;
  CHECK(score_batch(*pred, bad).error().code == ErrorCode::kUsage);
  CHECK_FALSE(std::filesystem::exists(bad.output));
}

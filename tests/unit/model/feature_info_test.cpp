#include "mlo/model/feature_info.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "model_test_data.hpp"

namespace mlo {
namespace {

// A real (XGBoost-trained) model's JSON with `learner` entries replaced by `fields`.
std::string model_json(const nlohmann::json& fields) {
  static const std::string trained = [] {
    test::Data d = test::make_data(200, 3, test::Task::kBinary, 1);
    TrainOptions opt;
    opt.params = {{"objective", "binary:logistic"}};
    opt.num_boost_round = 2;
    auto model = XgbModel::train(d.view(), d.y, nullptr, nullptr, opt);
    REQUIRE(model.ok());
    auto bytes = model->save_json();
    REQUIRE(bytes.ok());
    return *bytes;
  }();
  nlohmann::json doc = nlohmann::json::parse(trained);
  for (const auto& [key, value] : fields.items()) doc["learner"][key] = value;
  return doc.dump();
}

}  // namespace

TEST_CASE("embedded_features reads names and types from JSON", "[model][feature_info]") {
  auto f = embedded_features(model_json(
      {{"feature_names", {"distance", "origin", "n"}}, {"feature_types", {"float", "c", "int"}}}));
  REQUIRE(f.ok());
  REQUIRE(f->size() == 3);
  CHECK((*f)[0].name == "distance");
  CHECK_FALSE((*f)[0].categorical);
  CHECK((*f)[1].name == "origin");
  CHECK((*f)[1].categorical);
  CHECK_FALSE((*f)[2].categorical);
}

TEST_CASE("embedded_features reads UBJSON and names without types", "[model][feature_info]") {
  nlohmann::json doc = nlohmann::json::parse(model_json({{"feature_names", {"a", "b", "c"}}}));
  std::vector<uint8_t> ubj = nlohmann::json::to_ubjson(doc, true, true);
  auto f =
      embedded_features(std::string_view(reinterpret_cast<const char*>(ubj.data()), ubj.size()));
  REQUIRE(f.ok());
  REQUIRE(f->size() == 3);
  CHECK((*f)[1].name == "b");
  CHECK_FALSE((*f)[1].categorical);
}

TEST_CASE("embedded_features: a model without names gives an empty list", "[model][feature_info]") {
  auto f = embedded_features(model_json({{"feature_names", nlohmann::json::array()}}));
  REQUIRE(f.ok());
  CHECK(f->empty());
  auto g = embedded_features(model_json(nlohmann::json::object()));  // as XGBoost saved it
  REQUIRE(g.ok());
  CHECK(g->empty());
}

TEST_CASE("embedded_features rejects inconsistent feature info", "[model][feature_info]") {
  CHECK(embedded_features(model_json({{"feature_names", {"a", "b"}}, {"feature_types", {"c"}}}))
            .error()
            .code == ErrorCode::kInvalidInput);
  CHECK(embedded_features(model_json({{"feature_names", {"a"}}, {"feature_types", {"x"}}}))
            .error()
            .code == ErrorCode::kInvalidInput);
  CHECK(embedded_features(model_json({{"feature_names", {"a", "a"}}})).error().code ==
        ErrorCode::kInvalidInput);
  CHECK(embedded_features(model_json({{"feature_names", "a"}})).error().code ==
        ErrorCode::kInvalidInput);
  // Read by ModelDocument's bounded streaming pass: entries must be strings, of bounded size.
  auto number = embedded_features(model_json({{"feature_names", {"a", 1, "c"}}}));
  REQUIRE_FALSE(number.ok());
  CHECK(number.error().message == "model: learner.feature_names holds a non-string entry");
  auto nested = embedded_features(model_json({{"feature_types", {"q", {"q"}, "q"}}}));
  REQUIRE_FALSE(nested.ok());
  CHECK(nested.error().message == "model: learner.feature_types holds a non-string entry");
  auto huge = embedded_features(
      model_json({{"feature_names", {"a", std::string(kMaxFeatureNameBytes + 1, 'x'), "c"}}}));
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().message.find("longer than 4096 bytes") != std::string::npos);
  CHECK(embedded_features("not a model").error().code == ErrorCode::kInvalidInput);
  CHECK(embedded_features(R"({"no_learner": 1})").error().code == ErrorCode::kInvalidInput);
}

}  // namespace mlo

#include <cmath>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "mlo/model/model_document.hpp"
#include "mlo/model/native_forest.hpp"
#include "model_test_data.hpp"

using namespace mlo;
using nlohmann::json;

namespace {

// A small real model (3 features, 3 trees of depth 2) as a JSON document to mutate.
json base_model() {
  auto d = test::make_data(300, 3, test::Task::kBinary, 4);
  TrainOptions opt;
  opt.params = {{"objective", "binary:logistic"}, {"max_depth", "2"}, {"seed", "1"}};
  opt.num_boost_round = 3;
  opt.nthread = 1;
  auto m = XgbModel::train(d.view(), d.y, nullptr, nullptr, opt);
  REQUIRE(m.ok());
  auto text = m->save_json();
  REQUIRE(text.ok());
  return json::parse(*text);
}

json& tree0(json& doc) {
  return doc["learner"]["gradient_booster"]["model"]["trees"][0];
}

// Both engines' loaders must refuse the document with kInvalidInput and a message containing
// `needle`; XGBoost must never see it.
void require_rejected(const json& doc, const std::string& needle) {
  for (const std::string& bytes : {doc.dump(), doc.dump(2)}) {
    auto parsed = ModelDocument::parse(bytes);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ErrorCode::kInvalidInput);
    INFO(parsed.error().message);
    CHECK(parsed.error().message.find(needle) != std::string::npos);
    CHECK_FALSE(NativeForest::from_bytes(bytes).ok());
    auto xgb = XgbModel::load(bytes);
    REQUIRE_FALSE(xgb.ok());
    CHECK(xgb.error().code == ErrorCode::kInvalidInput);
  }
  std::vector<uint8_t> ubj = json::to_ubjson(doc);
  std::string bytes(ubj.begin(), ubj.end());
  CHECK_FALSE(ModelDocument::parse(bytes).ok());
  CHECK_FALSE(XgbModel::load(bytes).ok());
}

}  // namespace

TEST_CASE("ModelDocument reads a real model in JSON, pretty JSON and UBJSON") {
  json doc = base_model();
  std::vector<uint8_t> ubj = json::to_ubjson(doc);
  for (const std::string& bytes : {doc.dump(), doc.dump(4), std::string(ubj.begin(), ubj.end())}) {
    auto m = ModelDocument::parse(bytes);
    INFO((m.ok() ? std::string() : m.error().message));
    REQUIRE(m.ok());
    CHECK(m->version[0] == 1);
    CHECK(m->objective == "binary:logistic");
    CHECK(m->booster == "gbtree");
    CHECK(m->num_feature == 3);
    CHECK(m->base_score == 0.5f);
    REQUIRE(m->trees.size() == 3);
    CHECK(m->tree_info.size() == 3);
    CHECK(m->trees[0].left.size() == m->trees[0].cond.size());
    if (model_is_json_text(bytes)) CHECK(XgbModel::load(bytes).ok());
  }
}

TEST_CASE("ModelDocument rejects unsupported or missing format versions") {
  json doc = base_model();
  doc["version"] = {2, 0, 3};
  require_rejected(doc, "format version 2.0.3");
  doc.erase("version");
  require_rejected(doc, "no format version");
}

TEST_CASE("The native evaluator refuses a 1.x format version it has not verified") {
  json doc = base_model();
  doc["version"] = {1, 6, 2};
  auto f = NativeForest::from_bytes(doc.dump());
  REQUIRE(f.ok());
  CHECK_FALSE(f->supported());
  CHECK(f->unsupported_reason().find("1.6.2") != std::string::npos);
}

TEST_CASE("ModelDocument rejects absurd sizes") {
  json doc = base_model();
  doc["learner"]["learner_model_param"]["num_feature"] = "1000000000";
  require_rejected(doc, "num_feature 1000000000 is out of range");
  doc = base_model();
  doc["learner"]["learner_model_param"]["num_feature"] = "1e9";
  require_rejected(doc, "num_feature '1e9' is not an integer");
  doc = base_model();
  doc["learner"]["learner_model_param"]["num_class"] = "99999999";
  require_rejected(doc, "num_class");
  doc = base_model();
  tree0(doc)["tree_param"]["num_nodes"] = "1000000000";
  require_rejected(doc, "num_nodes");
  doc = base_model();
  tree0(doc)["tree_param"]["num_nodes"] = "5000";
  require_rejected(doc, "declares 5000 nodes");
  doc = base_model();
  tree0(doc)["loss_changes"].push_back(0.5);
  require_rejected(doc, "different lengths");
  doc = base_model();
  doc["learner"]["gradient_booster"]["model"]["tree_info"].push_back(0);
  require_rejected(doc, "tree_info");
}

TEST_CASE("ModelDocument rejects child indices out of range and cycles") {
  json doc = base_model();
  tree0(doc)["left_children"][0] = 1000000;
  require_rejected(doc, "out of range");
  doc = base_model();
  tree0(doc)["right_children"][0] = -7;
  require_rejected(doc, "out of range");
  doc = base_model();
  tree0(doc)["left_children"][0] = 0;  // the root is its own child
  require_rejected(doc, "out of range");
  doc = base_model();
  // Node 1's children point back to node 1 and 2: a cycle and a shared node.
  auto& t = tree0(doc);
  REQUIRE(t["left_children"][1].get<int>() > 0);
  t["left_children"][1] = 1;
  require_rejected(doc, "reached twice");
  doc = base_model();
  tree0(doc)["parents"][1] = 2;
  require_rejected(doc, "has parent 2");
  doc = base_model();
  tree0(doc)["split_indices"][0] = 3;
  require_rejected(doc, "splits on feature 3 of 3");
  doc = base_model();
  doc["learner"]["gradient_booster"]["model"]["tree_info"][1] = 4;
  require_rejected(doc, "output group 4");
}

TEST_CASE("ModelDocument rejects hostile encodings quickly") {
  CHECK_FALSE(ModelDocument::parse("").ok());
  CHECK_FALSE(ModelDocument::parse("{").ok());
  CHECK_FALSE(ModelDocument::parse("[1]").ok());
  CHECK_FALSE(ModelDocument::parse("{\"learner\": {}}").ok());
  // Deep nesting (UBJSON is parsed recursively): refused at the nesting limit.
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto r = ModelDocument::parse(deep);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("nested deeper") != std::string::npos);
  std::string deep_ubj =
      "{i\x01"
      "a" +
      std::string(100000, '[');
  CHECK_FALSE(ModelDocument::parse(deep_ubj).ok());
  // A UBJSON tree array declaring 2^40 elements is refused before anything is allocated.
  json doc = base_model();
  std::vector<uint8_t> ubj = json::to_ubjson(doc, true, true);
  std::string bytes(ubj.begin(), ubj.end());
  auto at = bytes.find("left_children");
  REQUIRE(at != std::string::npos);
  // Optimised array header after the key: '[' '$' type '#' count-type count.
  auto hdr = bytes.find('#', at);
  REQUIRE(hdr != std::string::npos);
  std::string huge =
      bytes.substr(0, hdr + 1) + "L" + std::string("\x00\x00\x01\x00\x00\x00\x00\x00", 8);
  auto h = ModelDocument::parse(huge);
  REQUIRE_FALSE(h.ok());
}

TEST_CASE("compact_json removes whitespace outside strings only") {
  CHECK(compact_json("{ \"a b\" :\n [1, 2],\t\"c\\\" d\": \" x \" }") ==
        "{\"a b\":[1,2],\"c\\\" d\":\" x \"}");
  CHECK(model_is_json_text("{\"x\":1}"));
  CHECK(model_is_json_text("{\n}"));
  CHECK_FALSE(model_is_json_text("{i\x03"));
}

TEST_CASE("Bare NaN and Infinity tokens outside strings are read as non-finite numbers") {
  CHECK_FALSE(json_without_nonfinite(R"({"a":[1.5,2],"s":"NaN"})"));
  auto t = json_without_nonfinite(R"({"c":[NaN,-Infinity,Infinity],"s":"NaN \"Infinity\""})");
  REQUIRE(t);
  CHECK(*t == R"({"c":[null,-1e999,1e999],"s":"NaN \"Infinity\""})");
  // A real model whose split condition is NaN in JSON text still parses (categorical splits
  // are written that way); the NaN reaches the tree as NaN.
  json m = base_model();
  std::string text = m.dump();
  auto& cond = m["learner"]["gradient_booster"]["model"]["trees"][0]["split_conditions"];
  const std::string first = cond[0].dump();
  const size_t at = text.find("\"split_conditions\":[" + first);
  REQUIRE(at != std::string::npos);
  text.replace(at + 20, first.size(), "NaN");
  auto doc = ModelDocument::parse(text);
  REQUIRE(doc.ok());
  CHECK(std::isnan(doc->trees[0].cond[0]));
}

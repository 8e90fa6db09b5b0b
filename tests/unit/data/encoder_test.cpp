#include <catch2/catch.hpp>

#include <cmath>

#include "data_test_util.hpp"
#include "mlo/core/digest.hpp"
#include "mlo/data/encoder.hpp"
#include "mlo/data/preprocess.hpp"
#include "mlo/data/table.hpp"

using namespace mlo;
using namespace mlo::test;

namespace {

PreprocessSpec sample_spec() {
  PreprocessSpec spec;
  FeatureEncoding dist{"distance", FeatureEncoding::Type::kNumeric, NAN, NAN, NAN, {}};
  FeatureEncoding hour{"hour", FeatureEncoding::Type::kNumeric, -1.0, NAN, NAN, {}};
  FeatureEncoding origin{
      "origin", FeatureEncoding::Type::kCategorical, NAN, NAN, NAN, {"ATL", "BOS", "ORD"}};
  spec.features = {dist, hour, origin};
  return spec;
}

RowBlock block_of(const std::string& path, size_t cols) {
  auto in = InputStream::open(path);
  REQUIRE(in.ok());
  ChunkReader reader(*in, DataFormat::kCsv);
  REQUIRE(reader.first_row().ok());
  static Chunk chunk;  // the block's views point into it
  REQUIRE(*reader.next(chunk));
  RowBlock block;
  REQUIRE(parse_csv_chunk(chunk, cols, OnBadRow::kFail, block).ok());
  return block;
}

}  // namespace

TEST_CASE("encoder: header mapping, categorical codes, unseen/missing, impute") {
  TempDir dir;
  std::string path = dir.file("x.csv");
  // Header order differs from the spec's feature order; "id" is not a feature.
  write_bytes(path, "origin,id,hour,distance\nBOS,1,7,100.5\nXYZ,2,,\n,3,NA,7\nORD,4,1e1,-2\n");
  auto enc = Encoder::create(sample_spec(), {"origin", "id", "hour", "distance"}, "x.csv");
  REQUIRE(enc.ok());
  CHECK(enc->num_features() == 3);
  CHECK(enc->source_column(0) == 3);
  RowBlock block = block_of(path, 4);
  EncodedBlock out;
  REQUIRE(enc->encode(block, OnBadRow::kFail, out).ok());
  REQUIRE(out.x.size() == 12);
  CHECK(out.x[0] == 100.5f);
  CHECK(out.x[1] == 7.0f);
  CHECK(out.x[2] == 1.0f);      // BOS
  CHECK(std::isnan(out.x[3]));  // distance missing, no impute
  CHECK(out.x[4] == -1.0f);     // hour missing -> impute
  CHECK(std::isnan(out.x[5]));  // unseen category
  CHECK(out.x[7] == -1.0f);     // NA -> impute
  CHECK(std::isnan(out.x[8]));  // missing category
  CHECK(out.x[10] == 10.0f);
  CHECK(out.x[11] == 2.0f);  // ORD
  CHECK(out.unseen == 1);
  CHECK(out.rows == std::vector<uint32_t>{0, 1, 2, 3});
}

TEST_CASE("encoder: missing feature column is named; bad numbers fail or skip") {
  auto enc = Encoder::create(sample_spec(), {"origin", "id"}, "in.csv");
  REQUIRE_FALSE(enc.ok());
  CHECK(enc.error().code == ErrorCode::kInvalidInput);
  CHECK(enc.error().message == "in.csv: missing feature columns 'distance', 'hour'");
  TempDir dir;
  std::string path = dir.file("x.csv");
  write_bytes(path, "distance,hour,origin\n1,2,ATL\nfast,3,BOS\n4,5,ORD\n");
  auto ok = Encoder::create(sample_spec(), {"distance", "hour", "origin"}, "x.csv");
  REQUIRE(ok.ok());
  RowBlock block = block_of(path, 3);
  EncodedBlock out;
  Status st = ok->encode(block, OnBadRow::kFail, out);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "line 3: column 'distance': 'fast' is not a number");
  REQUIRE(ok->encode(block, OnBadRow::kSkip, out).ok());
  CHECK(out.rows == std::vector<uint32_t>{0, 2});
  CHECK(out.bad.count == 1);
  CHECK(out.x == std::vector<float>{1, 2, 0, 4, 5, 2});
}

TEST_CASE("preprocess: YAML round trip keeps every field exactly") {
  PreprocessSpec spec = sample_spec();
  spec.features[0].mean = 812.5;
  spec.features[0].std = 0.1;
  spec.features[2].categories = {"ATL", "007", "true", "null", "a: b", "x\"y"};
  std::string yaml = spec.to_yaml();
  auto back = PreprocessSpec::from_yaml(yaml, "spec");
  INFO(yaml);
  REQUIRE(back.ok());
  REQUIRE(back->features.size() == 3);
  CHECK(back->features[0].name == "distance");
  CHECK(std::isnan(back->features[0].impute));
  CHECK(back->features[0].mean == 812.5);
  CHECK(back->features[0].std == 0.1);
  CHECK(back->features[1].impute == -1.0);
  CHECK(back->features[2].type == FeatureEncoding::Type::kCategorical);
  CHECK(back->features[2].categories == spec.features[2].categories);
  CHECK(back->to_yaml() == yaml);
}

TEST_CASE("preprocess: validation names the problem") {
  auto check = [](const std::string& yaml, const std::string& want) {
    auto r = PreprocessSpec::from_yaml(yaml, "spec.yaml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidInput);
    CHECK(r.error().message.find(want) != std::string::npos);
  };
  check("features: []", "non-empty list");
  check("features:\n  - {type: numeric}", "name");
  check("features:\n  - {name: a, type: text}", "'text' is not numeric or categorical");
  check("features:\n  - {name: a, type: numeric}\n  - {name: a, type: numeric}",
        "duplicate feature 'a'");
  check("features:\n  - {name: c, type: categorical}", "categorical feature without categories");
  check("features:\n  - {name: c, type: categorical, categories: [x, x]}",
        "duplicate category 'x'");
  check("features:\n  - {name: a, type: numeric, impute: abc}", "'abc' is not a number");
  check("features:\n  - {name: a, type: numeric, imputee: 1}", "unknown field 'imputee'");
  check("feature: []", "unknown field 'feature'");
  auto ok = PreprocessSpec::from_yaml(
      "features:\n  - name: a\n    type: numeric\n    impute: 0.5\n  - {name: b, type: "
      "categorical, categories: [1, 2]}\n",
      "spec.yaml");
  REQUIRE(ok.ok());
  CHECK(ok->features[0].impute == 0.5);
  CHECK(ok->features[1].categories == std::vector<std::string>{"1", "2"});
}

TEST_CASE("table: read columns by name with types, threads and compression") {
  TempDir dir;
  std::string path = dir.file("t.csv");
  std::string text = "id,distance,origin,label\n";
  for (int i = 0; i < 20000; ++i)
    text += std::to_string(i) + "," + (i % 10 == 0 ? std::string("") : std::to_string(i % 500)) +
            "," + (i % 3 == 0 ? "ATL" : "BOS") + "," + std::to_string(i % 2) + "\n";
  write_bytes(path, text);
  REQUIRE(compress_with("zstd", path));
  ReadOptions opt;
  opt.columns = {"label", "distance", "origin"};
  opt.threads = 3;
  for (std::string p : {path, path + ".zst"}) {
    auto t = read_table(p, opt);
    REQUIRE(t.ok());
    CHECK(t->rows == 20000);
    REQUIRE(t->columns.size() == 3);
    const TableColumn* d = t->column("distance");
    REQUIRE(d);
    CHECK(d->type == TableColumn::Type::kNumeric);
    CHECK(std::isnan(d->numbers[0]));
    CHECK(d->numbers[12345] == 345.0f);
    const TableColumn* o = t->column("origin");
    CHECK(o->type == TableColumn::Type::kString);
    CHECK(o->strings[3] == "ATL");
    CHECK(t->column("label")->numbers[7] == 1.0f);
    CHECK(t->column("id") == nullptr);
    CHECK(t->input_digest == *digest_file(p));
    PreprocessSpec spec;
    spec.features = {
        {"distance", FeatureEncoding::Type::kNumeric, 0.0, NAN, NAN, {}},
        {"origin", FeatureEncoding::Type::kCategorical, NAN, NAN, NAN, {"BOS", "ATL"}}};
    auto x = encode_table(spec, *t);
    REQUIRE(x.ok());
    CHECK((*x)[0] == 0.0f);  // imputed
    CHECK((*x)[1] == 1.0f);  // ATL
    CHECK((*x)[3] == 0.0f);  // BOS
  }
}

TEST_CASE("table: schema errors") {
  TempDir dir;
  std::string path = dir.file("t.csv");
  write_bytes(path, "a,b\n1,x\n2,y\n");
  ReadOptions opt;
  opt.columns = {"a", "zz"};
  auto r = read_table(path, opt);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == path + ": missing column 'zz'");
  opt.columns = {};
  opt.numeric = {"b"};
  r = read_table(path, opt);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == path + ": line 2: column 'b': 'x' is not a number");
  opt.on_bad_row = OnBadRow::kSkip;
  r = read_table(path, opt);
  REQUIRE(r.ok());
  CHECK(r->rows == 0);
  CHECK(r->skipped.count == 2);
  write_bytes(path, "");
  r = read_table(path, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidInput);
  write_bytes(path, "a,b\n");
  r = read_table(path, {});
  REQUIRE(r.ok());
  CHECK(r->rows == 0);
  CHECK(r->columns.size() == 2);
}

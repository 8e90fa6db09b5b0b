#include <catch2/catch.hpp>
#include <chrono>

#include "core/temp_dir.hpp"
#include "mlo/core/yaml_io.hpp"

using namespace mlo;

namespace {

std::string billion_laughs() {
  std::string doc = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    doc += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) doc += (i ? ", *" : "*") + prev;
    doc += "]\n";
  }
  return doc;
}

}  // namespace

TEST_CASE("yaml_io: parses a valid manifest-like document") {
  auto doc = parse_yaml(
      "apiVersion: mlo/v1\nname: flights\nversion: 3\nlabels: {team: ops}\nfeatures:\n  - {name: "
      "a}\n  - {name: b}\n",
      "manifest");
  REQUIRE(doc.ok());
  CHECK((*doc)["name"].as<std::string>() == "flights");
  CHECK((*doc)["features"].size() == 2);
  auto version = require_int(*doc, "version", "manifest");
  REQUIRE(version.ok());
  CHECK(*version == 3);
}

TEST_CASE("yaml_io: anchors and a few aliases are fine") {
  auto doc = parse_yaml("base: &b {x: 1}\nother: *b\nmore: [*b, *b]\n", "t");
  REQUIRE(doc.ok());
  CHECK((*doc)["more"][1]["x"].as<int>() == 1);
}

TEST_CASE("yaml_io: size limit is checked before parsing") {
  YamlLimits limits;
  limits.max_bytes = 16;
  auto doc = parse_yaml("key: a value longer than sixteen bytes\n", "spec", limits);
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(doc.error().message,
             Catch::StartsWith("spec: ") && Catch::Contains("larger than 16 bytes"));
}

TEST_CASE("yaml_io: 1000 levels of nesting are rejected") {
  std::string deep = std::string(1000, '[') + std::string(1000, ']');
  auto doc = parse_yaml(deep, "deep");
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(doc.error().message, Catch::Contains("nesting deeper than 64"));
  std::string ok = std::string(60, '[') + std::string(60, ']');
  CHECK(parse_yaml(ok, "ok").ok());
}

TEST_CASE("yaml_io: billion-laughs alias bomb is rejected quickly") {
  auto start = std::chrono::steady_clock::now();
  auto doc = parse_yaml(billion_laughs(), "bomb");
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(doc.error().message, Catch::Contains("nodes (after alias expansion)"));
  CHECK(elapsed < std::chrono::seconds(1));
}

TEST_CASE("yaml_io: too many aliases are rejected") {
  std::string doc = "a: &a x\nb: [";
  for (int i = 0; i < 1001; ++i) doc += (i ? ", *a" : "*a");
  doc += "]\n";
  auto r = parse_yaml(doc, "aliases");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("more than 1000 aliases"));
}

TEST_CASE("yaml_io: a recursive alias is rejected") {
  auto r = parse_yaml("a: &a [1, *a]\n", "loop");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("yaml_io: duplicate keys are rejected with the key and line") {
  auto r = parse_yaml("name: a\nversion: 1\nname: b\n", "manifest models/x/versions/3.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidInput);
  CHECK(r.error().message == "manifest models/x/versions/3.yaml: duplicate key 'name' at line 3");

  auto nested = parse_yaml("a:\n  x: 1\n  y: 2\n  x: 3\n", "n");
  REQUIRE_FALSE(nested.ok());
  CHECK_THAT(nested.error().message, Catch::Contains("duplicate key 'x' at line 4"));

  auto flow = parse_yaml("m: {k: 1, \"k\": 2}\n", "f");
  REQUIRE_FALSE(flow.ok());
  CHECK_THAT(flow.error().message, Catch::Contains("duplicate key 'k'"));

  // The same key in different mappings, and a value equal to a key, are fine.
  CHECK(parse_yaml("a: {x: 1}\nb: {x: 2}\nc: a\nlist: [{x: 1}, {x: 2}]\n", "ok").ok());
}

TEST_CASE("yaml_io: syntax errors name the line") {
  auto r = parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "policy.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(r.error().message, Catch::Matches("policy\\.yaml: line [0-9]+: .+"));
  auto tab = parse_yaml("a:\n\t- b\n", "tabs");
  REQUIRE_FALSE(tab.ok());
  CHECK_THAT(tab.error().message, Catch::StartsWith("tabs: line "));
}

TEST_CASE("yaml_io: more than one document is rejected") {
  auto r = parse_yaml("a: 1\n---\nb: 2\n", "multi");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("more than one document"));
}

TEST_CASE("yaml_io: load_yaml_file, missing file is kNotFound") {
  test::TempDir dir;
  test::write_text(dir / "x.yaml", "k: v\n");
  auto doc = load_yaml_file(dir / "x.yaml");
  REQUIRE(doc.ok());
  CHECK((*doc)["k"].as<std::string>() == "v");
  auto missing = load_yaml_file(dir / "none.yaml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  test::write_text(dir / "dup.yaml", "k: 1\nk: 2\n");
  auto dup = load_yaml_file(dir / "dup.yaml");
  REQUIRE_FALSE(dup.ok());
  CHECK_THAT(dup.error().message, Catch::StartsWith(dir / "dup.yaml: duplicate key 'k'"));
}

TEST_CASE("yaml_io: emit_yaml is block style, ordered and round-trips") {
  YAML::Node n;
  n["name"] = "flights";
  n["version"] = 3;
  n["params"]["max_depth"] = 8;
  n["params"]["eta"] = "0.1";
  n["tags"].push_back("a");
  n["tags"].push_back("b");
  std::string text = emit_yaml(n);
  CHECK(text ==
        "name: flights\nversion: 3\nparams:\n  max_depth: 8\n  eta: 0.1\ntags:\n  - a\n  - b\n");
  CHECK(emit_yaml(n) == text);
  auto back = parse_yaml(text, "rt");
  REQUIRE(back.ok());
  CHECK(emit_yaml(*back) == text);
}

TEST_CASE("yaml_io: require helpers name the field") {
  auto doc = parse_yaml("name: x\nversion: three\nlist: [1]\nempty: ~\n", "manifest");
  REQUIRE(doc.ok());
  CHECK(*require_string(*doc, "name", "manifest") == "x");
  auto missing = require_string(*doc, "task", "manifest");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kInvalidInput);
  CHECK(missing.error().message == "manifest: missing field 'task'");
  CHECK(require_field(*doc, "empty", "manifest").error().message ==
        "manifest: missing field 'empty'");
  auto bad_int = require_int(*doc, "version", "manifest");
  REQUIRE_FALSE(bad_int.ok());
  CHECK(bad_int.error().message == "manifest: field 'version': expected an integer, got 'three'");
  CHECK_FALSE(require_string(*doc, "list", "manifest").ok());
  auto not_map = require_field(YAML::Node(5), "k", "doc");
  CHECK(not_map.error().message == "doc: expected a mapping");
}

TEST_CASE("yaml_io: a big string aliased many times is rejected by expanded bytes, fast") {
  std::string doc = "big: &s \"" + std::string(10u << 20, 'x') + "\"\nuses: [";
  for (int i = 0; i < 900; ++i) doc += i ? ", *s" : "*s";
  doc += "]\n";
  auto start = std::chrono::steady_clock::now();
  auto r = parse_yaml(doc, "bomb");
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(r.error().message, Catch::Contains("bytes of scalars (after alias expansion)"));
  CHECK(elapsed < std::chrono::seconds(10));
  // Five uses of a small anchor are fine.
  CHECK(parse_yaml("a: &s hello\nb: [*s, *s, *s, *s, *s]\n", "ok").ok());
}

// S3 settings from the URL, the environment and the AWS shared files (s3_config.hpp).
#include "mlo/store/s3/s3_config.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "core/temp_dir.hpp"

using namespace mlo;
using namespace mlo::s3;

namespace {

EnvFn env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
}

}  // namespace

TEST_CASE("s3 config: URL, endpoint, addressing and credentials from the environment") {
  auto c = load_s3_config("s3://my-bucket/teams/fraud/", env_of({{"AWS_ACCESS_KEY_ID", "AK"},
                                                                 {"AWS_SECRET_ACCESS_KEY", "SK"},
                                                                 {"AWS_REGION", "eu-west-1"}}));
  REQUIRE(c.ok());
  CHECK(c->bucket == "my-bucket");
  CHECK(c->prefix == "teams/fraud");
  CHECK(c->region == "eu-west-1");
  CHECK(c->endpoint == "https://s3.eu-west-1.amazonaws.com");
  CHECK_FALSE(c->path_style);  // AWS: virtual-host style
  CHECK(c->credentials.access_key == "AK");

  auto local = load_s3_config("s3://b12", env_of({{"AWS_ACCESS_KEY_ID", "AK"},
                                                  {"AWS_SECRET_ACCESS_KEY", "SK"},
                                                  {"AWS_ENDPOINT_URL", "http://127.0.0.1:7480/"},
                                                  {"MLO_S3_ENDPOINT", "http://127.0.0.1:9000"},
                                                  {"MLO_S3_PART_SIZE", "32"}}));
  REQUIRE(local.ok());
  CHECK(local->endpoint == "http://127.0.0.1:9000");  // MLO_S3_ENDPOINT wins
  CHECK(local->path_style);
  CHECK(local->prefix.empty());
  CHECK(local->region == "us-east-1");
  CHECK(local->part_size == 32ull << 20);
}

TEST_CASE("s3 config: profiles from ~/.aws/credentials and ~/.aws/config") {
  test::TempDir home;
  std::filesystem::create_directories(home / ".aws");
  test::write_text(home / ".aws/credentials",
                   "[default]\naws_access_key_id = DEF\naws_secret_access_key = DEFSECRET\n"
                   "[ci]\naws_access_key_id=CIKEY\naws_secret_access_key=CISECRET\n"
                   "aws_session_token = TOK\n");
  test::write_text(home / ".aws/config",
                   "[default]\nregion = us-west-2\n[profile ci]\nregion=ap-south-1\n");
  auto def = load_s3_config("s3://bucket", env_of({{"HOME", home.path()}}));
  REQUIRE(def.ok());
  CHECK(def->credentials.access_key == "DEF");
  CHECK(def->region == "us-west-2");
  auto ci = load_s3_config("s3://bucket", env_of({{"HOME", home.path()}, {"AWS_PROFILE", "ci"}}));
  REQUIRE(ci.ok());
  CHECK(ci->credentials.secret_key == "CISECRET");
  CHECK(ci->credentials.session_token == "TOK");
  CHECK(ci->region == "ap-south-1");
}

TEST_CASE("s3 config: bad URLs and settings are kUsage, and never echo a secret") {
  auto creds = [](std::map<std::string, std::string> more) {
    more.emplace("AWS_ACCESS_KEY_ID", "AK");
    more.emplace("AWS_SECRET_ACCESS_KEY", "VERYSECRET");
    return env_of(more);
  };
  for (const char* bad : {"s3://", "s3://AB", "s3://x", "s3://b_b/p", "s3://bucket/../x",
                          "s3://bucket/a//b", "s3://bucket/.hidden"}) {
    INFO(bad);
    auto c = load_s3_config(bad, creds({}));
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == ErrorCode::kUsage);
  }
  for (auto [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"MLO_S3_ENDPOINT", "ftp://x"},
                                                        {"MLO_S3_ENDPOINT", "http://h/path"},
                                                        {"MLO_S3_ADDRESSING", "sideways"},
                                                        {"MLO_S3_MAX_ATTEMPTS", "0"},
                                                        {"MLO_S3_READ_TIMEOUT", "soon"}}) {
    INFO(name << "=" << value);
    auto c = load_s3_config("s3://bucket", creds({{name, value}}));
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == ErrorCode::kUsage);
    CHECK_THAT(c.error().message, !Catch::Contains("VERYSECRET"));
  }
  test::TempDir empty_home;
  auto none = load_s3_config("s3://bucket", env_of({{"HOME", empty_home.path()}}));
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(none.error().message, Catch::Contains("no credentials"));
}

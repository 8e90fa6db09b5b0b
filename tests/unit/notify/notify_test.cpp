#include "mlo/notify/notify.hpp"

#include <chrono>

#include <catch2/catch.hpp>

namespace mlo::notify {

TEST_CASE("event_body: Slack text plus the structured event", "[notify]") {
  Event e{kDrift, "flights", 3, "mlo: drift flights:3", {{"drifted_features", 2}}, "/srv/store"};
  nlohmann::json body = event_body(e);
  CHECK(body["text"] == "mlo: drift flights:3");
  CHECK(body["event"]["schema"] == "mlo/v1/event");
  CHECK(body["event"]["kind"] == "drift");
  CHECK(body["event"]["model"] == "flights");
  CHECK(body["event"]["version"] == 3);
  CHECK(body["event"]["store"] == "/srv/store");
  CHECK(body["event"]["details"]["drifted_features"] == 2);
  CHECK(body["event"]["time"].get<std::string>().size() == 20);
  CHECK(body["event"].contains("actor"));
  Event no_version{kRegistered, "m", 0, "t", nlohmann::json::object(), ""};
  CHECK_FALSE(event_body(no_version)["event"].contains("version"));
}

TEST_CASE("parse_targets: URL, map, list", "[notify]") {
  auto one = parse_targets("https://hooks.example/x", "cfg");
  REQUIRE(one.ok());
  REQUIRE(one->size() == 1);
  CHECK((*one)[0].url == "https://hooks.example/x");
  CHECK((*one)[0].retries == 2);
  CHECK(wants((*one)[0], kPromoted));

  auto map = parse_targets("{url: 'http://h/', timeout_seconds: 1.5, retries: 0, events: [drift]}", "cfg");
  REQUIRE(map.ok());
  CHECK((*map)[0].timeout_seconds == 1.5);
  CHECK((*map)[0].retries == 0);
  CHECK(wants((*map)[0], kDrift));
  CHECK_FALSE(wants((*map)[0], kRegistered));

  auto list = parse_targets("[http://a/, {url: 'http://b/'}]", "cfg");
  REQUIRE(list.ok());
  CHECK(list->size() == 2);
  auto empty = parse_targets("", "cfg");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("parse_targets rejects malformed settings, naming the source", "[notify]") {
  for (const char* bad : {"ftp://x", "{timeout_seconds: 1}", "{url: 'http://h/', retries: 99}",
                          "{url: 'http://h/', timeout_seconds: 0}", "{url: 'http://h/', retries: x}",
                          "[http://a/, [1]]", "{url: [1]}"}) {
    auto r = parse_targets(bad, "/p/.mlo.yaml");
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidInput);
    CHECK(r.error().message.find("/p/.mlo.yaml") != std::string::npos);
  }
}

TEST_CASE("post: an unreachable receiver fails after bounded retries", "[notify]") {
  Target t{"http://127.0.0.1:9/hook", 1.0, 2, {}};  // port 9 (discard): nothing listens
  Event e{kDrift, "m", 1, "t", nlohmann::json::object(), ""};
  const auto start = std::chrono::steady_clock::now();
  Status st = post(t, e);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::kRuntime);
  CHECK(st.error().message.find("http://127.0.0.1:9/hook") != std::string::npos);
  CHECK(seconds >= 0.6);  // two backoffs: 0.2 s + 0.4 s
  CHECK(seconds < 5.0);
}

}  // namespace mlo::notify

#include <catch2/catch.hpp>

#include "mlo/core/duration.hpp"

using mlo::parse_duration_seconds;

TEST_CASE("parse_duration_seconds reads whole numbers with a unit", "[duration]") {
  CHECK(*parse_duration_seconds("0") == 0);
  CHECK(*parse_duration_seconds("30s") == 30);
  CHECK(*parse_duration_seconds("90m") == 5400);
  CHECK(*parse_duration_seconds("24h") == 86400);
  CHECK(*parse_duration_seconds("7d") == 604800);
  CHECK(*parse_duration_seconds("0h") == 0);
}

TEST_CASE("parse_duration_seconds refuses everything else", "[duration]") {
  for (const char* bad :
       {"", "h", "24", "-1h", "1.5h", "24H", "1w", " 1h", "1h ", "99999999999d"}) {
    INFO(bad);
    auto r = parse_duration_seconds(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == mlo::ErrorCode::kUsage);
  }
}

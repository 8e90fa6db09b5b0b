#include <catch2/catch.hpp>

#include "mlo/score/challenger.hpp"

using namespace mlo;

TEST_CASE("canary routing is FNV-1a 64 of the id bytes mod 10000") {
  CHECK(canary_bucket("") == 6037);  // the offset basis 14695981039346656037 mod 10000
  CHECK(canary_bucket("a") == 1996);  // 0xaf63dc4c8601ec8c, FNV-1a's published value for "a"
  CHECK(canary_routed("a", 20.0));    // 1996 < 2000
  CHECK_FALSE(canary_routed("a", 19.96));
  CHECK(canary_routed("anything", 100.0));
  // About P% of distinct ids are routed.
  int routed = 0;
  for (int i = 0; i < 100000; ++i) routed += canary_routed(std::to_string(i), 10.0);
  CHECK(routed > 9500);
  CHECK(routed < 10500);
}

#include "mlo/core/time.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <random>

#include <fmt/format.h>

namespace mlo {
namespace {

std::string format_utc(const char* pattern) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, pattern, &tm);
  return buf;
}

}  // namespace

std::string now_rfc3339() {
  if (const char* fixed = std::getenv("MLO_NOW"); fixed && *fixed) return fixed;
  return format_utc("%Y-%m-%dT%H:%M:%SZ");
}

std::string today_utc() {
  std::string now = now_rfc3339();
  return now.size() >= 10 ? now.substr(0, 10) : format_utc("%Y-%m-%d");
}

std::string current_actor() {
  if (const char* actor = std::getenv("MLO_ACTOR"); actor && *actor) return actor;
  if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
  if (const char* user = std::getenv("USER"); user && *user) return user;
  return "unknown";
}

std::string new_run_id() {
  std::random_device rd;
  return format_utc("%Y%m%dT%H%M%SZ") + fmt::format("-{:08x}", rd());
}

}  // namespace mlo

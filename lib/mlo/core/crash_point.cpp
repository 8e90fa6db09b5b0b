#include "mlo/core/crash_point.hpp"

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace mlo {

namespace {

struct CrashPlan {
  long long at = 0;  // 0: disabled
  int signal = SIGKILL;
};

CrashPlan read_plan() {
  CrashPlan plan;
  if (const char* at = std::getenv("MLO_TEST_CRASH_AT")) plan.at = std::atoll(at);
  if (const char* sig = std::getenv("MLO_TEST_CRASH_SIGNAL")) {
    if (std::strcmp(sig, "INT") == 0) plan.signal = SIGINT;
    if (std::strcmp(sig, "TERM") == 0) plan.signal = SIGTERM;
  }
  return plan;
}

std::atomic<long long> g_reached{0};

}  // namespace

void crash_point() {
  static const CrashPlan plan = read_plan();
  if (plan.at <= 0) return;
  if (g_reached.fetch_add(1, std::memory_order_relaxed) + 1 == plan.at) ::raise(plan.signal);
}

}  // namespace mlo

#include "mlo/train/tracker.hpp"

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

namespace mlo::train {

namespace {

// python3-xgboost's own tracker (the stock `python -m xgboost.tracker` cannot take a port or
// sort ranks by task id, both needed for --rank and fixed-port multi-host jobs). It prints the
// same DMLC_TRACKER_ENV block as the stock CLI, on stdout, once it listens.
constexpr const char* kTrackerScript = R"PY(
import logging, sys
logging.basicConfig(level=logging.INFO, format="tracker %(levelname)s %(message)s")
import xgboost
from xgboost.tracker import RabitTracker
n, host, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
t = RabitTracker(host_ip=host, n_workers=n, port=port, use_logger=True, sortby="task")
env = t.worker_envs()
t.start(n)
print("DMLC_TRACKER_ENV_START")
print("DMLC_NUM_WORKER=%d" % n)
print("DMLC_TRACKER_URI=%s" % env["DMLC_TRACKER_URI"])
print("DMLC_TRACKER_PORT=%d" % env["DMLC_TRACKER_PORT"])
print("XGBOOST_VERSION=%s" % xgboost.__version__)
print("DMLC_TRACKER_ENV_END", flush=True)
t.join()
logging.info("all workers finished")
)PY";

// Reads K=V lines from fd up to DMLC_TRACKER_ENV_END, EOF or the deadline.
bool read_env_block(int fd, int timeout_ms, std::map<std::string, std::string>& env) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string buf;
  for (;;) {
    size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (line == "DMLC_TRACKER_ENV_END") return true;
      if (auto eq = line.find('='); eq != std::string::npos)
        env[line.substr(0, eq)] = line.substr(eq + 1);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r <= 0) continue;
    char chunk[512];
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;  // EOF: the tracker exited
    buf.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace

Result<Tracker> Tracker::start(const TrackerOptions& o) {
  if (o.world < 1) return make_error(ErrorCode::kUsage, "tracker: world size must be >= 1");
  if (o.port < 0 || o.port > 65535)
    return make_error(ErrorCode::kUsage, fmt::format("tracker: port {} out of range", o.port));
  if (access(o.python.c_str(), X_OK) != 0)
    return make_error(ErrorCode::kRuntime,
                      "tracker: " + o.python +
                          " not found (XGBoost 1.7's tracker needs python3 and python3-xgboost)");
  SpawnOptions so;
  so.argv = {
      o.python, "-c", kTrackerScript, std::to_string(o.world), o.host_ip, std::to_string(o.port)};
  so.stdout_pipe = true;
  so.stderr_path = o.log_path;
  MLO_ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::spawn(so));
  Tracker t(std::move(child));
  std::map<std::string, std::string> env;
  bool complete = read_env_block(t.process_.stdout_fd(), o.start_timeout_ms, env);
  if (!complete || !env.count("DMLC_TRACKER_PORT")) {
    t.stop();
    std::string why = complete ? "it printed no port"
                      : t.process_.poll()
                          ? "it exited (" + t.process_.describe_status() + ")"
                          : fmt::format("no answer within {} ms", o.start_timeout_ms);
    std::string log = o.log_path.empty() ? "" : last_log_line(o.log_path, "");
    return make_error(ErrorCode::kRuntime,
                      fmt::format("tracker on {}:{} did not start: {}{}", o.host_ip, o.port, why,
                                  log.empty() ? "" : " (" + log + ")"));
  }
  t.host_ = env.count("DMLC_TRACKER_URI") ? env["DMLC_TRACKER_URI"] : o.host_ip;
  t.port_ = std::atoi(env["DMLC_TRACKER_PORT"].c_str());
  t.world_ = o.world;
  t.description_ = "xgboost.tracker (python3-xgboost " +
                   (env.count("XGBOOST_VERSION") ? env["XGBOOST_VERSION"] : "?") + ")";
  return t;
}

std::vector<std::string> Tracker::worker_env() const {
  return {"DMLC_TRACKER_URI=" + host_, "DMLC_TRACKER_PORT=" + std::to_string(port_),
          "DMLC_NUM_WORKER=" + std::to_string(world_)};
}

Status serve_tracker(const TrackerOptions& options, int timeout_sec,
                     const std::function<void(const Tracker&)>& on_ready) {
  MLO_ASSIGN_OR_RETURN(Tracker t, Tracker::start(options));
  if (on_ready) on_ready(t);
  auto start = std::chrono::steady_clock::now();
  while (!t.wait_for(200)) {
    if (timeout_sec > 0 &&
        std::chrono::steady_clock::now() - start >= std::chrono::seconds(timeout_sec)) {
      t.stop();
      return make_error(ErrorCode::kRuntime,
                        fmt::format("tracker {}:{}: the job did not finish within {} s", t.host(),
                                    t.port(), timeout_sec));
    }
  }
  if (!t.wait_for(0) || t.describe_status() != "exit code 0")
    return make_error(ErrorCode::kRuntime, fmt::format("tracker {}:{} failed: {}", t.host(),
                                                       t.port(), t.describe_status()));
  return {};
}

Result<std::pair<std::string, int>> parse_tracker_address(const std::string& text,
                                                          const std::string& what) {
  auto colon = text.rfind(':');
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kUsage, what + " '" + text + "': " + why);
  };
  if (colon == std::string::npos || colon == 0) return bad("expected HOST:PORT");
  std::string host = text.substr(0, colon), port_text = text.substr(colon + 1);
  char* end = nullptr;
  long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 1 || port > 65535)
    return bad("port must be a number in 1..65535");
  return std::make_pair(host, static_cast<int>(port));
}

}  // namespace mlo::train

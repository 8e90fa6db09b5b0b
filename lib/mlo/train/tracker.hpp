// The tracker of a distributed XGBoost training job: the rendezvous that gives every worker its
// rank and its peers' addresses. mlo never implements the tracker protocol itself; it runs the
// one the installed XGBoost ships. XGBoost 1.7 has none in C, so the tracker is
// xgboost.tracker.RabitTracker from python3-xgboost, run by /usr/bin/python3 as a child process
// (ranks sorted by task id, bound to the given address). A build against XGBoost 2.1+ would use
// XGTrackerCreate instead (see docs/DESIGN.md; not available in this build).
//
// Security: the tracker protocol has no authentication, and XGBoost's workers listen for their
// peers on all interfaces. Run it on trusted private networks only.
//
// The 1.7 tracker exits only after every worker has called XGCommunicatorFinalize; after any
// failure it waits forever, so its owner must stop() it (destroying a Tracker does).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/train/distributed_process.hpp"

namespace mlo::train {

struct TrackerOptions {
  int world = 0;                            // number of workers, >= 1
  std::string host_ip = "127.0.0.1";        // address to bind and to give to workers
  int port = 0;                             // 0 = any free port
  std::string log_path;                     // the tracker's log; "" = discarded, "-" = our stderr
  int start_timeout_ms = 30000;             // for the tracker to report its port
  std::string python = "/usr/bin/python3";  // Debian's, with python3-xgboost
};

class Tracker {
 public:
  // kRuntime naming the reason when python3/xgboost are missing, the address cannot be bound,
  // or the tracker does not report within start_timeout_ms.
  static Result<Tracker> start(const TrackerOptions& options);

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  int world() const { return world_; }
  pid_t pid() const { return process_.pid(); }
  // "xgboost.tracker (python3-xgboost 1.7.4)"
  const std::string& description() const { return description_; }
  // What a worker needs: DMLC_TRACKER_URI, DMLC_TRACKER_PORT, DMLC_NUM_WORKER, as "K=V".
  std::vector<std::string> worker_env() const;

  // True once the tracker has exited (every worker finished); waits up to timeout_ms.
  bool wait_for(int timeout_ms) { return process_.wait_for(timeout_ms); }
  bool running() { return !process_.poll(); }
  std::string describe_status() const { return process_.describe_status(); }
  void stop() { process_.kill(); }

 private:
  Tracker(ChildProcess process) : process_(std::move(process)) {}
  ChildProcess process_;
  std::string host_;
  int port_ = 0;
  int world_ = 0;
  std::string description_;
};

// Runs a tracker until every worker has finished: on_ready is called once it listens (to print
// what workers need). kRuntime if the tracker fails, or after timeout_sec (> 0) without the job
// finishing (the tracker is then stopped).
Status serve_tracker(const TrackerOptions& options, int timeout_sec,
                     const std::function<void(const Tracker&)>& on_ready);

// Parses "HOST:PORT" (IPv4 address or host name; port 1..65535). kUsage naming `what`.
Result<std::pair<std::string, int>> parse_tracker_address(const std::string& text,
                                                          const std::string& what);

}  // namespace mlo::train

// mlo tracker --world N --host-ip IP [--port P] [--timeout SEC]
//   Runs XGBoost's tracker for a multi-host `mlo train --tracker HOST:PORT --world N` job: prints
//   what the workers need (MLO_TRACKER=HOST:PORT and XGBoost's DMLC_* variables, or one JSON
//   document with --json) as soon as it listens, then stays up until every worker has finished.
//   The protocol has no authentication: bind it to a private address.
// mlo train-worker JOB_DIR HOST:PORT WORLD TASK_ID (hidden)
//   One worker of a one-host `mlo train --workers N` job; started by the launcher only.
#include <iostream>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/train/distributed.hpp"
#include "mlo/train/tracker.hpp"
#include "output.hpp"

namespace mlo::cli {

namespace {

struct TrackerCliOptions {
  int world = 0;
  std::string host_ip;
  int port = 0;
  int timeout_sec = 0;
};

void print_ready(const Context& ctx, const train::Tracker& t) {
  const std::string address = fmt::format("{}:{}", t.host(), t.port());
  if (ctx.global.json) {
    nlohmann::json env = nlohmann::json::object();
    for (const auto& kv : t.worker_env()) {
      auto eq = kv.find('=');
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    print_json({{"tracker", address},
                {"host", t.host()},
                {"port", t.port()},
                {"world", t.world()},
                {"pid", t.pid()},
                {"implementation", t.description()},
                {"env", env}});
  } else {
    std::cout << "MLO_TRACKER=" << address << "\n";
    for (const auto& kv : t.worker_env()) std::cout << kv << "\n";
  }
  std::cout << std::flush;
  info(fmt::format("tracker {} for {} workers ({}); waiting for the job to finish", address,
                   t.world(), t.description()));
}

}  // namespace

void setup_tracker(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TrackerCliOptions>();
  app.add_option("--world", o->world, "Number of workers in the job")
      ->required()
      ->check(CLI::Range(1, 4096));
  app.add_option("--host-ip", o->host_ip,
                 "Address to bind and to give workers (must be reachable by every worker)")
      ->required();
  app.add_option("--port", o->port, "Port to listen on (default: any free port)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--timeout", o->timeout_sec,
                 "Give up (exit 1) if the job has not finished after SEC seconds (default: never)")
      ->check(CLI::NonNegativeNumber);
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> Result<int> {
      train::TrackerOptions to;
      to.world = o->world;
      to.host_ip = o->host_ip;
      to.port = o->port;
      to.log_path = ctx.global.verbose ? "-" : "";
      MLO_TRY(train::serve_tracker(to, o->timeout_sec,
                                   [&](const train::Tracker& t) { print_ready(ctx, t); }));
      info("tracker: every worker finished");
      return 0;
    };
  });
}

void setup_train_worker(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<train::WorkerArgs>();
  app.add_option("job_dir", a->job_dir)->required();
  app.add_option("tracker", a->tracker)->required();
  app.add_option("world", a->world)->required();
  app.add_option("task_id", a->task_id)->required();
  app.callback([&ctx, a] {
    ctx.run = [a]() -> Result<int> {
      MLO_TRY(train::run_train_worker(*a));
      return 0;
    };
  });
}

}  // namespace mlo::cli

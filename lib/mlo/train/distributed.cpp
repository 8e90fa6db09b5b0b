#include "mlo/train/distributed.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "mlo/train/distributed_job.hpp"
#include "mlo/train/distributed_process.hpp"
#include "mlo/train/tracker.hpp"

namespace mlo::train {

namespace {

namespace fs = std::filesystem;

std::string task_id(int k) {
  return fmt::format("{:04d}", k);  // the tracker sorts ranks by this string
}

// A private directory for one job's files, removed with everything in it.
class JobDir {
 public:
  static Result<JobDir> create(const std::string& parent) {
    std::string base = parent;
    if (base.empty()) base = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    std::string templ = base + "/mlo-train.XXXXXX";
    if (!mkdtemp(templ.data()))
      return make_error(ErrorCode::kRuntime,
                        "cannot create a job directory in " + base + ": " + std::strerror(errno));
    return JobDir(templ);
  }
  JobDir(JobDir&& o) noexcept : path_(std::exchange(o.path_, "")) {}
  ~JobDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit JobDir(std::string p) : path_(std::move(p)) {}
  std::string path_;
};

// What a failed worker said: its last "mlo: error: " line, else how it ended.
std::string worker_failure(const ChildProcess& w, const std::string& log) {
  std::string line = last_log_line(log, "mlo: error: ");
  if (line.rfind("mlo: error: ", 0) == 0) return line.substr(12);
  return w.describe_status() + (line.empty() ? "" : " (" + line + ")");
}

struct Supervised {
  std::vector<ChildProcess> workers;
  std::vector<std::string> logs;
};

// Waits for every worker. On the first failure (or the deadline) kills them all and returns
// the failing worker's error; a worker killed by a signal is preferred as the root cause over
// peers that then failed in a collective call.
Status supervise(Supervised& s, int job_timeout_sec) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::seconds(job_timeout_sec);
  for (;;) {
    bool all_done = true;
    int failed = -1;
    for (size_t k = 0; k < s.workers.size(); ++k) {
      if (!s.workers[k].poll()) {
        all_done = false;
        continue;
      }
      if (s.workers[k].succeeded()) continue;
      if (failed < 0 || (WIFSIGNALED(s.workers[k].status()) &&
                         !WIFSIGNALED(s.workers[static_cast<size_t>(failed)].status())))
        failed = static_cast<int>(k);
    }
    if (failed >= 0) {
      auto& w = s.workers[static_cast<size_t>(failed)];
      std::string why = worker_failure(w, s.logs[static_cast<size_t>(failed)]);
      pid_t pid = w.pid();
      for (auto& other : s.workers) other.kill();
      return make_error(ErrorCode::kRuntime,
                        fmt::format("worker {} (pid {}) failed: {}", failed, pid, why));
    }
    if (all_done) return {};
    if (job_timeout_sec > 0 && Clock::now() >= deadline) {
      for (auto& w : s.workers) w.kill();
      return make_error(ErrorCode::kRuntime,
                        fmt::format("distributed training timed out after {} s", job_timeout_sec));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Result<XgbModel> fit_distributed(const DistributedOptions& o, const std::string& dir,
                                 std::string& tracker_description, DenseView x,
                                 const std::vector<float>& y, const DenseView* ex,
                                 const std::vector<float>* ey, const TrainOptions& topt) {
  if (x.rows < static_cast<size_t>(o.workers))
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("{} workers need at least {} training rows, got {}", o.workers,
                                  o.workers, x.rows));
  JobSpec spec;
  spec.params = topt.params;
  spec.num_boost_round = topt.num_boost_round;
  spec.early_stopping_rounds = topt.early_stopping_rounds;
  spec.nthread = topt.nthread;
  spec.collective_timeout_sec = o.collective_timeout_sec;
  MLO_TRY(write_job_spec(dir, spec));
  MLO_TRY(write_matrix(dir + "/train.bin", x, y));
  if (ex && ey) MLO_TRY(write_matrix(dir + "/eval.bin", *ex, *ey));

  TrackerOptions to;
  to.world = o.workers;
  to.host_ip = "127.0.0.1";
  to.log_path = dir + "/tracker.log";
  to.python = o.python;
  MLO_ASSIGN_OR_RETURN(Tracker tracker, Tracker::start(to));
  tracker_description = tracker.description();
  Supervised s;
  const std::string address = fmt::format("{}:{}", tracker.host(), tracker.port());
  for (int k = 0; k < o.workers; ++k) {
    SpawnOptions so;
    so.argv = o.worker_command;
    so.argv.insert(so.argv.end(), {dir, address, std::to_string(o.workers), task_id(k)});
    s.logs.push_back(fmt::format("{}/worker-{}.log", dir, k));
    so.stderr_path = s.logs.back();
    MLO_ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::spawn(so));
    s.workers.push_back(std::move(child));
  }
  Status done = supervise(s, o.job_timeout_sec);
  // After a failure the 1.7 tracker never exits; after success it does once all said goodbye.
  if (!done.ok() || !tracker.wait_for(5000)) tracker.stop();
  MLO_TRY(done);
  MLO_ASSIGN_OR_RETURN(std::string bytes, read_result_model(dir));
  std::vector<double> rounds = read_result_rounds(dir);
  if (topt.on_round)
    for (size_t r = 0; r < rounds.size(); ++r) topt.on_round(static_cast<int>(r), "", rounds[r]);
  return XgbModel::load(bytes);
}

}  // namespace

Status set_distributed_tree_method(Recipe& recipe) {
  auto it = recipe.params.find("tree_method");
  if (it == recipe.params.end() || it->second == "auto") {
    recipe.params["tree_method"] = "hist";
    return {};
  }
  if (it->second == "hist" || it->second == "approx") return {};
  return make_error(
      ErrorCode::kInvalidInput,
      "params.tree_method " + it->second + ": XGBoost trains distributed only with hist or approx");
}

Result<TrainOutcome> train_recipe_distributed(Recipe recipe, const TrainInputs& inputs,
                                              const DistributedOptions& o,
                                              const TrainProgress& progress) {
  if (o.workers < 1) return make_error(ErrorCode::kUsage, "workers must be >= 1");
  if (o.worker_command.empty())
    return make_error(ErrorCode::kUsage, "distributed training needs a worker command");
  MLO_TRY(set_distributed_tree_method(recipe));
  MLO_ASSIGN_OR_RETURN(JobDir dir, JobDir::create(o.tmp_dir));
  TrainInputs in = inputs;
  if (in.threads <= 0) {
    int cores = static_cast<int>(std::thread::hardware_concurrency());
    in.threads = std::max(1, cores / o.workers);
  }
  std::string tracker_description;
  in.fit = [&](DenseView x, const std::vector<float>& y, const DenseView* ex,
               const std::vector<float>* ey, const TrainOptions& topt) {
    if (progress.on_stage)
      progress.on_stage(fmt::format("starting the tracker and {} workers", o.workers));
    return fit_distributed(o, dir.path(), tracker_description, x, y, ex, ey, topt);
  };
  MLO_ASSIGN_OR_RETURN(TrainOutcome out, train_recipe(recipe, in, progress));
  auto& env = out.request.manifest.environment;
  env["workers"] = std::to_string(o.workers);
  env["tracker"] = tracker_description;
  return out;
}

Status run_train_worker(const WorkerArgs& a) {
  MLO_ASSIGN_OR_RETURN(auto address, parse_tracker_address(a.tracker, "tracker"));
  MLO_ASSIGN_OR_RETURN(JobSpec spec, read_job_spec(a.job_dir));
  CollectiveConfig cc;
  cc.tracker_host = address.first;
  cc.tracker_port = address.second;
  cc.task_id = a.task_id;
  cc.world = a.world;
  cc.timeout_sec = spec.collective_timeout_sec;
  MLO_ASSIGN_OR_RETURN(CollectiveMember me, collective_join(cc));
  const std::string who = fmt::format("worker rank {}", me.rank);
  auto fail = [&](const Error& e) { return make_error(e.code, who + ": " + e.message); };
  auto train = read_matrix(a.job_dir + "/train.bin", me.rank, me.world);
  if (!train.ok()) return fail(train.error());
  JobMatrix eval;
  const bool has_eval = fs::exists(a.job_dir + "/eval.bin");
  if (has_eval) {
    auto e = read_matrix(a.job_dir + "/eval.bin", 0, 1);
    if (!e.ok()) return fail(e.error());
    eval = std::move(*e);
  }
  TrainOptions topt;
  topt.params = spec.params;
  topt.num_boost_round = spec.num_boost_round;
  topt.early_stopping_rounds = spec.early_stopping_rounds;
  topt.nthread = spec.nthread;
  std::vector<double> rounds;
  topt.on_round = [&](int, const std::string&, double metric) { rounds.push_back(metric); };
  DenseView ev = eval.view();
  auto model = XgbModel::train(train->view(), train->y, has_eval ? &ev : nullptr,
                               has_eval ? &eval.y : nullptr, topt);
  if (!model.ok()) return fail(model.error());
  if (me.rank == 0) {
    auto bytes = model->save_ubjson();
    if (!bytes.ok()) return fail(bytes.error());
    if (auto st = write_result(a.job_dir, *bytes, rounds); !st.ok()) return fail(st.error());
  }
  return collective_finalize();
}

}  // namespace mlo::train

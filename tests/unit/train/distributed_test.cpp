// The pieces of distributed training that need no tracker: merged preprocessing equals one fit,
// the job matrix split by row index mod N, the collective config keys, address and rank
// parsing, and child-process supervision by PID. The collective itself is exercised end to
// end by tests/cli/distributed.sh (inside a private network namespace).
#include <signal.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/temp_dir.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "mlo/train/distributed.hpp"
#include "mlo/train/distributed_fit.hpp"
#include "mlo/train/distributed_hosts.hpp"
#include "mlo/train/distributed_job.hpp"
#include "mlo/train/distributed_process.hpp"
#include "mlo/train/fit_preprocess.hpp"
#include "mlo/train/tracker.hpp"

using namespace mlo;
using namespace mlo::train;

namespace {

// Rows i with i % n == k of a two-column table (numeric x, categorical c).
Table make_table(const std::vector<float>& x, const std::vector<std::string>& c, int n, int k) {
  Table t;
  TableColumn xc{"x", TableColumn::Type::kNumeric, {}, {}};
  TableColumn cc{"c", TableColumn::Type::kString, {}, {}};
  for (size_t i = 0; i < x.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(n)) != k) continue;
    xc.numbers.push_back(x[i]);
    cc.strings.push_back(c[i]);
  }
  t.rows = xc.numbers.size();
  t.columns = {xc, cc};
  return t;
}

}  // namespace

TEST_CASE("merged shard summaries give the same preprocessing as one fit") {
  std::vector<float> x;
  std::vector<std::string> c;
  const char* levels[] = {"b", "a", "c", "d", "", "a", "b", "e"};
  for (int i = 0; i < 101; ++i) {
    x.push_back(i % 7 == 0 ? NAN : static_cast<float>(i * 0.37 - 5));
    c.push_back(levels[(i * 5) % 8]);
  }
  const std::vector<std::string> num{"x"}, cat{"c"};
  for (size_t max_categories : {size_t{1000}, size_t{3}}) {
    auto whole = fit_preprocess(make_table(x, c, 1, 0), num, cat, FitOptions{max_categories});
    REQUIRE(whole.ok());
    for (int n : {1, 2, 3}) {
      std::vector<std::string> parts;
      for (int k = 0; k < n; ++k) {
        auto p = partial_fit(make_table(x, c, n, k), num, cat);
        REQUIRE(p.ok());
        parts.push_back(*p);
      }
      auto merged = merge_partial_fits(parts, num, cat, FitOptions{max_categories});
      REQUIRE(merged.ok());
      CHECK(merged->features[1].categories == whole->features[1].categories);
      CHECK_THAT(merged->features[0].mean,
                 Catch::Matchers::WithinRel(whole->features[0].mean, 1e-12));
      CHECK_THAT(merged->features[0].std,
                 Catch::Matchers::WithinRel(whole->features[0].std, 1e-12));
    }
  }
}

TEST_CASE("partial fits reject missing and mistyped columns") {
  Table t = make_table({1, 2}, {"a", "b"}, 1, 0);
  CHECK(partial_fit(t, {"nope"}, {}).error().code == ErrorCode::kInvalidInput);
  CHECK(partial_fit(t, {"c"}, {}).error().message.find("holds text") != std::string::npos);
  auto p = partial_fit(make_table({1}, {""}, 1, 0), {}, {"c"});
  REQUIRE(p.ok());
  CHECK(merge_partial_fits({*p}, {}, {"c"}).error().code == ErrorCode::kInvalidInput);
  CHECK(merge_partial_fits({"not json"}, {}, {"c"}).error().code == ErrorCode::kRuntime);
}

TEST_CASE("job matrices round-trip and split rows by index mod N") {
  test::TempDir dir;
  std::vector<float> x, y;
  for (int r = 0; r < 7; ++r) {
    y.push_back(static_cast<float>(r));
    x.push_back(static_cast<float>(r * 10));
    x.push_back(r == 3 ? NAN : static_cast<float>(r * 10 + 1));
  }
  REQUIRE(write_matrix(dir / "m.bin", DenseView{x.data(), 7, 2}, y).ok());
  auto all = read_matrix(dir / "m.bin", 0, 1);
  REQUIRE(all.ok());
  CHECK(all->rows == 7);
  CHECK(all->y == y);
  CHECK(std::isnan(all->x[7]));
  auto shard = read_matrix(dir / "m.bin", 1, 3);
  REQUIRE(shard.ok());
  CHECK(shard->y == std::vector<float>{1, 4});
  CHECK(shard->x == std::vector<float>{10, 11, 40, 41});
  CHECK(read_matrix(dir / "missing.bin", 0, 1).error().code == ErrorCode::kRuntime);

  JobSpec spec;
  spec.params = {{"eta", "0.3"}, {"tree_method", "hist"}};
  spec.num_boost_round = 17;
  REQUIRE(write_job_spec(dir.path(), spec).ok());
  auto back = read_job_spec(dir.path());
  REQUIRE(back.ok());
  CHECK(back->params == spec.params);
  CHECK(back->num_boost_round == 17);
}

TEST_CASE("the collective config uses the keys the linked XGBoost reads") {
  CollectiveConfig c{"10.0.0.5", 9091, "0003", 4, 60, 3};
  std::string json = collective_config_json(c);
  if (xgboost_version().rfind("1.", 0) == 0) {
    // 1.7 silently ignores lower-case dmlc_* keys and would train alone.
    CHECK(json.find("\"DMLC_TRACKER_URI\":\"10.0.0.5\"") != std::string::npos);
    CHECK(json.find("\"DMLC_TRACKER_PORT\":9091") != std::string::npos);
    CHECK(json.find("\"DMLC_TASK_ID\":\"0003\"") != std::string::npos);
    CHECK(json.find("\"rabit_timeout_sec\":60") != std::string::npos);
    CHECK(json.find("rabit_world_size") == std::string::npos);
  }
}

TEST_CASE("tracker addresses and ranks from job arrays") {
  auto a = parse_tracker_address("10.1.2.3:9091", "tracker");
  REQUIRE(a.ok());
  CHECK(a->first == "10.1.2.3");
  CHECK(a->second == 9091);
  for (const char* bad : {"nowhere", ":80", "host:", "host:0", "host:70000", "host:12x"})
    CHECK(parse_tracker_address(bad, "tracker").error().code == ErrorCode::kUsage);

  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("SLURM_ARRAY_TASK_MIN");
  unsetenv("JOB_COMPLETION_INDEX");
  CHECK_FALSE(rank_from_environment().has_value());
  setenv("JOB_COMPLETION_INDEX", "2", 1);
  CHECK(rank_from_environment() == 2);
  setenv("SLURM_ARRAY_TASK_ID", "5", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "1", 1);
  CHECK(rank_from_environment() == 4);
  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("SLURM_ARRAY_TASK_MIN");
  unsetenv("JOB_COMPLETION_INDEX");
}

TEST_CASE("tree methods XGBoost can train distributed") {
  Recipe r;
  REQUIRE(set_distributed_tree_method(r).ok());
  CHECK(r.params["tree_method"] == "hist");
  r.params["tree_method"] = "approx";
  REQUIRE(set_distributed_tree_method(r).ok());
  CHECK(r.params["tree_method"] == "approx");
  r.params["tree_method"] = "exact";
  CHECK(set_distributed_tree_method(r).error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("child processes are supervised and ended by PID") {
  test::TempDir dir;
  SpawnOptions ok{{"/bin/sh", "-c", "echo hello; echo 'mlo: error: bad thing' >&2; exit 3"},
                  {"X=1"},
                  dir / "out",
                  dir / "err",
                  false};
  auto c = ChildProcess::spawn(ok);
  REQUIRE(c.ok());
  REQUIRE(c->wait_for(10000));
  CHECK_FALSE(c->succeeded());
  CHECK(c->describe_status() == "exit code 3");
  CHECK(last_log_line(dir / "err", "mlo: error: ") == "mlo: error: bad thing");

  auto sleeper = ChildProcess::spawn(SpawnOptions{{"/bin/sleep", "30"}, {}, "", "", false});
  REQUIRE(sleeper.ok());
  pid_t pid = sleeper->pid();
  CHECK_FALSE(sleeper->wait_for(50));
  sleeper->kill();
  CHECK(sleeper->describe_status().find("signal 9") != std::string::npos);
  CHECK(::kill(pid, 0) != 0);  // reaped: the PID is gone

  auto missing = ChildProcess::spawn(SpawnOptions{{"/nonexistent/prog"}, {}, "", "", false});
  REQUIRE(missing.ok());  // exec fails in the child
  REQUIRE(missing->wait_for(10000));
  CHECK(missing->describe_status() == "exit code 127");
}

TEST_CASE("the tracker reports where it listens and is ended by PID") {
  TrackerOptions bad;
  bad.world = 1;
  bad.python = "/nonexistent/python3";
  auto missing = Tracker::start(bad);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("python3-xgboost") != std::string::npos);
  bad.world = 0;
  CHECK(Tracker::start(bad).error().code == ErrorCode::kUsage);

  if (std::system("/usr/bin/python3 -c 'import xgboost.tracker' 2>/dev/null") != 0) {
    const char* ci = std::getenv("CI");
    REQUIRE_FALSE((ci && std::string(ci) == "true"));  // CI must have python3-xgboost
    WARN("python3-xgboost missing: tracker start not tested");
    return;
  }
  test::TempDir dir;
  TrackerOptions o;
  o.world = 2;
  o.log_path = dir / "tracker.log";
  auto t = Tracker::start(o);  // binds 127.0.0.1 only
  REQUIRE(t.ok());
  CHECK(t->host() == "127.0.0.1");
  CHECK(t->port() > 0);
  CHECK(t->description().find("python3-xgboost") != std::string::npos);
  CHECK(t->worker_env()[1] == "DMLC_TRACKER_PORT=" + std::to_string(t->port()));
  pid_t pid = t->pid();
  CHECK_FALSE(t->wait_for(100));  // waits for its 2 workers forever
  t->stop();
  CHECK(::kill(pid, 0) != 0);
}

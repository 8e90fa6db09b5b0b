// Distributed training: one model trained by N worker processes on XGBoost's own collective
// (Rabit; tracker.hpp), never on a home-made one.
//
// One host (train_recipe_distributed): the launcher does everything train_recipe does -- reads
// the data, fits the preprocessing ONCE on the whole input, splits off the eval rows -- then,
// instead of fitting in-process, writes the encoded training rows to a private job directory,
// starts the tracker and N workers (the same executable in its worker role, run_train_worker),
// and waits. Worker r joins the collective, keeps the training rows whose index i has
// i % N == r (as score-batch --shard does), builds its DMatrix from them, evaluates on the whole
// eval set (so the all-reduced per-round metric, and early stopping, match one process) and
// trains; rank 0 writes the model back. The launcher registers nothing itself: it returns the
// same TrainOutcome as train_recipe, with environment.workers and environment.tracker added.
//
// With an exact quantile sketch (every feature has <= max_bin distinct values, or fewer rows
// than 8 * max_bin) the model is byte-identical to single-process training; otherwise the
// merged sketch cuts differ slightly and so do the trees (same quality).
//
// Failure: if any worker fails (error, signal, timeout), every worker and the tracker are
// killed by PID, the job directory is removed and the first worker's error is returned
// (kRuntime). Every child also dies with the launcher (PR_SET_PDEATHSIG).
#pragma once

#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/train/recipe.hpp"
#include "mlo/train/train_pipeline.hpp"

namespace mlo::train {

struct DistributedOptions {
  int workers = 2;
  // argv prefix that starts this program's worker role; the launcher appends
  // <job dir> <host:port> <world> <task id> (see run_train_worker).
  std::vector<std::string> worker_command;
  int collective_timeout_sec = 300;         // a hung peer becomes an error after this long
  int job_timeout_sec = 0;                  // wall clock for the whole fit; 0 = no limit
  std::string tmp_dir;                      // job directory parent; "" = $TMPDIR or /tmp
  std::string python = "/usr/bin/python3";  // runs XGBoost 1.7's tracker
};

// kUsage for workers < 1 or an empty worker_command; kInvalidInput for tree_method exact (XGBoost
// cannot train it distributed) or fewer training rows than workers; kRuntime for a tracker or
// worker failure. Sets params.tree_method to hist unless the recipe chose hist or approx.
// inputs.threads is per worker (0 = the cores divided among the workers).
Result<TrainOutcome> train_recipe_distributed(Recipe recipe, const TrainInputs& inputs,
                                              const DistributedOptions& options,
                                              const TrainProgress& progress = {});

// The worker role, run in its own process by the launcher's worker_command.
struct WorkerArgs {
  std::string job_dir;
  std::string tracker;  // host:port
  int world = 0;
  std::string task_id;  // zero-padded rank hint: the tracker sorts ranks by it
};
Status run_train_worker(const WorkerArgs& args);

// The recipe's params with the distributed tree method applied (hist by default), or
// kInvalidInput for one XGBoost cannot train distributed. Shared with the multi-host path.
Status set_distributed_tree_method(Recipe& recipe);

}  // namespace mlo::train

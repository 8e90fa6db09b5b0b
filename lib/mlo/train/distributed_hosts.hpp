// Multi-host training: this process is ONE worker of a job whose tracker runs elsewhere
// (`mlo tracker`), training on its own shard file. Every worker runs the same recipe:
//  - joins the collective (the tracker must confirm `world`; rank from the task id hint when
//    given, else the tracker's choice);
//  - fits the preprocessing from every shard's summary (distributed_fit.hpp);
//  - evaluates on the SAME eval file (checked by digest), so rank 0's metrics cover all of it
//    and the all-reduced per-round metric (early stopping) matches one process;
//  - trains through XgbModel::train inside the collective.
// Rank 0 gets the outcome to register; training.data then names every shard: digest of the
// shards' digests in rank order, rows summed. The baseline profile is rank 0's shard (profiles
// of different shards have different bin edges and cannot be merged).
#pragma once

#include <optional>
#include <string>

#include "mlo/core/result.hpp"
#include "mlo/train/recipe.hpp"
#include "mlo/train/train_pipeline.hpp"

namespace mlo::train {

struct MultiHostOptions {
  std::string tracker;  // host:port
  int world = 0;
  std::optional<int> rank;  // task id hint (job array index)
  int collective_timeout_sec = 300;
};

struct MultiHostOutcome {
  int rank = 0;
  int world = 0;
  std::optional<TrainOutcome> outcome;  // rank 0 only
};

// kUsage without an eval file or for a bad tracker address/world/rank; kRuntime when the
// tracker cannot be reached, does not confirm the world size, or a peer fails; kInvalidInput
// when the workers' eval files differ.
Result<MultiHostOutcome> train_recipe_multihost(Recipe recipe, const TrainInputs& inputs,
                                                const MultiHostOptions& options,
                                                const TrainProgress& progress = {});

// The rank hint from the environment: SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN) or a
// Kubernetes indexed Job's JOB_COMPLETION_INDEX; nullopt when neither is set.
std::optional<int> rank_from_environment();

}  // namespace mlo::train

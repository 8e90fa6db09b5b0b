// Local distributed training shared by train and retrain (defined in cmd_train.cpp).
#pragma once

#include "command.hpp"
#include "mlo/train/distributed.hpp"

namespace mlo::cli {

// The one --workers flag: 1..256; not given leaves `workers` at 0 (train in-process).
CLI::Option* add_workers_option(CLI::App& app, int& workers);

// N local workers run by this executable's hidden worker command (kTrainWorkerCommand).
Result<train::DistributedOptions> local_workers(int workers);

}  // namespace mlo::cli

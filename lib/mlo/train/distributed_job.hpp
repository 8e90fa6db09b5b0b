// The private job directory shared by a distributed-training launcher and its workers on one
// host: what to train (job.json), the encoded rows (train.bin, eval.bin), and what rank 0
// hands back (model.ubj, rounds.json). Matrices are float32 rows "label, features..." after a
// header {magic "MLOMAT1", rows, cols}, so a worker streams train.bin and keeps only its rows.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/model/xgboost_model.hpp"

namespace mlo::train {

struct JobSpec {
  std::map<std::string, std::string> params;
  int num_boost_round = 100;
  int early_stopping_rounds = 0;
  int nthread = 1;
  int collective_timeout_sec = 300;
};

struct JobMatrix {
  std::vector<float> x, y;
  size_t rows = 0, cols = 0;
  DenseView view() const { return DenseView{x.data(), rows, cols}; }
};

Status write_job_spec(const std::string& dir, const JobSpec& spec);
Result<JobSpec> read_job_spec(const std::string& dir);

Status write_matrix(const std::string& path, DenseView x, const std::vector<float>& y);
// Rows i with i % world == rank (world 1 = every row).
Result<JobMatrix> read_matrix(const std::string& path, int rank, int world);

// rank 0's result: the model and the per-round eval metric (NaN without eval).
Status write_result(const std::string& dir, const std::string& model_ubjson,
                    const std::vector<double>& round_metrics);
Result<std::string> read_result_model(const std::string& dir);
std::vector<double> read_result_rounds(const std::string& dir);

}  // namespace mlo::train

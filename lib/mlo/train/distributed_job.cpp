#include "mlo/train/distributed_job.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "mlo/core/atomic_file.hpp"

namespace mlo::train {

namespace {

constexpr char kMagic[8] = {'M', 'L', 'O', 'M', 'A', 'T', '1', '\0'};

Error io_error(const std::string& what) {
  return make_error(ErrorCode::kRuntime, what + ": " + std::strerror(errno));
}

Result<std::string> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Status write_atomic(const std::string& path, std::string_view bytes) {
  MLO_ASSIGN_OR_RETURN(AtomicFile f, AtomicFile::create(path));
  MLO_TRY(f.write(bytes));
  return f.commit();
}

using FilePtr = std::unique_ptr<FILE, int (*)(FILE*)>;

}  // namespace

Status write_job_spec(const std::string& dir, const JobSpec& s) {
  nlohmann::json j{{"params", s.params},
                   {"num_boost_round", s.num_boost_round},
                   {"early_stopping_rounds", s.early_stopping_rounds},
                   {"nthread", s.nthread},
                   {"collective_timeout_sec", s.collective_timeout_sec}};
  return write_atomic(dir + "/job.json", j.dump());
}

Result<JobSpec> read_job_spec(const std::string& dir) {
  MLO_ASSIGN_OR_RETURN(std::string text, slurp(dir + "/job.json"));
  try {
    auto j = nlohmann::json::parse(text);
    JobSpec s;
    s.params = j.at("params").get<std::map<std::string, std::string>>();
    s.num_boost_round = j.at("num_boost_round").get<int>();
    s.early_stopping_rounds = j.at("early_stopping_rounds").get<int>();
    s.nthread = j.at("nthread").get<int>();
    s.collective_timeout_sec = j.at("collective_timeout_sec").get<int>();
    return s;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kRuntime, dir + "/job.json: " + e.what());
  }
}

Status write_matrix(const std::string& path, DenseView x, const std::vector<float>& y) {
  FilePtr f(std::fopen(path.c_str(), "wbe"), &std::fclose);
  if (!f) return io_error("cannot write " + path);
  uint64_t header[2] = {x.rows, x.cols};
  bool ok = std::fwrite(kMagic, 1, sizeof kMagic, f.get()) == sizeof kMagic &&
            std::fwrite(header, sizeof header, 1, f.get()) == 1;
  for (size_t r = 0; ok && r < x.rows; ++r) {
    ok = std::fwrite(&y[r], sizeof(float), 1, f.get()) == 1 &&
         std::fwrite(x.data + r * x.cols, sizeof(float), x.cols, f.get()) == x.cols;
  }
  if (!ok || std::fflush(f.get()) != 0) return io_error("cannot write " + path);
  return {};
}

Result<JobMatrix> read_matrix(const std::string& path, int rank, int world) {
  FilePtr f(std::fopen(path.c_str(), "rbe"), &std::fclose);
  if (!f) return io_error("cannot read " + path);
  char magic[sizeof kMagic];
  uint64_t header[2];
  if (std::fread(magic, 1, sizeof magic, f.get()) != sizeof magic ||
      std::memcmp(magic, kMagic, sizeof kMagic) != 0 ||
      std::fread(header, sizeof header, 1, f.get()) != 1)
    return make_error(ErrorCode::kRuntime, path + ": not a job matrix");
  JobMatrix m;
  m.cols = header[1];
  const uint64_t rows = header[0];
  const uint64_t keep = rows / world + (static_cast<uint64_t>(rank) < rows % world ? 1 : 0);
  m.x.reserve(keep * m.cols);
  m.y.reserve(keep);
  std::vector<float> row(m.cols + 1);
  for (uint64_t i = 0; i < rows; ++i) {
    if (std::fread(row.data(), sizeof(float), row.size(), f.get()) != row.size())
      return make_error(ErrorCode::kRuntime, fmt::format("{}: truncated at row {}", path, i));
    if (static_cast<int>(i % static_cast<uint64_t>(world)) != rank) continue;
    m.y.push_back(row[0]);
    m.x.insert(m.x.end(), row.begin() + 1, row.end());
  }
  m.rows = m.y.size();
  return m;
}

Status write_result(const std::string& dir, const std::string& model_ubjson,
                    const std::vector<double>& round_metrics) {
  nlohmann::json rounds = nlohmann::json::array();
  for (double v : round_metrics)
    rounds.push_back(std::isnan(v) ? nlohmann::json() : nlohmann::json(v));
  MLO_TRY(write_atomic(dir + "/rounds.json", rounds.dump()));
  return write_atomic(dir + "/model.ubj", model_ubjson);  // last: its presence means done
}

Result<std::string> read_result_model(const std::string& dir) {
  return slurp(dir + "/model.ubj");
}

std::vector<double> read_result_rounds(const std::string& dir) {
  std::vector<double> out;
  auto text = slurp(dir + "/rounds.json");
  if (!text.ok()) return out;
  try {
    for (const auto& v : nlohmann::json::parse(*text))
      out.push_back(v.is_number() ? v.get<double>() : NAN);
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

}  // namespace mlo::train

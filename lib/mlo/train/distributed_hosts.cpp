#include "mlo/train/distributed_hosts.hpp"

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "mlo/core/digest.hpp"
#include "mlo/train/distributed.hpp"
#include "mlo/train/distributed_fit.hpp"
#include "mlo/train/tracker.hpp"

namespace mlo::train {

namespace {

// What every worker tells the others after training, to describe the whole input.
struct ShardInfo {
  std::string digest, source, eval_digest;
  uint64_t rows = 0, train_rows = 0;
};

Result<std::vector<ShardInfo>> exchange_shard_info(const TrainOutcome& out) {
  const auto& mv = out.request.manifest;
  nlohmann::json mine{{"digest", mv.training_data ? mv.training_data->digest : ""},
                      {"rows", mv.training_data ? mv.training_data->rows : 0},
                      {"source", mv.training_data ? mv.training_data->source : ""},
                      {"eval", mv.eval_data ? mv.eval_data->digest : ""},
                      {"train_rows", out.train_rows}};
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> all, collective_allgather(mine.dump()));
  std::vector<ShardInfo> shards;
  try {
    for (const auto& text : all) {
      auto j = nlohmann::json::parse(text);
      shards.push_back({j.at("digest").get<std::string>(), j.at("source").get<std::string>(),
                        j.at("eval").get<std::string>(), j.at("rows").get<uint64_t>(),
                        j.at("train_rows").get<uint64_t>()});
    }
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kRuntime, std::string("shard exchange: ") + e.what());
  }
  return shards;
}

DataRef whole_input(const std::vector<ShardInfo>& shards) {
  if (shards.size() == 1) return DataRef{shards[0].digest, shards[0].rows, shards[0].source};
  std::string list = "mlo-shards";
  uint64_t rows = 0;
  for (const auto& s : shards) {
    list += "\n" + s.digest;
    rows += s.rows;
  }
  return DataRef{digest_bytes(list), rows,
                 fmt::format("{} and {} other shards", shards[0].source, shards.size() - 1)};
}

}  // namespace

std::optional<int> rank_from_environment() {
  auto num = [](const char* name) -> std::optional<int> {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    char* end = nullptr;
    long n = std::strtol(v, &end, 10);
    if (*end != '\0' || n < 0 || n > 1000000) return std::nullopt;
    return static_cast<int>(n);
  };
  if (auto id = num("SLURM_ARRAY_TASK_ID")) return *id - num("SLURM_ARRAY_TASK_MIN").value_or(0);
  return num("JOB_COMPLETION_INDEX");
}

Result<MultiHostOutcome> train_recipe_multihost(Recipe recipe, const TrainInputs& inputs,
                                                const MultiHostOptions& o,
                                                const TrainProgress& progress) {
  if (!inputs.eval_path)
    return make_error(ErrorCode::kUsage,
                      "multi-host training needs an eval file that every worker reads");
  if (o.world < 1) return make_error(ErrorCode::kUsage, "world size must be >= 1");
  if (o.rank && (*o.rank < 0 || *o.rank >= o.world))
    return make_error(ErrorCode::kUsage,
                      fmt::format("rank {} is outside 0..{}", *o.rank, o.world - 1));
  MLO_ASSIGN_OR_RETURN(auto address, parse_tracker_address(o.tracker, "tracker"));
  MLO_TRY(set_distributed_tree_method(recipe));
  CollectiveConfig cc;
  cc.tracker_host = address.first;
  cc.tracker_port = address.second;
  cc.world = o.world;
  cc.timeout_sec = o.collective_timeout_sec;
  if (o.rank) cc.task_id = fmt::format("{:04d}", *o.rank);
  if (progress.on_stage) progress.on_stage("joining the tracker at " + o.tracker);
  MLO_ASSIGN_OR_RETURN(CollectiveMember me, collective_join(cc));
  const std::string who = fmt::format("worker rank {} of {}", me.rank, me.world);
  auto fail = [&](const Error& e) { return make_error(e.code, who + ": " + e.message); };

  TrainInputs in = inputs;
  in.fit_spec = [&](const Table& shard) -> Result<PreprocessSpec> {
    MLO_ASSIGN_OR_RETURN(std::string mine, partial_fit(shard, recipe.numeric, recipe.categorical));
    MLO_ASSIGN_OR_RETURN(std::vector<std::string> all, collective_allgather(mine));
    return merge_partial_fits(all, recipe.numeric, recipe.categorical,
                              FitOptions{recipe.max_categories});
  };
  auto trained = train_recipe(recipe, in, progress);
  if (!trained.ok()) return fail(trained.error());
  auto shards = exchange_shard_info(*trained);
  if (!shards.ok()) return fail(shards.error());
  for (size_t r = 1; r < shards->size(); ++r)
    if ((*shards)[r].eval_digest != (*shards)[0].eval_digest)
      return fail(make_error(ErrorCode::kInvalidInput,
                             fmt::format("the eval data of rank {} differs from rank 0's", r)));
  auto& mv = trained->request.manifest;
  mv.training_data = whole_input(*shards);
  trained->train_rows = 0;
  for (const auto& s : *shards) trained->train_rows += s.train_rows;
  mv.environment["workers"] = std::to_string(me.world);
  mv.environment["tracker"] = o.tracker;
  if (auto st = collective_finalize(); !st.ok()) return fail(st.error());
  MultiHostOutcome result{me.rank, me.world, std::nullopt};
  if (me.rank == 0) result.outcome = std::move(*trained);
  return result;
}

}  // namespace mlo::train

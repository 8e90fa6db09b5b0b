// Profiling glue between the data layer's streaming reader and ProfileBuilder: one pass over a
// CSV or JSON Lines file (any compression), chunk by chunk, so memory stays bounded by the
// chunk size whatever the file size. The statistics themselves never see the reader.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/rows.hpp"
#include "mlo/drift/profile.hpp"

namespace mlo::drift {

struct StreamOptions {
  size_t chunk_rows = 65536;  // rows per chunk, approximately (chunks are cut by bytes)
  int threads = 0;            // parse + profile workers; 0 = one per core
};

struct StreamResult {
  uint64_t rows = 0;
  std::string digest;  // sha256 of the raw input bytes
  std::vector<std::string> header;
  std::vector<bool> present;  // per builder feature: the column exists in the input
};

// Called once per parsed block (after the builder has seen it) for extra per-row work such as
// labels and scores. `header` is the input's column list.
using BlockFn =
    std::function<Status(const std::vector<std::string>& header, const RowBlock& block)>;

// Feeds the columns named like the builder's features into `builder` (features the input
// lacks are left empty and marked in `present`). Chunks are parsed and profiled on
// `options.threads` workers, one shard per chunk, absorbed in chunk order (and `on_block`
// called in chunk order on this thread): the profile is the same for any thread count. Memory:
// up to threads + 2 chunks in flight. Ragged rows and bad JSON are kInvalidInput.
Result<StreamResult> profile_stream(const std::string& path, ProfileBuilder& builder,
                                    const StreamOptions& options = {},
                                    const BlockFn& on_block = nullptr);

}  // namespace mlo::drift

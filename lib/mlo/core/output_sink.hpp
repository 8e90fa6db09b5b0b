// OutputSink: an output that is not a local file (an object in a bucket), written through
// OutputFile (output_file.hpp) with the same all-or-none contract as a temp file + rename.
// Implementations live with the backends that reach the remote (store/s3/s3_writer.cpp, opened
// by data/remote_output.hpp), so core never depends on them.
//
// Contract:
//  - write() appends; nothing is visible at the target yet (the bytes may already be on the
//    remote side, e.g. as parts of a multipart upload, but never as the object).
//  - prepare() sends everything but the final step; after it succeeds, publish() only has to make
//    the output appear (one request). OutputGroup prepares every output before it publishes any.
//  - publish() makes the whole output appear at once, replacing what was there.
//  - Destroying a sink that was not published discards everything written (aborts the upload),
//    so the target stays as it was; a process killed by a signal cannot do that (see
//    docs/s3.md for what reclaims the leftovers).
#pragma once

#include <cstddef>

#include "mlo/core/result.hpp"

namespace mlo {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual Status write(const void* data, size_t size) = 0;
  virtual Status prepare() = 0;
  virtual Status publish() = 0;
};

}  // namespace mlo

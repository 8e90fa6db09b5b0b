// Opening a user-given output path that may be an object in a bucket: "s3://bucket/key" is
// written through the s3:// store client (same settings and retries as an s3:// store,
// docs/s3.md) as an OutputSink (core/output_sink.hpp): buffered one part at a time, never
// copied to disk, and visible only when committed (one PUT, or CompleteMultipartUpload), so a
// failed run leaves no object, no partial object, and an existing object as it was. Any other
// path is OutputFile::open's (output_file.hpp). Writers use OutputFile::write (fd() is -1 for
// an s3:// output).
#pragma once

#include <string>

#include "mlo/core/output_file.hpp"
#include "mlo/core/result.hpp"

namespace mlo {

// kUsage for a malformed s3:// URL; otherwise as OutputFile::open.
Result<OutputFile> open_output(const std::string& path);

}  // namespace mlo

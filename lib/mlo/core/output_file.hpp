// OutputFile: where a command writes a user-given output path (-o, --report, ...), chosen by
// what the path names, so that no output is ever damaged:
//   - a regular file or a new path: a temp file beside it, renamed over it by commit()
//     (AtomicFile); until then the old file is untouched, and an uncommitted OutputFile
//     removes its temp;
//   - a symlink: resolved (up to 40 hops); its final target is replaced the same way, the link
//     stays a link;
//   - /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N (also what a shell's process
//     substitution >(cmd) gives): the descriptor is duplicated and written directly, so
//     redirections and pipes keep their semantics;
//   - any other existing non-regular file (character device such as /dev/null, FIFO, socket):
//     opened and streamed into directly, never replaced;
//   - an object in a bucket ("s3://bucket/key"): not opened here (core knows no object store);
//     data/remote_output.hpp opens it as an OutputSink and wraps it with OutputFile::from_sink.
//     It behaves like a replaced file: nothing appears until publish, a failure leaves the
//     object as it was. OutputFile::open refuses such a path with kUsage.
// Streamed outputs cannot be rolled back: bytes already written stay written on failure.
// A directory is kUsage; a missing parent directory kNotFound.
//
// OutputGroup commits several outputs all-or-none, as far as a file system allows: every
// output is written to its temp first; commit_all() makes every temp durable (fsync) and only
// then renames them one after the other. A failure before the first rename leaves every target
// as it was. A failure after it (very rare: rename within one directory does not fail for lack
// of space) is reported with the exact list of outputs already replaced and those left as they
// were; the remaining temps are removed. Outputs into an object store are published before the
// local renames: a request to a server is likelier to fail than a rename, and failing first
// leaves everything as it was. Usage (drift reports + run record, score output, ...):
//
//   OutputGroup group;
//   MLO_ASSIGN_OR_RETURN(OutputFile* html, group.add("report.html"));
//   MLO_ASSIGN_OR_RETURN(OutputFile* json, group.add("report.json"));
//   MLO_TRY(html->write(...)); MLO_TRY(json->write(...));
//   MLO_TRY(group.commit_all());   // on error nothing or exactly the listed outputs changed
//   // destroying the group without commit_all() removes every temp
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/atomic_file.hpp"
#include "mlo/core/output_sink.hpp"
#include "mlo/core/result.hpp"

namespace mlo {

enum class OutputKind {
  kReplace,  // regular file or new path: temp + rename
  kStream,   // device, FIFO, socket, inherited descriptor: written directly
};

struct OutputTarget {
  std::string path;      // as given
  std::string resolved;  // kReplace: the file that will be replaced (symlinks followed)
  OutputKind kind = OutputKind::kReplace;
  int inherited_fd = -1;  // kStream through /dev/fd/N, /dev/stdout, ...: N
};

// Decides how `path` will be written, without writing anything.
Result<OutputTarget> resolve_output_target(const std::string& path);

// True when both paths exist and name the same file (same device and inode, symlinks followed).
bool same_existing_file(const std::string& a, const std::string& b);

class OutputFile {
 public:
  static Result<OutputFile> open(const std::string& path);
  // An output written through `sink` (see output_sink.hpp); `path` names it in messages.
  static OutputFile from_sink(std::string path, std::unique_ptr<OutputSink> sink);

  OutputFile(OutputFile&&) noexcept;
  OutputFile& operator=(OutputFile&&) noexcept;
  ~OutputFile();

  // The descriptor to write to, or -1 for a sink output: writers that can take either use write().
  int fd() const;
  // Written directly into an existing file, device or descriptor (cannot be rolled back).
  bool streamed() const { return !file_.has_value() && !sink_; }
  bool remote() const { return sink_ != nullptr; }
  const std::string& path() const { return path_; }
  Status write(const void* data, size_t size);
  Status write(std::string_view bytes) { return write(bytes.data(), bytes.size()); }
  // Replace: fsync + rename over the target. Stream: closes the descriptor.
  Status commit();
  // The halves of commit() used by OutputGroup.
  Status prepare();
  Status publish();

 private:
  OutputFile() = default;
  void close_stream();

  std::string path_;
  std::optional<AtomicFile> file_;
  std::unique_ptr<OutputSink> sink_;
  int stream_fd_ = -1;
};

class OutputGroup {
 public:
  OutputGroup() = default;
  OutputGroup(const OutputGroup&) = delete;
  OutputGroup& operator=(const OutputGroup&) = delete;

  // Opens one more output (see OutputFile). The pointer stays valid for the group's lifetime.
  Result<OutputFile*> add(const std::string& path);
  // Adds an output opened elsewhere (e.g. an s3:// output from data/remote_output.hpp).
  OutputFile* add(OutputFile file);
  // Prepares every output, then publishes them: remote ones first, then the others in the order
  // added. See the header comment
  // for what a failure means.
  Status commit_all();

 private:
  std::vector<std::unique_ptr<OutputFile>> files_;
};

// Writes `bytes` to a user-given output path by the rules above (one-output OutputGroup).
Status write_output_file(const std::string& path, std::string_view bytes);

}  // namespace mlo

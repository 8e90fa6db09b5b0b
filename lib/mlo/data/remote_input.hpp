// RemoteSource: an object in an S3 bucket ("s3://bucket/key") as a readable descriptor, so
// InputStream reads it like a file. A thread GETs the object through the s3:// store client
// (same settings, retries and resumed reads: docs/s3.md) into one end of a socket pair; the
// reader reads the other end. Nothing is written to disk and memory stays bounded (the socket
// buffer), whatever the object's size.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "mlo/core/result.hpp"

namespace mlo {

class Store;

// "s3://..." (the only remote scheme for data files).
bool is_remote_data_path(std::string_view path);

// "s3://bucket/key" as the bucket opened as a store (no prefix) and the key inside it; kUsage
// for a malformed URL or key. Shared by inputs and outputs (remote_output.hpp).
struct RemoteObject {
  std::unique_ptr<Store> store;
  std::string key;
};
Result<RemoteObject> open_remote_object(const std::string& url);

class RemoteSource {
 public:
  // kUsage for a malformed URL, kNotFound for a missing object (a HEAD before returning),
  // kRuntime when the server cannot be reached.
  static Result<std::unique_ptr<RemoteSource>> open(const std::string& url);
  // Closes the read end, which stops a transfer still running, and joins the thread.
  ~RemoteSource();
  RemoteSource(const RemoteSource&) = delete;
  RemoteSource& operator=(const RemoteSource&) = delete;

  int fd() const;
  // Once fd() reported end of file: how the transfer ended (an error if it stopped early, so a
  // cut-off object is never taken for a short one).
  Status finish();

 private:
  struct State;
  explicit RemoteSource(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace mlo

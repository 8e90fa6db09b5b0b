// Child processes of a distributed training job (the tracker and the workers): started with
// fork/exec, supervised by PID, ended by PID. Nothing here uses process groups or names, so a
// launcher only ever signals processes it started itself.
//
// Every child gets PR_SET_PDEATHSIG(SIGKILL): if the launcher dies (kill -9, OOM), its workers
// and tracker die with it instead of waiting forever on a tracker nobody will end.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include "mlo/core/result.hpp"

namespace mlo::train {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is the program (absolute path, no PATH lookup)
  std::vector<std::string> env;   // extra "K=V" entries on top of the launcher's environment
  std::string stdout_path;        // "" = /dev/null
  std::string stderr_path;        // "" = /dev/null, "-" = the launcher's stderr
  bool stdout_pipe = false;       // stdout to a pipe the caller reads (ChildProcess::stdout_fd)
};

// One child. Destroying a ChildProcess that still runs kills (SIGKILL) and reaps it.
class ChildProcess {
 public:
  static Result<ChildProcess> spawn(const SpawnOptions& options);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  int stdout_fd() const { return stdout_fd_; }
  bool running() const { return pid_ > 0 && !exited_; }
  // Non-blocking: true once the child has exited (then status() is its wait status).
  bool poll();
  int status() const { return status_; }
  // "exit code 3", "killed by signal 9 (Killed)".
  std::string describe_status() const;
  bool succeeded() const { return exited_ && WIFEXITED(status_) && WEXITSTATUS(status_) == 0; }
  // Waits up to timeout_ms for the child to exit on its own; false if it is still running.
  bool wait_for(int timeout_ms);
  // SIGKILL and reap. No-op once exited.
  void kill();

 private:
  ChildProcess(pid_t pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}
  void close_stdout();

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  bool exited_ = false;
  int status_ = 0;
};

// The last line of a log file starting with `prefix` (or the last non-empty line when none
// does), at most 400 characters; "" when the file is missing or empty.
std::string last_log_line(const std::string& path, const std::string& prefix);

// Absolute path of the running executable (/proc/self/exe).
Result<std::string> self_executable();

}  // namespace mlo::train

#include "mlo/train/distributed_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>
#include <utility>

#include <fmt/format.h>

extern char** environ;

namespace mlo::train {

namespace {

Error sys_error(const std::string& what) {
  return make_error(ErrorCode::kRuntime, what + ": " + std::strerror(errno));
}

// Only async-signal-safe calls between fork and exec: the launcher may have threads.
[[noreturn]] void exec_child(const SpawnOptions& o, char* const* argv, char* const* envp,
                             int out_fd, int err_fd, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the launcher died before prctl took effect
  if (out_fd >= 0) dup2(out_fd, STDOUT_FILENO);
  if (err_fd >= 0) dup2(err_fd, STDERR_FILENO);
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
  execve(o.argv[0].c_str(), argv, envp);
  _exit(127);
}

int open_output(const std::string& path) {
  return open(path.empty() ? "/dev/null" : path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
              0600);
}

}  // namespace

Result<ChildProcess> ChildProcess::spawn(const SpawnOptions& o) {
  if (o.argv.empty()) return make_error(ErrorCode::kRuntime, "spawn: empty command");
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  env_strings.insert(env_strings.end(), o.env.begin(), o.env.end());
  std::vector<char*> argv, envp;
  for (const auto& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int pipe_fds[2] = {-1, -1};
  if (o.stdout_pipe && pipe2(pipe_fds, O_CLOEXEC) != 0) return sys_error("spawn: pipe");
  int out_fd = o.stdout_pipe ? pipe_fds[1] : open_output(o.stdout_path);
  int err_fd = o.stderr_path == "-" ? -1 : open_output(o.stderr_path);
  auto close_all = [&] {
    if (out_fd >= 0) close(out_fd);
    if (err_fd >= 0) close(err_fd);
  };
  if (out_fd < 0 || (err_fd < 0 && o.stderr_path != "-")) {
    Error e = sys_error("spawn " + o.argv[0] + ": cannot open its output");
    close_all();
    if (pipe_fds[0] >= 0) close(pipe_fds[0]);
    return e;
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    Error e = sys_error("spawn " + o.argv[0]);
    close_all();
    if (pipe_fds[0] >= 0) close(pipe_fds[0]);
    return e;
  }
  if (pid == 0) exec_child(o, argv.data(), envp.data(), out_fd, err_fd, parent);
  close_all();
  return ChildProcess(pid, pipe_fds[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      exited_(other.exited_),
      status_(other.status_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  std::swap(pid_, other.pid_);
  std::swap(stdout_fd_, other.stdout_fd_);
  std::swap(exited_, other.exited_);
  std::swap(status_, other.status_);
  return *this;
}

ChildProcess::~ChildProcess() {
  kill();
  close_stdout();
}

void ChildProcess::close_stdout() {
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

bool ChildProcess::poll() {
  if (pid_ <= 0 || exited_) return exited_;
  int st = 0;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    status_ = st;
  } else if (r < 0 && errno == ECHILD) {
    exited_ = true;  // reaped elsewhere; nothing left to signal
    status_ = 0;
  }
  return exited_;
}

bool ChildProcess::wait_for(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!poll()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

void ChildProcess::kill() {
  if (pid_ <= 0 || poll()) return;
  ::kill(pid_, SIGKILL);
  int st = 0;
  while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  exited_ = true;
  status_ = st;
}

std::string ChildProcess::describe_status() const {
  if (!exited_) return "still running";
  if (WIFEXITED(status_)) return fmt::format("exit code {}", WEXITSTATUS(status_));
  if (WIFSIGNALED(status_))
    return fmt::format("killed by signal {} ({})", WTERMSIG(status_), strsignal(WTERMSIG(status_)));
  return "ended abnormally";
}

std::string last_log_line(const std::string& path, const std::string& prefix) {
  std::ifstream in(path);
  std::string line, last, last_prefixed;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) continue;
    last = line;
    if (!prefix.empty() && line.rfind(prefix, 0) == 0) last_prefixed = line;
  }
  std::string out = last_prefixed.empty() ? last : last_prefixed;
  if (out.size() > 400) out.resize(400);
  return out;
}

Result<std::string> self_executable() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return sys_error("cannot find the running executable (/proc/self/exe)");
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace mlo::train

#include "mlo/data/remote_input.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "mlo/store/store.hpp"

namespace mlo {

bool is_remote_data_path(std::string_view path) {
  return path.rfind("s3://", 0) == 0;
}

struct RemoteSource::State {
  std::unique_ptr<Store> store;
  std::string url, key;
  int read_fd = -1, write_fd = -1;
  Status outcome;
  std::thread thread;
  bool joined = false;

  void run() {
    outcome = store->get_to(key, [this](const char* data, size_t size) -> Status {
      while (size > 0) {
        // MSG_NOSIGNAL: a reader that stopped early must not kill the process with SIGPIPE.
        ssize_t n = ::send(write_fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return make_error(ErrorCode::kRuntime, url + ": reader closed");
        data += n;
        size -= static_cast<size_t>(n);
      }
      return {};
    });
    ::shutdown(write_fd, SHUT_WR);  // end of file for the reader, also after an error
  }

  void join() {
    if (joined) return;
    if (thread.joinable()) thread.join();
    joined = true;
  }

  ~State() {
    if (read_fd >= 0) ::shutdown(read_fd, SHUT_RDWR);
    join();
    if (read_fd >= 0) ::close(read_fd);
    if (write_fd >= 0) ::close(write_fd);
  }
};

RemoteSource::RemoteSource(std::unique_ptr<State> state) : state_(std::move(state)) {}
RemoteSource::~RemoteSource() = default;

int RemoteSource::fd() const {
  return state_->read_fd;
}

Status RemoteSource::finish() {
  state_->join();
  return state_->outcome;
}

Result<RemoteObject> open_remote_object(const std::string& url) {
  // s3://bucket/key: the bucket is opened as a store without a prefix, the rest is the key.
  if (!is_remote_data_path(url)) return make_error(ErrorCode::kUsage, url + ": not an s3:// URL");
  const std::string rest = url.substr(5);
  const size_t slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 >= rest.size())
    return make_error(ErrorCode::kUsage, url + ": expected s3://bucket/key");
  RemoteObject object;
  object.key = rest.substr(slash + 1);
  if (Status st = validate_key(object.key); !st.ok())
    return make_error(ErrorCode::kUsage, url + ": " + st.error().message);
  MLO_ASSIGN_OR_RETURN(object.store, open_store("s3://" + rest.substr(0, slash)));
  return object;
}

Result<std::unique_ptr<RemoteSource>> RemoteSource::open(const std::string& url) {
  MLO_ASSIGN_OR_RETURN(RemoteObject object, open_remote_object(url));
  auto state = std::make_unique<State>();
  state->url = url;
  state->key = std::move(object.key);
  state->store = std::move(object.store);
  if (auto info = state->store->head(state->key); !info.ok()) {
    if (info.error().code == ErrorCode::kNotFound)
      return make_error(ErrorCode::kNotFound, url + ": no such object");
    return info.error();
  }
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    return make_error(ErrorCode::kRuntime, url + ": socketpair: " + std::strerror(errno));
  state->read_fd = fds[0];
  state->write_fd = fds[1];
  State* s = state.get();
  state->thread = std::thread([s] { s->run(); });
  return std::unique_ptr<RemoteSource>(new RemoteSource(std::move(state)));
}

}  // namespace mlo

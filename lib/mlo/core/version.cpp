#include "mlo/core/version.hpp"

#include <sys/utsname.h>

#include <fstream>
#include <string>

namespace mlo {

std::string mlo_version() { return MLO_VERSION; }

std::string os_name() {
  std::ifstream in("/etc/os-release");
  std::string line, id, version;
  auto value = [](const std::string& l) {
    std::string v = l.substr(l.find('=') + 1);
    if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
    return v;
  };
  while (std::getline(in, line)) {
    if (line.rfind("ID=", 0) == 0) id = value(line);
    if (line.rfind("VERSION_ID=", 0) == 0) version = value(line);
  }
  if (id.empty()) return "unknown";
  return version.empty() ? id : id + "-" + version;
}

std::string arch_name() {
  utsname u{};
  return uname(&u) == 0 ? u.machine : "unknown";
}

}  // namespace mlo

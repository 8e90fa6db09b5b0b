#pragma once

#include <string>

namespace mlo {

std::string mlo_version();  // project version, e.g. "0.1.0"
std::string os_name();      // "debian-12" from /etc/os-release
std::string arch_name();    // "x86_64"

}  // namespace mlo

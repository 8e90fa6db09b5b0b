// mlo version: mlo, XGBoost and library versions, and the platform.
//
// XGBoost, libcurl and libarchive are opened at run time on first use (lib/mlo/core/
// lazy_library.hpp), so the plain listing shows the versions mlo was built against and loads
// none of them: `mlo version` stays as fast as the process start. With --json or -v it also
// tries to load each one and reports the file, whether it loaded and its own version (which is
// what a command needing it would use); a library that does not load is reported, not an error.
#include <iostream>

#include <fmt/core.h>
#include <openssl/crypto.h>
#include <CLI/Version.hpp>

#include "command.hpp"
#include "mlo/core/archive_api.hpp"
#include "mlo/core/curl_api.hpp"
#include "mlo/core/version.hpp"
#include "mlo/model/xgboost_api.hpp"
#include "output.hpp"

namespace mlo::cli {
namespace {

std::vector<std::pair<std::string, std::string>> versions() {
  return {
      {"mlo", mlo_version()},
      {"xgboost", xgboost_build_version()},
      {"openssl", OpenSSL_version(OPENSSL_VERSION_STRING)},
      {"libarchive", archive_build_version()},
      {"libcurl", curl_build_version()},
      {"cli11", CLI11_VERSION},
      {"fmt",
       fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
      {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR,
                                    NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)},
      {"os", os_name()},
      {"arch", arch_name()},
  };
}

// A library opened at run time, as this process finds it.
struct RuntimeLibrary {
  std::string name;
  std::string file;
  Result<std::string> version;  // its own version, or why it did not load
};

std::vector<RuntimeLibrary> runtime_libraries() {
  std::vector<RuntimeLibrary> out;
  out.push_back({"xgboost", library_file(kXgboostLibrary), xgboost_library_version()});
  out.push_back({"libcurl", library_file(kCurlLibrary), curl_library_version()});
  out.push_back({"libarchive", library_file(kArchiveLibrary), archive_library_version()});
  return out;
}

}  // namespace

void setup_version(CLI::App& app, Context& ctx) {
  app.callback([&ctx] {
    ctx.run = [&ctx]() -> Result<int> {
      const auto all = versions();
      if (ctx.global.json) {
        nlohmann::json doc = nlohmann::json::object();
        for (const auto& [k, v] : all) doc[k] = v;
        nlohmann::json runtime = nlohmann::json::object();
        for (const auto& lib : runtime_libraries()) {
          nlohmann::json& r = runtime[lib.name];
          r["file"] = lib.file;
          r["loaded"] = lib.version.ok();
          if (lib.version.ok())
            r["version"] = *lib.version;
          else
            r["error"] = lib.version.error().message;
        }
        doc["runtime"] = std::move(runtime);
        print_json(doc);
        return 0;
      }
      for (const auto& [k, v] : all) std::cout << k << " " << v << "\n";
      if (ctx.global.verbose) {
        for (const auto& lib : runtime_libraries()) {
          std::cout << "runtime " << lib.name << " ";
          if (lib.version.ok())
            std::cout << *lib.version << " (" << lib.file << ")\n";
          else
            std::cout << "not loaded: " << lib.version.error().message << "\n";
        }
      }
      return 0;
    };
  });
}

}  // namespace mlo::cli

// mlo version: mlo, XGBoost and library versions, and the platform.
#include <iostream>

#include <archive.h>
#include <fmt/core.h>
#include <openssl/crypto.h>
#include <CLI/Version.hpp>

#include "command.hpp"
#include "mlo/core/version.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "output.hpp"

namespace mlo::cli {
namespace {

std::vector<std::pair<std::string, std::string>> versions() {
  return {
      {"mlo", mlo_version()},
      {"xgboost", xgboost_version()},
      {"openssl", OpenSSL_version(OPENSSL_VERSION_STRING)},
      {"libarchive",
       fmt::format("{}.{}.{}", archive_version_number() / 1000000,
                   archive_version_number() / 1000 % 1000, archive_version_number() % 1000)},
      {"cli11", CLI11_VERSION},
      {"fmt",
       fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
      {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR,
                                    NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)},
      {"os", os_name()},
      {"arch", arch_name()},
  };
}

}  // namespace

void setup_version(CLI::App& app, Context& ctx) {
  app.callback([&ctx] {
    ctx.run = [&ctx]() -> Result<int> {
      const auto all = versions();
      if (ctx.global.json) {
        nlohmann::json doc = nlohmann::json::object();
        for (const auto& [k, v] : all) doc[k] = v;
        print_json(doc);
      } else {
        for (const auto& [k, v] : all) std::cout << k << " " << v << "\n";
      }
      return 0;
    };
  });
}

}  // namespace mlo::cli

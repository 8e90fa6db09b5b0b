#include "mlo/store/s3/s3_config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mlo::s3 {

namespace {

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Result<long> positive_setting(const EnvFn& env, const char* name, long fallback, long max) {
  std::string v = env(name);
  if (v.empty()) return fallback;
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (end == v.c_str() || *end != '\0' || n <= 0 || n > max)
    return make_error(ErrorCode::kUsage, std::string(name) + "='" + v +
                                             "': expected a whole number from 1 to " +
                                             std::to_string(max));
  return n;
}

}  // namespace

std::string process_env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string ini_value(const std::string& text, std::string_view section, std::string_view key) {
  std::istringstream in(text);
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      in_section = trim(std::string_view(t).substr(1, t.size() - 2)) == section;
      continue;
    }
    size_t eq = t.find('=');
    if (in_section && eq != std::string::npos && trim(std::string_view(t).substr(0, eq)) == key)
      return trim(std::string_view(t).substr(eq + 1));
  }
  return {};
}

Result<S3Config> load_s3_config(std::string_view url, const EnvFn& env) {
  constexpr std::string_view kScheme = "s3://";
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kUsage, "store " + std::string(url) + ": " + why);
  };
  if (url.substr(0, kScheme.size()) != kScheme) return bad("expected s3://bucket[/prefix]");
  std::string_view rest = url.substr(kScheme.size());
  S3Config config;
  size_t slash = rest.find('/');
  config.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) config.prefix = std::string(rest.substr(slash + 1));
  while (!config.prefix.empty() && config.prefix.back() == '/') config.prefix.pop_back();
  // Bucket names: 3-63 of [a-z0-9.-] (the S3 rules; also keeps the name URL- and host-safe).
  if (config.bucket.size() < 3 || config.bucket.size() > 63 ||
      config.bucket.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") !=
          std::string::npos)
    return bad("invalid bucket name '" + config.bucket + "'");
  for (size_t start = 0; !config.prefix.empty();) {
    size_t end = config.prefix.find('/', start);
    std::string_view seg = std::string_view(config.prefix).substr(start, end - start);
    if (seg.empty() || seg == "." || seg == ".." || seg.front() == '.')
      return bad("invalid prefix '" + config.prefix + "'");
    if (end == std::string::npos) break;
    start = end + 1;
  }

  const std::string home = env("HOME");
  const std::string profile = env("AWS_PROFILE").empty() ? "default" : env("AWS_PROFILE");
  std::string config_file = env("AWS_CONFIG_FILE");
  if (config_file.empty() && !home.empty()) config_file = home + "/.aws/config";
  const std::string config_text = config_file.empty() ? "" : read_text(config_file);
  const std::string config_section = profile == "default" ? "default" : "profile " + profile;

  config.region = env("AWS_REGION");
  if (config.region.empty()) config.region = env("AWS_DEFAULT_REGION");
  if (config.region.empty()) config.region = ini_value(config_text, config_section, "region");
  if (config.region.empty()) config.region = "us-east-1";

  std::string endpoint = env("MLO_S3_ENDPOINT");
  if (endpoint.empty()) endpoint = env("AWS_ENDPOINT_URL");
  const bool custom = !endpoint.empty();
  if (!custom) endpoint = "https://s3." + config.region + ".amazonaws.com";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0)
    return bad("endpoint '" + endpoint + "' must start with http:// or https://");
  if (endpoint.find('/', endpoint.find("//") + 2) != std::string::npos ||
      endpoint.find('@') != std::string::npos)
    return bad("endpoint '" + endpoint + "' must be scheme://host[:port]");
  config.endpoint = endpoint;

  const std::string addressing = env("MLO_S3_ADDRESSING");
  if (addressing.empty())
    config.path_style = custom;
  else if (addressing == "path" || addressing == "virtual")
    config.path_style = addressing == "path";
  else
    return bad("MLO_S3_ADDRESSING='" + addressing + "': expected path or virtual");
  if (!config.path_style && config.bucket.find('.') != std::string::npos)
    return bad("a bucket name with '.' needs MLO_S3_ADDRESSING=path");

  Credentials& c = config.credentials;
  c.access_key = env("AWS_ACCESS_KEY_ID");
  c.secret_key = env("AWS_SECRET_ACCESS_KEY");
  c.session_token = env("AWS_SESSION_TOKEN");
  if (c.access_key.empty() || c.secret_key.empty()) {
    std::string file = env("AWS_SHARED_CREDENTIALS_FILE");
    if (file.empty() && !home.empty()) file = home + "/.aws/credentials";
    const std::string text = file.empty() ? "" : read_text(file);
    c.access_key = ini_value(text, profile, "aws_access_key_id");
    c.secret_key = ini_value(text, profile, "aws_secret_access_key");
    c.session_token = ini_value(text, profile, "aws_session_token");
  }
  if (c.access_key.empty() || c.secret_key.empty())
    return bad("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or profile '" +
               profile + "' in ~/.aws/credentials");

  MLO_ASSIGN_OR_RETURN(config.connect_timeout_s,
                       positive_setting(env, "MLO_S3_CONNECT_TIMEOUT", 10, 3600));
  MLO_ASSIGN_OR_RETURN(config.read_timeout_s,
                       positive_setting(env, "MLO_S3_READ_TIMEOUT", 60, 3600));
  MLO_ASSIGN_OR_RETURN(long attempts, positive_setting(env, "MLO_S3_MAX_ATTEMPTS", 5, 20));
  config.max_attempts = static_cast<int>(attempts);
  MLO_ASSIGN_OR_RETURN(long part_mib, positive_setting(env, "MLO_S3_PART_SIZE", 16, 64));
  config.part_size = static_cast<uint64_t>(std::max(part_mib, 8L)) << 20;
  MLO_ASSIGN_OR_RETURN(long threads, positive_setting(env, "MLO_S3_CONCURRENCY", 4, 32));
  config.concurrency = static_cast<int>(threads);
  return config;
}

}  // namespace mlo::s3

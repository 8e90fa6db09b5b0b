// Profile serialization and merging.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlo/drift/profile.hpp"

namespace mlo::drift {

std::string category_key(std::string_view value) {
  if (value.size() <= kMaxCategoryBytes) return std::string(value);
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64
  for (unsigned char c : value) h = (h ^ c) * 1099511628211ull;
  size_t keep = kMaxCategoryBytes - 24;
  while (keep > 0 && (static_cast<unsigned char>(value[keep]) & 0xC0) == 0x80) --keep;
  char tail[24];
  std::snprintf(tail, sizeof tail, "\xE2\x80\xA6#%016llx", static_cast<unsigned long long>(h));
  return std::string(value.substr(0, keep)) + tail;
}

using nlohmann::json;

const FeatureProfile* Profile::find(std::string_view name) const {
  for (const auto& f : features) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string Profile::to_json() const {
  json doc{{"schema", kProfileSchema}, {"rows", rows}, {"features", json::array()}};
  for (const auto& f : features) {
    json j{{"name", f.name},
           {"kind", f.kind == FeatureKind::kNumeric ? "numeric" : "categorical"},
           {"rows", f.rows},
           {"nulls", f.nulls},
           {"type_errors", f.type_errors},
           {"count", f.count}};
    if (f.kind == FeatureKind::kNumeric) {
      j["min"] = f.min;
      j["max"] = f.max;
      j["mean"] = f.mean;
      j["m2"] = f.m2;
      j["edges"] = f.edges;
      j["bins"] = f.bins;
      j["below_range"] = f.below_range;
    } else {
      j["categories"] = f.categories;
      j["other"] = f.other;
    }
    doc["features"].push_back(std::move(j));
  }
  return doc.dump();
}

namespace {
Status check_feature(const FeatureProfile& f, const std::string& what) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kInvalidInput, what + ": feature '" + f.name + "': " + why);
  };
  if (f.name.empty())
    return make_error(ErrorCode::kInvalidInput, what + ": feature without a name");
  if (f.kind != FeatureKind::kNumeric) return {};
  if (f.bins.size() != f.edges.size() + 1) return bad("bins must have one more entry than edges");
  if (!std::is_sorted(f.edges.begin(), f.edges.end()) ||
      std::adjacent_find(f.edges.begin(), f.edges.end()) != f.edges.end())
    return bad("edges must be strictly ascending");
  for (double e : f.edges) {
    if (!std::isfinite(e)) return bad("non-finite edge");
  }
  if (!std::isfinite(f.mean) || !std::isfinite(f.m2) || !std::isfinite(f.min) ||
      !std::isfinite(f.max))
    return bad("non-finite moments");
  return {};
}
}  // namespace

namespace {
// Counts must be JSON non-negative integers: nlohmann's get<uint64_t>() would convert a float
// (1e60) or a negative number with undefined behaviour or wrap-around (found by fuzz_profile).
struct BadCount : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
uint64_t count_of(const json& v, const char* field) {
  if (!v.is_number_unsigned())
    throw BadCount(std::string("field '") + field + "' is not a non-negative integer");
  return v.get<uint64_t>();
}
uint64_t optional_count(const json& obj, const char* field) {
  auto it = obj.find(field);
  return it == obj.end() ? 0 : count_of(*it, field);
}
std::vector<uint64_t> counts_of(const json& v, const char* field) {
  if (!v.is_array()) throw BadCount(std::string("field '") + field + "' is not a list");
  std::vector<uint64_t> out;
  out.reserve(v.size());
  for (const auto& e : v) out.push_back(count_of(e, field));
  return out;
}
std::map<std::string, uint64_t> category_counts(const json& v) {
  if (!v.is_object()) throw BadCount("field 'categories' is not a mapping");
  std::map<std::string, uint64_t> out;
  for (const auto& [k, c] : v.items()) out.emplace(k, count_of(c, "categories"));
  return out;
}
}  // namespace

Result<Profile> Profile::from_json(std::string_view bytes, const std::string& what) {
  try {
    const json doc = json::parse(bytes);
    if (doc.value("schema", "") != kProfileSchema)
      return make_error(ErrorCode::kInvalidInput,
                        what + ": not a profile (schema is not " + kProfileSchema + ")");
    Profile p;
    p.rows = count_of(doc.at("rows"), "rows");
    for (const auto& j : doc.at("features")) {
      FeatureProfile f;
      f.name = j.at("name").get<std::string>();
      const auto kind = j.at("kind").get<std::string>();
      if (kind != "numeric" && kind != "categorical")
        return make_error(ErrorCode::kInvalidInput,
                          what + ": feature '" + f.name + "': unknown kind '" + kind + "'");
      f.kind = kind == "numeric" ? FeatureKind::kNumeric : FeatureKind::kCategorical;
      f.rows = count_of(j.at("rows"), "rows");
      f.nulls = count_of(j.at("nulls"), "nulls");
      f.type_errors = optional_count(j, "type_errors");
      f.count = count_of(j.at("count"), "count");
      if (f.kind == FeatureKind::kNumeric) {
        f.min = j.at("min").get<double>();
        f.max = j.at("max").get<double>();
        f.mean = j.at("mean").get<double>();
        f.m2 = j.at("m2").get<double>();
        f.edges = j.at("edges").get<std::vector<double>>();
        f.bins = counts_of(j.at("bins"), "bins");
        f.below_range = optional_count(j, "below_range");
      } else {
        f.categories = category_counts(j.at("categories"));
        f.other = optional_count(j, "other");
      }
      MLO_TRY(check_feature(f, what));
      p.features.push_back(std::move(f));
    }
    return p;
  } catch (const json::exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": malformed profile JSON: " + e.what());
  } catch (const BadCount& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": malformed profile: " + e.what());
  }
}

namespace {
void merge_moments(FeatureProfile& a, const FeatureProfile& b) {
  if (b.count == 0) return;
  if (a.count == 0) {
    a.min = b.min, a.max = b.max, a.mean = b.mean, a.m2 = b.m2;
    return;
  }
  const double na = static_cast<double>(a.count), nb = static_cast<double>(b.count);
  const double delta = b.mean - a.mean;
  a.mean += delta * nb / (na + nb);
  a.m2 += b.m2 + delta * delta * na * nb / (na + nb);  // Chan et al.
  a.min = std::min(a.min, b.min);
  a.max = std::max(a.max, b.max);
}
}  // namespace

void detail::merge_counts(FeatureProfile& a, const FeatureProfile& b) {
  merge_moments(a, b);  // before the counts change: it weighs by both counts
  a.rows += b.rows;
  a.nulls += b.nulls;
  a.type_errors += b.type_errors;
  a.count += b.count;
  a.below_range += b.below_range;
  for (size_t k = 0; k < a.bins.size(); ++k) a.bins[k] += b.bins[k];
}

namespace {
void cap_categories(FeatureProfile& f, size_t cap) {
  if (f.categories.size() <= cap) return;
  std::vector<std::pair<std::string, uint64_t>> items(f.categories.begin(), f.categories.end());
  std::sort(items.begin(), items.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
  f.categories.clear();
  for (size_t i = 0; i < items.size(); ++i) {
    if (i < cap)
      f.categories.insert(items[i]);
    else
      f.other += items[i].second;
  }
}
}  // namespace

Status merge_into(Profile& into, const Profile& other, size_t max_categories) {
  for (const auto& b : other.features) {
    auto it = std::find_if(into.features.begin(), into.features.end(),
                           [&](const auto& f) { return f.name == b.name; });
    if (it == into.features.end()) {
      into.features.push_back(b);
      continue;
    }
    FeatureProfile& a = *it;
    if (a.kind != b.kind)
      return make_error(ErrorCode::kInvalidInput,
                        "merge profiles: feature '" + b.name +
                            "' is numeric in one and categorical in the other");
    if (a.kind == FeatureKind::kNumeric && a.edges != b.edges)
      return make_error(ErrorCode::kInvalidInput, "merge profiles: feature '" + b.name +
                                                      "' was profiled on different bin edges");
    detail::merge_counts(a, b);
    for (const auto& [name, c] : b.categories) a.categories[name] += c;
    a.other += b.other;
    cap_categories(a, max_categories);
  }
  into.rows += other.rows;
  return {};
}

}  // namespace mlo::drift

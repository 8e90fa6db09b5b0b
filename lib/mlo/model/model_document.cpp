// A SAX reader over nlohmann's JSON and UBJSON parsers. Each array the reader keeps gets a
// "sink" chosen once when the array opens (from the path of keys leading to it), so the
// per-element cost is a switch, not a path comparison.
#include "mlo/model/model_document.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mlo {

namespace {

using nlohmann::json;

enum class Sink : uint8_t {
  kNone,
  kVersion,
  kTreeInfo,
  kFeatureNames,  // learner.feature_names, learner.feature_types: lists of strings
  kFeatureTypes,
  kLeft,
  kRight,
  kFeature,
  kParents,
  kCond,
  kDefaultLeft,
  kSplitType,
  kCatNodes,
  kCatSegments,
  kCatSizes,
  kCountBaseWeights,
  kCountLossChanges,
  kCountSumHessian,
  kCountCategories,
};

struct Frame {
  std::string name;  // the key this container is the value of; "[]" inside an array
  bool array = false;
  bool tree = false;  // a tree object inside model.trees
  Sink sink = Sink::kNone;
};

class Reader {
 public:
  explicit Reader(ModelDocument& doc) : doc_(doc) {}
  const std::string& error() const { return error_; }

  // nlohmann SAX interface. A null among split conditions is a NaN XGBoost wrote as a bare
  // `NaN` token (categorical splits; see json_without_nonfinite).
  bool null() {
    if (sink() != Sink::kCond) return scalar_error("null");
    doc_.trees.back().cond.push_back(NAN);
    return count_node();
  }
  bool boolean(bool v) { return integer(v ? 1 : 0); }
  bool number_integer(json::number_integer_t v) { return integer(v); }
  bool number_unsigned(json::number_unsigned_t v) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return integer(-1, true);
    return integer(static_cast<int64_t>(v));
  }
  bool number_float(json::number_float_t v, const std::string& lexeme) {
    if (sink() == Sink::kCond) {
      // JSON text: parse the lexeme as float directly, as XGBoost does (a double in between
      // could round twice). UBJSON: the value is a float32 widened to double, exact.
      float f = static_cast<float>(v);
      if (!lexeme.empty()) std::from_chars(lexeme.data(), lexeme.data() + lexeme.size(), f);
      doc_.trees.back().cond.push_back(f);
      return count_node();
    }
    if (in_array()) {
      Sink s = sink();
      if (s == Sink::kNone) return true;
      if (s >= Sink::kCountBaseWeights) return integer(0);  // counted, value unused
      if (std::floor(v) != v || std::fabs(v) > 9.0e18) return integer(-1, true);
      return integer(static_cast<int64_t>(v));
    }
    return object_value(std::to_string(v), v);
  }
  bool string(std::string& s) {
    if (in_array()) {
      const Sink k = sink();
      if (k == Sink::kFeatureNames) return push_feature_info(doc_.feature_names, s);
      if (k == Sink::kFeatureTypes) return push_feature_info(doc_.feature_types, s);
      return k == Sink::kNone ? true : scalar_error("a string");
    }
    return object_value(s, NAN);
  }
  bool binary(json::binary_t& b) {
    if (!in_array() && sink() == Sink::kNone) return true;
    for (uint8_t v : b)
      if (!integer(v)) return false;
    return true;
  }
  bool key(std::string& k) {
    key_ = k;
    return true;
  }
  bool start_object(std::size_t size) { return open(false, size); }
  bool end_object() { return close(); }
  bool start_array(std::size_t size) { return open(true, size); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const json::exception& e) {
    std::string why = e.what();
    if (auto nl = why.find('\n'); nl != std::string::npos) why.resize(nl);
    error_ = fmt::format("not an XGBoost JSON/UBJSON model: {} (byte {})", why, position);
    return false;
  }

 private:
  bool fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }
  bool in_array() const { return !frames_.empty() && frames_.back().array; }
  Sink sink() const { return frames_.empty() ? Sink::kNone : frames_.back().sink; }
  // Frame names from the root: is the open container at `path`?
  bool at(std::initializer_list<std::string_view> path) const {
    if (frames_.size() != path.size() + 1) return false;
    size_t i = 1;
    for (auto p : path)
      if (frames_[i++].name != p) return false;
    return true;
  }
  // learner.gradient_booster[.gbtree].model: the booster's tree container (dart nests it).
  bool is_booster_model(size_t i) const {
    return i >= 3 && i < frames_.size() && frames_[1].name == "learner" &&
           frames_[2].name == "gradient_booster" && frames_[i].name == "model" && !frames_[i].array;
  }
  bool at_booster_model() const { return !frames_.empty() && is_booster_model(frames_.size() - 1); }

  bool open(bool array, std::size_t size) {
    if (static_cast<int>(frames_.size()) >= kMaxModelNesting)
      return fail(fmt::format("nested deeper than {} levels", kMaxModelNesting));
    Frame f;
    if (is_feature_info(sink()))
      return fail(fmt::format("learner.{} holds a non-string entry", frames_.back().name));
    f.name = in_array() ? "[]" : key_;
    f.array = array;
    bool parent_tree = !frames_.empty() && frames_.back().tree;
    if (!array && in_array() && frames_.back().name == "trees" &&
        is_booster_model(frames_.size() - 2)) {
      if (static_cast<int64_t>(doc_.trees.size()) >= kMaxModelTrees)
        return fail(fmt::format("more than {} trees", kMaxModelTrees));
      doc_.trees.emplace_back();
      f.tree = true;
    }
    if (array) {
      if (parent_tree)
        f.sink = tree_sink(f.name);
      else if (at_booster_model() && f.name == "tree_info")
        f.sink = Sink::kTreeInfo;
      else if (frames_.size() == 1 && f.name == "version")
        f.sink = Sink::kVersion;
      else if (at({"learner"}) && f.name == "feature_names")
        f.sink = Sink::kFeatureNames;
      else if (at({"learner"}) && f.name == "feature_types")
        f.sink = Sink::kFeatureTypes;
      if (f.sink != Sink::kNone && size != std::string::npos &&
          static_cast<int64_t>(std::min<std::size_t>(size, SIZE_MAX / 2)) >
              std::max(kMaxTreeNodes, kMaxModelTrees))
        return fail(fmt::format("array '{}' declares {} elements", f.name, size));
    }
    frames_.push_back(std::move(f));
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }

  static Sink tree_sink(const std::string& name) {
    static const std::pair<const char*, Sink> kSinks[] = {
        {"left_children", Sink::kLeft},
        {"right_children", Sink::kRight},
        {"split_indices", Sink::kFeature},
        {"parents", Sink::kParents},
        {"split_conditions", Sink::kCond},
        {"default_left", Sink::kDefaultLeft},
        {"split_type", Sink::kSplitType},
        {"categories_nodes", Sink::kCatNodes},
        {"categories_segments", Sink::kCatSegments},
        {"categories_sizes", Sink::kCatSizes},
        {"base_weights", Sink::kCountBaseWeights},
        {"loss_changes", Sink::kCountLossChanges},
        {"sum_hessian", Sink::kCountSumHessian},
        {"categories", Sink::kCountCategories},
    };
    for (const auto& [n, s] : kSinks)
      if (name == n) return s;
    return Sink::kNone;
  }

  static bool is_feature_info(Sink s) {
    return s == Sink::kFeatureNames || s == Sink::kFeatureTypes;
  }
  bool push_feature_info(std::vector<std::string>& list, const std::string& s) {
    if (static_cast<int64_t>(list.size()) >= kMaxModelFeatures)
      return fail(fmt::format("learner.{} has more than {} entries", frames_.back().name,
                              kMaxModelFeatures));
    if (s.size() > kMaxFeatureNameBytes)
      return fail(fmt::format("learner.{} holds an entry longer than {} bytes", frames_.back().name,
                              kMaxFeatureNameBytes));
    list.push_back(s);
    return true;
  }

  bool count_node() {
    if (++array_values_ > 8 * kMaxModelNodes)
      return fail(fmt::format("more than {} tree nodes", kMaxModelNodes));
    return true;
  }

  static bool count(int64_t& n) {
    n = std::max<int64_t>(n, 0) + 1;
    return n <= kMaxTreeNodes;
  }

  bool integer(int64_t v, bool out_of_range = false) {
    if (!in_array()) {
      if (out_of_range) return object_value("", NAN);
      return object_value(std::to_string(v), static_cast<double>(v));
    }
    Sink s = sink();
    if (s == Sink::kNone) return true;
    if (s == Sink::kCond) {
      doc_.trees.back().cond.push_back(static_cast<float>(v));
      return count_node();
    }
    const std::string& name = frames_.back().name;
    if (is_feature_info(s)) return fail(fmt::format("learner.{} holds a non-string entry", name));
    if (out_of_range || v < std::numeric_limits<int32_t>::min() ||
        v > std::numeric_limits<int32_t>::max())
      return fail(fmt::format("'{}' holds a value out of range", name));
    if (s == Sink::kVersion) {
      if (version_n_ >= 3) return fail("'version' has more than 3 numbers");
      doc_.version[version_n_++] = v;
      return true;
    }
    if (s == Sink::kTreeInfo) {
      if (static_cast<int64_t>(doc_.tree_info.size()) >= kMaxModelTrees)
        return fail(fmt::format("more than {} trees", kMaxModelTrees));
      doc_.tree_info.push_back(static_cast<int32_t>(v));
      return true;
    }
    ModelTree& t = doc_.trees.back();
    auto push = [&](auto& vec) {
      if (static_cast<int64_t>(vec.size()) >= kMaxTreeNodes)
        return fail(fmt::format("a tree has more than {} nodes", kMaxTreeNodes));
      vec.push_back(static_cast<typename std::decay_t<decltype(vec)>::value_type>(v));
      return count_node();
    };
    auto push_flag = [&](std::vector<uint8_t>& vec) {
      if (v < 0 || v > 255) return fail(fmt::format("'{}' holds {}", name, v));
      return push(vec);
    };
    bool ok = true;
    switch (s) {
      case Sink::kLeft:
        return push(t.left);
      case Sink::kRight:
        return push(t.right);
      case Sink::kFeature:
        return push(t.feature);
      case Sink::kParents:
        return push(t.parents);
      case Sink::kDefaultLeft:
        return push_flag(t.default_left);
      case Sink::kSplitType:
        return push_flag(t.split_type);
      case Sink::kCatNodes:
        return push(t.cat_nodes);
      case Sink::kCatSegments:
        return push(t.cat_segments);
      case Sink::kCatSizes:
        return push(t.cat_sizes);
      case Sink::kCountBaseWeights:
        ok = count(t.base_weights);
        break;
      case Sink::kCountLossChanges:
        ok = count(t.loss_changes);
        break;
      case Sink::kCountSumHessian:
        ok = count(t.sum_hessian);
        break;
      case Sink::kCountCategories:
        ok = count(t.num_categories);
        break;
      default:
        break;
    }
    if (!ok) return fail(fmt::format("a tree has more than {} nodes", kMaxTreeNodes));
    return count_node();
  }

  bool scalar_error(const char* what) {
    if (in_array() && sink() != Sink::kNone)
      return fail(fmt::format("'{}' holds {}", frames_.back().name, what));
    return true;
  }

  // A scalar inside an object: the few model parameters mlo reads.
  bool object_value(const std::string& text, double number) {
    if (frames_.empty()) return true;
    if (at({"learner", "learner_model_param"})) {
      if (key_ == "base_score") return param_float(text, doc_.base_score);
      if (key_ == "num_class") return param_int(text, number, kMaxModelClasses, doc_.num_class);
      if (key_ == "num_feature")
        return param_int(text, number, kMaxModelFeatures, doc_.num_feature);
    } else if ((key_ == "feature_names" || key_ == "feature_types") && at({"learner"})) {
      if (!std::isnan(number) || !text.empty()) return fail("learner." + key_ + " is not a list");
    } else if (key_ == "name" && at({"learner", "objective"})) {
      doc_.objective = text;
    } else if (key_ == "name" && at({"learner", "gradient_booster"})) {
      doc_.booster = text;
    } else if (key_ == "num_nodes" && frames_.size() >= 2 && frames_.back().name == "tree_param" &&
               frames_[frames_.size() - 2].tree) {
      return param_int(text, number, kMaxTreeNodes, doc_.trees.back().declared_nodes);
    }
    return true;
  }

  // Model parameters are strings in XGBoost 1.x ("5E-1"); newer versions may write "[5E-1]".
  bool param_float(std::string text, float& out) {
    text.erase(
        std::remove_if(text.begin(), text.end(), [](char c) { return c == '[' || c == ']'; }),
        text.end());
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
      return fail(fmt::format("{} '{}' is not a number", key_, text.substr(0, 40)));
    return true;
  }
  bool param_int(const std::string& text, double number, int64_t limit, int64_t& out) {
    int64_t v = 0;
    if (!std::isnan(number)) {
      if (std::floor(number) != number || std::fabs(number) > 9.0e18)
        return fail(fmt::format("{} {} is not an integer", key_, number));
      v = static_cast<int64_t>(number);
    } else {
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return fail(fmt::format("{} '{}' is not an integer", key_, text.substr(0, 40)));
    }
    if (v < 0 || v > limit)
      return fail(fmt::format("{} {} is out of range (0..{})", key_, v, limit));
    out = v;
    return true;
  }

  ModelDocument& doc_;
  std::vector<Frame> frames_;
  std::string key_;
  std::string error_;
  int version_n_ = 0;
  int64_t array_values_ = 0;
};

Error bad(const std::string& why) {
  return make_error(ErrorCode::kInvalidInput, "model: " + why);
}

Status check_tree(const ModelDocument& doc, size_t i) {
  const ModelTree& t = doc.trees[i];
  const size_t n = t.left.size();
  auto sized = [&](size_t len) { return len == n; };
  auto sized_opt = [&](int64_t len) { return len < 0 || len == static_cast<int64_t>(n); };
  if (n == 0) return bad(fmt::format("tree {} has no nodes", i));
  if (!sized(t.right.size()) || !sized(t.feature.size()) || !sized(t.cond.size()) ||
      !sized(t.default_left.size()) || (!t.split_type.empty() && !sized(t.split_type.size())) ||
      (!t.parents.empty() && !sized(t.parents.size())) || !sized_opt(t.base_weights) ||
      !sized_opt(t.loss_changes) || !sized_opt(t.sum_hessian))
    return bad(fmt::format("tree {} has node arrays of different lengths", i));
  if (t.declared_nodes >= 0 && t.declared_nodes != static_cast<int64_t>(n))
    return bad(fmt::format("tree {} declares {} nodes but has {}", i, t.declared_nodes, n));
  if (t.cat_nodes.size() != t.cat_segments.size() || t.cat_nodes.size() != t.cat_sizes.size())
    return bad(fmt::format("tree {} has inconsistent categorical split arrays", i));
  for (size_t c = 0; c < t.cat_nodes.size(); ++c) {
    if (t.cat_nodes[c] < 0 || t.cat_nodes[c] >= static_cast<int64_t>(n) || t.cat_segments[c] < 0 ||
        t.cat_sizes[c] < 0 || t.cat_segments[c] + t.cat_sizes[c] > t.num_categories)
      return bad(fmt::format("tree {} has a categorical split outside its category list", i));
  }
  // Walk from the root: every child in range, reached once (no cycle, no shared subtree).
  std::vector<bool> seen(n, false);
  std::vector<int32_t> stack{0};
  seen[0] = true;
  const int64_t features = std::max<int64_t>(doc.num_feature, 1);
  while (!stack.empty()) {
    int32_t k = stack.back();
    stack.pop_back();
    if (t.left[k] == -1 && t.right[k] == -1) continue;
    if (t.feature[k] < 0 || t.feature[k] >= features)
      return bad(fmt::format("tree {} node {} splits on feature {} of {}", i, k, t.feature[k],
                             doc.num_feature));
    for (int32_t c : {t.left[k], t.right[k]}) {
      if (c <= 0 || c >= static_cast<int64_t>(n))
        return bad(
            fmt::format("tree {} node {} has child index {} out of range (0..{})", i, k, c, n - 1));
      if (seen[c])
        return bad(
            fmt::format("tree {} node {} is reached twice (a cycle or shared subtree)", i, c));
      if (!t.parents.empty() && t.parents[c] != k)
        return bad(fmt::format("tree {} node {} has parent {}, not {}", i, c, t.parents[c], k));
      seen[c] = true;
      stack.push_back(c);
    }
  }
  const int64_t groups = std::max<int64_t>(doc.num_class, 1);
  if (i < doc.tree_info.size() && (doc.tree_info[i] < 0 || doc.tree_info[i] >= groups))
    return bad(
        fmt::format("tree {} belongs to output group {} of {}", i, doc.tree_info[i], groups));
  return {};
}

// Which bytes of JSON text are inside string literals: feed every byte in order; true when the
// byte is outside a string (the opening quote counts as inside). Shared by the two rewrites
// below, which must never touch string contents.
class JsonStringScanner {
 public:
  bool outside(char c) {
    if (in_string_) {
      if (escaped_)
        escaped_ = false;
      else if (c == '\\')
        escaped_ = true;
      else if (c == '"')
        in_string_ = false;
      return false;
    }
    if (c == '"') in_string_ = true;
    return !in_string_;
  }

 private:
  bool in_string_ = false, escaped_ = false;
};

}  // namespace

std::optional<std::string> json_without_nonfinite(std::string_view text) {
  std::string out;
  JsonStringScanner scanner;
  bool changed = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (scanner.outside(c) && (c == 'N' || c == 'I' || c == '-')) {
      const std::string_view rest = text.substr(i);
      const char* replacement = nullptr;
      size_t length = 0;
      if (rest.starts_with("NaN")) replacement = "null", length = 3;
      if (rest.starts_with("Infinity")) replacement = "1e999", length = 8;
      if (rest.starts_with("-Infinity")) replacement = "-1e999", length = 9;
      if (replacement) {
        if (!changed) out.assign(text.substr(0, i)), changed = true;
        out += replacement;
        i += length - 1;  // the skipped bytes are letters: the scanner's state is unchanged
        continue;
      }
    }
    if (changed) out.push_back(c);
  }
  if (!changed) return std::nullopt;
  return out;
}

bool model_is_json_text(std::string_view bytes) {
  return bytes.size() >= 2 && bytes[0] == '{' &&
         (bytes[1] == '"' || std::isspace(static_cast<unsigned char>(bytes[1])));
}

std::string compact_json(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  JsonStringScanner scanner;
  for (char c : text)
    if (!scanner.outside(c) || (c != ' ' && c != '\n' && c != '\r' && c != '\t')) out.push_back(c);
  return out;
}

std::string ModelDocument::version_string() const {
  return fmt::format("{}.{}.{}", version[0], version[1], version[2]);
}

Result<ModelDocument> ModelDocument::parse(std::string_view bytes) {
  if (bytes.size() < 2 || bytes[0] != '{')
    return bad("not an XGBoost JSON/UBJSON model: does not start with '{'");
  ModelDocument doc;
  Reader reader(doc);
  bool ok = false;
  std::optional<std::string> finite;
  if (model_is_json_text(bytes) && (finite = json_without_nonfinite(bytes))) bytes = *finite;
  try {
    ok = json::sax_parse(
        bytes.begin(), bytes.end(), &reader,
        model_is_json_text(bytes) ? json::input_format_t::json : json::input_format_t::ubjson);
  } catch (const std::exception& e) {
    return bad(std::string("not an XGBoost JSON/UBJSON model: ") + e.what());
  }
  if (!ok) return bad(reader.error().empty() ? "not an XGBoost JSON/UBJSON model" : reader.error());
  if (doc.version[0] < 0 || doc.version[2] < 0)
    return bad("no format version (expected \"version\": [major, minor, patch])");
  if (doc.version[0] != 1)
    return bad(fmt::format("format version {} is not supported (XGBoost 1.x models only)",
                           doc.version_string()));
  if (doc.booster.empty()) return bad("no 'learner.gradient_booster.name'");
  if (doc.objective.empty()) return bad("no 'learner.objective.name'");
  if (doc.booster != "gblinear" && doc.tree_info.size() != doc.trees.size())
    return bad(
        fmt::format("{} trees but {} tree_info entries", doc.trees.size(), doc.tree_info.size()));
  int64_t nodes = 0;
  for (size_t i = 0; i < doc.trees.size(); ++i) {
    MLO_TRY(check_tree(doc, i));
    nodes += static_cast<int64_t>(doc.trees[i].left.size());
    if (nodes > kMaxModelNodes) return bad(fmt::format("more than {} tree nodes", kMaxModelNodes));
  }
  return doc;
}

}  // namespace mlo

#include "mlo/core/yaml_io.hpp"

#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <yaml-cpp/eventhandler.h>

#include "mlo/core/atomic_file.hpp"
#include "mlo/core/text.hpp"

namespace mlo {

namespace {

// Thrown inside the event pre-pass to abort parsing as soon as a limit is crossed.
struct YamlRejected {
  std::string message;
};

std::string at_line(const YAML::Mark& mark) {
  return mark.line >= 0 ? " at line " + std::to_string(mark.line + 1) : "";
}

// Walks the event stream without building nodes, enforcing what yaml-cpp does not: nesting
// depth, alias count, total node count with aliases expanded (an anchor's subtree size is
// remembered and charged again for every alias use, so a billion-laughs document is rejected
// after a few events instead of after expanding it), recursive aliases and duplicate keys.
class LimitChecker : public YAML::EventHandler {
 public:
  explicit LimitChecker(const YamlLimits& limits) : limits_(limits) {}

  int documents() const { return documents_; }

  void OnDocumentStart(const YAML::Mark&) override {
    if (++documents_ > 1) throw YamlRejected{"more than one document"};
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    static const std::string kNullKey = "~";
    node_start(mark, &kNullKey);
    add_nodes(1, 0, mark);
    if (anchor) anchor_sizes_[anchor] = {1, 0};
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    node_start(mark, nullptr);
    if (++aliases_ > limits_.max_aliases)
      throw YamlRejected{"more than " + std::to_string(limits_.max_aliases) + " aliases" +
                         at_line(mark)};
    auto it = anchor_sizes_.find(anchor);
    if (it == anchor_sizes_.end()) throw YamlRejected{"recursive alias" + at_line(mark)};
    add_nodes(it->second.nodes, it->second.bytes, mark);
  }

  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    node_start(mark, &value);
    add_nodes(1, value.size(), mark);
    if (anchor) anchor_sizes_[anchor] = {1, value.size()};
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open_collection(mark, anchor, false);
  }
  void OnSequenceEnd() override { close_collection(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open_collection(mark, anchor, true);
  }
  void OnMapEnd() override { close_collection(); }

 private:
  struct Frame {
    bool is_map = false;
    bool expect_key = true;
    YAML::anchor_t anchor = 0;
    size_t nodes_at_start = 0;
    size_t bytes_at_start = 0;
    std::unordered_set<std::string> keys;
  };
  struct Size {
    size_t nodes = 0;
    size_t bytes = 0;
  };

  // Called for every node: inside a mapping, nodes alternate key, value, key, ...
  void node_start(const YAML::Mark& mark, const std::string* scalar_key) {
    if (stack_.empty() || !stack_.back().is_map) return;
    Frame& map = stack_.back();
    bool is_key = map.expect_key;
    map.expect_key = !map.expect_key;
    if (is_key && scalar_key && !map.keys.insert(*scalar_key).second)
      throw YamlRejected{"duplicate key " + quote_value(*scalar_key) + at_line(mark)};
  }

  void open_collection(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    node_start(mark, nullptr);
    add_nodes(1, 0, mark);
    if (static_cast<int>(stack_.size()) >= limits_.max_depth)
      throw YamlRejected{"nesting deeper than " + std::to_string(limits_.max_depth) + " levels" +
                         at_line(mark)};
    Frame frame;
    frame.is_map = is_map;
    frame.anchor = anchor;
    frame.nodes_at_start = nodes_ - 1;
    frame.bytes_at_start = bytes_;
    stack_.push_back(std::move(frame));
  }

  void close_collection() {
    if (stack_.empty()) return;
    const Frame& frame = stack_.back();
    // Registered only now: an alias to a still-open anchor would make a cyclic node graph.
    if (frame.anchor)
      anchor_sizes_[frame.anchor] = {nodes_ - frame.nodes_at_start, bytes_ - frame.bytes_at_start};
    stack_.pop_back();
  }

  void add_nodes(size_t n, size_t bytes, const YAML::Mark& mark) {
    nodes_ += n;
    bytes_ += bytes;
    if (nodes_ > limits_.max_nodes)
      throw YamlRejected{"more than " + std::to_string(limits_.max_nodes) +
                         " nodes (after alias expansion)" + at_line(mark)};
    if (bytes_ > limits_.max_expanded_bytes)
      throw YamlRejected{"more than " + std::to_string(limits_.max_expanded_bytes) +
                         " bytes of scalars (after alias expansion)" + at_line(mark)};
  }

  const YamlLimits& limits_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Size> anchor_sizes_;
  size_t nodes_ = 0;
  size_t bytes_ = 0;
  int aliases_ = 0;
  int documents_ = 0;
};

std::string yaml_error_text(const YAML::Exception& e) {
  // e.what() already embeds "yaml-cpp: error at line L, column C: msg"; rebuild it shorter.
  if (e.mark.is_null()) return e.msg;
  return "line " + std::to_string(e.mark.line + 1) + ": " + e.msg;
}

// The limits the event pre-pass enforces, checked on a loaded tree instead. Only sound for a
// document without aliases (each tree node then appears once) and with a single document (Load
// reads only the first); the caller checks both. False on any violation: the caller then runs
// the pre-pass, which reports the first violation in document order with its line.
class TreeLimits {
 public:
  explicit TreeLimits(const YamlLimits& limits) : limits_(limits) {}

  bool within(const YAML::Node& node, int depth) {
    if (++nodes_ > limits_.max_nodes) return false;
    if (node.IsScalar()) {
      bytes_ += node.Scalar().size();
      return bytes_ <= limits_.max_expanded_bytes;
    }
    if (!node.IsMap() && !node.IsSequence()) return true;
    if (depth >= limits_.max_depth) return false;
    if (node.IsSequence()) {
      for (const auto& item : node)
        if (!within(item, depth + 1)) return false;
      return true;
    }
    std::unordered_set<std::string> keys;
    for (const auto& entry : node) {
      if (entry.first.IsNull() && !keys.insert("~").second) return false;
      if (entry.first.IsScalar() && !keys.insert(entry.first.Scalar()).second) return false;
      if (!within(entry.first, depth + 1) || !within(entry.second, depth + 1)) return false;
    }
    return true;
  }

 private:
  const YamlLimits& limits_;
  size_t nodes_ = 0;
  size_t bytes_ = 0;
};

// A line starting with "---" or "..." may start or end a document.
bool may_hold_document_markers(std::string_view text) {
  for (size_t at = 0; at < text.size();) {
    const std::string_view line = text.substr(at, 3);
    if (line == "---" || line == "...") return true;
    const size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return false;
}

// One parse instead of two for the common document: no alias ('*' nowhere) and no document
// marker. Anything else, or any limit crossed, returns nullopt and goes through the pre-pass so
// the error (and its line) is exactly the pre-pass's.
std::optional<YAML::Node> load_within_limits(const std::string& text, const YamlLimits& limits) {
  if (text.find('*') != std::string::npos || may_hold_document_markers(text)) return std::nullopt;
  try {
    YAML::Node node = YAML::Load(text);
    TreeLimits check(limits);
    if (check.within(node, 0)) return node;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace

Result<YAML::Node> parse_yaml(std::string_view text, const std::string& what,
                              const YamlLimits& limits) {
  if (text.size() > limits.max_bytes)
    return make_error(ErrorCode::kInvalidInput, what + ": document larger than " +
                                                    std::to_string(limits.max_bytes) + " bytes");
  std::string owned(text);
  if (auto node = load_within_limits(owned, limits)) return *node;
  try {
    {
      std::istringstream in(owned);
      YAML::Parser parser(in);
      LimitChecker checker(limits);
      while (parser.HandleNextDocument(checker)) {
      }
    }
    YAML::Node node = YAML::Load(owned);
    return node;
  } catch (const YamlRejected& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": " + e.message);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": " + yaml_error_text(e));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": " + e.what());
  }
}

Result<YAML::Node> load_yaml_file(const std::string& path, const YamlLimits& limits) {
  MLO_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_yaml(text, path, limits);
}

std::string emit_yaml(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetMapFormat(YAML::Block);
  out.SetSeqFormat(YAML::Block);
  out << node;
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

Result<YAML::Node> require_field(const YAML::Node& map, const std::string& key,
                                 const std::string& what) {
  if (!map.IsMap()) return make_error(ErrorCode::kInvalidInput, what + ": expected a mapping");
  const YAML::Node field = map[key];
  if (!field || field.IsNull())
    return make_error(ErrorCode::kInvalidInput, what + ": missing field '" + key + "'");
  return field;
}

Result<std::string> require_string(const YAML::Node& map, const std::string& key,
                                   const std::string& what) {
  MLO_ASSIGN_OR_RETURN(YAML::Node field, require_field(map, key, what));
  if (!field.IsScalar())
    return make_error(ErrorCode::kInvalidInput, what + ": field '" + key + "': expected a string");
  return field.Scalar();
}

Result<long long> require_int(const YAML::Node& map, const std::string& key,
                              const std::string& what) {
  MLO_ASSIGN_OR_RETURN(YAML::Node field, require_field(map, key, what));
  if (!field.IsScalar())
    return make_error(ErrorCode::kInvalidInput,
                      what + ": field '" + key + "': expected an integer");
  try {
    return field.as<long long>();
  } catch (const YAML::Exception&) {
    return make_error(
        ErrorCode::kInvalidInput,
        what + ": field '" + key + "': expected an integer, got " + quote_value(field.Scalar()));
  }
}

}  // namespace mlo

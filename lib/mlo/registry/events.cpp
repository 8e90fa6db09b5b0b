#include "mlo/registry/events.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "mlo/core/digest.hpp"
#include "mlo/core/time.hpp"
#include "mlo/core/yaml_io.hpp"
#include "mlo/registry/audit.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/yaml_fields.hpp"

namespace mlo {
namespace {

// Each racing writer loses at most once per winner; this bound only stops a livelock.
constexpr int kMaxAppendAttempts = 10000;

Result<std::vector<int64_t>> event_numbers(Store& store, const std::string& name) {
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.list(events_prefix(name)));
  std::vector<int64_t> numbers;
  for (const auto& key : keys)
    if (auto n = parse_numbered_key(key, events_prefix(name))) numbers.push_back(*n);
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

Result<Event> decode_event(const YAML::Node& doc, const std::string& what,
                           const std::string& model) {
  if (!doc.IsMap()) return make_error(ErrorCode::kInvalidInput, what + ": not a mapping");
  MLO_ASSIGN_OR_RETURN(std::string api, require_string(doc, "apiVersion", what));
  if (api != kApiVersion)
    return make_error(ErrorCode::kInvalidInput, what + ": unsupported apiVersion '" + api + "'");
  MLO_ASSIGN_OR_RETURN(std::string kind, require_string(doc, "kind", what));
  if (kind != "Event")
    return make_error(ErrorCode::kInvalidInput, what + ": kind is '" + kind + "', expected Event");
  MLO_ASSIGN_OR_RETURN(std::string owner, require_string(doc, "model", what));
  if (owner != model)
    return make_error(ErrorCode::kInvalidInput,
                      what + ": belongs to model '" + owner + "', not '" + model + "'");
  Event e;
  MLO_ASSIGN_OR_RETURN(e.number, require_int(doc, "number", what));
  MLO_ASSIGN_OR_RETURN(e.type, require_string(doc, "type", what));
  MLO_ASSIGN_OR_RETURN(e.time, optional_string(doc, "time", what));
  MLO_ASSIGN_OR_RETURN(e.actor, optional_string(doc, "actor", what));
  MLO_ASSIGN_OR_RETURN(e.previous, optional_string(doc, "previous", what));
  if (!e.previous.empty() && !is_valid_digest(e.previous))
    return make_error(ErrorCode::kInvalidInput, what + ": field 'previous': not a sha256 digest");
  MLO_ASSIGN_OR_RETURN(e.fields, optional_string_map(doc, "fields", what));
  return e;
}

}  // namespace

std::string event_to_yaml(const std::string& model, const Event& event) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << kApiVersion;
  out << YAML::Key << "kind" << YAML::Value << "Event";
  out << YAML::Key << "model" << YAML::Value << model;
  out << YAML::Key << "number" << YAML::Value << event.number;
  out << YAML::Key << "type" << YAML::Value << event.type;
  out << YAML::Key << "time" << YAML::Value << event.time;
  out << YAML::Key << "actor" << YAML::Value << event.actor;
  if (!event.previous.empty()) out << YAML::Key << "previous" << YAML::Value << event.previous;
  if (!event.fields.empty()) {
    out << YAML::Key << "fields" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : event.fields) out << YAML::Key << k << YAML::Value << v;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  std::string body = std::string(out.c_str()) + "\n";
  if (auto key = audit_key_from_env()) return sign_event_text(*key, std::move(body));
  return body;
}

namespace {

// The events mlo writes, read without building a YAML tree (verify reads every event of every
// model). Accepts only "key: value" lines of plain text (is_plain_text) at the top level and
// two-space indented under "fields:", each key once, every field decode_event checks valid, and
// then returns exactly what the YAML path would. Anything else (quoting, comments, flow style,
// other keys, an invalid field) is nullopt: the YAML path decides, with its own messages.
std::optional<Event> parse_plain_event(std::string_view text, const std::string& model) {
  Event e;
  std::set<std::string_view> seen;
  bool in_fields = false, have_number = false, have_type = false, have_kind = false,
       have_api = false, have_model = false;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;  // mlo ends every line
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    const bool indented = line.substr(0, 2) == "  ";
    if (indented) line.remove_prefix(2);
    const size_t colon = line.find(": ");
    if (!indented && line == "fields:" && seen.insert("fields").second) {
      in_fields = true;
      continue;
    }
    if (colon == std::string_view::npos) return std::nullopt;
    const std::string_view key = line.substr(0, colon), value = line.substr(colon + 2);
    if (!is_plain_text(key) || key.find(':') != std::string_view::npos || !is_plain_text(value))
      return std::nullopt;
    if (indented) {
      if (!in_fields || !e.fields.emplace(std::string(key), std::string(value)).second)
        return std::nullopt;
      continue;
    }
    in_fields = false;
    if (!seen.insert(key).second) return std::nullopt;
    if (key == "apiVersion") {
      have_api = value == kApiVersion;
    } else if (key == "kind") {
      have_kind = value == "Event";
    } else if (key == "model") {
      have_model = value == model;
    } else if (key == "number") {
      auto n = plain_int(value);
      if (!n) return std::nullopt;
      e.number = *n;
      have_number = true;
    } else if (key == "type") {
      e.type = value;
      have_type = true;
    } else if (key == "time") {
      e.time = value;
    } else if (key == "actor") {
      e.actor = value;
    } else if (key == "previous") {
      if (!is_valid_digest(value)) return std::nullopt;
      e.previous = value;
    } else if (key != "hmac") {  // the signature line (audit.hpp); decode_event ignores it
      return std::nullopt;
    }
  }
  if (!have_api || !have_kind || !have_model || !have_number || !have_type) return std::nullopt;
  return e;
}

}  // namespace

Result<Event> event_from_yaml(const std::string& text, const std::string& what,
                              const std::string& model) {
  if (auto fast = parse_plain_event(text, model)) return std::move(*fast);
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(text, what));
  try {
    return decode_event(doc, what, model);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": " + e.msg);
  }
}

namespace {

// The one append loop: read the head of the chain, link to it, put_new N+1; on a lost race
// re-read and retry. With `once`, an event carrying the same fields["id"] already in the chain
// is returned instead (checked on every attempt, so two racing writers of the same id append
// it exactly once: the loser's retry sees the winner's event).
Result<Event> append_loop(Store& store, const std::string& name, Event event, bool once) {
  MLO_TRY(validate_model_name(name));
  if (event.time.empty()) event.time = now_rfc3339();
  if (event.actor.empty()) event.actor = current_actor();
  const auto id = event.fields.find("id");
  if (once && (id == event.fields.end() || id->second.empty()))
    return make_error(ErrorCode::kUsage, "append event to " + name + ": no id to deduplicate on");
  for (int attempt = 0; attempt < kMaxAppendAttempts; ++attempt) {
    int64_t last = 0;
    std::string last_digest;
    if (once) {
      MLO_ASSIGN_OR_RETURN(std::vector<StoredEvent> chain, read_stored_events(store, name));
      for (auto& s : chain) {
        auto it = s.event.fields.find("id");
        if (it != s.event.fields.end() && it->second == id->second) return std::move(s.event);
      }
      if (!chain.empty()) {
        last = chain.back().event.number;
        last_digest = chain.back().digest;
      }
    } else {
      MLO_ASSIGN_OR_RETURN(std::vector<int64_t> numbers, event_numbers(store, name));
      last = numbers.empty() ? 0 : numbers.back();
      if (last > 0) {
        MLO_ASSIGN_OR_RETURN(std::string previous_bytes, store.get(event_key(name, last)));
        last_digest = digest_bytes(previous_bytes);
      }
    }
    event.previous = last_digest;
    event.number = last + 1;
    Status put = store.put_new(event_key(name, event.number), event_to_yaml(name, event));
    if (put.ok()) return event;
    if (put.error().code != ErrorCode::kConflict) return put.error();
  }
  return make_error(ErrorCode::kConflict,
                    "append event to " + name + ": too many concurrent writers");
}

}  // namespace

Result<Event> append_event(Store& store, const std::string& name, Event event) {
  return append_loop(store, name, std::move(event), false);
}

Result<Event> append_event_once(Store& store, const std::string& name, Event event) {
  return append_loop(store, name, std::move(event), true);
}

Result<std::vector<StoredEvent>> read_stored_events(Store& store, const std::string& name) {
  MLO_TRY(validate_model_name(name));
  MLO_ASSIGN_OR_RETURN(std::vector<int64_t> numbers, event_numbers(store, name));
  std::vector<StoredEvent> out;
  out.reserve(numbers.size());
  for (int64_t n : numbers) {
    const std::string key = event_key(name, n);
    MLO_ASSIGN_OR_RETURN(std::string bytes, store.get(key));
    MLO_ASSIGN_OR_RETURN(Event e, event_from_yaml(bytes, key, name));
    if (e.number != n)
      return make_error(ErrorCode::kIntegrity,
                        key + ": holds event number " + std::to_string(e.number));
    out.push_back(StoredEvent{std::move(e), digest_bytes(bytes)});
  }
  return out;
}

Result<std::vector<Event>> read_events(Store& store, const std::string& name) {
  MLO_ASSIGN_OR_RETURN(std::vector<StoredEvent> stored, read_stored_events(store, name));
  std::vector<Event> out;
  out.reserve(stored.size());
  for (auto& s : stored) out.push_back(std::move(s.event));
  return out;
}

}  // namespace mlo
